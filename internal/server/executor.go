package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/internal/refine"
	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/tensor"
)

// Executor runs admitted programs: the last step of Infer, after
// admission, quotas and queueing, within the request's deadline. The
// default runs them in this process; SandboxExecutor runs them in a pool of
// sandboxed worker processes. Both must give the same outputs and errors.
type Executor interface {
	Execute(ctx context.Context, job *ExecJob) ([]*tensor.Tensor, exec.Stats, error)
}

// WorkerStats are the counters of an Executor that runs workers.
type WorkerStats struct {
	Live, Starts int64
	// Exits by reason: recycled, crashed, killed, deadline, cancelled,
	// closed.
	Exits map[string]int64
	// CPU is the CPU time the workers reported; SharedFrames counts frames
	// whose tensors crossed in shared memory.
	CPU          time.Duration
	SharedFrames int64
	// Warmed counts programs compiled into replacement workers.
	Warmed int64
}

// workerStatser is implemented by Executors with workers.
type workerStatser interface {
	WorkerStats() WorkerStats
}

// ExecJob is one execution.
type ExecJob struct {
	// Program is the admitted program of the model version.
	Program *ExecProgram
	// Module and Func are what to run: the program's own, or its
	// refinement to these arguments (then Refine holds the refinement's
	// inputs).
	Module *ir.Module
	Func   *ir.Func
	Refine *refine.Inputs
	// Args are the bound weights (the first len(Program.Bound)), then the
	// request's inputs.
	Args    []*tensor.Tensor
	Limits  exec.Limits
	Timeout time.Duration
	// RequestID and Tenant identify the request (for logs).
	RequestID, Tenant string
	// Untrusted: the program is a tenant's own (not the operator's
	// repository). The sandbox runs it in a worker of its own.
	Untrusted bool

	// Set by the executor: the worker that ran the job, and why it left
	// its pool afterwards ("" when it stayed; see sandbox.Exit*).
	Worker     int
	WorkerExit string
	CacheHit   bool
	// Release, when the executor sets it, gives the outputs' memory back
	// to it; the outputs must not be used afterwards (see
	// InferResponse.Release).
	Release func()
}

// ExecProgram is a version's program as an Executor may need it: its
// text, entry function and bound weights.
type ExecProgram struct {
	Source []byte
	Entry  string
	Bound  []*tensor.Tensor

	once sync.Once
	key  [32]byte
	npy  [][]byte
	err  error
	// keyed is set once key is (for Forget, which must not prepare);
	// forgotten once the version is unloaded or replaced.
	keyed, forgotten atomic.Bool
}

// inProcess runs programs in this process: on the fast engine (the
// server's plans, compiled once per function) or on the reference
// executor.
type inProcess struct {
	engine string
	s      *Server
}

// analyze is the static cost of fn. On the fast engine its memory bound is
// the larger of the reference's and the plan's own (inputs plus
// StaticPeak: slots, scratch, loop frames, fallbacks), so that admission
// and the cost-over-bound check hold whichever engine runs the program;
// the plan compiled here is the one that runs it in process.
//
// Programs the server's own limits refuse on the reference's analysis
// are not planned at all: admission rejects them without the work.
func (s *Server) analyze(v *version, m *ir.Module, fn *ir.Func) (*cost.Report, error) {
	rep, err := cost.Analyze(m, fn)
	if err != nil || s.plans == nil || rep.Admit(s.cfg.Limits.budget()) != nil {
		return rep, err
	}
	e, err := s.planFor(v, m, fn)
	if err != nil {
		return nil, err
	}
	if p := e.Plan(); p != nil && rep.PeakMemory != cost.Unbounded {
		adj := *rep
		if sp := p.StaticPeak(); sp == cost.Unbounded {
			adj.PeakMemory = cost.Unbounded
		} else {
			adj.PeakMemory = max(rep.PeakMemory, cost.SatAdd(rep.InputBytes, sp))
		}
		rep = &adj
	}
	return rep, nil
}

func (x *inProcess) Execute(ctx context.Context, job *ExecJob) ([]*tensor.Tensor, exec.Stats, error) {
	if x.engine == EngineReference {
		return exec.Run(ctx, job.Module, job.Func, job.Args, job.Limits)
	}
	e, err := x.s.planFor(nil, job.Module, job.Func)
	if err != nil {
		return nil, exec.Stats{}, err
	}
	return e.Run(ctx, job.Args, job.Limits)
}

// Engines: Config.Engine.
const (
	EnginePlan      = "plan"
	EngineReference = "reference"
)

// planEntry is a compiled function and the version it belongs to (nil
// when compiled for a run after its entry was dropped).
type planEntry struct {
	v   *version
	exe *plan.Executable
}

// planFor returns fn's compiled plan, compiling it on a miss (outside any
// lock: two requests racing compile twice and keep one). Plans are kept
// only where they run, in process; for sandboxed execution the plan only
// sizes the static memory bound (whose report the cost cache keeps), and
// the workers compile their own.
func (s *Server) planFor(v *version, m *ir.Module, fn *ir.Func) (*plan.Executable, error) {
	if e, ok := s.plans.get(fn); ok {
		return e.exe, nil
	}
	exe, err := plan.Prepare(m, fn, plan.Options{})
	if _, inProcess := s.exec.(*inProcess); err != nil || !inProcess {
		return exe, err
	}
	return s.plans.add(fn, planEntry{v: v, exe: exe}).exe, nil
}

