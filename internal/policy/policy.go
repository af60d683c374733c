// Package policy decides which verified programs hlogate will run.
//
// Verification says a program is well-formed; policy says whether it is
// allowed. Some well-formed ops reach outside the sandbox (host callbacks
// through custom_call, infeed/outfeed, send/recv, collectives) or are
// nondeterministic (rng), so an operator states, as data in a JSON file,
// which dialects, ops and custom_call targets are admitted. Custom-call
// targets are matched by exact name only: a prefix or pattern would let a
// new, dangerous target in by accident.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/units"
)

// MaxFileBytes caps the size of a policy file.
const MaxFileBytes = 1 << 20

// maxEntries caps each list in a policy.
const maxEntries = 10000

// Policy is what an operator allows. The zero value allows nothing.
type Policy struct {
	// Name labels the policy in logs and errors.
	Name string `json:"name,omitempty"`
	// AllowedDialects lists the dialects whose ops may appear, by the part
	// of the op name before the first '.': "stablehlo", "func", "chlo".
	AllowedDialects []string `json:"allowed_dialects"`
	// DeniedOps lists full op names that are rejected even though their
	// dialect is allowed ("stablehlo.infeed").
	DeniedOps []string `json:"denied_ops"`
	// AllowedCustomCalls lists the stablehlo.custom_call targets that may
	// be called, by exact name.
	AllowedCustomCalls []string `json:"allowed_custom_calls"`
	// AllowCheckOps admits the upstream interpreter's test ops: the check
	// and interpreter dialects and the check.* custom_call targets in
	// CheckTargets. DeniedOps still applies to them.
	AllowCheckOps bool `json:"allow_check_ops"`
	// Limits, when present, sets resource limits for programs run under
	// this policy; a command-line flag given explicitly still wins.
	Limits *Limits `json:"limits,omitempty"`
}

// Limits are resource limits written the way users type them: sizes with
// units ("512MiB"), counts ("1e11"), durations ("5s"). Empty fields keep
// the defaults (docs/LIMITS.md).
type Limits struct {
	MaxMemory string `json:"max_memory,omitempty"`
	MaxFLOPs  string `json:"max_flops,omitempty"`
	MaxSteps  string `json:"max_steps,omitempty"`
	MaxOutput string `json:"max_output,omitempty"`
	MaxInput  string `json:"max_input,omitempty"`
	MaxSource string `json:"max_source,omitempty"`
	Timeout   string `json:"timeout,omitempty"`
}

