package refine

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// op refines one source op, appending the refined op(s) to out and mapping
// its results in vm.
func (r *refiner) op(o *ir.Op, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	ins := make([]*ir.Value, len(o.Operands))
	for i, v := range o.Operands {
		nv := vm[v]
		if nv == nil {
			return unsupportedf(o, o.Pos, "operand %d is used before it is defined", i)
		}
		ins[i] = nv
	}
	switch o.Name {
	case "func.return", "stablehlo.return":
		if len(o.Results) != 0 || len(o.Regions) != 0 {
			return unsupportedf(o, o.Pos, "a terminator with results or regions")
		}
		return r.emit(out, newOp(o, o.Name, ins, nil))
	case "stablehlo.get_dimension_size":
		return r.getDimensionSize(o, ins, vm, out)
	case "func.call":
		return r.call(o, ins, vm, out, false)
	case "stablehlo.composite":
		return r.call(o, ins, vm, out, true)
	case "stablehlo.while":
		return r.while(o, ins, vm, out)
	case "stablehlo.if", "stablehlo.case":
		return r.branch(o, ins, vm, out)
	case "stablehlo.custom_call":
		return r.customCall(o, ins, vm, out)
	case "stablehlo.dynamic_broadcast_in_dim", "stablehlo.dynamic_reshape", "stablehlo.dynamic_iota",
		"stablehlo.dynamic_pad", "stablehlo.real_dynamic_slice", "stablehlo.dynamic_gather", "stablehlo.dynamic_conv":
		return r.dynamicOp(o, ins, vm, out)
	case "stablehlo.set_dimension_size":
		return unsupportedf(o, o.Pos, "set_dimension_size (bounded dynamism) is not supported")
	}
	return r.generic(o, ins, vm, out)
}

// generic refines an op whose result shapes follow from its operand shapes
// and attributes: it infers the result types, clones the regions (whose
// block arguments are scalars and keep their types), emits the op and
// folds its value when it is a small integer computation.
func (r *refiner) generic(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	ts, err := r.inferTypes(o, ins)
	if err != nil {
		return err
	}
	n := newOp(o, o.Name, ins, ts)
	if err := r.symbolRefs(n); err != nil {
		return err
	}
	for _, rg := range o.Regions {
		nr, err := r.region(rg, nil, vm, o)
		if err != nil {
			return err
		}
		n.Regions = append(n.Regions, nr)
	}
	if err := r.emit(out, n); err != nil {
		return err
	}
	mapResults(o, n, vm)
	return r.fold(n)
}

// symbolRefs specialises the functions an op names in called_computations
// (with their declared, static argument types) and renames the references.
func (r *refiner) symbolRefs(n *ir.Op) error {
	arr, ok := n.Props.Get("called_computations").(ir.ArrayAttr)
	if !ok || len(arr) == 0 {
		return nil
	}
	na := make(ir.ArrayAttr, len(arr))
	for i, e := range arr {
		s, ok := e.(ir.SymbolRefAttr)
		if !ok {
			return unsupportedf(n, n.Pos, "called_computations holds a non-symbol")
		}
		f := r.funcs[string(s)]
		if f == nil {
			return unsupportedf(n, n.Pos, "called computation @%s is not defined", string(s))
		}
		ts := make([]ir.Type, len(f.Args))
		for j, a := range f.Args {
			if !staticType(a.Type) {
				return unsupportedf(n, n.Pos, "called computation @%s has a dynamic argument type", f.Name)
			}
			ts[j] = a.Type
		}
		sp, err := r.specialize(f, ts, make([]*kval, len(ts)), false, n)
		if err != nil {
			return err
		}
		for j, k := range sp.keep {
			if !k {
				return unsupportedf(n, n.Pos, "called computation @%s lost argument %d", f.Name, j)
			}
		}
		na[i] = ir.SymbolRefAttr(sp.fn.Name)
	}
	n.Props.Set("called_computations", na)
	return nil
}

