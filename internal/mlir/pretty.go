package mlir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// parsePrettyOp parses the custom syntax of op (its name already read) and
// returns its result types. Each pretty form is converted to the generic
// form's attribute names.
func (p *parser) parsePrettyOp(op *ir.Op, nres int) ([]ir.Type, bool) {
	switch op.Name {
	case "stablehlo.constant":
		return p.prettyConstant(op)
	case "stablehlo.compare":
		return p.prettyCompare(op)
	case "stablehlo.iota":
		return p.prettyOperandsAndTypes(op, nres)
	case "stablehlo.slice":
		return p.prettySlice(op)
	case "stablehlo.get_tuple_element":
		return p.prettyGetTupleElement(op)
	case "stablehlo.convolution":
		return p.prettyConvolution(op)
	case "stablehlo.reduce":
		return p.prettyReduce(op)
	case "stablehlo.while":
		return p.prettyWhile(op)
	case "stablehlo.custom_call", "func.call":
		return p.prettyCall(op)
	case "stablehlo.composite":
		return p.prettyComposite(op)
	case "chlo.top_k":
		return p.prettyTopK(op)
	case "chlo.scan":
		return p.prettyScan(op)
	case "check.expect_eq_const", "check.expect_almost_eq_const", "check.expect_close_const":
		return p.prettyCheckConst(op)
	}
	if p.is("(") {
		p.syntax("%s has no pretty form with '(' here; use the generic form \"%s\"(...)", op.Name, op.Name)
		return nil, false
	}
	return p.prettyOperandsAndTypes(op, nres)
}

