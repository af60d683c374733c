package exec

import (
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Region reductions: reduce, reduce_window, select_and_scatter and map, plus
// the helpers that run a region on rank-0 tensors (shared with scatter and
// sort).
//
// Ownership while a region runs: the ops inside a region run through
// runOp, which frees every tensor still pending (allocated and not yet
// adopted) when it finishes. A kernel that runs regions therefore adopts
// each tensor it allocates (dmOwn) before the first region call, returns
// those tensors with that one reference, and releases them on error paths.

func init() {
	register("stablehlo.reduce", dmReduceKernel)
	register("stablehlo.reduce_window", dmReduceWindow)
	register("stablehlo.select_and_scatter", dmSelectAndScatter)
	register("stablehlo.map", dmMap)
}

// dmOwn turns a tensor the running kernel allocated into one that carries a
// reference (see above).
func dmOwn(c *Ctx, t *tensor.Tensor) { c.adopt(Val{T: t}) }

// dmNewOwned allocates a zeroed tensor and owns it.
func dmNewOwned(c *Ctx, d tensor.DType, shape []int64) (*tensor.Tensor, error) {
	t, err := c.NewTensor(d, shape)
	if err != nil {
		return nil, err
	}
	dmOwn(c, t)
	return t, nil
}

// dmReleaseTensors drops the reference of each owned tensor.
func dmReleaseTensors(c *Ctx, ts []*tensor.Tensor) {
	for _, t := range ts {
		if t != nil {
			c.Release(Val{T: t})
		}
	}
}

// dmVals wraps tensors as values.
func dmVals(ts []*tensor.Tensor) []Val {
	out := make([]Val, len(ts))
	for i, t := range ts {
		out[i] = Val{T: t}
	}
	return out
}

// dmConvertElem stores element si of src into element di of dst, converting
// between non-quantized element types like convert does (the spec's
// to_destination_type for promotable types). Equal types copy raw bytes.
func dmConvertElem(dst *tensor.Tensor, di int64, src *tensor.Tensor, si int64) {
	sd, dd := src.DType, dst.DType
	switch {
	case sd == dd:
		dmCopyElem(dst, di, src, si)
	case dd.IsComplex():
		dst.SetComplex128(di, src.Complex128(si))
	case dd.IsFloat():
		switch {
		case sd.IsSigned() || sd.IsBool():
			dst.SetInt64(di, src.Int64(si))
		case sd.IsUnsigned():
			dst.SetUint64(di, src.Uint64(si))
		default:
			dst.SetFloat64(di, src.Float64(si))
		}
	case dd.IsBool():
		nz := int64(0)
		if sd.IsComplex() {
			if src.Complex128(si) != 0 {
				nz = 1
			}
		} else if sd.IsFloat() {
			if src.Float64(si) != 0 {
				nz = 1
			}
		} else if src.Uint64(si) != 0 {
			nz = 1
		}
		dst.SetInt64(di, nz)
	case dd.IsUnsigned():
		dst.SetUint64(di, src.Uint64(si))
	default:
		dst.SetInt64(di, src.Int64(si))
	}
}

// dmRegion runs one single-block region of op on rank-0 arguments held in
// owned scratch tensors (args), and checks its results.
type dmRegion struct {
	c    *Ctx
	op   *ir.Op
	r    *ir.Region
	args []*tensor.Tensor
	vals []Val
	want []tensor.DType // dtypes of the results
}

// dmNewRegion prepares region idx of op: every block argument must be a
// rank-0 tensor; want lists the dtypes the region must return. sources, when
// non-nil, gives for each argument the IR type of the value fed into it, to
// refuse conversions between different quantized types.
func dmNewRegion(c *Ctx, op *ir.Op, idx int, nargs int, want []tensor.DType, sources []ir.Type) (*dmRegion, error) {
	if idx >= len(op.Regions) || len(op.Regions[idx].Blocks) != 1 {
		return nil, dmReject(op, "%s needs region %d with one block", op.Name, idx)
	}
	r := op.Regions[idx]
	b := r.Blocks[0]
	if len(b.Args) != nargs {
		return nil, dmReject(op, "region %d of %s takes %d arguments, want %d", idx, op.Name, len(b.Args), nargs)
	}
	g := &dmRegion{c: c, op: op, r: r, want: want}
	for i, a := range b.Args {
		tt, ok := a.Type.(*ir.TensorType)
		if !ok || len(tt.Shape) != 0 {
			g.release()
			return nil, dmReject(op, "argument %d of region %d of %s must be a rank-0 tensor, got %s", i, idx, op.Name, a.Type)
		}
		if sources != nil && i < len(sources) {
			if st, ok := sources[i].(*ir.TensorType); ok && !st.Elem.Equal(tt.Elem) && (st.Elem.IsQuantized() || tt.Elem.IsQuantized()) {
				g.release()
				return nil, dmReject(op, "argument %d of region %d of %s has type %s, but receives %s elements; converting quantized elements is not supported", i, idx, op.Name, tt.Elem, st.Elem)
			}
		}
		t, err := dmNewOwned(c, tt.Elem.StorageDType(), nil)
		if err != nil {
			g.release()
			return nil, err
		}
		g.args = append(g.args, t)
	}
	g.vals = dmVals(g.args)
	return g, nil
}

func (g *dmRegion) release() {
	dmReleaseTensors(g.c, g.args)
	g.args = nil
}

// call runs the region on the current arguments. The caller releases the
// results (dmRegion.done) after reading them.
func (g *dmRegion) call() ([]Val, error) {
	res, err := g.c.RunRegion(g.r, g.vals)
	if err != nil {
		return nil, err
	}
	if len(res) != len(g.want) {
		g.done(res)
		return nil, dmReject(g.op, "the region of %s returns %d values, want %d", g.op.Name, len(res), len(g.want))
	}
	for i, v := range res {
		if v.T == nil || len(v.T.Shape) != 0 || v.T.DType != g.want[i] {
			g.done(res)
			return nil, dmReject(g.op, "value %d returned by the region of %s must be a %s scalar", i, g.op.Name, g.want[i])
		}
	}
	return res, nil
}

func (g *dmRegion) done(res []Val) { g.c.releaseAll(res) }

// callBool runs a region that returns one i1 and reports its value.
func (g *dmRegion) callBool() (bool, error) {
	res, err := g.call()
	if err != nil {
		return false, err
	}
	v := res[0].T.Data[0] != 0
	g.done(res)
	return v, nil
}

// callInto runs the region and stores result i into element at[i] of
// dst[i] (converting if dst[i] has another element type).
func (g *dmRegion) callInto(dst []*tensor.Tensor, at []int64) error {
	res, err := g.call()
	if err != nil {
		return err
	}
	for i, v := range res {
		dmConvertElem(dst[i], at[i], v.T, 0)
	}
	g.done(res)
	return nil
}

// dmResultDTypes returns the storage dtypes of op's first n results.
func dmResultDTypes(op *ir.Op, n int) ([]tensor.DType, error) {
	if len(op.Results) != n {
		return nil, dmReject(op, "%s has %d results, want %d", op.Name, len(op.Results), n)
	}
	out := make([]tensor.DType, n)
	for i := range out {
		tt, err := dmResultType(op, i)
		if err != nil {
			return nil, err
		}
		out[i] = tt.Elem.StorageDType()
	}
	return out, nil
}

// dmRegionSources lists the IR types fed into a reduction body: the
// accumulators (result types), then the inputs.
func dmRegionSources(op *ir.Op, n int) []ir.Type {
	src := make([]ir.Type, 0, 2*n)
	for i := 0; i < n; i++ {
		src = append(src, op.Results[i].Type)
	}
	for i := 0; i < n && i < len(op.Operands); i++ {
		src = append(src, op.Operands[i].Type)
	}
	return src
}

// dmSplitInputs checks a variadic (inputs..., init_values...) operand list
// and returns N.
func dmSplitInputs(op *ir.Op, in []Val) (int, error) {
	if err := dmTensors(op, in, -2); err != nil {
		return 0, err
	}
	if len(in)%2 != 0 {
		return 0, dmReject(op, "%s needs as many init values as inputs, got %d operands", op.Name, len(in))
	}
	n := len(in) / 2
	first := in[0].T
	for i := 0; i < n; i++ {
		t := in[i].T
		if len(t.Shape) != len(first.Shape) {
			return 0, dmReject(op, "input %d has rank %d, input 0 has %d", i, len(t.Shape), len(first.Shape))
		}
		for d := range t.Shape {
			if t.Shape[d] != first.Shape[d] {
				return 0, dmBadValue(op, "input %d has shape %v, input 0 has %v", i, t.Shape, first.Shape)
			}
		}
		if len(in[n+i].T.Shape) != 0 {
			return 0, dmReject(op, "init value %d must be a scalar, got shape %v", i, in[n+i].T.Shape)
		}
	}
	return n, nil
}

// ---------------------------------------------------------------------------
// reduce

func dmReduceKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	n, err := dmSplitInputs(op, in)
	if err != nil {
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
	var shape []int64
	for d, s := range x.Shape {
		if !dmContains(dims, int64(d)) {
			shape = append(shape, s)
		}
	}
	rd, err := dmResultDTypes(op, n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if _, err := dmCheckResult(op, i, shape, rd[i]); err != nil {
			return nil, err
		}
	}
	body, err := dmNewRegion(c, op, 0, 2*n, rd, dmRegionSources(op, n))
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
		if results[i], err = dmNewOwned(c, rd[i], shape); err != nil {
			return nil, err
		}
		init, r := in[n+i].T, results[i]
		if err := c.Loop(r.NumElements(), func(k int64) { dmConvertElem(r, k, init, 0) }); err != nil {
			return nil, err
		}
	}
	// Fold every input element, in row-major order, into the accumulator of
	// its result element: acc = body(acc..., x...).
	outStep := make([]int64, len(x.Shape))
	rs := dmStrides(shape)
	j := 0
	for d := range x.Shape {
		if !dmContains(dims, int64(d)) {
			outStep[d] = rs[j]
			j++
		}
	}
	idx := make([]int64, len(x.Shape))
	at := make([]int64, n)
	total := x.NumElements()
	for k := int64(0); k < total; k++ {
		o := dmOffset(idx, outStep)
		for i := 0; i < n; i++ {
			dmConvertElem(body.args[i], 0, results[i], o)
			dmConvertElem(body.args[n+i], 0, in[i].T, k)
			at[i] = o
		}
		if err := body.callInto(results, at); err != nil {
			return nil, err
		}
		if err := c.Work(1); err != nil {
			return nil, err
		}
		dmNext(idx, x.Shape)
	}
	ok = true
	return dmVals(results), nil
}

