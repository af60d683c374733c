package sandbox

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/internal/refine"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

// MaybeRunWorker turns this process into a sandbox worker when it was
// started as one, and never returns in that case. Call it first in main.
func MaybeRunWorker() {
	if IsWorker() {
		os.Exit(workerMain(nil))
	}
}

// RunTestWorkerWithProbes is MaybeRunWorker for other packages' tests:
// the worker runs probe(name) for a request whose Job.Probe is set, after
// hardening, to try a forbidden action. Product binaries call
// MaybeRunWorker, whose workers have no probes and ignore Job.Probe.
func RunTestWorkerWithProbes(probe func(name string)) {
	if IsWorker() {
		os.Exit(workerMain(probe))
	}
}

// workerArgs are the worker's arguments after the marker: key=value.
func workerArg(key string) string {
	for _, a := range os.Args[2:] {
		if v, ok := strings.CutPrefix(a, key+"="); ok {
			return v
		}
	}
	return ""
}

// workerMain hardens the process, then serves requests until the request
// pipe closes, and returns the exit status. A one-shot worker (Run) gets
// one request and then end of file; a pool worker (pool=1) first writes a
// hello response (its layers, or why hardening failed) and then serves
// requests one at a time. probe, in test builds only, runs after hardening
// for the probe= argument (first request) or a request's Probe field.
func workerMain(probe func(name string)) int {
	// First, before the runtime does anything else: a cgo build gets its
	// Landlock domain by re-executing itself (this returns only if that
	// fails, or is not needed).
	llErr := landlockExec()
	req := os.NewFile(fdRequest, "request")
	resp := os.NewFile(fdResponse, "response")
	if req == nil || resp == nil {
		fmt.Fprintln(os.Stderr, "hlogate sandbox worker: IPC descriptors missing")
		return 70
	}
	if llErr != nil {
		writeResponse(resp, &Response{Err: diag.New(diag.Internal, "sandbox.setup", diag.Pos{}, "worker hardening failed: landlock: %v", llErr)})
		return 71
	}
	var cpu uint64 = 60
	if v := workerArg("cpu"); v != "" {
		fmt.Sscan(v, &cpu)
	}
	pool := workerArg("pool") == "1"
	layers, err := harden(cpu, workerArg("seccomp"), workerArg("pidns") == "1", workerArg("landlocked"))
	if err != nil {
		// Fail closed, and say why on the response pipe.
		writeResponse(resp, &Response{Err: diag.New(diag.Internal, "sandbox.setup", diag.Pos{}, "worker hardening failed: %v", err), Layers: strings.Join(layers, ",")})
		return 71
	}
	ws := &workerState{layers: strings.Join(layers, ","), probe: probe}
	if v := workerArg("shm"); v != "" {
		size, _ := strconv.Atoi(v)
		sh, err := mapShm(fdShared, size)
		if err != nil {
			writeResponse(resp, &Response{Err: diag.New(diag.Internal, "sandbox.setup", diag.Pos{}, "worker shared memory: %v", err), Layers: ws.layers})
			return 71
		}
		ws.shReq, ws.shResp = sh.requests(), sh.responses()
	}
	entries, _ := strconv.Atoi(workerArg("cache"))
	ws.cache = newProgCache(entries)
	if pool {
		if err := writeResponse(resp, &Response{Layers: ws.layers}); err != nil {
			return 72
		}
	}
	argProbe := workerArg("probe")
	for first := true; ; first = false {
		p, inShared, err := readFrame(req, frameRequest, MaxFrame, frameIn{buf: ws.rbuf, shared: ws.shReq})
		if err == io.EOF && !first {
			return 0 // the parent is done with this worker
		}
		if err != nil {
			writeResponse(resp, &Response{Err: diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "reading request: %v", err), Layers: ws.layers})
			return 73
		}
		// The request arrives only once the worker is in its cgroups.
		if first && probe != nil && argProbe != "" {
			probe(argProbe)
		}
		r := ws.serve(p)
		if err := ws.respond(resp, r); err != nil {
			return 72
		}
		// The inputs in p are dead now: its memory takes the next request.
		if !inShared { // (the worker never reads with private)
			ws.rbuf = keepBuffer(p)
		}
	}
}

// writeResponse sends r in a new buffer (the hello and fatal errors).
func writeResponse(f *os.File, r *Response) error {
	frame, err := responseFrame(r, nil, nil)
	if err != nil {
		return err
	}
	_, err = f.Write(frame)
	return err
}

