package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/grpcsrv"
	"github.com/hlogate/hlogate/models"
)

const serveExamples = `  hlogate serve                                  # the built-in example models on :8000
  hlogate serve --repo ./models --tenants tenants.yaml --policy policy.json
  hlogate serve --http 127.0.0.1:8000 --metrics 127.0.0.1:8002 --max-flops 1e10 --timeout 5s
  hlogate serve --tenants tenants.yaml --allow-tenant-programs
  hlogate serve --isolation=process --workers 8 --worker-memory 4GiB
  hlogate serve --isolation=none                 # execute in the server process
`

// serveLimits are the server's limits: defaults for every model, caps for
// every tenant (docs/SERVING.md).
type serveLimits struct {
	memory, output, input, source byteSize
	flops, steps                  count
	timeout                       time.Duration
}

func addServeLimitFlags(fset *flag.FlagSet) *serveLimits {
	d := server.DefaultLimits()
	l := &serveLimits{memory: byteSize(d.MaxMemory), output: byteSize(d.MaxOutput), input: byteSize(d.MaxInput),
		source: byteSize(d.MaxSource), flops: count(d.MaxFLOPs), steps: count(d.MaxSteps), timeout: d.Timeout}
	fset.Var(&l.memory, "max-memory", "most memory one request's live tensors may hold, inputs and bound weights included")
	fset.Var(&l.flops, "max-flops", "most FLOPs one request may take")
	fset.Var(&l.steps, "max-steps", "most loop iterations plus region and function calls of one request")
	fset.Var(&l.output, "max-output", "largest total output of one request")
	fset.Var(&l.input, "max-input", "largest total decoded input of one request")
	fset.Var(&l.source, "max-source", "largest program a tenant may submit")
	fset.DurationVar(&l.timeout, "timeout", d.Timeout, "deadline of one request, queueing included; clients may only lower it")
	return l
}

