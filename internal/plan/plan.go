// Package plan is the fast engine's plan compiler: it turns one verified
// function with static shapes into an immutable Plan — a linear schedule of
// kernels over statically assigned buffer slots — that any number of
// goroutines may Run at once. Prepare wraps it for callers: functions the
// planner refuses (value-dependent shapes, probes, programs past its caps)
// run on the reference executor instead, under the same meters.
//
// # Passes
//
// Compile builds a flat value graph of the entry function (inlining
// func.call up to Options.MaxInlineDepth and Options.MaxNodes) and then runs
// the passes of the passes table in order, each linear (or n log n) in the
// number of nodes: lowering to kernels, constant folding of small results
// (through the reference kernels, under FLOP and byte caps), algebraic
// simplification (identities exact under IEEE: x·1, x−0, double negation,
// no-op layout changes), common-subexpression elimination of identical pure ops, dead-code
// elimination, fusion of elementwise chains — with broadcasts, transposes
// and slices that feed a chain read through as views, never materialised —
// and scheduling with liveness-based buffer reuse and in-place updates.
// With Options.CheckPasses set, a graph checker runs after every pass
// (tests set it), like Go's SSA "check" pass. BenchmarkCompile shows the
// time per op flat from 10^3 to 10^5 ops.
//
// # Kernels
//
// Native kernels: fused elementwise chains evaluated in cache-sized chunks
// on the vectorized kernels of internal/kernels/vmath (f32) or, for the
// ops those lack, the reference's own per-element functions
// (exec.Scalar: same results bit for bit); dot_general on the packed GEMM
// of internal/kernels/gemm, operands permuted into GEMM layout when they
// are not already; convolution (im2col + GEMM); reduce and reduce_window
// with add/max/min/multiply bodies; layout copies; iota; and while loops,
// whose cond and body are plans of their own run from preallocated
// frames. Every other op runs through the reference executor
// (internal/exec) as a one-op sub-function — slow but exactly the
// reference's semantics — with the values its regions capture passed as
// extra arguments.
//
// # Threads and determinism
//
// GEMMs, large fused chains and reductions with many output elements are
// split across Options.Threads workers; each output element is computed
// the same way at every thread count, so results never depend on it.
// Loop bodies run single-threaded.
//
// # Memory
//
// Every materialised value lives in a slot; slots are reused once a value
// is dead (best fit, growing the largest free slot before adding one).
// PeakBytes is the sum of slot sizes plus the largest kernel scratch
// (chunk buffers per thread, im2col, permuted GEMM operands). Run reserves
// inputs plus PeakBytes against the memory limit before it allocates
// anything; loops reserve their frames; fallback sub-runs get what is
// left of the budget. Buffers that hold no output are pooled between runs:
// every kernel writes each element before reading it (Options.PoisonBuffers
// lets the tests prove it), so no run sees another's data.
package plan

