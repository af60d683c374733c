package plan

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/kernels/gemm"
	"github.com/hlogate/hlogate/tensor"
)

// checkEvery is the element operations between two context checks (well
// under a millisecond for the native kernels).
const checkEvery = 1 << 16

// runState is one execution's mutable state.
type runState struct {
	p      *Plan
	ctx    context.Context
	lim    exec.Limits
	budget *exec.Budget
	vals   []*tensor.Tensor
	slots  [][]byte
	work   int64
	next   int64
	flops  int64
	steps  int64
	peak   int64
}

func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return diag.New(diag.Limit, "limit.deadline", diag.Pos{}, "the program ran past its deadline").
				WithHint("raise --timeout or give the program less work")
		}
		return diag.New(diag.Limit, "limit.cancelled", diag.Pos{}, "execution was cancelled")
	}
	return nil
}

// meter charges n element operations and checks the context every
// checkEvery of them.
func (r *runState) meter(n int64) error {
	r.work += n
	if r.work < r.next {
		return nil
	}
	r.next = r.work + checkEvery
	return ctxErr(r.ctx)
}

// Run executes the plan. Inputs are not modified; outputs are fresh
// tensors, or an input itself when the function returns it unchanged.
func (p *Plan) Run(ctx context.Context, inputs []*tensor.Tensor, lim exec.Limits) ([]*tensor.Tensor, exec.Stats, error) {
	lim = lim.WithDefaults()
	if len(inputs) != len(p.ins) {
		return nil, exec.Stats{}, diag.New(diag.InvalidInput, "input.count", p.fn.Pos, "@%s takes %d inputs, got %d", p.fn.Name, len(p.ins), len(inputs))
	}
	// A run's state and buffers come from a pool: a steady stream of
	// calls allocates little beyond the outputs.
	a := p.getArena()
	defer p.putArena(a)
	a.budget = exec.Budget{Limit: lim.MaxMemory}
	r := &a.r
	*r = runState{p: p, ctx: ctx, lim: lim, vals: a.vals, next: checkEvery, budget: &a.budget}
	copy(r.vals, a.prebuilt)
	for i, t := range inputs {
		v := p.ins[i]
		// The reference's rules; with the plan's static argument types
		// they fix dtype and shape exactly.
		if err := exec.CheckInput(p.fn, i, t); err != nil {
			return nil, r.stats(), err
		}
		if !slices.Contains(inputs[:i], t) { // the same tensor twice is held once
			if err := r.budget.Reserve(int64(len(t.Data))); err != nil {
				return nil, r.stats(), err
			}
		}
		r.vals[v.id] = t
	}
	r.steps = 1 + p.calls
	if r.steps > lim.MaxSteps {
		e := exec.StepLimitError(lim.MaxSteps)
		e.Pos = p.fn.Pos
		return nil, r.stats(), e
	}
	if err := r.budget.Reserve(p.peak); err != nil {
		return nil, r.stats(), err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, r.stats(), err
	}
	r.slots = a.hdr
	for i, sz := range p.slots {
		if p.escape[i] {
			r.slots[i] = make([]byte, sz) // holds an output: the caller keeps it
		} else {
			r.slots[i] = a.slots[i]
		}
	}
	outs := make([]*tensor.Tensor, len(p.outs))
	if err := r.runSteps(a.scratch, outs); err != nil {
		return nil, r.stats(), err
	}
	for i, v := range p.outs {
		if v.konst != nil {
			outs[i] = outs[i].Clone()
		}
	}
	return outs, r.stats(), nil
}

// runSteps runs the schedule and fills outs.
func (r *runState) runSteps(scratch []byte, outs []*tensor.Tensor) error {
	for _, st := range r.p.steps {
		if err := r.runStep(st, scratch); err != nil {
			return err
		}
	}
	for i, v := range r.p.outs {
		outs[i] = r.get(v)
	}
	return nil
}

// frame runs one region's plan many times (a loop's cond or body)
// without allocating: it holds one or two complete buffer sets, outputs
// included, and alternates between them so that the results of one call
// can be the inputs of the next.
type frame struct {
	p    *Plan
	r    runState
	sets []frameSet
	flip int
	outs []*tensor.Tensor
}

type frameSet struct {
	slots   [][]byte
	vals    []*tensor.Tensor // prebuilt tensors of the slot values
	scratch []byte
}