// respond sends r in one write, built in the worker's response buffer. An
// output the protocol cannot carry becomes an internal error.
func (ws *workerState) respond(f *os.File, r *Response) error {
	frame, err := responseFrame(r, ws.wbuf, ws.shResp)
	if err != nil {
		r = &Response{Err: diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "encoding the response: %v", err),
			Layers: r.Layers, CPUNanos: r.CPUNanos, MemBytes: r.MemBytes}
		if frame, err = responseFrame(r, ws.wbuf, ws.shResp); err != nil {
			return err
		}
	}
	ws.wbuf = keepBuffer(frame)
	_, err = f.Write(frame)
	return err
}

// maxKeptBuffer is the largest frame buffer a worker keeps for the next
// request; a larger one goes back to the garbage collector.
const maxKeptBuffer = 16 << 20

func keepBuffer(b []byte) []byte {
	if cap(b) > maxKeptBuffer {
		return nil
	}
	return b[:0]
}

// workerState is what a worker keeps between requests: its compiled
// programs, and the buffers that frames are read into and built in.
type workerState struct {
	layers     string
	probe      func(string)
	cache      *progCache
	soft       int64
	rbuf, wbuf []byte
	// shReq and shResp are the shared-memory regions (pool workers).
	shReq, shResp []byte
}

func (ws *workerState) serve(p []byte) *Response {
	rq, err := DecodeRequest(p)
	if err != nil {
		return &Response{Err: diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "%v", err), Layers: ws.layers}
	}
	p = nil
	if ws.probe != nil && rq.Probe != "" {
		ws.probe(rq.Probe)
	}
	if rq.Limits.SoftMemory > 0 && rq.Limits.SoftMemory != ws.soft {
		debug.SetMemoryLimit(rq.Limits.SoftMemory)
		ws.soft = rq.Limits.SoftMemory
	}
	r := &Response{Layers: ws.layers}
	pe, hit, err := ws.cache.program(rq)
	switch {
	case err != nil:
		r.Err = diag.As(err)
	case pe == nil:
		r.Miss = true
	case rq.Warm:
		r.CacheHit = hit
		if rq.Engine == "plan" {
			if _, err := pe.executable(pe.mod, pe.fn); err != nil {
				r.Err = diag.As(err)
			}
		}
	default:
		r.CacheHit = hit
		outs, st, err := execute(pe, rq, ws.cache.refined)
		r.Outputs = outs
		r.Stats = Stats{PeakMemory: st.PeakMemory, Steps: st.Steps, Work: st.Work, FLOPs: st.FLOPs}
		if err != nil {
			r.Outputs, r.Err = nil, diag.As(err)
		}
	}
	r.CPUNanos, r.MemBytes = selfUsage()
	return r
}

// memSamples are read after every request: what the Go runtime has mapped
// and what it has given back.
var memSamples = []metrics.Sample{
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

// selfUsage returns this process's CPU time and the memory its runtime
// holds from the OS; neither needs a system call the filter refuses.
func selfUsage() (cpuNanos, mem int64) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) == nil {
		cpuNanos = ts.Nano()
	}
	metrics.Read(memSamples)
	var total, released uint64
	if memSamples[0].Value.Kind() == metrics.KindUint64 {
		total = memSamples[0].Value.Uint64()
	}
	if memSamples[1].Value.Kind() == metrics.KindUint64 {
		released = memSamples[1].Value.Uint64()
	}
	if total > released && total-released < 1<<62 {
		mem = int64(total - released)
	}
	return max(cpuNanos, 0), mem
}

// progEntry is a compiled program: parsed, verified, its entry function
// and its bound arguments decoded.
type progEntry struct {
	key   string
	mod   *ir.Module
	fn    *ir.Func
	bound []*tensor.Tensor
	// plans are the fast engine's compiled functions: the entry, and its
	// refinements (bounded: cleared when full).
	plans map[*ir.Func]*plan.Executable
}

// maxPlans bounds a program's compiled plans in a worker.
const maxPlans = 32

// executable returns fn's plan, compiling it on first use. Workers run
// one request at a time with GOMAXPROCS 1: plans use one thread.
func (pe *progEntry) executable(mod *ir.Module, fn *ir.Func) (*plan.Executable, error) {
	if e, ok := pe.plans[fn]; ok {
		return e, nil
	}
	e, err := plan.Prepare(mod, fn, plan.Options{Threads: 1})
	if err != nil {
		return nil, err
	}
	if pe.plans == nil || len(pe.plans) >= maxPlans {
		pe.plans = map[*ir.Func]*plan.Executable{}
	}
	pe.plans[fn] = e
	return e, nil
}

// progCache is a worker's bounded LRU of compiled programs, and of their
// refinements to argument shapes.
type progCache struct {
	max     int
	ll      *list.List
	items   map[string]*list.Element
	refined *refine.Cache
}

