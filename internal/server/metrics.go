package server

import (
	"github.com/hlogate/hlogate/internal/sandbox"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in base units, on a
// registry of their own. Label values are bounded: model is a repository
// model's name, "_tenant_program" for tenants' programs and "_unknown"
// when no model was resolved; tenant is a name from the tenants file (or
// "anonymous", or "" before authentication); code is an HTTP status; rule
// is a diag rule name (a fixed set in the code); kind an anomaly kind.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	rejections   *prometheus.CounterVec
	reqDur       *prometheus.HistogramVec
	queueDur     *prometheus.HistogramVec
	computeDur   *prometheus.HistogramVec
	inflight     prometheus.Gauge
	running      prometheus.Gauge
	queueDepth   prometheus.Gauge
	estFLOPs     *prometheus.CounterVec
	obsFLOPs     *prometheus.CounterVec
	estMemory    *prometheus.HistogramVec
	obsRatio     *prometheus.HistogramVec
	anomalies    *prometheus.CounterVec
	modelsLoaded prometheus.Gauge
}

// newMetrics builds the metrics; quarantined and throttled are read when
// scraped.
func newMetrics(quarantined, throttled func() float64, workers func() WorkerStats) *metrics {
	reg := prometheus.NewRegistry()
	durBuckets := prometheus.ExponentialBuckets(0.0005, 2, 16) // 0.5ms .. 16s
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hlogate_requests_total",
			Help: "Requests handled (inference, load, unload), by model, tenant and HTTP status code."}, []string{"model", "tenant", "code"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hlogate_rejections_total",
			Help: "Requests refused or stopped, by model, tenant and the rule that refused them."}, []string{"model", "tenant", "rule"}),
		reqDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hlogate_request_duration_seconds",
			Help: "Time from the start of admission to the answer.", Buckets: durBuckets}, []string{"model"}),
		queueDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hlogate_queue_duration_seconds",
			Help: "Time requests waited for an execution slot.", Buckets: durBuckets}, []string{"model"}),
		computeDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hlogate_compute_duration_seconds",
			Help: "Time spent executing programs.", Buckets: durBuckets}, []string{"model"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hlogate_inflight_requests",
			Help: "Inference requests being admitted, queued or executed."}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hlogate_executing_requests",
			Help: "Requests holding an execution slot."}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hlogate_queue_depth",
			Help: "Requests waiting for an execution slot."}),
		estFLOPs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hlogate_cost_estimated_flops_total",
			Help: "FLOPs charged to tenants by static cost (the bound, or the limit for unbounded programs)."}, []string{"model"}),
		obsFLOPs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hlogate_cost_observed_flops_total",
			Help: "FLOPs the executor metered."}, []string{"model"}),
		estMemory: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hlogate_cost_estimated_peak_memory_bytes",
			Help: "Static bound on peak live memory of admitted requests.", Buckets: prometheus.ExponentialBuckets(1024, 4, 12)}, []string{"model"}),
		obsRatio: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hlogate_cost_observed_to_bound_ratio",
			Help:    "Observed cost divided by the static bound, by resource (flops, memory, steps); above 1 means the bound was wrong.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.0001, 2}}, []string{"model", "resource"}),
		anomalies: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hlogate_anomalies_total",
			Help: "Anomalies detected, by kind (cost_over_bound, rejection_burst, cost_spike, latency_drift)."}, []string{"kind"}),
		modelsLoaded: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hlogate_model_versions_loaded",
			Help: "Model versions being served."}),
	}
	reg.MustRegister(m.requests, m.rejections, m.reqDur, m.queueDur, m.computeDur, m.inflight, m.running, m.queueDepth,
		m.estFLOPs, m.obsFLOPs, m.estMemory, m.obsRatio, m.anomalies, m.modelsLoaded)
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hlogate_quarantined_programs",
			Help: "Program versions quarantined because an observed cost exceeded the static bound."}, quarantined),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hlogate_throttled_tenants",
			Help: "Tenants throttled for a cool-down after an anomaly."}, throttled))
	reg.MustRegister(&workerCollector{stats: workers})
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "hlogate_build_info", Help: "Build information.",
		ConstLabels: prometheus.Labels{"version": Version}})
	info.Set(1)
	reg.MustRegister(info, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// workerCollector exports the sandbox worker pool's counters, read when
// scraped: all zero when requests execute in process.
type workerCollector struct {
	stats func() WorkerStats
}

var (
	workersLiveDesc = prometheus.NewDesc("hlogate_sandbox_workers",
		"Sandboxed worker processes alive (0 when requests execute in process).", nil, nil)
	workerStartsDesc = prometheus.NewDesc("hlogate_sandbox_worker_starts_total",
		"Sandboxed worker processes started.", nil, nil)
	workerExitsDesc = prometheus.NewDesc("hlogate_sandbox_worker_exits_total",
		"Sandboxed worker processes that left the pool, by reason: recycled (request count, memory or CPU time), single_use (ran a tenant's own program), crashed, killed (cgroup OOM, seccomp, RLIMIT_CPU), deadline, cancelled, closed.",
		[]string{"reason"}, nil)
	workerCPUDesc = prometheus.NewDesc("hlogate_sandbox_worker_cpu_seconds_total",
		"CPU time the sandboxed workers reported using (their starts included), up to each one's last answered request.", nil, nil)
	workerSharedDesc = prometheus.NewDesc("hlogate_sandbox_shared_frames_total",
		"Request and response frames whose tensors crossed between the server and a worker in shared memory rather than through a pipe.", nil, nil)
	workerWarmedDesc = prometheus.NewDesc("hlogate_sandbox_warmed_programs_total",
		"Programs compiled into replacement workers before they took requests (the programs of the latest shared-worker requests).", nil, nil)
)

func (c *workerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- workersLiveDesc
	ch <- workerStartsDesc
	ch <- workerExitsDesc
	ch <- workerCPUDesc
	ch <- workerSharedDesc
	ch <- workerWarmedDesc
}

func (c *workerCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(workersLiveDesc, prometheus.GaugeValue, float64(st.Live))
	ch <- prometheus.MustNewConstMetric(workerStartsDesc, prometheus.CounterValue, float64(st.Starts))
	for _, r := range sandbox.ExitReasons {
		ch <- prometheus.MustNewConstMetric(workerExitsDesc, prometheus.CounterValue, float64(st.Exits[r]), r)
	}
	ch <- prometheus.MustNewConstMetric(workerCPUDesc, prometheus.CounterValue, st.CPU.Seconds())
	ch <- prometheus.MustNewConstMetric(workerSharedDesc, prometheus.CounterValue, float64(st.SharedFrames))
	ch <- prometheus.MustNewConstMetric(workerWarmedDesc, prometheus.CounterValue, float64(st.Warmed))
}
