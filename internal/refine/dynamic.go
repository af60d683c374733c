package refine

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// unknownErr reports a value refinement needs but could not fold.
func (r *refiner) unknownErr(o *ir.Op, what string) error {
	if r.exhausted {
		return limitErr(o.Pos, "%s at %s: refinement folded more than %d elements and stopped folding before %s was known",
			o.Name, o.Pos, r.lim.MaxFoldTotal, what)
	}
	return unsupportedf(o, o.Pos, "%s is computed from input values, not from shapes; only shape computations can be folded (a dimension argument of the entry needs its value in Inputs.Values)", what)
}

// shapeOperand returns the folded value of a 1-D integer shape operand.
func (r *refiner) shapeOperand(o *ir.Op, v *ir.Value, what string, want int) ([]int64, error) {
	k := r.knownOf(v)
	if k == nil {
		return nil, r.unknownErr(o, "its "+what)
	}
	if len(k.shape) != 1 || (want >= 0 && len(k.v) != want) {
		return nil, unsupportedf(o, o.Pos, "its %s has shape %s, expected [%d]", what, fmtShape(k.shape), want)
	}
	out := make([]int64, len(k.v))
	for i, x := range k.v {
		if isU64(k.dt) && x < 0 {
			return nil, shapeErr(o, "%s value %d is out of range", what, uint64(x))
		}
		out[i] = x
	}
	return out, nil
}

func i64s(v []int64) *ir.DenseArrayAttr {
	return &ir.DenseArrayAttr{Elem: tensor.I64, Ints: append([]int64(nil), v...)}
}