// inferTypes computes o's refined result types from the refined operands
// ins. The source result type gives the element type and must agree with
// every static dimension inferred.
func (r *refiner) inferTypes(o *ir.Op, ins []*ir.Value) ([]ir.Type, error) {
	switch o.Name {
	case "stablehlo.tuple":
		ts := make([]ir.Type, len(ins))
		for i, v := range ins {
			ts[i] = v.Type
		}
		return []ir.Type{&ir.TupleType{Elems: ts}}, nil
	case "stablehlo.get_tuple_element":
		tt, ok := ins[0].Type.(*ir.TupleType)
		idx, ok2 := ir.Int(o.Attr("index"))
		if !ok || !ok2 || idx < 0 || idx >= int64(len(tt.Elems)) || len(o.Results) != 1 {
			return nil, unsupportedf(o, o.Pos, "malformed get_tuple_element")
		}
		if !compatible(o.Results[0].Type, tt.Elems[idx]) {
			return nil, shapeErr(o, "the element has type %s, declared %s", tt.Elems[idx], o.Results[0].Type)
		}
		return []ir.Type{tt.Elems[idx]}, nil
	case "stablehlo.optimization_barrier":
		ts := make([]ir.Type, len(ins))
		for i, v := range ins {
			ts[i] = v.Type
		}
		return ts, r.checkAgainst(o, ts)
	}
	shapes, known, err := r.inferShapes(o, ins)
	if err != nil {
		return nil, err
	}
	ts := make([]ir.Type, len(o.Results))
	for i, res := range o.Results {
		if !known || i >= len(shapes) || shapes[i] == nil {
			if !staticType(res.Type) {
				return nil, unsupportedf(o, o.Pos, "result %d has dynamic type %s and refinement does not know this op's shape rule", i, res.Type)
			}
			ts[i] = res.Type
			continue
		}
		tt := ir.Tensor(res.Type)
		if tt == nil {
			return nil, unsupportedf(o, o.Pos, "result %d is not a tensor", i)
		}
		t, err := r.refinedType(o, i, tt, shapes[i])
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return ts, nil
}

// refinedType checks an inferred shape against the declared result type
// and the size caps, and builds the static type.
func (r *refiner) refinedType(o *ir.Op, i int, decl *ir.TensorType, s []int64) (*ir.TensorType, error) {
	if len(s) != len(decl.Shape) {
		return nil, shapeErr(o, "result %d has rank %d, declared %s", i, len(s), decl)
	}
	for k, d := range s {
		if d < 0 {
			return nil, shapeErr(o, "result %d would have a negative dimension (%s)", i, fmtShape(s))
		}
		if d > r.lim.MaxDimSize {
			return nil, limitErr(o.Pos, "%s: result dimension %d of size %d is over the limit of %d", o.Name, k, d, r.lim.MaxDimSize)
		}
		if decl.Shape[k] >= 0 && decl.Shape[k] != d {
			return nil, shapeErr(o, "result %d has shape %s, but its type says %s", i, fmtShape(s), decl)
		}
		if decl.Bounds != nil && k < len(decl.Bounds) && decl.Bounds[k] >= 0 && d > decl.Bounds[k] {
			return nil, shapeErr(o, "result %d has shape %s, above the bounds of %s", i, fmtShape(s), decl)
		}
	}
	if n, ok := ir.ShapeElements(s); !ok || n > r.lim.MaxElements {
		return nil, limitErr(o.Pos, "%s: result %d of shape %s has more than %d elements", o.Name, i, fmtShape(s), r.lim.MaxElements)
	}
	return &ir.TensorType{Shape: append([]int64(nil), s...), Elem: decl.Elem}, nil
}

// checkAgainst checks refined types against o's declared result types.
func (r *refiner) checkAgainst(o *ir.Op, ts []ir.Type) error {
	if len(ts) != len(o.Results) {
		return unsupportedf(o, o.Pos, "%d results, expected %d", len(ts), len(o.Results))
	}
	for i, t := range ts {
		if !compatible(o.Results[i].Type, t) {
			return shapeErr(o, "result %d has type %s, but is declared %s", i, t, o.Results[i].Type)
		}
	}
	return nil
}

// getDimensionSize folds to a constant.
func (r *refiner) getDimensionSize(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	tt := ir.Tensor(ins[0].Type)
	d, ok := ir.Int(o.Attr("dimension"))
	if tt == nil || !ok || d < 0 || d >= int64(len(tt.Shape)) || len(o.Results) != 1 {
		return unsupportedf(o, o.Pos, "malformed get_dimension_size")
	}
	rt := ir.Tensor(o.Results[0].Type)
	if rt == nil || len(rt.Shape) != 0 || !rt.Elem.DType.IsInteger() {
		return unsupportedf(o, o.Pos, "get_dimension_size must return a scalar integer")
	}
	k := &kval{dt: rt.Elem.DType, v: []int64{wrap(rt.Elem.DType, tt.Shape[d])}}
	c, err := r.constOp(k, rt, o.Pos)
	if err != nil {
		return err
	}
	*out = append(*out, c)
	vm[o.Results[0]] = c.Results[0]
	return nil
}

// call specialises the callee for the refined argument types (and known
// rank-0 values, which are dropped from the copy's signature; not for
// composites, whose operands must match the decomposition).
func (r *refiner) call(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op, composite bool) error {
	attr := "callee"
	if composite {
		attr = "decomposition"
	}
	s, ok := o.Props.Get(attr).(ir.SymbolRefAttr)
	if !ok {
		return unsupportedf(o, o.Pos, "no %s", attr)
	}
	f := r.funcs[string(s)]
	if f == nil {
		return unsupportedf(o, o.Pos, "@%s is not defined", string(s))
	}
	ts := make([]ir.Type, len(ins))
	ks := make([]*kval, len(ins))
	for i, v := range ins {
		ts[i] = v.Type
		if !composite {
			if k := r.knownOf(v); k != nil && len(k.shape) == 0 {
				ks[i] = k
			}
		}
	}
	sp, err := r.specialize(f, ts, ks, false, o)
	if err != nil {
		return err
	}
	var args []*ir.Value
	for i, v := range ins {
		if sp.keep[i] {
			args = append(args, v)
		}
	}
	if err := r.checkAgainst(o, sp.fn.Results); err != nil {
		return err
	}
	n := newOp(o, o.Name, args, sp.fn.Results)
	n.Props.Set(attr, ir.SymbolRefAttr(sp.fn.Name))
	if err := r.emit(out, n); err != nil {
		return err
	}
	mapResults(o, n, vm)
	for i, k := range sp.retK {
		if k != nil {
			r.known[n.Results[i]] = k
		}
	}
	return nil
}

// while gives the loop-carried block arguments the refined operand types;
// the body must return the same types.
func (r *refiner) while(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	if len(o.Regions) != 2 {
		return unsupportedf(o, o.Pos, "while needs a cond and a body region")
	}
	ts := make([]ir.Type, len(ins))
	for i, v := range ins {
		ts[i] = v.Type
	}
	if err := r.checkAgainst(o, ts); err != nil {
		return err
	}
	n := newOp(o, o.Name, ins, ts)
	for _, rg := range o.Regions {
		nr, err := r.region(rg, ts, vm, o)
		if err != nil {
			return err
		}
		n.Regions = append(n.Regions, nr)
	}
	body := lastOp(n.Regions[1].Blocks[0])
	if body == nil || len(body.Operands) != len(ts) {
		return unsupportedf(o, o.Pos, "the while body does not return the loop-carried values")
	}
	for i, v := range body.Operands {
		if !ir.TypesEqual(v.Type, ts[i]) {
			return unsupportedf(o, o.Pos, "loop-carried value %d changes shape from %s to %s in the body", i, ts[i], v.Type)
		}
	}
	if err := r.emit(out, n); err != nil {
		return err
	}
	mapResults(o, n, vm)
	return nil
}

// branch refines if/case: every branch must return the same refined types.
func (r *refiner) branch(o *ir.Op, ins []*ir.Value, vm map[*ir.Value]*ir.Value, out *[]*ir.Op) error {
	if len(o.Regions) == 0 {
		return unsupportedf(o, o.Pos, "no branches")
	}
	var regions []*ir.Region
	var ts []ir.Type
	for bi, rg := range o.Regions {
		nr, err := r.region(rg, []ir.Type{}, vm, o)
		if err != nil {
			return err
		}
		ret := lastOp(nr.Blocks[0])
		if ret == nil || len(ret.Operands) != len(o.Results) {
			return unsupportedf(o, o.Pos, "branch %d does not return %d values", bi, len(o.Results))
		}
		if bi == 0 {
			for _, v := range ret.Operands {
				ts = append(ts, v.Type)
			}
		} else {
			for i, v := range ret.Operands {
				if !ir.TypesEqual(v.Type, ts[i]) {
					return unsupportedf(o, o.Pos, "branches return different shapes for result %d (%s and %s)", i, ts[i], v.Type)
				}
			}
		}
		regions = append(regions, nr)
	}
	if err := r.checkAgainst(o, ts); err != nil {
		return err
	}
	n := newOp(o, o.Name, ins, ts)
	n.Regions = regions
	if err := r.emit(out, n); err != nil {
		return err
	}
	mapResults(o, n, vm)
	return nil
}

// knownOf returns the folded value of v, if known. Constants and iotas are
// folded lazily, when a computation needs them, so that large integer
// literals that only feed data computations cost nothing.
func (r *refiner) knownOf(v *ir.Value) *kval {
	if k := r.known[v]; k != nil {
		return k
	}
	d := v.Def
	if d == nil || r.exhausted || len(d.Results) != 1 || !foldable(v.Type, r.lim.MaxFoldElements) {
		return nil
	}
	var k *kval
	switch d.Name {
	case "stablehlo.constant":
		if e, ok := d.Props.Get("value").(*ir.ElementsAttr); ok && ir.TypesEqual(e.Type, v.Type) {
			k = kvalOfElements(e, r.lim.MaxFoldElements)
		}
	case "stablehlo.iota":
		rt := ir.Tensor(v.Type)
		dim, ok := ir.Int(d.Attr("iota_dimension"))
		if ok && dim >= 0 && dim < int64(len(rt.Shape)) {
			count, _ := rt.NumElements()
			vals := make([]int64, count)
			st := strides(rt.Shape)
			for i := range vals {
				vals[i] = wrap(rt.Elem.DType, (int64(i)/st[dim])%rt.Shape[dim])
			}
			k = &kval{dt: rt.Elem.DType, shape: append([]int64(nil), rt.Shape...), v: vals}
		}
	}
	if k == nil || !r.charge(int64(len(k.v))) {
		return nil
	}
	r.known[v] = k
	return k
}

// charge counts n folded elements against MaxFoldTotal; once the budget is
// spent, folding stops (a shape that then cannot be computed is reported as
// refine.limit).
func (r *refiner) charge(n int64) bool {
	r.folded += n
	if r.folded > r.lim.MaxFoldTotal {
		r.exhausted = true
		return false
	}
	return true
}

// fold computes the value of a small integer result from known operands.
func (r *refiner) fold(n *ir.Op) error {
	if len(n.Results) != 1 || r.exhausted || n.Name == "stablehlo.constant" || n.Name == "stablehlo.iota" ||
		!foldable(n.Results[0].Type, r.lim.MaxFoldElements) || len(n.Operands) == 0 {
		return nil
	}
	rt := ir.Tensor(n.Results[0].Type)
	rdt := rt.Elem.DType
	count, _ := rt.NumElements()
	ks := make([]*kval, len(n.Operands))
	for i, v := range n.Operands {
		if ks[i] = r.knownOf(v); ks[i] == nil {
			return nil
		}
	}
	var v []int64
	ok := false
	switch n.Name {
	case "stablehlo.convert", "stablehlo.negate", "stablehlo.abs", "stablehlo.sign", "stablehlo.not":
		v, ok = foldUnary(n.Name, ks[0], rdt)
	case "stablehlo.add", "stablehlo.subtract", "stablehlo.multiply", "stablehlo.divide", "stablehlo.remainder",
		"stablehlo.maximum", "stablehlo.minimum", "stablehlo.and", "stablehlo.or", "stablehlo.xor":
		v, ok = foldBinary(n.Name, ks[0], ks[1], "", rdt)
	case "stablehlo.compare":
		dir, _ := ir.Enum(n.Attr("comparison_direction"))
		ct, _ := ir.Enum(n.Attr("compare_type"))
		a, b := ks[0], ks[1]
		if ct == "UNSIGNED" && !a.dt.IsUnsigned() {
			a = &kval{dt: tensor.U64, shape: a.shape, v: a.v}
			b = &kval{dt: tensor.U64, shape: b.shape, v: b.v}
			if ks[0].dt.Bits() < 64 { // reinterpret the narrow signed value
				a = &kval{dt: tensor.U64, shape: a.shape, v: maskAll(ks[0])}
				b = &kval{dt: tensor.U64, shape: b.shape, v: maskAll(ks[1])}
			}
		}
		v, ok = foldBinary(n.Name, a, b, dir, rdt)
	case "stablehlo.select":
		p, t, f := ks[0], ks[1], ks[2]
		if len(t.v) == len(f.v) && (len(p.v) == 1 || len(p.v) == len(t.v)) {
			v = make([]int64, len(t.v))
			for i := range v {
				pi := p.v[0]
				if len(p.v) > 1 {
					pi = p.v[i]
				}
				if pi != 0 {
					v[i] = t.v[i]
				} else {
					v[i] = f.v[i]
				}
			}
			ok = true
		}
	case "stablehlo.clamp":
		lo, x, hi := ks[0], ks[1], ks[2]
		if (len(lo.v) == 1 || len(lo.v) == len(x.v)) && (len(hi.v) == 1 || len(hi.v) == len(x.v)) {
			u := x.dt.IsUnsigned()
			v = make([]int64, len(x.v))
			for i, a := range x.v {
				l, h := lo.v[0], hi.v[0]
				if len(lo.v) > 1 {
					l = lo.v[i]
				}
				if len(hi.v) > 1 {
					h = hi.v[i]
				}
				if cmp3(a, l, u) < 0 {
					a = l
				}
				if cmp3(a, h, u) > 0 {
					a = h
				}
				v[i] = a
			}
			ok = true
		}
	case "stablehlo.reshape":
		if int64(len(ks[0].v)) == count {
			v, ok = ks[0].v, true
		}
	case "stablehlo.broadcast_in_dim":
		if dims, isI := ir.Ints(n.Attr("broadcast_dimensions")); isI {
			v, ok = foldBroadcast(ks[0], dims, rt.Shape, count)
		}
	case "stablehlo.concatenate":
		if d, isI := ir.Int(n.Attr("dimension")); isI && d >= 0 && d < int64(len(rt.Shape)) {
			v, ok = foldConcat(ks, int(d), rt.Shape, count)
		}
	case "stablehlo.slice":
		st, ok1 := ir.Ints(n.Attr("start_indices"))
		sd, ok2 := ir.Ints(n.Attr("strides"))
		if ok1 && ok2 && len(st) == len(rt.Shape) && len(sd) == len(rt.Shape) {
			v, ok = foldSlice(ks[0], st, sd, rt.Shape, count)
		}
	case "stablehlo.transpose":
		if p, isI := ir.Ints(n.Attr("permutation")); isI && len(p) == len(rt.Shape) {
			v, ok = foldTranspose(ks[0], p, rt.Shape, count)
		}
	}
	if !ok || int64(len(v)) != count || !r.charge(count) {
		return nil
	}
	r.known[n.Results[0]] = &kval{dt: rdt, shape: append([]int64(nil), rt.Shape...), v: v}
	return nil
}

func maskAll(k *kval) []int64 {
	out := make([]int64, len(k.v))
	b := k.dt.Bits()
	for i, x := range k.v {
		if b < 64 && b > 0 {
			out[i] = int64(uint64(x) & (uint64(1)<<uint(b) - 1))
		} else {
			out[i] = x
		}
	}
	return out
}
