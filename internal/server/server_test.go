package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hlogate/hlogate/tensor"
)

// Programs used by the tests besides the built-in repository.
const (
	halfSrc = `module @jit_half {
  func.func public @main(%x: tensor<4xbf16>, %h: tensor<2xf16>) -> (tensor<4xbf16>, tensor<2xf16>) {
    %0 = stablehlo.add %x, %x : tensor<4xbf16>
    %1 = stablehlo.multiply %h, %h : tensor<2xf16>
    return %0, %1 : tensor<4xbf16>, tensor<2xf16>
  }
}`
	boolSrc = `module @jit_not {
  func.func public @main(%b: tensor<3xi1>) -> tensor<3xi1> {
    %0 = stablehlo.not %b : tensor<3xi1>
    return %0 : tensor<3xi1>
  }
}`
	callbackSrc = `module @jit_evil attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %c = stablehlo.constant dense<94> : tensor<i64>
    %0 = stablehlo.custom_call @xla_ffi_python_cpu_callback(%c, %arg0) {api_version = 4 : i32, has_side_effect = true} : (tensor<i64>, tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}`
	broadcastSrc = `module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<10000000x1000000xf32>
    %1 = stablehlo.reduce(%0 init: %c) applies stablehlo.add across dimensions = [0, 1] : (tensor<10000000x1000000xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}`
	counterSrc = `module @count {
  func.func public @main(%arg0: tensor<i64>) -> tensor<i64> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %r = stablehlo.while(%i = %c0) : tensor<i64>
    cond {
      %t = stablehlo.compare LT, %i, %arg0 : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %k = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %k : tensor<i64>
    }
    return %r : tensor<i64>
  }
}`
	negSrc = `module @jit_neg {
  func.func public @main(%x: tensor<3xf32>) -> tensor<3xf32> {
    %0 = stablehlo.negate %x : tensor<3xf32>
    return %0 : tensor<3xf32>
  }
}`
)

// affineX is examples/x.json's input; affineY is what the README prints.
var (
	affineX = []float32{1, 2, 3, -1, 0.5, 4}
	affineY = []float32{0, 3.25, 0, 2.5}
)

const defaultTenants = `
tenants:
  - name: alice
    api_keys_sha256: ["%s"]
  - name: bob
    api_keys_sha256: ["%s"]
  - name: root
    admin: true
    api_keys_sha256: ["%s"]
  - name: tiny
    api_keys_sha256: ["%s"]
    limits: {max_flops: 10}
  - name: narrow
    api_keys_sha256: ["%s"]
    limits: {max_output: 1KiB}
`

func tenantsYAML(extra string) string {
	return fmt.Sprintf(defaultTenants, HashKey("key-alice"), HashKey("key-bob"), HashKey("key-root"), HashKey("key-tiny"), HashKey("key-narrow")) + extra
}