// Values returns the limits keyed by their command-line flag names
// (max-memory, max-flops, ...), omitting empty ones.
func (l *Limits) Values() map[string]string {
	out := map[string]string{}
	if l == nil {
		return out
	}
	for k, v := range map[string]string{
		"max-memory": l.MaxMemory, "max-flops": l.MaxFLOPs, "max-steps": l.MaxSteps,
		"max-output": l.MaxOutput, "max-input": l.MaxInput, "max-source": l.MaxSource, "timeout": l.Timeout,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

func (l *Limits) validate() error {
	for k, v := range l.Values() {
		var err error
		switch k {
		case "max-flops", "max-steps":
			_, err = units.ParseCount(v)
		case "timeout":
			var d time.Duration
			if d, err = time.ParseDuration(v); err == nil && d <= 0 {
				err = fmt.Errorf("timeout must be positive")
			}
		default:
			_, err = units.ParseBytes(v)
		}
		if err != nil {
			return usage("policy.file", "limits.%s: %v", strings.ReplaceAll(k, "-", "_"), err)
		}
	}
	return nil
}

// CheckTargets are the custom_call targets of upstream's test harness
// (check.eq in the quantized tests, the check.expect_* in the JAX-generated
// ones). They are admitted only with AllowCheckOps.
var CheckTargets = []string{"check.eq", "check.expect_eq", "check.expect_almost_eq", "check.expect_close"}

// lapackTargets are the LAPACK/BLAS FFI targets JAX emits on CPU, for which
// hlogate has native Go implementations.
func lapackTargets() []string {
	var out []string
	for _, k := range []string{"potrf", "getrf", "geqrf", "trsm", "gesdd", "geev"} {
		for _, t := range "sdcz" {
			out = append(out, "lapack_"+string(t)+k+"_ffi")
		}
	}
	for _, t := range []string{"sorgqr", "dorgqr", "cungqr", "zungqr", "ssyevd", "dsyevd", "cheevd", "zheevd"} {
		out = append(out, "lapack_"+t+"_ffi")
	}
	return out
}

// Default returns the policy for untrusted programs: StableHLO, func and
// CHLO ops only; no host I/O, point-to-point, collective, async or rng op;
// custom_call only to the sharding annotations, shape_assertion, the
// stablehlo.dynamic_* shims and the LAPACK/BLAS FFI targets. rng_bit_generator
// stays allowed: its output is a deterministic function of its state operand.
func Default() *Policy {
	return &Policy{
		Name:            "default",
		AllowedDialects: []string{"stablehlo", "func", "chlo"},
		DeniedOps: []string{
			"stablehlo.infeed", "stablehlo.outfeed", "stablehlo.send", "stablehlo.recv",
			"stablehlo.all_gather", "stablehlo.all_reduce", "stablehlo.all_to_all",
			"stablehlo.reduce_scatter", "stablehlo.collective_permute",
			"stablehlo.collective_broadcast", "stablehlo.collective_reduce",
			"stablehlo.cross-replica-sum",
			"stablehlo.async_start", "stablehlo.async_done",
			"stablehlo.rng",
			"interpreter.run_parallel",
		},
		AllowedCustomCalls: append([]string{
			"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape",
			"shape_assertion",
			"stablehlo.dynamic_top_k", "stablehlo.dynamic_approx_top_k",
		}, lapackTargets()...),
	}
}

// Conformance returns Default plus the upstream interpreter's test ops, for
// running the upstream conformance corpus. interpreter.run_parallel stays
// denied: it runs several processes that communicate.
func Conformance() *Policy {
	p := Default()
	p.Name = "conformance"
	p.AllowCheckOps = true
	return p
}

// Parse decodes a policy from JSON. Unknown fields, trailing data, empty
// names and oversized input are errors.
func Parse(data []byte) (*Policy, error) {
	if len(data) > MaxFileBytes {
		return nil, usage("policy.file", "policy is %d bytes, over the limit of %d", len(data), MaxFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, usage("policy.file", "policy is not valid: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, usage("policy.file", "policy has data after the JSON object")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Load reads and parses a policy file.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usage("policy.file", "cannot open policy: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, usage("policy.file", "cannot read policy: %v", err)
	}
	p, err := Parse(data)
	if err != nil {
		if d := diag.As(err); d != nil {
			d.File = path
		}
		return nil, err
	}
	return p, nil
}

func usage(rule, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Usage, Rule: rule, Msg: fmt.Sprintf(format, args...),
		Hint: "fix the policy file (see internal/policy/testdata/default.json)"}
}

// Validate checks that every entry is a plausible name.
func (p *Policy) Validate() error {
	if p.Limits != nil {
		if err := p.Limits.validate(); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		field string
		v     []string
	}{
		{"allowed_dialects", p.AllowedDialects}, {"denied_ops", p.DeniedOps}, {"allowed_custom_calls", p.AllowedCustomCalls},
	} {
		if len(l.v) > maxEntries {
			return usage("policy.file", "%s has %d entries, over the limit of %d", l.field, len(l.v), maxEntries)
		}
		for _, s := range l.v {
			if s == "" || len(s) > 1024 || strings.ContainsAny(s, " \t\r\n\x00*?") {
				return usage("policy.file", "%s contains the invalid name %q; names are exact, without wildcards", l.field, clip(s))
			}
		}
	}
	for _, d := range p.AllowedDialects {
		if strings.Contains(d, ".") {
			return usage("policy.file", "allowed_dialects entry %q must be a dialect name such as \"stablehlo\", without a dot", clip(d))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// Marshal encodes the policy as indented JSON.
func (p *Policy) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Check returns the first op of m, in program order, that the policy
// forbids, as a *diag.Error of kind Rejected with rule policy.dialect,
// policy.op or policy.custom_call; nil if everything is allowed.
func (p *Policy) Check(m *ir.Module) error {
	if m == nil {
		return nil
	}
	c := checker{p: p, dialects: set(p.AllowedDialects), denied: set(p.DeniedOps), targets: set(p.AllowedCustomCalls)}
	if p.AllowCheckOps {
		for _, t := range CheckTargets {
			c.targets[t] = true
		}
	}
	for _, f := range m.Funcs {
		if f == nil || f.Body == nil {
			continue
		}
		// Pre-order walk with an explicit stack; nil parts of malformed IR
		// are skipped (the verifier rejects them).
		type frame struct {
			ops []*ir.Op
			i   int
		}
		var stack []frame
		for _, b := range f.Body.Blocks {
			if b != nil {
				stack = append(stack, frame{ops: b.Ops})
			}
		}
		slices.Reverse(stack)
		for len(stack) > 0 {
			fr := &stack[len(stack)-1]
			if fr.i >= len(fr.ops) {
				stack = stack[:len(stack)-1]
				continue
			}
			op := fr.ops[fr.i]
			fr.i++
			if op == nil {
				continue
			}
			if err := c.checkOp(op); err != nil {
				return err
			}
			for ri := len(op.Regions) - 1; ri >= 0; ri-- {
				r := op.Regions[ri]
				if r == nil {
					continue
				}
				for bi := len(r.Blocks) - 1; bi >= 0; bi-- {
					if r.Blocks[bi] != nil {
						stack = append(stack, frame{ops: r.Blocks[bi].Ops})
					}
				}
			}
		}
	}
	return nil
}

// checker holds a policy's lists as sets for one Check.
type checker struct {
	p                         *Policy
	dialects, denied, targets map[string]bool
}

func set(v []string) map[string]bool {
	m := make(map[string]bool, len(v))
	for _, s := range v {
		m[s] = true
	}
	return m
}

func (c *checker) checkOp(op *ir.Op) *diag.Error {
	p := c.p
	name := op.Name
	dialect, _, _ := strings.Cut(name, ".")
	testOp := dialect == "check" || dialect == "interpreter"
	if !c.dialects[dialect] && !(testOp && p.AllowCheckOps) {
		hint := "use only ops of the dialects " + strings.Join(p.AllowedDialects, ", ")
		why := ""
		if testOp {
			why = "; it is a test-only op of the upstream interpreter"
			hint = "remove test ops from programs you deploy"
		}
		return &diag.Error{Kind: diag.Rejected, Rule: "policy.dialect", Op: name, Pos: op.Pos,
			Msg:  fmt.Sprintf("%s belongs to the dialect %q, which the %s policy does not allow%s", clip(name), clip(dialect), p.label(), why),
			Hint: hint}
	}
	if c.denied[name] {
		return &diag.Error{Kind: diag.Rejected, Rule: "policy.op", Op: name, Pos: op.Pos,
			Msg:  fmt.Sprintf("%s is forbidden by the %s policy: %s", name, p.label(), opReason(name)),
			Hint: "remove the op; hlogate runs single-device, self-contained, deterministic programs"}
	}
	if name == "stablehlo.custom_call" {
		return c.checkCustomCall(op)
	}
	return nil
}

func (p *Policy) label() string {
	if p.Name == "" {
		return "active"
	}
	return clip(p.Name)
}

func (c *checker) checkCustomCall(op *ir.Op) *diag.Error {
	p := c.p
	t, ok := op.Props.Get("call_target_name").(ir.StringAttr)
	if !ok {
		return &diag.Error{Kind: diag.Rejected, Rule: "policy.custom_call", Op: op.Name, Pos: op.Pos,
			Msg: "custom_call without a call_target_name", Hint: "name the target"}
	}
	target := string(t)
	if c.targets[target] {
		return nil
	}
	return &diag.Error{Kind: diag.Rejected, Rule: "policy.custom_call", Op: op.Name, Pos: op.Pos,
		Msg:  fmt.Sprintf("custom_call target %q is not allowed by the %s policy: %s", clip(target), p.label(), targetReason(target)),
		Hint: "only targets hlogate implements natively may be called; remove the call or ask the operator to allow the exact target name"}
}

// opReason says why a denied op is dangerous.
func opReason(name string) string {
	switch name {
	case "stablehlo.infeed", "stablehlo.outfeed":
		return "it moves data between the device and the host outside the program's inputs and outputs"
	case "stablehlo.send", "stablehlo.recv":
		return "it communicates with another process or the host"
	case "stablehlo.all_gather", "stablehlo.all_reduce", "stablehlo.all_to_all", "stablehlo.reduce_scatter",
		"stablehlo.collective_permute", "stablehlo.collective_broadcast", "stablehlo.collective_reduce",
		"stablehlo.cross-replica-sum":
		return "collectives need several communicating processes"
	case "stablehlo.async_start", "stablehlo.async_done":
		return "async ops start work that outlives the op"
	case "stablehlo.rng":
		return "its results are implementation-defined and not reproducible; use rng_bit_generator"
	case "interpreter.run_parallel":
		return "it runs several communicating processes"
	}
	return "the operator denied it"
}

// targetReason says why a custom_call target is refused.
func targetReason(t string) string {
	switch {
	case t == "xla_python_cpu_callback" || t == "xla_python_gpu_callback":
		return "it is a host callback into Python (older jaxlib passed a raw C++ function pointer as operand 0)"
	case strings.HasPrefix(t, "xla_ffi_python_") || strings.HasPrefix(t, "xla_ffi_partitioned_python_"):
		return "it is a host callback into Python through an index into a callback table"
	case t == "tpu_custom_call":
		return "it embeds a Mosaic TPU kernel as a string"
	case strings.HasPrefix(t, "mosaic_gpu"):
		return "it embeds a Mosaic GPU kernel"
	case strings.Contains(t, "triton"):
		return "it embeds a Triton kernel"
	case t == "CustomSPMDPartitioning" || t == "CustomSPMDPartitioner":
		return "it runs Python at compile time"
	case strings.HasPrefix(t, "check."):
		return "it is a test-only check of the upstream interpreter"
	case strings.HasPrefix(t, "__gpu$") || strings.HasPrefix(t, "__cudnn$") || strings.HasPrefix(t, "__cublas"):
		return "it is a GPU library or kernel call"
	}
	return "it is not in the exact-name allowlist, and an unknown target could name any host symbol"
}
