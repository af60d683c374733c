// Package conformance runs the upstream StableHLO conformance corpus through
// hlogate and judges each test the way upstream does (see
// shared/corpus/stablehlo/PROVENANCE.md): a test passes when it parses,
// verifies, and runs with every check op and check.* custom call
// satisfied. Tests upstream does not run itself are skipped with a reason.
package conformance

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/tensor"
)

// Status is the verdict of one test.
type Status int

const (
	Pass Status = iota
	Fail
	Skip
)

func (s Status) String() string { return [...]string{"pass", "fail", "skip"}[s] }

// Result is the verdict of one test: a testdata file, or one chunk of an
// interpret file.
type Result struct {
	Path   string // file path as given
	Chunk  int    // 0-based chunk index for split files
	Name   string // display name: file[#chunk]
	Family string // op family, from the file name
	Status Status
	Reason string // failure or skip reason
	Rule   string // rule of the failing error, if any
}

// Options control a run.
type Options struct {
	// Verify, when set, is applied to each module before it runs; a
	// failure fails the test with that error.
	Verify func(*ir.Module) error
	Limits exec.Limits
	// Engine is "reference" (the default) or "plan": the fast engine, with
	// the reference executor for functions it cannot plan (dynamic
	// shapes, executor-wide probe state) — as `hlogate run` does.
	Engine string
	// Plans, when set, counts what the plan engine ran natively.
	Plans *PlanCounts
}

// PlanCounts tallies the plan engine's work over a run.
type PlanCounts struct {
	Planned, Unplanned int            // functions run as plans, and by the reference
	Native, Fallback   int            // plan steps with native kernels, and per-op fallbacks
	FallbackOps        map[string]int // fallback steps by op, check.* ops not counted
}

// runFunc runs fn with the engine opt names.
func runFunc(ctx context.Context, m *ir.Module, fn *ir.Func, args []*tensor.Tensor, opt Options) ([]*tensor.Tensor, error) {
	if opt.Engine == "plan" {
		e, err := plan.Prepare(m, fn, plan.Options{})
		if err != nil {
			return nil, err
		}
		if opt.Plans != nil {
			if p := e.Plan(); p != nil {
				d := p.Describe()
				opt.Plans.Planned++
				opt.Plans.Native += d.Native
				opt.Plans.Fallback += d.Fallback
				for _, op := range d.FallbackOps {
					if !strings.HasPrefix(op, "check.") {
						if opt.Plans.FallbackOps == nil {
							opt.Plans.FallbackOps = map[string]int{}
						}
						opt.Plans.FallbackOps[op]++
					}
				}
			} else {
				opt.Plans.Unplanned++
			}
		}
		outs, _, err := e.Run(ctx, args, opt.Limits)
		return outs, err
	}
	outs, _, err := exec.Run(ctx, m, fn, args, opt.Limits)
	return outs, err
}

// RunFile judges every test in one file's source.
func RunFile(ctx context.Context, path, src string, opt Options) []Result {
	base := filepath.Base(path)
	family := Family(path)
	if reason := skipReason(path, src); reason != "" {
		return []Result{{Path: path, Name: base, Family: family, Status: Skip, Reason: reason}}
	}
	chunks := mlir.SplitChunks(src)
	split := len(chunks) > 1
	var out []Result
	for i, ch := range chunks {
		name := base
		if split {
			name = base + "#" + itoa(i)
		}
		r := Result{Path: path, Chunk: i, Name: name, Family: family}
		if strings.TrimSpace(stripComments(ch.Text)) == "" {
			continue // a chunk of comments only
		}
		if strings.Contains(ch.Text, "interpreter.run_parallel") {
			r.Status, r.Reason = Skip, "needs several processes (interpreter.run_parallel)"
			out = append(out, r)
			continue
		}
		r.Status, r.Reason, r.Rule = runChunk(ctx, ch, runSpec(src), opt)
		out = append(out, r)
	}
	return out
}

func runChunk(ctx context.Context, ch mlir.Chunk, spec spec, opt Options) (Status, string, string) {
	mods, err := mlir.ParseFile(ch.Text, mlir.Limits{})
	if err == nil && len(mods) != 1 {
		return Fail, "chunk does not hold exactly one module", "conformance.chunk"
	}
	if err != nil {
		return fail(err) // positions are file positions: chunks start at their own line
	}
	m := mods[0]
	if opt.Verify != nil {
		if err := opt.Verify(m); err != nil {
			return fail(err)
		}
	}
	fns := entries(m)
	if len(fns) == 0 {
		return Fail, "no entry function (main, or functions without arguments)", "conformance.entry"
	}
	for _, fn := range fns {
		outs, err := runFunc(ctx, m, fn, spec.args, opt)
		if err != nil {
			return fail(err)
		}
		if spec.want != nil {
			if len(outs) != 1 || !tensor.Equal(outs[0], spec.want) {
				return Fail, "output differs from the CHECK lines", "check.failed"
			}
		}
	}
	return Pass, "", ""
}

func fail(err error) (Status, string, string) {
	d := diag.As(err)
	return Fail, d.Error(), d.Rule
}

// entries picks what upstream's interpreter runs: @main if present, else
// every function that takes no arguments.
func entries(m *ir.Module) []*ir.Func {
	if f := m.Func("main"); f != nil {
		return []*ir.Func{f}
	}
	var out []*ir.Func
	for _, f := range m.Funcs {
		if len(f.Args) == 0 && f.Body != nil {
			out = append(out, f)
		}
	}
	return out
}

func skipReason(path, src string) string {
	head := src
	if len(head) > 2000 {
		head = head[:2000]
	}
	if strings.Contains(head, "RUN-DISABLED") {
		return "disabled upstream (RUN-DISABLED)"
	}
	slash := filepath.ToSlash(path)
	if strings.Contains(slash, "/testdata/dynamic/") && !strings.Contains(src, "check.expect") {
		return "shape-polymorphic test without expected values (upstream only round-trips it)"
	}
	if strings.Contains(slash, "/jax-export/") {
		return "JAX export test vector: judged by its JSON file, not by check ops"
	}
	return ""
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
	}
	return b.String()
}

var familyRE = regexp.MustCompile(`^([a-z_]+?)(_(any|float|int|uint|bool|complex|bfloat|shape|dynamic|qi8|i1|i8|i16|i32|i64|ui|f16|f32|f64|bf16|[0-9]|chlo)|\.mlir$)`)

// Family derives an op family from a corpus file name
// ("add_float32_20_20.mlir" → "add", "interpret/while.mlir" → "while").
func Family(path string) string {
	base := filepath.Base(path)
	if m := familyRE.FindStringSubmatch(base); m != nil {
		return strings.TrimSuffix(m[1], "_")
	}
	return strings.TrimSuffix(base, ".mlir")
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}