// testRepo is the built-in repository plus alice's private model, a
// BF16/FP16 model, a BOOL model and a model that fails to load.
func testRepo(t *testing.T) fstest.MapFS {
	m := fstest.MapFS{}
	err := fs.WalkDir(BuiltinRepository(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(BuiltinRepository(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m["secret/1/model.mlir"] = m["affine/1/model.mlir"]
	m["secret/config.yaml"] = &fstest.MapFile{Data: []byte("owner: alice\ninputs: [x]\n")}
	m["half/1/model.mlir"] = &fstest.MapFile{Data: []byte(halfSrc)}
	m["flags/1/model.mlir"] = &fstest.MapFile{Data: []byte(boolSrc)}
	m["broken/1/model.mlir"] = &fstest.MapFile{Data: []byte(callbackSrc)}
	// Private models that fail to load: listed to their owner only; with
	// an unreadable config, to administrators only.
	m["bobsbroken/1/model.mlir"] = &fstest.MapFile{Data: []byte(callbackSrc)}
	m["bobsbroken/config.yaml"] = &fstest.MapFile{Data: []byte("owner: bob\n")}
	m["garbled/1/model.mlir"] = m["affine/1/model.mlir"]
	m["garbled/config.yaml"] = &fstest.MapFile{Data: []byte("owner: [alice\n")}
	return m
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a goroutine-safe audit log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	t       *testing.T
	s       *Server
	url     string
	metrics string
	clock   *fakeClock
	audit   *syncBuffer
	loadErr error
}

type envOpts struct {
	tenants string // "" = defaultTenants; "open" = no tenants file
	cfg     func(*Config)
	setup   func(*Server)
}

// newEnv starts a server with the test repository: REST and metrics on
// two listeners of 127.0.0.1:0.
func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, audit: &syncBuffer{}}
	cfg := Config{Now: e.clock.Now, Audit: e.audit}
	switch o.tenants {
	case "open":
	default:
		y := o.tenants
		if y == "" {
			y = tenantsYAML("")
		}
		tf, err := ParseTenants([]byte(y))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Tenants = tf
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	e.loadErr = s.LoadRepository(testRepo(t))
	if o.setup != nil {
		o.setup(s)
	}
	api := httptest.NewServer(s.Handler())
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.MetricsHandler())
	met := httptest.NewServer(mux)
	t.Cleanup(func() { api.Close(); met.Close() })
	e.url, e.metrics = api.URL, met.URL
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r resp) rule() string {
	var m struct {
		Rule string `json:"rule"`
	}
	_ = json.Unmarshal(r.body, &m)
	return m.Rule
}

func (e *env) do(method, path, key string, body []byte, hdr map[string]string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil && hdr["Content-Type"] == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header, b}
}

func (e *env) infer(model, key, body string) resp {
	e.t.Helper()
	return e.do("POST", "/v2/models/"+model+"/infer", key, []byte(body), nil)
}

func affineBody() string {
	b, _ := json.Marshal(affineX)
	return `{"id":"r1","inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":` + string(b) + `}]}`
}

// outputFloats reads a JSON output's data.
func outputFloats(t *testing.T, r resp, i int) []float64 {
	t.Helper()
	var m struct {
		Outputs []struct {
			Name  string    `json:"name"`
			Data  []float64 `json:"data"`
			Shape []int64   `json:"shape"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil || len(m.Outputs) <= i {
		t.Fatalf("bad inference response: %v: %s", err, r.body)
	}
	return m.Outputs[i].Data
}

func wantStatus(t *testing.T, r resp, status int, rule string) {
	t.Helper()
	if r.status != status || (rule != "" && r.rule() != rule) {
		t.Fatalf("got %d %s, want %d %s", r.status, r.body, status, rule)
	}
	if status >= 400 && rule != "" {
		m := r.json(t)
		if _, ok := m["error"].(string); !ok {
			t.Fatalf("error body without \"error\": %s", r.body)
		}
	}
}

func TestHealthAndMetadata(t *testing.T) {
	e := newEnv(t, envOpts{})
	if e.loadErr == nil || !strings.Contains(e.loadErr.Error(), "broken") {
		t.Fatalf("the broken model should fail to load: %v", e.loadErr)
	}
	wantStatus(t, e.do("GET", "/v2/health/live", "", nil, nil), 200, "")
	wantStatus(t, e.do("GET", "/v2/health/ready", "", nil, nil), 200, "")
	md := e.do("GET", "/v2", "", nil, nil)
	wantStatus(t, md, 200, "")
	if !strings.Contains(string(md.body), `"binary_tensor_data"`) || !strings.Contains(string(md.body), `"model_repository"`) {
		t.Fatalf("server metadata lacks extensions: %s", md.body)
	}

	// Metadata comes from the signature; bound weights are not inputs.
	for _, c := range []struct{ path, want string }{
		{"/v2/models/affine", `{"name":"affine","versions":["1"],"platform":"hlogate_stablehlo","inputs":[{"name":"x","datatype":"FP32","shape":[2,3]}],"outputs":[{"name":"y","datatype":"FP32","shape":[2,2]}]}`},
		{"/v2/models/affine/versions/1", `{"name":"affine","versions":["1"],"platform":"hlogate_stablehlo","inputs":[{"name":"x","datatype":"FP32","shape":[2,3]}],"outputs":[{"name":"y","datatype":"FP32","shape":[2,2]}]}`},
		{"/v2/models/dense", `{"name":"dense","versions":["1"],"platform":"hlogate_stablehlo","inputs":[{"name":"x","datatype":"FP32","shape":[2,4]}],"outputs":[{"name":"y","datatype":"FP32","shape":[2,3]}]}`},
		{"/v2/models/double", `{"name":"double","versions":["1"],"platform":"hlogate_stablehlo","inputs":[{"name":"x","datatype":"FP32","shape":[-1]}],"outputs":[{"name":"y","datatype":"FP32","shape":[-1]}]}`},
		{"/v2/models/half", `{"name":"half","versions":["1"],"platform":"hlogate_stablehlo","inputs":[{"name":"input_0","datatype":"BF16","shape":[4]},{"name":"input_1","datatype":"FP16","shape":[2]}],"outputs":[{"name":"output_0","datatype":"BF16","shape":[4]},{"name":"output_1","datatype":"FP16","shape":[2]}]}`},
	} {
		r := e.do("GET", c.path, "key-bob", nil, nil)
		wantStatus(t, r, 200, "")
		if got := strings.TrimSpace(string(r.body)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.path, got, c.want)
		}
	}
	r := e.do("GET", "/v2/models/affine/ready", "key-bob", nil, nil)
	wantStatus(t, r, 200, "")
	if r.json(t)["ready"] != true {
		t.Fatalf("model not ready: %s", r.body)
	}
	wantStatus(t, e.do("GET", "/v2/models/affine/versions/1/ready", "key-bob", nil, nil), 200, "")
	wantStatus(t, e.do("GET", "/v2/models/affine/versions/2/ready", "key-bob", nil, nil), 404, "model.not_found")
	wantStatus(t, e.do("GET", "/v2/models/affine", "", nil, nil), 401, "auth.missing_key")
	wantStatus(t, e.do("GET", "/v2/models/affine", "wrong", nil, nil), 401, "auth.invalid_key")
	// X-API-Key works as well as Authorization: Bearer.
	wantStatus(t, e.do("GET", "/v2/models/affine", "", nil, map[string]string{"X-API-Key": "key-bob"}), 200, "")
	wantStatus(t, e.do("GET", "/v2/nothing/here", "", nil, nil), 404, "")
}

func TestInferJSON(t *testing.T) {
	e := newEnv(t, envOpts{})
	r := e.infer("affine", "key-alice", affineBody())
	wantStatus(t, r, 200, "")
	m := r.json(t)
	if m["model_name"] != "affine" || m["model_version"] != "1" || m["id"] != "r1" {
		t.Fatalf("bad response header: %s", r.body)
	}
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != fmt.Sprint(toF64(affineY)) {
		t.Fatalf("y = %v, want %v", got, affineY)
	}
	// Nested data, and an explicit version.
	nested := `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[-1,0.5,4]]}]}`
	r = e.do("POST", "/v2/models/affine/versions/1/infer", "key-alice", []byte(nested), nil)
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != fmt.Sprint(toF64(affineY)) {
		t.Fatalf("y = %v, want %v", got, affineY)
	}
	// Weights bound from a file: the request carries only x.
	r = e.infer("dense", "key-alice", `{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,0,0,0, 0,0,0,0]}]}`)
	wantStatus(t, r, 200, "")
	got := outputFloats(t, r, 0)
	// row 0: tanh(w[0,:] + b); row 1: tanh(b)
	want := []float64{math.Tanh(0.5 + 0.1), math.Tanh(-0.25 - 0.2), math.Tanh(1.0 + 0.3), math.Tanh(0.1), math.Tanh(-0.2), math.Tanh(0.3)}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Fatalf("dense y = %v, want %v", got, want)
		}
	}
	// A shape-polymorphic program, refined per length.
	for _, n := range []int{1, 5, 3, 5} {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = strconv.Itoa(i)
		}
		r = e.infer("double", "key-alice", `{"inputs":[{"name":"x","shape":[`+strconv.Itoa(n)+`],"datatype":"FP32","data":[`+strings.Join(vals, ",")+`]}]}`)
		wantStatus(t, r, 200, "")
		got := outputFloats(t, r, 0)
		if len(got) != n || (n > 1 && got[n-1] != float64(2*(n-1))) {
			t.Fatalf("double(%d) = %v", n, got)
		}
	}
	if st := e.s.refined.Stats(); st.Entries != 3 || st.Hits != 1 {
		t.Fatalf("refinement cache %+v, want 3 entries and 1 hit", st)
	}
	// BOOL in JSON.
	r = e.infer("flags", "key-alice", `{"inputs":[{"name":"input_0","shape":[3],"datatype":"BOOL","data":[true,false,true]}]}`)
	wantStatus(t, r, 200, "")
	if !strings.Contains(string(r.body), `"data":[false,true,false]`) {
		t.Fatalf("not = %s", r.body)
	}
	// Outputs restricted by name.
	r = e.infer("half", "key-alice", `{"inputs":[{"name":"input_0","shape":[4],"datatype":"BF16","data":[1,2,3,4]},{"name":"input_1","shape":[2],"datatype":"FP16","data":[3,0.5]}],"outputs":[{"name":"output_1"}]}`)
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != "[9 0.25]" || strings.Contains(string(r.body), "output_0") {
		t.Fatalf("half output_1 = %s", r.body)
	}
}

func toF64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// binaryRequest builds a binary-extension body.
func binaryRequest(header string, chunks ...[]byte) ([]byte, map[string]string) {
	body := []byte(header)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return body, map[string]string{HeaderInferenceHeaderLength: strconv.Itoa(len(header)), "Content-Type": "application/octet-stream"}
}

// splitBinary splits a binary-extension response.
func splitBinary(t *testing.T, r resp) (map[string]any, []byte) {
	t.Helper()
	n, err := strconv.Atoi(r.header.Get(HeaderInferenceHeaderLength))
	if err != nil || n > len(r.body) {
		t.Fatalf("binary response without a valid %s: %q (%d bytes)", HeaderInferenceHeaderLength, r.header.Get(HeaderInferenceHeaderLength), len(r.body))
	}
	var m map[string]any
	if err := json.Unmarshal(r.body[:n], &m); err != nil {
		t.Fatal(err)
	}
	return m, r.body[n:]
}

func TestInferBinary(t *testing.T) {
	e := newEnv(t, envOpts{})
	x := make([]byte, 4*len(affineX))
	for i, f := range affineX {
		binary.LittleEndian.PutUint32(x[4*i:], math.Float32bits(f))
	}
	header := `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}`
	body, hdr := binaryRequest(header, x)
	r := e.do("POST", "/v2/models/affine/infer", "key-alice", body, hdr)
	wantStatus(t, r, 200, "")
	m, data := splitBinary(t, r)
	out := m["outputs"].([]any)[0].(map[string]any)
	if out["parameters"].(map[string]any)["binary_data_size"] != float64(16) || len(data) != 16 {
		t.Fatalf("binary output: %v, %d bytes", out, len(data))
	}
	for i, want := range affineY {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])); got != want {
			t.Fatalf("y[%d] = %v, want %v", i, got, want)
		}
	}

	// Binary input, JSON output (no binary_data asked for).
	header = `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}]}`
	body, hdr = binaryRequest(header, x)
	r = e.do("POST", "/v2/models/affine/infer", "key-alice", body, hdr)
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != fmt.Sprint(toF64(affineY)) {
		t.Fatalf("y = %v", got)
	}

	// BF16 and FP16 as raw bytes both ways (binary_data_output).
	bf := make([]byte, 8)
	for i, v := range []float64{1.5, -2, 0.25, 100} {
		binary.LittleEndian.PutUint16(bf[2*i:], uint16(tensor.FloatBits(tensor.BF16, v)))
	}
	hf := make([]byte, 4)
	for i, v := range []float64{3, 0.5} {
		binary.LittleEndian.PutUint16(hf[2*i:], uint16(tensor.FloatBits(tensor.F16, v)))
	}
	header = `{"parameters":{"binary_data_output":true},"inputs":[{"name":"input_0","shape":[4],"datatype":"BF16","parameters":{"binary_data_size":8}},{"name":"input_1","shape":[2],"datatype":"FP16","parameters":{"binary_data_size":4}}]}`
	body, hdr = binaryRequest(header, bf, hf)
	r = e.do("POST", "/v2/models/half/infer", "key-alice", body, hdr)
	wantStatus(t, r, 200, "")
	_, data = splitBinary(t, r)
	if len(data) != 12 {
		t.Fatalf("%d bytes of output", len(data))
	}
	var got []float64
	for i := 0; i < 4; i++ {
		got = append(got, tensor.BitsFloat(tensor.BF16, uint64(binary.LittleEndian.Uint16(data[2*i:]))))
	}
	for i := 0; i < 2; i++ {
		got = append(got, tensor.BitsFloat(tensor.F16, uint64(binary.LittleEndian.Uint16(data[8+2*i:]))))
	}
	if fmt.Sprint(got) != "[3 -4 0.5 200 9 0.25]" {
		t.Fatalf("half outputs %v", got)
	}

	// Framing errors.
	body, hdr = binaryRequest(`{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":20}}]}`, x[:20])
	wantStatus(t, e.do("POST", "/v2/models/affine/infer", "key-alice", body, hdr), 400, "request.data")
	body, hdr = binaryRequest(`{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}]}`, x, []byte{1, 2})
	wantStatus(t, e.do("POST", "/v2/models/affine/infer", "key-alice", body, hdr), 400, "request.binary")
	hdr[HeaderInferenceHeaderLength] = "99999"
	wantStatus(t, e.do("POST", "/v2/models/affine/infer", "key-alice", body, hdr), 400, "request.binary")
	body, hdr = binaryRequest(`{"inputs":[{"name":"input_0","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}}]}`, []byte{0, 1, 2})
	wantStatus(t, e.do("POST", "/v2/models/flags/infer", "key-alice", body, hdr), 400, "input.data")
}

