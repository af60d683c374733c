package exec

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// gather and scatter, including batching dimensions. Both follow the spec's
// index formulas element by element: gather clamps each start index into
// the operand, scatter skips every update whose target index falls outside
// the inputs. Index values may be anything (int64 extremes, unsigned values
// above MaxInt64); all index arithmetic is overflow-checked.

func init() {
	register("stablehlo.gather", dmGatherKernel)
	register("stablehlo.scatter", dmScatter)
}

// dmDimNumbers reads the integer fields of a #stablehlo.gather / scatter
// attribute; absent fields are empty lists or 0.
type dmDimNumbers struct {
	op *ir.Op
	sa *ir.StructAttr
}

func dmReadDimNumbers(op *ir.Op, name string) (dmDimNumbers, error) {
	sa, ok := op.Attr(name).(*ir.StructAttr)
	if !ok {
		return dmDimNumbers{}, dmReject(op, "%s needs the attribute %s", op.Name, name)
	}
	return dmDimNumbers{op, sa}, nil
}

func (dn dmDimNumbers) list(field string) ([]int64, error) {
	a := dn.sa.Fields.Get(field)
	if a == nil {
		return nil, nil
	}
	v, ok := ir.Ints(a)
	if !ok {
		return nil, dmReject(dn.op, "field %s of %s must be a list of integers", field, dn.op.Name)
	}
	return v, nil
}

func (dn dmDimNumbers) int(field string) (int64, error) {
	a := dn.sa.Fields.Get(field)
	if a == nil {
		return 0, nil
	}
	v, ok := ir.Int(a)
	if !ok {
		if l, ok := ir.Ints(a); ok && len(l) == 1 {
			return l[0], nil
		}
		return 0, dmReject(dn.op, "field %s of %s must be an integer", field, dn.op.Name)
	}
	return v, nil
}

// dmLists reads several list fields at once.
func (dn dmDimNumbers) lists(fields ...string) ([][]int64, error) {
	out := make([][]int64, len(fields))
	for i, f := range fields {
		v, err := dn.list(f)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// dmComplement lists the values of [0, n) not in any of the lists, in
// increasing order.
func dmComplement(n int, lists ...[]int64) []int64 {
	var out []int64
	for d := int64(0); d < int64(n); d++ {
		in := false
		for _, l := range lists {
			if dmContains(l, d) {
				in = true
			}
		}
		if !in {
			out = append(out, d)
		}
	}
	return out
}

// dmIndexVector describes how a batch index (the indices tensor's index
// without index_vector_dim) and a position in the index vector address the
// indices tensor.
type dmIndexVector struct {
	t       *tensor.Tensor
	ivd     int // index_vector_dim; == rank when the vector is implicit
	strides []int64
	full    []int64 // scratch: index into t
}

func newDmIndexVector(t *tensor.Tensor, ivd int) *dmIndexVector {
	return &dmIndexVector{t: t, ivd: ivd, strides: dmStrides(t.Shape), full: make([]int64, len(t.Shape))}
}

// batchShape is the indices tensor's shape without index_vector_dim.
func (v *dmIndexVector) batchShape() []int64 {
	var s []int64
	for d, n := range v.t.Shape {
		if d != v.ivd {
			s = append(s, n)
		}
	}
	return s
}

// vectorLen is the number of components of one index vector.
func (v *dmIndexVector) vectorLen() int64 {
	if v.ivd < len(v.t.Shape) {
		return v.t.Shape[v.ivd]
	}
	return 1
}

// at reads component k of the index vector at batch index bi.
func (v *dmIndexVector) at(bi []int64, k int64) int64 {
	j := 0
	for d := range v.full {
		if d == v.ivd {
			v.full[d] = k
		} else {
			v.full[d] = bi[j]
			j++
		}
	}
	return dmIndexAt(v.t, dmOffset(v.full, v.strides))
}

// batchPos is the position, within a batch index, of dimension d of the
// indices tensor (d != index_vector_dim).
func (v *dmIndexVector) batchPos(d int64) int64 {
	if d < int64(v.ivd) {
		return d
	}
	return d - 1
}

// ---------------------------------------------------------------------------
// gather

func dmGatherKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 2); err != nil {
		return nil, err
	}
	sizes, err := dmIntsAttr(op, "slice_sizes")
	if err != nil {
		return nil, err
	}
	return dmGather(c, op, in[0].T, in[1].T, sizes, dmReject)
}

