package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/benchsuite"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/tensor"
)

const benchExamples = `  # the whole suite on the fast engine, 1 and 2 threads
  hlogate bench

  # two workloads, 3 s each, machine-readable
  hlogate bench --suite mlp,transformer --mintime 3s --json

  # lines for bench/peers/suite.sh (RESULT hlogate <workload> <threads> <s/call>)
  hlogate bench --format results --threads 1,2 --mintime 0.5s
`

// benchResult is one measurement of one workload at one thread count.
type benchResult struct {
	Workload   string  `json:"workload"`
	Threads    int     `json:"threads"`
	Engine     string  `json:"engine"`
	Calls      int     `json:"calls"`
	SecPerCall float64 `json:"seconds_per_call"`
	MinSec     float64 `json:"min_seconds"`
	GFLOPs     float64 `json:"gflop_per_s"`
	Plan       string  `json:"plan,omitempty"`
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", "hlogate bench [--suite NAMES] [--threads 1,2] [--mintime 1s] [--engine plan|reference] [--format table|results|json]", benchExamples, stderr)
	suite := fs.String("suite", "", "comma-separated workloads to run (default: all; see --list)")
	list := fs.Bool("list", false, "list the workloads and exit")
	threadsFlag := fs.String("threads", defaultThreads(), "comma-separated thread counts (GOMAXPROCS and GEMM workers)")
	minTime := fs.Duration("mintime", time.Second, "time to spend timing each workload at each thread count")
	minReps := fs.Int("minreps", 3, "timed calls at least")
	engine := fs.String("engine", "plan", "engine: 'plan' (the fast engine) or 'reference' (the oracle; slow)")
	format := fs.String("format", "table", "output: 'table', 'results' (lines for bench/peers/suite.sh) or 'json'")
	asJSON := fs.Bool("json", false, "same as --format json")
	pos, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if *asJSON {
		*format = "json"
	}
	ws, err := benchsuite.All()
	if err != nil {
		return fail(stdout, stderr, false, err)
	}
	if *list {
		for _, w := range ws {
			fmt.Fprintf(stdout, "%-12s %s\n", w.Name, w.Description)
		}
		return 0
	}
	threads, err := parseThreads(*threadsFlag)
	if len(pos) != 0 || err != nil || (*engine != "plan" && *engine != "reference") || !slices.Contains([]string{"table", "results", "json"}, *format) || *minReps < 1 {
		if err == nil {
			err = fmt.Errorf("bench takes no arguments; --engine is plan or reference; --format is table, results or json; --minreps ≥ 1")
		}
		return fail(stdout, stderr, false, usageError("%v", err))
	}
	if ws, err = selectWorkloads(ws, *suite); err != nil {
		return fail(stdout, stderr, false, usageError("%v", err))
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var results []benchResult
	for _, w := range ws {
		for _, t := range threads {
			fmt.Fprintf(stderr, "bench: %-12s threads=%d ...", w.Name, t)
			r, err := benchOne(&w, t, *engine, *minTime, *minReps)
			if err != nil {
				fmt.Fprintln(stderr)
				return fail(stdout, stderr, *format == "json", err)
			}
			fmt.Fprintf(stderr, " %s/call (%d calls)\n", fmtSeconds(r.SecPerCall), r.Calls)
			results = append(results, r)
		}
	}
	switch *format {
	case "json":
		writeJSON(stdout, map[string]any{"machine": machineLine(), "jax": benchsuite.JAXVersion(), "results": results})
	case "results":
		for _, r := range results {
			fmt.Fprintf(stdout, "RESULT hlogate %s %d %.9f\n", r.Workload, r.Threads, r.SecPerCall)
		}
	default:
		printBenchTable(stdout, results)
	}
	return 0
}

func defaultThreads() string {
	if n := runtime.NumCPU(); n > 1 {
		return "1," + strconv.Itoa(n)
	}
	return "1"
}

func parseThreads(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("--threads: %q is not a thread count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func selectWorkloads(ws []benchsuite.Workload, names string) ([]benchsuite.Workload, error) {
	if names == "" {
		return ws, nil
	}
	var out []benchsuite.Workload
	for _, n := range splitKeys(names) {
		i := slices.IndexFunc(ws, func(w benchsuite.Workload) bool { return w.Name == n })
		if i < 0 {
			var known []string
			for _, w := range ws {
				known = append(known, w.Name)
			}
			return nil, fmt.Errorf("--suite: no workload %q (have %s)", n, strings.Join(known, ", "))
		}
		out = append(out, ws[i])
	}
	return out, nil
}

// benchOne compiles w once and times calls of it.
func benchOne(w *benchsuite.Workload, threads int, engine string, minTime time.Duration, minReps int) (benchResult, error) {
	runtime.GOMAXPROCS(threads)
	src, err := w.Source()
	if err != nil {
		return benchResult{}, err
	}
	mods, err := pipeline.Admit(w.File, src, pipeline.Options{})
	if err != nil {
		return benchResult{}, err
	}
	m := mods[0]
	fn := m.Entry("")
	in, err := w.Inputs()
	if err != nil {
		return benchResult{}, err
	}
	call, desc, err := benchCall(m, fn, engine, threads)
	if err != nil {
		return benchResult{}, err
	}
	if err := call(in); err != nil { // warm-up
		return benchResult{}, err
	}
	var times []float64
	start := time.Now()
	for len(times) < minReps || time.Since(start) < minTime {
		t0 := time.Now()
		if err := call(in); err != nil {
			return benchResult{}, err
		}
		times = append(times, time.Since(t0).Seconds())
	}
	total := time.Since(start).Seconds()
	r := benchResult{Workload: w.Name, Threads: threads, Engine: engine, Calls: len(times),
		SecPerCall: total / float64(len(times)), MinSec: slices.Min(times), Plan: desc}
	r.GFLOPs = w.FLOPs / r.SecPerCall / 1e9
	return r, nil
}

func benchCall(m *ir.Module, fn *ir.Func, engine string, threads int) (func([]*tensor.Tensor) error, string, error) {
	lim := exec.Limits{MaxMemory: 16 << 30}
	ctx := context.Background()
	if engine == "reference" {
		return func(in []*tensor.Tensor) error { _, _, err := exec.Run(ctx, m, fn, in, lim); return err }, "", nil
	}
	p, err := plan.Compile(m, fn, plan.Options{Threads: threads})
	if err != nil {
		return nil, "", err
	}
	d := p.Describe()
	desc := fmt.Sprintf("%d native + %d fallback steps", d.Native, d.Fallback)
	return func(in []*tensor.Tensor) error { _, _, err := p.Run(ctx, in, lim); return err }, desc, nil
}

func printBenchTable(w io.Writer, rs []benchResult) {
	fmt.Fprintf(w, "# %s\n", machineLine())
	fmt.Fprintf(w, "%-12s %7s %12s %12s %10s  %s\n", "WORKLOAD", "THREADS", "TIME/CALL", "BEST", "GFLOP/s", "PLAN")
	for _, r := range rs { // measured in workload order
		fmt.Fprintf(w, "%-12s %7d %12s %12s %10.2f  %s\n", r.Workload, r.Threads, fmtSeconds(r.SecPerCall), fmtSeconds(r.MinSec), r.GFLOPs, r.Plan)
	}
}

func fmtSeconds(s float64) string {
	return time.Duration(s * 1e9).Round(time.Microsecond / 10).String()
}

func machineLine() string {
	return fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}
