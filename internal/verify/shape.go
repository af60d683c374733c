package verify

import (
	"fmt"
	"slices"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Shape ops: broadcasts, reshapes, transpose, reverse, slices, concatenate,
// pad, iota and get_dimension_size, static and dynamic forms.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.broadcast_in_dim":         checkBroadcastInDim,
	"stablehlo.broadcast":                checkBroadcast,
	"stablehlo.dynamic_broadcast_in_dim": checkDynamicBroadcastInDim,
	"stablehlo.reshape":                  checkReshape,
	"stablehlo.dynamic_reshape":          checkDynamicReshape,
	"stablehlo.transpose":                checkTranspose,
	"stablehlo.reverse":                  checkReverse,
	"stablehlo.slice":                    checkSlice,
	"stablehlo.dynamic_slice":            checkDynamicSlice,
	"stablehlo.dynamic_update_slice":     checkDynamicUpdateSlice,
	"stablehlo.real_dynamic_slice":       checkRealDynamicSlice,
	"stablehlo.concatenate":              checkConcatenate,
	"stablehlo.pad":                      checkPad,
	"stablehlo.dynamic_pad":              checkDynamicPad,
	"stablehlo.iota":                     checkIota,
	"stablehlo.dynamic_iota":             checkDynamicIota,
	"stablehlo.get_dimension_size":       checkGetDimensionSize,
})

// broadcastElem checks C1/C6 of broadcast_in_dim: the element types agree,
// except that a per-axis quantized operand may change its quantization
// dimension and parameters.
func (c *ctx) broadcastElem(x, r *ir.TensorType, dims []int64) *diag.Error {
	if !isPerAxis(x.Elem) && !isPerAxis(r.Elem) {
		return c.sameElem(x, r, "operand", "result")
	}
	a, b := x.Elem.Quant, r.Elem.Quant
	if a == nil || b == nil || a.Storage != b.Storage || a.Expressed != b.Expressed ||
		a.StorageMin != b.StorageMin || a.StorageMax != b.StorageMax {
		return c.errf("types", "keep the storage and expressed types", "element type %s cannot become %s", x.Elem, r.Elem)
	}
	if b.Axis >= 0 {
		if a.Axis < 0 || a.Axis >= len(dims) || dims[a.Axis] != int64(b.Axis) {
			return c.errf("quant", "quantize the result along the broadcast image of the operand's quantization dimension",
				"result quantization dimension %d does not correspond to the operand's", b.Axis)
		}
		if x.Shape[a.Axis] == 1 {
			for i := range b.Scales {
				if b.Scales[i] != a.Scales[0] || b.ZeroPoints[i] != a.ZeroPoints[0] {
					return c.errf("quant", "repeat the operand's single scale and zero point",
						"broadcasting a size-1 quantized dimension must repeat its scale and zero point")
				}
			}
		}
	}
	return nil
}

// broadcastDims checks C2-C5 shared by broadcast_in_dim and
// dynamic_broadcast_in_dim.
func (c *ctx) broadcastDims(x, r *ir.TensorType) ([]int64, *diag.Error) {
	dims, _, err := c.intsAttr("broadcast_dimensions", true)
	if err != nil {
		return nil, err
	}
	if len(dims) != len(x.Shape) {
		return nil, c.errf("dims", fmt.Sprintf("give %d broadcast dimensions, one per operand dimension", len(x.Shape)),
			"broadcast_dimensions has %d entries for an operand of rank %d", len(dims), len(x.Shape))
	}
	if err := c.dimsInRange("dims", "broadcast_dimensions", dims, len(r.Shape)); err != nil {
		return nil, err
	}
	if err := c.dimsUnique("dims", "broadcast_dimensions", dims); err != nil {
		return nil, err
	}
	for d, rd := range dims {
		od, res := x.Shape[d], r.Shape[rd]
		if od != 1 && !dimEq(od, res) {
			return nil, c.errf("shape", "broadcast only size-1 dimensions or keep the size",
				"operand dimension %d (size %d) maps to result dimension %d of size %d", d, od, rd, res)
		}
	}
	return dims, nil
}

