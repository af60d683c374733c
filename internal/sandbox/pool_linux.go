package sandbox

import (
	"context"
	"errors"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// Pool is a set of long-lived sandboxed workers, each hardened like the
// one-shot worker of Run (same start and harden code) and serving one
// request at a time over its pipes. Methods are safe for concurrent use.
type Pool struct {
	cfg     PoolConfig
	exe     string
	cpu     uint64 // RLIMIT_CPU of each worker, seconds
	cpuKeep int64  // a worker is recycled once its CPU time passes this (ns)
	layers  string

	// idle holds the free workers, most recently used last: a request
	// takes the warmest one (its threads and caches are the likeliest to
	// be awake and hot). avail counts them, for waiting with a context.
	idleMu    sync.Mutex
	idle      []*pworker
	avail     chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	mu  sync.Mutex
	all map[*pworker]struct{}

	// hot are the programs of the latest shared-worker jobs, most recent
	// first, for warming replacement workers.
	hotMu sync.Mutex
	hot   []*Job

	// spare holds response buffers given back by Release, for the next
	// responses to be copied into (at most maxSpare per worker and
	// maxSpareBytes in all); spareBytes is their capacity.
	spareMu    sync.Mutex
	spare      [][]byte
	spareBytes int

	warnedOnce                  atomic.Bool
	live, starts, startFailures atomic.Int64
	requests, cacheHits         atomic.Int64
	sharedFrames, workerCPU     atomic.Int64
	warmed                      atomic.Int64
	exits                       [len(exitReasons)]atomic.Int64
}

// pworker is one pool worker and what the pool knows about it.
type pworker struct {
	*worker
	cg       *cgroup
	served   int
	cpuNanos int64
	mem      int64
	// frame is the memory requests to this worker are built in (their
	// headers only, when the payload goes through shm).
	frame []byte
	shm   *shm // nil: every frame on the pipes
}

// NewPool starts cfg.Workers workers. The first one is the probe: when it
// cannot start (or cannot harden itself), NewPool returns that error and
// no pool. Warnings about layers that are unavailable go to cfg.Warn.
func NewPool(cfg PoolConfig) (*Pool, error) {
	cfg = cfg.withDefaults()
	exe := cfg.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "finding the executable: %v", err)
		}
	}
	perRequest := int64(math.Ceil(cfg.MaxTimeout.Seconds()*float64(runtime.NumCPU()))) + 5
	cpu := max(cfg.CPUSeconds, 2*perRequest)
	p := &Pool{cfg: cfg, exe: exe, cpu: uint64(cpu), cpuKeep: (cpu - perRequest) * int64(time.Second),
		avail: make(chan struct{}, cfg.Workers), closed: make(chan struct{}), all: map[*pworker]struct{}{}}
	sweepStale()
	first, err := p.spawn()
	if err != nil {
		return nil, err
	}
	p.layers = first.summary
	p.push(first.w)
	var wg sync.WaitGroup
	errs := make([]error, cfg.Workers)
	for i := 1; i < cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := p.spawn()
			if err != nil {
				errs[i] = err
				return
			}
			p.push(st.w)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Layers summarises the sandbox layers of the pool's first worker.
func (p *Pool) Layers() string { return p.layers }

// Size is the number of workers the pool keeps.
func (p *Pool) Size() int { return p.cfg.Workers }

type spawned struct {
	w       *pworker
	summary string
}