func TestErrorCodes(t *testing.T) {
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.MaxBodyBytes = 16 << 10 }})
	x := `"data":[1,2,3,4,5,6]`
	for _, c := range []struct {
		name, model, key, body string
		status                 int
		rule                   string
	}{
		{"malformed json", "affine", "key-alice", `{"inputs":[`, 400, "request.json"},
		{"wrong datatype", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP64",` + x + `}]}`, 400, "request.datatype"},
		{"bytes", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES",` + x + `}]}`, 400, "request.datatype"},
		{"wrong shape", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[3,2],"datatype":"FP32",` + x + `}]}`, 400, "request.shape"},
		{"negative dim", "double", "key-alice", `{"inputs":[{"name":"x","shape":[-3],"datatype":"FP32","data":[]}]}`, 400, "request.shape"},
		{"wrong name", "affine", "key-alice", `{"inputs":[{"name":"z","shape":[2,3],"datatype":"FP32",` + x + `}]}`, 400, "request.input"},
		{"no inputs", "affine", "key-alice", `{"inputs":[]}`, 400, "request.input"},
		{"short data", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3]}]}`, 400, ""},
		{"no data", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32"}]}`, 400, "request.data"},
		{"unknown output", "affine", "key-alice", `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32",` + x + `}],"outputs":[{"name":"q"}]}`, 400, "request.output"},
		{"bad parameter", "affine", "key-alice", `{"parameters":{"p":[1]},"inputs":[]}`, 400, "request.parameters"},
		{"unknown model", "nope", "key-alice", affineBody(), 404, "model.not_found"},
		{"input cap", "double", "key-alice", `{"inputs":[{"name":"x","shape":[2000000],"datatype":"FP32","data":[]}]}`, 413, "request.too_large"},
		{"static cost", "affine", "key-tiny", affineBody(), 422, "cost.flops"},
		{"output cap", "double", "key-narrow", `{"inputs":[{"name":"x","shape":[1000],"datatype":"FP32","data":[` + strings.TrimSuffix(strings.Repeat("1,", 1000), ",") + `]}]}`, 422, "cost.output"},
		{"output under cap", "double", "key-narrow", `{"inputs":[{"name":"x","shape":[256],"datatype":"FP32","data":[` + strings.TrimSuffix(strings.Repeat("1,", 256), ",") + `]}]}`, 200, ""},
		{"no key", "affine", "", affineBody(), 401, "auth.missing_key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantStatus(t, e.infer(c.model, c.key, c.body), c.status, c.rule)
		})
	}
	// Version that is not served.
	wantStatus(t, e.do("POST", "/v2/models/affine/versions/7/infer", "key-alice", []byte(affineBody()), nil), 404, "model.not_found")
	// Body over the cap: 413 whether or not Content-Length announces it.
	big := `{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[` + strings.Repeat("0,", 10000) + `0]}]}`
	wantStatus(t, e.infer("affine", "key-alice", big), 413, "request.too_large")
	req, _ := http.NewRequest("POST", e.url+"/v2/models/affine/infer", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1 // chunked
	req.Header.Set("Authorization", "Bearer key-alice")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("chunked oversized body: %d", res.StatusCode)
	}
	// Compressed bodies are refused.
	wantStatus(t, e.do("POST", "/v2/models/affine/infer", "key-alice", []byte(affineBody()), map[string]string{"Content-Encoding": "gzip"}), 400, "request.encoding")
	// Non-admins may not use the repository load of a model.
	wantStatus(t, e.do("POST", "/v2/repository/models/affine/load", "key-bob", nil, nil), 403, "auth.forbidden")
	wantStatus(t, e.do("POST", "/v2/repository/models/affine/unload", "key-bob", nil, nil), 403, "auth.forbidden")
	wantStatus(t, e.do("GET", "/v2/admin/anomalies", "key-bob", nil, nil), 403, "auth.forbidden")
	// The 422 says why: resource, limit and estimate.
	r := e.infer("affine", "key-tiny", affineBody())
	if !strings.Contains(r.json(t)["error"].(string), "over the limit of 10 ") {
		t.Fatalf("422 without the reason: %s", r.body)
	}
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.AllowTenantPrograms = true }})
	// alice's private model works for alice.
	wantStatus(t, e.infer("secret", "key-alice", affineBody()), 200, "")
	// For bob it does not exist: the same 404 as a name nobody uses.
	none := e.infer("no-such-model", "key-bob", affineBody())
	for _, r := range []resp{
		e.infer("secret", "key-bob", affineBody()),
		e.do("GET", "/v2/models/secret", "key-bob", nil, nil),
		e.do("GET", "/v2/models/secret/ready", "key-bob", nil, nil),
		e.do("GET", "/v2/models/secret/versions/1", "key-bob", nil, nil),
		e.do("POST", "/v2/repository/models/secret/unload", "key-bob", nil, nil),
	} {
		wantStatus(t, r, 404, "model.not_found")
		if !bytes.Equal(r.body, none.body) || strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), "alice") {
			t.Fatalf("bob learns something about alice's model: %s (vs %s)", r.body, none.body)
		}
	}
	// A program alice submits is hers alone too.
	load := loadBody(t, affineSrc(t), "inputs: [x]\n")
	wantStatus(t, e.do("POST", "/v2/repository/models/mine/load", "key-alice", load, nil), 200, "")
	wantStatus(t, e.infer("mine", "key-alice", affineBody()), 200, "")
	wantStatus(t, e.infer("mine", "key-bob", affineBody()), 404, "model.not_found")
	// bob may use the same name in his own namespace.
	wantStatus(t, e.do("POST", "/v2/repository/models/mine/load", "key-bob", loadBody(t, negSrc, ""), nil), 200, "")
	r := e.infer("mine", "key-bob", `{"inputs":[{"name":"input_0","shape":[3],"datatype":"FP32","data":[1,2,3]}]}`)
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != "[-1 -2 -3]" {
		t.Fatalf("bob's mine = %v", got)
	}
	wantStatus(t, e.infer("mine", "key-alice", affineBody()), 200, "") // still alice's own

	names := func(key string) []string {
		r := e.do("POST", "/v2/repository/index", key, nil, nil)
		wantStatus(t, r, 200, "")
		var idx []IndexEntry
		if err := json.Unmarshal(r.body, &idx); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range idx {
			s := x.Name + ":" + x.State
			if x.Owner != "" {
				s += ":" + x.Owner
			}
			out = append(out, s)
		}
		return out
	}
	shared := "affine:READY broken:UNAVAILABLE dense:READY double:READY flags:READY half:READY"
	if got := strings.Join(names("key-bob"), " "); got != "affine:READY bobsbroken:UNAVAILABLE broken:UNAVAILABLE dense:READY double:READY flags:READY half:READY mine:READY" {
		t.Errorf("bob's index: %s", got)
	}
	if got := strings.Join(names("key-alice"), " "); got != strings.Replace(shared, "half:READY", "half:READY mine:READY secret:READY", 1) {
		t.Errorf("alice's index: %s", got)
	}
	if got := strings.Join(names("key-root"), " "); !strings.Contains(got, "garbled:UNAVAILABLE") || !strings.Contains(got, "bobsbroken:UNAVAILABLE:bob") || !strings.Contains(got, "secret:READY:alice") || !strings.Contains(got, "mine:READY:alice") || !strings.Contains(got, "mine:READY:bob") {
		t.Errorf("admin's index: %s", got)
	}
	// Only the admin sees why a model is unavailable.
	r = e.do("POST", "/v2/repository/index", "key-bob", nil, nil)
	if strings.Contains(string(r.body), "custom_call") {
		t.Errorf("a tenant sees a load error: %s", r.body)
	}
	r = e.do("POST", "/v2/repository/index", "key-root", nil, nil)
	if !strings.Contains(string(r.body), "policy.custom_call") {
		t.Errorf("the admin does not see the load error: %s", r.body)
	}
}

