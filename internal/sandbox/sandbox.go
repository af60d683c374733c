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
//     directory "/", no inherited file descriptors except the two IPC pipes
//     and a stderr pipe, cgroup memory and pids limits (v1 per controller,
//     or v2 with controllers) and a hard wall-clock kill at deadline + margin;
//   - worker side, before it reads any request: uid/gid dropped to 65534 when started as root, rlimits (NOFILE, NPROC,
//     CORE=0, FSIZE=0, CPU seconds), no_new_privs on every thread, and a
//     seccomp allowlist (no open, socket or exec calls at all) loaded with TSYNC whose default action kills the
//     process.
//
// The wire protocol is in proto.go. A worker that crashes fails its request
// with Runtime sandbox.worker_crashed; one killed by the kernel (cgroup OOM,
// seccomp, RLIMIT_CPU) with Limit sandbox.worker_killed; one that overruns
// its deadline is killed and fails with Limit limit.deadline.
package sandbox

import (
	"os"
	"time"
)

// workerMarker is os.Args[1] of a worker process.
const workerMarker = "__hlogate_sandbox_worker_v1__"

// Fixed descriptors in the worker.
const (
	fdRequest  = 3
	fdResponse = 4
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
	// Warn receives one-line warnings about layers that are unavailable
	// (default: written to stderr once per distinct message).
	Warn func(string)

	// Test-only knobs (set by this package's tests).
	probe       string // worker runs this probe after hardening
	seccompMode string // "" (kill), "log": log violations instead
}

// IsWorker reports whether this process was started as a sandbox worker.
func IsWorker() bool { return len(os.Args) > 1 && os.Args[1] == workerMarker }
