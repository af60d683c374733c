package verify

import (
	"fmt"
	"slices"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// CHLO ops: higher-level ops that decompose into StableHLO. Only the ops
// listed here are accepted; any other chlo.* op is unknown.

var _ = register(map[string]func(*ctx) *diag.Error{
	"chlo.acos":          unary(cFloat | cComplex),
	"chlo.acosh":         unary(cFloat | cComplex),
	"chlo.asin":          unary(cFloat | cComplex),
	"chlo.asinh":         unary(cFloat | cComplex),
	"chlo.atan":          unary(cFloat | cComplex),
	"chlo.atanh":         unary(cFloat | cComplex),
	"chlo.cosh":          unary(cFloat | cComplex),
	"chlo.sinh":          unary(cFloat | cComplex),
	"chlo.tan":           unary(cFloat | cComplex),
	"chlo.conj":          unary(cComplex),
	"chlo.square":        unary(cInt | cFloat | cComplex),
	"chlo.erf":           unary(cFloat),
	"chlo.erfc":          unary(cFloat),
	"chlo.erf_inv":       unary(cFloat),
	"chlo.lgamma":        unary(cFloat),
	"chlo.digamma":       unary(cFloat),
	"chlo.bessel_i1e":    unary(cFloat),
	"chlo.is_inf":        chloIsInf,
	"chlo.is_neg_inf":    chloIsInf,
	"chlo.is_pos_inf":    chloIsInf,
	"chlo.next_after":    binaryExact(cFloat),
	"chlo.polygamma":     binaryExact(cFloat),
	"chlo.zeta":          binaryExact(cFloat),
	"chlo.mulhi":         binaryExact(cInt),
	"chlo.top_k":         chloTopK,
	"chlo.constant":      chloConstant,
	"chlo.constant_like": chloConstantLike,
	"chlo.ragged_dot":    chloRaggedDot,
	"chlo.scan":          chloScan,

	"chlo.broadcast_add":                    chloBroadcast(cAnyNQ, false),
	"chlo.broadcast_subtract":               chloBroadcast(cNumeric, false),
	"chlo.broadcast_multiply":               chloBroadcast(cAnyNQ, false),
	"chlo.broadcast_divide":                 chloBroadcast(cNumeric, false),
	"chlo.broadcast_remainder":              chloBroadcast(cNumeric, false),
	"chlo.broadcast_power":                  chloBroadcast(cNumeric, false),
	"chlo.broadcast_maximum":                chloBroadcast(cAnyNQ, false),
	"chlo.broadcast_minimum":                chloBroadcast(cAnyNQ, false),
	"chlo.broadcast_atan2":                  chloBroadcast(cFloat|cComplex, false),
	"chlo.broadcast_and":                    chloBroadcast(cBool|cInt, false),
	"chlo.broadcast_or":                     chloBroadcast(cBool|cInt, false),
	"chlo.broadcast_xor":                    chloBroadcast(cBool|cInt, false),
	"chlo.broadcast_shift_left":             chloBroadcast(cInt, false),
	"chlo.broadcast_shift_right_arithmetic": chloBroadcast(cInt, false),
	"chlo.broadcast_shift_right_logical":    chloBroadcast(cInt, false),
	"chlo.broadcast_next_after":             chloBroadcast(cFloat, false),
	"chlo.broadcast_polygamma":              chloBroadcast(cFloat, false),
	"chlo.broadcast_zeta":                   chloBroadcast(cFloat, false),
	"chlo.broadcast_compare":                chloBroadcast(cAnyNQ, true),
	"chlo.broadcast_complex":                chloBroadcastComplex,
	"chlo.broadcast_select":                 chloBroadcastSelect,
})

func chloIsInf(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cFloat, "operand"); err != nil {
		return err
	}
	if r.Elem.Quant != nil || !r.Elem.DType.IsBool() {
		return c.errf("types", "declare the result as a tensor of i1", "result of %s must have element type i1, got %s", c.op.Name, r.Elem)
	}
	return c.sameShape(x, r, "operand", "result")
}