// ---------------------------------------------------------------------------
// reduce_window

// dmWindowAttrs reads the window attributes of reduce_window and
// select_and_scatter for an operand of rank r.
type dmWindow struct {
	dims, strides, baseDil, winDil, padLo, padHi []int64
}

func dmReadWindow(op *ir.Op, r int, dilations bool) (*dmWindow, error) {
	w := &dmWindow{}
	var err error
	if dilations { // reduce_window: required
		w.dims, err = dmIntsAttr(op, "window_dimensions")
	} else { // select_and_scatter: optional, ones by default
		w.dims, err = dmIntsAttrOr(op, "window_dimensions", dmRepeat(1, r))
	}
	if err != nil {
		return nil, err
	}
	if w.strides, err = dmIntsAttrOr(op, "window_strides", dmRepeat(1, r)); err != nil {
		return nil, err
	}
	w.baseDil, w.winDil = dmRepeat(1, r), dmRepeat(1, r)
	if dilations {
		if w.baseDil, err = dmIntsAttrOr(op, "base_dilations", w.baseDil); err != nil {
			return nil, err
		}
		if w.winDil, err = dmIntsAttrOr(op, "window_dilations", w.winDil); err != nil {
			return nil, err
		}
	}
	pad, err := dmIntsAttrOr(op, "padding", dmRepeat(0, 2*r))
	if err != nil {
		return nil, err
	}
	if len(w.dims) != r || len(w.strides) != r || len(w.baseDil) != r || len(w.winDil) != r || len(pad) != 2*r {
		return nil, dmReject(op, "the window attributes of %s do not match the operand rank %d", op.Name, r)
	}
	if e, ok := op.Attr("padding").(*ir.ElementsAttr); ok {
		if len(e.Type.Shape) != 2 || e.Type.Shape[0] != int64(r) || e.Type.Shape[1] != 2 {
			return nil, dmReject(op, "padding of %s must have shape [%d, 2]", op.Name, r)
		}
	}
	for d := 0; d < r; d++ {
		if w.dims[d] <= 0 || w.strides[d] <= 0 || w.baseDil[d] <= 0 || w.winDil[d] <= 0 {
			return nil, dmReject(op, "window dimensions, strides and dilations of %s must be positive", op.Name)
		}
		w.padLo = append(w.padLo, pad[2*d])
		w.padHi = append(w.padHi, pad[2*d+1])
	}
	return w, nil
}

