package main

// hlogate load: a load and abuse generator for a running `hlogate serve`.
//
// Valid tenants send inference requests as fast as their workers allow
// (keep-alive clients, one per tenant); one malicious tenant mixes floods
// of the same requests, the adversarial programs of testdata/attacks
// submitted as its own models through the repository load call, bodies
// over the server's size limit, and malformed requests. The report gives
// throughput, latency percentiles per tenant, every outcome by kind and
// status, and the server's peak resident memory.
//
// The generator only ever talks to the URLs it is given (--url, and
// --metrics-url when set): no proxies from the environment, no redirects.
// It is bounded in time (--duration, a deadline per request) and in count
// (--max-requests), and it reads at most maxResponseBytes of any answer.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hlogate/hlogate/internal/units"
	"github.com/hlogate/hlogate/models"
)

const loadExamples = `  hlogate load --url http://127.0.0.1:8000 --duration 10s --concurrency 8 \
      --tenants KEY1,KEY2 --malicious-tenant KEY3 --model digits_mlp --server-pid 4242
  hlogate load --url http://127.0.0.1:8000 --metrics-url http://127.0.0.1:9090/metrics --json
`

const (
	// maxResponseBytes caps what is read of one answer; the rest is
	// discarded with the connection.
	maxResponseBytes = 8 << 20
	// maxRequestFile caps --request.
	maxRequestFile = 64 << 20
	// maxAttackBytes skips attack programs larger than this.
	maxAttackBytes = 4 << 20
	// maxZeroElements caps the zero-filled requests built from model
	// metadata (for models without an example, and for attack programs
	// that loaded).
	maxZeroElements = 1 << 16
)

type loadOptions struct {
	base             *url.URL
	metricsURL       *url.URL
	duration         time.Duration
	concurrency      int
	maliciousWorkers int
	tenants          []string
	malicious        string
	model            string
	version          string
	requestFile      string
	attacksDir       string
	maxRequests      int64
	requestTimeout   time.Duration
	oversize         int64
	serverPID        int
	asJSON           bool
}

func runLoad(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("load", "hlogate load --url URL [--duration D] [--concurrency N] [--tenants K1,K2] [--malicious-tenant K] [--model NAME]", loadExamples, stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8000", "the server's REST base URL; the only address requests go to")
	metricsURL := fs.String("metrics-url", "", "the server's Prometheus endpoint (e.g. http://127.0.0.1:9090/metrics); polled for process_resident_memory_bytes")
	duration := fs.Duration("duration", 10*time.Second, "how long to drive the server")
	concurrency := fs.Int("concurrency", 8, "workers in all (each has at most one request in flight)")
	malWorkers := fs.Int("malicious-workers", 0, "workers of the malicious tenant (default concurrency/4, at least 1, when --malicious-tenant is set)")
	tenants := fs.String("tenants", "", "comma-separated API keys of the well-behaved tenants (none: requests carry no key)")
	malicious := fs.String("malicious-tenant", "", "API key of the malicious tenant (none: no abuse)")
	model := fs.String("model", "digits_mlp", "model the valid requests (and the flood) call")
	version := fs.String("model-version", "", "model version (default: the server's choice)")
	request := fs.String("request", "", "Open Inference Protocol JSON request to send (default: the model's built-in example, else zeros from its metadata)")
	attacks := fs.String("attacks", filepath.Join("testdata", "attacks"), "directory of adversarial *.mlir programs the malicious tenant submits (built-in ones when missing)")
	maxRequests := count(200000)
	fs.Var(&maxRequests, "max-requests", "stop after this many requests in all")
	reqTimeout := fs.Duration("request-timeout", 30*time.Second, "deadline of one request")
	oversize := byteSize(48 << 20)
	fs.Var(&oversize, "oversize", "size of the oversized bodies the malicious tenant sends (above the server's body limit)")
	serverPID := fs.Int("server-pid", 0, "the server's process id on this machine: its VmHWM is reported")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(pos) != 0 {
		fs.Usage()
		return 2
	}
	opt := loadOptions{
		duration: *duration, concurrency: *concurrency, maliciousWorkers: *malWorkers,
		tenants: splitKeys(*tenants), malicious: strings.TrimSpace(*malicious),
		model: *model, version: *version, requestFile: *request, attacksDir: *attacks,
		maxRequests: int64(maxRequests), requestTimeout: *reqTimeout, oversize: int64(oversize),
		serverPID: *serverPID, asJSON: *asJSON,
	}
	var err error
	if opt.base, err = parseBaseURL(*rawURL); err != nil {
		fmt.Fprintf(stderr, "hlogate load: --url: %v\n", err)
		return 2
	}
	if *metricsURL != "" {
		if opt.metricsURL, err = parseBaseURL(*metricsURL); err != nil {
			fmt.Fprintf(stderr, "hlogate load: --metrics-url: %v\n", err)
			return 2
		}
	}
	if err := opt.check(); err != nil {
		fmt.Fprintf(stderr, "hlogate load: %v\n", err)
		return 2
	}
	rep, err := driveLoad(context.Background(), opt, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "hlogate load: %v\n", err)
		return 2
	}
	if opt.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return 2
		}
		return 0
	}
	rep.writeText(stdout)
	return 0
}

