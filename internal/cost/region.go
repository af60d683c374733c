package cost

import (
	"github.com/hlogate/hlogate/internal/ir"
)

// region analyses one execution of a region (the body of a function or of
// a region-bearing op). n is how often the region runs per execution of
// its function, for the per-op table.
func (a *analyzer) region(r *ir.Region, n Interval) summary {
	var s summary
	if r == nil || len(r.Blocks) == 0 {
		return s
	}
	b := r.Blocks[0]
	die, unused := Liveness(b)
	var live int64
	for j, op := range b.Ops {
		if op.Name == "func.return" || op.Name == "stablehlo.return" {
			s.peak = max(s.peak, live)
			break
		}
		oc := a.opSummary(op, n)
		s.add(oc)
		var out int64
		for _, res := range op.Results {
			out = satAdd(out, Bytes(res.Type))
		}
		during := satAdd(live, max(oc.peak, out))
		s.peak = max(s.peak, during)
		a.record(op, n, oc, during)
		live = satAdd(live, out)
		for _, res := range op.Results {
			if unused[res] {
				live = satSub(live, Bytes(res.Type))
			}
		}
		for _, v := range die[j] {
			if v.Def != nil { // block arguments belong to the caller
				live = satSub(live, Bytes(v.Type))
			}
		}
	}
	return s
}

func satSub(a, b int64) int64 {
	if a == Unbounded {
		return Unbounded
	}
	return max(a-b, 0)
}

// Liveness is the memory schedule shared by this package's estimate and
// internal/exec's execution: for each op of b, the values of b whose last
// use (nested regions included) it is; and the values of b never used.
func Liveness(b *ir.Block) ([][]*ir.Value, map[*ir.Value]bool) {
	local := map[*ir.Value]bool{}
	for _, v := range b.Args {
		local[v] = true
	}
	for _, op := range b.Ops {
		for _, r := range op.Results {
			local[r] = true
		}
	}
	last := map[*ir.Value]int{}
	for j, op := range b.Ops {
		for _, v := range op.Operands {
			if local[v] {
				last[v] = j
			}
		}
		for _, r := range op.Regions {
			r.Walk(func(inner *ir.Op) bool {
				for _, v := range inner.Operands {
					if local[v] {
						last[v] = j
					}
				}
				return true
			})
		}
	}
	die := make([][]*ir.Value, len(b.Ops))
	for v, j := range last {
		die[j] = append(die[j], v)
	}
	unused := map[*ir.Value]bool{}
	for v := range local {
		if _, ok := last[v]; !ok {
			unused[v] = true
		}
	}
	return die, unused
}

func (a *analyzer) record(op *ir.Op, n Interval, s summary, during int64) {
	oc := a.ops[op]
	if oc == nil {
		oc = &OpCost{Op: op, Func: a.cur.Name}
		a.ops[op] = oc
		a.order = append(a.order, op)
	}
	own := OpFLOPs(op, ShapesOf(op.Operands), ShapesOf(op.Results))
	oc.Count = oc.Count.Add(n)
	oc.FLOPs = oc.FLOPs.Add(n.Scale(own))
	var out int64
	for _, r := range op.Results {
		out = satAdd(out, Bytes(r.Type))
	}
	oc.Bytes = oc.Bytes.Add(n.Scale(out))
	oc.Memory = max(oc.Memory, during)
}

// opSummary is the cost of one execution of op, its regions and callees
// included.
func (a *analyzer) opSummary(op *ir.Op, n Interval) summary {
	var s summary
	s.flops = Exact(OpFLOPs(op, ShapesOf(op.Operands), ShapesOf(op.Results)))
	var read, written int64
	for _, v := range op.Operands {
		read = satAdd(read, Bytes(v.Type))
	}
	for _, r := range op.Results {
		written = satAdd(written, Bytes(r.Type))
	}
	s.read, s.written = Exact(read), Exact(written)
	s.peak = satAdd(written, scratch(op))
	if callee := calleeName(op); callee != "" {
		c := a.funcs[callee]
		s.add(c)
		s.peak = max(s.peak, c.peak)
		return s
	}
	if len(op.Regions) == 0 {
		return s
	}
	switch op.Name {
	case "stablehlo.while":
		trips, provable := tripCount(op)
		a.loops = append(a.loops, Loop{Op: op, Func: a.cur.Name, Trips: trips, Provable: provable})
		cond := a.region(op.Regions[0], n.Mul(trips.Add(Exact(1))))
		body := a.region(op.Regions[1], n.Mul(trips))
		s.add(cond.times(trips.Add(Exact(1))))
		s.add(body.times(trips))
		s.steps = s.steps.Add(trips.Add(Exact(1))).Add(trips)
		// The loop holds its state while the body builds the next one.
		s.peak = satAdd(written, max(cond.peak, body.peak))
	case "stablehlo.if", "stablehlo.case":
		var branches summary
		for i, r := range op.Regions {
			br := a.region(r, n.Mul(Interval{0, 1}))
			br.steps = br.steps.Add(Exact(1))
			if i == 0 {
				branches = br
			} else {
				branches = summary{
					flops: branches.flops.Join(br.flops), read: branches.read.Join(br.read),
					written: branches.written.Join(br.written), steps: branches.steps.Join(br.steps),
					peak: max(branches.peak, br.peak),
				}
			}
		}
		s.add(branches)
		s.peak = max(s.peak, branches.peak)
	default:
		calls := regionCalls(op)
		for _, r := range op.Regions {
			rs := a.region(r, n.Mul(calls))
			s.add(rs.times(calls))
			s.steps = s.steps.Add(calls)
			s.peak = satAdd(s.peak, rs.peak)
		}
	}
	return s
}

