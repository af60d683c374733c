package plan

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

type tensorT = tensor.Tensor

// fallback runs one op through the reference executor as a one-op
// function whose arguments are the op's distinct operands and the values
// its regions capture. The function reuses the op and its ir.Values as they
// are (the executor binds values by identity), so nothing is copied.
type fallback struct {
	fn   *ir.Func
	args []*value // plan values bound to fn's arguments
}

func newFallback(n *node) (*fallback, error) {
	op := n.op
	var params []*ir.Value
	seen := map[*ir.Value]bool{}
	add := func(v *ir.Value) {
		if !seen[v] {
			seen[v] = true
			params = append(params, v)
		}
	}
	for _, v := range op.Operands {
		add(v)
	}
	if len(op.Regions) > 0 {
		for _, v := range captures(op) {
			add(v)
		}
	}
	for _, v := range params {
		if ir.Tensor(v.Type) == nil {
			return nil, unsupported("%s takes a %s value", op.Name, v.Type)
		}
	}
	ret := &ir.Op{Name: "func.return", Operands: op.Results, Pos: op.Pos}
	fn := &ir.Func{
		Name:    "plan.fallback",
		Args:    params,
		Results: op.ResultTypes(),
		Body:    &ir.Region{Blocks: []*ir.Block{{Args: params, Ops: []*ir.Op{op, ret}}}},
		Pos:     op.Pos,
	}
	fb := &fallback{fn: fn}
	fb.args = fb.argsOf(n)
	return fb, nil
}

// argsOf maps fn's parameters to n's current input values (after CSE
// replaced some).
func (fb *fallback) argsOf(n *node) []*value {
	bind := map[*ir.Value]*value{}
	for i, v := range n.op.Operands {
		bind[v] = n.in[i]
	}
	if len(n.op.Regions) > 0 {
		for i, v := range captures(n.op) {
			bind[v] = n.capt[i]
		}
	}
	out := make([]*value, len(fb.fn.Args))
	for i, p := range fb.fn.Args {
		out[i] = bind[p]
	}
	return out
}
