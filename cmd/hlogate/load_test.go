package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/pipeline"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, ms(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, ms(50)}, {90, ms(90)}, {99, ms(99)}, {100, ms(100)}, {0.1, ms(1)}} {
		if got := percentile(s, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("empty: %v", got)
	}
	one := []time.Duration{ms(7)}
	if percentile(one, 50) != ms(7) || percentile(one, 99) != ms(7) {
		t.Errorf("one value")
	}
	// nearest rank on 10 values: p90 is the 9th, p99 the 10th.
	ten := s[:10]
	if percentile(ten, 90) != ms(9) || percentile(ten, 99) != ms(10) || percentile(ten, 50) != ms(5) {
		t.Errorf("ten values: p50 %v p90 %v p99 %v", percentile(ten, 50), percentile(ten, 90), percentile(ten, 99))
	}
}

func TestSummarize(t *testing.T) {
	// Unsorted input; summarize must not reorder its argument.
	in := []time.Duration{ms(30), ms(10), ms(20), ms(40)}
	sum := summarize(in)
	if sum.P50Ms != 20 || sum.P90Ms != 40 || sum.P99Ms != 40 || sum.MaxMs != 40 || sum.MeanMs != 25 {
		t.Errorf("summary %+v", sum)
	}
	if in[0] != ms(30) {
		t.Errorf("summarize sorted its input")
	}
	if (summarize(nil) != latencySummary{}) {
		t.Errorf("empty summary")
	}
}

func TestParseBaseURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8000", "http://localhost:8000/", "https://example.test/prefix/"} {
		if _, err := parseBaseURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"127.0.0.1:8000", "ftp://127.0.0.1/", "file:///etc/passwd", "http://user:pw@127.0.0.1/", "http://127.0.0.1/?a=b", "http:///x", "unix:///tmp/s"} {
		if _, err := parseBaseURL(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestEndpointEscapesSegments(t *testing.T) {
	base, _ := parseBaseURL("http://127.0.0.1:8000/api/")
	if got, want := modelPath(base, "digits_mlp", "", "infer"), "http://127.0.0.1:8000/api/v2/models/digits_mlp/infer"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := modelPath(base, "m", "3", "ready"), "http://127.0.0.1:8000/api/v2/models/m/versions/3/ready"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// A hostile model name stays one segment on the same host.
	got := modelPath(base, "../../x y?z#w", "", "infer")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "127.0.0.1:8000" || u.RawQuery != "" || u.Fragment != "" || !strings.HasSuffix(u.EscapedPath(), "/v2/models/..%2F..%2Fx%20y%3Fz%23w/infer") {
		t.Errorf("hostile name: %s", got)
	}
}

func TestZeroRequest(t *testing.T) {
	b, err := zeroRequest([]tensorMeta{{Name: "x", Datatype: "FP32", Shape: []int64{-1, 3}}, {Name: "m", Datatype: "BOOL", Shape: []int64{2}}, {Name: "s", Datatype: "INT64", Shape: []int64{}}})
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Inputs []struct {
			Name     string          `json:"name"`
			Shape    []int64         `json:"shape"`
			Datatype string          `json:"datatype"`
			Data     json.RawMessage `json:"data"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	if len(req.Inputs) != 3 || fmt.Sprint(req.Inputs[0].Shape) != "[1 3]" || string(req.Inputs[0].Data) != "[0,0,0]" ||
		string(req.Inputs[1].Data) != "[false,false]" || string(req.Inputs[2].Data) != "[0]" || len(req.Inputs[2].Shape) != 0 {
		t.Errorf("request %s", b)
	}
	for _, bad := range [][]tensorMeta{
		{{Name: "x", Datatype: "FP32", Shape: []int64{1 << 20, 1 << 20}}},
		{{Name: "x", Datatype: "FP32", Shape: []int64{1 << 62, 1 << 62}}},
		{{Name: "x", Datatype: "FP32", Shape: []int64{40000}}, {Name: "y", Datatype: "FP32", Shape: []int64{40000}}},
		{{Name: "x", Datatype: "BYTES", Shape: []int64{1}}},
		{{Name: "", Datatype: "FP32", Shape: []int64{1}}},
	} {
		if _, err := zeroRequest(bad); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}

func TestLoadRequestBody(t *testing.T) {
	prog := "module @m {\n}\n\"quoted\" \\ \x00"
	b, err := loadRequestBody(prog)
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Parameters map[string]string `json:"parameters"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Fatal(err)
	}
	if req.Parameters["file:1/model.mlir"] != prog || !strings.Contains(req.Parameters["config"], "entry: main") || len(req.Parameters) != 2 {
		t.Errorf("parameters %v", req.Parameters)
	}
}

func TestAttackModelName(t *testing.T) {
	for in, want := range map[string]string{
		"testdata/attacks/bcast_1e15.mlir": "atk-bcast_1e15",
		"x/A B..C.mlir":                    "atk-a_b_c",
		strings.Repeat("z", 200) + ".mlir": "atk-" + strings.Repeat("z", 59),
	} {
		if got := attackModelName(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestReadAttacks(t *testing.T) {
	as, err := readAttacks(filepath.Join("..", "..", "testdata", "attacks"))
	if err != nil {
		t.Fatal(err)
	}
	if len(as) < 40 {
		t.Fatalf("only %d attack programs", len(as))
	}
	seen := map[string]bool{}
	for _, a := range as {
		if strings.Contains(a.text, "\nGEN:") || seen[a.model] || len(a.model) > 63 || a.text == "" {
			t.Errorf("%s: model %q", a.name, a.model)
		}
		seen[a.model] = true
	}
	// Away from the source tree, the built-in programs are used.
	as, err = readAttacks(filepath.Join(t.TempDir(), "missing"))
	if err != nil || len(as) != len(builtinAttacks) {
		t.Fatalf("missing dir: %d, %v", len(as), err)
	}
	// An empty directory that exists is a mistake.
	if _, err := readAttacks(t.TempDir()); err == nil {
		t.Errorf("empty dir accepted")
	}
}

// The built-in attacks must stay attacks: the host callback is refused by
// the policy, the others parse and verify (they are stopped by the cost
// bound or the step meter).
func TestBuiltinAttacks(t *testing.T) {
	for _, a := range builtinAttacks {
		_, err := pipeline.Admit(a.name, a.text, pipeline.Options{})
		switch a.name {
		case "host_callback":
			if err == nil || diag.As(err).Kind != diag.Rejected {
				t.Errorf("%s: %v", a.name, err)
			}
		default:
			if err != nil {
				t.Errorf("%s: %v", a.name, err)
			}
		}
	}
}

func TestOversizedBody(t *testing.T) {
	for _, n := range []int64{10, 100, 12345} {
		b, err := io.ReadAll(newOversizedBody(n))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != max(n, int64(len(newOversizedBody(0).prefix))) {
			t.Errorf("n=%d: %d bytes", n, len(b))
		}
	}
	// Small reads give the same bytes as one big read.
	var small bytes.Buffer
	r := newOversizedBody(1000)
	buf := make([]byte, 7)
	for {
		k, err := r.Read(buf)
		small.Write(buf[:k])
		if err == io.EOF {
			break
		}
	}
	big, _ := io.ReadAll(newOversizedBody(1000))
	if !bytes.Equal(small.Bytes(), big) || !bytes.HasPrefix(big, []byte(`{"inputs":[{"name":"x","shape":[500]`)) || !bytes.HasSuffix(big, []byte("0,0,0,")) && !bytes.HasSuffix(big, []byte(",0,0")) {
		t.Errorf("body %q...%q", big[:60], big[len(big)-10:])
	}
}

func TestErrorRuleAndTransportClass(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":"x","rule":"cost.flops"}`:               "cost.flops",
		`{"error":"x","error_rule":"policy.custom_call"}`: "policy.custom_call",
		`{"error":{"message":"x","rule":"limit.steps"}}`:  "limit.steps",
		`{"error":"x"}`: "",
		`not json`:      "",
		`{"rule":12}`:   "",
	} {
		if got := errorRule([]byte(body)); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	wrap := func(e error) error {
		return &url.Error{Op: "Post", URL: "http://127.0.0.1", Err: &net.OpError{Op: "read", Err: e}}
	}
	if transportClass(wrap(syscall.ECONNRESET)) != "connection reset" || transportClass(wrap(syscall.ECONNREFUSED)) != "connection refused" ||
		transportClass(wrap(syscall.EPIPE)) != "broken pipe" || transportClass(&url.Error{Err: io.EOF}) != "connection closed" ||
		transportClass(errors.New("x")) != "transport error" {
		t.Errorf("transport classes")
	}
}

func TestParseRSSMetricAndVmHWM(t *testing.T) {
	text := "# HELP process_resident_memory_bytes Resident memory size in bytes.\n" +
		"# TYPE process_resident_memory_bytes gauge\n" +
		"process_resident_memory_bytes_other 5\n" +
		"process_resident_memory_bytes 2.5165824e+07\n"
	if v, ok := parseRSSMetric(strings.NewReader(text)); !ok || v != 25165824 {
		t.Errorf("rss %d %v", v, ok)
	}
	if v, ok := parseRSSMetric(strings.NewReader(`process_resident_memory_bytes{pod="a"} 1024 1700000000`)); !ok || v != 1024 {
		t.Errorf("labelled rss %d %v", v, ok)
	}
	if _, ok := parseRSSMetric(strings.NewReader("process_resident_memory_bytes NaN\nprocess_resident_memory_bytes -1\n")); ok {
		t.Errorf("bad values accepted")
	}
	st := "Name:\thlogate\nVmPeak:\t  100 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1024 kB\n"
	if v, err := parseVmHWM([]byte(st)); err != nil || v != 2048<<10 {
		t.Errorf("VmHWM %d %v", v, err)
	}
	if _, err := parseVmHWM([]byte("Name: x\n")); err == nil {
		t.Errorf("no VmHWM accepted")
	}
	// This process's own status parses.
	if v, err := readVmHWM(os.Getpid()); err != nil || v <= 0 {
		t.Errorf("own VmHWM: %d %v", v, err)
	}
}

func TestBuildReport(t *testing.T) {
	tenants := []tenantInfo{{"tenant-1", "valid", "k1"}, {"tenant-2", "valid", "k2"}, {"malicious", "malicious", "k3"}}
	var samples []sample
	for i := 1; i <= 10; i++ {
		samples = append(samples, sample{tenant: 0, kind: kindInfer, status: 200, latency: ms(i)})
	}
	samples = append(samples,
		sample{tenant: 1, kind: kindInfer, status: 200, latency: ms(4)},
		sample{tenant: 1, kind: kindInfer, status: 503, class: "queue.full", latency: ms(1)},
		sample{tenant: 2, kind: kindFlood, status: 429, class: "quota.requests", latency: ms(1)},
		sample{tenant: 2, kind: kindFlood, status: 429, class: "quota.requests", latency: ms(2)},
		sample{tenant: 2, kind: kindOversized, status: 0, class: "connection reset", latency: ms(50)},
		sample{tenant: 2, kind: kindAttackLoad, status: 422, class: "cost.memory", latency: ms(3)},
	)
	rep := buildReport(tenants, samples, 2*time.Second)
	if rep.Requests != 16 || rep.Throughput != 8 || len(rep.Tenants) != 3 {
		t.Fatalf("report %+v", rep)
	}
	t1 := rep.Tenants[0]
	if t1.Requests != 10 || t1.OK != 10 || t1.Throughput != 5 || t1.Latency.P50Ms != 5 || t1.Latency.P90Ms != 9 || t1.Latency.P99Ms != 10 || t1.KeyID == "" || strings.Contains(t1.KeyID, "k1") {
		t.Errorf("tenant-1 %+v", t1)
	}
	if t2 := rep.Tenants[1]; t2.Requests != 2 || t2.OK != 1 || t2.OKLatency.MaxMs != 4 || t2.Latency.MaxMs != 4 {
		t.Errorf("tenant-2 %+v", t2)
	}
	// A request with no HTTP answer counts, but not in the latency.
	if m := rep.Tenants[2]; m.Requests != 4 || m.OK != 0 || m.Latency.MaxMs != 3 {
		t.Errorf("malicious %+v", m)
	}
	want := []outcomeRow{
		{"malicious", kindAttackLoad, 422, "cost.memory", 1},
		{"malicious", kindFlood, 429, "quota.requests", 2},
		{"malicious", kindOversized, 0, "connection reset", 1},
		{"tenant-1", kindInfer, 200, "", 10},
		{"tenant-2", kindInfer, 200, "", 1},
		{"tenant-2", kindInfer, 503, "queue.full", 1},
	}
	if fmt.Sprint(rep.Outcomes) != fmt.Sprint(want) {
		t.Errorf("outcomes\n%v\nwant\n%v", rep.Outcomes, want)
	}
	rep.PeakRSS = []rssReading{{Bytes: 64 << 20, Source: "VmHWM of pid 1"}}
	var out bytes.Buffer
	rep.writeText(&out)
	for _, s := range []string{"16 requests in 2.0s: 8.0 req/s", "tenant-1", "quota.requests", "connection reset", "64MiB", "p99 ms"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, out.String())
		}
	}
	if strings.Contains(out.String(), "k3") {
		t.Errorf("the report shows a key")
	}
}

// fakeServer mimics the parts of the Open Inference Protocol the load
// generator uses: a per-tenant answer for inference (200, or 429 for the
// malicious key), 413 past a body limit, 422 for every program load. It
// records the hosts and paths it saw and the connections opened.
type fakeServer struct {
	srv          *httptest.Server
	conns        atomic.Int64
	mu           sync.Mutex
	paths        map[string]int
	badAuth      int
	loads        int
	maxBodyBytes int64
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{paths: map[string]int{}, maxBodyBytes: 1 << 20}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/models/{model}/infer", func(w http.ResponseWriter, r *http.Request) {
		f.count(r)
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, f.maxBodyBytes))
		switch {
		case err != nil:
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, `{"error":"too large","rule":"request.too_large"}`)
		case key == "bad":
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":"slow down","rule":"quota.requests"}`)
		case !json.Valid(body):
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"bad json"}`)
		case key != "k1" && key != "k2":
			f.mu.Lock()
			f.badAuth++
			f.mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized)
		default:
			io.WriteString(w, `{"model_name":"digits_mlp","outputs":[]}`)
		}
	})
	mux.HandleFunc("POST /v2/repository/models/{model}/load", func(w http.ResponseWriter, r *http.Request) {
		f.count(r)
		io.Copy(io.Discard, r.Body)
		f.mu.Lock()
		f.loads++
		f.mu.Unlock()
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"error":"refused","rule":"policy.custom_call"}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.count(r)
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNotFound)
	})
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) count(r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := r.URL.Path
	if strings.HasPrefix(p, "/v2/repository/models/") {
		p = "/v2/repository/models/*"
	}
	f.paths[r.Method+" "+p]++
}

func TestDriveLoadAgainstFake(t *testing.T) {
	f := newFakeServer(t)
	base, err := parseBaseURL(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	opt := loadOptions{base: base, duration: 5 * time.Second, concurrency: 4, tenants: []string{"k1", "k2"}, malicious: "bad",
		model: "digits_mlp", attacksDir: filepath.Join("..", "..", "testdata", "attacks"), maxRequests: 3000,
		requestTimeout: 5 * time.Second, oversize: 3 << 20}
	if err := opt.check(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	rep, err := driveLoad(context.Background(), opt, &log)
	if err != nil {
		t.Fatal(err)
	}
	// Bounded: the run stops at --max-requests (attack follow-ups are
	// reserved from the same budget) or at its duration. The budget is
	// large enough for the malicious worker, whose first request uploads
	// 3 MiB, to reach every kind of request on a loaded machine.
	if rep.Requests > 3000 || rep.Requests < 2500 && rep.Seconds < 4.5 {
		t.Errorf("%d requests in %.1fs for a budget of 3000", rep.Requests, rep.Seconds)
	}
	if rep.Seconds > 5 {
		t.Errorf("ran %vs, over its 5s", rep.Seconds)
	}
	kinds := map[string]bool{}
	for _, o := range rep.Outcomes {
		kinds[o.Tenant+" "+o.Kind+" "+fmt.Sprint(o.Status)] = true
	}
	for _, k := range []string{"tenant-1 infer 200", "tenant-2 infer 200", "malicious flood 429", "malicious attack-load 422", "malicious malformed 429"} {
		if !kinds[k] {
			t.Errorf("no %q outcome: %v", k, rep.Outcomes)
		}
	}
	if !kinds["malicious oversized 413"] && !kinds["malicious oversized 0"] {
		t.Errorf("no oversized outcome: %v", rep.Outcomes)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.badAuth != 0 {
		t.Errorf("%d requests carried no or a wrong key", f.badAuth)
	}
	for p, n := range f.paths {
		switch p {
		case "POST /v2/models/digits_mlp/infer", "POST /v2/repository/models/*":
		default:
			t.Errorf("unexpected request %s (%d)", p, n)
		}
	}
	// Keep-alive: far fewer connections than requests (oversized bodies
	// may cost their connection).
	if c := f.conns.Load(); c > int64(opt.concurrency)+int64(rep.Requests/10) {
		t.Errorf("%d connections for %d requests", c, rep.Requests)
	}
	var out bytes.Buffer
	rep.writeText(&out)
	t.Logf("\n%s", out.String())
}

func TestLoadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"--url", "ftp://127.0.0.1"},
		{"--concurrency", "0"},
		{"--duration", "-1s"},
		{"--tenants", "a,b", "--malicious-tenant", "b"},
		{"--concurrency", "1", "--malicious-tenant", "x"},
		{"extra"},
	} {
		errb.Reset()
		if code := runLoad(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d (%s)", args, code, errb.String())
		}
	}
	// Nothing listens on a fresh loopback port: the run ends with a
	// report of refused connections, not a hang.
	addr := freeAddr(t)
	out.Reset()
	code := runLoad([]string{"--url", "http://" + addr, "--duration", "300ms", "--concurrency", "2", "--max-requests", "20", "--json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep loadReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if rep.Requests == 0 || rep.Requests > 20 || len(rep.Outcomes) == 0 || rep.Outcomes[0].Class != "connection refused" {
		t.Errorf("report %+v", rep)
	}
}

// TestLoadAgainstServer drives a real `hlogate serve` (the built-in
// models, three tenants, tenant programs allowed) on loopback with the
// valid and malicious mix, and checks that the valid tenants were served
// and the server survived.
func TestLoadAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server; skipped with -short")
	}
	has := false
	for _, c := range commands() {
		has = has || c.name == "serve"
	}
	if !has {
		t.Skip("hlogate serve is not built yet (no \"serve\" command): the end-to-end load test waits for internal/server")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	hash := func(k string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(k))) }
	tenants := fmt.Sprintf(`tenants:
  - name: alice
    api_keys_sha256: [%q]
    rate: {requests_per_second: 100000, requests_burst: 100000}
  - name: bob
    api_keys_sha256: [%q]
    rate: {requests_per_second: 100000, requests_burst: 100000}
  - name: mallory
    api_keys_sha256: [%q]
    max_models: 2
    max_concurrency: 1
    max_queue: 2
    limits: {max_memory: 64MiB, max_flops: 1e9, timeout: 2s}
    rate: {requests_per_second: 50, requests_burst: 50}
`, hash("alice-key"), hash("bob-key"), hash("mallory-key"))
	tf := filepath.Join(dir, "tenants.yaml")
	if err := os.WriteFile(tf, []byte(tenants), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, metrics := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "serve", "--http", addr, "--grpc", "", "--metrics", metrics, "--audit-log", "off",
		"--tenants", tf, "--allow-tenant-programs", "--max-body", "4MiB", "--max-concurrency", "2", "--max-memory", "256MiB")
	var serverLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &serverLog, &serverLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	ready := func() bool {
		resp, err := http.Get("http://" + addr + "/v2/health/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	for deadline := time.Now().Add(20 * time.Second); !ready(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not become ready on %s:\n%s", addr, serverLog.String())
		}
	}
	var out, errb bytes.Buffer
	code := runLoad([]string{"--url", "http://" + addr, "--duration", "2s", "--concurrency", "4", "--max-requests", "5000",
		"--tenants", "alice-key,bob-key", "--malicious-tenant", "mallory-key", "--model", "digits_mlp", "--oversize", "6MiB",
		"--attacks", filepath.Join("..", "..", "testdata", "attacks"),
		"--server-pid", fmt.Sprint(cmd.Process.Pid), "--metrics-url", "http://" + metrics + "/metrics", "--json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep loadReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tenants[:2] {
		if tr.Requests == 0 || float64(tr.OK) < 0.95*float64(tr.Requests) {
			t.Errorf("valid %s: %d of %d requests succeeded", tr.Tenant, tr.OK, tr.Requests)
		}
	}
	refused := map[string]bool{}
	for _, o := range rep.Outcomes {
		if o.Tenant == "malicious" && o.Status >= 400 {
			refused[o.Kind] = true
		}
		if o.Tenant != "malicious" && o.Status >= 500 {
			t.Errorf("a valid tenant got %d (%s) x%d", o.Status, o.Class, o.Count)
		}
	}
	for _, k := range []string{kindAttackLoad, kindOversized} {
		if !refused[k] {
			t.Errorf("no %s was refused: %v", k, rep.Outcomes)
		}
	}
	if len(rep.PeakRSS) != 2 {
		t.Errorf("peak RSS readings: %v", rep.PeakRSS)
	}
	for _, r := range rep.PeakRSS {
		if r.Bytes <= 0 || r.Bytes > 2<<30 {
			t.Errorf("peak RSS %d (%s)", r.Bytes, r.Source)
		}
	}
	if !ready() {
		t.Errorf("the server is not ready after the run:\n%s", serverLog.String())
	}
	var text bytes.Buffer
	rep.writeText(&text)
	t.Logf("\n%s", text.String())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
