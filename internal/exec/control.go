package exec

import (
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Control flow, calls, tuples, tokens and constants.

func init() {
	register("stablehlo.constant", constantKernel)
	register("stablehlo.while", whileKernel)
	register("stablehlo.if", ifKernel)
	register("stablehlo.case", caseKernel)
	register("func.call", callKernel)
	register("stablehlo.composite", compositeKernel)
	register("stablehlo.optimization_barrier", passThrough)
	register("stablehlo.tuple", tupleKernel)
	register("stablehlo.get_tuple_element", getTupleElementKernel)
	register("stablehlo.after_all", tokenKernel)
	register("stablehlo.create_token", tokenKernel)
}

// Materialize turns a dense literal into a tensor under the budget.
func (c *Ctx) Materialize(e *ir.ElementsAttr) (*tensor.Tensor, error) {
	t, err := c.NewTensor(e.Type.Elem.StorageDType(), e.Type.Shape)
	if err != nil {
		return nil, err
	}
	if !e.Splat {
		if len(e.Data) != len(t.Data) {
			return nil, diag.New(diag.Internal, "internal.literal", diag.Pos{}, "literal holds %d bytes, tensor needs %d", len(e.Data), len(t.Data))
		}
		copy(t.Data, e.Data)
		return t, c.Work(int64(len(t.Data)) / 8)
	}
	sz := int64(len(e.Data))
	n := t.NumElements()
	return t, c.Loop(n, func(i int64) { copy(t.Data[i*sz:(i+1)*sz], e.Data) })
}

func constantKernel(c *Ctx, op *ir.Op, _ []Val) ([]Val, error) {
	e, ok := op.Props.Get("value").(*ir.ElementsAttr)
	if !ok {
		return nil, diag.New(diag.Rejected, "exec.constant", op.Pos, "constant has no dense value")
	}
	t, err := c.Materialize(e)
	if err != nil {
		return nil, err
	}
	return []Val{{T: t}}, nil
}

// scalarTrue reads a tensor<i1> predicate.
func scalarTrue(v Val) bool { return v.T != nil && len(v.T.Data) > 0 && v.T.Data[0] != 0 }

func whileKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if len(op.Regions) != 2 {
		return nil, diag.New(diag.Rejected, "exec.while", op.Pos, "while needs cond and body regions")
	}
	state := make([]Val, len(in))
	for i, v := range in {
		c.Retain(v)
		state[i] = v
	}
	for {
		pred, err := c.RunRegion(op.Regions[0], state)
		if err != nil {
			c.releaseAll(state)
			return nil, err
		}
		keepGoing := len(pred) == 1 && scalarTrue(pred[0])
		c.releaseAll(pred)
		if !keepGoing {
			return state, nil
		}
		next, err := c.RunRegion(op.Regions[1], state)
		c.releaseAll(state)
		if err != nil {
			return nil, err
		}
		state = next
	}
}

func ifKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if len(op.Regions) != 2 || len(in) != 1 {
		return nil, diag.New(diag.Rejected, "exec.if", op.Pos, "if needs a predicate and two regions")
	}
	r := op.Regions[1]
	if scalarTrue(in[0]) {
		r = op.Regions[0]
	}
	return c.RunRegion(r, nil)
}

func caseKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	n := int64(len(op.Regions))
	if n == 0 || len(in) != 1 || in[0].T == nil {
		return nil, diag.New(diag.Rejected, "exec.case", op.Pos, "case needs an index and at least one region")
	}
	// Out-of-range indices select the last branch (spec: index < 0 or
	// index >= N runs branches[N-1]).
	idx := in[0].T.Int64(0)
	if idx < 0 || idx >= n {
		idx = n - 1
	}
	return c.RunRegion(op.Regions[idx], nil)
}

func callKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	callee, _ := op.Props.Get("callee").(ir.SymbolRefAttr)
	fn := c.mod.Func(string(callee))
	if fn == nil {
		return nil, diag.New(diag.Rejected, "exec.call", op.Pos, "call to undefined function @%s", callee)
	}
	return c.CallFunc(fn, in)
}

func compositeKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	callee, _ := op.Props.Get("decomposition").(ir.SymbolRefAttr)
	fn := c.mod.Func(string(callee))
	if fn == nil {
		return nil, diag.New(diag.Rejected, "exec.composite", op.Pos, "composite decomposition @%s is not defined", callee)
	}
	return c.CallFunc(fn, in)
}

func passThrough(c *Ctx, _ *ir.Op, in []Val) ([]Val, error) {
	out := make([]Val, len(in))
	for i, v := range in {
		c.Retain(v)
		out[i] = v
	}
	return out, nil
}

func tupleKernel(c *Ctx, _ *ir.Op, in []Val) ([]Val, error) {
	elems := make([]Val, len(in))
	for i, v := range in {
		c.Retain(v)
		elems[i] = v
	}
	return []Val{{Tuple: elems}}, nil
}

func getTupleElementKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	idx, _ := ir.Int(op.Props.Get("index"))
	if len(in) != 1 || idx < 0 || idx >= int64(len(in[0].Tuple)) {
		return nil, diag.New(diag.Rejected, "exec.get_tuple_element", op.Pos, "tuple index %d out of range", idx)
	}
	v := in[0].Tuple[idx]
	c.Retain(v)
	return []Val{v}, nil
}

func tokenKernel(_ *Ctx, _ *ir.Op, _ []Val) ([]Val, error) {
	return []Val{{Token: true}}, nil
}
