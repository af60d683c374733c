package cost_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

// TestEstimatesBoundMeasurements runs every executable corpus program and
// checks est.min <= measured <= est.max for FLOPs and steps, and that the
// memory the allocator saw never exceeds the static peak estimate.
func TestEstimatesBoundMeasurements(t *testing.T) {
	files := testutil.CorpusFiles(t, "stablehlo")
	ran := 0
	for _, path := range files {
		if strings.Contains(path, "/dynamic/") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "RUN-DISABLED") {
			continue
		}
		for ci, ch := range mlir.SplitChunks(string(src)) {
			mods, err := mlir.ParseFile(ch.Text, mlir.Limits{})
			if err != nil || len(mods) != 1 {
				continue
			}
			m := mods[0]
			for _, fn := range entries(m) {
				rep, err := cost.Analyze(m, fn)
				if err != nil {
					t.Errorf("%s#%d: analyze: %v", path, ci, err)
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, st, err := exec.Run(ctx, m, fn, nil, exec.Limits{})
				cancel()
				if err != nil {
					continue // failing programs are the conformance test's business
				}
				ran++
				name := path[strings.LastIndex(path, "/")+1:] + "#" + itoa(ci) + "@" + fn.Name
				if !rep.FLOPs.Contains(st.FLOPs) {
					t.Errorf("%s: measured %d FLOPs outside estimate [%d, %d]", name, st.FLOPs, rep.FLOPs.Min, rep.FLOPs.Max)
				}
				if !rep.Steps.Contains(st.Steps) {
					t.Errorf("%s: measured %d steps outside estimate [%d, %d]", name, st.Steps, rep.Steps.Min, rep.Steps.Max)
				}
				if st.PeakMemory > rep.PeakMemory {
					t.Errorf("%s: measured peak %d bytes above the static estimate %d", name, st.PeakMemory, rep.PeakMemory)
				}
			}
		}
	}
	if ran < 1000 {
		t.Errorf("only %d programs ran", ran)
	}
	t.Logf("%d programs checked", ran)
}

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

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