// spawn starts one worker and waits for its hello: hardened, or why not.
func (p *Pool) spawn() (spawned, error) {
	cfg := p.cfg.Config
	// One request at a time on a single-threaded executor: one P keeps
	// the worker's scheduler and garbage collector off the other CPUs,
	// which the server's other workers use.
	cfg.env = []string{"GOMAXPROCS=1"}
	res := &Result{}
	cg, notes := newCgroup(cfg.MemoryBytes, cfg.Pids)
	res.Cgroups = cg.applied
	res.Notes = notes
	args := append(workerArgs(&cfg, p.exe, p.cpu), "pool=1", "cache="+strconv.Itoa(p.cfg.CacheEntries))
	var sh *shm
	if p.cfg.SharedBytes > 0 {
		var err error
		if sh, err = newShm(p.cfg.SharedBytes); err != nil {
			cg.remove()
			p.startFailures.Add(1)
			return spawned{}, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "%v", err)
		}
		cfg.shared = sh.file
		args = append(args, "shm="+strconv.Itoa(sh.size))
	}
	w, err := start(&cfg, p.exe, args, cg, res)
	sh.closeFile() // the worker has its own descriptor now
	if err != nil {
		sh.unmap()
		cg.remove()
		p.startFailures.Add(1)
		return spawned{}, err
	}
	if p.warnedOnce.CompareAndSwap(false, true) {
		// Every worker gets the same layers: say what is missing once.
		for _, n := range res.Notes {
			cfg.warn(n)
		}
	}
	pw := &pworker{worker: w, cg: cg, shm: sh}
	// The parent's pipe ends stay on the netpoller: a request's deadline
	// is a read deadline, and a blocked read costs no thread. (Blocking
	// reads measured no faster on the project machine.)
	_ = w.respR.SetReadDeadline(time.Now().Add(p.cfg.StartTimeout))
	hello, err := ReadFrame(w.respR, frameResponse, MaxFrame)
	var r *Response
	if err == nil {
		r, err = DecodeResponse(hello)
	}
	if err == nil && r.Err != nil {
		err = r.Err
	}
	if err != nil {
		p.discard(pw)
		p.startFailures.Add(1)
		if d, ok := err.(*diag.Error); ok {
			return spawned{}, d
		}
		return spawned{}, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "the worker did not start: %v%s", err, firstLine(w.stderr.String()))
	}
	res.Response = *r
	p.mu.Lock()
	select {
	case <-p.closed:
		p.mu.Unlock()
		p.discard(pw)
		return spawned{}, errPoolClosed()
	default:
	}
	p.all[pw] = struct{}{}
	p.mu.Unlock()
	p.live.Add(1)
	p.starts.Add(1)
	return spawned{w: pw, summary: res.LayerSummary()}, nil
}

// discard kills and reaps a worker that never joined the pool.
func (p *Pool) discard(pw *pworker) {
	pw.kill()
	<-pw.exited
	pw.reqW.Close()
	pw.respR.Close()
	pw.cg.remove()
	pw.shm.unmap()
}

func errPoolClosed() error {
	return diag.New(diag.Internal, "sandbox.closed", diag.Pos{}, "the sandbox worker pool is closed")
}

