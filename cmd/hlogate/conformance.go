package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/conformance"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/verify"
)

const conformanceExamples = `  hlogate conformance ../shared/corpus/stablehlo
  hlogate conformance --filter 'while|reduce' ../shared/corpus/stablehlo/interpret
  hlogate conformance --json ../shared/corpus/stablehlo > results.jsonl
  hlogate conformance --write-report docs/CONFORMANCE.md ../shared/corpus/stablehlo
`

func runConformance(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("conformance", "hlogate conformance [--json] [--filter REGEX] [--write-report FILE] PATH...", conformanceExamples, stderr)
	asJSON := fset.Bool("json", false, "print one JSON object per test")
	filter := fset.String("filter", "", "only run files whose path matches this regular expression")
	report := fset.String("write-report", "", "write a Markdown report (e.g. docs/CONFORMANCE.md)")
	perTest := fset.Duration("timeout", time.Minute, "deadline for each file")
	engine := fset.String("engine", "plan", "execution engine: 'plan' (the fast engine; functions it cannot plan run on the reference) or 'reference'")
	paths, code := parseFlags(fset, args)
	if code >= 0 {
		return code
	}
	if len(paths) == 0 || (*engine != "plan" && *engine != "reference") {
		fset.Usage()
		return 2
	}
	var re *regexp.Regexp
	if *filter != "" {
		var err error
		if re, err = regexp.Compile(*filter); err != nil {
			return fail(stdout, stderr, *asJSON, usageError("bad --filter: %v", err))
		}
	}
	files, err := collectMLIR(paths, re)
	if err != nil {
		return fail(stdout, stderr, *asJSON, err)
	}
	pol := policy.Conformance()
	opt := conformance.Options{Verify: func(m *ir.Module) error {
		if err := verify.Module(m); err != nil {
			return err
		}
		return pol.Check(m)
	}, Engine: *engine, Plans: &conformance.PlanCounts{}}
	tty := isTerminal(stderr)
	var results []conformance.Result
	for i, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return fail(stdout, stderr, *asJSON, ioError(err))
		}
		ctx, cancel := context.WithTimeout(context.Background(), *perTest)
		rs := conformance.RunFile(ctx, path, string(src), opt)
		cancel()
		results = append(results, rs...)
		if *asJSON {
			for _, r := range rs {
				writeJSON(stdout, map[string]any{"test": r.Name, "path": r.Path, "family": r.Family, "status": r.Status.String(), "reason": r.Reason, "rule": r.Rule})
			}
		}
		if tty {
			fmt.Fprintf(stderr, "\r%s %d/%d files", progressBar(i+1, len(files), 30), i+1, len(files))
		}
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	pass, failed, skip := tally(results)
	if !*asJSON {
		printFamilyTable(stdout, results)
		for _, r := range results {
			if r.Status == conformance.Fail {
				fmt.Fprintf(stdout, "FAIL %s: %s\n", r.Name, r.Reason)
			}
		}
	}
	line := fmt.Sprintf("conformance: %d passed, %d failed, %d skipped (%s)", pass, failed, skip, engineLine(*engine, opt.Plans))
	if *asJSON {
		fmt.Fprintln(stderr, line)
	} else {
		fmt.Fprintln(stdout, line)
	}
	if *report != "" {
		if err := os.WriteFile(*report, []byte(markdownReport(results, paths, engineLine(*engine, opt.Plans))), 0o644); err != nil {
			return fail(stdout, stderr, *asJSON, ioError(err))
		}
	}
	if failed > 0 {
		return 5
	}
	return 0
}

func collectMLIR(paths []string, re *regexp.Regexp) ([]string, error) {
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".mlir") && (re == nil || re.MatchString(path)) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, ioError(err)
		}
	}
	sort.Strings(files)
	return files, nil
}

func tally(rs []conformance.Result) (pass, failed, skip int) {
	for _, r := range rs {
		switch r.Status {
		case conformance.Pass:
			pass++
		case conformance.Fail:
			failed++
		default:
			skip++
		}
	}
	return
}

type familyCount struct{ pass, fail, skip int }

func familyCounts(rs []conformance.Result) ([]string, map[string]*familyCount) {
	fam := map[string]*familyCount{}
	for _, r := range rs {
		c := fam[r.Family]
		if c == nil {
			c = &familyCount{}
			fam[r.Family] = c
		}
		switch r.Status {
		case conformance.Pass:
			c.pass++
		case conformance.Fail:
			c.fail++
		default:
			c.skip++
		}
	}
	names := make([]string, 0, len(fam))
	for n := range fam {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, fam
}

func printFamilyTable(w io.Writer, rs []conformance.Result) {
	names, fam := familyCounts(rs)
	fmt.Fprintf(w, "%-32s %6s %6s %6s\n", "FAMILY", "PASS", "FAIL", "SKIP")
	for _, n := range names {
		c := fam[n]
		fmt.Fprintf(w, "%-32s %6d %6d %6d\n", n, c.pass, c.fail, c.skip)
	}
}

func markdownReport(rs []conformance.Result, paths []string, engine string) string {
	pass, failed, skip := tally(rs)
	var b strings.Builder
	b.WriteString("# Conformance\n\nGenerated by `hlogate conformance --write-report docs/CONFORMANCE.md " + strings.Join(paths, " ") + "`; do not edit by hand.\n\n")
	b.WriteString("Each test is judged as upstream judges it (see `shared/corpus/stablehlo/PROVENANCE.md`): it must parse, verify, pass the conformance policy, and run with every check satisfied.\n\n")
	total := pass + failed
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(pass) / float64(total)
	}
	fmt.Fprintf(&b, "**%d passed, %d failed, %d skipped** — %.2f%% of the executable tests pass.\n\n", pass, failed, skip, pct)
	fmt.Fprintf(&b, "Engine: %s. (The corpus programs compute on constants, so most of their ops are folded at compile time through the reference kernels; `internal/plan`'s TestCorpusVerdicts also runs them with folding off, every op a plan step; TestCorpus in internal/conformance requires both engines to pass the same tests.)\n\n", engine)
	b.WriteString("## By op family\n\n| family | pass | fail | skip |\n|---|---:|---:|---:|\n")
	names, fam := familyCounts(rs)
	for _, n := range names {
		c := fam[n]
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", n, c.pass, c.fail, c.skip)
	}
	b.WriteString("\n## Failures\n\n")
	if failed == 0 {
		b.WriteString("None.\n")
	}
	for _, r := range rs {
		if r.Status == conformance.Fail {
			fmt.Fprintf(&b, "- `%s`: %s\n", r.Name, oneLine(r.Reason))
		}
	}
	b.WriteString("\n## Skipped\n\n")
	reasons := map[string]int{}
	for _, r := range rs {
		if r.Status == conformance.Skip {
			reasons[r.Reason]++
		}
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "- %d × %s\n", reasons[k], k)
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

func progressBar(done, total, width int) string {
	n := width * done / max(total, 1)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// engineLine says which engine ran the tests and, for the plan engine, how
// much of the work its native kernels did.
func engineLine(engine string, pc *conformance.PlanCounts) string {
	if engine != "plan" {
		return "reference executor"
	}
	return fmt.Sprintf("plan engine: %d functions planned, %d run by the reference executor; plan steps: %d native, %d per-op fallback",
		pc.Planned, pc.Unplanned, pc.Native, pc.Fallback)
}