// dynamicOp rewrites a dynamic_* op whose shape operands fold to constants
// into its static counterpart, then refines that like any op.
func (r *refiner) dynamicOp(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	if len(o.Results) != 1 {
		return unsupportedf(o, o.Pos, "expected one result")
	}
	rt := ir.Tensor(o.Results[0].Type)
	if rt == nil {
		return unsupportedf(o, o.Pos, "result is not a tensor")
	}
	rank := len(rt.Shape)
	// s is the static op; it keeps o's results so that refinement maps them.
	s := &ir.Op{Attrs: copyDict(o.Attrs), Results: o.Results, Pos: o.Pos}
	var sins []*ir.Value
	checkResult := func(shape []int64, what string) error {
		for i, d := range shape {
			if d < 0 {
				return shapeErr(o, "%s gives dimension %d the negative size %d", what, i, d)
			}
			if rt.Shape[i] >= 0 && rt.Shape[i] != d {
				return shapeErr(o, "%s gives dimension %d the size %d, but the result type %s says %d", what, i, d, rt, rt.Shape[i])
			}
		}
		return nil
	}
	// withShape gives s a result type with the folded shape, so that the
	// static op's own rule (which reads the declared type) sees it.
	withShape := func(shape []int64) {
		t := &ir.TensorType{Shape: append([]int64(nil), shape...), Elem: rt.Elem}
		res := &ir.Value{Type: t, Name: o.Results[0].Name}
		s.Results = []*ir.Value{res}
	}
	switch o.Name {
	case "stablehlo.dynamic_broadcast_in_dim":
		if len(ins) != 2 {
			return unsupportedf(o, o.Pos, "expected 2 operands")
		}
		shape, err := r.shapeOperand(o, ins[1], "output_dimensions", rank)
		if err != nil {
			return err
		}
		if err := checkResult(shape, "output_dimensions"); err != nil {
			return err
		}
		dims, ok := attrInts(o, "broadcast_dimensions")
		if !ok {
			return unsupportedf(o, o.Pos, "no broadcast_dimensions")
		}
		s.Name = "stablehlo.broadcast_in_dim"
		s.Props.Set("broadcast_dimensions", i64s(dims))
		sins = ins[:1]
		withShape(shape)
	case "stablehlo.dynamic_reshape":
		if len(ins) != 2 {
			return unsupportedf(o, o.Pos, "expected 2 operands")
		}
		shape, err := r.shapeOperand(o, ins[1], "output_shape", rank)
		if err != nil {
			return err
		}
		if err := checkResult(shape, "output_shape"); err != nil {
			return err
		}
		s.Name = "stablehlo.reshape"
		sins = ins[:1]
		withShape(shape)
	case "stablehlo.dynamic_iota":
		if len(ins) != 1 {
			return unsupportedf(o, o.Pos, "expected 1 operand")
		}
		shape, err := r.shapeOperand(o, ins[0], "output_shape", rank)
		if err != nil {
			return err
		}
		if err := checkResult(shape, "output_shape"); err != nil {
			return err
		}
		d, ok := ir.Int(o.Attr("iota_dimension"))
		if !ok {
			return unsupportedf(o, o.Pos, "no iota_dimension")
		}
		s.Name = "stablehlo.iota"
		s.Props.Set("iota_dimension", ir.IntAttr{Value: d, Type: tensor.I64})
		withShape(shape)
		t := ir.Tensor(s.Results[0].Type)
		if n, ok := ir.ShapeElements(t.Shape); !ok || n > r.lim.MaxElements {
			return limitErr(o.Pos, "%s: result of shape %s has more than %d elements", o.Name, fmtShape(t.Shape), r.lim.MaxElements)
		}
		n := newOp(s, s.Name, nil, []ir.Type{t})
		if err := r.emit(out, n); err != nil {
			return err
		}
		vm[o.Results[0]] = n.Results[0]
		return r.fold(n)
	case "stablehlo.dynamic_pad":
		if len(ins) != 5 {
			return unsupportedf(o, o.Pos, "expected 5 operands")
		}
		n := len(shapeOf(ins[0]))
		for i, what := range []string{"edge_padding_low", "edge_padding_high", "interior_padding"} {
			v, err := r.shapeOperand(o, ins[2+i], what, n)
			if err != nil {
				return err
			}
			s.Props.Set(what, i64s(v))
		}
		s.Name = "stablehlo.pad"
		sins = ins[:2]
	case "stablehlo.real_dynamic_slice":
		if len(ins) != 4 {
			return unsupportedf(o, o.Pos, "expected 4 operands")
		}
		n := len(shapeOf(ins[0]))
		if r.knownOf(ins[1]) == nil || r.knownOf(ins[2]) == nil {
			return r.sliceFromValues(o, ins, vm, out)
		}
		for i, what := range []string{"start_indices", "limit_indices", "strides"} {
			v, err := r.shapeOperand(o, ins[1+i], what, n)
			if err != nil {
				return err
			}
			s.Props.Set(what, i64s(v))
		}
		s.Name = "stablehlo.slice"
		sins = ins[:1]
	case "stablehlo.dynamic_gather":
		if len(ins) != 3 {
			return unsupportedf(o, o.Pos, "expected 3 operands")
		}
		sz, err := r.shapeOperand(o, ins[2], "slice_sizes", len(shapeOf(ins[0])))
		if err != nil {
			return err
		}
		s.Name = "stablehlo.gather"
		if a := o.Attr("dimension_numbers"); a != nil {
			s.Props.Set("dimension_numbers", a)
		}
		s.Props.Set("slice_sizes", i64s(sz))
		if a := o.Attr("indices_are_sorted"); a != nil {
			s.Props.Set("indices_are_sorted", a)
		}
		sins = ins[:2]
	case "stablehlo.dynamic_conv":
		if len(ins) != 3 {
			return unsupportedf(o, o.Pos, "expected 3 operands")
		}
		k := r.knownOf(ins[2])
		ns := len(shapeOf(ins[0])) - 2
		if k == nil {
			return r.unknownErr(o, "its padding")
		}
		if len(k.shape) != 2 || k.shape[0] != int64(ns) || k.shape[1] != 2 {
			return unsupportedf(o, o.Pos, "its padding has shape %s, expected [%d,2]", fmtShape(k.shape), ns)
		}
		s.Name = "stablehlo.convolution"
		s.Props = copyDict(o.Props)
		pt := &ir.TensorType{Shape: []int64{int64(ns), 2}, Elem: ir.Element{DType: tensor.I64}}
		pv := &kval{dt: tensor.I64, shape: pt.Shape, v: append([]int64(nil), k.v...)}
		for i, x := range pv.v {
			if isU64(k.dt) && x < 0 {
				return shapeErr(o, "padding value %d is out of range", uint64(x))
			}
			pv.v[i] = x
		}
		s.Props.Set("padding", elementsOf(pv, pt))
		sins = ins[:2]
	default:
		return unsupportedf(o, o.Pos, "unknown dynamic op")
	}
	if err := r.generic(s, sins, vm, out); err != nil {
		return err
	}
	vm[o.Results[0]] = vm[s.Results[0]]
	return nil
}