// Exec runs job on a free worker, waiting for one within ctx. A worker that
// crashes, is killed by the kernel (cgroup OOM, seccomp, RLIMIT_CPU) or
// overruns the deadline fails only this job — with sandbox.worker_crashed
// (Runtime), sandbox.worker_killed (Limit) or limit.deadline (Limit) — and
// is replaced. A program's own error is returned as it is. Errors are
// *diag.Error.
func (p *Pool) Exec(ctx context.Context, job *Job) ([]*tensor.Tensor, exec.Stats, *JobInfo, error) {
	info := &JobInfo{}
	rq := &Request{Entry: job.Entry, Refine: job.Refine, Probe: job.Probe, Engine: job.Engine, Limits: Limits{
		MaxMemory: job.Limits.MaxMemory, MaxSteps: job.Limits.MaxSteps, MaxCallDepth: int64(job.Limits.MaxCallDepth),
		MaxFLOPs: job.Limits.MaxFLOPs, SoftMemory: p.cfg.MemoryBytes - p.cfg.MemoryBytes/8}}
	if job.Key != ([keyLen]byte{}) {
		rq.Key = job.Key[:]
	} else {
		rq.Program, rq.Bound = job.Program, job.Bound
	}
	for i, v := range job.DimValues {
		rq.DimValues = append(rq.DimValues, DimValue{Arg: int64(i), Value: v})
	}
	rq.Inputs = job.Inputs
	timeout := job.Timeout
	if timeout <= 0 {
		timeout = p.cfg.MaxTimeout
	}

	var pw *pworker
	for pw == nil {
		select {
		case <-p.avail:
			pw = p.pop()
		case <-p.closed:
			return nil, exec.Stats{}, info, errPoolClosed()
		case <-ctx.Done():
			return nil, exec.Stats{}, info, ctxErr(ctx)
		}
		select {
		case <-pw.exited:
			// It died while idle (killed from outside, say): not this
			// request's doing. Replace it and take another.
			reason := ExitCrashed
			if diag.KindOf(classify(pw.ws, pw.cg, p.cfg.MemoryBytes, pw.stderr.String(), nil)) == diag.Limit {
				reason = ExitKilled
			}
			p.retire(pw, reason)
			pw = nil
		default:
		}
	}
	info.Worker = pw.pid
	// The deadline runs from dispatch, as it does in process.
	left := timeout
	if dl, ok := ctx.Deadline(); ok {
		left = min(left, time.Until(dl))
	}
	if left <= 0 {
		p.release(pw)
		return nil, exec.Stats{}, info, ctxErr(ctx)
	}
	rq.Limits.TimeoutNanos = int64(left)
	hard := time.Now().Add(left + p.margin(left))

	r, reason, err := p.roundTrip(ctx, pw, rq, hard)
	if err == nil && r.Miss && len(rq.Key) != 0 {
		p.putSpare(r.buf)
		rq.Program, rq.Bound = job.Program, job.Bound
		r, reason, err = p.roundTrip(ctx, pw, rq, hard)
	}
	if err == nil && r.Miss {
		err = diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "the worker asked for a program it was sent")
		p.retire(pw, ExitCrashed)
		info.Exit = ExitCrashed
		return nil, exec.Stats{}, info, err
	}
	if err != nil {
		info.Exit = reason
		return nil, exec.Stats{}, info, err
	}
	info.CacheHit = r.CacheHit
	p.requests.Add(1)
	if r.CacheHit {
		p.cacheHits.Add(1)
	}
	pw.served++
	if d := r.CPUNanos - pw.cpuNanos; d > 0 {
		p.workerCPU.Add(d)
	}
	pw.cpuNanos, pw.mem = r.CPUNanos, r.MemBytes
	st := exec.Stats{PeakMemory: r.Stats.PeakMemory, Steps: r.Stats.Steps, Work: r.Stats.Work, FLOPs: r.Stats.FLOPs}
	if r.Err == nil {
		p.noteHot(job) // before a recycle below warms the replacement
	}
	switch {
	case job.SingleUse:
		info.Exit = ExitSingleUse
		p.retire(pw, ExitSingleUse)
	case pw.served >= p.cfg.MaxRequests || pw.mem > p.cfg.RecycleMemory || pw.cpuNanos > p.cpuKeep:
		info.Exit = ExitRecycled
		p.retire(pw, ExitRecycled)
	default:
		p.release(pw)
	}
	if r.Err != nil {
		p.putSpare(r.buf)
		return nil, st, info, r.Err
	}
	// The outputs alias the response's own buffer, which is theirs until
	// Release.
	var once sync.Once
	info.Release = func() { once.Do(func() { p.putSpare(r.buf) }) }
	return r.Outputs, st, info, nil
}

// maxKeptRequestFrame is the largest request frame buffer the parent keeps
// per worker.
const maxKeptRequestFrame = 1 << 20

// maxSpare is the most buffers per worker the pool keeps for responses,
// and maxSpareBytes the most memory they may hold in all.
const (
	maxSpare      = 2
	maxSpareBytes = 64 << 20
)

