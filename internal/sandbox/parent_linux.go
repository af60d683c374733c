package sandbox

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	osexec "os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// Result is a worker's answer plus what the parent applied.
type Result struct {
	Response
	// Namespaces, Cgroups and Worker list the layers that applied to this
	// run; Notes the ones that did not, and why.
	Namespaces []string
	Cgroups    []string
	Notes      []string
	// PeakRSS is the worker's peak memory in bytes: the larger of what the
	// kernel measured (its cgroup's memory high-water mark, or without a
	// memory cgroup its maxrss; see worker.peakRSS) and the memory its Go
	// runtime held from the OS after the run. 0 when unknown.
	PeakRSS int64
}

// Layers is a one-line summary of r's layers.
func (r *Result) LayerSummary() string {
	return fmt.Sprintf("namespaces=%s cgroups=%s worker=%s", joinOr(r.Namespaces), joinOr(r.Cgroups), orNone(r.Layers))
}

func joinOr(xs []string) string { return orNone(strings.Join(xs, "+")) }
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

type nsSet struct {
	flags uintptr
	names []string
}

// nsCandidates are tried in order; the first that starts is kept.
var nsCandidates = []nsSet{
	{syscall.CLONE_NEWNET | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS, []string{"net", "mount", "pid", "ipc", "uts"}},
	{syscall.CLONE_NEWNET | syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS, []string{"net", "mount", "ipc", "uts"}},
	{syscall.CLONE_NEWNET, []string{"net"}},
	{0, nil},
}

var (
	nsMu     sync.Mutex
	nsChosen = -1
	warned   sync.Map
)

func (c *Config) warn(msg string) {
	if c.Warn != nil {
		c.Warn(msg)
		return
	}
	if _, dup := warned.LoadOrStore(msg, true); !dup {
		fmt.Fprintln(os.Stderr, "hlogate: sandbox: "+msg)
	}
}

// Exec runs fn (named entry; "" for the default) of the program source in a
// worker, on inputs, under lim and timeout. Errors are *diag.Error.
func Exec(ctx context.Context, cfg Config, src, entry string, inputs []*tensor.Tensor, lim exec.Limits, timeout time.Duration) ([]*tensor.Tensor, exec.Stats, *Result, error) {
	rq := &Request{Program: []byte(src), Entry: entry, Limits: Limits{
		MaxMemory: lim.MaxMemory, MaxSteps: lim.MaxSteps, MaxCallDepth: int64(lim.MaxCallDepth),
		MaxFLOPs: lim.MaxFLOPs, TimeoutNanos: int64(timeout)}, Engine: cfg.Engine}
	var total int64
	for _, t := range inputs {
		total += t.ByteSize()
	}
	rq.Inputs = inputs
	if cfg.MemoryBytes <= 0 {
		mem := lim.MaxMemory
		if mem <= 0 {
			mem = exec.DefaultLimits().MaxMemory
		}
		cfg.MemoryBytes = satAdd(satAdd(satAdd(mem, mem), 2*total), 256<<20)
	}
	res, err := Run(ctx, cfg, rq)
	if err != nil {
		return nil, exec.Stats{}, res, err
	}
	st := exec.Stats{PeakMemory: res.Stats.PeakMemory, Steps: res.Stats.Steps, Work: res.Stats.Work, FLOPs: res.Stats.FLOPs}
	if res.Err != nil {
		return nil, st, res, res.Err
	}
	return res.Outputs, st, res, nil
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// Run sends rq to a fresh worker and waits for its response. A worker
// failure is returned as a *diag.Error; Result.Err is the program's own
// error, if any.
func Run(ctx context.Context, cfg Config, rq *Request) (*Result, error) {
	res := &Result{}
	exe := cfg.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return res, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "finding the executable: %v", err)
		}
	}
	if cfg.Pids <= 0 {
		cfg.Pids = 64
	}
	if cfg.MemoryBytes <= 0 {
		cfg.MemoryBytes = 2<<30 + 256<<20
	}
	if cfg.MaxResponse <= 0 {
		cfg.MaxResponse = 1 << 30
	}
	timeout := time.Duration(rq.Limits.TimeoutNanos)
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if cfg.Margin <= 0 {
		cfg.Margin = 2*time.Second + timeout/10
	}
	cpu := uint64(math.Ceil(timeout.Seconds()*float64(runtime.NumCPU()))) + 5
	rq.Limits.SoftMemory = cfg.MemoryBytes - cfg.MemoryBytes/8
	frame, err := requestFrame(rq, nil, nil)
	if err != nil {
		return res, diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "%v", err)
	}

	cg, notes := newCgroup(cfg.MemoryBytes, cfg.Pids)
	defer cg.remove()
	res.Cgroups = cg.applied
	res.Notes = append(res.Notes, notes...)

	args := workerArgs(&cfg, exe, cpu)
	if cfg.probe != "" {
		args = append(args, "probe="+cfg.probe)
	}

	w, err := start(&cfg, exe, args, cg, res)
	if err != nil {
		return res, err
	}
	for _, n := range res.Notes {
		cfg.warn(n)
	}

	// Send the request, read the response, enforce the deadline.
	go func() {
		_, _ = w.reqW.Write(frame)
		w.reqW.Close()
	}()
	type readResult struct {
		p   []byte
		err error
	}
	rc := make(chan readResult, 1)
	go func() {
		p, err := ReadFrame(w.respR, frameResponse, cfg.MaxResponse)
		rc <- readResult{p, err}
	}()

	hard := timeout + cfg.Margin
	if dl, ok := ctx.Deadline(); ok {
		hard = min(hard, time.Until(dl)+cfg.Margin)
	}
	timer := time.NewTimer(hard)
	defer timer.Stop()
	var (
		rr        readResult
		got       bool
		timedOut  bool
		cancelled bool
		ws        syscall.WaitStatus
		exited    bool
	)
	for !exited || !got {
		select {
		case rr = <-rc:
			got = true
			if rr.err != nil {
				// A worker that sends garbage is as good as crashed.
				w.kill()
			}
		case <-w.exited:
			ws = w.ws
			exited = true
			// Anything left in its process group goes too, so no
			// straggler can hold the response pipe open.
			w.kill()
			if !got {
				// The pipe's write end died with the worker; the read
				// finishes promptly now.
				rr = <-rc
				got = true
			}
		case <-timer.C:
			timedOut = true
			w.kill()
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				cancelled = true
				w.kill()
			}
			ctx = context.Background()
		}
	}
	w.respR.Close()
	stderr := w.stderr.String()
	res.PeakRSS = w.peakRSS(cg)

	switch {
	case timedOut:
		return res, diag.New(diag.Limit, "limit.deadline", diag.Pos{},
			"the program ran past its deadline; its worker was killed %v after the %v timeout", cfg.Margin, timeout).
			WithHint("raise --timeout or shrink the work")
	case cancelled:
		return res, diag.New(diag.Limit, "limit.cancelled", diag.Pos{}, "execution was cancelled; its worker was killed")
	}
	if rr.err == nil {
		r, err := DecodeResponse(rr.p)
		if err == nil {
			res.Response = *r
			res.PeakRSS = max(res.PeakRSS, r.MemBytes)
			if r.Err != nil && r.Err.Rule == "sandbox.setup" {
				return res, r.Err
			}
			return res, nil
		}
		rr.err = err
	}
	return res, classify(ws, cg, cfg.MemoryBytes, stderr, rr.err)
}

