package verify

import (
	"fmt"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// Ops with reduction or comparison bodies: reduce, reduce_window,
// select_and_scatter, sort and map.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.reduce":             checkReduce,
	"stablehlo.reduce_window":      checkReduceWindow,
	"stablehlo.select_and_scatter": checkSelectAndScatter,
	"stablehlo.sort":               checkSort,
	"stablehlo.map":                checkMap,
})

// inputsInits splits 2N operands into N inputs and N rank-0 init values and
// checks N results and one region.
func (c *ctx) inputsInits() (inputs, inits, results []*ir.TensorType, err *diag.Error) {
	nops := len(c.op.Operands)
	if nops < 2 || nops%2 != 0 {
		return nil, nil, nil, c.errf("arity", "pass N inputs followed by N init values", "%s takes 2N operands (N >= 1), got %d", c.op.Name, nops)
	}
	n := nops / 2
	if err = c.arity(-1, n); err != nil {
		return
	}
	if len(c.op.Regions) != 1 {
		return nil, nil, nil, c.errf("region", "give the op one body region", "%s needs 1 region, has %d", c.op.Name, len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return
	}
	if results, err = c.resultTs(); err != nil {
		return
	}
	inputs, inits = ts[:n], ts[n:]
	for i := range n {
		if err = c.elemIn(inputs[i], cAnyNQ|cQuantPT, fmt.Sprintf("input #%d", i)); err != nil {
			return
		}
		if err = c.sameShape(inputs[0], inputs[i], "input #0", fmt.Sprintf("input #%d", i)); err != nil {
			return
		}
		if !isScalar(inits[i]) {
			return nil, nil, nil, c.errf("types", "pass rank-0 init values", "init value #%d of %s must be rank 0, got %s", i, c.op.Name, inits[i])
		}
		if err = c.sameElem(inputs[i], inits[i], fmt.Sprintf("input #%d", i), fmt.Sprintf("init value #%d", i)); err != nil {
			return
		}
	}
	return
}

func elemsOf(ts []*ir.TensorType) []ir.Element {
	out := make([]ir.Element, len(ts))
	for i, t := range ts {
		out[i] = t.Elem
	}
	return out
}

// checkResults checks that result i has element type es[i] and shape want.
func (c *ctx) checkResults(rs []*ir.TensorType, es []ir.Element, want []int64) *diag.Error {
	for i, r := range rs {
		if !r.Elem.Equal(es[i]) {
			return c.errf("types", "declare result element types as the body returns",
				"%s has element type %s, the body yields %s", resultName(i), r.Elem, es[i])
		}
		if err := c.expectShape(r, want, resultName(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkReduce(c *ctx) *diag.Error {
	inputs, _, rs, err := c.inputsInits()
	if err != nil {
		return err
	}
	dims, _, err := c.intsAttr("dimensions", true)
	if err != nil {
		return err
	}
	rank := len(inputs[0].Shape)
	if err := c.dimsInRange("dimensions", "dimensions", dims, rank); err != nil {
		return err
	}
	if err := c.dimsUnique("dimensions", "dimensions", dims); err != nil {
		return err
	}
	es, err := c.reducer(0, elemsOf(inputs))
	if err != nil {
		return err
	}
	var want []int64
	for d, s := range inputs[0].Shape {
		if !contains(dims, int64(d)) {
			want = append(want, s)
		}
	}
	return c.checkResults(rs, es, want)
}

func checkReduceWindow(c *ctx) *diag.Error {
	inputs, _, rs, err := c.inputsInits()
	if err != nil {
		return err
	}
	x := inputs[0]
	rank := len(x.Shape)
	wd, _, err := c.intsAttr("window_dimensions", true)
	if err != nil {
		return err
	}
	if len(wd) != rank {
		return c.errf("window", fmt.Sprintf("give %d window dimensions", rank), "window_dimensions has %d entries for rank %d", len(wd), rank)
	}
	for _, w := range wd {
		if w <= 0 {
			return c.errf("window", "use positive window dimensions", "window_dimensions contains %d", w)
		}
	}
	strides, err := c.windowAttr("window_strides", rank, 1, "window")
	if err != nil {
		return err
	}
	bd, err := c.windowAttr("base_dilations", rank, 1, "window")
	if err != nil {
		return err
	}
	wdl, err := c.windowAttr("window_dilations", rank, 1, "window")
	if err != nil {
		return err
	}
	pad, err := c.paddingAttr(rank, "window")
	if err != nil {
		return err
	}
	es, err := c.reducer(0, elemsOf(inputs))
	if err != nil {
		return err
	}
	want := make([]int64, rank)
	for i := range rank {
		w, err := c.windowSize(x.Shape[i], pad[2*i], pad[2*i+1], bd[i], wd[i], wdl[i], strides[i])
		if err != nil {
			return err
		}
		want[i] = w
	}
	return c.checkResults(rs, es, want)
}

func checkSelectAndScatter(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if len(c.op.Regions) != 2 {
		return c.errf("region", "give select_and_scatter a select and a scatter region", "select_and_scatter needs 2 regions, has %d", len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	x, src, init := ts[0], ts[1], ts[2]
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameElem(x, src, "operand", "source"); err != nil {
		return err
	}
	if !isScalar(init) {
		return c.errf("types", "pass a rank-0 init value", "init_value of select_and_scatter must be rank 0, got %s", init)
	}
	if err := c.sameElem(x, init, "operand", "init_value"); err != nil {
		return err
	}
	rank := len(x.Shape)
	wd, err := c.windowAttr("window_dimensions", rank, 1, "window")
	if err != nil {
		return err
	}
	strides, err := c.windowAttr("window_strides", rank, 1, "window")
	if err != nil {
		return err
	}
	pad, err := c.paddingAttr(rank, "window")
	if err != nil {
		return err
	}
	want := make([]int64, rank)
	for i := range rank {
		w, err := c.windowSize(x.Shape[i], pad[2*i], pad[2*i+1], 1, wd[i], 1, strides[i])
		if err != nil {
			return err
		}
		want[i] = w
	}
	if !shapeCompat(src.Shape, want) {
		return c.errf("shape", "give source one element per window ("+fmtShape(want)+")",
			"source has shape %s, the windows give %s", fmtShape(src.Shape), fmtShape(want))
	}
	// C9: select is (tensor<E>, tensor<E>) -> tensor<i1>.
	args, rets, err := c.regionSig(0)
	if err != nil {
		return err
	}
	scalarE := &ir.TensorType{Elem: x.Elem}
	if len(args) != 2 || !typeCompat(args[0], scalarE) || !typeCompat(args[1], scalarE) {
		return c.errf("region", "give select two "+scalarE.String()+" arguments", "select region of select_and_scatter must take (%s, %s)", scalarE, scalarE)
	}
	if len(rets) != 1 || !isI1Scalar(rets[0]) {
		return c.errf("region", "return one tensor<i1>", "select region of select_and_scatter must return tensor<i1>")
	}
	es, err := c.reducer(1, []ir.Element{x.Elem})
	if err != nil {
		return err
	}
	return c.checkResults([]*ir.TensorType{res}, es, x.Shape)
}

func isI1Scalar(t ir.Type) bool {
	tt, ok := t.(*ir.TensorType)
	return ok && isScalar(tt) && tt.Elem.Quant == nil && tt.Elem.DType.IsBool()
}

func checkSort(c *ctx) *diag.Error {
	if err := c.minArity(1, 0); err != nil {
		return err
	}
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give sort one comparator region", "sort needs 1 region, has %d", len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	for i, t := range ts {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		if err := c.sameShape(ts[0], t, "operand #0", operandName(i)); err != nil {
			return err
		}
		if err := c.sameType(t, rs[i], operandName(i), resultName(i)); err != nil {
			return err
		}
	}
	r := int64(len(ts[0].Shape))
	dim, err := c.intAttr("dimension", -1, false)
	if err != nil {
		return err
	}
	if dim < -r || dim >= r {
		return c.errf("dimension", fmt.Sprintf("use a dimension in [-%d, %d)", r, r), "dimension %d is out of range for rank %d", dim, r)
	}
	if _, err := c.boolAttr("is_stable", false); err != nil {
		return err
	}
	args, rets, err := c.regionSig(0)
	if err != nil {
		return err
	}
	if len(args) != 2*len(ts) {
		return c.errf("region", fmt.Sprintf("give the comparator %d arguments", 2*len(ts)), "comparator of sort takes %d arguments, expected %d", len(args), 2*len(ts))
	}
	for i, t := range ts {
		want := &ir.TensorType{Elem: t.Elem}
		if !typeCompat(args[2*i], want) || !typeCompat(args[2*i+1], want) {
			return c.errf("region", "use "+want.String()+" comparator arguments",
				"comparator arguments #%d and #%d of sort must be %s", 2*i, 2*i+1, want)
		}
	}
	if len(rets) != 1 || !isI1Scalar(rets[0]) {
		return c.errf("region", "return one tensor<i1>", "comparator of sort must return tensor<i1>")
	}
	return nil
}

func checkMap(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give map one computation region", "map needs 1 region, has %d", len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	for i, t := range ts {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		if err := c.sameShape(res, t, "result", operandName(i)); err != nil {
			return err
		}
	}
	dims, _, err := c.intsAttr("dimensions", true)
	if err != nil {
		return err
	}
	if len(dims) != len(ts[0].Shape) {
		return c.errf("dimensions", "list every dimension in order", "dimensions of map must be [0, ..., %d]", len(ts[0].Shape)-1)
	}
	for i, d := range dims {
		if d != int64(i) {
			return c.errf("dimensions", "list every dimension in order", "dimensions of map must be [0, ..., %d], got %s", len(ts[0].Shape)-1, fmtInts(dims))
		}
	}
	args, rets, err := c.regionSig(0)
	if err != nil {
		return err
	}
	if len(args) != len(ts) {
		return c.errf("region", fmt.Sprintf("give the computation %d arguments", len(ts)), "computation of map takes %d arguments, expected %d", len(args), len(ts))
	}
	for i, t := range ts {
		want := &ir.TensorType{Elem: t.Elem}
		if !typeCompat(args[i], want) {
			return c.errf("region", "use "+want.String()+" arguments", "argument #%d of the map computation must be %s, got %s", i, want, typeStr(args[i]))
		}
	}
	want := &ir.TensorType{Elem: res.Elem}
	if len(rets) != 1 || !typeCompat(rets[0], want) {
		return c.errf("region", "return one "+want.String(), "the map computation must return %s", want)
	}
	return nil
}