// prettyOperandsAndTypes handles the common shape
// `%a, %b[, key = value]... [{attrs}] [: types]`.
func (p *parser) prettyOperandsAndTypes(op *ir.Op, nres int) ([]ir.Type, bool) {
	op.Operands = p.parseValueList()
	if p.err != nil {
		return nil, false
	}
	// Keyword attributes follow the operands after a comma, or start the
	// op when it has no operands (`iota dim = 0`).
	first := len(op.Operands) == 0
	for p.err == nil {
		if first {
			if p.tok.kind != tIdent || !p.peekIs("=") {
				break
			}
		} else if !p.accept(",") {
			break
		}
		first = false
		if p.tok.kind != tIdent {
			p.syntax("expected a keyword attribute, found %s", describe(p.tok))
			return nil, false
		}
		if !p.parseKeyword(op) {
			return nil, false
		}
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.is(":") {
		// Ops with neither operands' nor results' types: `func.return`,
		// `stablehlo.return` with no values.
		if len(op.Operands) == 0 && nres == 0 {
			return []ir.Type{}, true
		}
		p.syntax("expected ':' and the types of %s, found %s", op.Name, describe(p.tok))
		return nil, false
	}
	p.advance()
	return p.parseTrailingTypes(op, nres)
}

// noResultOps never produce results; a bare type list gives operand types.
var noResultOps = map[string]bool{
	"func.return": true, "stablehlo.return": true, "interpreter.print": true,
	"check.expect_eq": true, "check.expect_almost_eq": true, "check.expect_close": true,
	"check.expect_serialized_eq": true,
}

// resultOnlyOps take their bare type list as result types (their operands
// carry their own types).
var resultOnlyOps = map[string]bool{
	"stablehlo.iota": true, "stablehlo.tuple": true, "stablehlo.after_all": true,
	"stablehlo.create_token": true, "stablehlo.partition_id": true, "stablehlo.replica_id": true,
}

func (p *parser) parseTrailingTypes(op *ir.Op, nres int) ([]ir.Type, bool) {
	if p.is("(") {
		ins, outs, ok := p.parseFunctionType()
		if !ok || !p.checkOperandTypes(op, ins) {
			return nil, false
		}
		return outs, true
	}
	list := p.parseTypeList()
	if list == nil {
		return nil, false
	}
	if p.accept("->") {
		outs, ok := p.parseResultTypes()
		if !ok || !p.checkOperandTypes(op, list) {
			return nil, false
		}
		return outs, true
	}
	n := len(op.Operands)
	switch {
	case noResultOps[op.Name]:
		if len(list) == 1 && n > 1 {
			list = repeat(list[0], n)
		}
		return []ir.Type{}, p.checkOperandTypes(op, list)
	case resultOnlyOps[op.Name]:
		return list, true
	case op.Name == "stablehlo.select" && len(list) == 2 && n == 3:
		return list[1:], p.checkOperandTypes(op, []ir.Type{list[0], list[1], list[1]})
	case op.Name == "stablehlo.optimization_barrier":
		return list, p.checkOperandTypes(op, list)
	case op.Name == "stablehlo.complex" && len(list) == 1 && n == 2:
		tt, ok := list[0].(*ir.TensorType)
		if !ok || !tt.Elem.DType.IsComplex() {
			p.failf(op.Pos, "parse.types", "stablehlo.complex produces a complex tensor, not %s", list[0])
			return nil, false
		}
		part := &ir.TensorType{Shape: tt.Shape, Elem: ir.Element{DType: tt.Elem.DType.ComplexPart()}, Bounds: tt.Bounds}
		return list, p.checkOperandTypes(op, []ir.Type{part, part})
	case len(list) == 1:
		// SameOperandsAndResultType: every operand and the result.
		if !p.checkOperandTypes(op, repeat(list[0], n)) {
			return nil, false
		}
		return repeat(list[0], max(nres, 1)), true
	}
	p.failf(op.Pos, "parse.types", "cannot read %d types for %s with %d operands; write (operand types) -> result types", len(list), op.Name, n)
	return nil, false
}

func repeat(t ir.Type, n int) []ir.Type {
	out := make([]ir.Type, n)
	for i := range out {
		out[i] = t
	}
	return out
}

func i64s(v []int64) *ir.DenseArrayAttr { return &ir.DenseArrayAttr{Elem: tensor.I64, Ints: v} }

func i64(v int64) ir.IntAttr { return ir.IntAttr{Value: v, Type: tensor.I64} }

// parseIntList parses `[1, 2, 3]`.
func (p *parser) parseIntList() ([]int64, bool) {
	if !p.expect("[") {
		return nil, false
	}
	out := []int64{}
	for !p.is("]") {
		if len(out) > 0 && !p.expect(",") {
			return nil, false
		}
		if int64(len(out)) >= p.lim.MaxLiteralElems {
			p.failf(p.tok.pos, "limit.literal_elements", "list has more than %d elements", p.lim.MaxLiteralElems)
			return nil, false
		}
		v, ok := p.parseIntTok()
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	p.advance()
	return out, true
}

// parseKeyword parses one `key = value` of pretty syntax into op.Props.
func (p *parser) parseKeyword(op *ir.Op) bool {
	kt := p.tok
	key := kt.text
	p.advance()
	if !p.expect("=") {
		return false
	}
	set := func(name string, a ir.Attr) bool {
		// Same routing as attribute dictionaries: dialect-prefixed names
		// are discardable attributes.
		if strings.Contains(name, ".") {
			op.Attrs.Set(name, a)
		} else {
			op.Props.Set(name, a)
		}
		return true
	}
	list := func(name string) bool {
		v, ok := p.parseIntList()
		return ok && set(name, i64s(v))
	}
	integer := func(name string, ty tensor.DType) bool {
		v, ok := p.parseIntTok()
		return ok && set(name, ir.IntAttr{Value: v, Type: ty})
	}
	enum := func(name string) bool {
		if p.tok.kind != tIdent {
			p.syntax("expected a %s value, found %s", name, describe(p.tok))
			return false
		}
		v := p.tok.text
		p.advance()
		return set(name, ir.EnumAttr{Dialect: "stablehlo", Name: name, Value: v})
	}
	switch op.Name + " " + key {
	case "stablehlo.broadcast_in_dim dims", "stablehlo.dynamic_broadcast_in_dim dims":
		return list("broadcast_dimensions")
	case "stablehlo.transpose dims":
		return list("permutation")
	case "stablehlo.reverse dims":
		return list("dimensions")
	case "stablehlo.concatenate dim", "stablehlo.get_dimension_size dim":
		return integer("dimension", tensor.I64)
	case "stablehlo.iota dim", "stablehlo.dynamic_iota dim":
		return integer("iota_dimension", tensor.I64)
	case "stablehlo.dynamic_slice sizes":
		return list("slice_sizes")
	case "stablehlo.pad low":
		return list("edge_padding_low")
	case "stablehlo.pad high":
		return list("edge_padding_high")
	case "stablehlo.pad interior":
		return list("interior_padding")
	case "stablehlo.fft type":
		return enum("fft_type")
	case "stablehlo.fft length":
		return list("fft_length")
	case "stablehlo.rng_bit_generator algorithm":
		return enum("rng_algorithm")
	case "stablehlo.rng distribution":
		return enum("rng_distribution")
	case "stablehlo.reduce_precision format":
		return p.parseFloatFormat(op)
	case "stablehlo.dot_general batching_dims", "stablehlo.dot_general contracting_dims":
		return p.parseDimPair(op, strings.TrimSuffix(key, "_dims"))
	case "stablehlo.dot_general precision", "stablehlo.dot precision":
		return p.parsePrecision(op)
	case "stablehlo.dot_general algorithm":
		if !p.expect("<") {
			return false
		}
		f, ok := p.parseStructFields(">")
		if !ok || !p.expect(">") {
			return false
		}
		return set("algorithm", &ir.StructAttr{Dialect: "stablehlo", Name: "dot_algorithm", Fields: f})
	}
	// Any other keyword keeps its name; lists of integers become arrays.
	// Numbers take no `: type` suffix here: the colon starts the op's types.
	if p.tok.kind == tInt || p.tok.kind == tFloat || p.is("-") {
		neg := p.accept("-")
		t := p.tok
		p.advance()
		if t.kind == tInt {
			v, ok := parseInt(t.text, neg)
			if !ok {
				p.failf(t.pos, "parse.integer", "integer %s does not fit in 64 bits", t.text)
				return false
			}
			return set(key, i64(v))
		}
		if t.kind != tFloat {
			p.failf(t.pos, "parse.syntax", "expected a number after '-'")
			return false
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			p.failf(t.pos, "parse.float", "bad number %s", t.text)
			return false
		}
		if neg {
			f = -f
		}
		return set(key, ir.FloatAttr{Value: f, Type: tensor.F64})
	}
	v := p.parseAttr()
	if v == nil {
		return false
	}
	if arr, ok := v.(ir.ArrayAttr); ok {
		if ints, ok := ir.Ints(arr); ok {
			v = i64s(ints)
		}
	}
	return set(key, v)
}

// parseFloatFormat parses `e5m10` into exponent_bits / mantissa_bits.
func (p *parser) parseFloatFormat(op *ir.Op) bool {
	t := p.tok
	e, m, ok := strings.Cut(strings.TrimPrefix(t.text, "e"), "m")
	eb, err1 := strconv.Atoi(e)
	mb, err2 := strconv.Atoi(m)
	if t.kind != tIdent || !strings.HasPrefix(t.text, "e") || !ok || err1 != nil || err2 != nil {
		p.failf(t.pos, "parse.attribute", "bad float format %q; write eXmY, e.g. e5m10", t.text)
		return false
	}
	p.advance()
	op.Props.Set("exponent_bits", ir.IntAttr{Value: int64(eb), Type: tensor.I32})
	op.Props.Set("mantissa_bits", ir.IntAttr{Value: int64(mb), Type: tensor.I32})
	return true
}

// parseDimPair parses `[0] x [0]` into the dot dimension numbers.
func (p *parser) parseDimPair(op *ir.Op, which string) bool {
	lhs, ok := p.parseIntList()
	if !ok || !p.expect("x") {
		return false
	}
	rhs, ok := p.parseIntList()
	if !ok {
		return false
	}
	dn, _ := op.Props.Get("dot_dimension_numbers").(*ir.StructAttr)
	if dn == nil {
		dn = &ir.StructAttr{Dialect: "stablehlo", Name: "dot"}
		op.Props.Set("dot_dimension_numbers", dn)
	}
	dn.Fields.Set("lhs_"+which+"_dimensions", i64s(lhs))
	dn.Fields.Set("rhs_"+which+"_dimensions", i64s(rhs))
	return true
}

func (p *parser) parsePrecision(op *ir.Op) bool {
	if !p.expect("[") {
		return false
	}
	arr := ir.ArrayAttr{}
	for !p.is("]") {
		if len(arr) > 0 && !p.expect(",") {
			return false
		}
		if p.tok.kind != tIdent || len(arr) > 2 {
			p.syntax("expected DEFAULT, HIGH or HIGHEST, found %s", describe(p.tok))
			return false
		}
		arr = append(arr, ir.EnumAttr{Dialect: "stablehlo", Name: "precision", Value: p.tok.text})
		p.advance()
	}
	p.advance()
	op.Props.Set("precision_config", arr)
	return true
}

func (p *parser) prettyConstant(op *ir.Op) ([]ir.Type, bool) {
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	a := p.parseAttr()
	if a == nil {
		return nil, false
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok {
		p.failf(op.Pos, "parse.constant", "stablehlo.constant needs a dense<...> : tensor<...> literal")
		return nil, false
	}
	op.Props.Set("value", e)
	return []ir.Type{e.Type}, true
}

func (p *parser) prettyCompare(op *ir.Op) ([]ir.Type, bool) {
	if p.tok.kind != tIdent {
		p.syntax("expected a comparison direction (EQ, NE, LT, LE, GT, GE), found %s", describe(p.tok))
		return nil, false
	}
	op.Props.Set("comparison_direction", ir.EnumAttr{Dialect: "stablehlo", Name: "comparison_direction", Value: p.tok.text})
	p.advance()
	if !p.expect(",") {
		return nil, false
	}
	op.Operands = p.parseValueList()
	if p.err != nil {
		return nil, false
	}
	if p.accept(",") {
		if p.tok.kind != tIdent {
			p.syntax("expected a comparison type, found %s", describe(p.tok))
			return nil, false
		}
		op.Props.Set("compare_type", ir.EnumAttr{Dialect: "stablehlo", Name: "comparison_type", Value: p.tok.text})
		p.advance()
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	return p.parseTrailingTypes(op, 1)
}

// prettySlice parses `%a [0:2, 1:3:2]`.
func (p *parser) prettySlice(op *ir.Op) ([]ir.Type, bool) {
	v := p.useValue()
	if v == nil {
		return nil, false
	}
	op.Operands = []*ir.Value{v}
	if !p.expect("[") {
		return nil, false
	}
	var start, limit, stride []int64
	for !p.is("]") {
		if len(start) > 0 && !p.expect(",") {
			return nil, false
		}
		if len(start) >= p.lim.MaxRank {
			p.failf(p.tok.pos, "limit.rank", "slice has more than %d dimensions", p.lim.MaxRank)
			return nil, false
		}
		s, ok := p.parseIntTok()
		if !ok || !p.expect(":") {
			return nil, false
		}
		l, ok := p.parseIntTok()
		if !ok {
			return nil, false
		}
		st := int64(1)
		if p.accept(":") {
			if st, ok = p.parseIntTok(); !ok {
				return nil, false
			}
		}
		start, limit, stride = append(start, s), append(limit, l), append(stride, st)
	}
	p.advance()
	op.Props.Set("start_indices", i64s(orEmpty(start)))
	op.Props.Set("limit_indices", i64s(orEmpty(limit)))
	op.Props.Set("strides", i64s(orEmpty(stride)))
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	return p.parseTrailingTypes(op, 1)
}

func orEmpty(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

func (p *parser) prettyGetTupleElement(op *ir.Op) ([]ir.Type, bool) {
	v := p.useValue()
	if v == nil || !p.expect("[") {
		return nil, false
	}
	idx, ok := p.parseIntTok()
	if !ok || !p.expect("]") {
		return nil, false
	}
	op.Operands = []*ir.Value{v}
	op.Props.Set("index", ir.IntAttr{Value: idx, Type: tensor.I32})
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	return p.parseTrailingTypes(op, 1)
}

// prettyConvolution parses
// `(%lhs, %rhs) dim_numbers = [..]x[..]->[..], window = {...} {attrs} : T`.
func (p *parser) prettyConvolution(op *ir.Op) ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	op.Operands = p.parseValueList()
	if p.err != nil || !p.expect(")") {
		return nil, false
	}
	if !p.expect("dim_numbers") || !p.expect("=") {
		return nil, false
	}
	dn := p.parseConvDims()
	if dn == nil {
		return nil, false
	}
	op.Props.Set("dimension_numbers", dn)
	if p.accept(",") {
		if !p.expect("window") || !p.expect("=") || !p.expect("{") {
			return nil, false
		}
		for !p.is("}") && p.err == nil {
			if p.tok.kind != tIdent {
				p.syntax("expected a window field, found %s", describe(p.tok))
				return nil, false
			}
			key := p.tok.text
			p.advance()
			if !p.expect("=") {
				return nil, false
			}
			if !p.parseWindowField(op, key) {
				return nil, false
			}
			p.accept(",")
		}
		p.advance()
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	return p.parseTrailingTypes(op, 1)
}

func (p *parser) parseWindowField(op *ir.Op, key string) bool {
	switch key {
	case "stride", "lhs_dilate", "rhs_dilate":
		v, ok := p.parseIntList()
		if !ok {
			return false
		}
		name := map[string]string{"stride": "window_strides", "lhs_dilate": "lhs_dilation", "rhs_dilate": "rhs_dilation"}[key]
		op.Props.Set(name, i64s(v))
		return true
	case "reverse":
		a := p.parseAttr()
		arr, ok := a.(ir.ArrayAttr)
		if !ok {
			p.syntax("reverse must be a list of booleans")
			return false
		}
		rev := &ir.DenseArrayAttr{Elem: tensor.Bool, Ints: []int64{}}
		for _, e := range arr {
			switch e := e.(type) {
			case ir.BoolAttr:
				rev.Ints = append(rev.Ints, b2i(bool(e)))
			case ir.IntAttr:
				rev.Ints = append(rev.Ints, b2i(e.Value != 0))
			default:
				p.syntax("reverse must be a list of booleans")
				return false
			}
		}
		op.Props.Set("window_reversal", rev)
		return true
	case "pad":
		pos := p.tok.pos
		a := p.parseAttr()
		arr, ok := a.(ir.ArrayAttr)
		if !ok {
			p.failf(pos, "parse.attribute", "pad must be [[lo, hi], ...]")
			return false
		}
		data := make([]int64, 0, 2*len(arr))
		for _, e := range arr {
			pair, ok := ir.Ints(e)
			if !ok || len(pair) != 2 {
				p.failf(pos, "parse.attribute", "pad must be [[lo, hi], ...]")
				return false
			}
			data = append(data, pair...)
		}
		op.Props.Set("padding", int64Elements([]int64{int64(len(arr)), 2}, data))
		return true
	}
	p.failf(p.tok.pos, "parse.attribute", "unknown window field %q", key)
	return false
}

// int64Elements builds a dense i64 literal of the given shape.
func int64Elements(shape []int64, vals []int64) *ir.ElementsAttr {
	data := make([]byte, 8*len(vals))
	for i, v := range vals {
		putInt(data[8*i:8*i+8], v)
	}
	return &ir.ElementsAttr{Type: &ir.TensorType{Shape: shape, Elem: ir.Element{DType: tensor.I64}}, Data: data}
}

// prettyReduce parses both reduce forms:
//
//	stablehlo.reduce(%a init: %c) applies stablehlo.add across dimensions = [0] : T
//	stablehlo.reduce(%a init: %c), (%b init: %d) across dimensions = [0] : T
//	  reducer(%x: t, %y: t) (%z: u, %w: u) { ... }
func (p *parser) prettyReduce(op *ir.Op) ([]ir.Type, bool) {
	var inputs, inits []*ir.Value
	for {
		if !p.expect("(") {
			return nil, false
		}
		in := p.useValue()
		if in == nil || !p.expect("init") || !p.expect(":") {
			return nil, false
		}
		iv := p.useValue()
		if iv == nil || !p.expect(")") {
			return nil, false
		}
		inputs, inits = append(inputs, in), append(inits, iv)
		if !p.accept(",") {
			break
		}
	}
	op.Operands = append(inputs, inits...)
	var applies string
	if p.accept("applies") {
		if p.tok.kind != tIdent {
			p.syntax("expected an op name after applies")
			return nil, false
		}
		applies = p.tok.text
		p.advance()
	}
	if !p.expect("across") || !p.expect("dimensions") || !p.expect("=") {
		return nil, false
	}
	dims, ok := p.parseIntList()
	if !ok {
		return nil, false
	}
	op.Props.Set("dimensions", i64s(dims))
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	outs, ok := p.parseTrailingTypes(op, len(inputs))
	if !ok {
		return nil, false
	}
	if applies != "" {
		op.Regions = []*ir.Region{p.synthesizeReducer(op, applies, inits)}
		return outs, p.err == nil
	}
	if !p.expect("reducer") {
		return nil, false
	}
	var lhs, rhs []namedArg
	for p.is("(") {
		p.advance()
		var pair []namedArg
		for i := 0; i < 2; i++ {
			if i == 1 && !p.expect(",") {
				return nil, false
			}
			if p.tok.kind != tValueID {
				p.syntax("expected a reducer argument, found %s", describe(p.tok))
				return nil, false
			}
			a := namedArg{name: p.tok.text[1:], pos: p.tok.pos}
			p.advance()
			if !p.expect(":") {
				return nil, false
			}
			if a.ty = p.parseType(); a.ty == nil {
				return nil, false
			}
			p.skipLoc()
			pair = append(pair, a)
		}
		if !p.expect(")") {
			return nil, false
		}
		lhs, rhs = append(lhs, pair[0]), append(rhs, pair[1])
	}
	r := p.parseRegion(append(lhs, rhs...))
	if r == nil {
		return nil, false
	}
	op.Regions = []*ir.Region{r}
	return outs, true
}

// synthesizeReducer builds the region `^bb0(%a, %b): %r = OP %a, %b; return %r`
// for the `applies OP` form.
func (p *parser) synthesizeReducer(op *ir.Op, name string, inits []*ir.Value) *ir.Region {
	b := &ir.Block{}
	n := len(inits)
	for i := 0; i < 2*n; i++ {
		t := inits[i%n].Type
		b.Args = append(b.Args, &ir.Value{Type: t, Index: i})
	}
	ret := &ir.Op{Name: "stablehlo.return", Pos: op.Pos}
	for i := 0; i < n; i++ {
		body := &ir.Op{Name: name, Pos: op.Pos, Operands: []*ir.Value{b.Args[i], b.Args[n+i]}}
		body.Results = []*ir.Value{{Type: inits[i].Type, Def: body}}
		b.Ops = append(b.Ops, body)
		ret.Operands = append(ret.Operands, body.Results[0])
	}
	b.Ops = append(b.Ops, ret)
	return &ir.Region{Blocks: []*ir.Block{b}}
}

// prettyWhile parses
// `stablehlo.while(%a = %x, ...) : T, ... [attributes {...}] cond {...} do {...}`.
func (p *parser) prettyWhile(op *ir.Op) ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	var args []namedArg
	for !p.is(")") {
		if len(args) > 0 && !p.expect(",") {
			return nil, false
		}
		if p.tok.kind != tValueID {
			p.syntax("expected %%name = %%value in while, found %s", describe(p.tok))
			return nil, false
		}
		a := namedArg{name: p.tok.text[1:], pos: p.tok.pos}
		p.advance()
		if !p.expect("=") {
			return nil, false
		}
		v := p.useValue()
		if v == nil {
			return nil, false
		}
		args = append(args, a)
		op.Operands = append(op.Operands, v)
	}
	p.advance()
	var types []ir.Type
	if p.accept(":") {
		if types = p.parseTypeList(); types == nil {
			return nil, false
		}
	}
	if !p.checkOperandTypes(op, types) {
		return nil, false
	}
	for i := range args {
		args[i].ty = types[i]
	}
	if p.accept("attributes") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect("cond") {
		return nil, false
	}
	cond := p.parseRegion(args)
	if cond == nil || !p.expect("do") {
		return nil, false
	}
	body := p.parseRegion(args)
	if body == nil {
		return nil, false
	}
	op.Regions = []*ir.Region{cond, body}
	if types == nil {
		types = []ir.Type{}
	}
	return types, true
}

// prettyCall parses `@target(%a, %b) {attrs} : (T) -> R` for custom_call
// and func.call.
func (p *parser) prettyCall(op *ir.Op) ([]ir.Type, bool) {
	if p.tok.kind != tSymbol {
		p.syntax("expected @name after %s, found %s", op.Name, describe(p.tok))
		return nil, false
	}
	name := symName(p.tok.text)
	p.advance()
	if op.Name == "func.call" {
		op.Props.Set("callee", ir.SymbolRefAttr(name))
	} else {
		op.Props.Set("call_target_name", ir.StringAttr(name))
	}
	if !p.expect("(") {
		return nil, false
	}
	op.Operands = p.parseValueList()
	if p.err != nil || !p.expect(")") {
		return nil, false
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	ins, outs, ok := p.parseFunctionType()
	if !ok || !p.checkOperandTypes(op, ins) {
		return nil, false
	}
	return outs, true
}

// prettyComposite parses `"name" %a, %b {attrs} : (T) -> R`.
func (p *parser) prettyComposite(op *ir.Op) ([]ir.Type, bool) {
	if p.tok.kind != tString {
		p.syntax("expected the composite's name as a string")
		return nil, false
	}
	name, _ := unquote(p.tok.text)
	p.advance()
	op.Props.Set("name", ir.StringAttr(name))
	op.Operands = p.parseValueList()
	if p.err != nil {
		return nil, false
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	ins, outs, ok := p.parseFunctionType()
	if !ok || !p.checkOperandTypes(op, ins) {
		return nil, false
	}
	return outs, true
}

// prettyTopK parses `chlo.top_k(%a, k = 2) : T -> (R1, R2)`.
func (p *parser) prettyTopK(op *ir.Op) ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	v := p.useValue()
	if v == nil || !p.expect(",") || !p.expect("k") || !p.expect("=") {
		return nil, false
	}
	k, ok := p.parseIntTok()
	if !ok || !p.expect(")") {
		return nil, false
	}
	op.Operands = []*ir.Value{v}
	op.Props.Set("k", i64(k))
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	return p.parseTrailingTypes(op, 2)
}

// prettyScan parses
// `chlo.scan(%in, ...) inits(%init, ...) dimension=0 [attributes {...}] {region} : T`.
func (p *parser) prettyScan(op *ir.Op) ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	inputs := p.parseValueList()
	if p.err != nil || !p.expect(")") || !p.expect("inits") || !p.expect("(") {
		return nil, false
	}
	inits := p.parseValueList()
	if p.err != nil || !p.expect(")") || !p.expect("dimension") || !p.expect("=") {
		return nil, false
	}
	dim, ok := p.parseIntTok()
	if !ok {
		return nil, false
	}
	op.Operands = append(inputs, inits...)
	op.Props.Set("dimension", i64(dim))
	op.Props.Set("operandSegmentSizes", &ir.DenseArrayAttr{Elem: tensor.I32, Ints: []int64{int64(len(inputs)), int64(len(inits))}})
	if p.accept("attributes") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	r := p.parseRegion(nil)
	if r == nil || !p.expect(":") {
		return nil, false
	}
	op.Regions = []*ir.Region{r}
	return p.parseTrailingTypes(op, len(inputs)+len(inits))
}

// prettyCheckConst parses `%x, dense<...> : T [{attrs}]`.
func (p *parser) prettyCheckConst(op *ir.Op) ([]ir.Type, bool) {
	v := p.useValue()
	if v == nil || !p.expect(",") {
		return nil, false
	}
	op.Operands = []*ir.Value{v}
	a := p.parseAttr()
	e, ok := a.(*ir.ElementsAttr)
	if !ok {
		if p.err == nil {
			p.failf(op.Pos, "parse.attribute", "%s needs a dense<...> literal", op.Name)
		}
		return nil, false
	}
	op.Props.Set("value", e)
	for p.accept(",") {
		if !p.parseKeyword(op) {
			return nil, false
		}
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !ir.TypesEqual(v.Type, e.Type) {
		p.failf(op.Pos, "parse.operand_type", "%s compares %s with a literal of type %s", op.Name, v.Type, e.Type)
		return nil, false
	}
	return []ir.Type{}, true
}
