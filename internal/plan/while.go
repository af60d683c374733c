package plan

import (
	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
	"slices"
)

// Loops run natively: the cond and body regions of a stablehlo.while are
// compiled into plans of their own (nested up to Options.MaxInlineDepth,
// their nodes counted against the same Options.MaxNodes), which the loop
// runs with the enclosing run's meters: each region call is one step, as
// in the reference executor, so step limits and verdicts agree.

// whileNative compiles n's regions, or returns nil to leave n to the
// fallback.
func whileNative(g *graph, n *node) *native {
	op := n.op
	if len(op.Regions) != 2 || len(n.out) != len(n.in) || g.depth+1 > g.opts.MaxInlineDepth {
		return nil
	}
	capt := captures(op)
	cond, err := compileRegion(g, op, op.Regions[0], capt)
	if err != nil {
		return nil
	}
	body, err := compileRegion(g, op, op.Regions[1], capt)
	if err != nil {
		return nil
	}
	if len(cond.outs) != 1 || cond.outs[0].dt != tensor.Bool || cond.outs[0].n != 1 || len(body.outs) != len(n.out) {
		return nil
	}
	for i, v := range body.outs {
		if v.dt != n.out[i].dt || !slices.Equal(v.shape, n.out[i].shape) {
			return nil
		}
	}
	return &native{kind: kWhile, cond: cond, body: body, moved: movedOutputs(body, len(n.in))}
}

// movedOutputs lists the body results that are a different loop-carried
// argument passed through unchanged (a swap, a rotation). Such a result
// is a tensor of the body's previous call, in the buffer set the next call
// writes: runWhile keeps a copy of it instead.
func movedOutputs(body *Plan, carried int) []int {
	var moved []int
	for i, v := range body.outs {
		for j := 0; j < carried; j++ {
			if j != i && body.ins[j] == v {
				moved = append(moved, i)
				break
			}
		}
	}
	return moved
}

// movedBytes is what runWhile holds for the moved results: two copies of
// each (this iteration's, and the last one's, which it reads).
func (k *native) movedBytes() int64 {
	var b int64
	for _, i := range k.moved {
		b = cost.SatAdd(b, cost.SatMul(2, k.body.outs[i].bytes))
	}
	return b
}

// compileRegion plans one region of op: its block arguments, then the
// values it captures, are the plan's inputs.
func compileRegion(parent *graph, op *ir.Op, r *ir.Region, capt []*ir.Value) (*Plan, error) {
	if len(r.Blocks) != 1 {
		return nil, unsupported("%s region with %d blocks", op.Name, len(r.Blocks))
	}
	b := r.Blocks[0]
	fn := &ir.Func{Name: op.Name + " region", Body: r, Pos: op.Pos}
	g := &graph{m: parent.m, fn: fn, opts: parent.opts, depth: parent.depth + 1, total: parent.total, outer: map[*ir.Value]*value{}}
	for _, a := range b.Args {
		if _, err := g.addInput(a.Type); err != nil {
			return nil, err
		}
	}
	for _, c := range capt {
		v, err := g.addInput(c.Type)
		if err != nil {
			return nil, err
		}
		g.outer[c] = v
	}
	outs, err := g.build(fn, g.ins[:len(b.Args)], parent.depth+1)
	if err != nil {
		return nil, err
	}
	g.outs = outs
	return g.compile()
}

// runWhile runs the loop; the final state is copied into n's results.
func (r *runState) runWhile(n *node, k *native) error {
	nc := len(n.in)
	state := make([]*tensor.Tensor, nc+len(n.capt))
	for i, v := range n.in {
		state[i] = r.get(v)
	}
	for i, v := range n.capt {
		state[nc+i] = r.get(v)
	}
	// Live at once: the body's two buffer sets (its results alternate
	// between them), the cond's one, and the copies of moved results.
	need := cost.SatAdd(cost.SatAdd(k.body.frameBytes(2), k.cond.frameBytes(1)), k.movedBytes())
	if err := r.budget.Reserve(need); err != nil {
		return err
	}
	defer r.budget.Release(need)
	cond, body := newFrame(k.cond, 1), newFrame(k.body, 2)
	var copies [2][]*tensor.Tensor // per moved result, alternating
	for h := range copies {
		for _, i := range k.moved {
			v := k.body.outs[i]
			copies[h] = append(copies[h], &tensor.Tensor{DType: v.dt, Shape: v.shape, Data: make([]byte, v.bytes)})
		}
	}
	for it := 0; ; it++ {
		pred, err := cond.runNested(r, state)
		if err != nil {
			return err
		}
		if len(pred[0].Data) == 0 || pred[0].Data[0] == 0 {
			break
		}
		next, err := body.runNested(r, state)
		if err != nil {
			return err
		}
		copy(state, next)
		for h, i := range k.moved {
			c := copies[it%2][h]
			copy(c.Data, state[i].Data)
			state[i] = c
		}
	}
	for i, v := range n.out {
		dst := r.get(v)
		if len(dst.Data) != len(state[i].Data) {
			return diag.New(diag.Internal, "internal.plan", n.op.Pos, "while result %d has %d bytes, want %d", i, len(state[i].Data), len(dst.Data))
		}
		copy(dst.Data, state[i].Data)
	}
	return nil
}
