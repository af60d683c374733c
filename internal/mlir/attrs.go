package mlir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// parseAttrDict parses `{name = value, flag, ...}` into props/attrs:
// names with a dialect prefix (containing '.') are discardable attributes,
// the rest are inherent properties.
func (p *parser) parseAttrDictInto(props, attrs *ir.Dict) bool {
	d, ok := p.parseDict()
	if !ok {
		return false
	}
	for _, a := range d {
		target := props
		if strings.Contains(a.Name, ".") {
			target = attrs
		}
		if target.Has(a.Name) {
			p.syntax("attribute %q is given twice", a.Name)
			return false
		}
		target.Set(a.Name, a.Value)
	}
	return true
}

// parseDict parses `{ name = value, ... }`.
func (p *parser) parseDict() (ir.Dict, bool) {
	if !p.enter() {
		return nil, false
	}
	defer p.leave()
	if !p.expect("{") {
		return nil, false
	}
	var d ir.Dict
	if p.accept("}") {
		return ir.Dict{}, true
	}
	for {
		var name string
		switch p.tok.kind {
		case tIdent:
			name = p.tok.text
		case tString:
			s, ok := unquote(p.tok.text)
			if !ok {
				p.failf(p.tok.pos, "parse.string", "bad escape in string")
				return nil, false
			}
			name = s
		default:
			p.syntax("expected an attribute name, found %s", describe(p.tok))
			return nil, false
		}
		p.advance()
		var v ir.Attr = ir.UnitAttr{}
		if p.accept("=") {
			v = p.parseAttr()
			if v == nil {
				return nil, false
			}
		}
		if d.Has(name) {
			p.syntax("attribute %q is given twice", name)
			return nil, false
		}
		d = append(d, ir.NamedAttr{Name: name, Value: v})
		if !p.accept(",") {
			break
		}
	}
	if !p.expect("}") {
		return nil, false
	}
	return d, true
}

// parseAttr parses one attribute value.
func (p *parser) parseAttr() ir.Attr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok
	switch t.kind {
	case tString:
		s, ok := unquote(t.text)
		if !ok {
			p.failf(t.pos, "parse.string", "bad escape in string")
			return nil
		}
		if len(s) > p.lim.MaxStringLen {
			p.failf(t.pos, "limit.string", "string attribute is %d bytes, over the limit of %d", len(s), p.lim.MaxStringLen)
			return nil
		}
		p.advance()
		return ir.StringAttr(s)
	case tSymbol:
		p.advance()
		name := t.text[1:]
		if strings.HasPrefix(name, "\"") {
			s, ok := unquote(name)
			if !ok {
				p.failf(t.pos, "parse.string", "bad symbol name")
				return nil
			}
			name = s
		}
		return ir.SymbolRefAttr(name)
	case tInt, tFloat:
		return p.parseNumberAttr()
	case tHashID:
		return p.parseHashAttr()
	case tPunct:
		switch t.text {
		case "-":
			return p.parseNumberAttr()
		case "[":
			return p.parseArrayAttr()
		case "{":
			d, ok := p.parseDict()
			if !ok {
				return nil
			}
			return ir.DictAttr(d)
		case "(":
			ins, outs, ok := p.parseFunctionType()
			if !ok {
				return nil
			}
			return ir.TypeAttr{Type: &ir.FuncType{Inputs: ins, Results: outs}}
		}
	case tIdent:
		switch t.text {
		case "true", "false":
			p.advance()
			return ir.BoolAttr(t.text == "true")
		case "unit":
			p.advance()
			return ir.UnitAttr{}
		case "dense":
			return p.parseDenseAttr()
		case "array":
			return p.parseDenseArray()
		case "dense_resource":
			p.failf(t.pos, "parse.dense_resource", "dense_resource literals refer to external blobs and are not accepted")
			return nil
		case "tensor", "tuple", "complex":
			ty := p.parseType()
			if ty == nil {
				return nil
			}
			return ir.TypeAttr{Type: ty}
		}
		if _, ok := dtypeFromIdent(t.text); ok {
			ty := p.parseType()
			if ty == nil {
				return nil
			}
			return ir.TypeAttr{Type: ty}
		}
		// A bare keyword (enum case in pretty syntax or in a struct attr).
		p.advance()
		return ir.EnumAttr{Value: t.text}
	case tBangID:
		ty := p.parseType()
		if ty == nil {
			return nil
		}
		return ir.TypeAttr{Type: ty}
	}
	p.failf(t.pos, "parse.attribute", "expected an attribute value, found %s", describe(t))
	return nil
}