// takeSpare returns a buffer for a response to be copied into (nil when
// none is kept).
func (p *Pool) takeSpare() []byte {
	p.spareMu.Lock()
	defer p.spareMu.Unlock()
	n := len(p.spare)
	if n == 0 {
		return nil
	}
	b := p.spare[n-1]
	p.spare[n-1] = nil
	p.spare = p.spare[:n-1]
	p.spareBytes -= cap(b)
	return b
}

// putSpare keeps b for a later response, unless it is large or enough are
// kept. Tests poison it first, so a use after Release shows.
func (p *Pool) putSpare(b []byte) {
	if b == nil || cap(b) > maxKeptBuffer {
		return
	}
	if p.cfg.PoisonReleased {
		b = b[:cap(b)]
		for i := range b {
			b[i] = 0xA5
		}
	}
	p.spareMu.Lock()
	defer p.spareMu.Unlock()
	if len(p.spare) < maxSpare*p.cfg.Workers && p.spareBytes+cap(b) <= maxSpareBytes {
		p.spare = append(p.spare, b[:0])
		p.spareBytes += cap(b)
	}
}

// margin is how long past its deadline a worker may take before it is
// killed: the executor checks its deadline often, so this only matters for
// a worker that is stuck.
func (p *Pool) margin(timeout time.Duration) time.Duration {
	if p.cfg.Margin > 0 {
		return p.cfg.Margin
	}
	return time.Second + timeout/10
}

func ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return diag.New(diag.Limit, "limit.cancelled", diag.Pos{}, "execution was cancelled")
	}
	return diag.New(diag.Limit, "limit.deadline", diag.Pos{}, "the deadline passed while waiting for a sandbox worker").
		WithHint("raise --timeout or shrink the work")
}

// roundTrip sends one request and reads its response under the hard
// deadline. A failure of the worker retires it and returns why (an Exit*
// reason) with the error; the worker is then no longer the caller's.
func (p *Pool) roundTrip(ctx context.Context, pw *pworker, rq *Request, hard time.Time) (*Response, string, error) {
	// The shared regions are held for the whole exchange: retiring a
	// worker unmaps them only once no request is using them.
	var shReq, shResp []byte
	if pw.shm != nil {
		pw.shm.mu.Lock()
		defer pw.shm.mu.Unlock()
		if pw.shm.mem != nil {
			shReq, shResp = pw.shm.requests(), pw.shm.responses()
		}
	}
	frame, err := requestFrame(rq, pw.frame, shReq)
	if err != nil {
		p.release(pw)
		return nil, "", diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "%v", err)
	}
	// Keep small frames' memory for the next request; a large one (over
	// the shared region, rare) is not held for the worker's life.
	if pw.frame = nil; cap(frame) <= maxKeptRequestFrame {
		pw.frame = frame[:0]
	}
	if frame[6]&flagShared != 0 {
		p.sharedFrames.Add(1)
	}
	_ = pw.reqW.SetWriteDeadline(hard)
	_ = pw.respR.SetReadDeadline(hard)
	var cancelled atomic.Bool
	fdone := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fdone)
		// A deadline is the worker's to report (limit.deadline, like in
		// process); only a cancellation cuts the request short.
		if errors.Is(ctx.Err(), context.Canceled) {
			cancelled.Store(true)
			_ = pw.reqW.SetWriteDeadline(time.Unix(1, 0))
			_ = pw.respR.SetReadDeadline(time.Unix(1, 0))
		}
	})
	_, err = pw.reqW.Write(frame)
	var payload []byte
	if err == nil {
		var shared bool
		payload, shared, err = readFrame(pw.respR, frameResponse, p.cfg.MaxResponse, frameIn{buf: p.takeSpare(), shared: shResp, private: true})
		if shared {
			p.sharedFrames.Add(1)
		}
	}
	if !stop() {
		<-fdone
	}
	var r *Response
	if err == nil {
		if r, err = DecodeResponse(payload); err == nil {
			r.buf = payload
			return r, "", nil
		}
	}
	// The worker is dead, stuck, cut short or talking nonsense: it goes.
	pw.kill()
	switch {
	case cancelled.Load():
		p.retire(pw, ExitCancelled)
		return nil, ExitCancelled, diag.New(diag.Limit, "limit.cancelled", diag.Pos{}, "execution was cancelled; its worker was killed")
	case errors.Is(err, os.ErrDeadlineExceeded):
		p.retire(pw, ExitDeadline)
		timeout := time.Duration(rq.Limits.TimeoutNanos)
		return nil, ExitDeadline, diag.New(diag.Limit, "limit.deadline", diag.Pos{},
			"the program ran past its deadline; its worker was killed %v after the %v timeout", p.margin(timeout), timeout).
			WithHint("raise --timeout or shrink the work")
	}
	select {
	case <-pw.exited:
	case <-time.After(5 * time.Second):
	}
	d := classify(pw.ws, pw.cg, p.cfg.MemoryBytes, pw.stderr.String(), err).(*diag.Error)
	reason := ExitCrashed
	if d.Kind == diag.Limit {
		reason = ExitKilled
	}
	p.retire(pw, reason)
	return nil, reason, d
}

