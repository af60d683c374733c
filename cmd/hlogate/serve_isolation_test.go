package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/tensor"
)

// TestAttacksServedIsolated submits every program of the adversarial suite
// (testdata/attacks) as a tenant program — the server's door for untrusted
// programs — to two servers, one executing in process and one in sandboxed
// worker processes (the built hlogate binary as the worker), and runs it
// on the suite's inputs. Each attack's limits (its // flags: line) become
// the program's config limits. Both servers must give every attack the
// same verdict: the same load status and rule, and the same inference
// status, rule, message and outputs.
func TestAttacksServedIsolated(t *testing.T) {
	if testing.Short() {
		t.Skip("adversarial suite; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("the sandbox needs root for namespaces and cgroups here; skipped")
	}
	attacks := loadAttacks(t)
	bin := buildBinary(t)
	pool, err := sandbox.NewPool(sandbox.PoolConfig{Workers: 2, Config: sandbox.Config{Executable: bin, Warn: func(string) {}}})
	if err != nil {
		t.Skipf("sandboxed workers cannot start here: %v", err)
	}
	defer pool.Close()
	t.Logf("pool: %s", pool.Layers())
	iso := attackServer(t, &server.SandboxExecutor{Pool: pool})
	ref := attackServer(t, nil)
	gen := t.TempDir()
	ran := 0
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			src, cfg, inputs, note := attackRequest(t, gen, a)
			got := serveAttack(t, iso, a.name, src, cfg, inputs)
			want := serveAttack(t, ref, a.name, src, cfg, inputs)
			if got != want {
				t.Errorf("isolated:   %s\nin process: %s", got, want)
			}
			// Answers that came from running the program (in the
			// isolated server: from a worker).
			if strings.HasPrefix(want, "load ok; infer 200") || strings.HasPrefix(want, "load ok; infer 422 limit") || strings.HasPrefix(want, "load ok; infer 504") {
				ran++
			}
			t.Logf("%s%s (CLI: exit %d %s)", want, note, a.exit, a.rule)
		})
	}
	st := pool.Stats()
	t.Logf("%d attacks reached execution; pool %+v", ran, st)
	if ran < 5 || st.Requests < int64(ran) {
		t.Errorf("only %d attacks reached execution (%d in workers)", ran, st.Requests)
	}
}