func affineSrc(t *testing.T) string {
	b, err := fs.ReadFile(BuiltinRepository(), "affine/1/model.mlir")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadBody(t *testing.T, src, config string) []byte {
	params := map[string]any{"file:1/model.mlir": base64.StdEncoding.EncodeToString([]byte(src))}
	if config != "" {
		params["config"] = config
	}
	b, err := json.Marshal(map[string]any{"parameters": params})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTenantPrograms(t *testing.T) {
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.AllowTenantPrograms = true }})
	wantStatus(t, e.do("POST", "/v2/repository/models/neg/load", "key-alice", loadBody(t, negSrc, `{"inputs":["v"],"outputs":["w"]}`), nil), 200, "")
	r := e.infer("neg", "key-alice", `{"inputs":[{"name":"v","shape":[3],"datatype":"FP32","data":[1,-2,0.5]}]}`)
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != "[-1 2 -0.5]" {
		t.Fatalf("neg = %v", got)
	}
	// Plain text is accepted as well as base64.
	plain, _ := json.Marshal(map[string]any{"parameters": map[string]any{"file:1/model.mlir": negSrc}})
	wantStatus(t, e.do("POST", "/v2/repository/models/neg2/load", "key-alice", plain, nil), 200, "")

	// Adversarial programs are refused before they run, with 422.
	r = e.do("POST", "/v2/repository/models/evil/load", "key-alice", loadBody(t, callbackSrc, ""), nil)
	wantStatus(t, r, 422, "policy.custom_call")
	if !strings.Contains(string(r.body), "xla_ffi_python_cpu_callback") {
		t.Fatalf("the refusal does not name the target: %s", r.body)
	}
	r = e.do("POST", "/v2/repository/models/bomb/load", "key-alice", loadBody(t, broadcastSrc, ""), nil)
	wantStatus(t, r, 422, "cost.memory")
	wantStatus(t, e.infer("evil", "key-alice", affineBody()), 404, "model.not_found")
	wantStatus(t, e.infer("bomb", "key-alice", `{"inputs":[]}`), 404, "model.not_found")
	r = e.do("POST", "/v2/repository/models/junk/load", "key-alice", loadBody(t, "module {", ""), nil)
	if r.status != 422 {
		t.Fatalf("unparsable program: %d %s", r.status, r.body)
	}
	// A tenant's own config cannot raise its limits above the tenant's.
	r = e.do("POST", "/v2/repository/models/small/load", "key-tiny", loadBody(t, affineSrc(t), "limits: {max_flops: 1e12}\n"), nil)
	wantStatus(t, r, 422, "cost.flops")
	// A program whose loop cannot be bounded statically is admitted and
	// runs under the step meter (the tenant's config lowers max_steps).
	wantStatus(t, e.do("POST", "/v2/repository/models/count/load", "key-alice", loadBody(t, counterSrc, "limits: {max_steps: 1000}\n"), nil), 200, "")
	r = e.infer("count", "key-alice", `{"inputs":[{"name":"input_0","shape":[],"datatype":"INT64","data":[10]}]}`)
	wantStatus(t, r, 200, "")
	if !strings.Contains(string(r.body), `"data":[10]`) {
		t.Fatalf("count(10) = %s", r.body)
	}
	wantStatus(t, e.infer("count", "key-alice", `{"inputs":[{"name":"input_0","shape":[],"datatype":"INT64","data":[1000000000000]}]}`), 422, "limit.steps")
	wantStatus(t, e.do("POST", "/v2/repository/models/count/unload", "key-alice", nil, nil), 200, "")
	// Name clash with a shared model: 409.
	wantStatus(t, e.do("POST", "/v2/repository/models/affine/load", "key-alice", loadBody(t, negSrc, ""), nil), 409, "model.conflict")
	// Missing program file.
	bad, _ := json.Marshal(map[string]any{"parameters": map[string]any{"file:weights.npy": "AAAA"}})
	wantStatus(t, e.do("POST", "/v2/repository/models/x/load", "key-alice", bad, nil), 400, "request.parameters")
	bad, _ = json.Marshal(map[string]any{"parameters": map[string]any{"file:../1/model.mlir": negSrc}})
	wantStatus(t, e.do("POST", "/v2/repository/models/x/load", "key-alice", bad, nil), 400, "request.parameters")
	// Unload.
	wantStatus(t, e.do("POST", "/v2/repository/models/neg/unload", "key-alice", nil, nil), 200, "")
	wantStatus(t, e.infer("neg", "key-alice", `{"inputs":[{"name":"v","shape":[3],"datatype":"FP32","data":[1,-2,0.5]}]}`), 404, "model.not_found")
	// max_models (default 4): neg2 plus three more.
	for _, n := range []string{"p1", "p2", "p3"} {
		wantStatus(t, e.do("POST", "/v2/repository/models/"+n+"/load", "key-alice", loadBody(t, negSrc, ""), nil), 200, "")
	}
	wantStatus(t, e.do("POST", "/v2/repository/models/p4/load", "key-alice", loadBody(t, negSrc, ""), nil), 422, "tenant.max_models")
	// Replacing one of its own is fine.
	wantStatus(t, e.do("POST", "/v2/repository/models/p3/load", "key-alice", loadBody(t, negSrc, ""), nil), 200, "")

	// Programs are refused unless the operator enables them.
	off := newEnv(t, envOpts{})
	wantStatus(t, off.do("POST", "/v2/repository/models/neg/load", "key-alice", loadBody(t, negSrc, ""), nil), 403, "auth.forbidden")
	// The admin reloads a repository model; and may load a program into
	// the shared namespace.
	wantStatus(t, off.do("POST", "/v2/repository/models/affine/load", "key-root", nil, nil), 200, "")
	wantStatus(t, off.do("POST", "/v2/repository/models/neg/load", "key-root", loadBody(t, negSrc, ""), nil), 200, "")
	wantStatus(t, off.infer("neg", "key-bob", `{"inputs":[{"name":"input_0","shape":[3],"datatype":"FP32","data":[1,2,3]}]}`), 200, "")
	wantStatus(t, off.do("POST", "/v2/repository/models/neg/unload", "key-root", nil, nil), 200, "")
	wantStatus(t, off.infer("neg", "key-bob", `{"inputs":[]}`), 404, "model.not_found")
	wantStatus(t, off.do("POST", "/v2/repository/models/broken/load", "key-root", nil, nil), 422, "policy.custom_call")
}

