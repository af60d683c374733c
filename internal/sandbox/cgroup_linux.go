package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// cgroup is one worker's cgroup set: a v1 directory per controller, or one
// v2 directory.
type cgroup struct {
	memDir, pidsDir string // v1
	v2Dir           string
	applied         []string // "memory(v1)", "pids(v2)", ...
}

var cgroupSeq atomic.Int64

// ownCgroup returns this process's path in the v1 controller named ctl, or
// in the v2 hierarchy when ctl is "".
func ownCgroup(ctl string) string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "/"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if ctl == "" && parts[0] == "0" && parts[1] == "" {
			return parts[2]
		}
		for c := range strings.SplitSeq(parts[1], ",") {
			if ctl != "" && c == ctl {
				return parts[2]
			}
		}
	}
	return "/"
}

// makeGroup creates a child group named name under mount (preferring this
// process's own group, so the parent's limits still cover the worker).
func makeGroup(mount, own, name string) (string, error) {
	var lastErr error
	for _, base := range []string{filepath.Join(mount, own), mount} {
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			lastErr = err
			continue
		}
		return dir, nil
	}
	return "", lastErr
}

func writeFile(path, val string) error {
	return os.WriteFile(path, []byte(val), 0)
}

func isV1Controller(mount, file string) bool {
	_, err := os.Stat(filepath.Join(mount, file))
	return err == nil
}

// v2Mount returns the cgroup2 mount point, if any.
func v2Mount() string {
	for _, m := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if _, err := os.Stat(filepath.Join(m, "cgroup.controllers")); err == nil {
			return m
		}
	}
	return ""
}