func (o *loadOptions) check() error {
	switch {
	case o.duration <= 0 || o.duration > 24*time.Hour:
		return fmt.Errorf("--duration must be in (0, 24h]")
	case o.concurrency < 1 || o.concurrency > 4096:
		return fmt.Errorf("--concurrency must be in [1, 4096]")
	case o.maxRequests < 1:
		return fmt.Errorf("--max-requests must be at least 1")
	case o.requestTimeout <= 0:
		return fmt.Errorf("--request-timeout must be positive")
	case o.model == "":
		return fmt.Errorf("--model is required")
	case o.maliciousWorkers < 0:
		return fmt.Errorf("--malicious-workers must not be negative")
	}
	if o.malicious != "" {
		if o.maliciousWorkers == 0 {
			o.maliciousWorkers = max(1, o.concurrency/4)
		}
		if o.maliciousWorkers >= o.concurrency {
			return fmt.Errorf("--concurrency %d leaves no worker for the valid tenants beside %d malicious ones", o.concurrency, o.maliciousWorkers)
		}
	} else {
		o.maliciousWorkers = 0
	}
	for _, k := range o.tenants {
		if k == o.malicious {
			return fmt.Errorf("the malicious tenant's key is also listed in --tenants")
		}
	}
	return nil
}

func splitKeys(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// parseBaseURL accepts an absolute http or https URL without user info,
// query or fragment.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: only http and https URLs", s)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: want scheme://host[:port][/path] with no credentials, query or fragment", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// endpoint joins the base URL and path segments, each escaped as one
// segment (a model name cannot add path elements).
func endpoint(base *url.URL, segments ...string) string {
	u := *base
	var p, raw strings.Builder
	p.WriteString(base.Path)
	raw.WriteString(base.EscapedPath())
	for _, s := range segments {
		p.WriteByte('/')
		p.WriteString(s)
		raw.WriteByte('/')
		raw.WriteString(url.PathEscape(s))
	}
	u.Path, u.RawPath = p.String(), raw.String()
	return u.String()
}

func modelPath(base *url.URL, model, version string, tail ...string) string {
	seg := []string{"v2", "models", model}
	if version != "" {
		seg = append(seg, "versions", version)
	}
	return endpoint(base, append(seg, tail...)...)
}

// --- request builders ------------------------------------------------------

// oipInput is one input of an Open Inference Protocol REST request.
type oipInput struct {
	Name     string  `json:"name"`
	Shape    []int64 `json:"shape"`
	Datatype string  `json:"datatype"`
	Data     any     `json:"data"`
}

type oipRequest struct {
	ID     string     `json:"id,omitempty"`
	Inputs []oipInput `json:"inputs"`
}

// tensorMeta is one input of the model metadata answer.
type tensorMeta struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

type modelMeta struct {
	Name   string       `json:"name"`
	Inputs []tensorMeta `json:"inputs"`
}

// zeroRequest builds a request of zeros (false for BOOL) for the inputs of
// a model's metadata. Dynamic dimensions (-1) become 1. It refuses
// requests of more than maxZeroElements elements in all.
func zeroRequest(inputs []tensorMeta) ([]byte, error) {
	req := oipRequest{Inputs: []oipInput{}}
	var total int64
	for _, in := range inputs {
		if in.Name == "" || in.Datatype == "" {
			return nil, fmt.Errorf("input without a name or datatype")
		}
		if in.Datatype == "BYTES" {
			return nil, fmt.Errorf("input %q is BYTES", in.Name)
		}
		shape := make([]int64, len(in.Shape))
		n := int64(1)
		for i, d := range in.Shape {
			if d < 0 {
				d = 1
			}
			shape[i] = d
			if d > 0 && n > maxZeroElements/d {
				return nil, fmt.Errorf("input %q has over %d elements", in.Name, maxZeroElements)
			}
			n *= d
		}
		if total += n; total > maxZeroElements {
			return nil, fmt.Errorf("inputs have over %d elements", maxZeroElements)
		}
		var data any
		if in.Datatype == "BOOL" {
			data = make([]bool, n)
		} else {
			data = make([]int, n)
		}
		req.Inputs = append(req.Inputs, oipInput{Name: in.Name, Shape: shape, Datatype: in.Datatype, Data: data})
	}
	return json.Marshal(req)
}

// checkRequestJSON checks that b is an OIP request object with inputs.
func checkRequestJSON(b []byte) error {
	var r struct {
		Inputs []json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("not an inference request: %v", err)
	}
	if len(r.Inputs) == 0 {
		return fmt.Errorf("not an inference request: no inputs")
	}
	return nil
}

// loadRequestBody builds the body of a repository load call that submits
// program text as the tenant's own model: the program goes in the
// "file:1/model.mlir" parameter and the model's config.yaml in "config".
func loadRequestBody(program string) ([]byte, error) {
	cfg := "entry: main\n"
	return json.Marshal(map[string]any{"parameters": map[string]string{
		"config":            cfg,
		"file:1/model.mlir": program,
	}})
}

var attackNameRE = regexp.MustCompile(`[^a-z0-9_-]+`)

// attackModelName names the model an attack program is loaded as.
func attackModelName(file string) string {
	n := strings.ToLower(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)))
	n = strings.Trim(attackNameRE.ReplaceAllString(n, "_"), "_-")
	n = "atk-" + n
	if len(n) > 63 {
		n = n[:63]
	}
	return n
}

