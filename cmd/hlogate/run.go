package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/internal/refine"
	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

const runExamples = `  hlogate run model.mlir --input x.npy
  hlogate run model.mlir --input weights.safetensors --input x.json --json
  hlogate run model.mlir --input x.npy --output-dir out/ --max-memory 512MiB --timeout 5s
`

func runRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "hlogate run FILE [--input PATH]... [--output-dir DIR] [--json] [--entry NAME]", runExamples, stderr)
	var inputs stringList
	fs.Var(&inputs, "input", "input file in argument order: .npy, .json, .npz or .safetensors (an archive supplies its tensors in order); repeatable")
	outDir := fs.String("output-dir", "", "write each output as NAME.npy into this directory")
	asJSON := fs.Bool("json", false, `print {"outputs":[{"name","dtype","shape","data"}]}`)
	entry := fs.String("entry", "", "entry function (default: main, or the only public function)")
	policySpec := fs.String("policy", "default", "policy: a JSON file, or the built-in 'default' or 'conformance'")
	lim := addLimitFlags(fs)
	maxSource := byteSize(mlir.DefaultLimits().MaxSourceBytes)
	fs.Var(&maxSource, "max-source", "largest program accepted (e.g. 64MiB)")
	stats := fs.Bool("stats", false, "print wall time, FLOPs, steps, peak tensor memory and peak RSS to stderr")
	engine := fs.String("engine", "plan", "execution engine: 'plan' (the fast engine: fused, vectorized, multi-threaded kernels; what it cannot plan runs on the reference) or 'reference' (the simple, metered oracle)")
	isolation := fs.String("isolation", "none", "where the program executes: 'none' (in this process) or 'process' (a sandboxed worker process: namespaces, cgroups, rlimits, no_new_privs, seccomp; see internal/sandbox)")
	maxInput := byteSize(1 << 30)
	fs.Var(&maxInput, "max-input", "largest total input data accepted (e.g. 256MiB)")
	pos, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(pos) != 1 || (*isolation != "none" && *isolation != "process") || (*engine != "reference" && *engine != "plan") {
		fs.Usage()
		return 2
	}
	path := pos[0]
	start := time.Now()
	var st exec.Stats
	var workerRSS int64 // the sandboxed worker's peak, with --isolation=process
	if *stats {
		defer func() {
			if workerRSS > 0 {
				// The program ran in the worker: its peak is the one that
				// matters (the parent only parsed and admitted it).
				fmt.Fprintf(stderr, "stats: wall %v, flops %s, steps %d, peak tensors %s, parent peak RSS %s, sandboxed worker peak RSS %s\n",
					time.Since(start).Round(time.Microsecond), cost.FormatCount(st.FLOPs), st.Steps,
					cost.FormatBytes(st.PeakMemory), cost.FormatBytes(peakRSS()), cost.FormatBytes(workerRSS))
				return
			}
			printStats(stderr, start, st)
		}()
	}
	pol, err := loadPolicy(*policySpec)
	if err == nil {
		err = applyPolicyLimits(fs, pol)
	}
	if err != nil {
		return fail(stdout, stderr, *asJSON, err)
	}
	src, err := readSource(path, int64(maxSource))
	if err != nil {
		return fail(stdout, stderr, *asJSON, withFile(err, path))
	}
	mods, err := pipeline.Admit(path, src, pipeline.Options{Policy: pol, Limits: mlir.Limits{MaxSourceBytes: int64(maxSource)}})
	if err != nil {
		return fail(stdout, stderr, *asJSON, err)
	}
	m := mods[0]
	fn := m.Entry(*entry)
	if fn == nil {
		return fail(stdout, stderr, *asJSON, diag.New(diag.Usage, "usage.entry", diag.Pos{}, "no entry function %q in %s; name one with --entry", *entry, path))
	}
	in, err := loadInputs(inputs, tensor.DecodeLimits{MaxBytes: int64(maxInput)})
	if err != nil {
		return fail(stdout, stderr, *asJSON, err)
	}
	if err := checkInputs(fn, in); err != nil {
		return fail(stdout, stderr, *asJSON, withFile(err, path))
	}
	if refine.NeedsRefinement(m) {
		// Shape-polymorphic: specialise to these inputs' shapes, then
		// verify and bound the refined module like any other.
		rm, err := refineForInputs(m, fn, in)
		switch {
		case err == nil:
			m, fn = rm, rm.Entry(fn.Name)
		case diag.RuleOf(err) == "refine.unsupported":
			// Shapes that depend on input values cannot be fixed ahead of
			// time: the unrefined program runs with unbounded static cost,
			// under the memory, step, FLOP and deadline meters.
		default:
			return fail(stdout, stderr, *asJSON, withFile(err, path))
		}
	}
	_, admitErr, err := analyze(m, fn, lim)
	if err == nil {
		err = admitErr
	}
	if err != nil {
		return fail(stdout, stderr, *asJSON, withFile(err, path))
	}
	ctx, cancel := context.WithTimeout(context.Background(), lim.timeout)
	defer cancel()
	var outs []*tensor.Tensor
	if *isolation == "process" {
		// The worker re-parses the program: the original source keeps
		// diagnostic positions; a refined module is sent printed.
		prog := src
		if refine.NeedsRefinement(mods[0]) {
			prog = ir.Print(m)
		}
		var res *sandbox.Result
		cfg := sandbox.Config{}
		if *engine == "plan" {
			cfg.Engine = "plan"
		}
		outs, st, res, err = sandbox.Exec(ctx, cfg, prog, fn.Name, in, lim.execLimits(), lim.timeout)
		if res != nil {
			workerRSS = res.PeakRSS
		}
	} else if *engine == "plan" {
		var e *plan.Executable
		if e, err = plan.Prepare(m, fn, plan.Options{}); err == nil {
			outs, st, err = e.Run(ctx, in, lim.execLimits())
		}
	} else {
		outs, st, err = exec.Run(ctx, m, fn, in, lim.execLimits())
	}
	if err != nil {
		return fail(stdout, stderr, *asJSON, withFile(err, path))
	}
	names := outputNames(fn)
	if *outDir != "" {
		if err := writeOutputs(*outDir, names, outs); err != nil {
			return fail(stdout, stderr, *asJSON, err)
		}
	}
	if *asJSON {
		return printOutputsJSON(stdout, stderr, names, outs)
	}
	for i, t := range outs {
		fmt.Fprintf(stdout, "%s: %s%v %s\n", names[i], t.DType, t.Shape, preview(t))
	}
	return 0
}