// numWindows computes the result shape (C15 of reduce_window) for an input
// of the given shape, with overflow checks.
func (w *dmWindow) numWindows(op *ir.Op, shape []int64) ([]int64, error) {
	out := make([]int64, len(shape))
	for d, n := range shape {
		dilated := int64(0)
		if n > 0 {
			m, ok1 := dmMul(n-1, w.baseDil[d])
			s, ok2 := dmAdd(m, 1)
			if !ok1 || !ok2 {
				return nil, dmReject(op, "dimension %d of %s overflows", d, op.Name)
			}
			dilated = s
		}
		padded, ok1 := dmAdd(w.padLo[d], dilated)
		padded, ok2 := dmAdd(padded, w.padHi[d])
		win, ok3 := dmMul(w.dims[d]-1, w.winDil[d])
		win, ok4 := dmAdd(win, 1)
		if !(ok1 && ok2 && ok3 && ok4) {
			return nil, dmReject(op, "dimension %d of %s overflows", d, op.Name)
		}
		if padded <= 0 || win > padded {
			out[d] = 0
		} else {
			out[d] = (padded-win)/w.strides[d] + 1
		}
	}
	return out, nil
}

func dmReduceWindow(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	n, err := dmSplitInputs(op, in)
	if err != nil {
		return nil, err
	}
	x := in[0].T
	r := len(x.Shape)
	w, err := dmReadWindow(op, r, true)
	if err != nil {
		return nil, err
	}
	shape, err := w.numWindows(op, x.Shape)
	if err != nil {
		return nil, err
	}
	rd, err := dmResultDTypes(op, n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if _, err := dmCheckResult(op, i, shape, rd[i]); err != nil {
			return nil, err
		}
	}
	body, err := dmNewRegion(c, op, 0, 2*n, rd, dmRegionSources(op, n))
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
		if results[i], err = dmNewOwned(c, rd[i], shape); err != nil {
			return nil, err
		}
	}
	// results[ri] = reduce over the window of the padded, base-dilated
	// inputs (padding elements are the init values), folding in row-major
	// window order starting from the init values, like reduce.
	xs := dmStrides(x.Shape)
	ri := make([]int64, r)
	wi := make([]int64, r)
	at := make([]int64, n)
	nres := dmNumel(shape)
	nwin, err := dmWindowElems(op, w.dims)
	if err != nil {
		return nil, err
	}
	for o := int64(0); o < nres; o++ {
		for i := 0; i < n; i++ {
			dmConvertElem(results[i], o, in[n+i].T, 0)
			at[i] = o
		}
		for k := int64(0); k < nwin; k++ {
			src, inside := w.inputOffset(ri, wi, x.Shape, xs)
			for i := 0; i < n; i++ {
				dmConvertElem(body.args[i], 0, results[i], o)
				if inside {
					dmConvertElem(body.args[n+i], 0, in[i].T, src)
				} else {
					dmConvertElem(body.args[n+i], 0, in[n+i].T, 0)
				}
			}
			if err := body.callInto(results, at); err != nil {
				return nil, err
			}
			if err := c.Work(1); err != nil {
				return nil, err
			}
			dmNext(wi, w.dims)
		}
		dmNext(ri, shape)
	}
	ok = true
	return dmVals(results), nil
}