// affineCharge is what one affine request costs in the buckets.
func affineCharge(t *testing.T) charge {
	e := newEnv(t, envOpts{tenants: "open"})
	tn, _ := e.s.Authenticate("")
	v, err := e.s.repo.resolve(tn, "affine", "")
	if err != nil {
		t.Fatal(err)
	}
	return chargeFor(v.static, v.limits, tn)
}

func TestQuotaExhaustion(t *testing.T) {
	ch := affineCharge(t)
	if ch.flops <= 0 || ch.bytes <= 0 {
		t.Fatalf("charge %+v", ch)
	}
	// carol's FLOPs bucket holds two and a half requests and refills at
	// 1 FLOP a second.
	extra := fmt.Sprintf(`
  - name: carol
    api_keys_sha256: ["%s"]
    rate: {flops_per_second: 1, flops_burst: %d}
  - name: dave
    api_keys_sha256: ["%s"]
    rate: {flops_burst: %d}
`, HashKey("key-carol"), int64(2.5*ch.flops), HashKey("key-dave"), int64(ch.flops/2))
	e := newEnv(t, envOpts{tenants: tenantsYAML(extra)})
	wantStatus(t, e.infer("affine", "key-carol", affineBody()), 200, "")
	wantStatus(t, e.infer("affine", "key-carol", affineBody()), 200, "")
	r := e.infer("affine", "key-carol", affineBody())
	wantStatus(t, r, 429, "quota.flops")
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 {
		t.Fatalf("429 without a Retry-After: %q", r.header.Get("Retry-After"))
	}
	if want := int(math.Ceil(0.5 * ch.flops)); ra != want {
		t.Fatalf("Retry-After %d, want %d (half a request at 1 FLOP/s)", ra, want)
	}
	// Other tenants are not affected.
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	// After the wait, carol may go on.
	e.clock.Advance(time.Duration(ra) * time.Second)
	wantStatus(t, e.infer("affine", "key-carol", affineBody()), 200, "")
	wantStatus(t, e.infer("affine", "key-carol", affineBody()), 429, "quota.flops")
	// A request that costs more than the bucket can ever hold is 422.
	wantStatus(t, e.infer("affine", "key-dave", affineBody()), 422, "quota.burst")
	// Requests per second.
	e2 := newEnv(t, envOpts{tenants: tenantsYAML(fmt.Sprintf(`
  - name: erin
    api_keys_sha256: ["%s"]
    rate: {requests_per_second: 1, requests_burst: 2}
`, HashKey("key-erin")))})
	wantStatus(t, e2.infer("affine", "key-erin", affineBody()), 200, "")
	wantStatus(t, e2.infer("nope", "key-erin", affineBody()), 404, "")
	r = e2.infer("affine", "key-erin", affineBody())
	wantStatus(t, r, 429, "quota.requests")
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
}