// frameBytes is what a frame of n sets holds.
func (p *Plan) frameBytes(n int) int64 { return cost.SatMul(int64(n), p.peak) }

func newFrame(p *Plan, nsets int) *frame {
	f := &frame{p: p, sets: make([]frameSet, nsets), outs: make([]*tensor.Tensor, len(p.outs))}
	f.r.vals = make([]*tensor.Tensor, p.nvals)
	for i := range f.sets {
		s := &f.sets[i]
		s.slots = make([][]byte, len(p.slots))
		for j, sz := range p.slots {
			s.slots[j] = make([]byte, sz)
		}
		if p.scratch > 0 {
			s.scratch = make([]byte, p.scratch)
		}
		s.vals = make([]*tensor.Tensor, p.nvals)
		for _, v := range p.slotVals {
			s.vals[v.id] = &tensor.Tensor{DType: v.dt, Shape: v.shape, Data: s.slots[v.slot][:v.bytes]}
		}
	}
	return f
}

// runNested runs f's plan, a region, inside parent's run: one step (a
// region call, as the reference counts it) plus the plan's inlined calls,
// with parent's meters and budget. The caller has reserved the frame's
// memory and vouches for the inputs' types. The outputs stay valid until
// the call after next.
func (f *frame) runNested(parent *runState, inputs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	p := f.p
	parent.steps += 1 + p.calls
	if parent.steps > parent.lim.MaxSteps {
		return nil, exec.StepLimitError(parent.lim.MaxSteps)
	}
	if parent.steps&255 == 0 {
		if err := ctxErr(parent.ctx); err != nil {
			return nil, err
		}
	}
	set := &f.sets[f.flip]
	f.flip = (f.flip + 1) % len(f.sets)
	if p.opts.PoisonBuffers {
		for j, b := range set.slots {
			if !p.escape[j] {
				poison(b)
			}
		}
		poison(set.scratch)
	}
	r := &f.r
	vals := r.vals
	*r = runState{p: p, ctx: parent.ctx, lim: parent.lim, budget: parent.budget, vals: vals, slots: set.slots,
		work: parent.work, next: parent.next, flops: parent.flops, steps: parent.steps, peak: parent.peak}
	copy(r.vals, set.vals)
	for i, t := range inputs {
		r.vals[p.ins[i].id] = t
	}
	err := r.runSteps(set.scratch, f.outs)
	parent.work, parent.next, parent.flops, parent.steps, parent.peak = r.work, r.next, r.flops, r.steps, r.peak
	return f.outs, err
}

// arena is one run's reusable buffers: the slots that hold no output and
// the scratch. Every kernel writes each element of its output (and each
// scratch byte it reads) before reading it, so a reused arena is never
// read stale; Options.PoisonBuffers makes tests prove it.
type arena struct {
	slots   [][]byte
	scratch []byte

	r        runState
	budget   exec.Budget
	vals     []*tensor.Tensor // the run's values
	prebuilt []*tensor.Tensor // tensors of the values in pooled slots
	hdr      [][]byte         // the run's slot list (pooled and fresh)
}

func (p *Plan) getArena() *arena {
	a, _ := p.arenas.Get().(*arena)
	if a == nil {
		a = &arena{slots: make([][]byte, len(p.slots)), hdr: make([][]byte, len(p.slots)),
			vals: make([]*tensor.Tensor, p.nvals), prebuilt: make([]*tensor.Tensor, p.nvals)}
		for i, sz := range p.slots {
			if !p.escape[i] {
				a.slots[i] = make([]byte, sz)
			}
		}
		for _, v := range p.slotVals {
			if !p.escape[v.slot] {
				a.prebuilt[v.id] = &tensor.Tensor{DType: v.dt, Shape: v.shape, Data: a.slots[v.slot][:v.bytes]}
			}
		}
		if p.scratch > 0 {
			a.scratch = make([]byte, p.scratch)
		}
		return a
	}
	if p.opts.PoisonBuffers {
		for _, b := range a.slots {
			poison(b)
		}
		poison(a.scratch)
	}
	return a
}

// putArena returns a to the pool holding no reference to the run's
// inputs or outputs.
func (p *Plan) putArena(a *arena) {
	clear(a.vals)
	clear(a.hdr)
	a.r = runState{}
	p.arenas.Put(a)
}

