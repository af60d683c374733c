package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/policy"
)

// limitFlags are the resource limits shared by check --cost and run.
type limitFlags struct {
	memory  byteSize
	flops   count
	steps   count
	output  byteSize
	timeout time.Duration
}

// Defaults documented in docs/LIMITS.md.
const (
	defaultMaxFLOPs  = 100_000_000_000 // 1e11
	defaultMaxOutput = 64 << 20
)

func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	d := exec.DefaultLimits()
	l := &limitFlags{memory: byteSize(d.MaxMemory), flops: defaultMaxFLOPs, steps: count(d.MaxSteps), output: defaultMaxOutput}
	fs.Var(&l.memory, "max-memory", "most memory live tensors may hold at once, inputs included (e.g. 512MiB)")
	fs.Var(&l.flops, "max-flops", "most FLOPs one run may take (e.g. 1e11)")
	fs.Var(&l.steps, "max-steps", "most loop iterations plus region and function calls (e.g. 1e8)")
	fs.Var(&l.output, "max-output", "largest total output (e.g. 64MiB)")
	fs.DurationVar(&l.timeout, "timeout", 30*time.Second, "deadline for the run (e.g. 5s)")
	return l
}

func (l *limitFlags) budget() cost.Budget {
	return cost.Budget{MaxFLOPs: int64(l.flops), MaxMemory: int64(l.memory), MaxSteps: int64(l.steps), MaxOutputBytes: int64(l.output)}
}

func (l *limitFlags) execLimits() exec.Limits {
	return exec.Limits{MaxMemory: int64(l.memory), MaxSteps: int64(l.steps), MaxFLOPs: int64(l.flops)}
}

// jsonCost is the machine form of a cost report.
type jsonCost struct {
	FLOPs        [2]int64   `json:"flops"`
	BytesRead    [2]int64   `json:"bytes_read"`
	BytesWritten [2]int64   `json:"bytes_written"`
	Steps        [2]int64   `json:"steps"`
	PeakMemory   int64      `json:"peak_memory"`
	InputBytes   int64      `json:"input_bytes"`
	OutputBytes  int64      `json:"output_bytes"`
	TopFLOPs     []jsonOp   `json:"top_ops_by_flops"`
	TopMemory    []jsonOp   `json:"top_ops_by_memory"`
	Loops        []jsonLoop `json:"loops"`
	Admissible   bool       `json:"admissible"`
	Reason       *jsonError `json:"reason,omitempty"`
	Unbounded    string     `json:"unbounded_note,omitempty"`
}

type jsonOp struct {
	Op     string   `json:"op"`
	Line   int32    `json:"line"`
	Col    int32    `json:"col"`
	Count  [2]int64 `json:"count"`
	FLOPs  [2]int64 `json:"flops"`
	Memory int64    `json:"memory"`
}

type jsonLoop struct {
	Line     int32    `json:"line"`
	Col      int32    `json:"col"`
	Trips    [2]int64 `json:"trips"`
	Provable bool     `json:"provable"`
}

func iv(i cost.Interval) [2]int64 { return [2]int64{i.Min, i.Max} }

func costJSON(r *cost.Report, admitErr error) *jsonCost {
	j := &jsonCost{FLOPs: iv(r.FLOPs), BytesRead: iv(r.BytesRead), BytesWritten: iv(r.BytesWritten), Steps: iv(r.Steps),
		PeakMemory: r.PeakMemory, InputBytes: r.InputBytes, OutputBytes: r.OutputBytes, Admissible: admitErr == nil,
		TopFLOPs: []jsonOp{}, TopMemory: []jsonOp{}, Loops: []jsonLoop{}}
	for _, o := range r.TopOps(5, false) {
		j.TopFLOPs = append(j.TopFLOPs, jsonOp{o.Op.Name, o.Op.Pos.Line, o.Op.Pos.Col, iv(o.Count), iv(o.FLOPs), o.Memory})
	}
	for _, o := range r.TopOps(5, true) {
		j.TopMemory = append(j.TopMemory, jsonOp{o.Op.Name, o.Op.Pos.Line, o.Op.Pos.Col, iv(o.Count), iv(o.FLOPs), o.Memory})
	}
	for _, l := range r.Loops {
		j.Loops = append(j.Loops, jsonLoop{l.Op.Pos.Line, l.Op.Pos.Col, iv(l.Trips), l.Provable})
	}
	if admitErr != nil {
		j.Reason = toJSONError(admitErr)
	}
	if r.Steps.IsUnbounded() {
		j.Unbounded = "a loop's trip count is not provable: it runs under the step, FLOP and deadline meters"
	}
	return j
}

func fmtInterval(i cost.Interval, f func(int64) string) string {
	if i.Min == i.Max {
		return f(i.Max)
	}
	return "[" + f(i.Min) + ", " + f(i.Max) + "]"
}

func printCost(w io.Writer, r *cost.Report, admitErr error) {
	fmt.Fprintf(w, "  cost: FLOPs %s, peak memory %s, steps %s\n", fmtInterval(r.FLOPs, cost.FormatCount), cost.FormatBytes(r.PeakMemory), fmtInterval(r.Steps, cost.FormatCount))
	fmt.Fprintf(w, "        read %s, written %s, inputs %s, outputs %s\n", fmtInterval(r.BytesRead, cost.FormatBytes), fmtInterval(r.BytesWritten, cost.FormatBytes), cost.FormatBytes(r.InputBytes), cost.FormatBytes(r.OutputBytes))
	var tops []string
	for _, o := range r.TopOps(3, false) {
		if o.FLOPs.Max > 0 {
			tops = append(tops, fmt.Sprintf("%s at %s (%s)", o.Op.Name, o.Op.Pos, fmtInterval(o.FLOPs, cost.FormatCount)))
		}
	}
	if len(tops) > 0 {
		fmt.Fprintf(w, "  top FLOPs: %s\n", strings.Join(tops, "; "))
	}
	tops = tops[:0]
	for _, o := range r.TopOps(3, true) {
		tops = append(tops, fmt.Sprintf("%s at %s (%s live)", o.Op.Name, o.Op.Pos, cost.FormatBytes(o.Memory)))
	}
	if len(tops) > 0 {
		fmt.Fprintf(w, "  top memory: %s\n", strings.Join(tops, "; "))
	}
	for _, l := range r.Loops {
		kind := "provable"
		if !l.Provable {
			kind = "not provable: metered at run time"
		}
		fmt.Fprintf(w, "  loop at %s: %s trips (%s)\n", l.Op.Pos, fmtInterval(l.Trips, cost.FormatCount), kind)
	}
	if admitErr != nil {
		fmt.Fprintf(w, "  admissible: no (%s)\n", diag.As(admitErr).Rule)
	} else {
		fmt.Fprintf(w, "  admissible: yes\n")
	}
}

// analyze computes the cost report of an entry function.
func analyze(m *ir.Module, fn *ir.Func, l *limitFlags) (*cost.Report, error, error) {
	r, err := cost.Analyze(m, fn)
	if err != nil {
		return nil, nil, err
	}
	return r, r.Admit(l.budget()), nil
}

// applyPolicyLimits sets each limit flag that was not given on the command
// line from the policy file's "limits" section.
func applyPolicyLimits(fs *flag.FlagSet, pol *policy.Policy) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range pol.Limits.Values() {
		if set[name] || fs.Lookup(name) == nil {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return usageError("policy limits.%s: %v", name, err)
		}
	}
	return nil
}