// classify turns a worker that died without a valid response into an error.
func classify(ws syscall.WaitStatus, cg *cgroup, mem int64, stderr string, readErr error) error {
	if cg.oomKilled() {
		return diag.New(diag.Limit, "sandbox.worker_killed", diag.Pos{},
			"the worker was killed for exceeding its memory limit of %d bytes (cgroup)", mem).
			WithHint("lower the program's memory use or raise --max-memory")
	}
	if ws.Signaled() {
		switch sig := ws.Signal(); sig {
		case syscall.SIGSYS:
			return diag.New(diag.Limit, "sandbox.worker_killed", diag.Pos{},
				"the worker was killed for a forbidden system call (seccomp)")
		case syscall.SIGXCPU:
			return diag.New(diag.Limit, "sandbox.worker_killed", diag.Pos{}, "the worker was killed for exceeding its CPU-time limit")
		case syscall.SIGKILL:
			return diag.New(diag.Limit, "sandbox.worker_killed", diag.Pos{}, "the worker was killed (SIGKILL)")
		default:
			return diag.New(diag.Runtime, "sandbox.worker_crashed", diag.Pos{}, "the worker died from signal %v%s", sig, firstLine(stderr))
		}
	}
	why := "exited without a response"
	if ws.Exited() && ws.ExitStatus() != 0 {
		why = fmt.Sprintf("exited with status %d", ws.ExitStatus())
	}
	if readErr != nil && !errors.Is(readErr, errFrame) {
		readErr = nil
	}
	msg := "the worker " + why + firstLine(stderr)
	if readErr != nil {
		msg += fmt.Sprintf(" (%v)", readErr)
	}
	return diag.New(diag.Runtime, "sandbox.worker_crashed", diag.Pos{}, "%s", msg)
}

// firstLine returns ": " and the first meaningful line of a crash report.
func firstLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > 200 {
				line = line[:200]
			}
			return ": " + line
		}
	}
	return ""
}

// extraFiles are the worker's descriptors from fdRequest on.
func extraFiles(reqR, respW, shared *os.File) []*os.File {
	if shared == nil {
		return []*os.File{reqR, respW}
	}
	return []*os.File{reqR, respW, shared}
}

// workerArgs are a worker's command line: the marker, its CPU-seconds
// limit and the test-only seccomp mode.
func workerArgs(cfg *Config, exe string, cpu uint64) []string {
	args := []string{exe, workerMarker, fmt.Sprintf("cpu=%d", cpu)}
	if cfg.seccompMode != "" {
		args = append(args, "seccomp="+cfg.seccompMode)
	}
	return args
}