func chloTopK(c *ctx) *diag.Error {
	if err := c.arity(1, 2); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ, "operand"); err != nil {
		return err
	}
	k, err := c.intAttr("k", 0, true)
	if err != nil {
		return err
	}
	n := len(x.Shape)
	if n == 0 {
		return c.errf("shape", "pass a tensor of rank >= 1", "top_k operand has rank 0")
	}
	if k < 0 || (x.Shape[n-1] >= 0 && k > x.Shape[n-1]) {
		return c.errf("k", "use 0 <= k <= last dimension", "k = %d does not fit the last dimension %s", k, fmtShape(x.Shape[n-1:]))
	}
	want := slices.Clone(x.Shape)
	want[n-1] = k
	if err := c.sameElem(x, rs[0], "operand", "values"); err != nil {
		return err
	}
	if rs[1].Elem.Quant != nil || rs[1].Elem.DType != tensor.I32 {
		return c.errf("types", "declare indices as i32", "indices of top_k must be i32, got %s", rs[1].Elem)
	}
	if err := c.expectShape(rs[0], want, "values"); err != nil {
		return err
	}
	return c.expectShape(rs[1], want, "indices")
}

func chloConstant(c *ctx) *diag.Error {
	return checkConstant(c)
}

func chloConstantLike(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	a := c.attr("value")
	if a == nil {
		return c.missing("value")
	}
	switch v := a.(type) {
	case ir.IntAttr:
		if classOf(r.Elem)&(cInt|cBool) == 0 {
			return c.errf("types", "use a value of the result's element type", "integer value for a %s result", r.Elem)
		}
	case ir.FloatAttr:
		if classOf(r.Elem)&(cFloat|cComplex) == 0 {
			return c.errf("types", "use a value of the result's element type", "float value for a %s result", r.Elem)
		}
	case ir.BoolAttr:
		if classOf(r.Elem)&cBool == 0 {
			return c.errf("types", "use a value of the result's element type", "boolean value for a %s result", r.Elem)
		}
	case *ir.ElementsAttr:
		if v == nil || v.Type == nil || len(v.Type.Shape) != 0 || !v.Type.Elem.Equal(r.Elem) {
			return c.errf("types", "use a scalar of the result's element type", "value of type %s for a %s result", v.Type, r.Elem)
		}
		if err := literalSize(c, v, "value"); err != nil {
			return err
		}
	default:
		return c.badAttr("value", "a scalar", a)
	}
	return c.sameShape(x, r, "operand", "result")
}

// broadcastShape computes the numpy-style broadcast of a and b, with
// optional broadcast_dimensions mapping the lower-rank operand.
func (c *ctx) broadcastShape(a, b []int64) ([]int64, *diag.Error) {
	dims, present, err := c.intsAttr("broadcast_dimensions", false)
	if err != nil {
		return nil, err
	}
	hi, lo := a, b
	if len(b) > len(a) {
		hi, lo = b, a
	}
	n := len(hi)
	m := make([]int64, len(lo))
	if present && len(a) != len(b) {
		if len(dims) != len(lo) {
			return nil, c.errf("dims", fmt.Sprintf("give %d broadcast dimensions", len(lo)), "broadcast_dimensions has %d entries for rank %d", len(dims), len(lo))
		}
		if err := c.dimsInRange("dims", "broadcast_dimensions", dims, n); err != nil {
			return nil, err
		}
		if err := c.dimsUnique("dims", "broadcast_dimensions", dims); err != nil {
			return nil, err
		}
		copy(m, dims)
	} else {
		for i := range lo {
			m[i] = int64(n - len(lo) + i)
		}
	}
	out := slices.Clone(hi)
	for i, d := range lo {
		j := m[i]
		e := out[j]
		switch {
		case d == 1:
		case e == 1:
			out[j] = d
		case d < 0 && e < 0:
			out[j] = ir.Dynamic
		case d < 0:
		case e < 0:
			out[j] = d
		case d != e:
			return nil, c.errf("shape", "use shapes that broadcast", "shapes %s and %s do not broadcast", fmtShape(a), fmtShape(b))
		}
	}
	return out, nil
}

func chloBroadcast(allowed eclass, compare bool) func(*ctx) *diag.Error {
	return func(c *ctx) *diag.Error {
		l, r, res, err := binaryTypes(c)
		if err != nil {
			return err
		}
		if err := c.elemIn(l, allowed, "lhs"); err != nil {
			return err
		}
		if err := c.sameElem(l, r, "lhs", "rhs"); err != nil {
			return err
		}
		if compare {
			if _, err := c.enumAttr("comparison_direction", compareDirections, "", true); err != nil {
				return err
			}
			if _, err := c.enumAttr("compare_type", compareTypes, "", false); err != nil {
				return err
			}
			if res.Elem.Quant != nil || !res.Elem.DType.IsBool() {
				return c.errf("types", "declare the result as a tensor of i1", "result of %s must have element type i1", c.op.Name)
			}
		} else if err := c.sameElem(l, res, "lhs", "result"); err != nil {
			return err
		}
		want, err := c.broadcastShape(l.Shape, r.Shape)
		if err != nil {
			return err
		}
		return c.expectShape(res, want, "result")
	}
}

