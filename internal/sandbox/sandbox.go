// Package sandbox runs the execution step of a request in a separate,
// locked-down worker process: the same binary re-executed with a hidden
// marker argument, so that a fatal Go error (stack overflow, out of memory,
// a runtime bug), an exploited kernel or a resource bomb kills only that
// worker and fails only its request.
//
// Layers, outermost first (each detected, none assumed; Layers reports
// which applied):
//
//   - parent side: Pdeathsig SIGKILL from a locked OS thread, its own
//     process group, new network, mount, PID, IPC and UTS namespaces where
//     permitted (falling back with a warning), an empty environment, working
//     directory "/", no inherited file descriptors except the two IPC pipes,
//     a stderr pipe and (pool workers) a sealed shared-memory memfd, cgroup
//     memory and pids limits (v1 per controller, or v2 with controllers)
//     and a hard wall-clock kill at deadline + margin;
//   - worker side, before it reads any request: a private /proc, uid/gid
//     dropped to 65534 when started as root, rlimits (NOFILE, NPROC,
//     CORE=0, FSIZE=0, CPU seconds), no_new_privs on every thread, Landlock
//     on every thread (no filesystem or TCP access, signals and abstract
//     sockets scoped; a binary that links cgo applies it on one thread and
//     re-executes itself from there), and a seccomp allowlist (no open,
//     socket or exec calls at all) loaded with TSYNC whose default action
//     kills the process.
//
// The wire protocol is in proto.go; tensors cross in shm_linux.go's shared
// regions when they fit. A worker that crashes fails its request
// with Runtime sandbox.worker_crashed; one killed by the kernel (cgroup OOM,
// seccomp, RLIMIT_CPU) with Limit sandbox.worker_killed; one that overruns
// its deadline is killed and fails with Limit limit.deadline.
package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"os"
	"runtime"
	"time"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// workerMarker is os.Args[1] of a worker process.
const workerMarker = "__hlogate_sandbox_worker_v1__"

// Fixed descriptors in the worker.
const (
	fdRequest  = 3
	fdResponse = 4
	fdShared   = 5 // pool workers: the shared-memory memfd
)

// Config tunes Run. The zero value is usable.
type Config struct {
	// Executable is the binary to re-execute (default os.Executable()).
	Executable string
	// MemoryBytes is the cgroup memory limit of the worker (default:
	// 2 × the request's MaxMemory + 256 MiB).
	MemoryBytes int64
	// Pids is the cgroup pids limit (default 64).
	Pids int64
	// Margin is added to the request's timeout before the worker is killed
	// (default 2s + 10% of the timeout).
	Margin time.Duration
	// MaxResponse caps the response frame (default 1 GiB).
	MaxResponse int64
	// Engine is the worker's execution engine for Exec: "plan" or ""
	// (the reference executor).
	Engine string
	// Warn receives one-line warnings about layers that are unavailable
	// (default: written to stderr once per distinct message).
	Warn func(string)

	// env is the worker's environment (default: empty).
	env []string
	// shared is the memfd a pool worker gets at fdShared, or nil.
	shared *os.File

	// Test-only knobs (set by this package's tests).
	probe       string // worker runs this probe after hardening
	seccompMode string // "" (kill), "log": log violations instead
}

// IsWorker reports whether this process was started as a sandbox worker.
func IsWorker() bool { return len(os.Args) > 1 && os.Args[1] == workerMarker }

// PoolConfig tunes NewPool. The zero value is usable. The embedded Config's
// MemoryBytes is the cgroup memory limit of each worker (default 2 GiB +
// 256 MiB); Margin, when set, replaces the default kill margin of
// 1s + 10% of the request's timeout.
type PoolConfig struct {
	Config
	// Workers is the number of workers (default GOMAXPROCS).
	Workers int
	// MaxRequests recycles a worker after it has served this many requests
	// (default 1000).
	MaxRequests int
	// RecycleMemory recycles a worker once the memory its Go runtime holds
	// from the OS after a request exceeds it (default MemoryBytes / 2).
	RecycleMemory int64
	// MaxTimeout is the longest timeout a request is expected to have
	// (default 30s); with the CPUs it sizes the CPU headroom kept below
	// CPUSeconds.
	MaxTimeout time.Duration
	// CPUSeconds is each worker's RLIMIT_CPU over its life (default one
	// hour, at least twice one request's share); a worker is recycled
	// before one more request could take it over the limit.
	CPUSeconds int64
	// CacheEntries bounds each worker's cache of compiled programs
	// (default 32).
	CacheEntries int
	// StartTimeout bounds a worker's start, hardening included (default
	// 10s).
	StartTimeout time.Duration
	// PoisonReleased fills response buffers given back by
	// JobInfo.Release with 0xA5 before they are reused, so that a use
	// after Release shows (for tests; it costs a pass over each buffer).
	PoisonReleased bool
	// warmTimeout, when set, replaces StartTimeout for warming a
	// replacement (tests).
	warmTimeout time.Duration
	// SharedBytes is the size of each of a worker's two shared-memory
	// regions (requests, responses): a frame that fits crosses there
	// instead of through the pipes (default 4 MiB, rounded up to 64 KiB;
	// negative: none).
	SharedBytes int
}

// defaultSharedBytes is the size of each shared-memory region of a pool
// worker (shm_linux.go).
const defaultSharedBytes = 4 << 20

