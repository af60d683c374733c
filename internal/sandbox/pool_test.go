//go:build linux

package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/tensor"
)

func testPool(t testing.TB, cfg PoolConfig) *Pool {
	t.Helper()
	requireSandbox(t)
	exe, _ := os.Executable()
	cfg.Executable = exe
	cfg.Warn = func(string) {}
	if cfg.MemoryBytes == 0 {
		cfg.MemoryBytes = 256 << 20
	}
	if cfg.Pids == 0 {
		cfg.Pids = 32
	}
	if cfg.Margin == 0 {
		cfg.Margin = 300 * time.Millisecond
	}
	p, err := NewPool(cfg)
	if err != nil {
		t.Skipf("the sandbox cannot start here: %v", err)
	}
	t.Cleanup(p.Close)
	t.Logf("pool of %d: %s", p.Size(), p.Layers())
	return p
}

func affineInput() *tensor.Tensor {
	x, _ := tensor.New(tensor.F32, []int64{2, 3}, 1<<20)
	for i, v := range []float32{1, 2, 3, -1, 0.5, 4} {
		x.SetFloat64(int64(i), float64(v))
	}
	return x
}

var affineWant = []float32{1*1 + 2*0.5 + 3*-2 + 0.5, 1*-1 + 2*2 + 3*0.25 - 0.5, -1*1 + 0.5*0.5 + 4*-2 + 0.5, -1*-1 + 0.5*2 + 4*0.25 - 0.5}

func affineJob() *Job {
	return &Job{Key: ProgramKey("reference", "", []byte(affine), nil), Program: []byte(affine),
		Inputs: []*tensor.Tensor{affineInput()}, Limits: exec.DefaultLimits(), Timeout: 5 * time.Second}
}

// checkAffine runs the affine program and checks its answer.
func checkAffine(t *testing.T, p *Pool) *JobInfo {
	t.Helper()
	outs, _, info, err := p.Exec(context.Background(), affineJob())
	if err != nil {
		t.Fatalf("affine: %v", err)
	}
	got := f32s(outs[0])
	for i := range affineWant {
		if got[i] != affineWant[i] {
			t.Fatalf("affine: got %v, want %v", got, affineWant)
		}
	}
	return info
}

func TestPoolRoundTripAndCache(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1})
	for i := 0; i < 5; i++ {
		info := checkAffine(t, p)
		if info.CacheHit != (i > 0) {
			t.Fatalf("request %d: cache hit %v", i, info.CacheHit)
		}
		if info.Exit != "" {
			t.Fatalf("request %d: worker left: %s", i, info.Exit)
		}
	}
	// A program's own error comes back as it is, and the worker stays.
	job := affineJob()
	job.Inputs[0], _ = tensor.New(tensor.F32, []int64{3, 3}, 1<<20)
	_, _, info, err := p.Exec(context.Background(), job)
	if d := diag.As(err); err == nil || d.Kind == diag.Internal || strings.HasPrefix(d.Rule, "sandbox.") || info.Exit != "" {
		t.Fatalf("want the program's own input error, got %v (exit %q)", err, info.Exit)
	}
	// A different program under a different key: compiled, then cached.
	prog := strings.Replace(affine, "0.5, -0.5", "1.5, -0.5", 1)
	job = affineJob()
	job.Program, job.Key = []byte(prog), ProgramKey("reference", "", []byte(prog), nil)
	for i := 0; i < 2; i++ {
		outs, _, info, err := p.Exec(context.Background(), job)
		if err != nil || info.CacheHit != (i > 0) || f32s(outs[0])[0] != affineWant[0]+1 {
			t.Fatalf("second program, run %d: %v, hit %v", i, err, info.CacheHit)
		}
	}
	if st := p.Stats(); st.Starts != 1 || st.Live != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// waitLive waits until the pool has n workers alive again.
