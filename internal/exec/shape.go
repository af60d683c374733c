package exec

import (
	"math"
	"math/big"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Data movement: broadcast_in_dim, reshape, transpose, slice, dynamic_slice,
// dynamic_update_slice, concatenate, pad, iota, reverse, get_dimension_size,
// set_dimension_size.
//
// Every kernel here computes its result shape from the runtime operands and
// the op's attributes, checks it against the static dimensions of the result
// type, and then moves raw element bytes (element order is row-major, one
// DType.Size() slot per element, see package tensor). Helpers shared by the
// data movement, gather/scatter, sort and reduction files carry the prefix
// "dm" to keep them apart from the other kernel families of the package.

func init() {
	register("stablehlo.broadcast_in_dim", dmBroadcastInDim)
	register("stablehlo.reshape", dmReshape)
	register("stablehlo.transpose", dmTranspose)
	register("stablehlo.slice", dmSlice)
	register("stablehlo.dynamic_slice", dmDynamicSlice)
	register("stablehlo.dynamic_update_slice", dmDynamicUpdateSlice)
	register("stablehlo.concatenate", dmConcatenate)
	register("stablehlo.pad", dmPadKernel)
	register("stablehlo.iota", dmIota)
	register("stablehlo.reverse", dmReverse)
	register("stablehlo.get_dimension_size", dmGetDimensionSize)
	register("stablehlo.set_dimension_size", dmSetDimensionSize)
}

// ---------------------------------------------------------------------------
// Shared helpers.

// dmRule is the rule of an op's malformed-op errors: "exec.<op>".
func dmRule(op *ir.Op) string {
	name := op.Name
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return "exec." + name
}

// dmReject reports a malformed op (something verification should have
// caught): Kind Rejected.
func dmReject(op *ir.Op, format string, args ...any) error {
	return diag.New(diag.Rejected, dmRule(op), op.Pos, format, args...).WithOp(op.Name)
}

// dmBadValue reports an operand value that makes the op meaningless (a
// negative dimension computed at run time, a shape that does not match the
// result type): Kind InvalidInput.
func dmBadValue(op *ir.Op, format string, args ...any) error {
	return diag.New(diag.InvalidInput, dmRule(op), op.Pos, format, args...).WithOp(op.Name)
}

// dmErrFunc builds one of the two errors above; shared code that serves both
// static attributes and run-time values takes one.
type dmErrFunc func(op *ir.Op, format string, args ...any) error

// dmTensors checks that in holds exactly n tensors (n < 0: at least -n).
func dmTensors(op *ir.Op, in []Val, n int) error {
	if (n >= 0 && len(in) != n) || (n < 0 && len(in) < -n) {
		return dmReject(op, "%s got %d operands", op.Name, len(in))
	}
	for i, v := range in {
		if v.T == nil {
			return dmReject(op, "operand %d of %s is not a tensor", i, op.Name)
		}
	}
	return nil
}

// dmResultType returns result i's tensor type.
func dmResultType(op *ir.Op, i int) (*ir.TensorType, error) {
	if i >= len(op.Results) {
		return nil, dmReject(op, "%s has %d results, want at least %d", op.Name, len(op.Results), i+1)
	}
	tt, ok := op.Results[i].Type.(*ir.TensorType)
	if !ok {
		return nil, dmReject(op, "result %d of %s is not a tensor", i, op.Name)
	}
	return tt, nil
}

// dmStaticResultShape returns result i's shape, which must be fully static.
func dmStaticResultShape(op *ir.Op, i int) (*ir.TensorType, []int64, error) {
	tt, err := dmResultType(op, i)
	if err != nil {
		return nil, nil, err
	}
	if !tt.IsStatic() {
		return nil, nil, dmReject(op, "result type %s of %s must have a static shape", tt, op.Name)
	}
	if _, ok := tt.NumElements(); !ok {
		return nil, nil, dmReject(op, "result type %s of %s is too large", tt, op.Name)
	}
	return tt, tt.Shape, nil
}

// dmCheckResult checks that a computed result shape and element type agree
// with result i's type (dynamic dimensions of the type match anything). A
// shape that disagrees comes from run-time shapes (verification has checked
// the static ones): an InvalidInput error.
func dmCheckResult(op *ir.Op, i int, shape []int64, d tensor.DType) (*ir.TensorType, error) {
	tt, err := dmResultType(op, i)
	if err != nil {
		return nil, err
	}
	if tt.Elem.StorageDType() != d {
		return nil, dmReject(op, "result %d of %s has element type %s, want %s", i, op.Name, tt.Elem, d)
	}
	if len(tt.Shape) != len(shape) {
		return nil, dmReject(op, "%s computes a result of rank %d, but its type is %s", op.Name, len(shape), tt)
	}
	for k, s := range tt.Shape {
		if s >= 0 && s != shape[k] {
			return nil, dmBadValue(op, "%s computes a result of shape %v, but its type is %s", op.Name, shape, tt)
		}
	}
	return tt, nil
}

// dmIntsAttr reads a required integer-list attribute.
func dmIntsAttr(op *ir.Op, name string) ([]int64, error) {
	a := op.Attr(name)
	if a == nil {
		return nil, dmReject(op, "%s needs the attribute %s", op.Name, name)
	}
	v, ok := ir.Ints(a)
	if !ok {
		return nil, dmReject(op, "attribute %s of %s must be a list of integers", name, op.Name)
	}
	return v, nil
}

// dmIntsAttrOr reads an optional integer-list attribute; def when absent.
func dmIntsAttrOr(op *ir.Op, name string, def []int64) ([]int64, error) {
	if op.Attr(name) == nil {
		return def, nil
	}
	return dmIntsAttr(op, name)
}

// dmIntAttr reads a required integer attribute.
func dmIntAttr(op *ir.Op, name string) (int64, error) {
	v, ok := ir.Int(op.Attr(name))
	if !ok {
		return 0, dmReject(op, "%s needs the integer attribute %s", op.Name, name)
	}
	return v, nil
}

// dmRepeat returns n copies of v.
func dmRepeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// dmNumel is the element count of a shape known to be valid (a tensor's).
func dmNumel(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// dmShapeElems checks a computed shape: no negative dimension and an element
// count that fits (ir.ShapeElements' bound of 2^62).
func dmShapeElems(op *ir.Op, shape []int64, bad dmErrFunc) (int64, error) {
	for k, d := range shape {
		if d < 0 {
			return 0, bad(op, "%s computes dimension %d of its result as %d, which is negative", op.Name, k, d)
		}
	}
	n, ok := ir.ShapeElements(shape)
	if !ok {
		return 0, bad(op, "%s computes a result shape %v with too many elements", op.Name, shape)
	}
	return n, nil
}

// dmStrides returns the row-major strides (in elements) of shape.
func dmStrides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for k := len(shape) - 1; k >= 0; k-- {
		s[k] = acc
		acc *= shape[k]
	}
	return s
}

// dmNext advances idx to the next index of shape in row-major order. It
// returns false after the last index (idx is then all zeros again).
func dmNext(idx, shape []int64) bool {
	for k := len(idx) - 1; k >= 0; k-- {
		idx[k]++
		if idx[k] < shape[k] {
			return true
		}
		idx[k] = 0
	}
	return false
}

// dmOffset is the flat offset of idx under strides.
func dmOffset(idx, strides []int64) int64 {
	off := int64(0)
	for k, i := range idx {
		off += i * strides[k]
	}
	return off
}

// dmIsPerm reports whether p is a permutation of [0, n).
func dmIsPerm(p []int64, n int) bool {
	if len(p) != n {
		return false
	}
	seen := make([]bool, n)
	for _, v := range p {
		if v < 0 || v >= int64(n) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// dmDistinctIn reports whether every value of each list lies in [0, n) and no
// value appears twice across all lists.
func dmDistinctIn(n int, lists ...[]int64) bool {
	seen := make(map[int64]bool)
	for _, l := range lists {
		for _, v := range l {
			if v < 0 || v >= int64(n) || seen[v] {
				return false
			}
			seen[v] = true
		}
	}
	return true
}

// dmSorted reports whether l is strictly increasing.
func dmSorted(l []int64) bool {
	for i := 1; i < len(l); i++ {
		if l[i] <= l[i-1] {
			return false
		}
	}
	return true
}

func dmContains(l []int64, v int64) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// dmAdd and dmMul are overflow-checked int64 arithmetic.
func dmAdd(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

func dmSub(a, b int64) (int64, bool) {
	s := a - b
	if (b < 0 && s < a) || (b > 0 && s > a) {
		return 0, false
	}
	return s, true
}

func dmMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

// dmIsIndexType reports an integer element type usable for indices.
func dmIsIndexType(d tensor.DType) bool { return d.IsInteger() }

// dmIndexAt reads element i of an integer tensor as an index. Unsigned
// values above MaxInt64 saturate to MaxInt64, so that clamping and bounds
// checks treat them as the huge positive numbers they are.
func dmIndexAt(t *tensor.Tensor, i int64) int64 {
	if t.DType.IsUnsigned() {
		u := t.Uint64(i)
		if u > math.MaxInt64 {
			return math.MaxInt64
		}
		return int64(u)
	}
	return t.Int64(i)
}

// dmClamp clamps v into [lo, hi] (hi >= lo).
func dmClamp(v, lo, hi int64) int64 {
	return max(lo, min(v, hi))
}

// dmCopyElem copies element si of src to element di of dst (same dtype).
func dmCopyElem(dst *tensor.Tensor, di int64, src *tensor.Tensor, si int64) {
	sz := int64(src.DType.Size())
	copy(dst.Data[di*sz:di*sz+sz], src.Data[si*sz:si*sz+sz])
}

// dmBoxRange returns the smallest and largest flat offsets that
// base + Σ r[k]*step[k] takes over the non-empty box shape.
func dmBoxRange(base int64, step, shape []int64) (lo, hi int64) {
	lo, hi = base, base
	for k, s := range step {
		span := s * (shape[k] - 1)
		if span < 0 {
			lo += span
		} else {
			hi += span
		}
	}
	return lo, hi
}

// dmCopyBox copies, for every index r of the box shape (row-major order),
// src[srcBase + Σ r[k]*srcStep[k]] to dst[dstBase + Σ r[k]*dstStep[k]]. The
// two tensors have the same dtype. Both offset ranges are checked up front,
// so a bug in a caller gives an Internal error rather than a panic.
func dmCopyBox(c *Ctx, op *ir.Op, dst *tensor.Tensor, dstBase int64, dstStep []int64,
	src *tensor.Tensor, srcBase int64, srcStep []int64, shape []int64) error {
	n := dmNumel(shape)
	if n == 0 {
		return nil
	}
	if src.DType != dst.DType {
		return diag.New(diag.Internal, "internal.kernel", op.Pos, "%s copies %s elements into a %s tensor", op.Name, src.DType, dst.DType).WithOp(op.Name)
	}
	slo, shi := dmBoxRange(srcBase, srcStep, shape)
	dlo, dhi := dmBoxRange(dstBase, dstStep, shape)
	if slo < 0 || shi >= src.NumElements() || dlo < 0 || dhi >= dst.NumElements() {
		return diag.New(diag.Internal, "internal.kernel", op.Pos, "%s computed an element offset out of range", op.Name).WithOp(op.Name)
	}
	sz := int64(src.DType.Size())
	idx := make([]int64, len(shape))
	return c.Loop(n, func(int64) {
		so := srcBase + dmOffset(idx, srcStep)
		do := dstBase + dmOffset(idx, dstStep)
		copy(dst.Data[do*sz:do*sz+sz], src.Data[so*sz:so*sz+sz])
		dmNext(idx, shape)
	})
}

// dmFill sets every element of dst to the single element of scalar.
func dmFill(c *Ctx, dst, scalar *tensor.Tensor) error {
	sz := int64(dst.DType.Size())
	if scalar.DType != dst.DType || int64(len(scalar.Data)) != sz {
		return diag.New(diag.Internal, "internal.kernel", diag.Pos{}, "fill value is a %s%v, not one %s", scalar.DType, scalar.Shape, dst.DType)
	}
	return c.Loop(dst.NumElements(), func(i int64) { copy(dst.Data[i*sz:i*sz+sz], scalar.Data) })
}

// dmResult returns out as the kernel's single result when err is nil, and
// otherwise frees it and returns err.
func dmResult(c *Ctx, out *tensor.Tensor, err error) ([]Val, error) {
	if err != nil {
		c.Free(out)
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// ---------------------------------------------------------------------------
// Kernels.

func dmBroadcastInDim(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	_, shape, err := dmStaticResultShape(op, 0)
	if err != nil {
		return nil, err
	}
	dims, err := dmIntsAttr(op, "broadcast_dimensions")
	if err != nil {
		return nil, err
	}
	return dmBroadcast(c, op, in[0].T, shape, dims, dmReject)
}

// dmBroadcast implements broadcast_in_dim into a result of the given shape.
func dmBroadcast(c *Ctx, op *ir.Op, x *tensor.Tensor, shape, dims []int64, bad dmErrFunc) ([]Val, error) {
	if len(dims) != len(x.Shape) || !dmDistinctIn(len(shape), dims) {
		return nil, dmReject(op, "broadcast_dimensions %v do not fit operand rank %d and result rank %d", dims, len(x.Shape), len(shape))
	}
	if _, err := dmShapeElems(op, shape, bad); err != nil {
		return nil, err
	}
	for d, rd := range dims {
		if x.Shape[d] != 1 && x.Shape[d] != shape[rd] {
			return nil, dmBadValue(op, "operand dimension %d has size %d, which cannot broadcast to result dimension %d of size %d", d, x.Shape[d], rd, shape[rd])
		}
	}
	if _, err := dmCheckResult(op, 0, shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	srcStep := make([]int64, len(shape))
	xs := dmStrides(x.Shape)
	for d, rd := range dims {
		if x.Shape[d] != 1 {
			srcStep[rd] = xs[d]
		}
	}
	return dmResult(c, out, dmCopyBox(c, op, out, 0, dmStrides(shape), x, 0, srcStep, shape))
}

func dmReshape(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	_, shape, err := dmStaticResultShape(op, 0)
	if err != nil {
		return nil, err
	}
	return dmReshapeTo(c, op, in[0].T, shape, dmReject)
}

// dmReshapeTo copies x's elements, in order, into a tensor of shape.
func dmReshapeTo(c *Ctx, op *ir.Op, x *tensor.Tensor, shape []int64, bad dmErrFunc) ([]Val, error) {
	n, err := dmShapeElems(op, shape, bad)
	if err != nil {
		return nil, err
	}
	if n != x.NumElements() {
		return nil, dmBadValue(op, "cannot reshape %d elements (shape %v) into shape %v", x.NumElements(), x.Shape, shape)
	}
	if _, err := dmCheckResult(op, 0, shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	copy(out.Data, x.Data)
	return dmResult(c, out, c.Work(n))
}

func dmTranspose(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	x := in[0].T
	perm, err := dmIntsAttr(op, "permutation")
	if err != nil {
		return nil, err
	}
	if !dmIsPerm(perm, len(x.Shape)) {
		return nil, dmReject(op, "permutation %v is not a permutation of the %d operand dimensions", perm, len(x.Shape))
	}
	shape := make([]int64, len(perm))
	srcStep := make([]int64, len(perm))
	xs := dmStrides(x.Shape)
	for d, p := range perm {
		shape[d] = x.Shape[p]
		srcStep[d] = xs[p]
	}
	if _, err := dmCheckResult(op, 0, shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	return dmResult(c, out, dmCopyBox(c, op, out, 0, dmStrides(shape), x, 0, srcStep, shape))
}

func dmSlice(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	start, err := dmIntsAttr(op, "start_indices")
	if err != nil {
		return nil, err
	}
	limit, err := dmIntsAttr(op, "limit_indices")
	if err != nil {
		return nil, err
	}
	strides, err := dmIntsAttrOr(op, "strides", dmRepeat(1, len(in[0].T.Shape)))
	if err != nil {
		return nil, err
	}
	return dmStridedSlice(c, op, in[0].T, start, limit, strides, dmReject)
}

// dmStridedSlice implements slice (and real_dynamic_slice).
func dmStridedSlice(c *Ctx, op *ir.Op, x *tensor.Tensor, start, limit, strides []int64, bad dmErrFunc) ([]Val, error) {
	r := len(x.Shape)
	if len(start) != r || len(limit) != r || len(strides) != r {
		return nil, dmReject(op, "%s needs %d start, limit and stride values, got %d, %d and %d", op.Name, r, len(start), len(limit), len(strides))
	}
	shape := make([]int64, r)
	xs := dmStrides(x.Shape)
	base := int64(0)
	srcStep := make([]int64, r)
	for d := 0; d < r; d++ {
		if !(0 <= start[d] && start[d] <= limit[d]) || strides[d] <= 0 {
			return nil, bad(op, "dimension %d: start %d, limit %d and stride %d do not select a slice", d, start[d], limit[d], strides[d])
		}
		if limit[d] > x.Shape[d] {
			return nil, dmBadValue(op, "dimension %d: start %d, limit %d and stride %d do not select a slice of size %d", d, start[d], limit[d], strides[d], x.Shape[d])
		}
		span := limit[d] - start[d]
		shape[d] = span / strides[d]
		if span%strides[d] != 0 {
			shape[d]++
		}
		base += start[d] * xs[d]
		if shape[d] > 1 { // then strides[d]*(shape[d]-1) < span, so this cannot overflow
			srcStep[d] = strides[d] * xs[d]
		}
	}
	if _, err := dmCheckResult(op, 0, shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	return dmResult(c, out, dmCopyBox(c, op, out, 0, dmStrides(shape), x, base, srcStep, shape))
}

// dmStartIndices reads the scalar start-index operands in[first:] of
// dynamic_slice / dynamic_update_slice and clamps each into
// [0, dim - size].
func dmStartIndices(op *ir.Op, in []Val, first int, dims, sizes []int64) ([]int64, error) {
	if len(in)-first != len(dims) {
		return nil, dmReject(op, "%s needs %d start indices, got %d", op.Name, len(dims), len(in)-first)
	}
	out := make([]int64, len(dims))
	for d := range dims {
		t := in[first+d].T
		if len(t.Shape) != 0 || !dmIsIndexType(t.DType) {
			return nil, dmReject(op, "start index %d of %s must be an integer scalar, got %s%v", d, op.Name, t.DType, t.Shape)
		}
		out[d] = dmClamp(dmIndexAt(t, 0), 0, dims[d]-sizes[d])
	}
	return out, nil
}

func dmDynamicSlice(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -1); err != nil {
		return nil, err
	}
	x := in[0].T
	sizes, err := dmIntsAttr(op, "slice_sizes")
	if err != nil {
		return nil, err
	}
	if len(sizes) != len(x.Shape) {
		return nil, dmReject(op, "slice_sizes %v do not match operand rank %d", sizes, len(x.Shape))
	}
	for d, s := range sizes {
		if s < 0 {
			return nil, dmReject(op, "slice size %d of dimension %d is negative", s, d)
		}
		if s > x.Shape[d] {
			return nil, dmBadValue(op, "slice size %d of dimension %d is larger than the operand's %d", s, d, x.Shape[d])
		}
	}
	start, err := dmStartIndices(op, in, 1, x.Shape, sizes)
	if err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, sizes, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, sizes)
	if err != nil {
		return nil, err
	}
	xs := dmStrides(x.Shape)
	return dmResult(c, out, dmCopyBox(c, op, out, 0, dmStrides(sizes), x, dmOffset(start, xs), xs, sizes))
}

func dmDynamicUpdateSlice(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -2); err != nil {
		return nil, err
	}
	x, upd := in[0].T, in[1].T
	if upd.DType != x.DType || len(upd.Shape) != len(x.Shape) {
		return nil, dmReject(op, "update %s%v does not match operand %s%v", upd.DType, upd.Shape, x.DType, x.Shape)
	}
	for d := range x.Shape {
		if upd.Shape[d] > x.Shape[d] {
			return nil, dmBadValue(op, "update dimension %d has size %d, larger than the operand's %d", d, upd.Shape[d], x.Shape[d])
		}
	}
	start, err := dmStartIndices(op, in, 2, x.Shape, upd.Shape)
	if err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, x.Shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewLike(x)
	if err != nil {
		return nil, err
	}
	copy(out.Data, x.Data)
	if err := c.Work(x.NumElements()); err != nil {
		return dmResult(c, out, err)
	}
	xs := dmStrides(x.Shape)
	return dmResult(c, out, dmCopyBox(c, op, out, dmOffset(start, xs), xs, upd, 0, dmStrides(upd.Shape), upd.Shape))
}

func dmConcatenate(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -1); err != nil {
		return nil, err
	}
	dim, err := dmIntAttr(op, "dimension")
	if err != nil {
		return nil, err
	}
	first := in[0].T
	r := len(first.Shape)
	if dim < 0 || dim >= int64(r) {
		return nil, dmReject(op, "dimension %d is out of range for rank %d", dim, r)
	}
	shape := append([]int64(nil), first.Shape...)
	shape[dim] = 0
	for i, v := range in {
		t := v.T
		if t.DType != first.DType || len(t.Shape) != r {
			return nil, dmReject(op, "input %d (%s%v) does not match input 0 (%s%v)", i, t.DType, t.Shape, first.DType, first.Shape)
		}
		for d := range t.Shape {
			if int64(d) != dim && t.Shape[d] != first.Shape[d] {
				return nil, dmBadValue(op, "input %d has shape %v, which differs from input 0's %v outside dimension %d", i, t.Shape, first.Shape, dim)
			}
		}
		var ok bool
		if shape[dim], ok = dmAdd(shape[dim], t.Shape[dim]); !ok {
			return nil, dmBadValue(op, "the concatenated dimension is too large")
		}
	}
	if _, err := dmShapeElems(op, shape, dmBadValue); err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, shape, first.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(first.DType, shape)
	if err != nil {
		return nil, err
	}
	os := dmStrides(shape)
	at := int64(0)
	for _, v := range in {
		t := v.T
		if err := dmCopyBox(c, op, out, at*os[dim], os, t, 0, dmStrides(t.Shape), t.Shape); err != nil {
			return dmResult(c, out, err)
		}
		at += t.Shape[dim]
	}
	return dmResult(c, out, nil)
}

func dmPadKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 2); err != nil {
		return nil, err
	}
	low, err := dmIntsAttr(op, "edge_padding_low")
	if err != nil {
		return nil, err
	}
	high, err := dmIntsAttr(op, "edge_padding_high")
	if err != nil {
		return nil, err
	}
	interior, err := dmIntsAttr(op, "interior_padding")
	if err != nil {
		return nil, err
	}
	return dmPad(c, op, in[0].T, in[1].T, low, high, interior, dmReject)
}

// dmPad implements pad: result[low + i*(interior+1)] = operand[i] where that
// lies inside the result, padding_value everywhere else. Negative edge
// padding removes elements.
func dmPad(c *Ctx, op *ir.Op, x, pv *tensor.Tensor, low, high, interior []int64, bad dmErrFunc) ([]Val, error) {
	r := len(x.Shape)
	if len(low) != r || len(high) != r || len(interior) != r {
		return nil, dmReject(op, "%s needs %d low, high and interior paddings, got %d, %d and %d", op.Name, r, len(low), len(high), len(interior))
	}
	if len(pv.Shape) != 0 || pv.DType != x.DType {
		return nil, dmReject(op, "padding value must be a %s scalar, got %s%v", x.DType, pv.DType, pv.Shape)
	}
	// Result size per dimension: low + n + max(n-1, 0)*interior + high,
	// summed in this order with overflow checks. Because the partial sums
	// low + i*(interior+1) for 0 <= i < n lie between the first two partial
	// sums, none of the positions computed below can overflow either.
	shape := make([]int64, r)
	for d := 0; d < r; d++ {
		n := x.Shape[d]
		if interior[d] < 0 {
			return nil, bad(op, "interior padding %d of dimension %d is negative", interior[d], d)
		}
		mid, ok1 := dmMul(max(n-1, 0), interior[d])
		s, ok2 := dmAdd(low[d], n)
		s, ok3 := dmAdd(s, mid)
		s, ok4 := dmAdd(s, high[d])
		if !(ok1 && ok2 && ok3 && ok4) {
			return nil, bad(op, "padding of dimension %d overflows", d)
		}
		if s < 0 {
			return nil, dmBadValue(op, "padding makes dimension %d negative (%d)", d, s)
		}
		shape[d] = s
	}
	if _, err := dmShapeElems(op, shape, bad); err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	if err := dmFill(c, out, pv); err != nil {
		return dmResult(c, out, err)
	}
	// The operand indices that land inside the result form one interval
	// [lo, hi) per dimension, because the position low + i*(interior+1)
	// grows with i.
	box := make([]int64, r)
	os := dmStrides(shape)
	xs := dmStrides(x.Shape)
	srcBase, dstBase := int64(0), int64(0)
	dstStep := make([]int64, r)
	for d := 0; d < r; d++ {
		lo, hi, first, step := dmPadInterval(low[d], interior[d], x.Shape[d], shape[d])
		if lo >= hi {
			return []Val{{T: out}}, nil // nothing of the operand survives
		}
		box[d] = hi - lo
		srcBase += lo * xs[d]
		dstBase += first * os[d]
		if box[d] > 1 { // then step*(box-1) < shape[d]: no overflow
			dstStep[d] = step * os[d]
		}
	}
	return dmResult(c, out, dmCopyBox(c, op, out, dstBase, dstStep, x, srcBase, xs, box))
}

func dmIota(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 0); err != nil {
		return nil, err
	}
	tt, shape, err := dmStaticResultShape(op, 0)
	if err != nil {
		return nil, err
	}
	dim, err := dmIntAttr(op, "iota_dimension")
	if err != nil {
		return nil, err
	}
	return dmIotaInto(c, op, tt, shape, dim, dmReject)
}

// dmIotaInto fills a tensor of result type tt and the given shape with the
// index along dim, converted to the element type (quantized for quantized
// types).
func dmIotaInto(c *Ctx, op *ir.Op, tt *ir.TensorType, shape []int64, dim int64, bad dmErrFunc) ([]Val, error) {
	if dim < 0 || dim >= int64(len(shape)) {
		return nil, dmReject(op, "iota_dimension %d is out of range for rank %d", dim, len(shape))
	}
	if _, err := dmShapeElems(op, shape, bad); err != nil {
		return nil, err
	}
	d := tt.Elem.StorageDType()
	if _, err := dmCheckResult(op, 0, shape, d); err != nil {
		return nil, err
	}
	q := tt.Elem.Quant
	if q != nil && (len(q.Scales) == 0 || len(q.Scales) != len(q.ZeroPoints) ||
		(q.Axis >= 0 && (q.Axis >= len(shape) || int64(len(q.Scales)) != shape[q.Axis]))) {
		return nil, dmReject(op, "quantized result type %s does not fit the result shape", tt)
	}
	out, err := c.NewTensor(d, shape)
	if err != nil {
		return nil, err
	}
	idx := make([]int64, len(shape))
	err = c.Loop(out.NumElements(), func(i int64) {
		v := idx[dim]
		if q == nil {
			out.SetInt64(i, v)
		} else {
			k := 0
			if q.Axis >= 0 {
				k = int(idx[q.Axis])
			}
			out.SetInt64(i, dmQuantize(q, k, float64(v)))
		}
		dmNext(idx, shape)
	})
	return dmResult(c, out, err)
}

// dmPadInterval returns, for one dimension of pad, the operand indices
// [lo, hi) whose positions low + i*(interior+1) lie in [0, size), the
// position of lo, and the step interior+1 (meaningful when hi-lo > 1). The
// arithmetic is exact (math/big): attribute values may be near the int64
// limits.
func dmPadInterval(low, interior, n, size int64) (lo, hi, first, step int64) {
	bLow, bStep := big.NewInt(low), big.NewInt(interior)
	bStep.Add(bStep, big.NewInt(1))
	// lo = max(0, ceil(-low/step))
	bLo := big.NewInt(0)
	if low < 0 {
		bLo.Neg(bLow)
		dmCeilDiv(bLo, bStep)
	}
	// hi = min(n, ceil((size-low)/step)), or 0 when size-low <= 0
	bHi := big.NewInt(size)
	bHi.Sub(bHi, bLow)
	if bHi.Sign() <= 0 {
		return 0, 0, 0, 0
	}
	dmCeilDiv(bHi, bStep)
	if bHi.Cmp(big.NewInt(n)) > 0 {
		bHi.SetInt64(n)
	}
	if bLo.Cmp(bHi) >= 0 {
		return 0, 0, 0, 0
	}
	bFirst := new(big.Int).Mul(bLo, bStep)
	bFirst.Add(bFirst, bLow)
	step = 0
	if bStep.IsInt64() {
		step = bStep.Int64()
	}
	return bLo.Int64(), bHi.Int64(), bFirst.Int64(), step
}

// dmCeilDiv sets a to ceil(a/b) for a >= 0, b > 0.
func dmCeilDiv(a, b *big.Int) {
	a.Add(a, b)
	a.Sub(a, big.NewInt(1))
	a.Quo(a, b)
}

// dmQuantize is the spec's quantize for one value with the scale and zero
// point at position k: clamp(x/scale + zp, min, max) rounded to nearest even,
// in the expressed type's precision (f32 arithmetic for f32).
func dmQuantize(q *ir.Quant, k int, x float64) int64 {
	scale, zp := q.Scales[k], float64(q.ZeroPoints[k])
	lo, hi := float64(q.StorageMin), float64(q.StorageMax)
	var v float64
	if q.Expressed == tensor.F32 {
		v = float64(float32(x)/float32(scale) + float32(zp))
		v = float64(min(max(float32(v), float32(lo)), float32(hi)))
	} else {
		v = min(max(x/scale+zp, lo), hi)
	}
	return int64(math.RoundToEven(v))
}

func dmReverse(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	x := in[0].T
	dims, err := dmIntsAttr(op, "dimensions")
	if err != nil {
		return nil, err
	}
	if !dmDistinctIn(len(x.Shape), dims) {
		return nil, dmReject(op, "dimensions %v are not distinct dimensions of rank %d", dims, len(x.Shape))
	}
	if _, err := dmCheckResult(op, 0, x.Shape, x.DType); err != nil {
		return nil, err
	}
	out, err := c.NewLike(x)
	if err != nil {
		return nil, err
	}
	if x.NumElements() == 0 {
		return []Val{{T: out}}, nil
	}
	xs := dmStrides(x.Shape)
	srcStep := append([]int64(nil), xs...)
	base := int64(0)
	for _, d := range dims {
		base += (x.Shape[d] - 1) * xs[d]
		srcStep[d] = -xs[d]
	}
	return dmResult(c, out, dmCopyBox(c, op, out, 0, xs, x, base, srcStep, x.Shape))
}

func dmGetDimensionSize(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	x := in[0].T
	dim, err := dmIntAttr(op, "dimension")
	if err != nil {
		return nil, err
	}
	if dim < 0 || dim >= int64(len(x.Shape)) {
		return nil, dmReject(op, "dimension %d is out of range for rank %d", dim, len(x.Shape))
	}
	tt, err := dmResultType(op, 0)
	if err != nil {
		return nil, err
	}
	d := tt.Elem.StorageDType()
	if len(tt.Shape) != 0 || !(d.IsInteger()) {
		return nil, dmReject(op, "result of %s must be an integer scalar, got %s", op.Name, tt)
	}
	out, err := c.NewTensor(d, nil)
	if err != nil {
		return nil, err
	}
	out.SetInt64(0, x.Shape[dim])
	return []Val{{T: out}}, nil
}

// dmSetDimensionSize implements set_dimension_size for a static executor:
// the result holds the first size elements of the operand along dimension
// (size must lie in [0, dim]); with size equal to the dimension it is a
// copy.
func dmSetDimensionSize(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 2); err != nil {
		return nil, err
	}
	x, st := in[0].T, in[1].T
	dim, err := dmIntAttr(op, "dimension")
	if err != nil {
		return nil, err
	}
	if dim < 0 || dim >= int64(len(x.Shape)) {
		return nil, dmReject(op, "dimension %d is out of range for rank %d", dim, len(x.Shape))
	}
	if len(st.Shape) != 0 || !dmIsIndexType(st.DType) {
		return nil, dmReject(op, "size operand must be an integer scalar, got %s%v", st.DType, st.Shape)
	}
	size := dmIndexAt(st, 0)
	if size < 0 || size > x.Shape[dim] {
		return nil, dmBadValue(op, "size %d is outside [0, %d] for dimension %d", size, x.Shape[dim], dim)
	}
	start := make([]int64, len(x.Shape))
	limit := append([]int64(nil), x.Shape...)
	limit[dim] = size
	return dmStridedSlice(c, op, x, start, limit, dmRepeat(1, len(x.Shape)), dmBadValue)
}