type attackProgram struct {
	name, model, text string
}

// builtinAttacks are used when --attacks is not a directory (the binary
// runs away from its source tree).
var builtinAttacks = []attackProgram{
	{"host_callback", "atk-host_callback", `module @attack {
  func.func public @main(%arg0: tensor<f32>) -> tensor<f32> {
    %0 = stablehlo.custom_call @xla_python_cpu_callback(%arg0) {api_version = 2 : i32, has_side_effect = true} : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}
`},
	{"bcast_1e13", "atk-bcast_1e13", `module @attack {
  func.func public @main() -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<10000000x1000000xf32>
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [0, 1] : (tensor<10000000x1000000xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}
`},
	{"loop_endless", "atk-loop_endless", `module @attack {
  func.func public @main() -> tensor<i64> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %0 = stablehlo.while(%iter = %c0) : tensor<i64>
    cond {
      %t = stablehlo.constant dense<true> : tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %one = stablehlo.constant dense<1> : tensor<i64>
      %n = stablehlo.add %iter, %one : tensor<i64>
      stablehlo.return %n : tensor<i64>
    }
    return %0 : tensor<i64>
  }
}
`},
}

// readAttacks reads the *.mlir programs of dir, skipping generated ones
// (GEN:) and those over maxAttackBytes. A missing directory gives the
// built-in programs.
func readAttacks(dir string) ([]attackProgram, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.mlir"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return nil, fmt.Errorf("--attacks %s: no *.mlir files", dir)
		}
		return builtinAttacks, nil
	}
	sort.Strings(files)
	var out []attackProgram
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxAttackBytes {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if bytes.Contains(b, []byte("\nGEN:")) || bytes.HasPrefix(b, []byte("GEN:")) {
			continue
		}
		out = append(out, attackProgram{name: filepath.Base(f), model: attackModelName(f), text: string(b)})
	}
	if len(out) == 0 {
		return builtinAttacks, nil
	}
	return out, nil
}