// customCall handles the custom calls refinement understands; the others
// are refined like any op (their declared result types must be static,
// except for the single-device sharding annotations).
func (r *refiner) customCall(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	t, _ := o.Props.Get("call_target_name").(ir.StringAttr)
	switch string(t) {
	case "shape_assertion":
		return r.shapeAssertion(o, ins)
	case "stablehlo.dynamic_top_k":
		return r.dynamicTopK(o, ins, vm, out)
	case "stablehlo.dynamic_approx_top_k":
		return r.dynamicApproxTopK(o, ins, vm, out)
	}
	return r.generic(o, ins, vm, out)
}

// maxAssertionMessage caps a filled-in shape assertion message.
const maxAssertionMessage = 2048

// shapeAssertion evaluates `custom_call @shape_assertion(%pred, %dims...)`:
// true drops it, false is a Runtime error with JAX's message template
// filled in with the integer operand values.
func (r *refiner) shapeAssertion(o *ir.Op, ins []*ir.Value) error {
	if len(o.Results) != 0 || len(ins) == 0 {
		return unsupportedf(o, o.Pos, "shape_assertion takes a predicate and returns nothing")
	}
	p, ok := r.knownOf(ins[0]).scalar()
	if !ok {
		return r.unknownErr(o, "the shape assertion's predicate")
	}
	if p != 0 {
		return nil
	}
	vals := make([]string, len(ins)-1)
	for i, v := range ins[1:] {
		vals[i] = "?"
		if k := r.knownOf(v); k != nil && len(k.v) == 1 && !k.dt.IsBool() {
			if isU64(k.dt) {
				vals[i] = strconv.FormatUint(uint64(k.v[0]), 10)
			} else {
				vals[i] = strconv.FormatInt(k.v[0], 10)
			}
		}
	}
	tmpl, _ := o.Attr("error_message").(ir.StringAttr)
	msg := fillMessage(string(tmpl), vals)
	if msg == "" {
		msg = "shape assertion failed"
	}
	return &diag.Error{Kind: diag.Runtime, Rule: "refine.shape_assertion", Op: o.Name, Pos: o.Pos, Msg: msg,
		Hint: "the input shapes violate the constraints the program was exported with"}
}