// newCgroup creates the groups and sets the limits. Errors are not fatal:
// the returned notes say what could not be applied.
func newCgroup(memBytes, pids int64) (*cgroup, []string) {
	cg := &cgroup{}
	var notes []string
	name := fmt.Sprintf("hlogate-%d-%d", os.Getpid(), cgroupSeq.Add(1))
	const v1mem, v1pids = "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids"
	if isV1Controller(v1mem, "memory.limit_in_bytes") {
		if dir, err := makeGroup(v1mem, ownCgroup("memory"), name); err != nil {
			notes = append(notes, "cgroup v1 memory: "+err.Error())
		} else {
			cg.memDir = dir
			lim := strconv.FormatInt(memBytes, 10)
			if err := writeFile(filepath.Join(dir, "memory.limit_in_bytes"), lim); err != nil {
				notes = append(notes, "cgroup v1 memory.limit_in_bytes: "+err.Error())
			} else {
				// Also cap swap where accounted, so the limit cannot be
				// dodged by swapping; absent without swap accounting.
				_ = writeFile(filepath.Join(dir, "memory.memsw.limit_in_bytes"), lim)
				cg.applied = append(cg.applied, "memory(v1)")
			}
		}
	}
	if isV1Controller(v1pids, "cgroup.procs") && !isV1Controller(v1pids, "cgroup.controllers") {
		if dir, err := makeGroup(v1pids, ownCgroup("pids"), name); err != nil {
			notes = append(notes, "cgroup v1 pids: "+err.Error())
		} else {
			cg.pidsDir = dir
			if err := writeFile(filepath.Join(dir, "pids.max"), strconv.FormatInt(pids, 10)); err != nil {
				notes = append(notes, "cgroup v1 pids.max: "+err.Error())
			} else {
				cg.applied = append(cg.applied, "pids(v1)")
			}
		}
	}
	if cg.memDir == "" || cg.pidsDir == "" {
		if m := v2Mount(); m != "" {
			ctrls, _ := os.ReadFile(filepath.Join(m, ownCgroup(""), "cgroup.subtree_control"))
			have := strings.Fields(string(ctrls))
			wantMem := cg.memDir == "" && contains(have, "memory")
			wantPids := cg.pidsDir == "" && contains(have, "pids")
			if wantMem || wantPids {
				if dir, err := makeGroup(m, ownCgroup(""), name); err != nil {
					notes = append(notes, "cgroup v2: "+err.Error())
				} else {
					cg.v2Dir = dir
					if wantMem && writeFile(filepath.Join(dir, "memory.max"), strconv.FormatInt(memBytes, 10)) == nil {
						_ = writeFile(filepath.Join(dir, "memory.swap.max"), "0")
						cg.applied = append(cg.applied, "memory(v2)")
					}
					if wantPids && writeFile(filepath.Join(dir, "pids.max"), strconv.FormatInt(pids, 10)) == nil {
						cg.applied = append(cg.applied, "pids(v2)")
					}
				}
			} else {
				notes = append(notes, "cgroup v2 at "+m+" has no memory/pids controllers delegated")
			}
		}
	}
	if !contains(cg.applied, "memory(v1)") && !contains(cg.applied, "memory(v2)") {
		notes = append(notes, "no cgroup memory limit: a worker is bounded only by the executor's allocator meter")
	}
	return cg, notes
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// add moves pid into every group.
func (cg *cgroup) add(pid int) error {
	p := strconv.Itoa(pid)
	var errs []error
	for _, d := range []string{cg.memDir, cg.pidsDir, cg.v2Dir} {
		if d != "" {
			if err := writeFile(filepath.Join(d, "cgroup.procs"), p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// oomKilled reports whether the kernel's OOM killer fired in the group.
func (cg *cgroup) oomKilled() bool {
	if cg.memDir != "" && counter(filepath.Join(cg.memDir, "memory.oom_control"), "oom_kill") > 0 {
		return true
	}
	return cg.v2Dir != "" && counter(filepath.Join(cg.v2Dir, "memory.events"), "oom_kill") > 0
}

// peak is the group's memory high-water mark (v1
// memory.max_usage_in_bytes, v2 memory.peak where the kernel has it), 0
// when unknown.
func (cg *cgroup) peak() int64 {
	switch {
	case cg.memDir != "":
		return readInt(filepath.Join(cg.memDir, "memory.max_usage_in_bytes"))
	case cg.v2Dir != "":
		return readInt(filepath.Join(cg.v2Dir, "memory.peak"))
	}
	return 0
}

func readInt(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// counter reads "key N" from a flat keyed file.
func counter(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == key {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// sweepStale removes the empty groups that hlogate processes which are no
// longer running left behind (a server killed before it could remove its
// workers' groups): the ones named hlogate-PID-N next to where this
// process makes its own, whose PID is gone.
func sweepStale() {
	var bases []string
	const v1mem, v1pids = "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids"
	if isV1Controller(v1mem, "memory.limit_in_bytes") {
		bases = append(bases, filepath.Join(v1mem, ownCgroup("memory")), v1mem)
	}
	if isV1Controller(v1pids, "cgroup.procs") {
		bases = append(bases, filepath.Join(v1pids, ownCgroup("pids")), v1pids)
	}
	if m := v2Mount(); m != "" {
		bases = append(bases, filepath.Join(m, ownCgroup("")), m)
	}
	for _, base := range bases {
		dirs, _ := filepath.Glob(filepath.Join(base, "hlogate-*-*"))
		for _, d := range dirs {
			f := strings.Split(filepath.Base(d), "-")
			if len(f) != 3 {
				continue
			}
			pid, err := strconv.Atoi(f[1])
			if err != nil || pid <= 0 || pid == os.Getpid() {
				continue
			}
			if syscall.Kill(pid, 0) == syscall.ESRCH {
				_ = os.Remove(d) // fails, harmlessly, unless empty
			}
		}
	}
}

// remove deletes the groups; they empty as soon as the worker is reaped,
// but the kernel may take a moment to notice.
func (cg *cgroup) remove() {
	for _, d := range []string{cg.memDir, cg.pidsDir, cg.v2Dir} {
		if d == "" {
			continue
		}
		for i := 0; i < 50; i++ {
			if err := os.Remove(d); err == nil || os.IsNotExist(err) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
