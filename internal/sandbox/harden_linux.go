package sandbox

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"golang.org/x/sys/unix"
)

// nobody is the uid and gid a worker started as root drops to.
const nobody = 65534

// Syscalls is the seccomp allowlist of a worker once hardened, derived by
// running the corpus and the attack tests through workers in log mode and
// with strace -f (see sandbox_test.go), then reviewed: only what the Go
// runtime (threads, signals, memory, timers, scheduler) and blocking pipe
// I/O need. No open, socket, exec, fork (clone without CLONE_THREAD is
// refused by an argument filter), ptrace, mount, or bpf.
var Syscalls = []string{
	// I/O on the already-open pipes.
	"read", "write", "close", "fcntl", "fstat", "lseek",
	// Memory.
	"mmap", "munmap", "madvise", "mprotect", "mremap", "mincore", "brk",
	// Threads, futexes, scheduling.
	"futex", "exit", "exit_group", "gettid", "getpid", "getppid", "tgkill", "sched_yield",
	"sched_getaffinity", "nanosleep", "clock_gettime", "clock_nanosleep", "restart_syscall",
	"set_robust_list", "rseq",
	// Signals (preemption, crash reporting).
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	// Netpoller and timers the runtime may set up lazily.
	"epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait", "eventfd2", "pipe2",
	"getrlimit", "prlimit64", "getrandom", "uname",
}

// cloneThreadOnly is the one argument-filtered rule: clone must carry
// CLONE_THREAD, so the runtime can start threads but nothing can fork.
var cloneThreadOnly = seccomp.NameWithConditions{
	Name:       "clone",
	Conditions: []seccomp.Condition{{Argument: 0, Operation: seccomp.BitsSet, Value: unix.CLONE_THREAD}},
}

