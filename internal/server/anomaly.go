package server

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
)

// Anomaly kinds.
const (
	// AnomalyCostOverBound: a run metered more FLOPs, memory or steps than
	// the program's static bound. The bound is a proof obligation of the
	// cost model, so this is a bug or an attack on it: the program version
	// is quarantined (503) until an administrator reloads it.
	AnomalyCostOverBound = "cost_over_bound"
	// AnomalyRejectionBurst: a tenant's rejections in one window jumped far
	// above its own moving average. The tenant is throttled (429) for the
	// cool-down.
	AnomalyRejectionBurst = "rejection_burst"
	// AnomalyCostSpike: a tenant's charged FLOPs in one window jumped far
	// above its own moving average. Throttled likewise.
	AnomalyCostSpike = "cost_spike"
	// AnomalyLatencyDrift: a model's recent compute time drifted far above
	// its long-run average. Alert only.
	AnomalyLatencyDrift = "latency_drift"
)

// Anomaly is one detected anomaly, as GET /v2/admin/anomalies lists it and
// the audit log records it.
type Anomaly struct {
	Time     time.Time  `json:"time"`
	Kind     string     `json:"kind"`
	Tenant   string     `json:"tenant,omitempty"`
	Model    string     `json:"model,omitempty"`
	Version  string     `json:"version,omitempty"`
	Owner    string     `json:"owner,omitempty"`
	Action   string     `json:"action"` // quarantine, throttle, alert
	Until    *time.Time `json:"until,omitempty"`
	Observed float64    `json:"observed"`
	Baseline float64    `json:"baseline"` // the moving average, or the static bound
	Detail   string     `json:"detail"`
}

// AnomalyConfig tunes anomaly detection. Zero fields take the defaults in
// brackets.
type AnomalyConfig struct {
	// Window is the length of one sample of a tenant's rates [10s].
	Window time.Duration
	// Alpha is the weight of the newest window in the moving average [0.2].
	Alpha float64
	// Factor: a window more than Factor times the average is a spike [10].
	Factor float64
	// MinWindows: windows of history before spikes count [6].
	MinWindows int
	// MinRejections and MinFLOPs are floors: a window with fewer
	// rejections, or fewer charged FLOPs, is never a spike [20, 1e9].
	MinRejections float64
	MinFLOPs      float64
	// Cooldown is how long a throttle lasts [60s].
	Cooldown time.Duration
	// LatencyFactor, LatencyMinSamples: the fast average of a model's
	// compute time (weight 0.3) above LatencyFactor times the slow one
	// (weight 0.02), after LatencyMinSamples runs, is drift [3, 50].
	LatencyFactor     float64
	LatencyMinSamples int
	// LatencyMinSeconds: a fast average below it is never drift, however
	// it compares (sub-millisecond programs jitter under load) [0.05].
	LatencyMinSeconds float64
	// MaxRecords is how many anomalies are kept for the admin endpoint [256].
	MaxRecords int
}

func (c AnomalyConfig) withDefaults() AnomalyConfig {
	if c.Window <= 0 {
		c.Window = 10 * time.Second
	}
	if c.Alpha <= 0 || c.Alpha > 1 {
		c.Alpha = 0.2
	}
	if c.Factor <= 1 {
		c.Factor = 10
	}
	if c.MinWindows <= 0 {
		c.MinWindows = 6
	}
	if c.MinRejections <= 0 {
		c.MinRejections = 20
	}
	if c.MinFLOPs <= 0 {
		c.MinFLOPs = 1e9
	}
	if c.Cooldown <= 0 {
		c.Cooldown = 60 * time.Second
	}
	if c.LatencyFactor <= 1 {
		c.LatencyFactor = 3
	}
	if c.LatencyMinSamples <= 0 {
		c.LatencyMinSamples = 50
	}
	if c.LatencyMinSeconds <= 0 {
		c.LatencyMinSeconds = 0.05
	}
	if c.MaxRecords <= 0 {
		c.MaxRecords = 256
	}
	return c
}

// detector holds the moving averages.
type detector struct {
	cfg     AnomalyConfig
	s       *Server
	mu      sync.Mutex
	tenants map[string]*tenantRates
	latency map[*version]*latencyStats
	records []Anomaly
}