func waitLive(t *testing.T, p *Pool, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.Stats().Live != n {
		if time.Now().After(deadline) {
			t.Fatalf("pool has %d workers, want %d", p.Stats().Live, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPoolRecycle(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1, MaxRequests: 3})
	pids := map[int]int{}
	for i := 0; i < 7; i++ {
		info := checkAffine(t, p)
		pids[info.Worker]++
		if want := i%3 == 2; (info.Exit == ExitRecycled) != want {
			t.Fatalf("request %d: exit %q", i, info.Exit)
		}
	}
	waitLive(t, p, 1)
	st := p.Stats()
	if len(pids) != 3 || st.Exits[ExitRecycled] != 2 || st.Starts != 3 {
		t.Fatalf("workers %v, stats %+v", pids, st)
	}
	// Recycling by memory: any growth is too much.
	p2 := testPool(t, PoolConfig{Workers: 1, RecycleMemory: 1})
	if info := checkAffine(t, p2); info.Exit != ExitRecycled {
		t.Fatalf("not recycled by memory: %+v", info)
	}
}

// TestPoolFailuresIsolated runs a forbidden action in one worker while
// other requests run on the same pool: only the probe's request fails,
// with the one-shot worker's error kinds, and the pool heals.
func TestPoolFailuresIsolated(t *testing.T) {
	cases := []struct {
		probe, rule, exit string
		kind              diag.Kind
		msg               string
	}{
		{"crash", "sandbox.worker_crashed", ExitCrashed, diag.Runtime, ""},
		{"open", "sandbox.worker_killed", ExitKilled, diag.Limit, "seccomp"},
		{"socket", "sandbox.worker_killed", ExitKilled, diag.Limit, "seccomp"},
		{"alloc", "sandbox.worker_killed", ExitKilled, diag.Limit, "memory limit"},
		{"hang", "limit.deadline", ExitDeadline, diag.Limit, "killed"},
	}
	p := testPool(t, PoolConfig{Workers: 2})
	for _, c := range cases {
		t.Run(c.probe, func(t *testing.T) {
			before := p.Stats()
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := 0; i < 6; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					outs, _, _, err := p.Exec(context.Background(), affineJob())
					if err == nil && f32s(outs[0])[0] != affineWant[0] {
						err = diag.New(diag.Internal, "test.wrong", diag.Pos{}, "wrong answer %v", f32s(outs[0]))
					}
					errs <- err
				}()
			}
			job := affineJob()
			job.Probe = c.probe
			job.Timeout = 10 * time.Second // the OOM kill may take a while under load
			if c.probe == "hang" {
				job.Timeout = 400 * time.Millisecond
			}
			_, _, info, err := p.Exec(context.Background(), job)
			wg.Wait()
			close(errs)
			for e := range errs {
				if e != nil {
					t.Errorf("a concurrent request failed: %v", e)
				}
			}
			if diag.RuleOf(err) != c.rule || diag.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.msg) {
				if c.probe == "alloc" && diag.RuleOf(err) == "sandbox.worker_killed" && !strings.Contains(strings.Join(p.cgroupsOf(), ","), "memory") {
					t.Skip("no memory cgroup")
				}
				t.Fatalf("want %s (%v) mentioning %q, got %v", c.rule, c.kind, c.msg, err)
			}
			if info.Exit != c.exit {
				t.Fatalf("exit reason %q, want %q", info.Exit, c.exit)
			}
			// Subsequent requests succeed, on a healed pool.
			for i := 0; i < 4; i++ {
				checkAffine(t, p)
			}
			waitLive(t, p, 2)
			after := p.Stats()
			if after.Exits[c.exit] != before.Exits[c.exit]+1 || after.Starts != before.Starts+1 {
				t.Fatalf("stats before %+v, after %+v", before, after)
			}
		})
	}
}

// cgroupsOf lists the cgroup layers of the pool's workers (test helper).
func (p *Pool) cgroupsOf() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for pw := range p.all {
		return pw.cg.applied
	}
	return nil
}