// fillMessage replaces each `{N}` of tmpl by vals[N] (a decimal integer, or
// "?"). Nothing else is interpreted: other braces and `%` verbs stay as
// they are. Control characters become spaces and the result is capped at
// maxAssertionMessage bytes.
func fillMessage(tmpl string, vals []string) string {
	var b strings.Builder
	truncated := false
	for i := 0; i < len(tmpl); {
		if b.Len() >= maxAssertionMessage {
			truncated = true
			break
		}
		c := tmpl[i]
		if c == '{' {
			j := i + 1
			for j < len(tmpl) && j-i <= 6 && tmpl[j] >= '0' && tmpl[j] <= '9' {
				j++
			}
			if j > i+1 && j < len(tmpl) && tmpl[j] == '}' {
				if n, err := strconv.Atoi(tmpl[i+1 : j]); err == nil && n < len(vals) {
					b.WriteString(vals[n])
					i = j + 1
					continue
				}
			}
		}
		if c < 0x20 || c == 0x7f {
			c = ' '
		}
		b.WriteByte(c)
		i++
	}
	s := b.String()
	if len(s) > maxAssertionMessage {
		s = s[:maxAssertionMessage]
		truncated = true
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !utf8.ValidString(s) {
		s = ""
	}
	if truncated {
		s += " [message truncated]"
	}
	return s
}

// topK emits chlo.top_k of x along dimension rd (transposing it to the
// last position and back when needed) and returns the values and indices.
func (r *refiner) topK(o *ir.Op, x *ir.Value, rd int, k int64, idxElem ir.Element, out *[]*ir.Op) (*ir.Value, *ir.Value, error) {
	xs := shapeOf(x)
	n := len(xs)
	if rd < 0 || rd >= n {
		return nil, nil, unsupportedf(o, o.Pos, "reduction dimension %d out of range for rank %d", rd, n)
	}
	if k < 0 || k > xs[rd] {
		return nil, nil, shapeErr(o, "k = %d does not fit dimension %d of size %d", k, rd, xs[rd])
	}
	xt := ir.Tensor(x.Type)
	perm := make([]int64, n)
	for i := range perm {
		perm[i] = int64(i)
	}
	perm[rd], perm[n-1] = perm[n-1], perm[rd]
	transpose := func(v *ir.Value) (*ir.Value, error) {
		if rd == n-1 {
			return v, nil
		}
		vt := ir.Tensor(v.Type)
		s := make([]int64, n)
		for i, p := range perm {
			s[i] = vt.Shape[p]
		}
		t := &ir.Op{Name: "stablehlo.transpose", Operands: []*ir.Value{v}, Pos: o.Pos}
		t.Props.Set("permutation", i64s(perm))
		t.Results = []*ir.Value{{Type: &ir.TensorType{Shape: s, Elem: vt.Elem}, Def: t}}
		if err := r.emit(out, t); err != nil {
			return nil, err
		}
		return t.Results[0], nil
	}
	xin, err := transpose(x)
	if err != nil {
		return nil, nil, err
	}
	s := append([]int64(nil), shapeOf(xin)...)
	s[n-1] = k
	tk := &ir.Op{Name: "chlo.top_k", Operands: []*ir.Value{xin}, Pos: o.Pos}
	tk.Props.Set("k", ir.IntAttr{Value: k, Type: tensor.I64})
	tk.Results = []*ir.Value{
		{Type: &ir.TensorType{Shape: s, Elem: xt.Elem}, Def: tk, Index: 0},
		{Type: &ir.TensorType{Shape: append([]int64(nil), s...), Elem: idxElem}, Def: tk, Index: 1},
	}
	if err := r.emit(out, tk); err != nil {
		return nil, nil, err
	}
	vals, err := transpose(tk.Results[0])
	if err != nil {
		return nil, nil, err
	}
	idxs, err := transpose(tk.Results[1])
	if err != nil {
		return nil, nil, err
	}
	return vals, idxs, nil
}

// dynamicTopK rewrites `custom_call @stablehlo.dynamic_top_k(%x, %k)` (the
// k largest elements along the last dimension, sorted, with their i32
// indices) to chlo.top_k with a static k.
func (r *refiner) dynamicTopK(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	if len(ins) != 2 || len(o.Results) != 2 {
		return unsupportedf(o, o.Pos, "dynamic_top_k takes (operand, k) and returns (values, indices)")
	}
	xt := ir.Tensor(ins[0].Type)
	if xt == nil || len(xt.Shape) == 0 {
		return unsupportedf(o, o.Pos, "dynamic_top_k needs an operand of rank 1 or more")
	}
	k, ok := r.knownOf(ins[1]).scalar()
	if !ok {
		return r.unknownErr(o, "k")
	}
	if isU64(r.knownOf(ins[1]).dt) && k < 0 {
		return shapeErr(o, "k = %d is out of range", uint64(k))
	}
	it := ir.Tensor(o.Results[1].Type)
	if it == nil || it.Elem.DType != tensor.I32 {
		return unsupportedf(o, o.Pos, "indices must be i32")
	}
	vals, idxs, err := r.topK(o, ins[0], len(xt.Shape)-1, k, it.Elem, out)
	if err != nil {
		return err
	}
	if err := r.checkAgainst(o, []ir.Type{vals.Type, idxs.Type}); err != nil {
		return err
	}
	vm[o.Results[0]] = vals
	vm[o.Results[1]] = idxs
	return nil
}

// dynamicApproxTopK rewrites `custom_call @stablehlo.dynamic_approx_top_k`
// (operands: N inputs, N init values, k, N output shapes; a comparator in
// called_computations; reduction_dim and aggregate_to_topk in
// mhlo.backend_config) to an exact chlo.top_k. Exact top-k is a valid
// implementation of approximate top-k (its recall is 1). Supported: N = 1,
// or N = 2 with the second input an iota along the reduction dimension (the
// indices, as jax.lax.approx_max_k emits them); a comparator that is a
// single `compare GT` of its first two arguments (max-k). Min-k and other
// comparators are rejected.
func (r *refiner) dynamicApproxTopK(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	n := len(o.Results)
	if n < 1 || n > 2 || (len(ins) != 2*n+1 && len(ins) != 3*n+1) {
		return unsupportedf(o, o.Pos, "dynamic_approx_top_k with %d operands and %d results", len(ins), n)
	}
	x := ins[0]
	xs := shapeOf(x)
	if len(xs) == 0 {
		return unsupportedf(o, o.Pos, "the operand must have rank 1 or more")
	}
	cfg := backendConfig(o)
	rd := int64(len(xs) - 1)
	if v, ok := ir.Int(cfg.Get("reduction_dim")); ok {
		rd = v
	} else if v, ok := ir.Int(o.Attr("reduction_dim")); ok {
		rd = v
	}
	if rd < 0 {
		rd += int64(len(xs))
	}
	if rd < 0 || rd >= int64(len(xs)) {
		return unsupportedf(o, o.Pos, "reduction_dim %d out of range", rd)
	}
	if agg, ok := ir.Bool(cfg.Get("aggregate_to_topk")); ok && !agg {
		return unsupportedf(o, o.Pos, "aggregate_to_topk = false (unaggregated approximate results) is not supported")
	}
	if err := r.checkMaxComparator(o); err != nil {
		return err
	}
	k, ok := r.knownOf(ins[2*n]).scalar()
	if !ok {
		return r.unknownErr(o, "k")
	}
	if isU64(r.knownOf(ins[2*n]).dt) && k < 0 {
		return shapeErr(o, "k = %d is out of range", uint64(k))
	}
	want := append([]int64(nil), xs...)
	if k >= 0 && k <= xs[rd] {
		want[rd] = k
	}
	if len(ins) == 3*n+1 {
		for i := range n {
			if s, err := r.shapeOperand(o, ins[2*n+1+i], "output shape", len(xs)); err != nil {
				return err
			} else if !sameShape(s, want) {
				return shapeErr(o, "output shape %d is %s, expected %s", i, fmtShape(s), fmtShape(want))
			}
		}
	}
	idxElem := ir.Element{DType: tensor.I32}
	if n == 2 {
		it := ir.Tensor(ins[1].Type)
		def := ins[1].Def
		d, _ := ir.Int(attrOf(def, "iota_dimension"))
		if it == nil || def == nil || def.Name != "stablehlo.iota" || d != rd || !sameShape(it.Shape, xs) || it.Elem.DType != tensor.I32 {
			return unsupportedf(o, o.Pos, "the second input must be an i32 iota along the reduction dimension (the indices)")
		}
		idxElem = it.Elem
	}
	vals, idxs, err := r.topK(o, x, int(rd), k, idxElem, out)
	if err != nil {
		return err
	}
	res := []ir.Type{vals.Type}
	if n == 2 {
		res = append(res, idxs.Type)
	}
	if err := r.checkAgainst(o, res); err != nil {
		return err
	}
	vm[o.Results[0]] = vals
	if n == 2 {
		vm[o.Results[1]] = idxs
	}
	return nil
}

func attrOf(o *ir.Op, name string) ir.Attr {
	if o == nil {
		return nil
	}
	return o.Attr(name)
}

func backendConfig(o *ir.Op) ir.Dict {
	if d, ok := o.Attr("mhlo.backend_config").(ir.DictAttr); ok {
		return ir.Dict(d)
	}
	if d, ok := o.Attr("backend_config").(ir.DictAttr); ok {
		return ir.Dict(d)
	}
	return nil
}

// checkMaxComparator accepts a comparator whose body is one
// `compare GT, %arg0, %arg1` (or `LT, %arg1, %arg0`) returned as is.
func (r *refiner) checkMaxComparator(o *ir.Op) error {
	arr, _ := o.Props.Get("called_computations").(ir.ArrayAttr)
	if len(arr) != 1 {
		return unsupportedf(o, o.Pos, "expected one comparator in called_computations")
	}
	s, _ := arr[0].(ir.SymbolRefAttr)
	f := r.funcs[string(s)]
	if f == nil || f.Body == nil || len(f.Body.Blocks) != 1 || len(f.Args) < 2 {
		return unsupportedf(o, o.Pos, "comparator @%s is missing or malformed", string(s))
	}
	ops := f.Body.Blocks[0].Ops
	if len(ops) == 2 && ops[0].Name == "stablehlo.compare" && ops[1].Name == "func.return" &&
		len(ops[1].Operands) == 1 && len(ops[0].Results) == 1 && ops[1].Operands[0] == ops[0].Results[0] && len(ops[0].Operands) == 2 {
		dir, _ := ir.Enum(ops[0].Attr("comparison_direction"))
		a, b := ops[0].Operands[0], ops[0].Operands[1]
		if (dir == "GT" && a == f.Args[0] && b == f.Args[1]) || (dir == "LT" && a == f.Args[1] && b == f.Args[0]) {
			return nil
		}
	}
	return unsupportedf(o, o.Pos, "only a max-k comparator (compare GT of the first two arguments) is supported; comparator @%s is something else", f.Name)
}

// sliceFromValues rewrites a real_dynamic_slice whose start indices come
// from input values but whose limits are start + constant sizes (what
// jax.lax.dynamic_slice emits under shape polymorphism), with unit strides,
// to a dynamic_slice of those constant sizes. Like StableHLO's own
// canonicalisation (and XLA after refinement), the start indices are then
// clamped into range instead of being an error when out of bounds.
func (r *refiner) sliceFromValues(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	xs := shapeOf(ins[0])
	n := len(xs)
	st, err := r.shapeOperand(o, ins[3], "strides", n)
	if err != nil {
		return err
	}
	for _, v := range st {
		if v != 1 {
			return unsupportedf(o, o.Pos, "its start indices depend on input values and its strides are not all 1")
		}
	}
	sizes := r.constOffset(ins[2], ins[1])
	if sizes == nil || len(sizes) != n {
		return unsupportedf(o, o.Pos, "its start indices depend on input values and its limits are not start + a constant")
	}
	sit := ir.Tensor(ins[1].Type)
	if sit == nil || len(sit.Shape) != 1 || sit.Shape[0] != int64(n) || !sit.Elem.DType.IsInteger() {
		return unsupportedf(o, o.Pos, "malformed start_indices")
	}
	for i, z := range sizes {
		if z < 0 || z > xs[i] {
			return shapeErr(o, "slice size %d of dimension %d does not fit its size %d", z, i, xs[i])
		}
	}
	// Split the start vector into scalars.
	idx := []*ir.Value{ins[0]}
	for i := range n {
		sl := &ir.Op{Name: "stablehlo.slice", Operands: []*ir.Value{ins[1]}, Pos: o.Pos}
		sl.Props.Set("start_indices", i64s([]int64{int64(i)}))
		sl.Props.Set("limit_indices", i64s([]int64{int64(i) + 1}))
		sl.Props.Set("strides", i64s([]int64{1}))
		sl.Results = []*ir.Value{{Type: &ir.TensorType{Shape: []int64{1}, Elem: sit.Elem}, Def: sl}}
		rs := &ir.Op{Name: "stablehlo.reshape", Operands: sl.Results, Pos: o.Pos}
		rs.Results = []*ir.Value{{Type: &ir.TensorType{Shape: []int64{}, Elem: sit.Elem}, Def: rs}}
		if err := r.emit(out, sl); err != nil {
			return err
		}
		if err := r.emit(out, rs); err != nil {
			return err
		}
		idx = append(idx, rs.Results[0])
	}
	s := &ir.Op{Name: "stablehlo.dynamic_slice", Attrs: copyDict(o.Attrs), Results: o.Results, Pos: o.Pos}
	s.Props.Set("slice_sizes", i64s(sizes))
	return r.generic(s, idx, vm, out)
}

// constOffset returns c when limit = start + c (or c + start) for a known
// c, with start matched structurally (JAX computes the two separately).
func (r *refiner) constOffset(limit, start *ir.Value) []int64 {
	d := limit.Def
	if d == nil || d.Name != "stablehlo.add" || len(d.Operands) != 2 {
		return nil
	}
	budget := 1 << 14
	for _, p := range [][2]int{{0, 1}, {1, 0}} {
		a, c := d.Operands[p[0]], d.Operands[p[1]]
		if k := r.knownOf(c); k != nil && len(k.shape) == 1 && sameExpr(a, start, 0, &budget) {
			out := append([]int64(nil), k.v...)
			if isU64(k.dt) {
				for _, v := range out {
					if v < 0 {
						return nil
					}
				}
			}
			return out
		}
	}
	return nil
}

// sameExpr reports whether a and b are computed by the same pure ops from
// the same values, comparing at most depth 16 and *budget nodes.
func sameExpr(a, b *ir.Value, depth int, budget *int) bool {
	if a == b {
		return true
	}
	*budget--
	if *budget < 0 || depth > 16 || a.Def == nil || b.Def == nil || a.Index != b.Index {
		return false
	}
	x, y := a.Def, b.Def
	if x.Name != y.Name || !isPure(x.Name) || len(x.Operands) != len(y.Operands) ||
		len(x.Regions)+len(y.Regions) != 0 || !ir.TypesEqual(a.Type, b.Type) || !dictEqual(x.Props, y.Props) {
		return false
	}
	for i := range x.Operands {
		if !sameExpr(x.Operands[i], y.Operands[i], depth+1, budget) {
			return false
		}
	}
	return true
}

func dictEqual(a, b ir.Dict) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !attrEqual(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

func attrEqual(a, b ir.Attr) bool {
	switch x := a.(type) {
	case ir.IntAttr, ir.BoolAttr, ir.StringAttr, ir.EnumAttr, ir.SymbolRefAttr, ir.UnitAttr, ir.FloatAttr:
		return a == b
	case *ir.DenseArrayAttr:
		y, ok := b.(*ir.DenseArrayAttr)
		if !ok || x.Elem != y.Elem || len(x.Ints) != len(y.Ints) || len(x.Floats) != len(y.Floats) {
			return false
		}
		for i := range x.Ints {
			if x.Ints[i] != y.Ints[i] {
				return false
			}
		}
		for i := range x.Floats {
			if x.Floats[i] != y.Floats[i] {
				return false
			}
		}
		return true
	case *ir.ElementsAttr:
		y, ok := b.(*ir.ElementsAttr)
		return ok && ir.TypesEqual(x.Type, y.Type) && x.Splat == y.Splat && bytes.Equal(x.Data, y.Data)
	}
	return false
}