func (l *serveLimits) limits() server.Limits {
	return server.Limits{MaxMemory: int64(l.memory), MaxFLOPs: int64(l.flops), MaxSteps: int64(l.steps),
		MaxOutput: int64(l.output), MaxInput: int64(l.input), MaxSource: int64(l.source), Timeout: l.timeout}
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("serve", "hlogate serve [--repo DIR] [--tenants FILE] [--policy FILE] [flags]", serveExamples, stderr)
	repo := fset.String("repo", "", "model repository: <model>/config.yaml and <model>/<version>/model.mlir (default: the built-in example models)")
	httpAddr := fset.String("http", ":8000", "REST listen address (Open Inference Protocol v2)")
	grpcAddr := fset.String("grpc", ":8001", "gRPC listen address (inference.GRPCInferenceService); empty disables it")
	metricsAddr := fset.String("metrics", ":8002", "Prometheus /metrics listen address (a listener of its own); empty disables it")
	tenants := fset.String("tenants", "", "tenants file (YAML): API key hashes, limits, rates; without it every request is the anonymous tenant")
	policySpec := fset.String("policy", "default", "policy: a JSON file, or the built-in 'default'")
	allowPrograms := fset.Bool("allow-tenant-programs", false, "let tenants submit their own programs (POST /v2/repository/models/{m}/load with file: parameters)")
	maxBody := byteSize(32 << 20)
	fset.Var(&maxBody, "max-body", "largest REST request body or gRPC message")
	maxConc := fset.Int("max-concurrency", 0, "requests executing at once (default: the number of CPUs)")
	maxQueue := fset.Int("max-queue", 64, "requests waiting for a slot before the server answers 503")
	auditLog := fset.String("audit-log", "-", "audit log (JSON lines) file; '-' for standard error, 'off' to disable")
	drain := fset.Duration("drain-timeout", 30*time.Second, "on SIGTERM or SIGINT, how long in-flight requests may take to finish")
	exitOnError := fset.Bool("exit-on-error", true, "exit when a model of the repository fails to load (otherwise it is listed as UNAVAILABLE)")
	defaultIsolation := "none"
	if runtime.GOOS == "linux" {
		defaultIsolation = "process"
	}
	isolation := fset.String("isolation", defaultIsolation, "where programs execute: 'process' (a pool of sandboxed worker processes: namespaces, cgroups, rlimits, no_new_privs, seccomp; Linux) or 'none' (in the server process). By default the server falls back to 'none' with a warning when workers cannot start")
	engine := fset.String("engine", server.EnginePlan, "execution engine: 'plan' (the fast engine; what it cannot plan runs on the reference) or 'reference' (the simple, metered oracle)")
	workers := fset.Int("workers", 0, "sandboxed worker processes (default: --max-concurrency)")
	shareWorkers := fset.Bool("share-workers", false, "let tenants' own programs run in workers that serve other requests (faster; by default each such request gets a fresh worker, so no tenant's program shares a process with another request)")
	workerRequests := fset.Int("worker-requests", 1000, "requests a worker serves before it is replaced")
	var workerMemory byteSize
	fset.Var(&workerMemory, "worker-memory", "cgroup memory limit of each worker (default: 2 × --max-memory + 256MiB); a worker holding more than half of it after a request is replaced")
	workerShared := byteSize(4 << 20)
	fset.Var(&workerShared, "worker-shared-memory", "size of each of a worker's two shared-memory regions (requests, responses): tensors of a request or response that fits cross there instead of through the pipes; 0 sends everything through the pipes")
	lim := addServeLimitFlags(fset)
	pos, code := parseFlags(fset, args)
	if code >= 0 {
		return code
	}
	if len(pos) != 0 || (*isolation != "process" && *isolation != "none") || (*engine != server.EnginePlan && *engine != server.EngineReference) || *workers < 0 || *workerRequests < 0 || workerMemory < 0 || workerShared < 0 || workerShared > 1<<30 {
		fset.Usage()
		return 2
	}

	pol, err := loadPolicy(*policySpec)
	if err == nil {
		err = applyPolicyLimits(fset, pol)
	}
	if err != nil {
		return fail(stdout, stderr, false, err)
	}
	cfg := server.Config{
		Policy: pol, Limits: lim.limits(), AllowTenantPrograms: *allowPrograms,
		MaxBodyBytes: int64(maxBody), MaxConcurrency: *maxConc, MaxQueue: *maxQueue,
		Engine: *engine,
	}
	if *tenants != "" {
		tf, err := server.LoadTenants(*tenants)
		if err != nil {
			return fail(stdout, stderr, false, withFile(err, *tenants))
		}
		cfg.Tenants = tf
	}
	switch *auditLog {
	case "off", "":
	case "-":
		cfg.Audit = stderr
	default:
		f, err := os.OpenFile(*auditLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fail(stdout, stderr, false, ioError(err))
		}
		defer f.Close()
		cfg.Audit = f
	}
	isolationNote := "isolation: none (programs execute in the server process)"
	if *isolation == "process" {
		explicit := false
		fset.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "isolation" })
		pool, err := startPool(cfg, poolOptions{workers: *workers, requests: *workerRequests,
			memory: int64(workerMemory), shared: int64(workerShared)}, stderr)
		switch {
		case err == nil:
			defer pool.Close()
			cfg.Executor = &server.SandboxExecutor{Pool: pool, Engine: *engine, ShareWorkers: *shareWorkers}
			isolationNote = fmt.Sprintf("isolation: process (%d sandboxed workers: %s)", pool.Size(), pool.Layers())
		case explicit:
			return fail(stdout, stderr, false, diag.New(diag.Usage, "sandbox.start", diag.Pos{}, "--isolation=process: %v", diag.As(err).Msg).
				WithHint("run where namespaces and seccomp are allowed, or pass --isolation=none"))
		default:
			fmt.Fprintf(stderr, "hlogate serve: warning: sandboxed workers cannot start here (%s); programs will execute in the server process. Pass --isolation=none to silence this.\n", diag.As(err).Msg)
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		return fail(stdout, stderr, false, err)
	}

	var repoFS fs.FS = models.FS
	repoName := "the built-in example repository"
	if *repo != "" {
		st, err := os.Stat(*repo)
		if err != nil || !st.IsDir() {
			return fail(stdout, stderr, false, usageError("--repo %s is not a directory", *repo))
		}
		repoFS, repoName = os.DirFS(*repo), *repo
	}
	if err := srv.LoadRepository(repoFS); err != nil {
		fmt.Fprintf(stderr, "hlogate serve: some models did not load:\n%v\n", err)
		if *exitOnError {
			return diag.Rejected.ExitCode()
		}
	}

	// Listeners first, so that the addresses printed are the real ones.
	httpLn, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return fail(stdout, stderr, false, ioError(err))
	}
	httpSrv := newHTTPServer(srv.Handler())
	var metricsSrv *http.Server
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			httpLn.Close()
			return fail(stdout, stderr, false, ioError(err))
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		metricsSrv = newHTTPServer(mux)
	}
	grpcStop, grpcNote, err := startGRPC(srv, *grpcAddr)
	if err != nil {
		httpLn.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
		return fail(stdout, stderr, false, ioError(err))
	}

	// Signals first: whoever read the banner may stop the server at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(httpLn) }()
	if metricsSrv != nil {
		go func() { errc <- metricsSrv.Serve(metricsLn) }()
	}
	printBanner(stdout, srv, repoName, *repo == "", cfg.Tenants != nil, httpLn.Addr(), metricsLn, grpcNote+"\n  "+isolationNote+"\n  engine: "+*engine)

	rc := 0
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "hlogate serve: draining")
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "hlogate serve: %v\n", err)
			rc = 2
		}
	}
	dctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := srv.Shutdown(dctx); err != nil {
		fmt.Fprintf(stderr, "hlogate serve: %v\n", err)
		rc = 1
	}
	_ = httpSrv.Shutdown(dctx)
	if grpcStop != nil {
		grpcStop(dctx)
	}
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(dctx)
	}
	return rc
}

// poolOptions are serve's worker flags.
type poolOptions struct {
	workers, requests int
	memory, shared    int64
}