// oversizedBody streams a syntactically plausible inference request of n
// bytes: {"inputs":[{"name":"x","shape":[N],"datatype":"FP32","data":[0,0,...
// It is never held in memory.
type oversizedBody struct {
	prefix []byte
	n, off int64
}

func newOversizedBody(n int64) *oversizedBody {
	p := []byte(fmt.Sprintf(`{"inputs":[{"name":"x","shape":[%d],"datatype":"FP32","data":[`, n/2))
	return &oversizedBody{prefix: p, n: max(n, int64(len(p)))}
}

func (b *oversizedBody) Read(p []byte) (int, error) {
	if b.off >= b.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && b.off < b.n {
		if b.off < int64(len(b.prefix)) {
			c := copy(p[k:], b.prefix[b.off:])
			k += c
			b.off += int64(c)
			continue
		}
		if (b.off-int64(len(b.prefix)))%2 == 0 {
			p[k] = '0'
		} else {
			p[k] = ','
		}
		k++
		b.off++
	}
	return k, nil
}

// malformedBodies are requests a careless or hostile client sends: broken
// JSON, a lying shape, a huge declared shape, a wrong datatype, deep nesting.
func malformedBodies() [][]byte {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	return [][]byte{
		[]byte(`{"inputs":[{"name":"x","shape":[1,64],"datatype":"FP32","data":[1,2,`),
		[]byte(`{"inputs":[{"name":"x","shape":[1000000000000],"datatype":"FP32","data":[0]}]}`),
		[]byte(`{"inputs":[{"name":"x","shape":[9223372036854775807,9223372036854775807],"datatype":"FP32","data":[0]}]}`),
		[]byte(`{"inputs":[{"name":"x","shape":[1,64],"datatype":"BYTES","data":["a"]}]}`),
		[]byte(`{"inputs":[{"name":"x","shape":[1,64],"datatype":"FP32","data":` + deep + `}]}`),
		[]byte(`{"inputs":[{"name":"../../etc/passwd","shape":[1],"datatype":"FP32","data":[0]}]}`),
	}
}

// --- the driver ------------------------------------------------------------

// outcome kinds
const (
	kindInfer        = "infer"         // a valid tenant's request
	kindFlood        = "flood"         // the malicious tenant's rapid requests
	kindAttackLoad   = "attack-load"   // an adversarial program submitted
	kindAttackInfer  = "attack-infer"  // an adversarial program that loaded, called
	kindAttackUnload = "attack-unload" // and unloaded
	kindOversized    = "oversized"     // a body over the server's limit
	kindMalformed    = "malformed"     // broken or lying requests
)

type sample struct {
	tenant  int
	kind    string
	status  int    // 0: no HTTP answer
	class   string // transport error class, or the server's error rule
	latency time.Duration
}

type tenantInfo struct {
	label, role, key string
}

type driver struct {
	opt       loadOptions
	tenants   []tenantInfo
	clients   []*http.Client
	body      []byte
	attacks   []attackProgram
	issued    atomic.Int64
	mu        sync.Mutex
	samples   []sample
	attackIdx atomic.Int64
	malIdx    atomic.Int64
}

func newClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // never an environment proxy: only the given URL
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // never follow a redirect elsewhere
		},
	}
}