type worker struct {
	pid    int
	reqW   *os.File
	respR  *os.File
	stderr *capBuffer
	// exited is closed once the worker has been reaped; ws and maxRSS are
	// set before.
	exited chan struct{}
	ws     syscall.WaitStatus
	maxRSS int64
}

// peakRSS is the worker's peak memory as the kernel saw it. With a memory
// cgroup, the group's high-water mark: what its limit counts (memory the
// worker touched after it was moved into the group; with cgroup v1 the
// pages the Go runtime touched while starting stay charged to the parent).
// Without one, the kernel's maxrss of the reaped worker, an upper bound:
// Linux folds the high-water mark of the address space the worker was
// started from (the parent's, by vfork) into it at exec. Run takes the
// larger of this and the memory the worker's runtime reports holding.
func (w *worker) peakRSS(cg *cgroup) int64 {
	if cg.memDir != "" || cg.v2Dir != "" {
		if p := cg.peak(); p > 0 {
			return p
		}
	}
	select {
	case <-w.exited:
		return w.maxRSS
	default:
		return 0
	}
}

func (w *worker) kill() {
	// Its own process group (Setpgid); with a PID namespace, killing its
	// init kills everything inside too.
	_ = syscall.Kill(-w.pid, syscall.SIGKILL)
	_ = syscall.Kill(w.pid, syscall.SIGKILL)
}

// start launches the worker from a locked OS thread that stays alive until
// the worker is reaped, so Pdeathsig fires only when the parent dies.
func start(cfg *Config, exe string, args []string, cg *cgroup, res *Result) (*worker, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "pipe: %v", err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "pipe: %v", err)
	}
	// Large pipe buffers: a request or response of a few MiB then crosses
	// in a few writes instead of one 64 KiB exchange (two cross-process
	// wake-ups) after another. Best effort: the kernel caps the size
	// (/proc/sys/fs/pipe-max-size) and the default still works.
	growPipe(reqW)
	growPipe(respW)
	w := &worker{reqW: reqW, respR: respR, stderr: &capBuffer{max: 16 << 10}, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: the thread exits with this goroutine, after the
		// worker has been reaped.
		nsMu.Lock()
		first := nsChosen
		if first < 0 {
			first = 0
		}
		var cmd *osexec.Cmd
		var err error
		chosen := -1
		for i := first; i < len(nsCandidates); i++ {
			a := args
			if nsCandidates[i].flags&syscall.CLONE_NEWPID != 0 {
				a = append(args[:len(args):len(args)], "pidns=1")
			}
			cmd = &osexec.Cmd{
				Path:       exe,
				Args:       a,
				Env:        append([]string{}, cfg.env...),
				Dir:        "/",
				Stderr:     w.stderr,
				ExtraFiles: extraFiles(reqR, respW, cfg.shared),
				SysProcAttr: &syscall.SysProcAttr{
					Pdeathsig:  syscall.SIGKILL,
					Setpgid:    true,
					Cloneflags: nsCandidates[i].flags,
				},
			}
			err = cmd.Start()
			if err == nil {
				chosen = i
				break
			}
			if !errors.Is(err, syscall.EPERM) && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EUSERS) {
				break
			}
		}
		if chosen >= 0 && nsChosen != chosen {
			nsChosen = chosen
			if chosen > 0 {
				cfg.warn(fmt.Sprintf("namespaces limited to [%s] (the kernel refused the others)", strings.Join(nsCandidates[chosen].names, " ")))
			}
		}
		nsMu.Unlock()
		reqR.Close()
		respW.Close()
		if err != nil {
			started <- err
			return
		}
		res.Namespaces = nsCandidates[chosen].names
		w.pid = cmd.Process.Pid
		started <- nil
		_ = cmd.Wait()
		w.ws, _ = cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
			w.maxRSS = ru.Maxrss << 10 // kilobytes on Linux
		}
		close(w.exited)
	}()
	if err := <-started; err != nil {
		reqW.Close()
		respR.Close()
		return nil, diag.New(diag.Internal, "sandbox.start", diag.Pos{}, "starting worker %s: %v", exe, err)
	}
	// The worker does nothing untrusted until it has read the request,
	// which is sent only after it is in its cgroups.
	if err := cg.add(w.pid); err != nil {
		w.kill()
		<-w.exited
		reqW.Close()
		respR.Close()
		return nil, diag.New(diag.Internal, "sandbox.cgroup", diag.Pos{}, "placing worker in its cgroup: %v", err)
	}
	return w, nil
}

// capBuffer keeps the first max bytes written to it.
type capBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.b)
}

// pipeBytes is the pipe buffer size asked for (F_SETPIPE_SZ).
const pipeBytes = 4 << 20

func growPipe(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		for size := pipeBytes; size >= 256<<10; size /= 2 {
			if _, err := unix.FcntlInt(fd, unix.F_SETPIPE_SZ, size); err == nil {
				return
			}
		}
	})
}
