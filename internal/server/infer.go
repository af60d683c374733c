package server

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hlogate/hlogate/internal/sandbox"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/refine"
	"github.com/hlogate/hlogate/tensor"
)

// Caps on the shape of a request, whatever its byte size.
const (
	maxRequestTensors = 1024
	maxRank           = 16
	maxDim            = 1 << 40
)

// Infer runs one inference request for tenant t. In order:
//
//  1. draining (503), throttled tenant (429), request rate (429);
//  2. the model and version visible to t (404), not quarantined (503);
//  3. the inputs against the signature — names, datatypes, ranks and
//     dimensions, byte sizes, the input cap (400, 413) — then their data;
//  4. the static cost for these shapes (refining a shape-polymorphic
//     program, cached per signature) against the limits of the model and
//     the tenant (422);
//  5. the tenant's token buckets, charged by static cost (429);
//  6. a slot in the bounded queues, within the deadline (429, 503, 504);
//  7. execution under the run-time meters (422, 504), and the observed
//     cost checked against the static bound (anomaly: quarantine).
//
// The deadline is the smallest of the limits' timeout, req.Timeout, the
// "timeout" parameter (µs) and ctx's own.
func (s *Server) Infer(ctx context.Context, t *Tenant, req *InferRequest) (resp *InferResponse, err error) {
	rec := &record{event: "infer", tenant: tenantName(t), model: "_unknown", start: time.Now()}
	defer func() { s.finish(rec, err) }()
	defer func() {
		// Defense in depth: a bug in a kernel must not take the process
		// (and every other tenant's requests) down.
		if p := recover(); p != nil {
			resp, err = nil, errf(diag.Internal, "internal.panic", "execution failed: %v", p)
		}
	}()
	if t == nil {
		return nil, errUnauthenticated(true)
	}
	if req == nil {
		return nil, errf(diag.InvalidInput, "request.empty", "no request")
	}
	rec.reqID = clip(req.ID, 128)
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	s.metrics.inflight.Inc()
	defer s.metrics.inflight.Dec()

	now := s.now()
	if w := s.anom.throttled(t.Name, now); w > 0 {
		rec.throttled = true
		return nil, withRetry(errf(diag.Usage, "tenant.throttled",
			"this API key is throttled for %s after an anomaly in its traffic", w.Round(time.Second)), w)
	}
	if w := t.buckets.takeRequest(now); w > 0 {
		return nil, withRetry(errf(diag.Usage, "quota.requests", "the request rate of this API key is over its limit"), w)
	}
	v, err := s.repo.resolve(t, req.ModelName, req.ModelVersion)
	if err != nil {
		rec.requested = clip(req.ModelName, 128)
		return nil, err
	}
	rec.setVersion(v)
	if q := v.quarantine.Load(); q != nil {
		return nil, errf(diag.Usage, "model.quarantined",
			"this model version is quarantined: a run exceeded its static cost bound; the operator must reload it")
	}
	lim := v.limits.tighten(t.limits)

	inputs, inBytes, err := decodeInputs(v, req, lim)
	rec.inBytes = inBytes
	if err != nil {
		return nil, err
	}
	sel, bin, err := selectOutputs(v, req)
	if err != nil {
		return nil, err
	}
	args := make([]*tensor.Tensor, 0, len(v.bound)+len(inputs))
	args = append(append(args, v.bound...), inputs...)
	mod, fn, rep, rin, err := s.costFor(v, args)
	if err != nil {
		return nil, programErr(err, v)
	}
	rec.rep = rep
	if err := rep.Admit(lim.budget()); err != nil {
		return nil, programErr(err, v)
	}
	ch := chargeFor(rep, lim, t)
	if ch.flops > t.rates.flopsBurst || ch.bytes > t.rates.bytesBurst {
		return nil, errf(diag.Rejected, "quota.burst",
			"the request's static cost (%s FLOPs, %s moved) is more than this API key's bucket can ever hold (%s FLOPs, %s)",
			cost.FormatCount(int64(ch.flops)), cost.FormatBytes(int64(ch.bytes)),
			cost.FormatCount(int64(t.rates.flopsBurst)), cost.FormatBytes(int64(t.rates.bytesBurst))).
			WithHint("send smaller inputs, or ask the operator for a larger burst")
	}
	if which, w := t.buckets.take(ch, now); which != "" {
		return nil, withRetry(errf(diag.Usage, "quota."+which,
			"the %s quota of this API key is used up for now", which), w)
	}
	rec.charge, rec.charged = ch, true

	timeout := lim.Timeout
	if req.Timeout > 0 && req.Timeout < timeout {
		timeout = req.Timeout
	}
	if us, ok := paramInt(req.Parameters, "timeout"); ok && us > 0 && us < math.MaxInt64/1000 {
		if d := time.Duration(us) * time.Microsecond; d < timeout {
			timeout = d
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	release, waited, err := s.sched.acquire(ctx, t, s)
	rec.queue, rec.queued = waited, true
	if err != nil {
		return nil, err
	}
	defer release() // after a panic too; release is idempotent
	if s.hooks.beforeExec != nil {
		s.hooks.beforeExec(v.model.name)
	}
	cstart := time.Now()
	job := &ExecJob{Program: v.prog, Module: mod, Func: fn, Refine: rin, Args: args, Limits: lim.execLimits(),
		Timeout: timeout, RequestID: rec.reqID, Tenant: rec.tenant, Untrusted: v.model.key.ns != ""}
	outs, st, err := s.exec.Execute(ctx, job)
	release()
	rec.compute, rec.stats = time.Since(cstart), &st
	if job.WorkerExit != "" && job.WorkerExit != sandbox.ExitRecycled {
		rec.worker, rec.workerExit = job.Worker, job.WorkerExit
	}
	s.anom.observeRun(v, rep, st, s.now())
	if err != nil {
		return nil, programErr(err, v)
	}
	s.anom.observeLatency(v, rec.compute.Seconds(), s.now())

	resp = &InferResponse{ModelName: v.model.name, ModelVersion: v.label, ID: clip(req.ID, 256), release: job.Release}
	for i, k := range sel {
		o := outs[k]
		resp.Outputs = append(resp.Outputs, InferOutput{Name: v.outputs[k].Name, Datatype: DatatypeOf(o.DType),
			Shape: append([]int64{}, o.Shape...), Tensor: o, Binary: bin[i]})
	}
	return resp, nil
}

// programErr labels an error about the program with the model's name
// (never a repository path).
func programErr(err error, v *version) error {
	d := diag.As(err)
	c := *d
	if c.File != "" || c.Pos.Known() {
		c.File = v.model.name
	}
	if strings.HasPrefix(c.Rule, "cost.") || (c.Kind == diag.Limit && c.Rule != "limit.deadline" && c.Rule != "limit.cancelled") {
		// The CLI's hint names its flags; here the limits are the model's
		// and the API key's.
		c.Hint = "the model's and this API key's limits do not allow it; send smaller inputs or ask the operator"
	}
	return &c
}

// chargeFor is what a request costs in the token buckets: the static
// bound; for a program whose bound is unknown (a data-dependent loop), the
// bound from the limits: max_flops, which the FLOP meter enforces, and
// max_memory for bytes (bytes moved have no run-time meter; the deadline
// and the concurrency caps bound the rest). Neither is more than the
// bucket's burst.
func chargeFor(rep *cost.Report, lim Limits, t *Tenant) charge {
	var c charge
	if rep.FLOPs.IsUnbounded() {
		c.flops = math.Min(float64(lim.MaxFLOPs), t.rates.flopsBurst)
	} else {
		c.flops = float64(rep.FLOPs.Max)
	}
	if b := rep.BytesRead.Add(rep.BytesWritten); b.IsUnbounded() {
		c.bytes = math.Min(float64(lim.MaxMemory), t.rates.bytesBurst)
	} else {
		c.bytes = float64(b.Max)
	}
	return c
}

// decodeInputs checks the request's inputs against the signature before
// decoding any data, then decodes them. It returns the tensors in argument
// order and their total byte size.
func decodeInputs(v *version, req *InferRequest, lim Limits) ([]*tensor.Tensor, int64, error) {
	if len(req.Inputs) > maxRequestTensors {
		return nil, 0, errf(diag.InvalidInput, "request.input", "the request has %d inputs; the model takes %d", len(req.Inputs), len(v.inputs))
	}
	if len(req.Inputs) != len(v.inputs) {
		return nil, 0, errf(diag.InvalidInput, "request.input", "the model takes %d inputs (%s), the request has %d",
			len(v.inputs), inputNames(v), len(req.Inputs))
	}
	pos := make(map[string]int, len(v.inputs))
	for i, m := range v.inputs {
		pos[m.Name] = i
	}
	order := make([]int, len(req.Inputs))
	sizes := make([]int64, len(req.Inputs))
	seen := make([]bool, len(v.inputs))
	var total int64
	for j, in := range req.Inputs {
		k, ok := pos[in.Name]
		if !ok {
			return nil, 0, errf(diag.InvalidInput, "request.input", "unexpected input %q: the model takes %s", clip(in.Name, 64), inputNames(v))
		}
		if seen[k] {
			return nil, 0, errf(diag.InvalidInput, "request.input", "input %q is given twice", in.Name)
		}
		seen[k] = true
		order[j] = k
		want := v.inputs[k]
		dt, ok := DTypeOf(in.Datatype)
		switch {
		case in.Datatype == "BYTES":
			return nil, 0, errf(diag.InvalidInput, "request.datatype", "input %q: BYTES tensors are not supported; the model expects %s", in.Name, want.Datatype)
		case !ok || dt != v.inDTypes[k]:
			return nil, 0, errf(diag.InvalidInput, "request.datatype", "input %q: datatype %q, the model expects %s", in.Name, clip(in.Datatype, 16), want.Datatype)
		}
		if err := checkShape(in.Name, in.Shape, want.Shape); err != nil {
			return nil, 0, err
		}
		size, err := tensor.ByteSize(dt, in.Shape)
		if err != nil {
			return nil, 0, err
		}
		sizes[j] = size
		if total += size; total > lim.MaxInput || total < 0 {
			return nil, total, errf(diag.InvalidInput, "request.too_large", "the inputs hold more than %s, over the limit of %s",
				cost.FormatBytes(total), cost.FormatBytes(lim.MaxInput))
		}
	}
	out := make([]*tensor.Tensor, len(v.inputs))
	for j, in := range req.Inputs {
		t, err := decodeInput(in, v.inDTypes[order[j]], sizes[j])
		if err != nil {
			return nil, total, err
		}
		out[order[j]] = t
	}
	return out, total, nil
}

func inputNames(v *version) string {
	var b strings.Builder
	for i, m := range v.inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s%v", m.Name, m.Datatype, m.Shape)
	}
	return b.String()
}

func checkShape(name string, got, want []int64) error {
	if len(got) > maxRank || len(got) != len(want) {
		return errf(diag.InvalidInput, "request.shape", "input %q: shape has rank %d, the model expects %v", name, len(got), want)
	}
	for i, d := range got {
		if d < 0 || d > maxDim {
			return errf(diag.InvalidInput, "request.shape", "input %q: dimension %d is %d", name, i, d)
		}
		if want[i] >= 0 && d != want[i] {
			return errf(diag.InvalidInput, "request.shape", "input %q: shape %v, the model expects %v (-1: any size)", name, got, want)
		}
	}
	return nil
}

func decodeInput(in InferInput, dt tensor.DType, size int64) (*tensor.Tensor, error) {
	n := 0
	if in.Tensor != nil {
		n++
	}
	if in.Raw != nil || in.HasRaw {
		n++
	}
	if in.JSON != nil {
		n++
	}
	if n != 1 {
		return nil, errf(diag.InvalidInput, "request.data", "input %q must carry its data exactly once (JSON data, binary data or raw contents)", in.Name)
	}
	var t *tensor.Tensor
	var err error
	switch {
	case in.Tensor != nil:
		if in.Tensor.DType != dt || !slices.Equal(in.Tensor.Shape, in.Shape) {
			return nil, errf(diag.InvalidInput, "request.data", "input %q: the tensor does not match its datatype and shape", in.Name)
		}
		t, err = in.Tensor, in.Tensor.Validate()
	case in.Raw != nil || in.HasRaw:
		if int64(len(in.Raw)) != size {
			return nil, errf(diag.InvalidInput, "request.data", "input %q: %d bytes of binary data, the shape %v of %s needs %d",
				in.Name, len(in.Raw), in.Shape, DatatypeOf(dt), size)
		}
		raw := in.Raw
		if raw == nil {
			raw = []byte{}
		}
		t, err = tensor.FromData(dt, in.Shape, raw)
	default:
		t, err = decodeJSONData(in.JSON, dt, in.Shape, size)
	}
	if err != nil {
		d := diag.As(err)
		return nil, &diag.Error{Kind: diag.InvalidInput, Rule: d.Rule, Msg: fmt.Sprintf("input %q: %s", in.Name, d.Msg), Hint: d.Hint}
	}
	return t, nil
}

// decodeJSONData decodes an OIP "data" member (flat or nested, row-major)
// with the tensor package's strict JSON decoder.
func decodeJSONData(data json.RawMessage, dt tensor.DType, shape []int64, size int64) (*tensor.Tensor, error) {
	n, _ := tensor.NumElements(shape)
	// The body is capped already: the text limit only has to hold the
	// data wrapped into a whole JSON tensor (name, shape and keys).
	text := int64(len(data)) + 64 + 24*int64(len(shape))
	return tensor.DecodeJSONData(data, dt, shape, tensor.DecodeLimits{MaxBytes: max(size, text) + 1, MaxElements: max(n, 1), MaxRank: maxRank, MaxTensors: 1})
}

// selectOutputs resolves the requested outputs to result indices and
// their binary flags.
func selectOutputs(v *version, req *InferRequest) ([]int, []bool, error) {
	binAll, _ := req.Parameters["binary_data_output"].(bool)
	if len(req.Outputs) == 0 {
		sel := make([]int, len(v.outputs))
		bin := make([]bool, len(v.outputs))
		for i := range sel {
			sel[i], bin[i] = i, binAll
		}
		return sel, bin, nil
	}
	if len(req.Outputs) > len(v.outputs) {
		return nil, nil, errf(diag.InvalidInput, "request.output", "the request asks for %d outputs; the model has %d", len(req.Outputs), len(v.outputs))
	}
	var sel []int
	var bin []bool
	for _, o := range req.Outputs {
		k := slices.IndexFunc(v.outputs, func(m TensorMetadata) bool { return m.Name == o.Name })
		if k < 0 {
			return nil, nil, errf(diag.InvalidInput, "request.output", "unknown output %q", clip(o.Name, 64))
		}
		if slices.Contains(sel, k) {
			return nil, nil, errf(diag.InvalidInput, "request.output", "output %q is asked for twice", o.Name)
		}
		sel = append(sel, k)
		bin = append(bin, o.Binary || binAll)
	}
	return sel, bin, nil
}

// paramInt reads an integer parameter (int64, int, a whole float64 or a
// json.Number).
func paramInt(p map[string]any, key string) (int64, bool) {
	switch x := p[key].(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// costFor returns the program to run for these arguments and its cost
// report: the version's own for static programs; for shape-polymorphic ones
// the program refined for the argument shapes (and dimension-argument
// values), from the bounded caches.
func (s *Server) costFor(v *version, args []*tensor.Tensor) (*ir.Module, *ir.Func, *cost.Report, *refine.Inputs, error) {
	if v.static != nil {
		return v.mod, v.fn, v.static, nil, nil
	}
	in := refine.Inputs{Shapes: make([][]int64, len(args))}
	for i, a := range args {
		in.Shapes[i] = a.Shape
	}
	for _, i := range v.dimArgs {
		if i < len(args) {
			if x, ok := scalarInt(args[i]); ok {
				if in.Values == nil {
					in.Values = map[int]int64{}
				}
				in.Values[i] = x
			}
		}
	}
	rm, err := s.refined.GetWith(v.mod, v.fn, in)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	fn := rm.Func(v.fn.Name)
	if fn == nil {
		return nil, nil, nil, nil, errf(diag.Internal, "internal.refine", "the refined program lost its entry function")
	}
	if e, ok := s.costs.get(rm); ok {
		return rm, fn, e.rep, &in, nil
	}
	rep, err := s.analyze(v, rm, fn)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	s.costs.add(rm, costEntry{v: v, rep: rep})
	return rm, fn, rep, &in, nil
}

// scalarInt reads a rank-0 integer tensor.
func scalarInt(t *tensor.Tensor) (int64, bool) {
	if t == nil || len(t.Shape) != 0 || !t.DType.IsInteger() || len(t.Data) != t.DType.Size() {
		return 0, false
	}
	var u uint64
	for i := len(t.Data) - 1; i >= 0; i-- {
		u = u<<8 | uint64(t.Data[i])
	}
	if t.DType.IsSigned() {
		shift := 64 - 8*uint(len(t.Data))
		return int64(u<<shift) >> shift, true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// costEntry is a refined program's cost report, and the version it
// refines (so that unloading the version drops it).
type costEntry struct {
	v   *version
	rep *cost.Report
}

// record collects what the metrics and the audit log say about one call.
type record struct {
	event     string
	tenant    string
	model     string // metric label
	name      string // the model's real name (audit only)
	owner     string
	version   string
	hash      string
	requested string
	reqID     string
	start     time.Time
	queued    bool
	queue     time.Duration
	compute   time.Duration
	rep       *cost.Report
	charge    charge
	charged   bool
	stats     *exec.Stats
	inBytes   int64
	throttled bool
	v         *version
	// worker and workerExit: the sandbox worker that crashed, was killed
	// or overran the deadline while running this request.
	worker     int
	workerExit string
}

func (r *record) setVersion(v *version) {
	r.v = v
	r.model, r.name, r.owner, r.version, r.hash = v.metricLabel(), v.model.name, v.model.owner, v.label, v.hash
}

// finish records a call's outcome in the metrics, the anomaly detector and
// the audit log.
func (s *Server) finish(rec *record, err error) {
	code := HTTPStatus(err)
	elapsed := time.Since(rec.start)
	m := s.metrics
	m.requests.WithLabelValues(rec.model, rec.tenant, strconv.Itoa(code)).Inc()
	var d *diag.Error
	if err != nil {
		d = diag.As(err)
		m.rejections.WithLabelValues(rec.model, rec.tenant, metricRule(d.Rule)).Inc()
	}
	if rec.event == "infer" {
		m.reqDur.WithLabelValues(rec.model).Observe(elapsed.Seconds())
		if rec.queued {
			m.queueDur.WithLabelValues(rec.model).Observe(rec.queue.Seconds())
		}
		if rec.charged {
			m.estFLOPs.WithLabelValues(rec.model).Add(rec.charge.flops)
			if rec.rep != nil && rec.rep.PeakMemory != cost.Unbounded {
				m.estMemory.WithLabelValues(rec.model).Observe(float64(rec.rep.PeakMemory))
			}
		}
		if st := rec.stats; st != nil {
			m.computeDur.WithLabelValues(rec.model).Observe(rec.compute.Seconds())
			m.obsFLOPs.WithLabelValues(rec.model).Add(float64(st.FLOPs))
			if r := rec.rep; r != nil {
				ratio := func(res string, obs, bound int64) {
					if bound > 0 && bound != cost.Unbounded {
						m.obsRatio.WithLabelValues(rec.model, res).Observe(float64(obs) / float64(bound))
					}
				}
				ratio("flops", st.FLOPs, r.FLOPs.Max)
				ratio("memory", st.PeakMemory, r.PeakMemory)
				ratio("steps", st.Steps, r.Steps.Max)
			}
		}
	}
	if rec.event == "infer" || rec.event == "load" {
		// Refused requests and refused programs both count towards the
		// tenant's rejection rate.
		rejected := err != nil && !rec.throttled && code >= 400 && code < 500 && code != 499
		s.anom.observeTenant(rec.tenant, s.now(), rejected, rec.charge.flops)
	}
	attrs := []any{"event", rec.event, "tenant", rec.tenant, "code", code}
	if err == nil {
		attrs = append(attrs, "decision", "admit")
	} else {
		attrs = append(attrs, "decision", "reject", "kind", d.Kind.String(), "rule", d.Rule, "reason", clip(d.Msg, 512))
	}
	if rec.name != "" {
		attrs = append(attrs, "model", rec.name, "version", rec.version)
		if rec.owner != "" {
			attrs = append(attrs, "owner", rec.owner)
		}
	} else if rec.model != "_unknown" && rec.model != "" {
		attrs = append(attrs, "model", rec.model)
	}
	if rec.hash != "" {
		attrs = append(attrs, "program_sha256", rec.hash)
	}
	if rec.requested != "" {
		attrs = append(attrs, "requested_model", rec.requested)
	}
	if rec.reqID != "" {
		attrs = append(attrs, "request_id", rec.reqID)
	}
	if rec.inBytes > 0 {
		attrs = append(attrs, "input_bytes", rec.inBytes)
	}
	if r := rec.rep; r != nil {
		attrs = append(attrs, "flops_bound", boundVal(r.FLOPs.Max), "steps_bound", boundVal(r.Steps.Max),
			"peak_memory_bound", boundVal(r.PeakMemory), "output_bytes", r.OutputBytes)
	}
	if rec.charged {
		attrs = append(attrs, "charged_flops", rec.charge.flops, "charged_bytes", rec.charge.bytes)
	}
	if rec.queued {
		attrs = append(attrs, "queue_seconds", rec.queue.Seconds())
	}
	if st := rec.stats; st != nil {
		attrs = append(attrs, "compute_seconds", rec.compute.Seconds(), "observed_flops", st.FLOPs,
			"observed_peak_memory", st.PeakMemory, "observed_steps", st.Steps)
	}
	if rec.workerExit != "" {
		attrs = append(attrs, "sandbox_worker_exit", rec.workerExit, "sandbox_worker_pid", rec.worker)
	}
	attrs = append(attrs, "duration_seconds", elapsed.Seconds())
	s.audit.Info("admission", attrs...)
}

// boundVal prints an unbounded bound as -1.
func boundVal(n int64) int64 {
	if n == cost.Unbounded {
		return -1
	}
	return n
}

// metricRule keeps rule label values to the shape of the code's rule
// names (a fixed set); anything else is "other".
func metricRule(rule string) string {
	if len(rule) > 64 {
		return "other"
	}
	for _, c := range rule {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			return "other"
		}
	}
	return rule
}

// quarantinedCount counts quarantined program versions (a gauge).
func (s *Server) quarantinedCount() float64 {
	n := 0
	for _, v := range s.repo.allVersions() {
		if v.quarantine.Load() != nil {
			n++
		}
	}
	return float64(n)
}