func driveLoad(ctx context.Context, opt loadOptions, log io.Writer) (*loadReport, error) {
	d := &driver{opt: opt}
	keys := opt.tenants
	if len(keys) == 0 {
		keys = []string{""}
	}
	for i, k := range keys {
		d.tenants = append(d.tenants, tenantInfo{label: fmt.Sprintf("tenant-%d", i+1), role: "valid", key: k})
	}
	if opt.malicious != "" {
		d.tenants = append(d.tenants, tenantInfo{label: "malicious", role: "malicious", key: opt.malicious})
	}
	for range d.tenants {
		d.clients = append(d.clients, newClient(opt.concurrency, opt.requestTimeout))
	}
	defer func() {
		for _, c := range d.clients {
			c.CloseIdleConnections()
		}
	}()
	body, err := d.validBody(ctx)
	if err != nil {
		return nil, err
	}
	d.body = body
	if opt.malicious != "" {
		if d.attacks, err = readAttacks(opt.attacksDir); err != nil {
			return nil, err
		}
	}
	hwmStart, _ := readVmHWM(opt.serverPID)

	runCtx, cancel := context.WithTimeout(ctx, opt.duration)
	defer cancel()
	var rssMax atomic.Int64
	var pollWG sync.WaitGroup
	if opt.metricsURL != nil {
		pollWG.Add(1)
		go func() {
			defer pollWG.Done()
			d.pollRSS(runCtx, &rssMax)
		}()
	}
	start := time.Now()
	var wg sync.WaitGroup
	valid := opt.concurrency - opt.maliciousWorkers
	nValid := len(keys)
	for w := 0; w < opt.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			if w < valid {
				d.validWorker(runCtx, w%nValid)
			} else {
				d.maliciousWorker(runCtx, len(d.tenants)-1)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	pollWG.Wait()
	if opt.malicious != "" {
		d.cleanup(ctx)
	}
	rep := buildReport(d.tenants, d.samples, elapsed)
	rep.URL, rep.Model = opt.base.String(), opt.model
	rep.Concurrency, rep.MaliciousWorkers = opt.concurrency, opt.maliciousWorkers
	if opt.serverPID > 0 {
		if hwm, err := readVmHWM(opt.serverPID); err == nil {
			rep.PeakRSS = append(rep.PeakRSS, rssReading{Bytes: hwm, Source: fmt.Sprintf("VmHWM of pid %d (at start %s)", opt.serverPID, units.FormatBytes(hwmStart))})
		} else {
			fmt.Fprintf(log, "hlogate load: --server-pid %d: %v\n", opt.serverPID, err)
		}
	}
	if opt.metricsURL != nil {
		if v := rssMax.Load(); v > 0 {
			rep.PeakRSS = append(rep.PeakRSS, rssReading{Bytes: v, Source: "max process_resident_memory_bytes of " + opt.metricsURL.String()})
		} else {
			fmt.Fprintf(log, "hlogate load: %s gave no process_resident_memory_bytes\n", opt.metricsURL)
		}
	}
	return rep, nil
}

// validBody is --request, else the model's built-in example, else zeros
// built from the model's metadata.
func (d *driver) validBody(ctx context.Context) ([]byte, error) {
	if d.opt.requestFile != "" {
		b, err := readLimited(d.opt.requestFile, maxRequestFile)
		if err != nil {
			return nil, err
		}
		if err := checkRequestJSON(b); err != nil {
			return nil, fmt.Errorf("--request %s: %v", d.opt.requestFile, err)
		}
		return b, nil
	}
	if b, err := fs.ReadFile(models.Examples, d.opt.model+".json"); err == nil {
		return b, nil
	}
	md, status, err := d.metadata(ctx, 0, d.opt.model, d.opt.version)
	if err != nil {
		return nil, fmt.Errorf("model %q: no built-in example and its metadata failed (status %d): %v", d.opt.model, status, err)
	}
	b, err := zeroRequest(md.Inputs)
	if err != nil {
		return nil, fmt.Errorf("model %q: %v; give a request with --request", d.opt.model, err)
	}
	return b, nil
}

// take reserves one request of the --max-requests budget.
func (d *driver) take() bool { return d.issued.Add(1) <= d.opt.maxRequests }

func (d *driver) record(s sample) {
	d.mu.Lock()
	d.samples = append(d.samples, s)
	d.mu.Unlock()
}

func (d *driver) validWorker(ctx context.Context, tenant int) {
	target := modelPath(d.opt.base, d.opt.model, d.opt.version, "infer")
	for ctx.Err() == nil && d.take() {
		d.do(ctx, tenant, kindInfer, http.MethodPost, target, bytes.NewReader(d.body), int64(len(d.body)))
	}
}

// maliciousWorker cycles through a fixed schedule of 20 steps: one
// oversized body, four adversarial programs, one malformed request and
// fourteen flood requests.
func (d *driver) maliciousWorker(ctx context.Context, tenant int) {
	infer := modelPath(d.opt.base, d.opt.model, d.opt.version, "infer")
	bad := malformedBodies()
	for ctx.Err() == nil && d.take() {
		step := d.malIdx.Add(1) - 1
		switch s := step % 20; {
		case s == 0:
			n := d.opt.oversize
			cl := n
			if step%40 == 20 {
				cl = -1 // chunked: the server must count, not trust a header
			}
			d.do(ctx, tenant, kindOversized, http.MethodPost, infer, newOversizedBody(n), cl)
		case s <= 4:
			a := d.attacks[int(d.attackIdx.Add(1)-1)%len(d.attacks)]
			d.attack(ctx, tenant, a)
		case s == 5:
			b := bad[int(step/20)%len(bad)]
			d.do(ctx, tenant, kindMalformed, http.MethodPost, infer, bytes.NewReader(b), int64(len(b)))
		default:
			d.do(ctx, tenant, kindFlood, http.MethodPost, infer, bytes.NewReader(d.body), int64(len(d.body)))
		}
	}
}

// attack submits an adversarial program as the tenant's own model; if the
// server admits it, the model is called once with zeros and unloaded.
func (d *driver) attack(ctx context.Context, tenant int, a attackProgram) {
	body, err := loadRequestBody(a.text)
	if err != nil {
		return
	}
	load := endpoint(d.opt.base, "v2", "repository", "models", a.model, "load")
	status, _ := d.do(ctx, tenant, kindAttackLoad, http.MethodPost, load, bytes.NewReader(body), int64(len(body)))
	if status != http.StatusOK {
		return
	}
	if !d.take() {
		return
	}
	if md, st, err := d.metadata(ctx, tenant, a.model, ""); err == nil && st == http.StatusOK {
		if req, err := zeroRequest(md.Inputs); err == nil && d.take() {
			d.do(ctx, tenant, kindAttackInfer, http.MethodPost, modelPath(d.opt.base, a.model, "", "infer"), bytes.NewReader(req), int64(len(req)))
		}
	}
	if d.take() {
		d.do(ctx, tenant, kindAttackUnload, http.MethodPost, endpoint(d.opt.base, "v2", "repository", "models", a.model, "unload"), strings.NewReader("{}"), 2)
	}
}

// cleanup unloads every attack model the run may have left loaded (a
// worker stopped between load and unload), with a short deadline.
func (d *driver) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tenant := len(d.tenants) - 1
	seen := map[string]bool{}
	for _, a := range d.attacks {
		if seen[a.model] || ctx.Err() != nil {
			continue
		}
		seen[a.model] = true
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint(d.opt.base, "v2", "repository", "models", a.model, "unload"), strings.NewReader("{}"))
		if err != nil {
			continue
		}
		req.Header.Set("Content-Type", "application/json")
		setKey(req, d.tenants[tenant].key)
		if resp, err := d.clients[tenant].Do(req); err == nil {
			drain(resp.Body)
		}
	}
}