// startPool starts the sandboxed worker pool: workers (default: the
// execution slots), each with a cgroup memory limit of o.memory (default:
// 2 × the server's max memory + 256 MiB), replaced after o.requests
// requests, with shared-memory regions of o.shared bytes.
func startPool(cfg server.Config, o poolOptions, stderr io.Writer) (*sandbox.Pool, error) {
	workers, workerMemory := o.workers, o.memory
	lim := cfg.Limits
	if lim.MaxMemory <= 0 || lim.Timeout <= 0 {
		d := server.DefaultLimits()
		lim.MaxMemory, lim.Timeout = d.MaxMemory, d.Timeout
	}
	if workers <= 0 {
		workers = cfg.MaxConcurrency
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workerMemory <= 0 {
		workerMemory = 2*lim.MaxMemory + 256<<20
	}
	var once sync.Map
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = server.DefaultLimits().MaxOutput
	}
	return sandbox.NewPool(sandbox.PoolConfig{
		// A response holds the outputs (capped by --max-output) and small
		// headers; anything larger is a worker gone wrong.
		Config: sandbox.Config{MemoryBytes: workerMemory, MaxResponse: lim.MaxOutput + 16<<20, Warn: func(msg string) {
			if _, dup := once.LoadOrStore(msg, true); !dup {
				fmt.Fprintf(stderr, "hlogate serve: sandbox: %s\n", msg)
			}
		}},
		Workers: workers, MaxRequests: o.requests, MaxTimeout: lim.Timeout, SharedBytes: sharedBytes(o.shared),
	})
}

// sharedBytes maps --worker-shared-memory to PoolConfig.SharedBytes (0:
// none).
func sharedBytes(v int64) int {
	if v == 0 {
		return -1
	}
	return int(v)
}

// newHTTPServer sets the timeouts and header cap net/http leaves open.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// startGRPC starts the gRPC front end (inference.GRPCInferenceService) on
// addr, and returns the function that stops it gracefully.
func startGRPC(srv *server.Server, addr string) (func(context.Context), string, error) {
	if addr == "" {
		return nil, "gRPC:    disabled", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	gs := grpcsrv.NewServer(srv)
	go func() { _ = gs.Serve(ln) }()
	stop := func(ctx context.Context) {
		done := make(chan struct{})
		go func() { gs.GracefulStop(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			gs.Stop()
		}
	}
	return stop, "gRPC:    " + hostPort(ln.Addr()) + " (inference.GRPCInferenceService)", nil
}

// printBanner says where the server listens and prints a request to copy.
func printBanner(w io.Writer, srv *server.Server, repoName string, builtin, tenants bool, httpAddr net.Addr, metricsLn net.Listener, grpcNote string) {
	names := srv.Models(nil)
	base := "http://" + hostPort(httpAddr)
	fmt.Fprintf(w, "hlogate serve: %s\n", repoName)
	if len(names) > 0 {
		fmt.Fprintf(w, "  models: %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "  REST:    %s/v2\n", base)
	if metricsLn != nil {
		fmt.Fprintf(w, "  metrics: http://%s/metrics\n", hostPort(metricsLn.Addr()))
	}
	fmt.Fprintf(w, "  %s\n", grpcNote)
	auth := ""
	if tenants {
		auth = ` -H "Authorization: Bearer $HLOGATE_API_KEY"`
		fmt.Fprintln(w, "  tenants: API keys required (Authorization: Bearer KEY or X-API-Key)")
	}
	model, body := exampleFor(srv, names, builtin)
	if model == "" {
		fmt.Fprintf(w, "\nList your models:\n  curl -s -X POST%s %s/v2/repository/index\n", auth, base)
		return
	}
	fmt.Fprintf(w, "\nTry:\n  curl -s%s -H 'Content-Type: application/json' %s/v2/models/%s/infer -d '%s'\n", auth, base, model, body)
}

// exampleFor picks a model and a request body: the digits classifier's
// shipped example when serving the built-in repository, else zeros of the
// right shapes for the first model.
func exampleFor(srv *server.Server, names []string, builtin bool) (string, string) {
	if len(names) == 0 {
		return "", ""
	}
	if builtin {
		for _, n := range []string{"digits_mlp", names[0]} {
			if b, err := fs.ReadFile(models.Examples, n+".json"); err == nil && strings.Contains(strings.Join(names, ","), n) {
				return n, compactJSON(b)
			}
		}
	}
	for _, n := range names {
		if b, err := srv.ExampleRequest(nil, n); err == nil {
			return n, string(b)
		}
	}
	return "", ""
}

// compactJSON squeezes the whitespace out of a JSON text (no quote in the
// examples contains any).
func compactJSON(b []byte) string {
	var out strings.Builder
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"' && (i == 0 || b[i-1] != '\\'):
			inStr = !inStr
		case !inStr && (c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			continue
		case c == '\'':
			continue // cannot appear inside the shell's single quotes
		}
		out.WriteByte(c)
	}
	return out.String()
}

// hostPort prints a listen address as a client would dial it.
func hostPort(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