// privateProc mounts, in a new PID and mount namespace, a /proc of the
// worker's own (privately), so /proc/self and thread lists name this
// namespace's processes, not the host's.
func privateProc(pidNS bool) error {
	if !pidNS || syscall.Getpid() != 1 {
		return nil
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	return nil
}

// sharedLibDirs and ldCache are what the dynamic loader of a cgo build
// reads (and maps executable) when the worker re-executes itself under
// Landlock; missing ones are skipped.
var sharedLibDirs = []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64"}

const ldCache = "/etc/ld.so.cache"

// allThreadsSyscalls reports whether syscall.AllThreadsSyscall works here:
// it does not in a binary that links cgo.
func allThreadsSyscalls() bool {
	_, _, errno := syscall.AllThreadsSyscall(syscall.SYS_GETPID, 0, 0, 0)
	return errno != syscall.ENOTSUP
}

// landlockExec applies Landlock in a binary that links cgo, where
// syscall.AllThreadsSyscall is unavailable and a ruleset cannot reach the
// runtime's threads: on one locked thread it enforces the deny-all
// ruleset, plus reading and executing the binary itself and the shared
// libraries, then executes the binary again from that thread. The new
// program starts with that thread's Landlock domain and no_new_privs,
// and every thread it creates inherits them. It returns only on failure
// (the worker must then fail closed), or when there is nothing to do: a
// build without cgo (harden reaches every thread), a worker already
// re-executed, or a kernel without Landlock.
func landlockExec() error {
	if allThreadsSyscalls() || workerArg("landlocked") != "" {
		return nil
	}
	if _, err := landlockABI(); err != nil {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the executable: %w", err)
	}
	// Landlock forbids mounting: the private /proc comes first.
	if err := privateProc(workerArg("pidns") == "1"); err != nil {
		return err
	}
	runtime.LockOSThread() // never unlocked: this thread executes the binary
	abi, err := restrictThreadForExec(exe, sharedLibDirs, ldCache)
	if err != nil {
		return err
	}
	args := append(os.Args[:len(os.Args):len(os.Args)], fmt.Sprintf("landlocked=%d", abi))
	return fmt.Errorf("re-executing %s: %w", exe, syscall.Exec(exe, args, os.Environ()))
}

// harden applies the in-worker layers. It fails closed: an error means the
// worker must not run anything.
// landlocked is the Landlock ABI version a cgo build enforced before it
// re-executed itself ("" for none; see landlockExec).
func harden(cpuSeconds uint64, seccompMode string, pidNS bool, landlocked string) (layers []string, err error) {
	// Pin GOMAXPROCS: this also stops the runtime from re-reading cgroup
	// files periodically (which seccomp would refuse).
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	debug.SetTraceback("single")

	// Descriptors: the parent (os/exec) passes only stdio and the two IPC
	// pipes; every other descriptor Go opens is close-on-exec. Descriptors
	// above 4 here are the runtime's own (netpoller epoll, eventfd) and must
	// not be closed.

	// A worker that re-executed itself under Landlock (which forbids
	// mounting) mounted its /proc before.
	if landlocked == "" {
		if err := privateProc(pidNS); err != nil {
			return layers, err
		}
	}
	if pidNS && syscall.Getpid() == 1 {
		layers = append(layers, "private-proc")
	}

	// Drop root. syscall.Set*id apply to every thread (AllThreadsSyscall).
	if syscall.Getuid() == 0 {
		if err := syscall.Setgroups(nil); err != nil {
			return layers, fmt.Errorf("setgroups: %w", err)
		}
		if err := syscall.Setresgid(nobody, nobody, nobody); err != nil {
			return layers, fmt.Errorf("setresgid: %w", err)
		}
		if err := syscall.Setresuid(nobody, nobody, nobody); err != nil {
			return layers, fmt.Errorf("setresuid: %w", err)
		}
		layers = append(layers, "uid=65534")
	}

	type rl struct {
		res      int
		cur, max uint64
	}
	for _, r := range []rl{
		{unix.RLIMIT_NOFILE, 16, 16},
		// Per-uid, so generous; the pids cgroup and the clone filter are
		// the real per-worker bounds.
		{unix.RLIMIT_NPROC, 1024, 1024},
		{unix.RLIMIT_CORE, 0, 0},
		{unix.RLIMIT_FSIZE, 0, 0},
		{unix.RLIMIT_CPU, cpuSeconds, cpuSeconds + 1},
	} {
		if err := unix.Setrlimit(r.res, &unix.Rlimit{Cur: r.cur, Max: r.max}); err != nil {
			return layers, fmt.Errorf("setrlimit(%d): %w", r.res, err)
		}
	}
	layers = append(layers, "rlimits")

	// no_new_privs is per thread: set it on every thread (Landlock needs
	// it there); the seccomp TSYNC load below would carry it too.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, _, errno := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); errno != 0 {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return layers, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
	}
	layers = append(layers, "no_new_privs")

	// Landlock: no filesystem or TCP access and no signals outside the
	// worker, on every thread. Where the kernel has no Landlock the
	// seccomp allowlist below (no open, execve or socket at all) and the
	// namespaces still refuse those. syscall.AllThreadsSyscall exists only
	// in binaries without cgo; a binary that links cgo (Go's net resolver
	// does when a C compiler is present) had the ruleset applied before it
	// re-executed itself (landlockExec), or the kernel has no Landlock.
	switch {
	case landlocked != "":
		layers = append(layers, "landlock(abi"+landlocked+",exec)")
	case allThreadsSyscalls():
		if name, err := applyLandlock(); err == nil {
			layers = append(layers, name)
		}
	}

	action := seccomp.ActionKillProcess
	if seccompMode == "log" {
		action = seccomp.ActionLog
	}
	f := seccomp.Filter{
		NoNewPrivs: true,
		Flag:       seccomp.FilterFlagTSync,
		Policy: seccomp.Policy{
			DefaultAction: action,
			Syscalls: []seccomp.SyscallGroup{
				{Action: seccomp.ActionAllow, Names: Syscalls},
				{Action: seccomp.ActionAllow, NamesWithCondtions: []seccomp.NameWithConditions{cloneThreadOnly}},
				// clone3's flags sit behind a pointer BPF cannot read:
				// answer ENOSYS so glibc (cgo builds) falls back to clone.
				{Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS), Names: []string{"clone3"}},
			},
		},
	}
	if err := seccomp.LoadFilter(f); err != nil {
		return layers, fmt.Errorf("seccomp: %w", err)
	}
	layers = append(layers, "seccomp("+strings.TrimPrefix(action.String(), "action_")+",tsync)")
	return layers, nil
}