func poison(b []byte) {
	for i := range b {
		b[i] = 0xFF
	}
}

func (r *runState) stats() exec.Stats {
	return exec.Stats{PeakMemory: max(r.budget.Peak(), r.peak), Steps: r.steps, Work: r.work, FLOPs: r.flops}
}

// get returns the tensor of a value: an input, a plan constant, or a view
// of the value's slot (created on first use).
func (r *runState) get(v *value) *tensor.Tensor {
	if v.konst != nil {
		return v.konst
	}
	if t := r.vals[v.id]; t != nil {
		return t
	}
	t := &tensor.Tensor{DType: v.dt, Shape: v.shape, Data: r.slots[v.slot][:v.bytes]}
	r.vals[v.id] = t
	return t
}

func (r *runState) chargeFLOPs(op *ir.Op, n int64) error {
	if n <= 0 {
		return nil
	}
	if n > cost.Unbounded-r.flops {
		r.flops = cost.Unbounded
	} else {
		r.flops += n
	}
	if r.lim.MaxFLOPs > 0 && r.flops > r.lim.MaxFLOPs {
		return diag.New(diag.Limit, "limit.flops", op.Pos,
			"the program ran more than %s FLOPs, the limit", cost.FormatCount(r.lim.MaxFLOPs)).
			WithOp(op.Name).WithHint("raise --max-flops if the work is expected")
	}
	return nil
}

func (r *runState) runStep(st *step, scratch []byte) error {
	if err := ctxErr(r.ctx); err != nil {
		return err
	}
	n := st.n
	if n.fb != nil {
		return r.runFallback(n)
	}
	if err := r.chargeFLOPs(n.op, st.fl); err != nil {
		return err
	}
	if st.grp != nil {
		return r.runGroup(st.grp, scratch)
	}
	if n.nat.kind == kWhile {
		return r.runWhile(n, n.nat)
	}
	out := r.get(n.out[0])
	var insBuf [4]*tensor.Tensor
	ins := insBuf[:0]
	for _, v := range n.in {
		ins = append(ins, r.get(v))
	}
	var err error
	switch k := n.nat; k.kind {
	case kEW:
		err = r.runEW(k, out, ins)
	case kCopy:
		copy(out.Data, ins[0].Data)
		err = r.meter(n.out[0].n)
	case kStrided:
		err = r.strided(k, out, ins[0])
	case kConcat:
		err = r.concat(k, out, ins)
	case kReduce:
		err = r.reduce(k, out, ins[0], ins[1])
	case kIota:
		err = r.iota(k, out)
	case kGather:
		err = r.gatherRows(out, ins[0], ins[1])
	case kDot:
		err = r.dot(k, out, ins[0], ins[1], scratch)
	case kConv:
		err = r.conv(k, out, ins[0], ins[1], scratch)
	case kWindow:
		err = r.window(k, out, ins[0], ins[1], scratch)
	}
	if err != nil {
		d := diag.As(err)
		if !d.Pos.Known() {
			d.Pos = n.op.Pos
		}
		if d.Op == "" {
			d.Op = n.op.Name
		}
		return d
	}
	return nil
}

func (r *runState) runEW(k *native, out *tensor.Tensor, ins []*tensor.Tensor) error {
	total := out.NumElements()
	chunk := int64(r.p.opts.ChunkElems)
	src := make([][]byte, len(ins))
	osz := int64(k.odt.Size())
	for s := int64(0); s < total; s += chunk {
		e := min(total, s+chunk)
		for i, t := range ins {
			es := int64(t.DType.Size())
			src[i] = t.Data[s*es : e*es]
		}
		evalEW(k, int(e-s), out.Data[s*osz:e*osz], src)
		if err := r.meter(e - s); err != nil {
			return err
		}
	}
	return nil
}