func TestPoolCancelAndClose(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1})
	ctx, cancel := context.WithCancel(context.Background())
	job := affineJob()
	job.Probe = "hang"
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, _, info, err := p.Exec(ctx, job)
	if diag.RuleOf(err) != "limit.cancelled" || info.Exit != ExitCancelled || time.Since(start) > 3*time.Second {
		t.Fatalf("cancel: %v, exit %q after %v", err, info.Exit, time.Since(start))
	}
	checkAffine(t, p)

	// A request waiting for a busy worker gives up at its deadline.
	hold := affineJob()
	hold.Probe = "hang"
	hold.Timeout = time.Second
	done := make(chan error, 1)
	go func() { _, _, _, err := p.Exec(context.Background(), hold); done <- err }()
	time.Sleep(50 * time.Millisecond)
	wctx, wcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer wcancel()
	if _, _, _, err := p.Exec(wctx, affineJob()); diag.RuleOf(err) != "limit.deadline" {
		t.Fatalf("waiting past the deadline: %v", err)
	}
	// Close kills the busy worker and removes its cgroup.
	dirs := p.cgroupsDirs()
	p.Close()
	if err := <-done; err == nil {
		t.Fatal("the running request survived Close")
	}
	if _, _, _, err := p.Exec(context.Background(), affineJob()); diag.RuleOf(err) != "sandbox.closed" {
		t.Fatalf("after Close: %v", err)
	}
	if st := p.Stats(); st.Live != 0 {
		t.Fatalf("after Close: %+v", st)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("cgroup %s left behind (%v)", d, err)
		}
	}
}

func (p *Pool) cgroupsDirs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for pw := range p.all {
		for _, d := range []string{pw.cg.memDir, pw.cg.pidsDir, pw.cg.v2Dir} {
			if d != "" {
				out = append(out, filepath.Clean(d))
			}
		}
	}
	return out
}