func (p *parser) parseNumberAttr() ir.Attr {
	pos := p.tok.pos
	neg := p.accept("-")
	t := p.tok
	if t.kind != tInt && t.kind != tFloat {
		p.syntax("expected a number, found %s", describe(t))
		return nil
	}
	p.advance()
	var ty tensor.DType
	if p.is(":") {
		p.advance()
		tt := p.tok
		if tt.kind != tIdent {
			p.failf(tt.pos, "parse.type", "expected a scalar type after ':'")
			return nil
		}
		d, ok := dtypeFromIdent(tt.text)
		if !ok {
			p.failf(tt.pos, "parse.type", "unknown scalar type %q", tt.text)
			return nil
		}
		ty = d
		p.advance()
	}
	if t.kind == tInt && (ty == tensor.Invalid || !ty.IsFloat()) {
		v, ok := parseInt(t.text, neg)
		if !ok {
			p.failf(pos, "parse.integer", "integer %s does not fit in 64 bits", t.text)
			return nil
		}
		if ty == tensor.Bool {
			return ir.BoolAttr(v != 0)
		}
		return ir.IntAttr{Value: v, Type: ty}
	}
	if ty == tensor.Invalid {
		ty = tensor.F64
	}
	if !ty.IsFloat() {
		p.failf(pos, "parse.attribute", "float literal with non-float type %s", ty)
		return nil
	}
	var f float64
	if t.kind == tInt && strings.HasPrefix(t.text, "0x") {
		bits, ok := parseInt(t.text, false)
		if !ok {
			p.failf(pos, "parse.float", "bad float bit pattern %s", t.text)
			return nil
		}
		f = tensor.BitsFloat(ty, uint64(bits))
	} else {
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			p.failf(pos, "parse.float", "bad float %s", t.text)
			return nil
		}
		f = v
	}
	if neg {
		f = -f
	}
	return ir.FloatAttr{Value: f, Type: ty}
}

func (p *parser) parseArrayAttr() ir.Attr {
	p.advance() // [
	arr := ir.ArrayAttr{}
	if p.accept("]") {
		return arr
	}
	for {
		v := p.parseAttr()
		if v == nil {
			return nil
		}
		arr = append(arr, v)
		if len(arr) > int(p.lim.MaxLiteralElems) {
			p.failf(p.tok.pos, "limit.literal_elements", "array attribute has more than %d elements", p.lim.MaxLiteralElems)
			return nil
		}
		if !p.accept(",") {
			break
		}
	}
	if !p.expect("]") {
		return nil
	}
	return arr
}