// runGroup evaluates a fused chain chunk by chunk: members write their
// chunk to scratch, the root to the output; no intermediate is
// materialised. Views are gathered into scratch per chunk (splats once).
// Large chains are split into contiguous ranges run by the plan's
// threads, each with its own scratch: every element is computed the same
// way whatever the thread count.
func (r *runState) runGroup(g *group, scratch []byte) error {
	out := r.get(g.out)
	total := g.out.n
	per := g.scratchPer()
	parts := g.parts(r.p.threads)
	chunk := g.chunk
	if int64(len(scratch)) < parts*per {
		return diag.New(diag.Internal, "internal.plan", diag.Pos{}, "fused chain scratch too small")
	}
	if parts <= 1 {
		// no allocation for small groups: loop bodies run them often
		var srcBuf [8]*tensor.Tensor
		src := srcBuf[:0]
		if len(g.srcs) > len(srcBuf) {
			src = make([]*tensor.Tensor, 0, len(g.srcs))
		}
		for _, s := range g.srcs {
			src = append(src, r.get(s.v))
		}
		w, err := r.groupRange(g, scratch[:per], src, out, 0, total, true)
		r.work += w
		return err
	}
	src := make([]*tensor.Tensor, len(g.srcs))
	for k, s := range g.srcs {
		src[k] = r.get(s.v)
	}
	// ranges of whole chunks
	chunks := (total + chunk - 1) / chunk
	err := r.parallel(int(parts), func(t int) (int64, error) {
		lo, hi := min(total, chunks*int64(t)/parts*chunk), min(total, chunks*int64(t+1)/parts*chunk)
		return r.groupRange(g, scratch[int64(t)*per:int64(t+1)*per], src, out, lo, hi, false)
	})
	if err != nil {
		return err
	}
	return r.meter(0)
}

// parallel runs fn(0), …, fn(parts−1) on their own goroutines, adds the
// work they report to the meter's count and returns the first error. The
// workers check the context themselves (r.meter is not safe for them).
func (r *runState) parallel(parts int, fn func(t int) (int64, error)) error {
	errs := make([]error, parts)
	work := make([]int64, parts)
	var wg sync.WaitGroup
	for t := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work[t], errs[t] = fn(t)
		}()
	}
	wg.Wait()
	for _, w := range work {
		r.work += w
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctxErr(r.ctx)
}

// parallelMin is the fewest elements an op is split across threads for.
const parallelMin = 1 << 17

// groupRange evaluates elements [lo, hi) of g and returns the work done.
// With metered set it charges r's meter as it goes; otherwise (a worker
// of a parallel run) it only checks the context.
func (r *runState) groupRange(g *group, scratch []byte, src []*tensor.Tensor, out *tensor.Tensor, lo, hi int64, metered bool) (int64, error) {
	chunk := g.chunk
	buf := func(i int) []byte { return scratch[int64(i)*chunk*8 : int64(i+1)*chunk*8] }
	for k, s := range g.srcs {
		if s.splat {
			es := s.v.dt.Size()
			fillSplat(buf(s.buf), src[k].Data[s.view.base*int64(es):], es, int(min(chunk, hi-lo)))
		}
	}
	if len(g.members) <= 8 && g.maxIn <= 4 { // on the stack: no allocation per call
		var argBuf [8][4][]byte
		var argsBuf [8][][]byte
		for i, m := range g.members {
			argsBuf[i] = argBuf[i][:len(m.in)]
		}
		return r.groupChunks(g, argsBuf[:len(g.members)], buf, src, out, lo, hi, metered)
	}
	args := make([][][]byte, len(g.members))
	for i, m := range g.members {
		args[i] = make([][]byte, len(m.in))
	}
	return r.groupChunks(g, args, buf, src, out, lo, hi, metered)
}

// groupChunks is groupRange's loop over chunks; args holds each member's
// operand slices.
func (r *runState) groupChunks(g *group, args [][][]byte, buf func(int) []byte, src []*tensor.Tensor, out *tensor.Tensor, lo, hi int64, metered bool) (int64, error) {
	chunk := g.chunk
	osz := int64(out.DType.Size())
	var work int64
	for s := lo; s < hi; s += chunk {
		e := min(hi, s+chunk)
		for k, sc := range g.srcs {
			if sc.view != nil && !sc.splat {
				gatherView(buf(sc.buf), src[k].Data, sc.view, sc.shape, int64(sc.v.dt.Size()), s, e)
			}
		}
		for i, m := range g.members {
			for j, ref := range g.refs[i] {
				switch {
				case ref >= 0:
					args[i][j] = buf(ref)
				case g.srcs[-1-ref].view != nil:
					args[i][j] = buf(g.srcs[-1-ref].buf)
				default:
					t := src[-1-ref]
					es := int64(t.DType.Size())
					args[i][j] = t.Data[s*es : e*es]
				}
			}
			dst := buf(i)
			if i == len(g.members)-1 {
				dst = out.Data[s*osz : e*osz]
			}
			evalEW(m.nat, int(e-s), dst, args[i])
		}
		n := (e - s) * int64(len(g.members))
		if metered {
			if err := r.meter(n); err != nil {
				return 0, err
			}
			continue
		}
		work += n
		if (s/chunk)%64 == 63 {
			if err := ctxErr(r.ctx); err != nil {
				return work, err
			}
		}
	}
	return work, nil
}