type tenantRates struct {
	start           time.Time // of the current window
	rej, flops      float64   // in the current window
	rejAvg, flopAvg float64
	windows         int
	flagged         bool // the current window already raised an anomaly
	until           time.Time
}

type latencyStats struct {
	fast, slow float64
	n          int
	quietUntil time.Time
}

func newDetector(cfg AnomalyConfig, s *Server) *detector {
	return &detector{cfg: cfg, s: s, tenants: map[string]*tenantRates{}, latency: map[*version]*latencyStats{}}
}

// throttled returns how long tenant stays throttled (0: not throttled).
func (d *detector) throttled(tenant string, now time.Time) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	tr := d.tenants[tenant]
	if tr == nil || !now.Before(tr.until) {
		return 0
	}
	return tr.until.Sub(now)
}

// roll closes the windows that ended before now.
func (d *detector) roll(tr *tenantRates, now time.Time) {
	if tr.start.IsZero() {
		tr.start = now
		return
	}
	a := d.cfg.Alpha
	for k := 0; !now.Before(tr.start.Add(d.cfg.Window)); k++ {
		if k >= 64 { // a long idle gap: decay the averages at once
			gap := int(now.Sub(tr.start) / d.cfg.Window)
			decay := math.Pow(1-a, float64(gap))
			tr.rejAvg *= decay
			tr.flopAvg *= decay
			tr.windows += gap
			tr.start = tr.start.Add(time.Duration(gap) * d.cfg.Window)
			continue
		}
		// A window that raised an anomaly does not move the baseline: an
		// attack must not teach the detector that attacks are normal.
		if !tr.flagged {
			if tr.windows == 0 {
				tr.rejAvg, tr.flopAvg = tr.rej, tr.flops
			} else {
				tr.rejAvg = a*tr.rej + (1-a)*tr.rejAvg
				tr.flopAvg = a*tr.flops + (1-a)*tr.flopAvg
			}
			tr.windows++
		}
		tr.rej, tr.flops, tr.flagged = 0, 0, false
		tr.start = tr.start.Add(d.cfg.Window)
	}
}

// observeTenant records one finished request of tenant: rejected or not,
// and the FLOPs charged to it.
func (d *detector) observeTenant(tenant string, now time.Time, rejected bool, flops float64) {
	if tenant == "" {
		return
	}
	d.mu.Lock()
	tr := d.tenants[tenant]
	if tr == nil {
		if len(d.tenants) > 100000 {
			d.mu.Unlock()
			return
		}
		tr = &tenantRates{}
		d.tenants[tenant] = tr
	}
	d.roll(tr, now)
	if rejected {
		tr.rej++
	}
	tr.flops += flops
	var found *Anomaly
	if tr.windows >= d.cfg.MinWindows && !tr.flagged {
		switch {
		case tr.rej >= d.cfg.MinRejections && tr.rej > d.cfg.Factor*tr.rejAvg:
			found = &Anomaly{Kind: AnomalyRejectionBurst, Observed: tr.rej, Baseline: tr.rejAvg,
				Detail: fmt.Sprintf("%.0f rejections in this %s window against an average of %.1f", tr.rej, d.cfg.Window, tr.rejAvg)}
		case tr.flops >= d.cfg.MinFLOPs && tr.flops > d.cfg.Factor*tr.flopAvg:
			found = &Anomaly{Kind: AnomalyCostSpike, Observed: tr.flops, Baseline: tr.flopAvg,
				Detail: fmt.Sprintf("%s FLOPs charged in this %s window against an average of %s", cost.FormatCount(int64(tr.flops)), d.cfg.Window, cost.FormatCount(int64(tr.flopAvg)))}
		}
	}
	if found != nil {
		tr.flagged = true
		tr.until = now.Add(d.cfg.Cooldown)
		until := tr.until
		found.Time, found.Tenant, found.Action, found.Until = now, tenant, "throttle", &until
		d.addLocked(*found)
	}
	d.mu.Unlock()
	if found != nil {
		d.report(*found)
	}
}

