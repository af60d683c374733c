// Package server is the core of `hlogate serve`: an Open Inference Protocol
// (KServe v2) server for StableHLO programs that may come from people the
// operator does not trust.
//
// A Server holds a model repository — every model admitted (parse, verify,
// policy), bounded by static cost and kept in memory at load — and the
// tenants that may call it. Its methods are the protocol's operations in Go
// terms; the REST front end (Handler, in this package) and the gRPC front end
// (package grpcsrv) are thin codecs over them, so both share
// authentication, admission, quotas, queues, metrics, the audit log and
// anomaly detection.
//
// A front end:
//
//  1. authenticates: t, err := s.Authenticate(server.APIKey(authz, xAPIKey));
//  2. calls the operation with the tenant: s.Infer(ctx, t, req), ...;
//  3. maps an error with HTTPStatus / GRPCCode, and RetryAfter.
//
// Every error is a *diag.Error (use diag.As; some are wrapped to carry a
// retry delay). Models of other tenants are indistinguishable from models
// that do not exist: both are model.not_found, with the same message.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/refine"
)

// Version is reported by ServerMetadata.
const Version = "0.1.0-dev"

// Extensions are the protocol extensions the server implements, as
// reported by ServerMetadata.
var Extensions = []string{"binary_tensor_data", "model_repository", "schedule_policy", "hlogate_static_cost", "hlogate_tenants"}

// Config configures a Server. The zero value is a server with the default
// policy and limits, no tenants file (every request is the "anonymous"
// tenant, and no one is an administrator) and no tenant programs.
type Config struct {
	// Policy admits programs; nil means policy.Default().
	Policy *policy.Policy
	// Limits are the server's limits: defaults and caps for every model
	// and every tenant. Zero fields take DefaultLimits.
	Limits Limits
	// Tenants are the tenants and their API keys; nil runs the server open
	// (one anonymous tenant with the server's limits).
	Tenants *TenantsFile
	// AllowTenantPrograms lets tenants (whose spec does not say
	// programs: false) submit their own programs through the repository
	// load call, into their own namespace, under their own limits.
	AllowTenantPrograms bool
	// MaxBodyBytes caps a REST request body and a gRPC message
	// (default 32 MiB).
	MaxBodyBytes int64
	// MaxConcurrency caps requests executing at once (default GOMAXPROCS);
	// MaxQueue caps requests waiting for a slot (default 64).
	MaxConcurrency int
	MaxQueue       int
	// RefineCacheEntries bounds the cache of shape-refined programs and
	// their cost reports (default 256 entries).
	RefineCacheEntries int
	// Audit receives the audit log: one JSON object per line, per
	// admission decision. nil discards it.
	Audit io.Writer
	// Anomaly tunes anomaly detection; zero fields take the defaults.
	Anomaly AnomalyConfig
	// Now is the clock (tests use a fake one); nil means time.Now.
	Now func() time.Time
	// Executor runs admitted programs; nil runs them in this process,
	// on Engine. A SandboxExecutor runs them in sandboxed worker
	// processes (its own Engine field picks theirs).
	Executor Executor
	// Engine is the in-process engine: EnginePlan (the fast engine; the
	// default) or EngineReference (the simple, metered oracle).
	Engine string
}

// Server is the serving core. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	policy  *policy.Policy
	tenants *tenantSet
	now     func() time.Time

	repo    *repository
	refined *refine.Cache
	costs   *lru[*ir.Module, costEntry] // cost reports of refined programs
	sched   *scheduler
	metrics *metrics
	audit   *slog.Logger
	anom    *detector
	bodies  *bodyBudget
	exec    Executor
	plans   *lru[*ir.Func, planEntry] // the fast engine's compiled functions (nil: reference engine)

	ready    atomic.Bool
	draining atomic.Bool
	drainCh  chan struct{}
	drainMu  sync.Mutex

	inflightMu sync.Mutex
	inflight   int
	idle       chan struct{} // closed and replaced when inflight drops to 0

	hooks hooks
}

// hooks let tests stop a request at a known point, without sleeping.
type hooks struct {
	beforeExec func(model string) // after a slot was acquired, before execution
	queued     func()             // after a request joined the queue
}