// dmGather implements gather (and dynamic_gather, whose slice sizes are
// values: bad reports those).
func dmGather(c *Ctx, op *ir.Op, x, indices *tensor.Tensor, sizes []int64, bad dmErrFunc) ([]Val, error) {
	dn, err := dmReadDimNumbers(op, "dimension_numbers")
	if err != nil {
		return nil, err
	}
	l, err := dn.lists("offset_dims", "collapsed_slice_dims", "operand_batching_dims", "start_indices_batching_dims", "start_index_map")
	if err != nil {
		return nil, err
	}
	offsetDims, collapsed, obd, sibd, sim := l[0], l[1], l[2], l[3], l[4]
	ivd64, err := dn.int("index_vector_dim")
	if err != nil {
		return nil, err
	}
	R, I := len(x.Shape), len(indices.Shape)
	if !dmIsIndexType(indices.DType) {
		return nil, dmReject(op, "start indices must have an integer type, got %s", indices.DType)
	}
	if ivd64 < 0 || ivd64 > int64(I) {
		return nil, dmReject(op, "index_vector_dim %d is out of range for start indices of rank %d", ivd64, I)
	}
	iv := newDmIndexVector(indices, int(ivd64))
	switch {
	case len(sizes) != R:
		return nil, dmReject(op, "slice_sizes %v do not match operand rank %d", sizes, R)
	case int64(len(sim)) != iv.vectorLen():
		return nil, dmReject(op, "start_index_map %v has %d entries, but an index vector has %d", sim, len(sim), iv.vectorLen())
	case !dmDistinctIn(R, collapsed, obd) || !dmDistinctIn(R, sim, obd):
		return nil, dmReject(op, "collapsed_slice_dims %v, operand_batching_dims %v and start_index_map %v must be distinct operand dimensions", collapsed, obd, sim)
	case len(offsetDims)+len(collapsed)+len(obd) != R:
		return nil, dmReject(op, "offset_dims, collapsed_slice_dims and operand_batching_dims do not add up to the operand rank %d", R)
	case !dmDistinctIn(I, sibd) || dmContains(sibd, ivd64) || len(sibd) != len(obd):
		return nil, dmReject(op, "start_indices_batching_dims %v do not match operand_batching_dims %v", sibd, obd)
	case !dmSorted(offsetDims):
		return nil, dmReject(op, "offset_dims %v must be sorted and distinct", offsetDims)
	}
	for i := range obd {
		if x.Shape[obd[i]] != indices.Shape[sibd[i]] {
			return nil, dmBadValue(op, "operand batching dimension %d (size %d) does not match start indices dimension %d (size %d)", obd[i], x.Shape[obd[i]], sibd[i], indices.Shape[sibd[i]])
		}
	}
	for d, s := range sizes {
		if s < 0 {
			return nil, bad(op, "slice size %d of dimension %d is negative", s, d)
		}
		if s > x.Shape[d] {
			return nil, dmBadValue(op, "slice size %d of dimension %d is larger than the operand's %d", s, d, x.Shape[d])
		}
		if (dmContains(collapsed, int64(d)) || dmContains(obd, int64(d))) && s > 1 {
			return nil, bad(op, "slice size %d of collapsed or batching dimension %d must be at most 1", s, d)
		}
	}
	// The result: batch dimensions (the indices' dimensions without
	// index_vector_dim) at the axes not in offset_dims, and the slice sizes
	// of the remaining operand dimensions at offset_dims.
	batchShape := iv.batchShape()
	windowDims := dmComplement(R, collapsed, obd) // operand dims that offset_dims address
	rank := len(batchShape) + len(offsetDims)
	if len(offsetDims) > 0 && (offsetDims[0] < 0 || offsetDims[len(offsetDims)-1] >= int64(rank)) {
		return nil, dmReject(op, "offset_dims %v are out of range for result rank %d", offsetDims, rank)
	}
	batchDims := dmComplement(rank, offsetDims)
	shape := make([]int64, rank)
	for j, d := range batchDims {
		shape[d] = batchShape[j]
	}
	for j, d := range offsetDims {
		shape[d] = sizes[windowDims[j]]
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
	xs := dmStrides(x.Shape)
	ri := make([]int64, rank)
	bi := make([]int64, len(batchDims))
	full := make([]int64, R)
	failed := false
	err = c.Loop(out.NumElements(), func(o int64) {
		if failed {
			return
		}
		for j, d := range batchDims {
			bi[j] = ri[d]
		}
		for d := range full {
			full[d] = 0
		}
		for k, d := range sim { // clamped start index
			full[d] = dmClamp(iv.at(bi, int64(k)), 0, x.Shape[d]-sizes[d])
		}
		for i, d := range obd { // batching index
			full[d] += bi[iv.batchPos(sibd[i])]
		}
		for j, d := range offsetDims { // offset within the slice
			full[windowDims[j]] += ri[d]
		}
		for d, v := range full {
			if v < 0 || v >= x.Shape[d] {
				failed = true // only a zero-size collapsed dimension gets here
				return
			}
		}
		dmCopyElem(out, o, x, dmOffset(full, xs))
		dmNext(ri, shape)
	})
	if err == nil && failed {
		err = bad(op, "%s reads outside the operand: a collapsed or batching dimension has slice size 0", op.Name)
	}
	return dmResult(c, out, err)
}

// ---------------------------------------------------------------------------
// scatter

func dmScatter(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -3); err != nil {
		return nil, err
	}
	if len(in)%2 != 1 {
		return nil, dmReject(op, "scatter needs inputs, scatter indices and as many updates as inputs; got %d operands", len(in))
	}
	n := (len(in) - 1) / 2
	inputs, indices, updates := in[:n], in[n].T, in[n+1:]
	x, u := inputs[0].T, updates[0].T
	for i := 0; i < n; i++ {
		if !dmSameShape(inputs[i].T.Shape, x.Shape) || !dmSameShape(updates[i].T.Shape, u.Shape) {
			return nil, dmBadValue(op, "inputs must all have one shape, and updates another")
		}
		if updates[i].T.DType != inputs[i].T.DType {
			return nil, dmReject(op, "update %d has element type %s, input %d has %s", i, updates[i].T.DType, i, inputs[i].T.DType)
		}
	}
	dn, err := dmReadDimNumbers(op, "scatter_dimension_numbers")
	if err != nil {
		return nil, err
	}
	l, err := dn.lists("update_window_dims", "inserted_window_dims", "input_batching_dims", "scatter_indices_batching_dims", "scatter_dims_to_operand_dims")
	if err != nil {
		return nil, err
	}
	uwd, iwd, ibd, sibd, sdod := l[0], l[1], l[2], l[3], l[4]
	ivd64, err := dn.int("index_vector_dim")
	if err != nil {
		return nil, err
	}
	R, U, I := len(x.Shape), len(u.Shape), len(indices.Shape)
	if !dmIsIndexType(indices.DType) {
		return nil, dmReject(op, "scatter indices must have an integer type, got %s", indices.DType)
	}
	if ivd64 < 0 || ivd64 > int64(I) {
		return nil, dmReject(op, "index_vector_dim %d is out of range for scatter indices of rank %d", ivd64, I)
	}
	iv := newDmIndexVector(indices, int(ivd64))
	switch {
	case !dmSorted(uwd) || !dmDistinctIn(U, uwd):
		return nil, dmReject(op, "update_window_dims %v must be sorted, distinct dimensions of the updates", uwd)
	case !dmDistinctIn(R, iwd, ibd) || !dmDistinctIn(R, sdod, ibd):
		return nil, dmReject(op, "inserted_window_dims %v, input_batching_dims %v and scatter_dims_to_operand_dims %v must be distinct input dimensions", iwd, ibd, sdod)
	case len(uwd)+len(iwd)+len(ibd) != R:
		return nil, dmReject(op, "update_window_dims, inserted_window_dims and input_batching_dims do not add up to the input rank %d", R)
	case !dmDistinctIn(I, sibd) || dmContains(sibd, ivd64) || len(sibd) != len(ibd):
		return nil, dmReject(op, "scatter_indices_batching_dims %v do not match input_batching_dims %v", sibd, ibd)
	case int64(len(sdod)) != iv.vectorLen():
		return nil, dmReject(op, "scatter_dims_to_operand_dims %v has %d entries, but an index vector has %d", sdod, len(sdod), iv.vectorLen())
	}
	for i := range ibd {
		if x.Shape[ibd[i]] != indices.Shape[sibd[i]] {
			return nil, dmBadValue(op, "input batching dimension %d (size %d) does not match scatter indices dimension %d (size %d)", ibd[i], x.Shape[ibd[i]], sibd[i], indices.Shape[sibd[i]])
		}
	}
	// Shape of the updates: the indices' batch shape at the update scatter
	// dims, window sizes no larger than the input at update_window_dims.
	scatterDims := dmComplement(U, uwd)
	windowDims := dmComplement(R, iwd, ibd) // input dims that update_window_dims address
	batchShape := iv.batchShape()
	if len(scatterDims) != len(batchShape) {
		return nil, dmReject(op, "updates of rank %d do not fit scatter indices %v with index_vector_dim %d", U, indices.Shape, ivd64)
	}
	for j, d := range scatterDims {
		if u.Shape[d] != batchShape[j] {
			return nil, dmBadValue(op, "updates of shape %v do not match the scatter indices' batch shape %v", u.Shape, batchShape)
		}
	}
	for j, d := range uwd {
		if u.Shape[d] > x.Shape[windowDims[j]] {
			return nil, dmBadValue(op, "update window dimension %d (size %d) is larger than input dimension %d (size %d)", d, u.Shape[d], windowDims[j], x.Shape[windowDims[j]])
		}
	}
	rd, err := dmResultDTypes(op, n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if _, err := dmCheckResult(op, i, x.Shape, rd[i]); err != nil {
			return nil, err
		}
	}
	sources := make([]ir.Type, 0, 2*n)
	for i := 0; i < n; i++ {
		sources = append(sources, op.Results[i].Type)
	}
	for i := 0; i < n; i++ {
		sources = append(sources, op.Operands[n+1+i].Type)
	}
	body, err := dmNewRegion(c, op, 0, 2*n, rd, sources)
	if err != nil {
		return nil, err
	}
	defer body.release()
	results := make([]*tensor.Tensor, n)
	ok := false
	defer func() {
		if !ok {
			dmReleaseTensors(c, results)
		}
	}()
	for i := range results {
		if results[i], err = dmNewOwned(c, rd[i], x.Shape); err != nil {
			return nil, err
		}
		r, src := results[i], inputs[i].T
		if err := c.Loop(r.NumElements(), func(k int64) { dmConvertElem(r, k, src, k) }); err != nil {
			return nil, err
		}
	}
	// For every update index, in row-major order: the target index is
	// start + batching + window; out-of-bounds targets are skipped.
	xs := dmStrides(x.Shape)
	ui := make([]int64, U)
	bi := make([]int64, len(scatterDims))
	full := make([]int64, R)
	at := make([]int64, n)
	total := u.NumElements()
	for k := int64(0); k < total; k++ {
		for j, d := range scatterDims {
			bi[j] = ui[d]
		}
		for d := range full {
			full[d] = 0
		}
		for j, d := range sdod {
			full[d] = iv.at(bi, int64(j))
		}
		for i, d := range ibd {
			full[d] = bi[iv.batchPos(sibd[i])]
		}
		inBounds := true
		for j, d := range uwd {
			v, fits := dmAdd(full[windowDims[j]], ui[d])
			full[windowDims[j]] = v
			inBounds = inBounds && fits
		}
		for d, v := range full {
			inBounds = inBounds && v >= 0 && v < x.Shape[d]
		}
		if inBounds {
			o := dmOffset(full, xs)
			for i := 0; i < n; i++ {
				dmConvertElem(body.args[i], 0, results[i], o)
				dmConvertElem(body.args[n+i], 0, updates[i].T, k)
				at[i] = o
			}
			if err := body.callInto(results, at); err != nil {
				return nil, err
			}
		}
		if err := c.Work(1); err != nil {
			return nil, err
		}
		dmNext(ui, u.Shape)
	}
	ok = true
	return dmVals(results), nil
}

func dmSameShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