// BenchmarkPoolExecTiny is one pool round trip for the tiny affine program
// (cached in the worker), against exec.Run of the parsed program in this
// process.
func BenchmarkPoolExecTiny(b *testing.B) {
	b.Run("inprocess", func(b *testing.B) {
		m, err := mlir.ParseModule(affine, mlir.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		fn := m.Entry("")
		in := []*tensor.Tensor{affineInput()}
		for i := 0; i < b.N; i++ {
			if _, _, err := exec.Run(context.Background(), m, fn, in, exec.DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pool", func(b *testing.B) {
		p := testPool(b, PoolConfig{MaxRequests: 1 << 30}) // GOMAXPROCS workers
		job := affineJob()
		for i := 0; i < b.N; i++ {
			if _, _, _, err := p.Exec(context.Background(), job); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Without a key the program is sent, parsed and verified every time.
	b.Run("pool_uncached", func(b *testing.B) {
		p := testPool(b, PoolConfig{MaxRequests: 1 << 30})
		job := affineJob()
		job.Key = [keyLen]byte{}
		for i := 0; i < b.N; i++ {
			if _, _, _, err := p.Exec(context.Background(), job); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A worker that dies while idle is replaced without failing the next
// request.
func TestPoolIdleWorkerDied(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1})
	info := checkAffine(t, p)
	p.mu.Lock()
	for pw := range p.all {
		pw.kill()
		<-pw.exited
	}
	p.mu.Unlock()
	if next := checkAffine(t, p); next.Worker == info.Worker {
		t.Fatalf("served by the dead worker %d", next.Worker)
	}
	if st := p.Stats(); st.Exits[ExitKilled] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Groups left by a server that was killed are removed when a pool starts.
func TestPoolSweepsStaleCgroups(t *testing.T) {
	requireSandbox(t)
	dead := 4194000
	for syscall.Kill(dead, 0) != syscall.ESRCH {
		dead++
	}
	cg, _ := newCgroup(64<<20, 8)
	var stale []string
	for _, d := range []string{cg.memDir, cg.pidsDir, cg.v2Dir} {
		if d != "" {
			s := filepath.Join(filepath.Dir(d), fmt.Sprintf("hlogate-%d-1", dead))
			if err := os.Mkdir(s, 0o700); err == nil {
				stale = append(stale, s)
			}
		}
	}
	cg.remove()
	if len(stale) == 0 {
		t.Skip("no cgroups here")
	}
	testPool(t, PoolConfig{Workers: 1})
	for _, s := range stale {
		if _, err := os.Stat(s); !os.IsNotExist(err) {
			os.Remove(s)
			t.Errorf("stale group %s survived (%v)", s, err)
		}
	}
}

// BenchmarkPoolExecSingleUse: a tiny job in a worker that is retired after
// it (a tenant's own program): the pool's throughput is then its rate of
// starting workers.
func BenchmarkPoolExecSingleUse(b *testing.B) {
	p := testPool(b, PoolConfig{MaxRequests: 1 << 30})
	job := affineJob()
	job.SingleUse = true
	for i := 0; i < b.N; i++ {
		if _, _, _, err := p.Exec(context.Background(), job); err != nil {
			b.Fatal(err)
		}
	}
}

// Frames that fit the shared regions cross there and larger ones through
// the pipes, with the same answers; a pool without shared memory answers
// the same too.
func TestPoolSharedAndPipeFrames(t *testing.T) {
	const n = 1 << 16 // 256 KiB of f32 each way: over a 64 KiB region
	src := fmt.Sprintf(`func.func @main(%%x: tensor<%dxf32>) -> tensor<%dxf32> {
  %%y = stablehlo.negate %%x : tensor<%dxf32>
  return %%y : tensor<%dxf32>
}`, n, n, n, n)
	big, _ := tensor.New(tensor.F32, []int64{n}, 1<<30)
	for i := int64(0); i < n; i++ {
		big.SetFloat64(i, float64(i))
	}
	for _, shared := range []int{64 << 10, -1} {
		p := testPool(t, PoolConfig{Workers: 1, SharedBytes: shared})
		for round := 0; round < 2; round++ {
			checkAffine(t, p)
			job := &Job{Key: ProgramKey("plan", "", []byte(src), nil), Program: []byte(src), Engine: "plan",
				Inputs: []*tensor.Tensor{big}, Limits: exec.DefaultLimits(), Timeout: 5 * time.Second}
			outs, _, _, err := p.Exec(context.Background(), job)
			if err != nil {
				t.Fatalf("shared=%d: %v", shared, err)
			}
			for _, i := range []int64{0, 1, n / 2, n - 1} {
				if got := outs[0].Float64(i); got != -float64(i) {
					t.Fatalf("shared=%d: element %d = %v", shared, i, got)
				}
			}
		}
		// Shared: the affine exchanges (a miss and the resend, then a hit:
		// 2 + 2 + 2 frames) and the large program's miss answer; the large
		// tensors go through the pipes. Nothing without a region.
		st := p.Stats()
		if want := map[bool]int64{true: 7, false: 0}[shared > 0]; st.SharedFrames != want {
			t.Fatalf("shared=%d: %d shared frames", shared, st.SharedFrames)
		}
	}
}

// Released response buffers are reused for later responses, never while
// a caller still holds outputs in them: released buffers are poisoned,
// and concurrent callers, each checking its own distinct answer before
// releasing it, must never see another's bytes or the poison.
func TestPoolReleaseReusesResponses(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 2, PoisonReleased: true})
	const n = 256
	src := fmt.Sprintf(`func.func @main(%%x: tensor<%dxf32>) -> tensor<%dxf32> {
  %%y = stablehlo.negate %%x : tensor<%dxf32>
  return %%y : tensor<%dxf32>
}`, n, n, n, n)
	job := func(base float64) *Job {
		x, _ := tensor.New(tensor.F32, []int64{n}, 1<<20)
		for i := int64(0); i < n; i++ {
			x.SetFloat64(i, base+float64(i))
		}
		return &Job{Key: ProgramKey("plan", "", []byte(src), nil), Program: []byte(src), Engine: "plan",
			Inputs: []*tensor.Tensor{x}, Limits: exec.DefaultLimits(), Timeout: 5 * time.Second}
	}
	check := func(outs []*tensor.Tensor, base float64) error {
		for i := int64(0); i < n; i++ {
			if got := outs[0].Float64(i); got != -(base + float64(i)) {
				return fmt.Errorf("element %d = %v, want %v", i, got, -(base + float64(i)))
			}
		}
		return nil
	}
	outs, _, info, err := p.Exec(context.Background(), job(0))
	if err != nil || check(outs, 0) != nil {
		t.Fatalf("first job: %v %v", err, check(outs, 0))
	}
	info.Release()
	info.Release() // twice is harmless
	if b := outs[0].Data[0]; b != 0xA5 {
		t.Fatalf("the released buffer was not poisoned (byte %#x): the test cannot see reuse", b)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				base := float64(g*1000 + k)
				outs, _, info, err := p.Exec(context.Background(), job(base))
				if err == nil {
					err = check(outs, base)
				}
				if err != nil {
					errs <- err
					return
				}
				info.Release()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	p.spareMu.Lock()
	kept := len(p.spare)
	p.spareMu.Unlock()
	if kept == 0 || kept > maxSpare*2 {
		t.Fatalf("%d spare buffers kept", kept)
	}
}

// A replacement worker is warmed with the programs in use before it takes
// requests: the first request after a recycle finds its program compiled.
// Tenants' single-use programs are not carried into other workers.
func TestPoolWarmsReplacements(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1, MaxRequests: 2})
	job := affineJob()
	job.Engine = "plan"
	run := func(j *Job) *JobInfo {
		t.Helper()
		outs, _, info, err := p.Exec(context.Background(), j)
		if err != nil {
			t.Fatal(err)
		}
		if got := f32s(outs[0]); !reflect.DeepEqual(got, affineWant) {
			t.Fatalf("got %v", got)
		}
		return info
	}
	if info := run(job); info.CacheHit {
		t.Fatal("the first request found its program compiled")
	}
	if info := run(job); !info.CacheHit || info.Exit != ExitRecycled {
		t.Fatalf("second request: %+v", info)
	}
	waitLive(t, p, 1)
	if info := run(job); !info.CacheHit {
		t.Fatalf("the replacement was not warmed: %+v (stats %+v)", info, p.Stats())
	}
	if st := p.Stats(); st.Warmed != 1 {
		t.Fatalf("stats %+v", st)
	}
	// A single-use job's program is not warmed into the next worker.
	tenant := affineJob()
	tenant.Key = ProgramKey("reference", "tenant", []byte(affine), nil)
	tenant.SingleUse = true
	run(tenant)
	waitLive(t, p, 1)
	if hot := p.Stats().Hot; hot != 1 {
		t.Fatalf("%d hot programs, want only the shared one", hot)
	}
	// A program whose model is gone is no longer kept.
	p.Forget(job.Key)
	if hot := p.Stats().Hot; hot != 0 {
		t.Fatalf("%d hot programs after Forget", hot)
	}
}

// A program that cannot be warmed in time is dropped from the warm list
// (its worker killed at the deadline): replacements must not fail over it
// forever, and the pool heals.
func TestPoolWarmFailureDropsProgram(t *testing.T) {
	p := testPool(t, PoolConfig{Workers: 1, MaxRequests: 1, warmTimeout: time.Nanosecond})
	job := affineJob()
	job.Engine = "plan"
	for i := 0; i < 2; i++ {
		if _, _, _, err := p.Exec(context.Background(), job); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		waitLive(t, p, 1)
	}
	p.hotMu.Lock()
	hot := len(p.hot)
	p.hotMu.Unlock()
	if st := p.Stats(); hot != 0 || st.Exits[ExitDeadline] < 1 || st.Warmed != 0 {
		t.Fatalf("%d hot programs, stats %+v", hot, st)
	}
}