// fillSplat writes cnt copies of the es-byte element at the start of elem.
func fillSplat(dst, elem []byte, es, cnt int) {
	copy(dst[:es], elem[:es])
	for filled := es; filled < cnt*es; filled *= 2 {
		copy(dst[filled:cnt*es], dst[:filled])
	}
}

// gatherView writes elements [s, e) of the strided view sc of in to dst:
// element at out index idx is in[base + Σ idx[d]·istr[d]], a run of the
// last dimension at a time.
func gatherView(dst, in []byte, k *native, shape []int64, es, s, e int64) {
	rank := len(shape)
	if rank == 0 {
		copy(dst[:es], in[k.base*es:(k.base+1)*es])
		return
	}
	// multi-index of s
	var idxBuf [8]int64
	var idx []int64
	if rank > len(idxBuf) {
		idx = make([]int64, rank)
	} else {
		idx = idxBuf[:rank]
	}
	rem := s
	for d := rank - 1; d >= 0; d-- {
		idx[d] = rem % shape[d]
		rem /= shape[d]
	}
	inner := shape[rank-1]
	is := k.istr[rank-1]
	for pos := s; pos < e; {
		off := k.base
		for d := 0; d < rank; d++ {
			off += idx[d] * k.istr[d]
		}
		run := min(inner-idx[rank-1], e-pos)
		o := (pos - s) * es
		switch {
		case is == 1:
			copy(dst[o:o+run*es], in[off*es:(off+run)*es])
		case is == 0:
			fillSplat(dst[o:o+run*es], in[off*es:], int(es), int(run))
		default:
			gatherStrided(dst[o:o+run*es], in, off, is, run, es)
		}
		pos += run
		idx[rank-1] += run
		for d := rank - 1; d > 0 && idx[d] >= shape[d]; d-- {
			idx[d] = 0
			idx[d-1]++
		}
	}
}

func gatherStrided(dst, in []byte, off, is, run, es int64) {
	switch es {
	case 4:
		d4, s4 := f32s(dst), f32s(in)
		for j := int64(0); j < run; j++ {
			d4[j] = s4[off+j*is]
		}
	case 8:
		d8, s8 := f64s(dst), f64s(in)
		for j := int64(0); j < run; j++ {
			d8[j] = s8[off+j*is]
		}
	default:
		for j := int64(0); j < run; j++ {
			p := (off + j*is) * es
			copy(dst[j*es:(j+1)*es], in[p:p+es])
		}
	}
}

// runFallback runs a node through the reference executor with what is
// left of the budgets.
func (r *runState) runFallback(n *node) error {
	fb := n.fb
	ins := make([]*tensor.Tensor, len(fb.args))
	var inBytes int64
	seen := map[*tensor.Tensor]bool{}
	for i, v := range fb.args {
		ins[i] = r.get(v)
		if !seen[ins[i]] {
			seen[ins[i]] = true
			inBytes += int64(len(ins[i].Data))
		}
	}
	sub := r.lim
	sub.MaxMemory = max(1, r.lim.MaxMemory-r.budget.Used()+inBytes)
	// The sub-run counts its own invocation as a step; the program made
	// no such call, so that step is not charged (and is allowed for).
	sub.MaxSteps = max(1, r.lim.MaxSteps-r.steps+1)
	if r.lim.MaxFLOPs > 0 {
		sub.MaxFLOPs = max(1, r.lim.MaxFLOPs-r.flops)
	}
	outs, st, err := exec.Run(r.ctx, r.p.m, fb.fn, ins, sub)
	r.steps += max(0, st.Steps-1)
	r.work += st.Work
	r.flops += st.FLOPs
	r.peak = max(r.peak, r.budget.Used()-inBytes+st.PeakMemory)
	if err != nil {
		if d := diag.As(err); d.Rule == "limit.steps" || d.Rule == "limit.flops" || d.Rule == "limit.memory" {
			return d // the same limit, seen from the whole program
		}
		return err
	}
	if len(outs) != len(n.out) {
		return diag.New(diag.Internal, "internal.plan", n.op.Pos, "fallback for %s returned %d values, want %d", n.op.Name, len(outs), len(n.out))
	}
	for i, v := range n.out {
		if outs[i].DType != v.dt || int64(len(outs[i].Data)) != v.bytes {
			return diag.New(diag.Internal, "internal.plan", n.op.Pos, "fallback for %s gave %s%v, want %s", n.op.Name, outs[i].DType, outs[i].Shape, v.typ)
		}
		copy(r.get(v).Data, outs[i].Data)
	}
	return nil
}

