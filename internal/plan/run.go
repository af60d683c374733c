package plan

import (
	"context"
	"errors"

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
	budget exec.Budget
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

func withDefaults(l exec.Limits) exec.Limits {
	d := exec.DefaultLimits()
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxCallDepth <= 0 {
		l.MaxCallDepth = d.MaxCallDepth
	}
	return l
}

// Run executes the plan. Inputs are not modified; outputs are fresh
// tensors, or an input itself when the function returns it unchanged.
func (p *Plan) Run(ctx context.Context, inputs []*tensor.Tensor, lim exec.Limits) ([]*tensor.Tensor, exec.Stats, error) {
	lim = withDefaults(lim)
	r := &runState{p: p, ctx: ctx, lim: lim, vals: make([]*tensor.Tensor, p.nvals), next: checkEvery}
	r.budget.Limit = lim.MaxMemory
	if len(inputs) != len(p.ins) {
		return nil, exec.Stats{}, diag.New(diag.InvalidInput, "input.count", p.fn.Pos, "@%s takes %d inputs, got %d", p.fn.Name, len(p.ins), len(inputs))
	}
	seen := map[*tensor.Tensor]bool{}
	for i, t := range inputs {
		v := p.ins[i]
		if t == nil {
			return nil, r.stats(), diag.New(diag.InvalidInput, "input.missing", p.fn.Pos, "input %d is missing", i)
		}
		if t.DType != v.dt || !sameShape(t.Shape, v.shape) {
			return nil, r.stats(), diag.New(diag.InvalidInput, "input.shape", p.fn.Pos, "input %d must have type %s, got %s%v", i, v.typ, t.DType, t.Shape)
		}
		if err := t.Validate(); err != nil {
			return nil, r.stats(), err
		}
		if !seen[t] {
			seen[t] = true
			if err := r.budget.Reserve(int64(len(t.Data))); err != nil {
				return nil, r.stats(), err
			}
		}
		r.vals[v.id] = t
	}
	r.steps = 1 + p.calls
	if r.steps > lim.MaxSteps {
		return nil, r.stats(), diag.New(diag.Limit, "limit.steps", p.fn.Pos, "the program took more than %d steps (loop iterations and region calls)", lim.MaxSteps)
	}
	if err := r.budget.Reserve(p.peak); err != nil {
		return nil, r.stats(), err
	}
	if err := ctxErr(ctx); err != nil {
		return nil, r.stats(), err
	}
	r.slots = make([][]byte, len(p.slots))
	for i, sz := range p.slots {
		r.slots[i] = make([]byte, sz)
	}
	var scratch []byte
	if p.scratch > 0 {
		scratch = make([]byte, p.scratch)
	}
	for _, st := range p.steps {
		if err := r.runStep(st, scratch); err != nil {
			return nil, r.stats(), err
		}
	}
	outs := make([]*tensor.Tensor, len(p.outs))
	for i, v := range p.outs {
		t := r.get(v)
		if v.konst != nil {
			t = t.Clone()
		}
		outs[i] = t
	}
	return outs, r.stats(), nil
}

func sameShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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
	out := r.get(n.out[0])
	ins := make([]*tensor.Tensor, len(n.in))
	for i, v := range n.in {
		ins[i] = r.get(v)
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
	case kDot:
		err = r.dot(k, out, ins[0], ins[1])
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
// materialised.
func (r *runState) runGroup(g *group, scratch []byte) error {
	out := r.get(g.out)
	total := g.out.n
	chunk := int64(r.p.opts.ChunkElems)
	pos := map[*value]int{}
	for i, m := range g.members {
		pos[m.out[0]] = i
	}
	ext := map[*value]*tensor.Tensor{}
	for _, v := range g.ext {
		ext[v] = r.get(v)
	}
	bufs := make([][]byte, len(g.members))
	for i := range g.members {
		bufs[i] = scratch[int64(i)*chunk*8 : int64(i+1)*chunk*8]
	}
	srcs := make([][][]byte, len(g.members))
	for i, m := range g.members {
		srcs[i] = make([][]byte, len(m.in))
	}
	for s := int64(0); s < total; s += chunk {
		e := min(total, s+chunk)
		for i, m := range g.members {
			for j, v := range m.in {
				if t, ok := ext[v]; ok {
					es := int64(t.DType.Size())
					srcs[i][j] = t.Data[s*es : e*es]
				} else {
					srcs[i][j] = bufs[pos[v]]
				}
			}
			dst := bufs[i]
			if i == len(g.members)-1 {
				osz := int64(out.DType.Size())
				dst = out.Data[s*osz : e*osz]
			}
			evalEW(m.nat, int(e-s), dst, srcs[i])
		}
		if err := r.meter((e - s) * int64(len(g.members))); err != nil {
			return err
		}
	}
	return nil
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
	sub.MaxSteps = max(1, r.lim.MaxSteps-r.steps)
	if r.lim.MaxFLOPs > 0 {
		sub.MaxFLOPs = max(1, r.lim.MaxFLOPs-r.flops)
	}
	outs, st, err := exec.Run(r.ctx, r.p.m, fb.fn, ins, sub)
	r.steps += st.Steps
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
// transpose, slice), a row of the last dimension at a time.
func (r *runState) strided(k *native, out, in *tensor.Tensor) error {
	es := int64(out.DType.Size())
	rank := len(out.Shape)
	total := out.NumElements()
	if total == 0 {
		return nil
	}
	if rank == 0 {
		copy(out.Data, in.Data[k.base*es:(k.base+1)*es])
		return nil
	}
	inner := out.Shape[rank-1]
	is := k.istr[rank-1]
	idx := make([]int64, rank)
	for o := int64(0); o < total; o += inner {
		off := k.base
		for d := 0; d < rank-1; d++ {
			off += idx[d] * k.istr[d]
		}
		dst := out.Data[o*es : (o+inner)*es]
		switch {
		case is == 1:
			copy(dst, in.Data[off*es:(off+inner)*es])
		case is == 0:
			e := in.Data[off*es : (off+1)*es]
			for j := int64(0); j < inner; j++ {
				copy(dst[j*es:], e)
			}
		default:
			switch es {
			case 4:
				d4, s4 := f32s(dst), f32s(in.Data)
				for j := int64(0); j < inner; j++ {
					d4[j] = s4[off+j*is]
				}
			case 8:
				d8, s8 := f64s(dst), f64s(in.Data)
				for j := int64(0); j < inner; j++ {
					d8[j] = s8[off+j*is]
				}
			default:
				for j := int64(0); j < inner; j++ {
					s := (off + j*is) * es
					copy(dst[j*es:(j+1)*es], in.Data[s:s+es])
				}
			}
		}
		for d := rank - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < out.Shape[d] {
				break
			}
			idx[d] = 0
		}
		if err := r.meter(inner); err != nil {
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
			blk := int64(len(t.Data)) / max(outer, 1)
			if outer == 0 {
				break
			}
			copy(out.Data[dst:dst+blk], t.Data[o*blk:(o+1)*blk])
			dst += blk
			if err := r.meter(blk / es); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *runState) dot(k *native, out, lhs, rhs *tensor.Tensor) error {
	ds := k.dot
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
