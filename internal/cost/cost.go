// Package cost bounds what a program will spend before it runs: FLOPs,
// bytes read and written, steps (loop iterations plus region and function
// invocations) and peak live memory, as [min, max] intervals with
// saturating arithmetic. Peak memory is simulated on the reference
// executor's own schedule: ops run in program order, a value is freed after
// its last use in its block, inputs are held throughout.
//
// Loops whose trip count can be proven (a counter compared with a constant
// and stepped by a constant, as jax.lax.fori_loop lowers) get exact bounds;
// other loops have an unbounded maximum and must run under the step meter.
package cost

import (
	"sort"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// Report is the static cost of running one entry function.
type Report struct {
	FLOPs        Interval
	BytesRead    Interval
	BytesWritten Interval
	Steps        Interval
	// PeakMemory bounds the bytes of live tensors at the high-water mark,
	// inputs included; Unbounded when a shape is unknown.
	PeakMemory  int64
	InputBytes  int64
	OutputBytes int64
	Ops         []OpCost // every op with its totals over all executions
	Loops       []Loop
}

// OpCost is one op's share.
type OpCost struct {
	Op    *ir.Op
	Func  string
	Count Interval // executions
	FLOPs Interval // over all executions
	Bytes Interval // bytes written over all executions
	// Memory is the bytes live while the op runs (the peak it can cause).
	Memory int64
}

// Loop is the trip-count bound of one while op.
type Loop struct {
	Op       *ir.Op
	Func     string
	Trips    Interval // per execution of the while op
	Provable bool
}

// summary is the cost of one execution of a region or function.
type summary struct {
	flops, read, written, steps Interval
	peak                        int64 // extra bytes at the high-water mark, results included
}

func (s *summary) add(o summary) {
	s.flops = s.flops.Add(o.flops)
	s.read = s.read.Add(o.read)
	s.written = s.written.Add(o.written)
	s.steps = s.steps.Add(o.steps)
}

func (s summary) times(n Interval) summary {
	return summary{flops: s.flops.Mul(n), read: s.read.Mul(n), written: s.written.Mul(n), steps: s.steps.Mul(n), peak: s.peak}
}

type analyzer struct {
	mod   *ir.Module
	funcs map[string]summary
	// per-op accounting: executions per execution of the enclosing func
	ops   map[*ir.Op]*OpCost
	order []*ir.Op
	loops []Loop
	cur   *ir.Func
}

// Analyze computes the report for entry. It fails only on a call cycle or
// an undefined callee (which verification rejects first).
func Analyze(m *ir.Module, entry *ir.Func) (*Report, error) {
	order, err := callOrder(m, entry)
	if err != nil {
		return nil, err
	}
	a := &analyzer{mod: m, funcs: map[string]summary{}, ops: map[*ir.Op]*OpCost{}}
	for i := len(order) - 1; i >= 0; i-- { // callees first
		f := order[i]
		a.cur = f
		s := a.region(f.Body, Exact(1))
		s.steps = s.steps.Add(Exact(1)) // the call itself
		a.funcs[f.Name] = s
	}
	// Scale per-op counts by how often each function runs.
	calls := a.invocations(order)
	r := &Report{}
	for _, op := range a.order {
		oc := a.ops[op]
		n := calls[oc.Func]
		oc.Count, oc.FLOPs, oc.Bytes = oc.Count.Mul(n), oc.FLOPs.Mul(n), oc.Bytes.Mul(n)
		r.Ops = append(r.Ops, *oc)
	}
	for i := range a.loops {
		r.Loops = append(r.Loops, a.loops[i])
	}
	s := a.funcs[entry.Name]
	r.FLOPs, r.BytesRead, r.BytesWritten, r.Steps = s.flops, s.read, s.written, s.steps
	for _, v := range entry.Args {
		r.InputBytes = satAdd(r.InputBytes, Bytes(v.Type))
	}
	for _, t := range entry.Results {
		r.OutputBytes = satAdd(r.OutputBytes, Bytes(t))
	}
	r.PeakMemory = satAdd(r.InputBytes, s.peak)
	return r, nil
}

// TopOps returns up to n ops with the most FLOPs (by max), or memory.
func (r *Report) TopOps(n int, byMemory bool) []OpCost {
	ops := append([]OpCost(nil), r.Ops...)
	sort.SliceStable(ops, func(i, j int) bool {
		if byMemory {
			return ops[i].Memory > ops[j].Memory
		}
		return ops[i].FLOPs.Max > ops[j].FLOPs.Max
	})
	if len(ops) > n {
		ops = ops[:n]
	}
	return ops
}

// callOrder lists the functions reachable from entry, callers before
// callees (iterative DFS; the call graph must be acyclic).
func callOrder(m *ir.Module, entry *ir.Func) ([]*ir.Func, error) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var post []*ir.Func
	type frame struct {
		f       *ir.Func
		callees []*ir.Func
		next    int
	}
	start := func(f *ir.Func) (frame, error) {
		color[f.Name] = grey
		var cs []*ir.Func
		var err error
		if f.Body != nil {
			f.Body.Walk(func(o *ir.Op) bool {
				name := calleeName(o)
				if name == "" {
					return true
				}
				g := m.Func(name)
				if g == nil {
					err = diag.New(diag.Rejected, "cost.call", o.Pos, "call to undefined function @%s", name).WithOp(o.Name)
					return false
				}
				cs = append(cs, g)
				return true
			})
		}
		return frame{f: f, callees: cs}, err
	}
	if entry.Body == nil {
		return nil, diag.New(diag.Rejected, "cost.entry", entry.Pos, "entry function @%s has no body", entry.Name)
	}
	fr, err := start(entry)
	if err != nil {
		return nil, err
	}
	stack := []frame{fr}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next == len(top.callees) {
			color[top.f.Name] = black
			post = append(post, top.f)
			stack = stack[:len(stack)-1]
			continue
		}
		g := top.callees[top.next]
		top.next++
		switch color[g.Name] {
		case grey:
			return nil, diag.New(diag.Rejected, "cost.call_cycle", g.Pos, "@%s calls itself through a cycle", g.Name)
		case white:
			fr, err := start(g)
			if err != nil {
				return nil, err
			}
			stack = append(stack, fr)
		}
	}
	// post is callees-first; reverse for callers-first.
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post, nil
}

func calleeName(o *ir.Op) string {
	switch o.Name {
	case "func.call":
		s, _ := o.Props.Get("callee").(ir.SymbolRefAttr)
		return string(s)
	case "stablehlo.composite":
		s, _ := o.Props.Get("decomposition").(ir.SymbolRefAttr)
		return string(s)
	}
	return ""
}

// invocations counts how often each function runs per run of the entry,
// walking callers before callees.
func (a *analyzer) invocations(order []*ir.Func) map[string]Interval {
	calls := map[string]Interval{order[0].Name: Exact(1)}
	for _, f := range order {
		n := calls[f.Name]
		for _, op := range a.order {
			oc := a.ops[op]
			if oc.Func != f.Name {
				continue
			}
			if callee := calleeName(op); callee != "" {
				calls[callee] = calls[callee].Add(oc.Count.Mul(n))
			}
		}
	}
	return calls
}
