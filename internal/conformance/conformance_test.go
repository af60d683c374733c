package conformance_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/conformance"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

const knownFailuresFile = "testdata/known_failures.txt"

// TestCorpus runs the shared StableHLO corpus through parse, verify, the
// conformance policy and the reference executor. Every failure must be
// listed, with its cause, in testdata/known_failures.txt, and every listed
// test must still fail, so CI catches regressions and fixes alike.
// CONF_FILTER (a regexp on the path) restricts the run while working on an
// op family; CONF_UPDATE=1 rewrites the list.
func TestCorpus(t *testing.T) {
	files := testutil.CorpusFiles(t, "stablehlo")
	passes := map[string]int{}
	for _, engine := range []string{"reference", "plan"} {
		t.Run(engine, func(t *testing.T) { passes[engine] = corpusRun(t, files, engine) })
	}
	// The fast engine passes exactly what the reference passes: the
	// known-failure list is the same for both, and so is the count.
	if passes["plan"] != passes["reference"] {
		t.Errorf("plan engine passes %d tests, reference %d", passes["plan"], passes["reference"])
	}
}

func corpusRun(t *testing.T, files []string, engine string) int {
	var filter *regexp.Regexp
	if f := os.Getenv("CONF_FILTER"); f != "" {
		filter = regexp.MustCompile(f)
	}
	pol := policy.Conformance()
	var plans conformance.PlanCounts
	opt := conformance.Options{Verify: func(m *ir.Module) error {
		if err := verify.Module(m); err != nil {
			return err
		}
		return pol.Check(m)
	}, Engine: engine, Plans: &plans}
	counts := map[conformance.Status]int{}
	failures := map[string]string{}
	for _, path := range files {
		if filter != nil && !filter.MatchString(path) {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		for _, r := range conformance.RunFile(ctx, path, string(src), opt) {
			counts[r.Status]++
			if r.Status == conformance.Fail {
				failures[testKey(path, r)] = oneLine(r.Reason)
			}
		}
		cancel()
	}
	pass, fail := counts[conformance.Pass], counts[conformance.Fail]
	t.Logf("conformance (%s engine): %d passed, %d failed, %d skipped", engine, pass, fail, counts[conformance.Skip])
	if engine == "plan" {
		t.Logf("plan engine: %d functions planned, %d run by the reference executor; plan steps %d native, %d per-op fallback",
			plans.Planned, plans.Unplanned, plans.Native, plans.Fallback)
		type kv struct {
			op string
			n  int
		}
		var top []kv
		for op, n := range plans.FallbackOps {
			top = append(top, kv{op, n})
		}
		sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n })
		t.Logf("per-op fallbacks (check.* not counted): %v", top[:min(len(top), 25)])
		if plans.Planned == 0 {
			t.Errorf("the plan engine planned no function")
		}
	}
	if os.Getenv("CONF_UPDATE") != "" {
		writeKnown(t, failures)
		return pass
	}
	known := readKnown(t)
	for key, reason := range failures {
		if _, ok := known[key]; !ok {
			t.Errorf("FAIL %s (not a known failure): %s", key, reason)
		}
	}
	if filter == nil {
		for key := range known {
			if _, ok := failures[key]; !ok {
				t.Errorf("%s is listed as a known failure but passes now: remove it from %s (or run with CONF_UPDATE=1)", key, knownFailuresFile)
			}
		}
		if total := pass + fail; total > 0 && float64(pass) < 0.98*float64(total) {
			t.Errorf("only %d of %d executable tests pass (%.1f%%), below the 98%% floor", pass, total, 100*float64(pass)/float64(total))
		}
	}
	return pass
}

// testKey names a test by its path below corpus/stablehlo and chunk.
func testKey(path string, r conformance.Result) string {
	slash := filepath.ToSlash(path)
	if i := strings.Index(slash, "corpus/stablehlo/"); i >= 0 {
		slash = slash[i+len("corpus/stablehlo/"):]
	}
	if strings.Contains(r.Name, "#") {
		return slash + "#" + r.Name[strings.LastIndex(r.Name, "#")+1:]
	}
	return slash
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 240 {
		s = s[:240] + "..."
	}
	return s
}

func readKnown(t *testing.T) map[string]string {
	b, err := os.ReadFile(knownFailuresFile)
	if err != nil {
		if os.IsNotExist(err) {
			return map[string]string{}
		}
		t.Fatal(err)
	}
	known := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, "\t")
		known[key] = reason
	}
	return known
}

func writeKnown(t *testing.T, failures map[string]string) {
	keys := make([]string, 0, len(failures))
	for k := range failures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# Conformance tests that fail today, with their cause (test<TAB>cause).\n")
	b.WriteString("# Regenerate with: CONF_UPDATE=1 go test ./internal/conformance -run TestCorpus\n")
	for _, k := range keys {
		b.WriteString(k + "\t" + failures[k] + "\n")
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(knownFailuresFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
