package benchsuite

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/plan"
)

// BenchmarkSuite times every workload on the fast engine at 1 and 2
// threads: go test -run '^$' -bench Suite/mlp ./internal/benchsuite
func BenchmarkSuite(b *testing.B) {
	ws, err := All()
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range ws {
		for _, threads := range []int{1, 2} {
			b.Run(w.Name+"/threads="+strconv.Itoa(threads), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				src, err := w.Source()
				if err != nil {
					b.Fatal(err)
				}
				mods, err := pipeline.Admit(w.File, src, pipeline.Options{})
				if err != nil {
					b.Fatal(err)
				}
				p, err := plan.Compile(mods[0], mods[0].Entry(""), plan.Options{Threads: threads})
				if err != nil {
					b.Fatal(err)
				}
				in, err := w.Inputs()
				if err != nil {
					b.Fatal(err)
				}
				lim := exec.Limits{MaxMemory: 16 << 30}
				for b.Loop() {
					if _, _, err := p.Run(context.Background(), in, lim); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(w.FLOPs*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
