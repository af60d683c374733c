package plan

import (
	"runtime"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/ir"
)

// step is one entry of the linear schedule: a single node or a fused
// group (n is then the group's last member).
type step struct {
	n   *node
	grp *group
	in  []*value // values the step reads
	fl  int64    // FLOPs charged before the step (native steps)
}

// schedule orders steps (program order), computes liveness and assigns
// buffer slots, reusing the slots of dead values.
func schedule(g *graph) (*Plan, error) {
	p := &Plan{m: g.m, fn: g.fn, opts: g.opts, ins: g.ins, outs: g.outs, nvals: len(g.vals), calls: g.steps, threads: g.opts.Threads}
	if p.threads <= 0 {
		p.threads = runtime.GOMAXPROCS(0)
	}
	if g.depth > 0 {
		p.threads = 1 // loop bodies run many times on small data
	}
	for _, n := range g.nodes {
		if n.grp != nil && n.grp.out != n.out[0] {
			continue // a fused member: runs with its group's root
		}
		st := &step{n: n}
		if n.grp != nil {
			st.grp = n.grp
			st.in = n.grp.values()
			for _, m := range n.grp.members {
				st.fl += m.fl
			}
		} else {
			st.fl = n.fl
			switch {
			case n.fb != nil:
				st.in = n.fb.args
			case n.nat.kind == kWhile:
				st.in = append(append([]*value{}, n.in...), n.capt...)
			default:
				st.in = n.in
			}
		}
		p.steps = append(p.steps, st)
	}
	isOut := map[*value]bool{}
	for _, v := range g.outs {
		isOut[v] = true
	}
	last := map[*value]int{}
	for i, st := range p.steps {
		for _, v := range st.in {
			last[v] = i
		}
	}
	var free []int // free slot indices, in no order
	alloc := func(need int64) int {
		best, largest := -1, -1
		for j, s := range free {
			sz := p.slots[s]
			if sz == need { // an exact fit: the common case ends the scan
				best = j
				break
			}
			if sz >= need && (best < 0 || sz < p.slots[free[best]]) {
				best = j
			}
			if largest < 0 || sz > p.slots[free[largest]] {
				largest = j
			}
		}
		pick := best
		if pick < 0 {
			pick = largest
		}
		if pick >= 0 {
			s := free[pick]
			free[pick] = free[len(free)-1]
			free = free[:len(free)-1]
			if p.slots[s] < need {
				p.slots[s] = need
			}
			return s
		}
		p.slots = append(p.slots, need)
		return len(p.slots) - 1
	}
	release := func(i int, st *step, direct bool) {
		for _, v := range st.in {
			if readsDirect(st, v) != direct {
				continue
			}
			if last[v] == i && v.slot >= 0 && !isOut[v] {
				free = append(free, v.slot)
				last[v] = -1 // release once
			}
		}
	}
	for i, st := range p.steps {
		// Elementwise steps read element i before they write it: their
		// output may take the slot of an input they read directly.
		inPlace := st.grp != nil || (st.n.nat != nil && st.n.nat.kind == kEW)
		if inPlace {
			release(i, st, true)
		}
		for _, v := range outsOf(st) {
			v.slot = alloc(max(v.bytes, 1))
		}
		release(i, st, false)
		for _, v := range outsOf(st) {
			if _, read := last[v]; !read && !isOut[v] {
				free = append(free, v.slot) // never read: reuse at once
			}
		}
		if st.grp == nil && st.n.nat != nil {
			p.scratch = max(p.scratch, st.n.nat.scratch)
		}
		if st.grp != nil {
			p.scratch = max(p.scratch, cost.SatMul(int64(st.grp.parts(p.threads)), st.grp.scratchPer()))
		}
	}
	for _, st := range p.steps {
		for _, v := range outsOf(st) {
			if v.slot >= 0 {
				p.slotVals = append(p.slotVals, v)
			}
		}
	}
	p.escape = make([]bool, len(p.slots))
	for _, v := range g.outs {
		if v.slot >= 0 {
			p.escape[v.slot] = true
		}
	}
	for _, s := range p.slots {
		p.peak = cost.SatAdd(p.peak, s) // sizes from the program: never wrap
	}
	p.peak = cost.SatAdd(p.peak, p.scratch)
	p.extra = extraPeak(g.m, p.steps)
	return p, nil
}

func outsOf(st *step) []*value {
	if st.grp != nil {
		return []*value{st.grp.out}
	}
	return st.n.out
}

// readsDirect reports whether st reads v only element for element, before
// it writes the same element of its output.
//
// An input with narrower elements than the output's is not read directly
// for this purpose: written in place, output element i would overwrite
// input elements i+1… before they are read (convert f32→f64, a bool
// predicate of select).
func readsDirect(st *step, v *value) bool {
	if outs := outsOf(st); len(outs) == 0 || v.dt.Size() < outs[0].dt.Size() {
		return false
	}
	if st.grp != nil {
		return st.grp.direct(v)
	}
	return st.n.nat != nil && st.n.nat.kind == kEW
}

// extraPeak bounds what the steps hold beyond the plan's slots and scratch
// at their worst moment: a loop's frames (two of its body, one of its cond)
// and what runs inside them; a per-op fallback's own live tensors, by the
// reference's static analysis of its one-op function (which counts the
// op's operands again: an over-estimate, never an under-).
func extraPeak(m *ir.Module, steps []*step) int64 {
	var extra int64
	for _, st := range steps {
		var need int64
		switch n := st.n; {
		case st.grp != nil:
			continue
		case n.fb != nil:
			rep, err := cost.Analyze(m, n.fb.fn)
			if err != nil {
				return cost.Unbounded
			}
			need = rep.PeakMemory
		case n.nat != nil && n.nat.kind == kWhile:
			b, c := n.nat.body, n.nat.cond
			need = cost.SatAdd(cost.SatAdd(cost.SatAdd(cost.SatMul(2, b.peak), c.peak), max(b.extra, c.extra)), n.nat.movedBytes())
		}
		if need == cost.Unbounded {
			return cost.Unbounded
		}
		extra = max(extra, need)
	}
	return extra
}
