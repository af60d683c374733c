//go:build linux

package sandbox

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock, without cgo: the ruleset is created with the raw system
// calls and enforced on every thread of the process with
// syscall.AllThreadsSyscall (which Go provides to builds without cgo —
// hlogate's). The ruleset handles every filesystem and TCP access right the
// kernel's Landlock ABI knows and grants none, and scopes abstract Unix
// sockets and signals: after it, the worker can open, create, execute or
// remove nothing, bind or connect no TCP port, and signal no process
// outside itself, whatever the seccomp filter allows.

const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446
	landlockCreateVersion    = 1 << 0
	landlockRulePathBeneath  = 1
	landlockExecute          = 1 << 0
	landlockReadFile         = 1 << 2
)

// landlockAttr is struct landlock_ruleset_attr (ABI 6 layout; older ABIs
// read a prefix of it).
type landlockAttr struct {
	handledFS  uint64
	handledNet uint64
	scoped     uint64
}

// landlockFS is every filesystem right of each ABI version: v1 the first
// 13, v2 REFER, v3 TRUNCATE, v5 IOCTL_DEV.
func landlockFS(abi int) uint64 {
	fs := uint64(1)<<13 - 1
	if abi >= 2 {
		fs |= 1 << 13
	}
	if abi >= 3 {
		fs |= 1 << 14
	}
	if abi >= 5 {
		fs |= 1 << 15
	}
	return fs
}

// landlockRuleset creates the ruleset that handles every right of the
// kernel's ABI (see the comment at the top).
func landlockRuleset() (fd uintptr, abi uintptr, err error) {
	if abi, err = landlockABI(); err != nil {
		return 0, 0, err
	}
	attr := landlockAttr{handledFS: landlockFS(int(abi))}
	size := unsafe.Sizeof(attr.handledFS)
	if abi >= 4 {
		attr.handledNet = 1<<0 | 1<<1 // BIND_TCP, CONNECT_TCP
		size += unsafe.Sizeof(attr.handledNet)
	}
	if abi >= 6 {
		attr.scoped = 1<<0 | 1<<1 // ABSTRACT_UNIX_SOCKET, SIGNAL
		size += unsafe.Sizeof(attr.scoped)
	}
	fd, _, errno := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return 0, 0, fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	return fd, abi, nil
}

// landlockABI returns the kernel's Landlock ABI version, or an error when
// it has none.
func landlockABI() (uintptr, error) {
	abi, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, landlockCreateVersion)
	if errno != 0 {
		return 0, fmt.Errorf("landlock unavailable: %v", errno)
	}
	return abi, nil
}

// landlockPathBeneath is struct landlock_path_beneath_attr (packed: the
// kernel reads its first 12 bytes).
type landlockPathBeneath struct {
	allowed  uint64
	parentFd int32
	_        int32
}

// allowBeneath grants rights on path (a file, or everything beneath a
// directory) in the ruleset.
func allowBeneath(ruleset uintptr, path string, rights uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	attr := landlockPathBeneath{allowed: rights, parentFd: int32(fd)}
	if _, _, errno := syscall.Syscall6(sysLandlockAddRule, ruleset, landlockRulePathBeneath, uintptr(unsafe.Pointer(&attr)), 0, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_add_rule %s: %w", path, errno)
	}
	return nil
}

// restrictThreadForExec enforces, on the calling thread only, the deny-all
// ruleset plus what executing exe needs: execute and read exe, and read
// and execute the system's shared libraries (the dynamic loader and libc
// of a cgo build; paths in libDirs, and the loader's cache, that do not
// exist are skipped). The thread must be locked and must exec next: the
// new program then starts with this thread's Landlock domain on every
// thread it creates. It returns the ABI version.
func restrictThreadForExec(exe string, libDirs []string, ldCache string) (uintptr, error) {
	ruleset, abi, err := landlockRuleset()
	if err != nil {
		return 0, err
	}
	defer unix.Close(int(ruleset))
	if err := allowBeneath(ruleset, exe, landlockExecute|landlockReadFile); err != nil {
		return 0, err
	}
	for _, d := range libDirs {
		if err := allowBeneath(ruleset, d, landlockExecute|landlockReadFile); err != nil && !errors.Is(err, unix.ENOENT) {
			return 0, err
		}
	}
	if err := allowBeneath(ruleset, ldCache, landlockReadFile); err != nil && !errors.Is(err, unix.ENOENT) {
		return 0, err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	if _, _, errno := syscall.RawSyscall(sysLandlockRestrictSelf, ruleset, 0, 0); errno != 0 {
		return 0, fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return abi, nil
}

// applyLandlock enforces the deny-all ruleset on all threads. It returns
// the layer's name, or "" and the reason when the kernel has no Landlock
// (the other layers then stand alone). no_new_privs must be set on every
// thread first (the kernel requires it for unprivileged callers).
func applyLandlock() (string, error) {
	fd, abi, err := landlockRuleset()
	if err != nil {
		return "", err
	}
	defer unix.Close(int(fd))
	if _, _, errno := syscall.AllThreadsSyscall(sysLandlockRestrictSelf, fd, 0, 0); errno != 0 {
		return "", fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return fmt.Sprintf("landlock(abi%d)", abi), nil
}
