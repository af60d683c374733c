package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// The test binary doubles as the worker: TestMain sees the marker and runs
// workerMain with the probes below. The product binary has no probes.
func TestMain(m *testing.M) {
	if IsWorker() {
		os.Exit(workerMain(runProbe))
	}
	os.Exit(m.Run())
}

// Probe exit codes: the forbidden action was refused with an error, or it
// succeeded (a breach).
const (
	probeRefused   = 10
	probeSucceeded = 11
)

func probeResult(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "refused:", err)
		os.Exit(probeRefused)
	}
	fmt.Fprintln(os.Stderr, "succeeded")
	os.Exit(probeSucceeded)
}

// runProbe performs one forbidden action inside a hardened worker.
func runProbe(name string) {
	switch name {
	case "open":
		f, err := os.Open("/etc/passwd")
		if err == nil {
			f.Close()
		}
		probeResult(err)
	case "write":
		probeResult(os.WriteFile("/tmp/hlogate-sandbox-probe", []byte("x"), 0o644))
	case "socket":
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
		if err == nil {
			// In a new network namespace there is no route anywhere.
			err = syscall.Connect(fd, &syscall.SockaddrInet4{Port: 53, Addr: [4]byte{1, 1, 1, 1}})
		}
		probeResult(err)
	case "execve":
		probeResult(syscall.Exec("/bin/sh", []string{"sh", "-c", "true"}, nil))
	case "ptrace":
		_, _, e := syscall.RawSyscall(syscall.SYS_PTRACE, syscall.PTRACE_ATTACH, uintptr(os.Getppid()), 0)
		probeResult(errnoErr(e))
	case "forkbomb":
		for i := 0; i < 10000; i++ {
			pid, _, e := syscall.RawSyscall(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0)
			if e != 0 {
				probeResult(e)
			}
			if pid == 0 {
				for {
					time.Sleep(time.Hour)
				}
			}
		}
		probeResult(nil)
	case "threadbomb":
		// Threads are allowed (the runtime needs them); the pids cgroup
		// bounds them.
		for i := 0; i < 10000; i++ {
			go func() {
				runtime.LockOSThread()
				time.Sleep(time.Hour)
			}()
		}
		time.Sleep(3 * time.Second)
		probeResult(nil)
	case "alloc":
		var keep [][]byte
		for i := 0; i < 4096; i++ { // up to 4 GiB
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = byte(j)
			}
			keep = append(keep, b)
		}
		probeResult(nil)
	case "hang":
		for {
		}
	case "crash":
		var m map[string]int
		m["x"] = 1
	}
}

func errnoErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func requireSandbox(t testing.TB) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("sandbox workers need Linux")
	}
	if os.Getuid() != 0 {
		t.Skip("not root: namespaces and cgroups are unavailable; sandbox tests skipped")
	}
}

func testConfig(probe, mode string) Config {
	exe, _ := os.Executable()
	return Config{Executable: exe, probe: probe, seccompMode: mode, MemoryBytes: 256 << 20, Pids: 32,
		Margin: 500 * time.Millisecond, Warn: func(string) {}}
}

var layersOnce struct {
	done bool
	s    string
}

// workerLayers returns the layers a plain worker reports on this machine.
func workerLayers(t *testing.T) string {
	t.Helper()
	if !layersOnce.done {
		res, _ := Run(context.Background(), testConfig("", ""), &Request{Limits: Limits{TimeoutNanos: int64(5 * time.Second)}})
		layersOnce.done, layersOnce.s = true, res.LayerSummary()
		t.Logf("layers on this machine: %s; notes %v", layersOnce.s, res.Notes)
	}
	return layersOnce.s
}

// runProbeWorker runs one probe and returns the error from Run.
func runProbeWorker(t *testing.T, probe, mode string, timeout time.Duration) (*Result, error) {
	t.Helper()
	res, err := Run(context.Background(), testConfig(probe, mode), &Request{Limits: Limits{TimeoutNanos: int64(timeout)}})
	t.Logf("probe %s (seccomp %s): layers %s; err=%v", probe, orNone(mode), res.LayerSummary(), err)
	return res, err
}

func TestProbesKilledBySeccomp(t *testing.T) {
	requireSandbox(t)
	for _, p := range []string{"open", "write", "socket", "execve", "ptrace", "forkbomb"} {
		t.Run(p, func(t *testing.T) {
			_, err := runProbeWorker(t, p, "", 5*time.Second)
			if !strings.Contains(workerLayers(t), "seccomp") {
				t.Skip("seccomp unavailable")
			}
			if diag.RuleOf(err) != "sandbox.worker_killed" || !strings.Contains(err.Error(), "seccomp") {
				t.Fatalf("want the worker killed by seccomp, got %v", err)
			}
			if diag.KindOf(err) != diag.Limit {
				t.Fatalf("kind %v", diag.KindOf(err))
			}
		})
	}
}