// regionCalls bounds how often an op other than while/if/case runs each of
// its regions, following the reference kernels.
func regionCalls(op *ir.Op) Interval {
	in := ShapesOf(op.Operands)
	out := ShapesOf(op.Results)
	first := func(ss []Shape) int64 {
		if len(ss) == 0 {
			return 0
		}
		return elems(ss[0])
	}
	switch op.Name {
	case "stablehlo.map":
		return Exact(first(out))
	case "stablehlo.reduce":
		return Interval{0, first(in)}
	case "stablehlo.scatter":
		// one call per update element, skipped when out of bounds
		k := len(in) / 2
		if k < 1 || len(in) < 2*k+1 {
			return Interval{0, Unbounded}
		}
		return Interval{0, elems(in[len(in)-1])}
	case "stablehlo.sort":
		n := first(in)
		dim, _ := ir.Int(op.Attr("dimension"))
		var row int64 = 1
		if len(in) > 0 && dim >= 0 && dim < int64(len(in[0])) {
			row = max(in[0][dim], 1)
		}
		log2 := int64(1)
		for v := row; v > 1; v = (v + 1) / 2 {
			log2++
		}
		return Interval{0, satMul(n, log2)}
	case "stablehlo.reduce_window":
		return Interval{0, satMul(first(out), windowSize(op))}
	case "stablehlo.select_and_scatter":
		src := int64(0)
		if len(in) > 1 {
			src = elems(in[1])
		}
		return Interval{0, satAdd(satMul(src, windowSize(op)), first(in))}
	case "chlo.scan":
		return Interval{0, first(in)}
	}
	return Interval{0, Unbounded}
}

func windowSize(op *ir.Op) int64 {
	dims, ok := ir.Ints(op.Attr("window_dimensions"))
	if !ok {
		return Unbounded
	}
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return Unbounded
		}
		n = satMul(n, d)
	}
	return n
}

// scratch bounds the extra memory a reference kernel may allocate beyond
// its results while it runs (working copies, permutations, the rank-0
// arguments of region calls). The corpus test checks these bounds against
// the allocator.
func scratch(op *ir.Op) int64 {
	var in, out, inElems, outElems int64
	for _, v := range op.Operands {
		in = satAdd(in, Bytes(v.Type))
		inElems = satAdd(inElems, elemsOf(v.Type))
	}
	for _, r := range op.Results {
		out = satAdd(out, Bytes(r.Type))
		outElems = satAdd(outElems, elemsOf(r.Type))
	}
	slots := int64(64 * (len(op.Operands) + len(op.Results)))
	var s int64
	switch op.Name {
	case "check.expect_eq_const", "check.expect_almost_eq_const":
		if e, ok := op.Props.Get("value").(*ir.ElementsAttr); ok {
			s = Bytes(e.Type)
		}
	case "stablehlo.reduce", "stablehlo.reduce_window", "stablehlo.select_and_scatter",
		"stablehlo.scatter", "stablehlo.map", "chlo.scan", "chlo.ragged_dot":
		s = satAdd(in, slots)
	case "stablehlo.sort", "chlo.top_k":
		s = satAdd(satMul(inElems, 16), slots)
	case "stablehlo.fft":
		s = satMul(satAdd(inElems, outElems), 32)
	case "stablehlo.triangular_solve", "stablehlo.cholesky", "stablehlo.custom_call":
		// working copies in float64/complex128 (LAPACK targets)
		s = satMul(satAdd(inElems, outElems), 32)
	}
	if quantized(op) {
		// dequantized working copies of every operand and result
		s = satAdd(s, satMul(satAdd(inElems, outElems), 8))
	}
	return s
}

func elemsOf(t ir.Type) int64 {
	if tt := ir.Tensor(t); tt != nil {
		return elems(tt.Shape)
	}
	return 0
}

func quantized(op *ir.Op) bool {
	for _, v := range op.Operands {
		if tt := ir.Tensor(v.Type); tt != nil && tt.Elem.Quant != nil {
			return true
		}
	}
	for _, r := range op.Results {
		if tt := ir.Tensor(r.Type); tt != nil && tt.Elem.Quant != nil {
			return true
		}
	}
	return false
}