import (
	"fmt"
	"sync"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Options tune compilation. Zero fields take defaults.
type Options struct {
	MaxInlineDepth int   // nested func.call inlining depth (default 32)
	MaxNodes       int   // ops after inlining (default 1<<17)
	FoldMaxBytes   int64 // largest folded constant (default 64 KiB)
	FoldMaxTotal   int64 // all folded constants together (default 1 MiB)
	FoldMaxFLOPs   int64 // most FLOPs one folded op may cost (default 1<<20)
	ChunkElems     int   // fused chain chunk (default 4096)
	Threads        int   // GEMM workers (0: GOMAXPROCS)
	NoFusion       bool  // disable the fuse pass
	NoFold         bool  // fold constants only, not ops over them (tests: exercise the kernels)
	NoNative       bool  // run every op through the fallback (tests)
	PoisonBuffers  bool  // fill reused buffers with 0xFF before each run (tests)
	CheckPasses    bool  // run the graph checker after every pass
}

func (o Options) withDefaults() Options {
	if o.MaxInlineDepth <= 0 {
		o.MaxInlineDepth = 32
	}
	if o.MaxNodes <= 0 {
		o.MaxNodes = 1 << 17
	}
	if o.FoldMaxBytes <= 0 {
		o.FoldMaxBytes = 64 << 10
	}
	if o.FoldMaxTotal <= 0 {
		o.FoldMaxTotal = 1 << 20
	}
	if o.FoldMaxFLOPs <= 0 {
		o.FoldMaxFLOPs = 1 << 20
	}
	if o.ChunkElems <= 0 {
		o.ChunkElems = 4096
	}
	return o
}

// value is one SSA tensor value of the flattened graph.
type value struct {
	id    int
	typ   *ir.TensorType
	dt    tensor.DType
	shape []int64
	n     int64 // elements
	bytes int64
	def   *node // nil for inputs and constants
	konst *tensor.Tensor
	uses  int // reads by live steps plus function outputs
	slot  int // -1: none (input, constant, fused intermediate)
}

// node is one op instance (an op of an inlined callee appears once per
// call site).
type node struct {
	op   *ir.Op
	in   []*value
	capt []*value // values captured by the op's regions (fallback args)
	out  []*value
	dead bool
	fb   *fallback
	nat  *native // nil: fallback
	fl   int64   // FLOPs by the cost table (native nodes)
	grp  *group  // the fused group this node belongs to, if any
}

type graph struct {
	m      *ir.Module
	fn     *ir.Func
	opts   Options
	vals   []*value
	nodes  []*node
	ins    []*value
	outs   []*value
	steps  int64 // inlined calls (for Stats.Steps)
	folded int64
	depth  int                  // region nesting (while bodies) of this graph
	total  *int                 // nodes of this graph and all nested ones
	outer  map[*ir.Value]*value // a region graph's captured values
}

func (g *graph) newValue(t ir.Type) (*value, error) {
	tt := ir.Tensor(t)
	if tt == nil {
		return nil, unsupported("value of type %s (only tensors are planned)", t)
	}
	if !tt.IsStatic() {
		return nil, unsupported("dynamic shape %s", tt)
	}
	d := tt.Elem.StorageDType()
	n, ok := tt.NumElements()
	if !ok {
		return nil, unsupported("shape %s overflows", tt)
	}
	b, err := tensor.ByteSize(d, tt.Shape)
	if err != nil {
		return nil, unsupported("type %s: %v", tt, err)
	}
	v := &value{id: len(g.vals), typ: tt, dt: d, shape: tt.Shape, n: n, bytes: b, slot: -1}
	g.vals = append(g.vals, v)
	return v, nil
}

func unsupported(format string, args ...any) error {
	return diag.New(diag.Rejected, "plan.unsupported", diag.Pos{}, "plan: "+format, args...)
}

// Plan is a compiled function. It is immutable and safe for concurrent use.
type Plan struct {
	m        *ir.Module
	fn       *ir.Func
	opts     Options
	ins      []*value
	outs     []*value
	steps    []*step
	slots    []int64  // slot sizes in bytes
	escape   []bool   // slot holds an output: allocated afresh by every run
	slotVals []*value // values that live in slots
	arenas   sync.Pool
	scratch  int64 // fused-chain scratch bytes
	peak     int64
	extra    int64 // beyond peak: loop frames, fallback sub-runs (see StaticPeak)
	nvals    int
	threads  int // workers for large elementwise ops and reductions
	calls    int64
}

// PeakBytes is the memory the plan reserves when it starts, beyond its
// inputs: its slots and scratch.
func (p *Plan) PeakBytes() int64 { return p.peak }

// StaticPeak bounds the memory the plan can hold at once beyond its
// inputs: PeakBytes, plus the frames of its loops and what its per-op
// fallbacks hold beside them (cost.Unbounded if one of those is). A run's
// Stats.PeakMemory never exceeds the inputs' bytes plus StaticPeak: this
// is the plan engine's static memory bound, as cost.Report.PeakMemory is
// the reference executor's.
func (p *Plan) StaticPeak() int64 {
	if p.extra == cost.Unbounded {
		return cost.Unbounded
	}
	return cost.SatAdd(p.peak, p.extra)
}

// Stats counts what the plan does natively and through the fallback.
type Stats struct {
	Steps, Native, Fallback, Fused, FusedOps, Slots int
	Folded                                          int64
	FallbackOps                                     []string // ops of the fallback steps
}

// Describe reports the plan's shape (for tests and logs).
func (p *Plan) Describe() Stats {
	var s Stats
	s.Steps = len(p.steps)
	s.Slots = len(p.slots)
	for _, st := range p.steps {
		switch {
		case st.grp != nil:
			s.Fused++
			s.FusedOps += len(st.grp.members)
			s.Native++
		case st.n.nat != nil:
			s.Native++
		default:
			s.Fallback++
			s.FallbackOps = append(s.FallbackOps, st.n.op.Name)
		}
	}
	return s
}

// pass is one named compilation pass.
type pass struct {
	name string
	fn   func(*graph) error
}

// passes run in this order: fold before CSE (folded constants then
// compare by value), CSE before DCE (duplicates become dead), DCE before
// fusion (use counts are final), fusion before scheduling.
var passes []pass

func init() { // not a plain initialiser: lowering compiles loop regions, which runs the passes
	passes = []pass{
		{"lower", lowerPass},
		{"fold", foldPass},
		{"simplify", simplifyPass},
		{"cse", csePass},
		{"dce", dcePass},
		{"fuse", fusePass},
	}
}

// Compile plans fn of m. m must be verified; fn must have static shapes.
func Compile(m *ir.Module, fn *ir.Func, opts Options) (*Plan, error) {
	if m == nil || fn == nil || fn.Body == nil || len(fn.Body.Blocks) != 1 {
		return nil, unsupported("function without a single-block body")
	}
	g := &graph{m: m, fn: fn, opts: opts.withDefaults(), total: new(int)}
	for _, a := range fn.Args {
		if _, err := g.addInput(a.Type); err != nil {
			return nil, err
		}
	}
	outs, err := g.build(fn, g.ins, 0)
	if err != nil {
		return nil, err
	}
	g.outs = outs
	return g.compile()
}

func (g *graph) addInput(t ir.Type) (*value, error) {
	v, err := g.newValue(t)
	if err != nil {
		return nil, err
	}
	g.ins = append(g.ins, v)
	return v, nil
}

// compile runs the passes and the scheduler over a built graph.
func (g *graph) compile() (*Plan, error) {
	fn := g.fn
	for _, ps := range passes {
		if err := ps.fn(g); err != nil {
			return nil, fmt.Errorf("plan: pass %s: %w", ps.name, err)
		}
		if g.opts.CheckPasses {
			if err := g.check(); err != nil {
				return nil, diag.New(diag.Internal, "internal.plan", fn.Pos, "plan: after pass %s: %v", ps.name, err)
			}
		}
	}
	return schedule(g)
}

// build flattens fn's body with its arguments bound to args, inlining
// func.call, and returns the values it returns.
func (g *graph) build(fn *ir.Func, args []*value, depth int) ([]*value, error) {
	if depth > g.opts.MaxInlineDepth {
		return nil, diag.New(diag.Rejected, "plan.inline_depth", fn.Pos, "plan: calls nest deeper than %d", g.opts.MaxInlineDepth)
	}
	if fn.Body == nil || len(fn.Body.Blocks) != 1 {
		return nil, unsupported("@%s has no single-block body", fn.Name)
	}
	b := fn.Body.Blocks[0]
	if len(b.Args) != len(args) {
		return nil, unsupported("@%s takes %d arguments, got %d", fn.Name, len(b.Args), len(args))
	}
	env := make(map[*ir.Value]*value, len(b.Args)+len(b.Ops))
	for i, a := range b.Args {
		env[a] = args[i]
	}
	lookup := func(v *ir.Value, op *ir.Op) (*value, error) {
		x, ok := env[v]
		if !ok {
			x, ok = g.outer[v] // a region's capture of an enclosing value
		}
		if !ok {
			return nil, diag.New(diag.Internal, "internal.plan", op.Pos, "plan: value %%%s is not defined before use", v.Name)
		}
		return x, nil
	}
	for _, op := range b.Ops {
		if *g.total >= g.opts.MaxNodes {
			return nil, diag.New(diag.Rejected, "plan.size", op.Pos, "plan: more than %d ops after inlining", g.opts.MaxNodes)
		}
		switch op.Name {
		case "func.return", "stablehlo.return":
			outs := make([]*value, len(op.Operands))
			for i, v := range op.Operands {
				x, err := lookup(v, op)
				if err != nil {
					return nil, err
				}
				outs[i] = x
			}
			return outs, nil
		case "func.call":
			callee, _ := op.Attr("callee").(ir.SymbolRefAttr)
			cf := g.m.Func(string(callee))
			if cf == nil || cf.Body == nil {
				break // the fallback reports it
			}
			cargs := make([]*value, len(op.Operands))
			for i, v := range op.Operands {
				x, err := lookup(v, op)
				if err != nil {
					return nil, err
				}
				cargs[i] = x
			}
			res, err := g.build(cf, cargs, depth+1)
			if err != nil {
				return nil, err
			}
			if len(res) != len(op.Results) {
				return nil, unsupported("@%s returns %d values, call expects %d", cf.Name, len(res), len(op.Results))
			}
			for i, r := range op.Results {
				env[r] = res[i]
			}
			g.steps++
			continue
		}
		if op.Name == "interpreter.probe" || op.Name == "check.expect_serialized_eq" {
			// probes keep state across ops in one executor context, which
			// per-op fallback runs do not share
			return nil, unsupported("%s needs executor-wide probe state", op.Name)
		}
		n := &node{op: op}
		for _, v := range op.Operands {
			x, err := lookup(v, op)
			if err != nil {
				return nil, err
			}
			n.in = append(n.in, x)
		}
		if len(op.Regions) > 0 {
			for _, cv := range captures(op) {
				x, err := lookup(cv, op)
				if err != nil {
					return nil, err
				}
				n.capt = append(n.capt, x)
			}
		}
		for _, r := range op.Results {
			x, err := g.newValue(r.Type)
			if err != nil {
				return nil, err
			}
			x.def = n
			n.out = append(n.out, x)
			env[r] = x
		}
		g.nodes = append(g.nodes, n)
		*g.total++
	}
	return nil, unsupported("@%s has no return", fn.Name)
}

// captures lists, in first-use order, the values op's regions use but do
// not define.
func captures(op *ir.Op) []*ir.Value {
	defined := map[*ir.Value]bool{}
	for _, r := range op.Regions {
		r.Walk(func(o *ir.Op) bool {
			for _, res := range o.Results {
				defined[res] = true
			}
			for _, rr := range o.Regions {
				for _, bb := range rr.Blocks {
					for _, a := range bb.Args {
						defined[a] = true
					}
				}
			}
			return true
		})
		for _, bb := range r.Blocks {
			for _, a := range bb.Args {
				defined[a] = true
			}
		}
	}
	seen := map[*ir.Value]bool{}
	var out []*ir.Value
	for _, r := range op.Regions {
		r.Walk(func(o *ir.Op) bool {
			for _, v := range o.Operands {
				if !defined[v] && !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
			return true
		})
	}
	return out
}

// check verifies the graph's invariants: every live node's inputs are
// defined by an earlier live node, an input or a constant.
func (g *graph) check() error {
	ready := map[*value]bool{}
	for _, v := range g.ins {
		ready[v] = true
	}
	for _, n := range g.nodes {
		if n.dead {
			continue
		}
		reads := [][]*value{n.in, n.capt}
		if n.grp != nil && n.grp.refs != nil {
			// a fused group runs at its root and reads its sources
			if n.grp.out != n.out[0] {
				for _, v := range n.out {
					ready[v] = true
				}
				continue
			}
			reads = [][]*value{n.grp.values()}
		}
		for _, lst := range reads {
			for _, v := range lst {
				if !ready[v] && v.konst == nil {
					return fmt.Errorf("%s reads value %d before it is defined", n.op.Name, v.id)
				}
			}
		}
		for _, v := range n.out {
			ready[v] = true
		}
	}
	for i, v := range g.outs {
		if !ready[v] && v.konst == nil {
			return fmt.Errorf("output %d (value %d) is never defined", i, v.id)
		}
	}
	return nil
}

// flopsOf is the cost table's FLOPs for a node.
func flopsOf(n *node) int64 {
	in := make([]cost.Shape, len(n.in))
	for i, v := range n.in {
		in[i] = v.shape
	}
	out := make([]cost.Shape, len(n.out))
	for i, v := range n.out {
		out[i] = v.shape
	}
	return cost.OpFLOPs(n.op, in, out)
}
