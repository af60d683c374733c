package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/models"
)

func TestEWMARejectionThrottle(t *testing.T) {
	cfg := AnomalyConfig{Window: 10 * time.Second, MinWindows: 3, MinRejections: 5, Factor: 10, Cooldown: time.Minute}.withDefaults()
	d := newDetector(cfg, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// A baseline of one rejection per window.
	for w := 0; w < 5; w++ {
		d.observeTenant("alice", now, true, 0)
		d.observeTenant("alice", now, false, 0)
		now = now.Add(cfg.Window)
	}
	if d.throttled("alice", now) != 0 {
		t.Fatal("throttled on its baseline")
	}
	// Nine rejections: over the floor, but under 10x the average (1).
	for i := 0; i < 9; i++ {
		d.observeTenant("alice", now, true, 0)
	}
	if d.throttled("alice", now) != 0 {
		t.Fatal("throttled below factor x baseline")
	}
	// Two more: 11 > 10x1.
	d.observeTenant("alice", now, true, 0)
	d.observeTenant("alice", now, true, 0)
	if got := d.throttled("alice", now); got != cfg.Cooldown {
		t.Fatalf("throttled for %v, want the cool-down %v", got, cfg.Cooldown)
	}
	if d.throttled("bob", now) != 0 {
		t.Fatal("another tenant is throttled")
	}
	as := d.list()
	if len(as) != 1 || as[0].Kind != AnomalyRejectionBurst || as[0].Tenant != "alice" || as[0].Action != "throttle" || as[0].Baseline != 1 {
		t.Fatalf("anomalies %+v", as)
	}
	// The burst window does not raise the baseline, and the throttle ends.
	now = now.Add(cfg.Cooldown)
	if d.throttled("alice", now) != 0 {
		t.Fatal("still throttled after the cool-down")
	}
	d.observeTenant("alice", now, false, 0)
	if tr := d.tenants["alice"]; tr.rejAvg > 1.0001 {
		t.Fatalf("the attack moved the baseline to %v", tr.rejAvg)
	}
	// A tenant without history is never throttled (MinWindows).
	fresh := newDetector(cfg, nil)
	for i := 0; i < 100; i++ {
		fresh.observeTenant("new", now, true, 0)
	}
	if fresh.throttled("new", now) != 0 {
		t.Fatal("a tenant without a baseline was throttled")
	}
}

func TestEWMACostSpike(t *testing.T) {
	cfg := AnomalyConfig{Window: time.Second, MinWindows: 2, MinFLOPs: 1000, Factor: 5, Cooldown: 30 * time.Second}.withDefaults()
	d := newDetector(cfg, nil)
	now := time.Unix(0, 0)
	for w := 0; w < 4; w++ {
		d.observeTenant("t", now, false, 500)
		now = now.Add(time.Second)
	}
	d.observeTenant("t", now, false, 2000) // 2000 < 5x500
	if d.throttled("t", now) != 0 {
		t.Fatal("throttled under the factor")
	}
	d.observeTenant("t", now, false, 1000) // 3000 > 2500
	if d.throttled("t", now) == 0 {
		t.Fatal("cost spike not throttled")
	}
	if as := d.list(); len(as) != 1 || as[0].Kind != AnomalyCostSpike {
		t.Fatalf("anomalies %+v", as)
	}
	// A long idle gap decays the averages without looping per window.
	now = now.Add(1000 * time.Hour)
	d.observeTenant("t", now, false, 0)
	if tr := d.tenants["t"]; tr.flopAvg > 1 || tr.start.After(now) {
		t.Fatalf("after a long gap: avg %v start %v", tr.flopAvg, tr.start)
	}
}

// TestThrottleEndToEnd: a tenant's burst of rejections gets it 429s with
// Retry-After for the cool-down, visible in the metrics, the audit log and
// the admin endpoint.
func TestThrottleEndToEnd(t *testing.T) {
	e := newEnv(t, envOpts{cfg: func(c *Config) {
		c.Anomaly = AnomalyConfig{Window: 10 * time.Second, MinWindows: 3, MinRejections: 5, Cooldown: time.Minute}
	}})
	for w := 0; w < 4; w++ {
		wantStatus(t, e.infer("affine", "key-bob", affineBody()), 200, "")
		wantStatus(t, e.infer("nope", "key-bob", affineBody()), 404, "")
		e.clock.Advance(10 * time.Second)
	}
	for i := 0; i < 11; i++ {
		wantStatus(t, e.infer("nope", "key-bob", affineBody()), 404, "")
	}
	r := e.infer("affine", "key-bob", affineBody())
	wantStatus(t, r, 429, "tenant.throttled")
	if r.header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want the cool-down", r.header.Get("Retry-After"))
	}
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	met := e.scrape()
	for _, want := range []string{`hlogate_anomalies_total{kind="rejection_burst"} 1`, `hlogate_throttled_tenants 1`} {
		if !strings.Contains(met, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(met, "anomal", "throttled"))
		}
	}
	if !strings.Contains(e.audit.String(), `"msg":"anomaly","event":"anomaly","kind":"rejection_burst","action":"throttle"`) {
		t.Errorf("audit log lacks the anomaly:\n%s", grep(e.audit.String(), "anomaly"))
	}
	r = e.do("GET", "/v2/admin/anomalies", "key-root", nil, nil)
	wantStatus(t, r, 200, "")
	if !strings.Contains(string(r.body), `"kind":"rejection_burst","tenant":"bob"`) {
		t.Fatalf("admin anomalies: %s", r.body)
	}
	e.clock.Advance(time.Minute)
	wantStatus(t, e.infer("affine", "key-bob", affineBody()), 200, "")
	if met := e.scrape(); !strings.Contains(met, "hlogate_throttled_tenants 0") {
		t.Errorf("throttle gauge did not drop:\n%s", grep(met, "throttled"))
	}
}