func checkBroadcastInDim(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	dims, err := c.broadcastDims(x, r)
	if err != nil {
		return err
	}
	return c.broadcastElem(x, r, dims)
}

// checkBroadcast verifies the deprecated stablehlo.broadcast: the result is
// broadcast_sizes followed by the operand's shape.
func checkBroadcast(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	sizes, _, err := c.intsAttr("broadcast_sizes", true)
	if err != nil {
		return err
	}
	if len(sizes)+len(x.Shape) > 1<<16 {
		return c.errf("dims", "use fewer dimensions", "broadcast_sizes is too long")
	}
	for _, s := range sizes {
		if s < 0 {
			return c.errf("dims", "use non-negative sizes", "broadcast_sizes contains %d", s)
		}
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	return c.expectShape(r, append(slices.Clone(sizes), x.Shape...), "result")
}

func checkDynamicBroadcastInDim(c *ctx) *diag.Error {
	if err := c.arity(2, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	shape, err := c.shapeOperand(1, len(r.Shape), "output_dimensions")
	if err != nil {
		return err
	}
	dims, err := c.broadcastDims(x, r)
	if err != nil {
		return err
	}
	if err := c.broadcastElem(x, r, dims); err != nil {
		return err
	}
	exp, _, err := c.intsAttr("known_expanding_dimensions", false)
	if err != nil {
		return err
	}
	nonexp, _, err := c.intsAttr("known_nonexpanding_dimensions", false)
	if err != nil {
		return err
	}
	all := append(slices.Clone(exp), nonexp...)
	if err := c.dimsInRange("dims", "known_(non)expanding_dimensions", all, len(x.Shape)); err != nil {
		return err
	}
	if err := c.dimsUnique("dims", "known_expanding_dimensions + known_nonexpanding_dimensions", all); err != nil {
		return err
	}
	if shape != nil {
		return c.expectShape(r, shape, "result")
	}
	return nil
}

// reshapeElem checks C1/C3 of reshape.
func (c *ctx) reshapeElem(x, r *ir.TensorType) *diag.Error {
	if !isPerAxis(x.Elem) {
		return c.sameElem(x, r, "operand", "result")
	}
	a, b := x.Elem.Quant, r.Elem.Quant
	if b == nil || b.Axis < 0 || a.Storage != b.Storage || a.Expressed != b.Expressed ||
		a.StorageMin != b.StorageMin || a.StorageMax != b.StorageMax ||
		!slices.Equal(a.Scales, b.Scales) || !slices.Equal(a.ZeroPoints, b.ZeroPoints) {
		return c.errf("types", "keep the quantized element type (only the quantization dimension may move)",
			"element type %s cannot become %s", x.Elem, r.Elem)
	}
	pre := func(s []int64, ax int) (int64, bool) { return ir.ShapeElements(s[:ax]) }
	post := func(s []int64, ax int) (int64, bool) { return ir.ShapeElements(s[ax+1:]) }
	p1, ok1 := pre(x.Shape, a.Axis)
	p2, ok2 := pre(r.Shape, b.Axis)
	q1, ok3 := post(x.Shape, a.Axis)
	q2, ok4 := post(r.Shape, b.Axis)
	if (ok1 && ok2 && p1 != p2) || (ok3 && ok4 && q1 != q2) || !dimEq(x.Shape[a.Axis], r.Shape[b.Axis]) {
		return c.errf("quant", "keep the quantization dimension intact across the reshape",
			"reshape splits or merges the quantization dimension")
	}
	return nil
}

func checkReshape(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.reshapeElem(x, r); err != nil {
		return err
	}
	n1, ok1 := ir.ShapeElements(x.Shape)
	n2, ok2 := ir.ShapeElements(r.Shape)
	if ok1 && ok2 && n1 != n2 {
		return c.errf("shape", "keep the number of elements", "reshape of %s (%d elements) to %s (%d elements)", fmtShape(x.Shape), n1, fmtShape(r.Shape), n2)
	}
	return nil
}

func checkDynamicReshape(c *ctx) *diag.Error {
	if err := c.arity(2, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	shape, err := c.shapeOperand(1, len(r.Shape), "output_shape")
	if err != nil {
		return err
	}
	if err := c.reshapeElem(x, r); err != nil {
		return err
	}
	n1, ok1 := ir.ShapeElements(x.Shape)
	n2, ok2 := ir.ShapeElements(r.Shape)
	if ok1 && ok2 && n1 != n2 {
		return c.errf("shape", "keep the number of elements", "dynamic_reshape of %d elements to %d elements", n1, n2)
	}
	if shape != nil {
		return c.expectShape(r, shape, "result")
	}
	return nil
}

func checkTranspose(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	perm, _, err := c.intsAttr("permutation", true)
	if err != nil {
		return err
	}
	if len(perm) != len(x.Shape) {
		return c.errf("permutation", fmt.Sprintf("give a permutation of %d dimensions", len(x.Shape)),
			"permutation has %d entries for an operand of rank %d", len(perm), len(x.Shape))
	}
	if err := c.dimsInRange("permutation", "permutation", perm, len(x.Shape)); err != nil {
		return err
	}
	if err := c.dimsUnique("permutation", "permutation", perm); err != nil {
		return err
	}
	if isPerAxis(x.Elem) || isPerAxis(r.Elem) {
		a, b := x.Elem.Quant, r.Elem.Quant
		if a == nil || b == nil || a.Axis < 0 || b.Axis < 0 || a.Storage != b.Storage || a.Expressed != b.Expressed ||
			!slices.Equal(a.Scales, b.Scales) || !slices.Equal(a.ZeroPoints, b.ZeroPoints) {
			return c.errf("types", "keep the quantized element type", "element type %s cannot become %s", x.Elem, r.Elem)
		}
		if perm[b.Axis] != int64(a.Axis) {
			return c.errf("quant", "move the quantization dimension with the permutation",
				"result quantization dimension %d does not correspond to operand dimension %d", b.Axis, a.Axis)
		}
	} else if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	want := make([]int64, len(perm))
	for i, p := range perm {
		want[i] = x.Shape[p]
	}
	return c.expectShape(r, want, "result")
}

func checkReverse(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	dims, _, err := c.intsAttr("dimensions", true)
	if err != nil {
		return err
	}
	if err := c.dimsInRange("dims", "dimensions", dims, len(r.Shape)); err != nil {
		return err
	}
	if err := c.dimsUnique("dims", "dimensions", dims); err != nil {
		return err
	}
	return c.sameType(x, r, "operand", "result")
}

func checkSlice(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	start, _, err := c.intsAttr("start_indices", true)
	if err != nil {
		return err
	}
	limit, _, err := c.intsAttr("limit_indices", true)
	if err != nil {
		return err
	}
	strides, _, err := c.intsAttr("strides", true)
	if err != nil {
		return err
	}
	rank := len(x.Shape)
	if len(start) != rank || len(limit) != rank || len(strides) != rank {
		return c.errf("indices", fmt.Sprintf("give %d start, limit and stride values", rank),
			"slice of a rank-%d operand has %d start, %d limit and %d stride values", rank, len(start), len(limit), len(strides))
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	want := make([]int64, rank)
	for i := range rank {
		if strides[i] <= 0 {
			return c.errf("strides", "use positive strides", "stride %d of dimension %d must be positive", strides[i], i)
		}
		if start[i] < 0 || start[i] > limit[i] || (x.Shape[i] >= 0 && limit[i] > x.Shape[i]) {
			return c.errf("indices", "use 0 <= start <= limit <= dimension size",
				"dimension %d: start %d, limit %d, size %s", i, start[i], limit[i], fmtShape(x.Shape[i:i+1]))
		}
		want[i] = ceilDiv(limit[i]-start[i], strides[i])
	}
	return c.expectShape(r, want, "result")
}

// indexOperands checks that operands[from:] are rank-0 integer tensors of one
// type (rule types).
func (c *ctx) indexOperands(from int, name string) *diag.Error {
	var first *ir.TensorType
	for i := from; i < len(c.op.Operands); i++ {
		t, err := c.operandT(i)
		if err != nil {
			return err
		}
		if !isScalar(t) || classOf(t.Elem)&cInt == 0 {
			return c.errf("types", "pass rank-0 integer tensors", "%s (operand #%d) of %s must be a rank-0 integer tensor, got %s", name, i, c.op.Name, t)
		}
		if first == nil {
			first = t
		} else if !first.Elem.Equal(t.Elem) {
			return c.errf("types", "give all start indices the same type", "start indices of %s mix %s and %s", c.op.Name, first.Elem, t.Elem)
		}
	}
	return nil
}

func checkDynamicSlice(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	sizes, _, err := c.intsAttr("slice_sizes", true)
	if err != nil {
		return err
	}
	rank := len(x.Shape)
	if len(c.op.Operands)-1 != rank || len(sizes) != rank {
		return c.errf("indices", fmt.Sprintf("give %d start indices and slice sizes", rank),
			"dynamic_slice of a rank-%d operand has %d start indices and %d slice sizes", rank, len(c.op.Operands)-1, len(sizes))
	}
	if err := c.indexOperands(1, "start index"); err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	for i, s := range sizes {
		if s < 0 || (x.Shape[i] >= 0 && s > x.Shape[i]) {
			return c.errf("slice_sizes", "use 0 <= slice size <= dimension size",
				"slice size %d of dimension %d does not fit size %s", s, i, fmtShape(x.Shape[i:i+1]))
		}
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	return c.expectShape(r, sizes, "result")
}

func checkDynamicUpdateSlice(c *ctx) *diag.Error {
	if err := c.minArity(2, 1); err != nil {
		return err
	}
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	u, err := c.operandT(1)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameType(x, r, "operand", "result"); err != nil {
		return err
	}
	if err := c.sameElem(x, u, "operand", "update"); err != nil {
		return err
	}
	if len(u.Shape) != len(x.Shape) {
		return c.errf("shape", "give the update the operand's rank", "update has rank %d, operand rank %d", len(u.Shape), len(x.Shape))
	}
	if len(c.op.Operands)-2 != len(x.Shape) {
		return c.errf("indices", fmt.Sprintf("give %d start indices", len(x.Shape)),
			"dynamic_update_slice of a rank-%d operand has %d start indices", len(x.Shape), len(c.op.Operands)-2)
	}
	if err := c.indexOperands(2, "start index"); err != nil {
		return err
	}
	for i := range u.Shape {
		if u.Shape[i] >= 0 && x.Shape[i] >= 0 && u.Shape[i] > x.Shape[i] {
			return c.errf("shape", "make the update fit in the operand", "update dimension %d (%d) is larger than the operand's (%d)", i, u.Shape[i], x.Shape[i])
		}
	}
	return nil
}

func checkRealDynamicSlice(c *ctx) *diag.Error {
	if err := c.arity(4, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	rank := len(x.Shape)
	var vals [3][]int64
	var first *ir.TensorType
	for i := 1; i <= 3; i++ {
		v, err := c.shapeOperand(i, rank, []string{"", "start_indices", "limit_indices", "strides"}[i])
		if err != nil {
			return err
		}
		t := ir.Tensor(c.op.Operands[i].Type)
		if first == nil {
			first = t
		} else if !first.Elem.Equal(t.Elem) {
			return c.errf("types", "give start, limit and strides the same type", "start, limit and strides of real_dynamic_slice mix %s and %s", first.Elem, t.Elem)
		}
		vals[i-1] = v
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	if len(r.Shape) != rank {
		return c.errf("shape", "keep the operand's rank", "result has rank %d, operand rank %d", len(r.Shape), rank)
	}
	if vals[0] == nil || vals[1] == nil || vals[2] == nil {
		return nil
	}
	want := make([]int64, rank)
	for i := range rank {
		s, l, st := vals[0][i], vals[1][i], vals[2][i]
		if st <= 0 {
			return c.errf("strides", "use positive strides", "stride %d of dimension %d must be positive", st, i)
		}
		if s < 0 || s > l || (x.Shape[i] >= 0 && l > x.Shape[i]) {
			return c.errf("indices", "use 0 <= start <= limit <= dimension size", "dimension %d: start %d, limit %d", i, s, l)
		}
		want[i] = ceilDiv(l-s, st)
	}
	return c.expectShape(r, want, "result")
}

func checkConcatenate(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	dim, err := c.intAttr("dimension", 0, true)
	if err != nil {
		return err
	}
	first := ts[0]
	if err := c.elemIn(first, cAnyNQ|cQuantPT, "operand #0"); err != nil {
		return err
	}
	rank := len(first.Shape)
	if dim < 0 || dim >= int64(rank) {
		return c.errf("dimension", fmt.Sprintf("use a dimension in [0, %d)", rank), "dimension %d is out of range for rank %d", dim, rank)
	}
	want := slices.Clone(first.Shape)
	for i, t := range ts {
		name := operandName(i)
		if err := c.sameElem(first, t, "operand #0", name); err != nil {
			return err
		}
		if len(t.Shape) != rank {
			return c.errf("shape", "give all inputs the same rank", "%s has rank %d, operand #0 rank %d", name, len(t.Shape), rank)
		}
		for d := range rank {
			if int64(d) == dim {
				continue
			}
			if !dimEq(t.Shape[d], first.Shape[d]) {
				return c.errf("shape", "make all non-concatenated dimensions agree",
					"%s has size %d in dimension %d, operand #0 has %d", name, t.Shape[d], d, first.Shape[d])
			}
			if want[d] < 0 {
				want[d] = t.Shape[d]
			}
		}
		if i == 0 {
			continue
		}
		if want[dim] < 0 || t.Shape[dim] < 0 {
			want[dim] = ir.Dynamic
			continue
		}
		s, ok := addI(want[dim], t.Shape[dim])
		if !ok {
			return c.overflow("shape")
		}
		want[dim] = s
	}
	if err := c.sameElem(first, r, "operand #0", "result"); err != nil {
		return err
	}
	return c.expectShape(r, want, "result")
}

// padShape computes pad's result shape (C4).
func (c *ctx) padShape(x *ir.TensorType, lo, hi, in []int64) ([]int64, *diag.Error) {
	want := make([]int64, len(x.Shape))
	for i, d := range x.Shape {
		if in[i] < 0 {
			return nil, c.errf("padding", "use non-negative interior padding", "interior padding %d of dimension %d is negative", in[i], i)
		}
		if d < 0 {
			want[i] = ir.Dynamic
			continue
		}
		gaps := max(d-1, 0)
		mid, ok := mulI(gaps, in[i])
		if !ok {
			return nil, c.overflow("padding")
		}
		s, ok1 := addI(d, mid)
		s, ok2 := addI(s, lo[i])
		s, ok3 := addI(s, hi[i])
		if !ok1 || !ok2 || !ok3 {
			return nil, c.overflow("padding")
		}
		if s < 0 {
			return nil, c.errf("padding", "reduce the negative edge padding", "padding makes dimension %d negative (%d)", i, s)
		}
		want[i] = s
	}
	return want, nil
}

func checkPad(c *ctx) *diag.Error {
	if err := c.arity(2, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	pv, err := c.operandT(1)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	lo, _, err := c.intsAttr("edge_padding_low", true)
	if err != nil {
		return err
	}
	hi, _, err := c.intsAttr("edge_padding_high", true)
	if err != nil {
		return err
	}
	in, _, err := c.intsAttr("interior_padding", true)
	if err != nil {
		return err
	}
	rank := len(x.Shape)
	if len(lo) != rank || len(hi) != rank || len(in) != rank {
		return c.errf("padding", fmt.Sprintf("give %d low, high and interior padding values", rank),
			"pad of a rank-%d operand has %d low, %d high and %d interior values", rank, len(lo), len(hi), len(in))
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, pv, "operand", "padding_value"); err != nil {
		return err
	}
	if !isScalar(pv) {
		return c.errf("types", "pass a rank-0 padding value", "padding_value of pad must be rank 0, got %s", pv)
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	want, err := c.padShape(x, lo, hi, in)
	if err != nil {
		return err
	}
	return c.expectShape(r, want, "result")
}

func checkDynamicPad(c *ctx) *diag.Error {
	if err := c.arity(5, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	pv, err := c.operandT(1)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	rank := len(x.Shape)
	var vals [3][]int64
	for i := 2; i <= 4; i++ {
		v, err := c.shapeOperand(i, rank, []string{"", "", "edge_padding_low", "edge_padding_high", "interior_padding"}[i])
		if err != nil {
			return err
		}
		vals[i-2] = v
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, pv, "operand", "padding_value"); err != nil {
		return err
	}
	if !isScalar(pv) {
		return c.errf("types", "pass a rank-0 padding value", "padding_value of dynamic_pad must be rank 0, got %s", pv)
	}
	if err := c.sameElem(x, r, "operand", "result"); err != nil {
		return err
	}
	if len(r.Shape) != rank {
		return c.errf("shape", "keep the operand's rank", "result has rank %d, operand rank %d", len(r.Shape), rank)
	}
	if vals[0] == nil || vals[1] == nil || vals[2] == nil {
		return nil
	}
	want, err := c.padShape(x, vals[0], vals[1], vals[2])
	if err != nil {
		return err
	}
	return c.expectShape(r, want, "result")
}

func checkIota(c *ctx) *diag.Error {
	if err := c.arity(0, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	if err := c.elemIn(r, cInt|cFloat|cComplex|cQuantPT, "result"); err != nil {
		return err
	}
	d, err := c.intAttr("iota_dimension", 0, true)
	if err != nil {
		return err
	}
	if d < 0 || d >= int64(len(r.Shape)) {
		return c.errf("iota_dimension", "use a dimension of the result", "iota_dimension %d is out of range for rank %d", d, len(r.Shape))
	}
	return nil
}

func checkDynamicIota(c *ctx) *diag.Error {
	if err := c.arity(1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	shape, err := c.shapeOperand(0, len(r.Shape), "output_shape")
	if err != nil {
		return err
	}
	if err := c.elemIn(r, cInt|cFloat|cComplex|cQuantPT, "result"); err != nil {
		return err
	}
	d, err := c.intAttr("iota_dimension", 0, true)
	if err != nil {
		return err
	}
	if d < 0 || d >= int64(len(r.Shape)) {
		return c.errf("iota_dimension", "use a dimension of the result", "iota_dimension %d is out of range for rank %d", d, len(r.Shape))
	}
	if shape != nil {
		return c.expectShape(r, shape, "result")
	}
	return nil
}

func checkGetDimensionSize(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	d, err := c.intAttr("dimension", 0, true)
	if err != nil {
		return err
	}
	if d < 0 || d >= int64(len(x.Shape)) {
		return c.errf("dimension", "use a dimension of the operand", "dimension %d is out of range for rank %d", d, len(x.Shape))
	}
	if !isScalar(r) || r.Elem.Quant != nil || r.Elem.DType != tensor.I32 {
		return c.errf("types", "declare the result as tensor<i32>", "result of get_dimension_size must be tensor<i32>, got %s", r)
	}
	return nil
}

// ceilDiv divides a non-negative a by a positive b, rounding up, without
// overflow.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}