// With seccomp only logging, the other layers must still refuse.
func TestProbesRefusedByOtherLayers(t *testing.T) {
	requireSandbox(t)
	cases := map[string]string{
		"open":     "landlock",
		"write":    "landlock",
		"socket":   "net",
		"execve":   "landlock",
		"ptrace":   "pid",
		"forkbomb": "pids",
	}
	for p, layer := range cases {
		t.Run(p, func(t *testing.T) {
			res, err := runProbeWorker(t, p, "log", 10*time.Second)
			if !strings.Contains(workerLayers(t)+res.LayerSummary(), layer) {
				t.Skipf("layer %s unavailable", layer)
			}
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("status %d", probeRefused)) {
				t.Fatalf("want the action refused (exit %d) by %s, got %v", probeRefused, layer, err)
			}
		})
	}
}

// buildCgoWorker builds testdata/cgoworker with cgo, or skips when this
// machine cannot (no C compiler).
func buildCgoWorker(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cgoworker")
	cmd := osexec.Command("go", "build", "-o", bin, "./testdata/cgoworker")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("no cgo build here: %v\n%s", err, out)
	}
	return bin
}

// A binary that links cgo cannot reach every thread with a Landlock
// ruleset; its worker enforces the ruleset on one thread and re-executes
// itself from it. That worker reports landlock(abiN,exec), Landlock then
// refuses opening, writing and executing files while seccomp only logs,
// and it still runs programs.
func TestLandlockByReexecInCgoBuild(t *testing.T) {
	requireSandbox(t)
	exe := buildCgoWorker(t)
	cfg := testConfig("", "")
	cfg.Executable = exe
	rq := &Request{Program: []byte(affine), Inputs: []*tensor.Tensor{affineInput()}, Limits: Limits{TimeoutNanos: int64(5 * time.Second)}}
	res, err := Run(context.Background(), cfg, rq)
	if err != nil {
		t.Fatalf("cgo worker: %v", err)
	}
	layers := res.LayerSummary()
	t.Logf("cgo worker layers: %s", layers)
	if !strings.Contains(layers, "landlock(") {
		t.Skip("no Landlock on this kernel")
	}
	if !strings.Contains(layers, ",exec)") {
		t.Skipf("the worker was not built with cgo (%s)", layers)
	}
	if got := f32s(res.Outputs[0]); !reflect.DeepEqual(got, affineWant) {
		t.Fatalf("affine through the cgo worker: %v, want %v", got, affineWant)
	}
	for _, p := range []string{"open", "write", "execve"} {
		cfg := testConfig(p, "log")
		cfg.Executable = exe
		res, err := Run(context.Background(), cfg, &Request{Limits: Limits{TimeoutNanos: int64(10 * time.Second)}})
		t.Logf("probe %s: layers %s; err=%v", p, res.LayerSummary(), err)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("status %d", probeRefused)) {
			t.Errorf("%s: want it refused by Landlock (exit %d), got %v", p, probeRefused, err)
		}
	}
}

func TestThreadBombBoundedByPids(t *testing.T) {
	requireSandbox(t)
	res, err := runProbeWorker(t, "threadbomb", "", 20*time.Second)
	t.Logf("layers: %s", workerLayers(t))
	if len(res.Cgroups) == 0 || !strings.Contains(strings.Join(res.Cgroups, ","), "pids") {
		t.Skip("no pids cgroup")
	}
	// At the pids limit thread creation fails; the runtime's failure path
	// then either dies (worker_crashed) or touches a file and is killed by
	// seccomp (worker_killed). Either way only this worker dies.
	if r := diag.RuleOf(err); r != "sandbox.worker_crashed" && r != "sandbox.worker_killed" {
		t.Fatalf("want the worker to die at the pids limit, got %v", err)
	}
}

func TestAllocPastCgroupLimit(t *testing.T) {
	requireSandbox(t)
	res, err := runProbeWorker(t, "alloc", "", 20*time.Second)
	if !strings.Contains(strings.Join(res.Cgroups, ","), "memory") {
		t.Skip("no memory cgroup")
	}
	if diag.RuleOf(err) != "sandbox.worker_killed" || !strings.Contains(err.Error(), "memory limit") {
		t.Fatalf("want an OOM kill, got %v", err)
	}
}