// attackServer is a server whose limits are at least every attack's (each
// program's config sets its own), with tenant programs allowed and a clock
// that keeps quotas out of the verdicts.
func attackServer(t *testing.T, x server.Executor) *server.Server {
	tf, err := server.ParseTenants([]byte(`
tenants:
  - name: mallory
    api_keys_sha256: ["` + server.HashKey("key-mallory") + `"]
    max_models: 1000
    rate: {flops_per_second: 1e18, flops_burst: 1e18, bytes_per_second: 1048576GiB, bytes_burst: 1048576GiB, requests_per_second: 1e9, requests_burst: 1e9}
`))
	if err != nil {
		t.Fatal(err)
	}
	// Each reading of the clock is an hour after the last: buckets are
	// full for every request and no throttle outlives the next one, so the
	// two servers' quotas never depend on how long requests took.
	var hours atomic.Int64
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return base.Add(time.Duration(hours.Add(1)) * time.Hour) }
	s, err := server.New(server.Config{Tenants: tf, AllowTenantPrograms: true, Executor: x, Now: now,
		MaxBodyBytes: 512 << 20,
		Limits: server.Limits{MaxMemory: 8 << 30, MaxFLOPs: 1e18, MaxSteps: 1e15, MaxOutput: 64 << 20, MaxInput: 1 << 30,
			MaxSource: 256 << 20, Timeout: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadRepository(os.DirFS(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	return s
}

// attackRequest turns an attack's flags into a program config (the CLI's
// defaults, then its flags) and its --input files into tensors. note says
// when an input file fails to decode (the CLI's verdict, before any
// server), in which case inputs is nil and no inference is sent.
func attackRequest(t *testing.T, gen string, a attack) (src []byte, cfg string, inputs []*tensor.Tensor, note string) {
	t.Helper()
	var err error
	if src, err = os.ReadFile(resolve(t, gen, a.source)); err != nil {
		t.Fatal(err)
	}
	lim := map[string]string{"max_memory": "1GiB", "max_flops": "1e11", "max_steps": "1e8", "max_output": "64MiB",
		"max_input": "1GiB", "max_source": "256MiB", "timeout": "30s"}
	inputs = []*tensor.Tensor{}
	for i := 0; i < len(a.flags); i++ {
		f := strings.TrimPrefix(a.flags[i], "--")
		if i+1 >= len(a.flags) {
			t.Fatalf("flag %s without a value", f)
		}
		v := a.flags[i+1]
		i++
		if f == "input" {
			if inputs == nil {
				continue
			}
			ts, err := loadInputs([]string{resolve(t, gen, inputPath(v))}, tensor.DecodeLimits{MaxBytes: 1 << 30})
			if err != nil {
				inputs, note = nil, fmt.Sprintf("; input %s refused by its decoder: %s", v, diag.RuleOf(err))
				continue
			}
			inputs = append(inputs, ts...)
			continue
		}
		key := strings.ReplaceAll(f, "-", "_")
		if _, ok := lim[key]; !ok {
			t.Fatalf("flag --%s has no config equivalent", f)
		}
		lim[key] = v
	}
	var b strings.Builder
	b.WriteString("limits: {")
	first := true
	for _, k := range []string{"max_memory", "max_flops", "max_steps", "max_output", "max_input", "max_source", "timeout"} {
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s: %q", k, lim[k])
	}
	b.WriteString("}\n")
	return src, b.String(), inputs, note
}

var tmpNames = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// serveAttack loads the program as tenant mallory's, sends one inference
// (the given inputs, or zeros of the signature's shapes when the attack
// has no --input), unloads it, and describes what the server answered.
func serveAttack(t *testing.T, s *server.Server, name string, src []byte, cfg string, inputs []*tensor.Tensor) string {
	t.Helper()
	ctx := context.Background()
	ten, err := s.Authenticate("key-mallory")
	if err != nil {
		t.Fatal(err)
	}
	name = tmpNames.ReplaceAllString(name, "_")
	err = s.LoadModel(ctx, ten, name, &server.LoadRequest{Parameters: map[string]string{"file:1/model.mlir": string(src), "config": cfg}})
	if err != nil {
		return "load " + verdict(err)
	}
	defer func() {
		if err := s.UnloadModel(ctx, ten, name); err != nil {
			t.Errorf("unload: %v", err)
		}
	}()
	if inputs == nil {
		return "load ok; no inference (input refused)"
	}
	md, err := s.ModelMetadata(ctx, ten, name, "")
	if err != nil {
		t.Fatal(err)
	}
	req := &server.InferRequest{ModelName: name, ID: "attack-" + name}
	if len(inputs) == 0 {
		for _, in := range md.Inputs {
			dt, _ := server.DTypeOf(in.Datatype)
			shape := make([]int64, len(in.Shape))
			for i, d := range in.Shape {
				shape[i] = max(d, 1)
			}
			z, err := tensor.New(dt, shape, 64<<20)
			if err != nil {
				return "load ok; no inputs (zeros of " + fmt.Sprint(in.Shape) + " too large)"
			}
			inputs = append(inputs, z)
		}
	}
	if len(inputs) != len(md.Inputs) {
		return fmt.Sprintf("load ok; no inference (%d inputs for %d arguments)", len(inputs), len(md.Inputs))
	}
	for i, x := range inputs {
		req.Inputs = append(req.Inputs, server.InferInput{Name: md.Inputs[i].Name, Datatype: server.DatatypeOf(x.DType), Shape: x.Shape, Tensor: x})
	}
	resp, err := s.Infer(ctx, ten, req)
	if err != nil {
		return "load ok; infer " + verdict(err)
	}
	var out bytes.Buffer
	for _, o := range resp.Outputs {
		fmt.Fprintf(&out, " %s:%s%v:%x", o.Name, o.Datatype, o.Shape, shortHash(o.Tensor.Data))
	}
	return "load ok; infer 200" + out.String()
}

// verdict is an error's status, rule and message (with the program name
// the server puts in front).
func verdict(err error) string {
	d := diag.As(err)
	return fmt.Sprintf("%d %s %s: %s", server.HTTPStatus(err), d.Kind, d.Rule, d.Msg)
}

func shortHash(b []byte) []byte {
	var h [8]byte
	for i, c := range b {
		h[i%8] = h[i%8]*31 + c
	}
	return h[:]
}

// TestServeIsolationFlags runs the real `hlogate serve` binary with
// --isolation=process and =none: the banner says where programs execute,
// a request is answered the same way, and the worker metrics follow.
func TestServeIsolationFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("sandboxed workers need Linux")
	}
	bin := buildBinary(t)
	for _, bad := range [][]string{{"--isolation=maybe"}, {"--worker-shared-memory", "-1"}, {"--worker-shared-memory", "2GiB"}} {
		if code := exec.Command(bin, append([]string{"serve"}, bad...)...).Run(); code == nil {
			t.Fatalf("%v accepted", bad)
		}
	}
	var answers []string
	// The process mode runs twice: tensors through shared memory (the
	// default), then through the pipes only.
	for i, mode := range []string{"process", "process", "none"} {
		args := []string{"serve", "--isolation=" + mode, "--workers", "2", "--http", "127.0.0.1:0", "--grpc", "", "--metrics", "127.0.0.1:0", "--audit-log", "off"}
		pipesOnly := i == 1
		if pipesOnly {
			args = append(args, "--worker-shared-memory", "0")
		}
		cmd := exec.Command(bin, args...)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		banner := readBanner(t, stdout)
		rest := regexp.MustCompile(`REST:\s+(http://\S+)/v2`).FindStringSubmatch(banner)
		met := regexp.MustCompile(`metrics: (http://\S+)`).FindStringSubmatch(banner)
		iso := regexp.MustCompile(`isolation: (\w+)`).FindStringSubmatch(banner)
		if rest == nil || met == nil || iso == nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("banner:\n%s\nstderr:\n%s", banner, stderr.String())
		}
		if mode == "process" && iso[1] != "process" {
			cmd.Process.Kill()
			cmd.Wait()
			if os.Geteuid() != 0 {
				t.Skipf("sandboxed workers unavailable here (not root): %s", strings.TrimSpace(stderr.String()))
			}
			t.Fatalf("asked for process isolation, banner says %q\nstderr: %s", iso[1], stderr.String())
		}
		if iso[1] != mode {
			t.Errorf("banner says isolation %s, want %s", iso[1], mode)
		}
		body := `{"inputs":[{"name":"x","shape":[1,64],"datatype":"FP32","data":[0,0,7,16,14,3,0,0,0,0,9,14,11,15,0,0,0,0,1,5,0,15,5,0,0,0,0,0,0,16,5,0,0,0,0,0,3,16,4,0,0,0,0,1,12,14,1,0,0,0,5,12,16,16,14,1,0,0,8,16,14,10,13,3]}]}`
		res, err := http.Post(rest[1]+"/v2/models/digits_mlp/infer", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answers = append(answers, fmt.Sprintf("%d %s", res.StatusCode, b))
		mres, err := http.Get(met[1])
		if err != nil {
			t.Fatal(err)
		}
		mb, _ := io.ReadAll(mres.Body)
		mres.Body.Close()
		want := "hlogate_sandbox_workers 2\n"
		if mode == "none" {
			want = "hlogate_sandbox_workers 0\n"
		}
		if !strings.Contains(string(mb), want) {
			t.Errorf("%s: metrics lack %q", mode, want)
		}
		shared := regexp.MustCompile(`(?m)^hlogate_sandbox_shared_frames_total (\S+)$`).FindStringSubmatch(string(mb))
		if shared == nil || (shared[1] == "0") != (mode == "none" || pipesOnly) {
			t.Errorf("%s (pipes only: %v): shared frames %v", mode, pipesOnly, shared)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s: serve exited with %v\n%s", mode, err, stderr.String())
		}
		if mode == "none" && strings.Contains(stderr.String(), "warning") {
			t.Errorf("--isolation=none warned: %s", stderr.String())
		}
	}
	if !strings.HasPrefix(answers[0], "200 ") || answers[0] != answers[1] || answers[0] != answers[2] {
		t.Fatalf("answers differ:\nprocess: %s\npipes:   %s\nnone:    %s", answers[0], answers[1], answers[2])
	}
}

// readBanner reads serve's banner up to its example request.
func readBanner(t *testing.T, r io.Reader) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(r)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "curl") {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("no banner within a minute")
	}
	go io.Copy(io.Discard, r)
	return b.String()
}
