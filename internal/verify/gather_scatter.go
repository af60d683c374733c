package verify

import (
	"fmt"
	"slices"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// gather, dynamic_gather and scatter.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.gather":         checkGather,
	"stablehlo.dynamic_gather": checkDynamicGather,
	"stablehlo.scatter":        checkScatter,
})

const dnWhat = "dimension_numbers"

// gatherDims holds gather's dimension numbers.
type gatherDims struct {
	offset, collapsed, opBatch, idxBatch, startMap []int64
	ivd                                            int64
}

func (c *ctx) readGatherDims(name string, batching bool) (*gatherDims, *diag.Error) {
	s, err := c.structAttr(name, "gather")
	if err != nil {
		return nil, err
	}
	g := &gatherDims{}
	for _, f := range []struct {
		name string
		dst  *[]int64
	}{
		{"offset_dims", &g.offset}, {"collapsed_slice_dims", &g.collapsed},
		{"operand_batching_dims", &g.opBatch}, {"start_indices_batching_dims", &g.idxBatch},
		{"start_index_map", &g.startMap},
	} {
		v, err := c.structInts(s, f.name, dnWhat)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	if !batching && (len(g.opBatch) > 0 || len(g.idxBatch) > 0) {
		return nil, c.errf(dnWhat, "use stablehlo.gather for batching dimensions", "%s has no batching dimensions", c.op.Name)
	}
	g.ivd, err = c.structInt(s, "index_vector_dim", dnWhat, 0, false)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// gatherShape checks gather C1-C21 (sizes nil when unknown) and returns the
// inferred result shape (C22), nil when it cannot be inferred.
func (c *ctx) gatherShape(x, idx *ir.TensorType, res *ir.TensorType, g *gatherDims, sizes []int64) ([]int64, *diag.Error) {
	xr, ir_ := len(x.Shape), len(idx.Shape)
	if xr != len(g.offset)+len(g.collapsed)+len(g.opBatch) {
		return nil, c.errf(dnWhat, "make offset_dims + collapsed_slice_dims + operand_batching_dims cover the operand's rank",
			"operand rank %d != %d offset + %d collapsed + %d batching dimensions", xr, len(g.offset), len(g.collapsed), len(g.opBatch))
	}
	if g.ivd < 0 || g.ivd > int64(ir_) {
		return nil, c.errf(dnWhat, fmt.Sprintf("use index_vector_dim in [0, %d]", ir_), "index_vector_dim %d is out of range for rank %d indices", g.ivd, ir_)
	}
	idxVec := int64(1)
	if g.ivd < int64(ir_) {
		idxVec = idx.Shape[g.ivd]
	}
	if idxVec >= 0 && int64(len(g.startMap)) != idxVec {
		return nil, c.errf(dnWhat, "give start_index_map one entry per index vector component",
			"start_index_map has %d entries but index vectors have %d components", len(g.startMap), idxVec)
	}
	if err := c.dimsUnique(dnWhat, "offset_dims", g.offset); err != nil {
		return nil, err
	}
	if err := c.dimsSorted(dnWhat, "offset_dims", g.offset); err != nil {
		return nil, err
	}
	if err := c.dimsInRange(dnWhat, "offset_dims", g.offset, len(res.Shape)); err != nil {
		return nil, err
	}
	if err := c.dimsUnique(dnWhat, "collapsed_slice_dims + operand_batching_dims", append(slices.Clone(g.collapsed), g.opBatch...)); err != nil {
		return nil, err
	}
	if err := c.dimsSorted(dnWhat, "collapsed_slice_dims", g.collapsed); err != nil {
		return nil, err
	}
	if err := c.dimsInRange(dnWhat, "collapsed_slice_dims", g.collapsed, xr); err != nil {
		return nil, err
	}
	if err := c.dimsSorted(dnWhat, "operand_batching_dims", g.opBatch); err != nil {
		return nil, err
	}
	if err := c.dimsInRange(dnWhat, "operand_batching_dims", g.opBatch, xr); err != nil {
		return nil, err
	}
	if err := c.dimsUnique(dnWhat, "start_indices_batching_dims", g.idxBatch); err != nil {
		return nil, err
	}
	if err := c.dimsInRange(dnWhat, "start_indices_batching_dims", g.idxBatch, ir_); err != nil {
		return nil, err
	}
	if contains(g.idxBatch, g.ivd) {
		return nil, c.errf(dnWhat, "keep index_vector_dim out of start_indices_batching_dims", "index_vector_dim %d is also a batching dimension", g.ivd)
	}
	if len(g.opBatch) != len(g.idxBatch) {
		return nil, c.errf(dnWhat, "pair each operand batching dimension with an index batching dimension",
			"%d operand batching dimensions but %d index batching dimensions", len(g.opBatch), len(g.idxBatch))
	}
	for i := range g.opBatch {
		if !dimEq(x.Shape[g.opBatch[i]], idx.Shape[g.idxBatch[i]]) {
			return nil, c.errf(dnWhat, "batch over dimensions of equal size", "operand batching dimension %d and index batching dimension %d differ in size",
				g.opBatch[i], g.idxBatch[i])
		}
	}
	if err := c.dimsUnique(dnWhat, "start_index_map + operand_batching_dims", append(slices.Clone(g.startMap), g.opBatch...)); err != nil {
		return nil, err
	}
	if err := c.dimsInRange(dnWhat, "start_index_map", g.startMap, xr); err != nil {
		return nil, err
	}
	if sizes == nil {
		return nil, nil
	}
	if len(sizes) != xr {
		return nil, c.errf("slice_sizes", fmt.Sprintf("give %d slice sizes", xr), "slice_sizes has %d entries for an operand of rank %d", len(sizes), xr)
	}
	for i, s := range sizes {
		if s < 0 || (x.Shape[i] >= 0 && s > x.Shape[i]) {
			return nil, c.errf("slice_sizes", "use 0 <= slice size <= dimension size", "slice size %d does not fit dimension %d of size %s", s, i, fmtShape(x.Shape[i:i+1]))
		}
	}
	for _, d := range append(slices.Clone(g.collapsed), g.opBatch...) {
		if sizes[d] > 1 {
			return nil, c.errf("slice_sizes", "use slice size 0 or 1 for collapsed and batching dimensions",
				"slice size of collapsed/batching dimension %d is %d", d, sizes[d])
		}
	}
	// C22.
	var batch []int64
	for d := range ir_ {
		if int64(d) != g.ivd {
			batch = append(batch, idx.Shape[d])
		}
	}
	var offs []int64
	for d := range xr {
		if !contains(g.collapsed, int64(d)) && !contains(g.opBatch, int64(d)) {
			offs = append(offs, sizes[d])
		}
	}
	rank := len(batch) + len(offs)
	want := make([]int64, 0, rank)
	bi, oi := 0, 0
	for d := range rank {
		if contains(g.offset, int64(d)) {
			if oi >= len(offs) {
				return nil, c.errf("shape", "check offset_dims against the slice sizes", "offset_dims do not match the slice")
			}
			want = append(want, offs[oi])
			oi++
		} else {
			if bi >= len(batch) {
				return nil, c.errf("shape", "check offset_dims against the result rank", "result rank does not match the gather")
			}
			want = append(want, batch[bi])
			bi++
		}
	}
	return want, nil
}

func checkGather(c *ctx) *diag.Error {
	x, idx, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(idx, cInt, "start_indices"); err != nil {
		return err
	}
	g, err := c.readGatherDims("dimension_numbers", true)
	if err != nil {
		return err
	}
	sizes, _, err := c.intsAttr("slice_sizes", true)
	if err != nil {
		return err
	}
	if _, err := c.boolAttr("indices_are_sorted", false); err != nil {
		return err
	}
	want, err := c.gatherShape(x, idx, res, g, sizes)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, res, "operand", "result"); err != nil {
		return err
	}
	return c.expectShape(res, want, "result")
}

func checkDynamicGather(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	idx, err := c.operandT(1)
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	if err := c.elemIn(idx, cInt, "start_indices"); err != nil {
		return err
	}
	sizes, err := c.shapeOperand(2, len(x.Shape), "slice_sizes")
	if err != nil {
		return err
	}
	g, err := c.readGatherDims("dimension_numbers", false)
	if err != nil {
		return err
	}
	if _, err := c.boolAttr("indices_are_sorted", false); err != nil {
		return err
	}
	want, err := c.gatherShape(x, idx, res, g, sizes)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, res, "operand", "result"); err != nil {
		return err
	}
	if want != nil {
		return c.expectShape(res, want, "result")
	}
	if len(res.Shape) != len(idx.Shape)-btoi(g.ivd < int64(len(idx.Shape)))+len(g.offset) {
		return c.errf("shape", "check the result rank", "result rank %d does not match the gather", len(res.Shape))
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkScatter(c *ctx) *diag.Error {
	nops := len(c.op.Operands)
	if nops < 3 || nops%2 == 0 {
		return c.errf("arity", "pass N inputs, the indices and N updates", "scatter takes 2N+1 operands, got %d", nops)
	}
	n := (nops - 1) / 2
	if err := c.arity(-1, n); err != nil {
		return err
	}
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give scatter one update_computation region", "scatter needs 1 region, has %d", len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	inputs, idx, updates := ts[:n], ts[n], ts[n+1:]
	if err := c.elemIn(idx, cInt, "scatter_indices"); err != nil {
		return err
	}
	s, err := c.structAttr("scatter_dimension_numbers", "scatter")
	if err != nil {
		return err
	}
	var uwd, iwd, ib, sib, sdod []int64
	for _, f := range []struct {
		name string
		dst  *[]int64
	}{
		{"update_window_dims", &uwd}, {"inserted_window_dims", &iwd}, {"input_batching_dims", &ib},
		{"scatter_indices_batching_dims", &sib}, {"scatter_dims_to_operand_dims", &sdod},
	} {
		v, err := c.structInts(s, f.name, dnWhat)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	ivd, err := c.structInt(s, "index_vector_dim", dnWhat, 0, false)
	if err != nil {
		return err
	}
	for _, a := range []string{"indices_are_sorted", "unique_indices"} {
		if _, err := c.boolAttr(a, false); err != nil {
			return err
		}
	}
	x := inputs[0]
	xr, sr := len(x.Shape), len(idx.Shape)
	for i, t := range inputs {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		if err := c.sameShape(x, t, "input #0", fmt.Sprintf("input #%d", i)); err != nil {
			return err
		}
		if err := c.sameElem(t, updates[i], fmt.Sprintf("input #%d", i), fmt.Sprintf("update #%d", i)); err != nil {
			return err
		}
		if err := c.sameShape(updates[0], updates[i], "update #0", fmt.Sprintf("update #%d", i)); err != nil {
			return err
		}
	}
	// C2, C7-C22.
	if xr != len(uwd)+len(iwd)+len(ib) {
		return c.errf(dnWhat, "make update_window_dims + inserted_window_dims + input_batching_dims cover the input rank",
			"input rank %d != %d update window + %d inserted + %d batching dimensions", xr, len(uwd), len(iwd), len(ib))
	}
	if ivd < 0 || ivd > int64(sr) {
		return c.errf(dnWhat, fmt.Sprintf("use index_vector_dim in [0, %d]", sr), "index_vector_dim %d is out of range for rank %d indices", ivd, sr)
	}
	if err := c.dimsUnique(dnWhat, "update_window_dims", uwd); err != nil {
		return err
	}
	if err := c.dimsSorted(dnWhat, "update_window_dims", uwd); err != nil {
		return err
	}
	if err := c.dimsInRange(dnWhat, "update_window_dims", uwd, len(updates[0].Shape)); err != nil {
		return err
	}
	if err := c.dimsUnique(dnWhat, "inserted_window_dims + input_batching_dims", append(slices.Clone(iwd), ib...)); err != nil {
		return err
	}
	if err := c.dimsSorted(dnWhat, "inserted_window_dims", iwd); err != nil {
		return err
	}
	if err := c.dimsInRange(dnWhat, "inserted_window_dims", iwd, xr); err != nil {
		return err
	}
	if err := c.dimsSorted(dnWhat, "input_batching_dims", ib); err != nil {
		return err
	}
	if err := c.dimsInRange(dnWhat, "input_batching_dims", ib, xr); err != nil {
		return err
	}
	if err := c.dimsUnique(dnWhat, "scatter_indices_batching_dims", sib); err != nil {
		return err
	}
	if err := c.dimsInRange(dnWhat, "scatter_indices_batching_dims", sib, sr); err != nil {
		return err
	}
	if contains(sib, ivd) {
		return c.errf(dnWhat, "keep index_vector_dim out of scatter_indices_batching_dims", "index_vector_dim %d is also a batching dimension", ivd)
	}
	if len(ib) != len(sib) {
		return c.errf(dnWhat, "pair each input batching dimension with an index batching dimension",
			"%d input batching dimensions but %d index batching dimensions", len(ib), len(sib))
	}
	for i := range ib {
		if !dimEq(x.Shape[ib[i]], idx.Shape[sib[i]]) {
			return c.errf(dnWhat, "batch over dimensions of equal size", "input batching dimension %d and index batching dimension %d differ in size", ib[i], sib[i])
		}
	}
	idxVec := int64(1)
	if ivd < int64(sr) {
		idxVec = idx.Shape[ivd]
	}
	if idxVec >= 0 && int64(len(sdod)) != idxVec {
		return c.errf(dnWhat, "give scatter_dims_to_operand_dims one entry per index vector component",
			"scatter_dims_to_operand_dims has %d entries but index vectors have %d components", len(sdod), idxVec)
	}
	if err := c.dimsUnique(dnWhat, "scatter_dims_to_operand_dims + input_batching_dims", append(slices.Clone(sdod), ib...)); err != nil {
		return err
	}
	if err := c.dimsInRange(dnWhat, "scatter_dims_to_operand_dims", sdod, xr); err != nil {
		return err
	}
	// C4.
	u := updates[0]
	var scatterSizes []int64
	for d := range sr {
		if int64(d) != ivd {
			scatterSizes = append(scatterSizes, idx.Shape[d])
		}
	}
	if len(u.Shape) != len(scatterSizes)+len(uwd) {
		return c.errf("shape", "give updates one dimension per scatter dimension and per window dimension",
			"updates have rank %d, expected %d", len(u.Shape), len(scatterSizes)+len(uwd))
	}
	var window []int64
	for d := range xr {
		if !contains(iwd, int64(d)) && !contains(ib, int64(d)) {
			window = append(window, x.Shape[d])
		}
	}
	si, wi := 0, 0
	for d := range u.Shape {
		if contains(uwd, int64(d)) {
			if u.Shape[d] >= 0 && window[wi] >= 0 && u.Shape[d] > window[wi] {
				return c.errf("shape", "make update windows fit in the input", "update dimension %d (%d) is larger than the input window (%d)", d, u.Shape[d], window[wi])
			}
			wi++
		} else {
			if !dimEq(u.Shape[d], scatterSizes[si]) {
				return c.errf("shape", "match update scatter dimensions to the indices", "update dimension %d has size %d, indices give %d", d, u.Shape[d], scatterSizes[si])
			}
			si++
		}
	}
	elems := make([]ir.Element, n)
	for i, t := range inputs {
		elems[i] = t.Elem
	}
	es, err := c.reducer(0, elems)
	if err != nil {
		return err
	}
	for i, r := range rs {
		if !r.Elem.Equal(es[i]) {
			return c.errf("types", "declare result element types as the update computation returns", "%s has element type %s, expected %s", resultName(i), r.Elem, es[i])
		}
		if err := c.expectShape(r, inputs[i].Shape, resultName(i)); err != nil {
			return err
		}
	}
	return nil
}