func (d *driver) metadata(ctx context.Context, tenant int, model, version string) (*modelMeta, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, modelPath(d.opt.base, model, version), nil)
	if err != nil {
		return nil, 0, err
	}
	setKey(req, d.tenants[tenant].key)
	resp, err := d.clients[tenant].Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, fmt.Errorf("%s", strings.TrimSpace(string(b)))
	}
	var md modelMeta
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, resp.StatusCode, err
	}
	return &md, resp.StatusCode, nil
}

func setKey(req *http.Request, key string) {
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
}

// do sends one request and records its outcome. contentLength -1 sends
// the body chunked.
func (d *driver) do(ctx context.Context, tenant int, kind, method, target string, body io.Reader, contentLength int64) (int, string) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, ""
	}
	req.ContentLength = contentLength
	if contentLength < 0 {
		req.Body = io.NopCloser(body) // hide the length from the transport
	}
	req.Header.Set("Content-Type", "application/json")
	setKey(req, d.tenants[tenant].key)
	t0 := time.Now()
	resp, err := d.clients[tenant].Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return 0, "" // the run ended under it: not an outcome
		}
		d.record(sample{tenant: tenant, kind: kind, class: transportClass(err), latency: time.Since(t0)})
		return 0, transportClass(err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	drain(resp.Body)
	lat := time.Since(t0)
	class := ""
	if resp.StatusCode != http.StatusOK {
		class = errorRule(b)
	}
	d.record(sample{tenant: tenant, kind: kind, status: resp.StatusCode, class: class, latency: lat})
	return resp.StatusCode, class
}

