package server

import (
	"fmt"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/units"
)

// Limits bound what one request may spend. They are set at three levels —
// the server (flags or the policy file's "limits"), the model (its
// config.yaml) and the tenant (tenants.yaml) — and a request runs under the
// smallest of each: the server's are defaults and caps, the others can only
// lower them. A zero field is "not set at this level".
type Limits struct {
	MaxMemory int64         // peak bytes of live tensors, inputs and bound weights included
	MaxFLOPs  int64         // FLOPs of one run (static bound, then the run-time meter)
	MaxSteps  int64         // loop iterations plus region and function invocations
	MaxOutput int64         // bytes of all outputs of one run
	MaxInput  int64         // bytes of the decoded request tensors of one request
	MaxSource int64         // bytes of program text a tenant may submit
	Timeout   time.Duration // deadline of one request, queueing included
}

// DefaultLimits are the server's limits when nothing else is configured
// (docs/SERVING.md): 1 GiB memory, 1e11 FLOPs, 1e8 steps, 64 MiB output,
// 64 MiB input, 4 MiB program text, 10 s deadline.
func DefaultLimits() Limits {
	d := exec.DefaultLimits()
	return Limits{
		MaxMemory: d.MaxMemory,
		MaxFLOPs:  100_000_000_000,
		MaxSteps:  d.MaxSteps,
		MaxOutput: 64 << 20,
		MaxInput:  64 << 20,
		MaxSource: 4 << 20,
		Timeout:   10 * time.Second,
	}
}

// orDefault fills zero fields of l from d.
func (l Limits) orDefault(d Limits) Limits {
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxFLOPs <= 0 {
		l.MaxFLOPs = d.MaxFLOPs
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = d.MaxOutput
	}
	if l.MaxInput <= 0 {
		l.MaxInput = d.MaxInput
	}
	if l.MaxSource <= 0 {
		l.MaxSource = d.MaxSource
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// tighten returns the field-wise minimum of l and o, where a zero field of
// o does not count.
func (l Limits) tighten(o Limits) Limits {
	mn := func(a, b int64) int64 {
		if b > 0 && (a <= 0 || b < a) {
			return b
		}
		return a
	}
	l.MaxMemory = mn(l.MaxMemory, o.MaxMemory)
	l.MaxFLOPs = mn(l.MaxFLOPs, o.MaxFLOPs)
	l.MaxSteps = mn(l.MaxSteps, o.MaxSteps)
	l.MaxOutput = mn(l.MaxOutput, o.MaxOutput)
	l.MaxInput = mn(l.MaxInput, o.MaxInput)
	l.MaxSource = mn(l.MaxSource, o.MaxSource)
	l.Timeout = time.Duration(mn(int64(l.Timeout), int64(o.Timeout)))
	return l
}

func (l Limits) budget() cost.Budget {
	return cost.Budget{MaxFLOPs: l.MaxFLOPs, MaxMemory: l.MaxMemory, MaxSteps: l.MaxSteps, MaxOutputBytes: l.MaxOutput}
}

func (l Limits) execLimits() exec.Limits {
	return exec.Limits{MaxMemory: l.MaxMemory, MaxSteps: l.MaxSteps, MaxFLOPs: l.MaxFLOPs}
}

// LimitsSpec is how limits are written in YAML files: the keys and value
// syntax of a policy file's "limits" section ("512MiB", "1e11", "5s").
type LimitsSpec struct {
	MaxMemory string `yaml:"max_memory" json:"max_memory,omitempty"`
	MaxFLOPs  string `yaml:"max_flops" json:"max_flops,omitempty"`
	MaxSteps  string `yaml:"max_steps" json:"max_steps,omitempty"`
	MaxOutput string `yaml:"max_output" json:"max_output,omitempty"`
	MaxInput  string `yaml:"max_input" json:"max_input,omitempty"`
	MaxSource string `yaml:"max_source" json:"max_source,omitempty"`
	Timeout   string `yaml:"timeout" json:"timeout,omitempty"`
}

// Parse converts the written limits; where names the file and section for
// error messages.
func (s LimitsSpec) Parse(where string) (Limits, error) {
	var l Limits
	var err error
	size := func(key, v string, dst *int64) {
		if v == "" || err != nil {
			return
		}
		var n int64
		if n, err = units.ParseBytes(v); err != nil {
			err = fmt.Errorf("%s: limits.%s: %v", where, key, err)
		}
		*dst = n
	}
	cnt := func(key, v string, dst *int64) {
		if v == "" || err != nil {
			return
		}
		var n int64
		if n, err = units.ParseCount(v); err != nil {
			err = fmt.Errorf("%s: limits.%s: %v", where, key, err)
		}
		*dst = n
	}
	size("max_memory", s.MaxMemory, &l.MaxMemory)
	cnt("max_flops", s.MaxFLOPs, &l.MaxFLOPs)
	cnt("max_steps", s.MaxSteps, &l.MaxSteps)
	size("max_output", s.MaxOutput, &l.MaxOutput)
	size("max_input", s.MaxInput, &l.MaxInput)
	size("max_source", s.MaxSource, &l.MaxSource)
	if err == nil && s.Timeout != "" {
		var d time.Duration
		if d, err = time.ParseDuration(s.Timeout); err == nil && d <= 0 {
			err = fmt.Errorf("must be positive")
		}
		if err != nil {
			err = fmt.Errorf("%s: limits.timeout: %v", where, err)
		}
		l.Timeout = d
	}
	if err != nil {
		return Limits{}, &diag.Error{Kind: diag.Usage, Rule: "config.limits", Msg: err.Error(),
			Hint: "sizes take units (512MiB), counts take 1e9, durations take 5s"}
	}
	return l, nil
}

// LimitsFromPolicy converts a policy file's "limits" section.
func LimitsFromPolicy(p *policy.Limits) (Limits, error) {
	if p == nil {
		return Limits{}, nil
	}
	return LimitsSpec{MaxMemory: p.MaxMemory, MaxFLOPs: p.MaxFLOPs, MaxSteps: p.MaxSteps, MaxOutput: p.MaxOutput,
		MaxInput: p.MaxInput, MaxSource: p.MaxSource, Timeout: p.Timeout}.Parse("policy")
}