// push makes a worker free; pop takes the most recently freed one (the
// caller holds a token from avail).
func (p *Pool) push(pw *pworker) {
	p.idleMu.Lock()
	p.idle = append(p.idle, pw)
	p.idleMu.Unlock()
	p.avail <- struct{}{}
}

func (p *Pool) pop() *pworker {
	p.idleMu.Lock()
	defer p.idleMu.Unlock()
	pw := p.idle[len(p.idle)-1]
	p.idle[len(p.idle)-1] = nil
	p.idle = p.idle[:len(p.idle)-1]
	return pw
}

// release returns a healthy worker to the pool.
func (p *Pool) release(pw *pworker) {
	select {
	case <-p.closed:
		p.retire(pw, ExitClosed)
	default:
		p.push(pw)
	}
}

// retire takes a worker out of the pool for reason: it is told to exit
// (recycled) or killed, reaped and its cgroup removed, in the background.
// Unless the pool is closing, a replacement starts at once, beside the
// leaving worker's exit, so the pool is short of a worker only for the
// time a start takes.
func (p *Pool) retire(pw *pworker, reason string) {
	p.mu.Lock()
	_, ok := p.all[pw]
	delete(p.all, pw)
	p.mu.Unlock()
	if !ok {
		return // Close got there first
	}
	p.exits[exitIndex(reason)].Add(1)
	p.live.Add(-1)
	if reason != ExitRecycled {
		pw.kill()
	}
	// The end of its request pipe tells a healthy worker to exit.
	pw.reqW.Close()
	if reason != ExitClosed {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.replace()
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-pw.exited:
		case <-time.After(2 * time.Second):
			pw.kill()
			<-pw.exited
		}
		pw.kill() // anything it left in its process group
		pw.respR.Close()
		pw.cg.remove()
		pw.shm.unmap()
	}()
}

