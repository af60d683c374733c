package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/tensor"
)

// The test binary doubles as the sandbox worker of the tests that run the
// server with isolation=process; its workers can be told to try a
// forbidden action (serverProbe) through a test hook of SandboxExecutor.
func TestMain(m *testing.M) {
	sandbox.RunTestWorkerWithProbes(serverProbe)
	os.Exit(m.Run())
}

// serverProbe runs inside a hardened worker, in place of the request.
func serverProbe(name string) {
	switch name {
	case "open":
		if f, err := os.Open("/etc/passwd"); err == nil {
			f.Close()
			fmt.Fprintln(os.Stderr, "opened /etc/passwd")
			os.Exit(11)
		}
		os.Exit(10)
	case "socket":
		if _, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0); err == nil {
			os.Exit(11)
		}
		os.Exit(10)
	case "crash":
		var m map[string]int
		m["x"] = 1
	case "hang":
		for {
		}
	}
}

// sandboxPool starts a pool of the test binary's workers, or skips.
func sandboxPool(t testing.TB, workers int) *sandbox.Pool {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// Tests poison released responses (a use after Release shows);
	// benchmarks do not pay for it.
	_, bench := t.(*testing.B)
	p, err := sandbox.NewPool(sandbox.PoolConfig{Workers: workers, PoisonReleased: !bench,
		Config: sandbox.Config{Executable: exe, MemoryBytes: 512 << 20, Margin: 300 * time.Millisecond, Warn: func(string) {}}})
	if err != nil {
		t.Skipf("sandboxed workers cannot start here: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// probeByID runs the forbidden action named by a request id "probe-NAME".
func probeByID(j *ExecJob) string {
	name, _ := strings.CutPrefix(j.RequestID, "probe-")
	if name == j.RequestID {
		return ""
	}
	return name
}

func withID(body, id string) string {
	return strings.Replace(body, `"id":"r1"`, `"id":"`+id+`"`, 1)
}

// Concurrent REST requests through workers whose response buffers are
// released after each answer is written (and poisoned, then reused): each
// answer must be exactly the in-process answer to its own request, in
// JSON and in the binary extension.
func TestSandboxedReleasedResponses(t *testing.T) {
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.Executor = &SandboxExecutor{Pool: sandboxPool(t, 2)} }})
	ref := newEnv(t, envOpts{})
	type exchange struct{ body, want string }
	var cases []exchange
	for g := 0; g < 8; g++ {
		x := make([]float32, 6)
		for i := range x {
			x[i] = float32(g*10+i) - 3.5
		}
		data, _ := json.Marshal(x)
		extra := ""
		if g%2 == 1 {
			extra = `,"parameters":{"binary_data_output":true}`
		}
		body := `{"id":"r1","inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":` + string(data) + `}]` + extra + `}`
		r := ref.infer("affine", "key-alice", body)
		wantStatus(t, r, 200, "")
		cases = append(cases, exchange{body, string(r.body)})
	}
	errs := make(chan error, len(cases))
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 25; k++ {
				req, _ := http.NewRequest("POST", e.url+"/v2/models/affine/infer", strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer key-alice")
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 || string(b) != c.want {
					errs <- fmt.Errorf("status %d, %v:\n%q\nwant\n%q", res.StatusCode, err, b, c.want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Unloading a model makes the pool forget its program: replacement
// workers are no longer warmed with it, and its text and weights are not
// kept alive by the pool.
func TestSandboxedUnloadForgetsProgram(t *testing.T) {
	pool := sandboxPool(t, 1)
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.Executor = &SandboxExecutor{Pool: pool} }})
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	if hot := pool.Stats().Hot; hot != 1 {
		t.Fatalf("%d programs kept for warming, want 1", hot)
	}
	wantStatus(t, e.do("POST", "/v2/repository/models/affine/unload", "key-root", nil, nil), 200, "")
	if hot := pool.Stats().Hot; hot != 0 {
		t.Fatalf("%d programs kept for warming after the unload", hot)
	}
}

// TestSandboxedServer runs the server with isolation=process: a normal
// request, forbidden actions in the worker, and normal requests again.
// Only the offending requests fail, with the one-shot worker's error kinds;
// the metrics and the audit log record the worker exits.
func TestSandboxedServer(t *testing.T) {
	pool := sandboxPool(t, 2)
	x := &SandboxExecutor{Pool: pool, probe: probeByID}
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.Executor = x }})
	ref := newEnv(t, envOpts{})
	want := ref.infer("affine", "key-alice", affineBody())
	wantStatus(t, want, 200, "")

	r := e.infer("affine", "key-alice", affineBody())
	wantStatus(t, r, 200, "")
	if string(r.body) != string(want.body) {
		t.Fatalf("isolated answer differs:\n%s\nin process:\n%s", r.body, want.body)
	}
	r = e.infer("affine", "key-alice", withID(affineBody(), "probe-open"))
	wantStatus(t, r, 422, "sandbox.worker_killed")
	if !strings.Contains(string(r.body), "seccomp") {
		t.Fatalf("not a seccomp kill: %s", r.body)
	}
	r = e.infer("affine", "key-bob", affineBody())
	wantStatus(t, r, 200, "")
	if string(r.body) != string(want.body) {
		t.Fatalf("after the kill: %s", r.body)
	}
	wantStatus(t, e.infer("affine", "key-alice", withID(affineBody(), "probe-socket")), 422, "sandbox.worker_killed")
	wantStatus(t, e.infer("affine", "key-bob", withID(affineBody(), "probe-crash")), 422, "sandbox.worker_crashed")
	r = e.do("POST", "/v2/models/affine/infer", "key-alice", []byte(withID(affineBody(), "probe-hang")), map[string]string{HeaderTimeout: "200ms"})
	wantStatus(t, r, 504, "limit.deadline")
	for i := 0; i < 4; i++ {
		wantStatus(t, e.infer("affine", "key-bob", affineBody()), 200, "")
	}

	deadline := time.Now().Add(10 * time.Second)
	for pool.Stats().Live != 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	met := e.scrape()
	for _, line := range []string{
		`hlogate_sandbox_workers 2`,
		`hlogate_sandbox_worker_starts_total 6`,
		`hlogate_sandbox_worker_exits_total{reason="killed"} 2`,
		`hlogate_sandbox_worker_exits_total{reason="crashed"} 1`,
		`hlogate_sandbox_worker_exits_total{reason="deadline"} 1`,
		`hlogate_sandbox_worker_exits_total{reason="recycled"} 0`,
	} {
		if !strings.Contains(met, line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, grep(met, "hlogate_sandbox"))
		}
	}
	// The affine tensors crossed in shared memory, and the workers' CPU
	// time is counted.
	for _, name := range []string{"hlogate_sandbox_shared_frames_total", "hlogate_sandbox_worker_cpu_seconds_total"} {
		if m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(met); m == nil || m[1] == "0" {
			t.Errorf("%s is missing or zero:\n%s", name, grep(met, "hlogate_sandbox"))
		}
	}
	audit := e.audit.String()
	for _, want := range []string{
		`"tenant":"alice","code":422,"decision":"reject","kind":"limit","rule":"sandbox.worker_killed"`,
		`"request_id":"probe-open"`,
		`"sandbox_worker_exit":"killed"`,
		`"sandbox_worker_exit":"crashed"`,
		`"sandbox_worker_exit":"deadline"`,
	} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
	for _, line := range strings.Split(audit, "\n") {
		if strings.Contains(line, `"request_id":"probe-open"`) && !strings.Contains(line, `"sandbox_worker_exit":"killed"`) {
			t.Errorf("the killed request's audit line lacks the worker exit: %s", line)
		}
	}
}

