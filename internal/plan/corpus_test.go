package plan

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

// TestCorpusVerdicts compiles every executable corpus chunk's entry
// functions into plans (check ops run through the fallback) and requires
// the plan's pass/fail verdict to equal the reference executor's.
func TestCorpusVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus differential is long")
	}
	// Corpus programs compute on constants: with folding on, most of their
	// ops are evaluated at compile time (by the reference kernels); with
	// folding off, every op runs as a plan step, native where it can.
	for _, fold := range []bool{true, false} {
		t.Run(fmt.Sprintf("fold=%v", fold), func(t *testing.T) { corpusVerdicts(t, Options{CheckPasses: true, NoFold: !fold}) })
	}
}

func corpusVerdicts(t *testing.T, opts Options) {
	files := testutil.CorpusFiles(t, "stablehlo")
	pol := policy.Conformance()
	var agree, disagree, noPlan, skipped, native, fallback int
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		if strings.Contains(src, "RUN-DISABLED") || strings.Contains(src, "--args=") || strings.Contains(src, "// CHECK") ||
			strings.Contains(path, "/jax-export/") || strings.Contains(path, "/dynamic/") {
			skipped++
			continue
		}
		for _, ch := range mlir.SplitChunks(src) {
			if strings.Contains(ch.Text, "interpreter.run_parallel") {
				skipped++
				continue
			}
			mods, err := mlir.ParseFile(ch.Text, mlir.Limits{})
			if err != nil || len(mods) != 1 || verify.Module(mods[0]) != nil || pol.Check(mods[0]) != nil {
				skipped++
				continue
			}
			m := mods[0]
			for _, fn := range entries(m) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, rst, rerr := exec.Run(ctx, m, fn, nil, exec.Limits{})
				p, cerr := Compile(m, fn, opts)
				if cerr != nil {
					noPlan++
					cancel()
					continue
				}
				d := p.Describe()
				native += d.Native
				fallback += d.Fallback
				_, st, perr := p.Run(ctx, nil, exec.Limits{})
				checkStaticPeak(t, p, nil, st)
				if perr == nil && rerr == nil {
					// The static bounds the server admits and checks
					// programs by hold for the plan's meters too (which
					// count fewer steps: folded ops and native reduce
					// bodies call no region).
					rep, err := cost.Analyze(m, fn)
					if err != nil {
						t.Fatal(err)
					}
					if !rep.Steps.IsUnbounded() && st.Steps > rep.Steps.Max || st.Steps > rst.Steps {
						t.Errorf("%s#%d @%s: plan metered %d steps; reference %d, static bound %v", path, ch.FirstLine, fn.Name, st.Steps, rst.Steps, rep.Steps)
					}
					if !rep.FLOPs.IsUnbounded() && st.FLOPs > rep.FLOPs.Max {
						t.Errorf("%s#%d @%s: plan metered %d FLOPs over the static bound %v", path, ch.FirstLine, fn.Name, st.FLOPs, rep.FLOPs)
					}
				}
				cancel()
				if (rerr == nil) == (perr == nil) {
					agree++
				} else {
					disagree++
					t.Errorf("%s#%d @%s: reference %v, plan %v", path, ch.FirstLine, fn.Name, rerr, perr)
				}
			}
		}
	}
	t.Logf("corpus: %d agree, %d disagree, %d not plannable, %d skipped; plan steps %d native, %d fallback", agree, disagree, noPlan, skipped, native, fallback)
}

func entries(m *ir.Module) []*ir.Func {
	if f := m.Func("main"); f != nil && len(f.Args) == 0 {
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
