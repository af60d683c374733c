package cost

import (
	"fmt"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/units"
)

// Budget is what one execution may spend. Zero fields are not checked.
type Budget struct {
	MaxFLOPs       int64
	MaxMemory      int64 // peak bytes of live tensors, inputs included
	MaxSteps       int64
	MaxOutputBytes int64
}

// Admit rejects a program whose static bound exceeds the budget. A bound
// that is unknown (an unprovable loop) is left to the run-time meters; a
// known bound above the budget is rejected with the resource, the limit,
// the estimate, the factor and the costliest op.
func (r *Report) Admit(b Budget) error {
	type check struct {
		resource, flag string
		limit          int64
		bound          Interval
		byMemory       bool
		format         func(int64) string
	}
	checks := []check{
		{"memory", "--max-memory", b.MaxMemory, Interval{r.InputBytes, r.PeakMemory}, true, formatBytes},
		{"FLOPs", "--max-flops", b.MaxFLOPs, r.FLOPs, false, formatCount},
		{"steps", "--max-steps", b.MaxSteps, r.Steps, false, formatCount},
		{"output bytes", "--max-output", b.MaxOutputBytes, Exact(r.OutputBytes), true, formatBytes},
	}
	for _, c := range checks {
		if c.limit <= 0 {
			continue
		}
		est := c.bound.Max
		if est == Unbounded {
			if c.bound.Min <= c.limit {
				continue // unknown: the run-time meter enforces it
			}
			est = c.bound.Min
		}
		if est <= c.limit {
			continue
		}
		e := diag.New(diag.Rejected, "cost."+ruleName(c.resource), diag.Pos{},
			"the program needs up to %s %s, over the limit of %s (%.1fx)",
			c.format(est), c.resource, c.format(c.limit), float64(est)/float64(c.limit))
		if top := r.costliest(c.byMemory, c.resource == "steps"); top != nil {
			e.Pos, e.Op = top.Pos, top.Name
			e.Msg += fmt.Sprintf("; the costliest op is %s at %s", top.Name, top.Pos)
		}
		return e.WithHint("reduce the program's sizes or raise %s", c.flag)
	}
	return nil
}

func ruleName(resource string) string {
	switch resource {
	case "FLOPs":
		return "flops"
	case "output bytes":
		return "output"
	}
	return resource
}

// costliest returns the op with the largest FLOPs, memory, or (for steps)
// the loop with the most trips.
func (r *Report) costliest(byMemory, steps bool) *ir.Op {
	if steps {
		var best *Loop
		for i := range r.Loops {
			if best == nil || r.Loops[i].Trips.Max > best.Trips.Max {
				best = &r.Loops[i]
			}
		}
		if best != nil {
			return best.Op
		}
	}
	top := r.TopOps(1, byMemory)
	if len(top) == 0 {
		return nil
	}
	return top[0].Op
}

func formatCount(n int64) string {
	if n == Unbounded {
		return "unbounded"
	}
	switch {
	case n >= 1e12:
		return fmt.Sprintf("%.3gT", float64(n)/1e12)
	case n >= 1e9:
		return fmt.Sprintf("%.3gG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.3gM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.3gk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func formatBytes(n int64) string {
	if n == Unbounded {
		return "unbounded"
	}
	return units.FormatBytes(n)
}

// FormatCount prints a count with a k/M/G/T suffix ("unbounded" for the
// saturation value).
func FormatCount(n int64) string { return formatCount(n) }

// FormatBytes prints a byte count with a binary unit.
func FormatBytes(n int64) string { return formatBytes(n) }