// observeRun compares a run's metered cost with the static bound it was
// admitted under; over the bound, the program version is quarantined. It
// returns the anomaly, or nil.
func (d *detector) observeRun(v *version, rep *cost.Report, st exec.Stats, now time.Time) *Anomaly {
	if rep == nil {
		return nil
	}
	var res string
	var obs, bound float64
	switch {
	case !rep.FLOPs.IsUnbounded() && st.FLOPs > rep.FLOPs.Max:
		res, obs, bound = "FLOPs", float64(st.FLOPs), float64(rep.FLOPs.Max)
	case rep.PeakMemory != cost.Unbounded && st.PeakMemory > rep.PeakMemory:
		res, obs, bound = "peak memory bytes", float64(st.PeakMemory), float64(rep.PeakMemory)
	case !rep.Steps.IsUnbounded() && st.Steps > rep.Steps.Max:
		res, obs, bound = "steps", float64(st.Steps), float64(rep.Steps.Max)
	default:
		return nil
	}
	a := Anomaly{Time: now, Kind: AnomalyCostOverBound, Model: v.model.name, Version: v.label, Owner: v.model.owner,
		Action: "quarantine", Observed: obs, Baseline: bound,
		Detail: fmt.Sprintf("a run metered %.0f %s, above the static bound of %.0f; program %s quarantined", obs, res, bound, v.hash[:12])}
	if !v.quarantine.CompareAndSwap(nil, &a) {
		return v.quarantine.Load() // already quarantined
	}
	d.mu.Lock()
	d.addLocked(a)
	d.mu.Unlock()
	d.report(a)
	return &a
}

// observeLatency feeds a model's compute time to its drift detector.
func (d *detector) observeLatency(v *version, seconds float64, now time.Time) {
	d.mu.Lock()
	ls := d.latency[v]
	if ls == nil {
		if len(d.latency) > 100000 {
			d.mu.Unlock()
			return
		}
		ls = &latencyStats{fast: seconds, slow: seconds}
		d.latency[v] = ls
	}
	ls.n++
	ls.fast = 0.3*seconds + 0.7*ls.fast
	ls.slow = 0.02*seconds + 0.98*ls.slow
	var found *Anomaly
	if ls.n >= d.cfg.LatencyMinSamples && ls.fast > d.cfg.LatencyMinSeconds && ls.fast > d.cfg.LatencyFactor*ls.slow && !now.Before(ls.quietUntil) {
		ls.quietUntil = now.Add(d.cfg.Cooldown)
		found = &Anomaly{Time: now, Kind: AnomalyLatencyDrift, Model: v.model.name, Version: v.label, Owner: v.model.owner,
			Action: "alert", Observed: ls.fast, Baseline: ls.slow,
			Detail: fmt.Sprintf("recent compute time %.4fs against a long-run average of %.4fs", ls.fast, ls.slow)}
		d.addLocked(*found)
	}
	d.mu.Unlock()
	if found != nil {
		d.report(*found)
	}
}

// forget drops the state of a version that is no longer served.
func (d *detector) forget(v *version) {
	d.mu.Lock()
	delete(d.latency, v)
	d.mu.Unlock()
}

func (d *detector) addLocked(a Anomaly) {
	d.records = append(d.records, a)
	if over := len(d.records) - d.cfg.MaxRecords; over > 0 {
		d.records = append(d.records[:0:0], d.records[over:]...)
	}
}

func (d *detector) list() []Anomaly {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Anomaly{}, d.records...)
}

// throttledCount counts tenants throttled at now.
func (d *detector) throttledCount(now time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, tr := range d.tenants {
		if now.Before(tr.until) {
			n++
		}
	}
	return n
}

// report makes an anomaly visible in the metrics and the audit log.
func (d *detector) report(a Anomaly) {
	s := d.s
	if s == nil {
		return
	}
	s.metrics.anomalies.WithLabelValues(a.Kind).Inc()
	attrs := []any{"event", "anomaly", "kind", a.Kind, "action", a.Action, "observed", a.Observed, "baseline", a.Baseline, "detail", a.Detail}
	if a.Tenant != "" {
		attrs = append(attrs, "tenant", a.Tenant)
	}
	if a.Model != "" {
		attrs = append(attrs, "model", a.Model, "version", a.Version, "owner", a.Owner)
	}
	if a.Until != nil {
		attrs = append(attrs, "until", a.Until.UTC().Format(time.RFC3339))
	}
	s.audit.Warn("anomaly", attrs...)
}