// TestSandboxedSameAnswers sends the same requests to a server executing
// in process and to one executing in sandboxed workers: every answer —
// outputs, status codes, error rules and messages — must be the same.
func TestSandboxedSameAnswers(t *testing.T) {
	pool := sandboxPool(t, 2)
	cfg := func(x Executor) func(*Config) {
		return func(c *Config) { c.AllowTenantPrograms = true; c.Executor = x }
	}
	iso := newEnv(t, envOpts{cfg: cfg(&SandboxExecutor{Pool: pool})})
	ref := newEnv(t, envOpts{cfg: cfg(nil)})
	for _, e := range []*env{iso, ref} {
		wantStatus(t, e.do("POST", "/v2/repository/models/count/load", "key-alice", loadBody(t, counterSrc, "limits: {max_steps: 1000}\n"), nil), 200, "")
	}
	type call struct{ model, key, body string }
	calls := []call{
		{"affine", "key-alice", affineBody()},
		{"dense", "key-alice", `{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,-1,-2,-3,-4]}]}`},
		{"dense", "key-bob", `{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[0.5,0,0,1,2,2,2,2]}]}`},
		{"double", "key-alice", `{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,2,3]}]}`},
		{"double", "key-alice", `{"inputs":[{"name":"x","shape":[5],"datatype":"FP32","data":[1,2,3,4,5]}]}`},
		{"double", "key-bob", `{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[7,8,9]}]}`},
		{"double", "key-alice", `{"inputs":[{"name":"x","shape":[0],"datatype":"FP32","data":[]}]}`},
		{"count", "key-alice", `{"inputs":[{"name":"input_0","shape":[],"datatype":"INT64","data":[10]}]}`},
		{"count", "key-alice", `{"inputs":[{"name":"input_0","shape":[],"datatype":"INT64","data":[1000000000000]}]}`},
		{"half", "key-alice", `{"inputs":[{"name":"input_0","shape":[4],"datatype":"BF16","data":[1.5,-2,0.25,3]},{"name":"input_1","shape":[2],"datatype":"FP16","data":[1.5,-2]}]}`},
		{"flags", "key-alice", `{"inputs":[{"name":"input_0","shape":[3],"datatype":"BOOL","data":[true,false,true]}]}`},
		{"affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3]}]}`},
		{"affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}`},
	}
	for i, c := range calls {
		for round := 0; round < 2; round++ { // the second from the workers' caches
			got, want := iso.infer(c.model, c.key, c.body), ref.infer(c.model, c.key, c.body)
			if got.status != want.status || string(got.body) != string(want.body) {
				t.Errorf("call %d (%s): isolated %d %s\nin process %d %s", i, c.model, got.status, got.body, want.status, want.body)
			}
		}
	}
	st := pool.Stats()
	if st.Exits["crashed"]+st.Exits["killed"]+st.Exits["deadline"] != 0 {
		t.Errorf("workers failed: %+v", st)
	}
	// All but the request with too few values reached a worker; six
	// programs on two workers: at most twelve compiles, the rest from the
	// workers' caches.
	if st.Requests != int64(2*(len(calls)-1)) || st.CacheHits < st.Requests-2*6 {
		t.Errorf("pool stats %+v", st)
	}
	t.Logf("pool stats %+v", st)
}

// TestCheckOutputs: a worker's answer must fit the entry's result types.
func TestCheckOutputs(t *testing.T) {
	m, err := mlir.ParseModule(affineSrc(t), mlir.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	fn := m.Entry("")
	ok, _ := tensor.New(tensor.F32, []int64{2, 2}, 1<<10)
	wrongType, _ := tensor.New(tensor.F64, []int64{2, 2}, 1<<10)
	wrongShape, _ := tensor.New(tensor.F32, []int64{2, 3}, 1<<10)
	if err := checkOutputs(fn, []*tensor.Tensor{ok}); err != nil {
		t.Fatal(err)
	}
	for _, outs := range [][]*tensor.Tensor{nil, {ok, ok}, {wrongType}, {wrongShape}, {nil}} {
		if err := checkOutputs(fn, outs); diag.RuleOf(err) != "sandbox.protocol" {
			t.Errorf("%v accepted: %v", outs, err)
		}
	}
}

// TestTenantProgramsSingleUse: a tenant's own program runs in a worker of
// its own, retired afterwards; repository models keep their workers;
// ShareWorkers turns that off.
func TestTenantProgramsSingleUse(t *testing.T) {
	for _, share := range []bool{false, true} {
		t.Run(fmt.Sprintf("share=%v", share), func(t *testing.T) {
			pool := sandboxPool(t, 2)
			x := &SandboxExecutor{Pool: pool, ShareWorkers: share}
			e := newEnv(t, envOpts{cfg: func(c *Config) { c.AllowTenantPrograms = true; c.Executor = x }})
			wantStatus(t, e.do("POST", "/v2/repository/models/neg/load", "key-alice", loadBody(t, negSrc, `{"inputs":["v"],"outputs":["w"]}`), nil), 200, "")
			for i := 0; i < 3; i++ {
				wantStatus(t, e.infer("neg", "key-alice", `{"inputs":[{"name":"v","shape":[3],"datatype":"FP32","data":[1,-2,0.5]}]}`), 200, "")
				wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
			}
			want := int64(3)
			if share {
				want = 0
			}
			if got := pool.Stats().Exits[sandbox.ExitSingleUse]; got != want {
				t.Errorf("%d single-use exits after 3 tenant-program requests, want %d (stats %+v)", got, want, pool.Stats())
			}
			if !strings.Contains(e.scrape(), fmt.Sprintf(`hlogate_sandbox_worker_exits_total{reason="single_use"} %d`, want)) && want > 0 {
				t.Errorf("metrics lack the single-use exits")
			}
		})
	}
}