// inputOffset maps result index ri and window index wi to an element of the
// input: the position ri*stride + wi*window_dilation of the padded input
// minus the low padding is a position q of the base-dilated input, which is
// a real element (q/base_dilation) when 0 <= q < dilated size and q is a
// multiple of the base dilation; anything else is padding.
func (w *dmWindow) inputOffset(ri, wi, shape, strides []int64) (int64, bool) {
	off := int64(0)
	for d := range ri {
		p, ok1 := dmMul(ri[d], w.strides[d])
		q, ok2 := dmMul(wi[d], w.winDil[d])
		p, ok3 := dmAdd(p, q)
		p, ok4 := dmSub(p, w.padLo[d]) // overflow only upwards: beyond the input
		if !(ok1 && ok2 && ok3 && ok4) || p < 0 || p%w.baseDil[d] != 0 {
			return 0, false
		}
		i := p / w.baseDil[d]
		if i >= shape[d] {
			return 0, false
		}
		off += i * strides[d]
	}
	return off, true
}

// ---------------------------------------------------------------------------
// select_and_scatter

func dmSelectAndScatter(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 3); err != nil {
		return nil, err
	}
	x, src, init := in[0].T, in[1].T, in[2].T
	r := len(x.Shape)
	if src.DType != x.DType || len(init.Shape) != 0 || init.DType != x.DType {
		return nil, dmReject(op, "source %s and init value %s must have the operand's element type %s", src.DType, init.DType, x.DType)
	}
	w, err := dmReadWindow(op, r, false)
	if err != nil {
		return nil, err
	}
	want, err := w.numWindows(op, x.Shape)
	if err != nil {
		return nil, err
	}
	if len(src.Shape) != r {
		return nil, dmReject(op, "source has rank %d, operand %d", len(src.Shape), r)
	}
	for d := range want {
		if src.Shape[d] != want[d] {
			return nil, dmBadValue(op, "source has shape %v, but the windows of the operand form %v", src.Shape, want)
		}
	}
	rd, err := dmResultDTypes(op, 1)
	if err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, x.Shape, rd[0]); err != nil {
		return nil, err
	}
	sel, err := dmNewRegion(c, op, 0, 2, []tensor.DType{tensor.Bool}, []ir.Type{op.Operands[0].Type, op.Operands[0].Type})
	if err != nil {
		return nil, err
	}
	defer sel.release()
	scat, err := dmNewRegion(c, op, 1, 2, rd, []ir.Type{op.Results[0].Type, op.Operands[1].Type})
	if err != nil {
		return nil, err
	}
	defer scat.release()
	out, err := dmNewOwned(c, rd[0], x.Shape)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			dmReleaseTensors(c, []*tensor.Tensor{out})
		}
	}()
	if err := c.Loop(out.NumElements(), func(k int64) { dmConvertElem(out, k, init, 0) }); err != nil {
		return nil, err
	}
	xs := dmStrides(x.Shape)
	si := make([]int64, r)
	wi := make([]int64, r)
	nsrc := src.NumElements()
	nwin, err := dmWindowElems(op, w.dims)
	if err != nil {
		return nil, err
	}
	acc := []*tensor.Tensor{scat.args[0]}
	for s := int64(0); s < nsrc; s++ {
		// Select: keep the current choice while select(chosen, candidate)
		// is true, else move to the candidate; padding is skipped.
		chosen := int64(-1)
		for k := int64(0); k < nwin; k++ {
			cand, inside := w.inputOffset(si, wi, x.Shape, xs)
			dmNext(wi, w.dims)
			if err := c.Work(1); err != nil {
				return nil, err
			}
			if !inside {
				continue
			}
			if chosen < 0 {
				chosen = cand
				continue
			}
			dmConvertElem(sel.args[0], 0, x, chosen)
			dmConvertElem(sel.args[1], 0, x, cand)
			keep, err := sel.callBool()
			if err != nil {
				return nil, err
			}
			if !keep {
				chosen = cand
			}
		}
		if chosen >= 0 {
			// result[chosen] = reduce([source[s], result[chosen]], init,
			// scatter): acc = scatter(scatter(init, source), old).
			dmConvertElem(scat.args[0], 0, init, 0)
			dmConvertElem(scat.args[1], 0, src, s)
			if err := scat.callInto(acc, []int64{0}); err != nil {
				return nil, err
			}
			dmConvertElem(scat.args[1], 0, out, chosen)
			if err := scat.callInto([]*tensor.Tensor{out}, []int64{chosen}); err != nil {
				return nil, err
			}
		}
		dmNext(si, src.Shape)
	}
	ok = true
	return []Val{{T: out}}, nil
}