func chloBroadcastComplex(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	if l.Elem.Quant != nil || (l.Elem.DType != tensor.F32 && l.Elem.DType != tensor.F64) {
		return c.errf("element_type", "use f32 or f64 parts", "complex takes f32 or f64 parts, got %s", l.Elem)
	}
	if err := c.sameElem(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	if res.Elem.Quant != nil || res.Elem.DType != tensor.ComplexOf(l.Elem.DType) {
		return c.errf("types", "declare the result as complex<"+l.Elem.String()+">", "result of %s has element type %s", c.op.Name, res.Elem)
	}
	want, err := c.broadcastShape(l.Shape, r.Shape)
	if err != nil {
		return err
	}
	return c.expectShape(res, want, "result")
}

func chloBroadcastSelect(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	if ts[0].Elem.Quant != nil || !ts[0].Elem.DType.IsBool() {
		return c.errf("element_type", "pass an i1 predicate", "pred of %s must have element type i1", c.op.Name)
	}
	if err := c.sameElem(ts[1], ts[2], "on_true", "on_false"); err != nil {
		return err
	}
	if err := c.sameElem(ts[1], res, "on_true", "result"); err != nil {
		return err
	}
	s, err := c.broadcastShape(ts[0].Shape, ts[1].Shape)
	if err != nil {
		return err
	}
	s, err = c.broadcastShape(s, ts[2].Shape)
	if err != nil {
		return err
	}
	return c.expectShape(res, s, "result")
}

func chloRaggedDot(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	l, r, gs := ts[0], ts[1], ts[2]
	a := c.attr("ragged_dot_dimension_numbers")
	if a == nil {
		return c.missing("ragged_dot_dimension_numbers")
	}
	s, ok := a.(*ir.StructAttr)
	if !ok || s == nil || s.Name != "ragged_dot" {
		return c.badAttr("ragged_dot_dimension_numbers", "#chlo.ragged_dot<...>", a)
	}
	var lb, rb, lc, rc, lr, rg []int64
	for _, f := range []struct {
		name string
		dst  *[]int64
	}{
		{"lhs_batching_dimensions", &lb}, {"rhs_batching_dimensions", &rb},
		{"lhs_contracting_dimensions", &lc}, {"rhs_contracting_dimensions", &rc},
		{"lhs_ragged_dimensions", &lr}, {"rhs_group_dimensions", &rg},
	} {
		v, err := c.structInts(s, f.name, dnWhat)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	nl, nr := len(l.Shape), len(r.Shape)
	if len(lb) != len(rb) || len(lc) != len(rc) || len(lr) != 1 || len(rg) > 1 {
		return c.errf(dnWhat, "pair batching and contracting dimensions, with one ragged dimension",
			"ragged_dot dimension numbers are inconsistent")
	}
	for _, g := range []struct {
		name string
		dims []int64
		rank int
	}{
		{"lhs dimensions", append(slices.Clone(lb), lc...), nl},
		{"rhs dimensions", append(append(slices.Clone(rb), rc...), rg...), nr},
		{"lhs_ragged_dimensions", lr, nl},
	} {
		if err := c.dimsInRange(dnWhat, g.name, g.dims, g.rank); err != nil {
			return err
		}
		if err := c.dimsUnique(dnWhat, g.name, g.dims); err != nil {
			return err
		}
	}
	for i := range lb {
		if !dimEq(l.Shape[lb[i]], r.Shape[rb[i]]) {
			return c.errf(dnWhat, "batch over dimensions of equal size", "batching dimensions differ in size")
		}
	}
	for i := range lc {
		if !dimEq(l.Shape[lc[i]], r.Shape[rc[i]]) {
			return c.errf(dnWhat, "contract dimensions of equal size", "contracting dimensions differ in size")
		}
	}
	if err := c.elemIn(gs, cInt, "group_sizes"); err != nil {
		return err
	}
	if _, err := c.precisionConfig(); err != nil {
		return err
	}
	if err := c.sameElem(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	ragged := lr[0]
	var want []int64
	mode2 := contains(lc, ragged)
	mode1 := !mode2 && !contains(lb, ragged)
	if mode1 != (len(rg) == 1) {
		return c.errf(dnWhat, "give rhs a group dimension exactly when the ragged dimension is not contracting",
			"ragged_dot group dimension does not fit the ragged dimension")
	}
	if mode2 {
		if len(gs.Shape) == 0 {
			return c.errf("shape", "pass group sizes as a tensor", "group_sizes is rank 0")
		}
		want = append(want, gs.Shape[len(gs.Shape)-1])
	}
	for _, d := range lb {
		want = append(want, l.Shape[d])
	}
	for d := range nl {
		if !contains(lb, int64(d)) && !contains(lc, int64(d)) {
			want = append(want, l.Shape[d])
		}
	}
	for d := range nr {
		if !contains(rb, int64(d)) && !contains(rc, int64(d)) && !contains(rg, int64(d)) {
			want = append(want, r.Shape[d])
		}
	}
	return c.expectShape(res, want, "result")
}

func chloScan(c *ctx) *diag.Error {
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give scan one body region", "scan needs 1 region, has %d", len(c.op.Regions))
	}
	seg, ok := c.attr("operandSegmentSizes").(*ir.DenseArrayAttr)
	if !ok || seg == nil || len(seg.Ints) != 2 || seg.Ints[0] < 0 || seg.Ints[1] < 0 || seg.Ints[0]+seg.Ints[1] != int64(len(c.op.Operands)) {
		return c.errf("arity", "list the inputs and the inits", "scan needs operandSegmentSizes splitting its operands into inputs and inits")
	}
	n, m := int(seg.Ints[0]), int(seg.Ints[1])
	if n < 1 {
		return c.errf("arity", "scan at least one input", "scan has no inputs")
	}
	k := len(c.op.Results) - m
	if k < 0 {
		return c.errf("arity", "declare the outputs and one result per init", "scan has %d results for %d inits", len(c.op.Results), m)
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	dim, err := c.intAttr("dimension", 0, true)
	if err != nil {
		return err
	}
	if _, err := c.boolAttr("is_reverse", false); err != nil {
		return err
	}
	x := ts[0]
	if dim < 0 || dim >= int64(len(x.Shape)) {
		return c.errf("dimension", "use a dimension of the inputs", "dimension %d is out of range for rank %d", dim, len(x.Shape))
	}
	drop := func(s []int64) []int64 { return slices.Delete(slices.Clone(s), int(dim), int(dim)+1) }
	insert := func(s []int64) []int64 { return slices.Insert(slices.Clone(s), int(dim), x.Shape[dim]) }
	for i := range n {
		if len(ts[i].Shape) != len(x.Shape) || !dimEq(ts[i].Shape[dim], x.Shape[dim]) {
			return c.errf("shape", "scan inputs of one length", "input #%d does not match input #0 along the scan dimension", i)
		}
	}
	args, rets, err := c.regionSig(0)
	if err != nil {
		return err
	}
	if len(args) != n+m {
		return c.errf("region", fmt.Sprintf("give the body %d arguments", n+m), "scan body takes %d arguments, expected %d", len(args), n+m)
	}
	for i := range n {
		want := &ir.TensorType{Shape: drop(ts[i].Shape), Elem: ts[i].Elem}
		if !typeCompat(args[i], want) {
			return c.errf("region", "take input slices without the scan dimension", "body argument #%d is %s, expected %s", i, typeStr(args[i]), want)
		}
	}
	for j := range m {
		if !typeCompat(args[n+j], ts[n+j]) {
			return c.errf("region", "take carries of the init types", "body argument #%d is %s, init is %s", n+j, typeStr(args[n+j]), ts[n+j])
		}
	}
	if len(rets) != k+m {
		return c.errf("region", fmt.Sprintf("return %d values", k+m), "scan body returns %d values, expected %d", len(rets), k+m)
	}
	for i := range k {
		rt, ok := rets[i].(*ir.TensorType)
		if !ok || !rt.Elem.Equal(rs[i].Elem) {
			return c.errf("region", "return output slices of the result element types", "body value #%d does not match result #%d", i, i)
		}
		if err := c.expectShape(rs[i], insert(rt.Shape), resultName(i)); err != nil {
			return err
		}
	}
	for j := range m {
		if !typeCompat(rets[k+j], ts[n+j]) || !typeCompat(rs[k+j], ts[n+j]) {
			return c.errf("region", "carry values of the init types", "carry #%d changes type", j)
		}
	}
	return nil
}