// loadInputs decodes each input file by its extension.
func loadInputs(paths []string, lim tensor.DecodeLimits) ([]*tensor.Tensor, error) {
	var out []*tensor.Tensor
	for _, p := range paths {
		data, err := readLimited(p, lim.MaxBytes)
		if err != nil {
			return nil, err
		}
		var ts []*tensor.Tensor
		switch strings.ToLower(filepath.Ext(p)) {
		case ".npy":
			var t *tensor.Tensor
			if t, err = tensor.DecodeNPY(data, lim); err == nil {
				ts = []*tensor.Tensor{t}
			}
		case ".json":
			var t *tensor.Tensor
			if t, err = tensor.DecodeJSON(data, lim); err == nil {
				ts = []*tensor.Tensor{t}
			}
		case ".npz":
			var named []tensor.Named
			if named, err = tensor.DecodeNPZ(data, lim); err == nil {
				ts = tensorsOf(named)
			}
		case ".safetensors":
			var named []tensor.Named
			if named, _, err = tensor.DecodeSafetensors(data, lim); err == nil {
				ts = tensorsOf(named)
			}
		default:
			return nil, usageError("input %s: unknown format; use .npy, .json, .npz or .safetensors", p)
		}
		if err != nil {
			d := diag.As(err)
			d.File = p
			return nil, d
		}
		out = append(out, ts...)
	}
	return out, nil
}

func tensorsOf(named []tensor.Named) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(named))
	for i, n := range named {
		out[i] = n.Tensor
	}
	return out
}

