// Command peers measures square f32 matmul C = A·B on hlogate's Go peers:
// gonum (blas/gonum Sgemm) and GoMLX's pure-Go backend (simplego). It is its
// own module so that neither becomes a dependency of hlogate.
//
// Each measurement runs one warm-up call, then calls until -mintime has
// passed (at least -minreps calls), and prints
//
//	RESULT <peer> <n> <threads> <GFLOP/s>
//
// with GFLOP/s = 2·n³·calls / elapsed. run.sh collects these lines.
//
// With -suite (a comma-separated list of workloads, or "all") it instead runs
// hlogate's benchmark suite (internal/benchsuite/testdata) on GoMLX simplego
// and prints RESULT gomlx <workload> <threads> <seconds per call>; see
// suite.go and suite.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var (
	libs     = flag.String("libs", "gonum,gomlx", "peers to measure")
	sizes    = flag.String("sizes", "64,256,1024,2048", "matrix sizes")
	threads  = flag.String("threads", "1,2", "thread counts (GOMAXPROCS; GoMLX parallelism)")
	minTime  = flag.Duration("mintime", 500*time.Millisecond, "time per measurement")
	minReps  = flag.Int("minreps", 2, "calls per measurement at least")
	gomlxMax = flag.Int("gomlx-max", 2048, "largest size measured on GoMLX")

	suite    = flag.String("suite", "", "run these suite workloads (comma-separated, or all) on GoMLX instead of the GEMM sizes")
	testdata = flag.String("testdata", "../../internal/benchsuite/testdata", "suite directory (suite.json, *.npy)")
	maxCall  = flag.Duration("maxcall", 20*time.Second, "suite: skip a workload whose warm-up call takes longer")
	noCheck  = flag.Bool("nocheck", false, "suite: do not check outputs against the expected .npy files")
)

func main() {
	flag.Parse()
	if *suite != "" {
		var ts []int
		for _, s := range strings.Split(*threads, ",") {
			t, err := strconv.Atoi(s)
			if err != nil {
				fail(err)
			}
			ts = append(ts, t)
		}
		if err := runSuite(*testdata, *suite, ts, !*noCheck); err != nil {
			fail(err)
		}
		return
	}
	for _, lib := range strings.Split(*libs, ",") {
		for _, ts := range strings.Split(*threads, ",") {
			t, err := strconv.Atoi(ts)
			if err != nil {
				fail(err)
			}
			runtime.GOMAXPROCS(t)
			for _, ns := range strings.Split(*sizes, ",") {
				n, err := strconv.Atoi(ns)
				if err != nil {
					fail(err)
				}
				var g float64
				switch lib {
				case "gonum":
					g = benchGonum(n)
				case "gomlx":
					if n > *gomlxMax {
						continue
					}
					g, err = benchGoMLX(n, t)
					if err != nil {
						fmt.Fprintf(os.Stderr, "gomlx n=%d: %v\n", n, err)
						continue
					}
				default:
					fail(fmt.Errorf("unknown peer %q", lib))
				}
				fmt.Printf("RESULT %s %d %d %.2f\n", lib, n, t, g)
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func inputs(n int) (a, b []float32) {
	a = make([]float32, n*n)
	b = make([]float32, n*n)
	for i := range a {
		a[i] = float32(i%7) - 3
		b[i] = float32(i%5) - 2
	}
	return
}

// measure calls f once to warm up, then repeatedly, and returns GFLOP/s.
func measure(n int, f func()) float64 {
	f()
	reps := 0
	start := time.Now()
	for reps < *minReps || time.Since(start) < *minTime {
		f()
		reps++
	}
	el := time.Since(start).Seconds()
	return 2 * float64(n) * float64(n) * float64(n) * float64(reps) / el / 1e9
}

func benchGonum(n int) float64 {
	a, b := inputs(n)
	c := make([]float32, n*n)
	var impl gonum.Implementation
	return measure(n, func() {
		impl.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
	})
}

func benchGoMLX(n, t int) (float64, error) {
	backend, err := simplego.New(fmt.Sprintf("parallelism=%d", t))
	if err != nil {
		return 0, err
	}
	defer backend.Finalize()
	exec, err := graph.NewExec(backend, func(x, y *graph.Node) *graph.Node { return graph.Dot(x, y) })
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	a, b := inputs(n)
	ta := tensors.FromFlatDataAndDimensions(a, n, n)
	tb := tensors.FromFlatDataAndDimensions(b, n, n)
	var callErr error
	g := measure(n, func() {
		out, err := exec.Exec1(ta, tb)
		if err != nil {
			callErr = err
			return
		}
		if out.Shape().Dimensions[0] != n {
			callErr = fmt.Errorf("unexpected result shape %s", out.Shape())
		}
		out.FinalizeAll()
	})
	return g, callErr
}