func TestHangKilledAtDeadline(t *testing.T) {
	requireSandbox(t)
	_, err := runProbeWorker(t, "hang", "", 300*time.Millisecond)
	if diag.RuleOf(err) != "limit.deadline" || diag.KindOf(err) != diag.Limit {
		t.Fatalf("want limit.deadline, got %v", err)
	}
}

func TestCrash(t *testing.T) {
	requireSandbox(t)
	_, err := runProbeWorker(t, "crash", "", 5*time.Second)
	if diag.RuleOf(err) != "sandbox.worker_crashed" || diag.KindOf(err) != diag.Runtime {
		t.Fatalf("want sandbox.worker_crashed, got %v", err)
	}
}

const affine = `module @jit_affine {
  func.func public @main(%arg0: tensor<2x3xf32>) -> tensor<2x2xf32> {
    %w = stablehlo.constant dense<[[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]> : tensor<3x2xf32>
    %b = stablehlo.constant dense<[0.5, -0.5]> : tensor<2xf32>
    %0 = stablehlo.dot_general %arg0, %w, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
    %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
    %2 = stablehlo.add %0, %1 : tensor<2x2xf32>
    return %2 : tensor<2x2xf32>
  }
}`

func f32s(t *tensor.Tensor) []float32 {
	out := make([]float32, len(t.Data)/4)
	for i := range out {
		out[i] = float32(t.Float64(int64(i)))
	}
	return out
}

func TestExecAffine(t *testing.T) {
	requireSandbox(t)
	x, _ := tensor.New(tensor.F32, []int64{2, 3}, 1<<20)
	for i, v := range []float32{1, 2, 3, -1, 0.5, 4} {
		x.SetFloat64(int64(i), float64(v))
	}
	cfg := Config{Warn: func(string) {}}
	cfg.Executable, _ = os.Executable()
	outs, st, res, err := Exec(context.Background(), cfg, affine, "", []*tensor.Tensor{x}, exec.DefaultLimits(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("layers: %s; notes: %v; stats %+v", res.LayerSummary(), res.Notes, st)
	got := f32s(outs[0])
	// row0 = [1,2,3]·W + b, row1 = [-1,.5,4]·W + b.
	want := []float32{1*1 + 2*0.5 + 3*-2 + 0.5, 1*-1 + 2*2 + 3*0.25 - 0.5, -1*1 + 0.5*0.5 + 4*-2 + 0.5, -1*-1 + 0.5*2 + 4*0.25 - 0.5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if !strings.Contains(res.Layers, "seccomp(kill_process") {
		t.Errorf("seccomp not active: %s", res.Layers)
	}
}

func TestExecProgramError(t *testing.T) {
	requireSandbox(t)
	cfg := Config{Warn: func(string) {}}
	cfg.Executable, _ = os.Executable()
	_, _, _, err := Exec(context.Background(), cfg, "module {", "", nil, exec.DefaultLimits(), 5*time.Second)
	var d *diag.Error
	if !errors.As(err, &d) || d.Kind != diag.Rejected || !d.Pos.Known() {
		t.Fatalf("want a positioned parse error from the worker, got %v", err)
	}
}

// TestExecPeakRSS: Exec reports the worker's peak memory (for run
// --stats), not the parent's: a program holding 64 MiB of tensors shows at
// least that much.
func TestExecPeakRSS(t *testing.T) {
	requireSandbox(t)
	const big = `module @big {
  func.func public @main(%x: tensor<f32>) -> tensor<1x1xf32> {
    %b = stablehlo.broadcast_in_dim %x, dims = [] : (tensor<f32>) -> tensor<4096x4096xf32>
    %c = stablehlo.add %b, %b : tensor<4096x4096xf32>
    %s = stablehlo.slice %c [0:1, 0:1] : (tensor<4096x4096xf32>) -> tensor<1x1xf32>
    return %s : tensor<1x1xf32>
  }
}`
	x, _ := tensor.New(tensor.F32, nil, 1<<20)
	x.SetFloat64(0, 1)
	cfg := Config{Warn: func(string) {}}
	cfg.Executable, _ = os.Executable()
	outs, _, res, err := Exec(context.Background(), cfg, big, "", []*tensor.Tensor{x}, exec.DefaultLimits(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if outs[0].Float64(0) != 2 {
		t.Fatalf("got %v", outs[0].Float64(0))
	}
	t.Logf("worker peak %d MiB", res.PeakRSS>>20)
	if res.PeakRSS < 64<<20 || res.PeakRSS > 1<<30 {
		t.Fatalf("worker peak %d bytes, want 64 MiB to 1 GiB", res.PeakRSS)
	}
}