func readLimited(path string, maxBytes int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ioError(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, ioError(err)
	}
	if int64(len(b)) > maxBytes {
		return nil, diag.New(diag.InvalidInput, "input.size", diag.Pos{}, "input %s is larger than %d bytes", path, maxBytes).WithHint("raise --max-input")
	}
	return b, nil
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// outputNames names results from jax.result_info, else output_N.
func outputNames(fn *ir.Func) []string {
	names := make([]string, len(fn.Results))
	seen := map[string]bool{}
	for i := range fn.Results {
		n := ""
		if i < len(fn.ResultAttrs) {
			if s, ok := fn.ResultAttrs[i].Get("jax.result_info").(ir.StringAttr); ok {
				n = strings.Trim(safeName.ReplaceAllString(string(s), "_"), "_.")
			}
		}
		if n == "" || seen[n] {
			n = fmt.Sprintf("output_%d", i)
		}
		seen[n] = true
		names[i] = n
	}
	return names
}

func writeOutputs(dir string, names []string, outs []*tensor.Tensor) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ioError(err)
	}
	for i, t := range outs {
		b, err := tensor.EncodeNPY(t)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, names[i]+".npy"), b, 0o644); err != nil {
			return ioError(err)
		}
	}
	return nil
}

func printOutputsJSON(stdout, stderr io.Writer, names []string, outs []*tensor.Tensor) int {
	type output struct {
		Name  string          `json:"name"`
		DType string          `json:"dtype"`
		Shape []int64         `json:"shape"`
		Data  json.RawMessage `json:"data"`
	}
	res := struct {
		Outputs []output `json:"outputs"`
	}{Outputs: []output{}}
	for i, t := range outs {
		b, err := tensor.EncodeJSON(t)
		if err != nil {
			return fail(stdout, stderr, true, err)
		}
		var enc struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(b, &enc); err != nil {
			return fail(stdout, stderr, true, diag.New(diag.Internal, "internal.json", diag.Pos{}, "%v", err))
		}
		shape := t.Shape
		if shape == nil {
			shape = []int64{}
		}
		res.Outputs = append(res.Outputs, output{Name: names[i], DType: tensor.NumpyName(t.DType), Shape: shape, Data: enc.Data})
	}
	writeJSON(stdout, res)
	return 0
}

// preview prints up to 8 leading elements.
func preview(t *tensor.Tensor) string {
	b, err := tensor.EncodeJSON(t)
	if err != nil {
		return ""
	}
	var enc struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &enc) != nil {
		return ""
	}
	d := bytes.TrimSpace(enc.Data)
	if len(d) > 120 {
		return string(d[:117]) + "..."
	}
	return string(d)
}

// checkInputs validates inputs against the entry signature before any
// analysis or execution (exec.Run checks again).
func checkInputs(fn *ir.Func, in []*tensor.Tensor) error {
	if len(in) != len(fn.Args) {
		return diag.New(diag.InvalidInput, "input.count", fn.Pos,
			"@%s takes %d inputs, got %d", fn.Name, len(fn.Args), len(in)).
			WithHint("pass one --input per argument, in order: %s", strings.Join(typeStrings(argTypes(fn)), ", "))
	}
	return nil
}

func argTypes(fn *ir.Func) []ir.Type {
	ts := make([]ir.Type, len(fn.Args))
	for i, a := range fn.Args {
		ts[i] = a.Type
	}
	return ts
}

// refineForInputs refines a shape-polymorphic module to the shapes (and
// dimension-argument values) of the given inputs.
func refineForInputs(m *ir.Module, fn *ir.Func, in []*tensor.Tensor) (*ir.Module, error) {
	shapes := make([][]int64, len(in))
	for i, t := range in {
		shapes[i] = t.Shape
	}
	vals := map[int]int64{}
	for _, i := range refine.DimArgs(fn) {
		if at := ir.Tensor(fn.Args[i].Type); at != nil && len(in[i].Shape) == 0 && in[i].DType == at.Elem.DType {
			vals[i] = in[i].Int64(0)
		}
	}
	rm, err := refine.RefineWith(m, fn, refine.Inputs{Shapes: shapes, Values: vals})
	if err != nil {
		return nil, err
	}
	if err := verify.Module(rm); err != nil {
		return nil, err
	}
	return rm, nil
}