func newProgCache(n int) *progCache {
	if n <= 0 {
		n = defaultCacheEntries
	}
	return &progCache{max: n, ll: list.New(), items: map[string]*list.Element{},
		refined: refine.NewCache(2*n, 0, refine.Limits{})}
}

// program returns the compiled program of rq: from the cache (hit), or
// compiled from rq.Program. It returns nil and no error when rq names a
// key that is not cached and carries no program (a miss).
func (c *progCache) program(rq *Request) (*progEntry, bool, error) {
	key := string(rq.Key)
	if key != "" {
		if el, ok := c.items[key]; ok {
			c.ll.MoveToFront(el)
			return el.Value.(*progEntry), true, nil
		}
		if len(rq.Program) == 0 {
			return nil, false, nil
		}
	}
	pe, err := compile(rq)
	rq.Program, rq.Bound = nil, nil
	if err != nil {
		return nil, false, err
	}
	if key == "" {
		return pe, false, nil
	}
	pe.key = key
	c.items[key] = c.ll.PushFront(pe)
	for c.ll.Len() > c.max {
		back := c.ll.Back()
		c.ll.Remove(back)
		old := back.Value.(*progEntry)
		delete(c.items, old.key)
		c.refined.Purge(old.mod)
	}
	return pe, false, nil
}

// compile re-parses and re-verifies the (already admitted) program. The
// parent has applied policy and static cost checks.
func compile(rq *Request) (*progEntry, error) {
	src := string(rq.Program)
	m, err := mlir.ParseModule(src, mlir.Limits{MaxSourceBytes: int64(len(src)) + 1})
	if err != nil {
		return nil, err
	}
	if err := verify.Module(m); err != nil {
		return nil, err
	}
	fn := m.Entry(rq.Entry)
	if fn == nil {
		return nil, diag.New(diag.Usage, "usage.entry", diag.Pos{}, "no entry function %q", rq.Entry)
	}
	bound, err := decodeBlobs(rq.Bound)
	if err != nil {
		return nil, err
	}
	return &progEntry{mod: m, fn: fn, bound: bound}, nil
}

func decodeBlobs(bs [][]byte) ([]*tensor.Tensor, error) {
	var total int64
	for _, b := range bs {
		total += int64(len(b))
	}
	out := make([]*tensor.Tensor, len(bs))
	for i, b := range bs {
		t, err := tensor.DecodeNPY(b, tensor.DecodeLimits{MaxBytes: max(total, 1)})
		if err != nil {
			return nil, err
		}
		out[i] = t
		bs[i] = nil
	}
	return out, nil
}

// execute runs a compiled program on the request's arguments: the bound
// ones, then the inputs; refined first when the parent asked for it.
func execute(pe *progEntry, rq *Request, refined *refine.Cache) ([]*tensor.Tensor, exec.Stats, error) {
	in := rq.Inputs
	args := in
	if len(pe.bound) > 0 {
		args = make([]*tensor.Tensor, 0, len(pe.bound)+len(in))
		args = append(append(args, pe.bound...), in...)
	}
	mod, fn := pe.mod, pe.fn
	if rq.Refine {
		ri := refine.Inputs{Shapes: make([][]int64, len(args))}
		for i, a := range args {
			ri.Shapes[i] = a.Shape
		}
		for _, dv := range rq.DimValues {
			if ri.Values == nil {
				ri.Values = map[int]int64{}
			}
			ri.Values[int(dv.Arg)] = dv.Value
		}
		rm, err := refined.GetWith(mod, fn, ri)
		if err != nil {
			return nil, exec.Stats{}, err
		}
		if fn = rm.Func(fn.Name); fn == nil {
			return nil, exec.Stats{}, diag.New(diag.Internal, "internal.refine", diag.Pos{}, "the refined program lost its entry function")
		}
		mod = rm
	}
	ctx := context.Background()
	if rq.Limits.TimeoutNanos > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(rq.Limits.TimeoutNanos))
		defer cancel()
	}
	lim := exec.Limits{MaxMemory: rq.Limits.MaxMemory, MaxSteps: rq.Limits.MaxSteps,
		MaxCallDepth: int(rq.Limits.MaxCallDepth), MaxFLOPs: rq.Limits.MaxFLOPs}
	var outs []*tensor.Tensor
	var st exec.Stats
	var err error
	if rq.Engine == "plan" {
		var e *plan.Executable
		if e, err = pe.executable(mod, fn); err == nil {
			outs, st, err = e.Run(ctx, args, lim)
		}
	} else {
		outs, st, err = exec.Run(ctx, mod, fn, args, lim)
	}
	if err != nil {
		return nil, st, err
	}
	return outs, st, nil
}