// TestObservedOverBoundQuarantines: a run that meters more than the
// static bound quarantines the program version until it is reloaded.
func TestObservedOverBoundQuarantines(t *testing.T) {
	e := newEnv(t, envOpts{})
	alice, err := e.s.Authenticate("key-alice")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.s.repo.resolve(alice, "affine", "")
	if err != nil {
		t.Fatal(err)
	}
	rep := v.static
	// Within the bound: nothing happens.
	if a := e.s.anom.observeRun(v, rep, exec.Stats{FLOPs: rep.FLOPs.Max, PeakMemory: rep.PeakMemory, Steps: rep.Steps.Max}, e.clock.Now()); a != nil {
		t.Fatalf("anomaly within the bound: %+v", a)
	}
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	// One FLOP over.
	a := e.s.anom.observeRun(v, rep, exec.Stats{FLOPs: rep.FLOPs.Max + 1}, e.clock.Now())
	if a == nil || a.Kind != AnomalyCostOverBound || a.Action != "quarantine" || a.Model != "affine" {
		t.Fatalf("anomaly %+v", a)
	}
	r := e.infer("affine", "key-alice", affineBody())
	wantStatus(t, r, 503, "model.quarantined")
	r = e.do("GET", "/v2/models/affine/ready", "key-alice", nil, nil)
	if r.status != 503 || r.json(t)["ready"] != false {
		t.Fatalf("quarantined model ready: %d %s", r.status, r.body)
	}
	// Other models are unaffected.
	wantStatus(t, e.infer("secret", "key-alice", affineBody()), 200, "")
	r = e.do("POST", "/v2/repository/index", "key-alice", nil, nil)
	if !strings.Contains(string(r.body), `"name":"affine","version":"1","state":"QUARANTINED"`) {
		t.Fatalf("index: %s", r.body)
	}
	met := e.scrape()
	for _, want := range []string{`hlogate_anomalies_total{kind="cost_over_bound"} 1`, `hlogate_quarantined_programs 1`} {
		if !strings.Contains(met, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.Contains(e.audit.String(), `"kind":"cost_over_bound","action":"quarantine"`) {
		t.Errorf("audit log lacks the quarantine")
	}
	r = e.do("GET", "/v2/admin/anomalies", "key-root", nil, nil)
	var got struct{ Anomalies []Anomaly }
	if err := json.Unmarshal(r.body, &got); err != nil || len(got.Anomalies) != 1 || got.Anomalies[0].Kind != AnomalyCostOverBound {
		t.Fatalf("admin anomalies: %v %s", err, r.body)
	}
	// The administrator reloads the model; it serves again.
	wantStatus(t, e.do("POST", "/v2/repository/models/affine/load", "key-root", nil, nil), 200, "")
	wantStatus(t, e.infer("affine", "key-alice", affineBody()), 200, "")
	if met := e.scrape(); !strings.Contains(met, "hlogate_quarantined_programs 0") {
		t.Error("quarantine gauge did not drop after the reload")
	}
}

func TestLatencyDrift(t *testing.T) {
	d := newDetector(AnomalyConfig{LatencyMinSamples: 20, Cooldown: time.Minute}.withDefaults(), nil)
	v := &version{model: &model{name: "m"}, label: "1", hash: strings.Repeat("ab", 32)}
	now := time.Unix(0, 0)
	for i := 0; i < 100; i++ {
		d.observeLatency(v, 0.01, now)
	}
	if len(d.list()) != 0 {
		t.Fatal("drift on a steady latency")
	}
	for i := 0; i < 10; i++ {
		d.observeLatency(v, 0.2, now)
	}
	as := d.list()
	if len(as) != 1 || as[0].Kind != AnomalyLatencyDrift || as[0].Action != "alert" || as[0].Model != "m" {
		t.Fatalf("anomalies %+v", as)
	}
	// One alert per cool-down.
	for i := 0; i < 10; i++ {
		d.observeLatency(v, 0.5, now)
	}
	if len(d.list()) != 1 {
		t.Fatal("repeated alerts within the cool-down")
	}
	// The record list is bounded.
	small := newDetector(AnomalyConfig{MaxRecords: 3}.withDefaults(), nil)
	for i := 0; i < 10; i++ {
		small.addLocked(Anomaly{Detail: fmt.Sprint(i)})
	}
	if l := small.list(); len(l) != 3 || l[0].Detail != "7" {
		t.Fatalf("records %+v", l)
	}
}

func modelsRepositoryTest(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadRepository(models.FS); err != nil {
		t.Fatalf("the embedded repository does not load: %v", err)
	}
	names := s.Models(nil)
	if len(names) == 0 {
		t.Fatal("no models")
	}
	h := newEnvFor(t, s)
	for _, n := range names {
		body, err := fs.ReadFile(models.Examples, n+".json")
		if err != nil {
			// No shipped example: zeros of the right shapes.
			if body, err = s.ExampleRequest(nil, n); err != nil {
				t.Fatal(err)
			}
		}
		wantStatus(t, h.infer(n, "", string(body)), 200, "")
		ex, err := s.ExampleRequest(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, h.infer(n, "", string(ex)), 200, "")
	}
}