func (c PoolConfig) withDefaults() PoolConfig {
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.MaxRequests <= 0 {
		c.MaxRequests = 1000
	}
	if c.SharedBytes == 0 {
		c.SharedBytes = defaultSharedBytes
	}
	if c.MemoryBytes <= 0 {
		c.MemoryBytes = 2<<30 + 256<<20
	}
	if c.RecycleMemory <= 0 {
		c.RecycleMemory = c.MemoryBytes / 2
	}
	if c.Pids <= 0 {
		c.Pids = 64
	}
	if c.MaxResponse <= 0 {
		c.MaxResponse = 1 << 30
	}
	if c.MaxTimeout <= 0 {
		c.MaxTimeout = 30 * time.Second
	}
	if c.CPUSeconds <= 0 {
		c.CPUSeconds = 3600
	}
	if c.CacheEntries <= 0 {
		c.CacheEntries = defaultCacheEntries
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 10 * time.Second
	}
	return c
}

// defaultCacheEntries bounds a worker's program cache.
const defaultCacheEntries = 32

// Why a worker left a pool.
const (
	ExitRecycled  = "recycled"   // served MaxRequests, or grew past RecycleMemory or its CPU headroom
	ExitSingleUse = "single_use" // ran a Job marked SingleUse (an untrusted tenant's program)
	ExitCrashed   = "crashed"    // died on its own (a Go fatal error, a bad frame)
	ExitKilled    = "killed"     // killed by the kernel: cgroup OOM, seccomp, RLIMIT_CPU
	ExitDeadline  = "deadline"   // killed at its request's deadline plus the margin
	ExitCancelled = "cancelled"  // killed because its request was cancelled
	ExitClosed    = "closed"     // the pool closed
)

// ExitReasons lists every Exit* value (metrics export them all).
var ExitReasons = exitReasons[:]

var exitReasons = [...]string{ExitRecycled, ExitSingleUse, ExitCrashed, ExitKilled, ExitDeadline, ExitCancelled, ExitClosed}

// exitIndex is r's place in exitReasons; an unknown reason counts as a
// crash.
func exitIndex(r string) int {
	for i, x := range exitReasons {
		if x == r {
			return i
		}
	}
	return 2
}

// PoolStats are a pool's counters: workers alive now, workers started,
// starts that failed, requests answered by a worker (a program's own error
// included) and how many of them found their program in the worker's
// cache, and exits by reason (the Exit* constants).
type PoolStats struct {
	Live, Starts, StartFailures int64
	Requests, CacheHits         int64
	// SharedFrames counts request and response frames whose payload
	// crossed in shared memory rather than through a pipe.
	SharedFrames int64
	// Warmed counts programs compiled into replacement workers before
	// they took requests; Hot is how many programs are kept for that.
	Warmed int64
	Hot    int
	// WorkerCPU is the CPU time workers reported, starts included, up to
	// their last answered request.
	WorkerCPU time.Duration
	Exits     map[string]int64
}

// ProgramKey is the cache key of a compiled program: a hash of the
// executor kind, the entry name, the program text and the bound
// arguments (.npy blobs).
func ProgramKey(kind, entry string, src []byte, bound [][]byte) [32]byte {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte("hlogate-program-v1"))
	field([]byte(kind))
	field([]byte(entry))
	field(src)
	binary.LittleEndian.PutUint64(n[:], uint64(len(bound)))
	h.Write(n[:])
	for _, b := range bound {
		field(b)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// Job is one execution for a pool worker.
type Job struct {
	// Key names the compiled program in the workers' caches (ProgramKey of
	// Program, Entry and Bound); the zero key disables caching.
	Key [keyLen]byte
	// Program is the program text, sent to a worker that does not hold
	// Key; Bound are its leading arguments (.npy blobs), cached with it.
	Program []byte
	Bound   [][]byte
	Entry   string
	// Inputs are the arguments after the bound ones.
	Inputs []*tensor.Tensor
	// Refine specialises a shape-polymorphic program to the arguments'
	// shapes and DimValues (argument index → value) first.
	Refine    bool
	DimValues map[int]int64
	Limits    exec.Limits
	// Timeout is the run's deadline; the worker is killed at Timeout (or
	// ctx's deadline, whichever is first) plus the pool's margin.
	Timeout time.Duration

	// Probe is test-only: a worker started by RunTestWorkerWithProbes
	// runs the named forbidden action; product workers ignore it.
	Probe string
	// Engine is "plan" or "" (the reference executor); see Request.
	Engine string
	// SingleUse retires the worker after this job, whatever its outcome:
	// a program from an untrusted tenant then never shares a process with
	// another request, so a program that broke out of the executor sees
	// nothing of anyone else's.
	SingleUse bool
}

// JobInfo says how a job ran.
type JobInfo struct {
	// Worker is the worker's process id (in the parent's PID namespace).
	Worker int
	// CacheHit: the worker had the program compiled already.
	CacheHit bool
	// Exit is why the worker left the pool after this job ("" when it
	// stayed): ExitRecycled, ExitCrashed, ExitKilled, ExitDeadline or
	// ExitCancelled.
	Exit string
	// Release, set when the job returned outputs, gives the memory they
	// lie in back to the pool for later responses. Calling it is
	// optional (the garbage collector takes the memory otherwise); once
	// it is called the outputs must not be used. It may be called more
	// than once.
	Release func()
}