// blocker holds requests just before execution until released.
type blocker struct {
	once    sync.Once
	entered chan string
	queued  chan struct{}
	release chan struct{}
}

func newBlocker() *blocker {
	return &blocker{entered: make(chan string, 16), queued: make(chan struct{}, 16), release: make(chan struct{})}
}

// open releases the held requests (once; also on a failed test, so that
// the test servers can close).
func (b *blocker) open() {
	b.once.Do(func() { close(b.release) })
}

func (b *blocker) install(s *Server) {
	s.hooks.beforeExec = func(m string) {
		b.entered <- m
		<-b.release
	}
	s.hooks.queued = func() { b.queued <- struct{}{} }
}

func (e *env) inferAsync(model, key, body string, hdr map[string]string) chan resp {
	c := make(chan resp, 1)
	go func() {
		req, _ := http.NewRequest("POST", e.url+"/v2/models/"+model+"/infer", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			c <- resp{status: -1, body: []byte(err.Error())}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		c <- resp{res.StatusCode, res.Header, b}
	}()
	return c
}

func TestQueues(t *testing.T) {
	b := newBlocker()
	extra := fmt.Sprintf(`
  - name: frank
    api_keys_sha256: ["%s"]
    max_concurrency: 1
    max_queue: 1
`, HashKey("key-frank"))
	e := newEnv(t, envOpts{tenants: tenantsYAML(extra),
		cfg:   func(c *Config) { c.MaxConcurrency = 2; c.MaxQueue = 2 },
		setup: b.install})
	t.Cleanup(b.open)
	// frank: one running, one queued, the third is over his own queue: 429.
	f1 := e.inferAsync("affine", "key-frank", affineBody(), nil)
	<-b.entered
	f2 := e.inferAsync("affine", "key-frank", affineBody(), nil)
	<-b.queued
	r := e.infer("affine", "key-frank", affineBody())
	wantStatus(t, r, 429, "tenant.queue_full")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// alice takes the second slot; bob queues (the queue now holds 2);
	// the next request finds the server's queue full: 503.
	a1 := e.inferAsync("affine", "key-alice", affineBody(), nil)
	<-b.entered
	b1 := e.inferAsync("affine", "key-bob", affineBody(), nil)
	<-b.queued
	if run, q := e.s.sched.depth(); run != 2 || q != 2 {
		t.Fatalf("running %d queued %d", run, q)
	}
	r = e.infer("affine", "key-alice", affineBody())
	wantStatus(t, r, 503, "queue.full")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	met := e.scrape()
	if !strings.Contains(met, "hlogate_queue_depth 2") || !strings.Contains(met, "hlogate_executing_requests 2") {
		t.Fatalf("queue gauges:\n%s", grep(met, "queue_depth", "executing"))
	}
	b.open()
	for _, c := range []chan resp{f1, f2, a1, b1} {
		wantStatus(t, <-c, 200, "")
	}
	if run, q := e.s.sched.depth(); run != 0 || q != 0 {
		t.Fatalf("running %d queued %d after the run", run, q)
	}
}

func TestDeadline(t *testing.T) {
	b := newBlocker()
	e := newEnv(t, envOpts{cfg: func(c *Config) { c.MaxConcurrency = 1 }, setup: b.install})
	t.Cleanup(b.open)
	first := e.inferAsync("affine", "key-alice", affineBody(), nil)
	<-b.entered
	// The second waits in the queue behind the first, which is held until
	// the second has answered: its 50ms deadline must pass in the queue.
	r := e.do("POST", "/v2/models/affine/infer", "key-bob", []byte(affineBody()), map[string]string{HeaderTimeout: "50ms"})
	wantStatus(t, r, 504, "limit.deadline")
	// The Triton timeout parameter (µs) works the same way.
	r = e.infer("affine", "key-bob", `{"parameters":{"timeout":20000},`+strings.TrimPrefix(affineBody(), "{"))
	wantStatus(t, r, 504, "limit.deadline")
	wantStatus(t, e.do("POST", "/v2/models/affine/infer", "key-bob", []byte(affineBody()), map[string]string{HeaderTimeout: "soon"}), 400, "request.timeout")
	b.open()
	wantStatus(t, <-first, 200, "")
}

func TestGracefulDrain(t *testing.T) {
	b := newBlocker()
	e := newEnv(t, envOpts{setup: b.install})
	t.Cleanup(b.open)
	first := e.inferAsync("affine", "key-alice", affineBody(), nil)
	<-b.entered
	done := make(chan error, 1)
	go func() { done <- e.s.Shutdown(context.Background()) }()
	<-e.s.drainCh
	wantStatus(t, e.do("GET", "/v2/health/ready", "", nil, nil), 503, "")
	wantStatus(t, e.do("GET", "/v2/health/live", "", nil, nil), 200, "")
	r := e.infer("affine", "key-bob", affineBody())
	wantStatus(t, r, 503, "server.draining")
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}
	b.open()
	r = <-first
	wantStatus(t, r, 200, "")
	if got := outputFloats(t, r, 0); fmt.Sprint(got) != fmt.Sprint(toF64(affineY)) {
		t.Fatalf("drained request answered %v", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A drain that cannot finish in time says so.
	b2 := newBlocker()
	e2 := newEnv(t, envOpts{setup: b2.install})
	t.Cleanup(b2.open)
	stuck := e2.inferAsync("affine", "key-alice", affineBody(), nil)
	<-b2.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e2.s.Shutdown(ctx); err == nil {
		t.Fatal("Shutdown with a cancelled context and a request in flight returned nil")
	}
	b2.open()
	wantStatus(t, <-stuck, 200, "")
}

func (e *env) scrape() string {
	e.t.Helper()
	res, err := http.Get(e.metrics + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func grep(text string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func TestMetricsAndAudit(t *testing.T) {
	e := newEnv(t, envOpts{})
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	wantStatus(t, e.infer("affine", "key-tiny", affineBody()), 422, "")
	wantStatus(t, e.infer("secret", "key-bob", affineBody()), 404, "")
	wantStatus(t, e.infer("affine", "nobody", affineBody()), 401, "")
	// Not on the API listener.
	wantStatus(t, e.do("GET", "/metrics", "", nil, nil), 404, "")
	met := e.scrape()
	for _, want := range []string{
		`hlogate_requests_total{code="200",model="affine",tenant="alice"} 1`,
		`hlogate_requests_total{code="422",model="affine",tenant="tiny"} 1`,
		`hlogate_requests_total{code="404",model="_unknown",tenant="bob"} 1`,
		`hlogate_rejections_total{model="affine",rule="cost.flops",tenant="tiny"} 1`,
		`hlogate_rejections_total{model="",rule="auth.invalid_key",tenant=""} 1`,
		`hlogate_request_duration_seconds_bucket{model="affine",le=`,
		`hlogate_queue_duration_seconds_count{model="affine"} 1`,
		`hlogate_compute_duration_seconds_count{model="affine"} 1`,
		`hlogate_cost_estimated_flops_total{model="affine"}`,
		`hlogate_cost_observed_flops_total{model="affine"}`,
		`hlogate_cost_observed_to_bound_ratio_bucket{model="affine",resource="flops",le="1"} 1`,
		`hlogate_inflight_requests 0`,
		`hlogate_queue_depth 0`,
		`hlogate_model_versions_loaded 6`,
		`hlogate_quarantined_programs 0`,
		`hlogate_throttled_tenants 0`,
		`hlogate_build_info{version=`,
	} {
		if !strings.Contains(met, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(met, "secret") {
		t.Error("a rejected request's model name became a label")
	}
	// Every line of the audit log is a JSON object with a decision.
	lines := strings.Split(strings.TrimSpace(e.audit.String()), "\n")
	var admitted, rejected int
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("audit line is not JSON: %s", l)
		}
		switch m["decision"] {
		case "admit":
			admitted++
		case "reject":
			rejected++
			if m["rule"] == "" {
				t.Errorf("rejection without a rule: %s", l)
			}
		}
		if m["event"] == "infer" && m["code"] == float64(200) {
			for _, k := range []string{"tenant", "model", "version", "program_sha256", "flops_bound", "charged_flops", "observed_flops", "queue_seconds", "compute_seconds"} {
				if _, ok := m[k]; !ok {
					t.Errorf("admission record lacks %s: %s", k, l)
				}
			}
		}
	}
	if admitted < 1 || rejected < 3 {
		t.Fatalf("audit log: %d admitted, %d rejected:\n%s", admitted, rejected, e.audit.String())
	}
}

// TestModelsRepository serves the embedded example repository of package
// models (what `hlogate serve` serves by default) and runs its examples.
func TestModelsRepository(t *testing.T) {
	modelsRepositoryTest(t)
}

func TestStatusMapping(t *testing.T) {
	for _, c := range []struct {
		err  error
		http int
		grpc string
	}{
		{nil, 200, "OK"},
		{errNotFound(), 404, "NotFound"},
		{errUnauthenticated(true), 401, "Unauthenticated"},
		{errForbidden("x"), 403, "PermissionDenied"},
		{errf(0, "model.conflict", ""), 409, "AlreadyExists"},
		{errf(1, "request.too_large", ""), 413, "ResourceExhausted"},
		{withRetry(errf(5, "quota.flops", ""), time.Second), 429, "ResourceExhausted"},
		{errf(1, "quota.burst", ""), 422, "FailedPrecondition"},
		{errf(5, "tenant.throttled", ""), 429, "ResourceExhausted"},
		{errf(5, "queue.full", ""), 503, "Unavailable"},
		{errf(5, "server.draining", ""), 503, "Unavailable"},
		{errf(5, "model.quarantined", ""), 503, "Unavailable"},
		{errf(3, "limit.deadline", ""), 504, "DeadlineExceeded"},
		{errf(3, "limit.cancelled", ""), 499, "Canceled"},
		{errf(3, "limit.memory", ""), 422, "FailedPrecondition"},
		{errf(1, "policy.custom_call", ""), 422, "FailedPrecondition"},
		{errf(1, "cost.flops", ""), 422, "FailedPrecondition"},
		{errf(2, "input.shape", ""), 400, "InvalidArgument"},
		{errf(4, "refine.shape_assertion", ""), 400, "InvalidArgument"},
		{errf(4, "exec.something", ""), 422, "FailedPrecondition"},
		{errf(0, "internal", ""), 500, "Internal"},
		{fmt.Errorf("foreign"), 500, "Internal"},
	} {
		if got := HTTPStatus(c.err); got != c.http {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c.err, got, c.http)
		}
		if got := GRPCCode(c.err).String(); got != c.grpc {
			t.Errorf("GRPCCode(%v) = %s, want %s", c.err, got, c.grpc)
		}
	}
	if RetryAfter(withRetry(errf(5, "queue.full", ""), 1500*time.Millisecond)) != 1500*time.Millisecond || RetryAfter(errNotFound()) != 0 {
		t.Error("RetryAfter")
	}
}

// newEnvFor serves an existing server on 127.0.0.1:0.
func newEnvFor(t *testing.T, s *Server) *env {
	api := httptest.NewServer(s.Handler())
	met := httptest.NewServer(s.MetricsHandler())
	t.Cleanup(func() { api.Close(); met.Close() })
	return &env{t: t, s: s, url: api.URL, metrics: met.URL}
}

// marshalRestResponse writes what json.Marshal writes, byte for byte, for
// JSON and binary outputs, empty outputs, and names that need escaping.
func TestMarshalRestResponseMatchesJSON(t *testing.T) {
	f32, _ := tensor.FromData(tensor.F32, []int64{2, 2}, []byte{0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0xff, 0, 0, 0, 0})
	i8, _ := tensor.FromData(tensor.I8, []int64{3}, []byte{1, 0xff, 7})
	b1, _ := tensor.FromData(tensor.Bool, []int64{}, []byte{1})
	var outs []restOutput
	for _, x := range []*tensor.Tensor{f32, i8, b1} {
		data, err := jsonData(x)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, restOutput{Name: "o<&>\\\"\u2028", Datatype: DatatypeOf(x.DType), Shape: x.Shape, Data: data})
	}
	outs = append(outs, restOutput{Name: "bin", Datatype: "FP32", Shape: []int64{}, Parameters: map[string]any{"binary_data_size": 16}})
	for _, rr := range []restResponse{
		{ModelName: "m", ModelVersion: "1", ID: "<id>", Outputs: outs},
		{ModelName: "m", ID: "", Outputs: []restOutput{}},
		{ModelName: "m\n", Outputs: outs[:1]},
	} {
		want, err := json.Marshal(rr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalRestResponse(rr)
		if err != nil || string(got) != string(want) {
			t.Fatalf("got  %s (%v)\nwant %s", got, err, want)
		}
	}
}