// replace starts a worker to take a retired one's place, retrying with
// backoff while starts fail, until the pool closes.
func (p *Pool) replace() {
	backoff := 50 * time.Millisecond
	for {
		select {
		case <-p.closed:
			return
		default:
		}
		st, err := p.spawn()
		if err == nil {
			if p.warm(st.w) {
				p.release(st.w)
			}
			return
		}
		p.cfg.warn("starting a replacement worker: " + err.Error())
		select {
		case <-p.closed:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// maxHot is how many programs a replacement worker is warmed with.
const maxHot = 4

// noteHot records job's program as in use (jobs of shared workers with a
// cache key only: a tenant's own program in a single-use worker is not
// carried into the workers that serve others).
func (p *Pool) noteHot(job *Job) {
	if job.Key == ([keyLen]byte{}) || job.SingleUse || job.Refine {
		return
	}
	p.hotMu.Lock()
	defer p.hotMu.Unlock()
	for i, h := range p.hot {
		if h.Key == job.Key && h.Engine == job.Engine {
			copy(p.hot[1:i+1], p.hot[:i])
			p.hot[0] = h
			return
		}
	}
	h := &Job{Key: job.Key, Program: job.Program, Bound: job.Bound, Entry: job.Entry, Engine: job.Engine}
	if len(p.hot) < maxHot {
		p.hot = append(p.hot, nil)
	}
	copy(p.hot[1:], p.hot)
	p.hot[0] = h
}

// Forget drops the program with this key from the programs replacement
// workers are warmed with (its model is gone), so the pool no longer
// references its text and weights.
func (p *Pool) Forget(key [keyLen]byte) {
	p.hotMu.Lock()
	defer p.hotMu.Unlock()
	kept := p.hot[:0]
	for _, h := range p.hot {
		if h.Key != key {
			kept = append(kept, h)
		}
	}
	clear(p.hot[len(kept):])
	p.hot = kept
}

// dropHot forgets a hot program.
func (p *Pool) dropHot(h *Job) {
	p.hotMu.Lock()
	defer p.hotMu.Unlock()
	for i, x := range p.hot {
		if x == h {
			p.hot = append(p.hot[:i], p.hot[i+1:]...)
			return
		}
	}
}

// warm compiles the hot programs in a new worker before it takes
// requests, so the first request after a recycle does not pay for the
// compilation. A program that fails to compile is dropped. It reports
// whether the worker is still the caller's: after a failed exchange it
// is not (roundTrip has retired it, which starts another replacement, or
// put it in the pool).
func (p *Pool) warm(pw *pworker) bool {
	p.hotMu.Lock()
	hot := append([]*Job(nil), p.hot...)
	p.hotMu.Unlock()
	timeout := p.cfg.StartTimeout
	if p.cfg.warmTimeout > 0 {
		timeout = p.cfg.warmTimeout
	}
	for _, h := range hot {
		rq := &Request{Key: h.Key[:], Program: h.Program, Bound: h.Bound, Entry: h.Entry, Engine: h.Engine, Warm: true,
			Limits: Limits{SoftMemory: p.cfg.MemoryBytes - p.cfg.MemoryBytes/8}}
		r, _, err := p.roundTrip(context.Background(), pw, rq, time.Now().Add(timeout))
		if err != nil {
			// Not again: a program that cannot be warmed must not make
			// every replacement fail.
			p.dropHot(h)
			return false
		}
		p.putSpare(r.buf)
		if r.Err != nil {
			p.dropHot(h) // nor compiled again by every replacement
			continue
		}
		p.warmed.Add(1)
	}
	return true
}

// Close kills every worker and waits until they are reaped. Jobs running
// fail; jobs waiting for a worker fail with sandbox.closed.
func (p *Pool) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		close(p.closed)
		ws := make([]*pworker, 0, len(p.all))
		for pw := range p.all {
			ws = append(ws, pw)
		}
		p.mu.Unlock()
		for _, pw := range ws {
			pw.kill()
		}
		for _, pw := range ws {
			p.retire(pw, ExitClosed)
		}
		p.wg.Wait()
	})
}

// Stats are the pool's counters.
func (p *Pool) Stats() PoolStats {
	p.hotMu.Lock()
	hot := len(p.hot)
	p.hotMu.Unlock()
	st := PoolStats{Live: p.live.Load(), Starts: p.starts.Load(), StartFailures: p.startFailures.Load(),
		Requests: p.requests.Load(), CacheHits: p.cacheHits.Load(), SharedFrames: p.sharedFrames.Load(), Warmed: p.warmed.Load(), Hot: hot,
		WorkerCPU: time.Duration(p.workerCPU.Load()), Exits: map[string]int64{}}
	for i, r := range exitReasons {
		st.Exits[r] = p.exits[i].Load()
	}
	return st
}