// parseDenseArray parses `array<i64: 1, 2>` / `array<i64>`.
func (p *parser) parseDenseArray() ir.Attr {
	p.advance() // array
	if !p.expect("<") {
		return nil
	}
	et := p.tok
	d, ok := dtypeFromIdent(et.text)
	if et.kind != tIdent || !ok || d.IsComplex() {
		p.failf(et.pos, "parse.attribute", "bad dense array element type %s", describe(et))
		return nil
	}
	p.advance()
	a := &ir.DenseArrayAttr{Elem: d}
	if d.IsFloat() {
		a.Floats = []float64{}
	} else {
		a.Ints = []int64{}
	}
	if p.accept(":") {
		for {
			if int64(len(a.Ints)+len(a.Floats)) >= p.lim.MaxLiteralElems {
				p.failf(p.tok.pos, "limit.literal_elements", "array has more than %d elements", p.lim.MaxLiteralElems)
				return nil
			}
			switch {
			case d.IsFloat():
				f, ok := p.parseFloatTok()
				if !ok {
					return nil
				}
				a.Floats = append(a.Floats, f)
			case d.IsBool() && (p.is("true") || p.is("false")):
				a.Ints = append(a.Ints, b2i(p.is("true")))
				p.advance()
			default:
				v, ok := p.parseIntTok()
				if !ok {
					return nil
				}
				a.Ints = append(a.Ints, v)
			}
			if !p.accept(",") {
				break
			}
		}
	}
	if !p.expect(">") {
		return nil
	}
	return a
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// parseHashAttr parses `#alias`, `#stablehlo<enum VALUE>`,
// `#stablehlo.name<...>` and keeps unknown dialect attributes opaque.
func (p *parser) parseHashAttr() ir.Attr {
	t := p.tok
	name := t.text[1:]
	p.advance()
	adjacent := p.is("<") && p.tok.off == t.off+len(t.text)
	if !adjacent {
		if a, ok := p.aliases[name]; ok {
			return a
		}
		p.failf(t.pos, "parse.attribute", "unknown attribute alias #%s", name)
		return nil
	}
	dialect, rest, _ := strings.Cut(name, ".")
	if dialect == "stablehlo" || dialect == "chlo" {
		if rest == "" {
			// #stablehlo<comparison_direction LT>
			p.advance()
			k, v := p.tok, token{}
			p.advance()
			v = p.tok
			if k.kind != tIdent || v.kind != tIdent {
				p.failf(t.pos, "parse.attribute", "expected #%s<kind VALUE>", dialect)
				return nil
			}
			p.advance()
			if !p.expect(">") {
				return nil
			}
			return ir.EnumAttr{Dialect: dialect, Name: k.text, Value: v.text}
		}
		return p.parseDialectStruct(t, dialect, rest)
	}
	return p.parseOpaque(t)
}

// structAttrs are the #stablehlo.NAME<...> attributes with field syntax.
var structAttrs = map[string]bool{
	"gather": true, "scatter": true, "dot": true, "output_operand_alias": true,
	"dot_algorithm": true, "result_accuracy": true, "channel_handle": true,
	"type_extensions": true, "ragged_dot": true,
}

func (p *parser) parseDialectStruct(t token, dialect, name string) ir.Attr {
	if name == "conv" {
		p.advance() // <
		c := p.parseConvDims()
		if c == nil || !p.expect(">") {
			return nil
		}
		return c
	}
	if !structAttrs[name] {
		// #stablehlo.comparison_direction<LT> style enums.
		p.advance()
		v := p.tok
		if v.kind != tIdent {
			return p.opaqueFrom(t)
		}
		p.advance()
		if !p.expect(">") {
			return nil
		}
		return ir.EnumAttr{Dialect: dialect, Name: name, Value: v.text}
	}
	p.advance() // <
	s := &ir.StructAttr{Dialect: dialect, Name: name}
	if !p.accept(">") {
		f, ok := p.parseStructFields(">")
		if !ok {
			return nil
		}
		s.Fields = f
		if !p.expect(">") {
			return nil
		}
	}
	return s
}

// parseStructFields parses `a = 1, b = [1, 2], c = X` up to (not
// including) the closing token. Integer lists become DenseArrayAttr(I64).
func (p *parser) parseStructFields(closing string) (ir.Dict, bool) {
	var d ir.Dict
	for {
		if p.tok.kind != tIdent {
			p.syntax("expected a field name, found %s", describe(p.tok))
			return nil, false
		}
		name := p.tok.text
		p.advance()
		if !p.expect("=") {
			return nil, false
		}
		v := p.parseAttr()
		if v == nil {
			return nil, false
		}
		if arr, ok := v.(ir.ArrayAttr); ok {
			if ints, ok := ir.Ints(arr); ok {
				v = &ir.DenseArrayAttr{Elem: tensor.I64, Ints: ints}
			}
		}
		d = append(d, ir.NamedAttr{Name: name, Value: v})
		if !p.accept(",") {
			return d, true
		}
		if p.is(closing) {
			return d, true
		}
	}
}

// parseOpaque captures `#dialect.name<...>` verbatim, balancing brackets.
func (p *parser) parseOpaque(t token) ir.Attr { return p.opaqueFrom(t) }

func (p *parser) opaqueFrom(t token) ir.Attr {
	// p.tok is somewhere inside the <...>; restart scanning from the '<'
	// that follows the hash token, counting brackets token by token.
	start := t.off
	p.lex.off = t.off + len(t.text)
	p.lex.line, p.lex.lineStart = t.pos.Line, t.off-int(t.pos.Col)+1
	p.advance() // '<'
	level := 0
	for steps := 0; ; steps++ {
		switch {
		case p.tok.kind == tEOF:
			p.failf(t.pos, "parse.attribute", "unterminated attribute %s", t.text)
			return nil
		case p.is("<") || p.is("(") || p.is("[") || p.is("{"):
			level++
			if level > p.lim.MaxDepth {
				p.failf(p.tok.pos, "limit.depth", "attribute nesting is deeper than %d", p.lim.MaxDepth)
				return nil
			}
		case p.is(">") || p.is(")") || p.is("]") || p.is("}"):
			level--
		}
		end := p.tok.off + len(p.tok.text)
		p.advance()
		if level == 0 {
			text := p.lex.src[start:end]
			if len(text) > p.lim.MaxStringLen {
				p.failf(t.pos, "limit.string", "attribute text is over %d bytes", p.lim.MaxStringLen)
				return nil
			}
			return ir.OpaqueAttr{Text: strings.Clone(text)}
		}
	}
}

// parseConvDims parses `[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]` or the
// `raw` field form, into a StructAttr with the generic field names.
func (p *parser) parseConvDims() ir.Attr {
	s := &ir.StructAttr{Dialect: "stablehlo", Name: "conv"}
	if p.accept("raw") {
		f, ok := p.parseStructFields(">")
		if !ok {
			return nil
		}
		s.Fields = f
		return s
	}
	specs := [3]string{"input", "kernel", "output"}
	letters := [3][2]string{{"b", "f"}, {"i", "o"}, {"b", "f"}}
	fields := [3][2]string{
		{"input_batch_dimension", "input_feature_dimension"},
		{"kernel_input_feature_dimension", "kernel_output_feature_dimension"},
		{"output_batch_dimension", "output_feature_dimension"},
	}
	for k := range 3 {
		if k == 1 && !p.expect("x") {
			return nil
		}
		if k == 2 && !p.expect("->") {
			return nil
		}
		if !p.expect("[") {
			return nil
		}
		first, second := int64(-1), int64(-1)
		var spatial []int64
		var spatialIdx []int64
		for i := int64(0); !p.is("]"); i++ {
			if i > 0 && !p.expect(",") {
				return nil
			}
			if i >= int64(p.lim.MaxRank) {
				p.failf(p.tok.pos, "limit.rank", "convolution layout has more than %d dimensions", p.lim.MaxRank)
				return nil
			}
			t := p.tok
			switch {
			case t.kind == tIdent && t.text == letters[k][0]:
				first = i
			case t.kind == tIdent && t.text == letters[k][1]:
				second = i
			case t.kind == tInt:
				n, err := strconv.Atoi(t.text)
				if err != nil || n >= p.lim.MaxRank {
					p.failf(t.pos, "parse.conv", "bad spatial dimension %s", t.text)
					return nil
				}
				spatial = append(spatial, i)
				spatialIdx = append(spatialIdx, int64(n))
			default:
				p.failf(t.pos, "parse.conv", "unexpected %s in %s layout", describe(t), specs[k])
				return nil
			}
			p.advance()
		}
		p.advance() // ]
		// Spatial dims are listed by their spatial number, not position.
		ordered := make([]int64, len(spatial))
		for j, n := range spatialIdx {
			if int(n) >= len(ordered) {
				p.failf(p.tok.pos, "parse.conv", "spatial dimension %d out of range in %s layout", n, specs[k])
				return nil
			}
			ordered[n] = spatial[j]
		}
		s.Fields = append(s.Fields,
			ir.NamedAttr{Name: fields[k][0], Value: ir.IntAttr{Value: first, Type: tensor.I64}},
			ir.NamedAttr{Name: fields[k][1], Value: ir.IntAttr{Value: second, Type: tensor.I64}},
			ir.NamedAttr{Name: specs[k] + "_spatial_dimensions", Value: &ir.DenseArrayAttr{Elem: tensor.I64, Ints: ordered}})
	}
	return s
}
