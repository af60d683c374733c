package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/pipeline"
)

const checkExamples = `  hlogate check model.mlir
  hlogate check --json model.mlir
  hlogate check --policy strict.json a.mlir b.mlir
  hlogate check --policy conformance ../shared/corpus/stablehlo/interpret/while.mlir
  hlogate check --cost --max-memory 512MiB --max-flops 1e10 model.mlir
`

type checkModule struct {
	Name    string         `json:"name,omitempty"`
	Entry   string         `json:"entry,omitempty"`
	Inputs  []string       `json:"inputs"`
	Outputs []string       `json:"outputs"`
	OpCount int            `json:"op_count"`
	Ops     map[string]int `json:"ops"`
	Cost    *jsonCost      `json:"cost,omitempty"`

	report   *cost.Report
	admitErr error
}

type checkReport struct {
	File    string        `json:"file"`
	Verdict string        `json:"verdict"`
	Modules []checkModule `json:"modules,omitempty"`
	Error   *jsonError    `json:"error,omitempty"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "hlogate check [--json] [--policy FILE|default|conformance] [--entry NAME] FILE...", checkExamples, stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	policySpec := fs.String("policy", "default", "policy: a JSON file, or the built-in 'default' or 'conformance'")
	entry := fs.String("entry", "", "entry function (default: main, or the only public function)")
	withCost := fs.Bool("cost", false, "print the static cost report and whether the program is admissible under the limits")
	lim := addLimitFlags(fs)
	maxSource := byteSize(mlir.DefaultLimits().MaxSourceBytes)
	fs.Var(&maxSource, "max-source", "largest program accepted (e.g. 64MiB)")
	files, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(files) == 0 {
		fs.Usage()
		return 2
	}
	pol, err := loadPolicy(*policySpec)
	if err == nil {
		err = applyPolicyLimits(fs, pol)
	}
	if err != nil {
		return fail(stdout, stderr, *asJSON, err)
	}
	worst := 0
	for _, path := range files {
		var costLim *limitFlags
		if *withCost {
			costLim = lim
		}
		rep := checkOne(path, *entry, int64(maxSource), costLim, pipeline.Options{Policy: pol, Limits: mlir.Limits{MaxSourceBytes: int64(maxSource)}})
		code := 0
		if rep.Error != nil {
			code = kindExit(rep.Error.Kind)
		}
		worst = max(worst, code)
		if *asJSON {
			writeJSON(stdout, rep)
			continue
		}
		printCheck(stdout, rep)
	}
	return worst
}

func kindExit(kind string) int {
	for k := diag.Internal; k <= diag.Usage; k++ {
		if k.String() == kind {
			return k.ExitCode()
		}
	}
	return 1
}

func checkOne(path, entry string, maxSource int64, lim *limitFlags, opt pipeline.Options) checkReport {
	rep := checkReport{File: path}
	src, err := readSource(path, maxSource)
	if err != nil {
		rep.Verdict, rep.Error = "error", toJSONError(withFile(err, path))
		return rep
	}
	opt.Split = hasSplitMarker(src)
	mods, err := pipeline.Admit(path, src, opt)
	for _, m := range mods {
		rep.Modules = append(rep.Modules, describeModule(m, entry))
	}
	if err != nil {
		rep.Verdict, rep.Error = diag.KindOf(err).String(), toJSONError(err)
		return rep
	}
	rep.Verdict = "ok"
	if lim == nil {
		return rep
	}
	for i, m := range mods {
		fn := m.Entry(entry)
		if fn == nil || !staticSignature(fn) {
			continue
		}
		r, admitErr, err := analyze(m, fn, lim)
		if err != nil {
			rep.Verdict, rep.Error = diag.KindOf(err).String(), toJSONError(withFile(err, path))
			return rep
		}
		rep.Modules[i].Cost = costJSON(r, admitErr)
		rep.Modules[i].report, rep.Modules[i].admitErr = r, admitErr
		if admitErr != nil && rep.Error == nil {
			rep.Verdict, rep.Error = "rejected", toJSONError(withFile(admitErr, path))
		}
	}
	return rep
}

// staticSignature reports whether every argument has a static shape (a
// shape-polymorphic entry is bounded after refinement, at run time).
func staticSignature(fn *ir.Func) bool {
	for _, a := range fn.Args {
		if tt := ir.Tensor(a.Type); tt != nil && !tt.IsStatic() {
			return false
		}
	}
	return true
}

func withFile(err error, path string) error {
	d := diag.As(err)
	if d.File == "" {
		d.File = path
	}
	return d
}

func hasSplitMarker(src string) bool {
	return strings.HasPrefix(src, "// -----") || strings.Contains(src, "\n// -----")
}

func describeModule(m *ir.Module, entry string) checkModule {
	h, total := opHistogram(m)
	cm := checkModule{Name: m.Name, OpCount: total, Ops: h, Inputs: []string{}, Outputs: []string{}}
	if f := m.Entry(entry); f != nil {
		cm.Entry = f.Name
		for _, a := range f.Args {
			cm.Inputs = append(cm.Inputs, a.Type.String())
		}
		cm.Outputs = typeStrings(f.Results)
	}
	return cm
}

func printCheck(w io.Writer, rep checkReport) {
	if rep.Error != nil {
		e := rep.Error
		loc := rep.File
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", rep.File, e.Line, e.Col)
		}
		fmt.Fprintf(w, "%s: %s [%s]", loc, e.Kind, e.Rule)
		if e.Op != "" {
			fmt.Fprintf(w, " %s", e.Op)
		}
		fmt.Fprintf(w, ": %s\n", e.Message)
		if e.Hint != "" {
			fmt.Fprintf(w, "  hint: %s\n", e.Hint)
		}
		for _, m := range rep.Modules {
			if m.report != nil { // a cost rejection: show the report behind it
				printCost(w, m.report, m.admitErr)
			}
		}
		return
	}
	fmt.Fprintf(w, "%s: ok\n", rep.File)
	for _, m := range rep.Modules {
		name := m.Name
		if name == "" {
			name = "(unnamed)"
		}
		sig := "(no entry function)"
		if m.Entry != "" {
			sig = fmt.Sprintf("@%s(%s) -> (%s)", m.Entry, strings.Join(m.Inputs, ", "), strings.Join(m.Outputs, ", "))
		}
		fmt.Fprintf(w, "  module %s  %s\n  ops: %d (%s)\n", name, sig, m.OpCount, formatHistogram(m.Ops))
		if m.report != nil {
			printCost(w, m.report, m.admitErr)
		}
	}
}