// drain discards a little of what is left (so the connection can be
// reused) and closes the body.
func drain(r io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	r.Close()
}

// errorRule extracts the server's error rule from an error answer: the
// "rule" or "error_rule" member, or "error": {"rule": ...}.
func errorRule(b []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	for _, k := range []string{"rule", "error_rule"} {
		var s string
		if json.Unmarshal(m[k], &s) == nil && s != "" {
			return truncLabel(s)
		}
	}
	var nested struct {
		Rule string `json:"rule"`
	}
	if json.Unmarshal(m["error"], &nested) == nil && nested.Rule != "" {
		return truncLabel(nested.Rule)
	}
	return ""
}

func truncLabel(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// transportClass names a request that got no HTTP answer.
func transportClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "transport error"
}

// pollRSS reads the metrics endpoint every 250ms until ctx ends.
func (d *driver) pollRSS(ctx context.Context, maxRSS *atomic.Int64) {
	c := newClient(1, 5*time.Second)
	defer c.CloseIdleConnections()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.opt.metricsURL.String(), nil)
		if err != nil {
			return
		}
		if resp, err := c.Do(req); err == nil {
			if v, ok := parseRSSMetric(io.LimitReader(resp.Body, maxResponseBytes)); ok && v > maxRSS.Load() {
				maxRSS.Store(v)
			}
			drain(resp.Body)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// parseRSSMetric finds process_resident_memory_bytes in Prometheus text.
func parseRSSMetric(r io.Reader) (int64, bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "process_resident_memory_bytes")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		if rest[0] == '{' {
			i := strings.IndexByte(rest, '}')
			if i < 0 {
				continue
			}
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > math.MaxInt64/2 {
			continue
		}
		return int64(v), true
	}
	return 0, false
}