// New builds a server. It reports ready once LoadRepository has run.
func New(cfg Config) (*Server, error) {
	if cfg.Policy == nil {
		cfg.Policy = policy.Default()
	}
	cfg.Limits = cfg.Limits.orDefault(DefaultLimits())
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 32 << 20
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = 64
	}
	if cfg.RefineCacheEntries <= 0 {
		cfg.RefineCacheEntries = refine.DefaultCacheEntries
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Anomaly = cfg.Anomaly.withDefaults()
	audit := cfg.Audit
	if audit == nil {
		audit = io.Discard
	}
	s := &Server{
		cfg:     cfg,
		policy:  cfg.Policy,
		now:     cfg.Now,
		refined: refine.NewCache(cfg.RefineCacheEntries, 0, refine.Limits{}),
		costs:   newLRU[*ir.Module, costEntry](cfg.RefineCacheEntries),
		audit:   slog.New(slog.NewJSONHandler(audit, &slog.HandlerOptions{Level: slog.LevelInfo})),
		drainCh: make(chan struct{}),
		bodies:  &bodyBudget{max: 8 * cfg.MaxBodyBytes},
		idle:    make(chan struct{}),
		exec:    cfg.Executor,
	}
	switch cfg.Engine {
	case "", EnginePlan, EngineReference:
	default:
		return nil, fmt.Errorf("server: engine %q is neither %q nor %q", cfg.Engine, EnginePlan, EngineReference)
	}
	if cfg.Engine != EngineReference {
		s.plans = newLRU[*ir.Func, planEntry](256)
	}
	if s.exec == nil {
		s.exec = &inProcess{engine: cfg.Engine, s: s}
	}
	ts, err := newTenantSet(cfg.Tenants, &s.cfg, s.now())
	if err != nil {
		return nil, err
	}
	s.tenants = ts
	s.repo = newRepository()
	s.sched = newScheduler(cfg.MaxConcurrency, cfg.MaxQueue)
	s.anom = newDetector(cfg.Anomaly, s)
	s.metrics = newMetrics(s.quarantinedCount, func() float64 { return float64(s.anom.throttledCount(s.now())) }, s.workerStats)
	close(s.idle)
	return s, nil
}

// Authenticate returns the tenant of an API key ("" when the request had
// none; see APIKey). Without a tenants file every caller is the anonymous
// tenant. Errors: auth.missing_key, auth.invalid_key (401 /
// Unauthenticated).
func (s *Server) Authenticate(apiKey string) (*Tenant, error) {
	t, err := s.tenants.authenticate(apiKey)
	if err != nil {
		s.metrics.rejections.WithLabelValues("", "", diag.RuleOf(err)).Inc()
		s.audit.Info("auth", "event", "auth", "decision", "reject", "rule", diag.RuleOf(err))
	}
	return t, err
}

// ServerLive reports whether the process is up (always true while it can
// answer).
func (s *Server) ServerLive() bool { return true }

// ServerReady reports whether the server accepts inference requests: false
// before the repository is loaded and while draining.
func (s *Server) ServerReady() bool { return s.ready.Load() && !s.draining.Load() }

// ServerMetadata returns the server's name, version and extensions.
func (s *Server) ServerMetadata() ServerMetadata {
	return ServerMetadata{Name: "hlogate", Version: Version, Extensions: append([]string(nil), Extensions...)}
}

// MaxBodyBytes is the cap on a REST body or gRPC message (413 /
// ResourceExhausted beyond it).
func (s *Server) MaxBodyBytes() int64 { return s.cfg.MaxBodyBytes }

// ModelReady reports whether a model (a version, or the version the server
// would pick when version is "") visible to t is ready to serve.
// Errors: model.not_found.
func (s *Server) ModelReady(_ context.Context, t *Tenant, name, version string) (bool, error) {
	v, err := s.repo.resolve(t, name, version)
	if err != nil {
		return false, err
	}
	return v.quarantine.Load() == nil && s.ServerReady(), nil
}

// ModelMetadata describes a model visible to t: its versions, its request
// inputs (the bound weights are not inputs) and its outputs, from the
// program's signature. Errors: model.not_found.
func (s *Server) ModelMetadata(_ context.Context, t *Tenant, name, version string) (*ModelMetadata, error) {
	v, err := s.repo.resolve(t, name, version)
	if err != nil {
		return nil, err
	}
	md := &ModelMetadata{Name: v.model.name, Platform: Platform, Inputs: cloneMeta(v.inputs), Outputs: cloneMeta(v.outputs)}
	if version == "" {
		md.Versions = s.repo.versionsOf(v.model)
	} else {
		md.Versions = []string{v.label}
	}
	return md, nil
}

