//go:build linux

package sandbox

import (
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
	sysLandlockRestrictSelf  = 446
	landlockCreateVersion    = 1 << 0
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

// applyLandlock enforces the deny-all ruleset on all threads. It returns
// the layer's name, or "" and the reason when the kernel has no Landlock
// (the other layers then stand alone). no_new_privs must be set on every
// thread first (the kernel requires it for unprivileged callers).
func applyLandlock() (string, error) {
	abi, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, landlockCreateVersion)
	if errno != 0 {
		return "", fmt.Errorf("landlock unavailable: %v", errno)
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
		return "", fmt.Errorf("landlock_create_ruleset: %v", errno)
	}
	defer unix.Close(int(fd))
	if _, _, errno := syscall.AllThreadsSyscall(sysLandlockRestrictSelf, fd, 0, 0); errno != 0 {
		return "", fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return fmt.Sprintf("landlock(abi%d)", abi), nil
}