// strided copies out[idx] = in[base + Σ idx[d]·istr[d]] (broadcast,
// transpose, slice) in metered blocks, with the fused chains' view
// gatherer.
func (r *runState) strided(k *native, out, in *tensor.Tensor) error {
	es := int64(out.DType.Size())
	total := out.NumElements()
	const block = 1 << 16
	for s := int64(0); s < total; s += block {
		e := min(total, s+block)
		gatherView(out.Data[s*es:e*es], in.Data, k, out.Shape, es, s, e)
		if err := r.meter(e - s); err != nil {
			return err
		}
	}
	return nil
}

func (r *runState) concat(k *native, out *tensor.Tensor, ins []*tensor.Tensor) error {
	es := int64(out.DType.Size())
	outer := int64(1)
	for _, d := range out.Shape[:k.axis] {
		outer *= d
	}
	var dst int64
	for o := int64(0); o < outer; o++ {
		for _, t := range ins {
			blk := int64(len(t.Data)) / outer // the loop runs only with outer > 0
			copy(out.Data[dst:dst+blk], t.Data[o*blk:(o+1)*blk])
			dst += blk
			if err := r.meter(blk / es); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *runState) dot(k *native, out, lhs, rhs *tensor.Tensor, scratch []byte) error {
	ds := k.dot
	if ds.lperm != nil {
		t := &tensor.Tensor{DType: lhs.DType, Shape: ds.lperm.shape, Data: scratch[:len(lhs.Data)]}
		scratch = scratch[len(lhs.Data):]
		if err := r.strided(ds.lperm, t, lhs); err != nil {
			return err
		}
		lhs = t
	}
	if ds.rperm != nil {
		t := &tensor.Tensor{DType: rhs.DType, Shape: ds.rperm.shape, Data: scratch[:len(rhs.Data)]}
		if err := r.strided(ds.rperm, t, rhs); err != nil {
			return err
		}
		rhs = t
	}
	opts := gemm.Options{TransA: ds.transA, TransB: ds.transB, Threads: r.p.opts.Threads, Check: func() error { return ctxErr(r.ctx) }}
	lda, ldb := ds.k, ds.n
	if ds.transA {
		lda = ds.m
	}
	if ds.transB {
		ldb = ds.k
	}
	as, bs, cs := ds.m*ds.k, ds.k*ds.n, ds.m*ds.n
	for b := 0; b < ds.batch; b++ {
		var err error
		if k.dt == tensor.F32 {
			a, bb, c := f32s(lhs.Data), f32s(rhs.Data), f32s(out.Data)
			err = gemm.SGEMM(ds.m, ds.n, ds.k, a[b*as:(b+1)*as], lda, bb[b*bs:(b+1)*bs], ldb, c[b*cs:(b+1)*cs], ds.n, opts)
		} else {
			a, bb, c := f64s(lhs.Data), f64s(rhs.Data), f64s(out.Data)
			err = gemm.DGEMM(ds.m, ds.n, ds.k, a[b*as:(b+1)*as], lda, bb[b*bs:(b+1)*bs], ldb, c[b*cs:(b+1)*cs], ds.n, opts)
		}
		if err != nil {
			if d := diag.As(err); d.Kind == diag.Limit {
				return d
			}
			return diag.New(diag.Internal, "internal.gemm", diag.Pos{}, "%v", err)
		}
		if err := r.meter(int64(cs)); err != nil {
			return err
		}
	}
	return nil
}