// readVmHWM reads the peak resident set of a process from /proc.
func readVmHWM(pid int) (int64, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("no pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmHWM(b)
}

func parseVmHWM(status []byte) (int64, error) {
	for _, line := range strings.Split(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("unexpected VmHWM line %q", line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, err
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("no VmHWM in /proc status")
}

// --- the report ------------------------------------------------------------

type latencySummary struct {
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
	MeanMs float64 `json:"mean_ms"`
}

type tenantReport struct {
	Tenant string `json:"tenant"`
	Role   string `json:"role"`
	// KeyID is the first 8 hex digits of the key's SHA-256 (the tenants
	// file stores key hashes), never the key.
	KeyID      string  `json:"key_id,omitempty"`
	Requests   int     `json:"requests"`
	OK         int     `json:"ok"`
	Throughput float64 `json:"requests_per_second"`
	// Latency is over every answered request; OKLatency over the 200s.
	Latency   latencySummary `json:"latency"`
	OKLatency latencySummary `json:"ok_latency"`
}

type outcomeRow struct {
	Tenant string `json:"tenant"`
	Kind   string `json:"kind"`
	Status int    `json:"status"` // 0: no HTTP answer
	Class  string `json:"class,omitempty"`
	Count  int    `json:"count"`
}

type rssReading struct {
	Bytes  int64  `json:"bytes"`
	Source string `json:"source"`
}

type loadReport struct {
	URL              string         `json:"url"`
	Model            string         `json:"model"`
	Concurrency      int            `json:"concurrency"`
	MaliciousWorkers int            `json:"malicious_workers"`
	Seconds          float64        `json:"seconds"`
	Requests         int            `json:"requests"`
	Throughput       float64        `json:"requests_per_second"`
	Tenants          []tenantReport `json:"tenants"`
	Outcomes         []outcomeRow   `json:"outcomes"`
	PeakRSS          []rssReading   `json:"peak_rss,omitempty"`
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted values; 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func summarize(lat []time.Duration) latencySummary {
	if len(lat) == 0 {
		return latencySummary{}
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	return latencySummary{P50Ms: ms(percentile(s, 50)), P90Ms: ms(percentile(s, 90)), P99Ms: ms(percentile(s, 99)),
		MaxMs: ms(s[len(s)-1]), MeanMs: ms(sum / time.Duration(len(s)))}
}

func keyID(key string) string {
	if key == "" {
		return ""
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:4])
}

func buildReport(tenants []tenantInfo, samples []sample, elapsed time.Duration) *loadReport {
	secs := elapsed.Seconds()
	rep := &loadReport{Seconds: math.Round(secs*1000) / 1000, Requests: len(samples), Tenants: []tenantReport{}, Outcomes: []outcomeRow{}}
	if secs > 0 {
		rep.Throughput = math.Round(float64(len(samples))/secs*10) / 10
	}
	type okey struct {
		tenant      int
		kind, class string
		status      int
	}
	counts := map[okey]int{}
	for i, t := range tenants {
		tr := tenantReport{Tenant: t.label, Role: t.role, KeyID: keyID(t.key)}
		var all, ok []time.Duration
		for _, s := range samples {
			if s.tenant != i {
				continue
			}
			tr.Requests++
			if s.status != 0 {
				all = append(all, s.latency)
			}
			if s.status == http.StatusOK {
				tr.OK++
				ok = append(ok, s.latency)
			}
		}
		if secs > 0 {
			tr.Throughput = math.Round(float64(tr.Requests)/secs*10) / 10
		}
		tr.Latency, tr.OKLatency = summarize(all), summarize(ok)
		rep.Tenants = append(rep.Tenants, tr)
	}
	for _, s := range samples {
		counts[okey{s.tenant, s.kind, s.class, s.status}]++
	}
	for k, n := range counts {
		rep.Outcomes = append(rep.Outcomes, outcomeRow{Tenant: tenants[k.tenant].label, Kind: k.kind, Status: k.status, Class: k.class, Count: n})
	}
	sort.Slice(rep.Outcomes, func(i, j int) bool {
		a, b := rep.Outcomes[i], rep.Outcomes[j]
		if a.Tenant != b.Tenant {
			return a.Tenant < b.Tenant
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Class < b.Class
	})
	return rep
}

func (r *loadReport) writeText(w io.Writer) {
	fmt.Fprintf(w, "hlogate load: %s model %s, concurrency %d (%d malicious)\n", r.URL, r.Model, r.Concurrency, r.MaliciousWorkers)
	fmt.Fprintf(w, "%d requests in %.1fs: %.1f req/s\n\n", r.Requests, r.Seconds, r.Throughput)
	fmt.Fprintf(w, "%-10s %-9s %-8s %8s %8s %8s %9s %9s %9s %9s\n", "tenant", "role", "key", "requests", "ok", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
	for _, t := range r.Tenants {
		fmt.Fprintf(w, "%-10s %-9s %-8s %8d %8d %8.1f %9.2f %9.2f %9.2f %9.2f\n", t.Tenant, t.Role, t.KeyID, t.Requests, t.OK, t.Throughput,
			t.Latency.P50Ms, t.Latency.P90Ms, t.Latency.P99Ms, t.Latency.MaxMs)
	}
	fmt.Fprintf(w, "\noutcomes:\n")
	for _, o := range r.Outcomes {
		st := strconv.Itoa(o.Status)
		if o.Status == 0 {
			st = "-"
		}
		fmt.Fprintf(w, "  %-10s %-14s %4s %-28s %8d\n", o.Tenant, o.Kind, st, o.Class, o.Count)
	}
	if len(r.PeakRSS) > 0 {
		fmt.Fprintf(w, "\nserver peak RSS:\n")
		for _, p := range r.PeakRSS {
			fmt.Fprintf(w, "  %s (%s)\n", units.FormatBytes(p.Bytes), p.Source)
		}
	}
}