// ---------------------------------------------------------------------------
// map

func dmMap(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -1); err != nil {
		return nil, err
	}
	x := in[0].T
	for i, v := range in {
		if len(v.T.Shape) != len(x.Shape) {
			return nil, dmReject(op, "input %d has rank %d, input 0 has %d", i, len(v.T.Shape), len(x.Shape))
		}
		for d := range x.Shape {
			if v.T.Shape[d] != x.Shape[d] {
				return nil, dmBadValue(op, "input %d has shape %v, input 0 has %v", i, v.T.Shape, x.Shape)
			}
		}
	}
	if op.Attr("dimensions") != nil {
		dims, err := dmIntsAttr(op, "dimensions")
		if err != nil {
			return nil, err
		}
		ok := len(dims) == len(x.Shape)
		for k, d := range dims {
			ok = ok && d == int64(k)
		}
		if !ok {
			return nil, dmReject(op, "dimensions %v of map must list all %d dimensions in order", dims, len(x.Shape))
		}
	}
	rd, err := dmResultDTypes(op, 1)
	if err != nil {
		return nil, err
	}
	if _, err := dmCheckResult(op, 0, x.Shape, rd[0]); err != nil {
		return nil, err
	}
	var sources []ir.Type
	for _, v := range op.Operands {
		sources = append(sources, v.Type)
	}
	fn, err := dmNewRegion(c, op, 0, len(in), rd, sources)
	if err != nil {
		return nil, err
	}
	defer fn.release()
	out, err := dmNewOwned(c, rd[0], x.Shape)
	if err != nil {
		return nil, err
	}
	dst := []*tensor.Tensor{out}
	at := []int64{0}
	total := x.NumElements()
	for k := int64(0); k < total; k++ {
		for i, v := range in {
			dmConvertElem(fn.args[i], 0, v.T, k)
		}
		at[0] = k
		if err := fn.callInto(dst, at); err != nil {
			c.Release(Val{T: out})
			return nil, err
		}
		if err := c.Work(1); err != nil {
			c.Release(Val{T: out})
			return nil, err
		}
	}
	return []Val{{T: out}}, nil
}

// dmWindowElems is the element count of a window, refusing counts no run
// could ever get through.
func dmWindowElems(op *ir.Op, dims []int64) (int64, error) {
	n, ok := ir.ShapeElements(dims)
	if !ok {
		return 0, diag.New(diag.Limit, "limit.steps", op.Pos, "the window of %s has more than 2^62 elements", op.Name).WithOp(op.Name)
	}
	return n, nil
}
