package plan

import (
	"context"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Executable is one function made ready to run: a Plan when the function
// can be planned, else the reference executor over the function itself —
// shapes that depend on input values, probes that keep state across ops,
// or programs past the planner's own size and nesting caps run there,
// under the same meters. Safe for concurrent use.
type Executable struct {
	m    *ir.Module
	fn   *ir.Func
	plan *Plan
	why  error
}

// Prepare compiles fn. Only the planner's own refusals (rules plan.*)
// choose the reference executor; any other error is returned.
func Prepare(m *ir.Module, fn *ir.Func, opts Options) (*Executable, error) {
	p, err := Compile(m, fn, opts)
	if err == nil {
		return &Executable{m: m, fn: fn, plan: p}, nil
	}
	if d := diag.As(err); d.Kind == diag.Rejected && strings.HasPrefix(d.Rule, "plan.") {
		return &Executable{m: m, fn: fn, why: err}, nil
	}
	return nil, err
}

// Plan returns the plan, or nil when the reference executor runs fn.
func (e *Executable) Plan() *Plan { return e.plan }

// NotPlanned says why fn runs on the reference executor (nil if planned).
func (e *Executable) NotPlanned() error { return e.why }

// Run executes the function on the inputs under lim.
func (e *Executable) Run(ctx context.Context, inputs []*tensor.Tensor, lim exec.Limits) ([]*tensor.Tensor, exec.Stats, error) {
	if e.plan != nil {
		return e.plan.Run(ctx, inputs, lim)
	}
	return exec.Run(ctx, e.m, e.fn, inputs, lim)
}