func cloneMeta(in []TensorMetadata) []TensorMetadata {
	out := make([]TensorMetadata, len(in))
	for i, m := range in {
		out[i] = TensorMetadata{Name: m.Name, Datatype: m.Datatype, Shape: append([]int64{}, m.Shape...)}
	}
	return out
}

// Shutdown drains the server: ServerReady turns false, new inference
// requests fail with server.draining (503), and Shutdown waits until the
// requests in flight have finished or ctx is done. Stop the transports
// (http.Server.Shutdown, grpc.Server.GracefulStop) after it.
func (s *Server) Shutdown(ctx context.Context) error {
	s.drainMu.Lock()
	if !s.draining.Load() {
		s.draining.Store(true)
		close(s.drainCh)
	}
	s.drainMu.Unlock()
	for {
		s.inflightMu.Lock()
		n, idle := s.inflight, s.idle
		s.inflightMu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return errors.Join(ctx.Err(), errf(diag.Internal, "server.drain", "%d requests still in flight", n))
		}
	}
}

// enter counts a request in flight; it fails while draining.
func (s *Server) enter() error {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	if s.draining.Load() {
		return withRetry(&diag.Error{Kind: diag.Usage, Rule: "server.draining",
			Msg: "the server is shutting down and takes no new requests", Hint: "retry on another replica"}, time.Second)
	}
	if s.inflight == 0 {
		s.idle = make(chan struct{})
	}
	s.inflight++
	return nil
}

func (s *Server) leave() {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	s.inflight--
	if s.inflight == 0 {
		close(s.idle)
	}
}

// MetricsHandler serves the Prometheus metrics; mount it on its own
// listener (the metrics are for operators, not for tenants).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// LoadRepository loads every model of a repository (layout in
// docs/SERVING.md: <model>/config.yaml, <model>/<version>/model.mlir) and
// keeps fsys for later load and unload calls. Models that fail to load are
// listed in the index as UNAVAILABLE with the reason; the returned error
// joins their errors (nil when all loaded). The server is ready afterwards,
// serving the models that loaded.
func (s *Server) LoadRepository(fsys fs.FS) error {
	err := s.loadRepository(fsys)
	s.ready.Store(true)
	return err
}

// ExampleRequest returns a valid JSON inference request body for a model
// visible to t (nil: a shared model): zeros of the right datatypes and shapes (a dimension that
// may take any size gets 1). `hlogate serve` prints it as a curl command.
func (s *Server) ExampleRequest(t *Tenant, name string) ([]byte, error) {
	if t == nil {
		t = sharedView
	}
	v, err := s.repo.resolve(t, name, "")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(`{"inputs":[`)
	for i, in := range v.inputs {
		if i > 0 {
			b.WriteByte(',')
		}
		n := int64(1)
		shape := make([]string, len(in.Shape))
		for k, d := range in.Shape {
			if d < 0 {
				d = 1
			}
			n *= d
			shape[k] = strconv.FormatInt(d, 10)
		}
		if n > 1<<16 {
			return nil, errf(diag.Usage, "example.size", "the model's inputs are too large for an example request")
		}
		zeros := strings.TrimSuffix(strings.Repeat("0,", int(n)), ",")
		fmt.Fprintf(&b, `{"name":%q,"shape":[%s],"datatype":%q,"data":[%s]}`, in.Name, strings.Join(shape, ","), in.Datatype, zeros)
	}
	b.WriteString(`]}`)
	return []byte(b.String()), nil
}

// sharedView sees the shared models only (its name is no tenant's).
var sharedView = &Tenant{Name: "\x00shared"}

// Models lists the names of the models visible to t that are ready,
// sorted; for t nil, the shared models.
func (s *Server) Models(t *Tenant) []string {
	if t == nil {
		t = sharedView
	}
	var out []string
	for _, e := range s.index(t, true) {
		if len(out) == 0 || out[len(out)-1] != e.Name {
			out = append(out, e.Name)
		}
	}
	return out
}

// workerStats reads the executor's worker counters (zeros in process).
func (s *Server) workerStats() WorkerStats {
	if ws, ok := s.exec.(workerStatser); ok {
		return ws.WorkerStats()
	}
	return WorkerStats{}
}