// SandboxExecutor runs programs in a pool of sandboxed worker processes
// (package sandbox). A worker keeps compiled programs by key, so a
// version's text and weights cross the pipe only on a worker's first
// request for it; shape-polymorphic programs are refined in the worker,
// from the same inputs the server refined with.
type SandboxExecutor struct {
	Pool *sandbox.Pool
	// Engine is the workers' engine: EnginePlan ("" too) or
	// EngineReference.
	Engine string
	// ShareWorkers lets tenants' own programs run in workers that serve
	// other requests before and after. By default each such request gets
	// a worker of its own, replaced afterwards: no tenant's program shares
	// a process with another request.
	ShareWorkers bool

	probe func(*ExecJob) string // tests: a forbidden action for the worker
}

func (p *ExecProgram) prepare(engine string) ([32]byte, [][]byte, error) {
	p.once.Do(func() {
		p.npy = make([][]byte, len(p.Bound))
		for i, t := range p.Bound {
			if p.npy[i], p.err = tensor.EncodeNPY(t); p.err != nil {
				return
			}
		}
		p.key = sandbox.ProgramKey(engine, p.Entry, p.Source, p.npy)
		p.keyed.Store(true)
	})
	return p.key, p.npy, p.err
}

// programForgetter is implemented by Executors that keep programs beyond
// a request (the pool's list of programs to warm new workers with).
type programForgetter interface {
	Forget(p *ExecProgram)
}

// Forget drops p from the programs new workers are warmed with (its model
// version is unloaded): the pool stops referencing its text and weights.
func (x *SandboxExecutor) Forget(p *ExecProgram) {
	if p == nil {
		return
	}
	p.forgotten.Store(true)
	if p.keyed.Load() {
		x.Pool.Forget(p.key)
	}
}

// Execute runs job in a pool worker.
func (x *SandboxExecutor) Execute(ctx context.Context, job *ExecJob) ([]*tensor.Tensor, exec.Stats, error) {
	if job.Program == nil || len(job.Args) < len(job.Program.Bound) {
		return nil, exec.Stats{}, errf(diag.Internal, "sandbox.job", "the job carries no program text for the worker")
	}
	engine := x.Engine
	if engine == "" {
		engine = EnginePlan
	}
	key, bound, err := job.Program.prepare(engine)
	if err != nil {
		return nil, exec.Stats{}, err
	}
	sj := &sandbox.Job{Key: key, Program: job.Program.Source, Bound: bound, Entry: job.Program.Entry,
		Inputs: job.Args[len(job.Program.Bound):], Limits: job.Limits, Timeout: job.Timeout}
	if engine == EnginePlan {
		sj.Engine = "plan"
	}
	sj.SingleUse = job.Untrusted && !x.ShareWorkers
	if job.Refine != nil {
		sj.Refine, sj.DimValues = true, job.Refine.Values
	}
	if x.probe != nil {
		sj.Probe = x.probe(job)
	}
	outs, st, info, err := x.Pool.Exec(ctx, sj)
	if job.Program.forgotten.Load() {
		// Unloaded while it ran: the pool has just noted it again.
		x.Pool.Forget(key)
	}
	if info != nil {
		job.Worker, job.WorkerExit, job.CacheHit = info.Worker, info.Exit, info.CacheHit
	}
	if err != nil {
		return nil, st, err
	}
	// The worker is not trusted to answer in the program's signature.
	if err := checkOutputs(job.Func, outs); err != nil {
		info.Release()
		return nil, st, err
	}
	job.Release = info.Release
	return outs, st, nil
}

// checkOutputs checks a worker's outputs against the entry's result types:
// their number, element types and static dimensions.
func checkOutputs(fn *ir.Func, outs []*tensor.Tensor) error {
	bad := func(format string, args ...any) error {
		return errf(diag.Internal, "sandbox.protocol", "the worker's answer does not fit the program's signature: "+format, args...)
	}
	if len(outs) != len(fn.Results) {
		return bad("%d outputs for %d results", len(outs), len(fn.Results))
	}
	for i, o := range outs {
		tt, ok := fn.Results[i].(*ir.TensorType)
		if !ok || o == nil || o.DType != tt.Elem.StorageDType() || len(o.Shape) != len(tt.Shape) {
			return bad("output %d", i)
		}
		for k, d := range tt.Shape {
			if d >= 0 && o.Shape[k] != d {
				return bad("output %d has shape %v", i, o.Shape)
			}
		}
	}
	return nil
}

// WorkerStats reports the pool's counters.
func (x *SandboxExecutor) WorkerStats() WorkerStats {
	st := x.Pool.Stats()
	return WorkerStats{Live: st.Live, Starts: st.Starts, Exits: st.Exits, CPU: st.WorkerCPU, SharedFrames: st.SharedFrames, Warmed: st.Warmed}
}
