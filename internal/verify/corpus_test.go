package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

// corpusModule is one parsed module of the shared corpus.
type corpusModule struct {
	rel   string // path under shared/corpus
	chunk int
	m     *ir.Module
}

func (c corpusModule) key() string { return fmt.Sprintf("%s#%d", c.rel, c.chunk) }

// loadCorpus parses every corpus file; files the parser rejects are logged
// and skipped (the parser's own tests cover them).
func loadCorpus(t *testing.T) []corpusModule {
	t.Helper()
	files := testutil.CorpusFiles(t, "")
	root := filepath.Join(testutil.SharedDir(t), "corpus")
	var out []corpusModule
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		mods, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			t.Logf("%s: does not parse (not a verifier matter): %v", rel, err)
			continue
		}
		for i, m := range mods {
			out = append(out, corpusModule{rel, i, m})
		}
	}
	if len(out) < 1000 {
		t.Fatalf("corpus has only %d modules", len(out))
	}
	return out
}

// invalidBySpec lists the corpus modules that violate the specification,
// with the rule they break and why. Everything else must verify.
var invalidBySpec = map[string]struct{ rule, why string }{
	"stablehlo/testdata/dynamic/conv_general_dilated_1d_stride_2_even_dynamic.mlir#0": {
		"verify.dynamic_conv.window",
		"a 1-D convolution (rank-3 operands, one spatial dimension) with window_strides = array<i64: 2, 2>; dynamic_conv C2 requires size(window_strides) = N - 2 = 1",
	},
	"stablehlo/testdata/dynamic/conv_general_dilated_1d_stride_2_odd_dynamic.mlir#0": {
		"verify.dynamic_conv.window",
		"same as the even case: two window strides for one spatial dimension (dynamic_conv C2)",
	},
}

func TestCorpusVerifies(t *testing.T) {
	mods := loadCorpus(t)
	ok, exempt := 0, 0
	for _, c := range mods {
		err := verify.Module(c.m)
		if want, listed := invalidBySpec[c.key()]; listed {
			exempt++
			if got := diag.RuleOf(err); got != want.rule {
				t.Errorf("%s: listed as invalid (%s) with rule %s, got %v", c.key(), want.why, want.rule, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.key(), err)
			continue
		}
		ok++
	}
	t.Logf("%d corpus modules: %d verify, %d listed as invalid by the spec", len(mods), ok, exempt)
}

// conformanceRejected lists, per file, the modules the conformance policy
// rejects (chunk index and the denied op); each is rejected with policy.op.
// They all use collectives, infeed/outfeed, send/recv or
// interpreter.run_parallel.
var conformanceRejected = map[string][]struct {
	chunk int
	op    string
}{
	"stablehlo/interpret/all_gather.mlir":           {{0, "stablehlo.all_gather"}, {1, "stablehlo.all_gather"}, {2, "stablehlo.all_gather"}, {3, "stablehlo.all_gather"}, {4, "stablehlo.all_gather"}},
	"stablehlo/interpret/all_reduce.mlir":           {{0, "stablehlo.all_reduce"}, {1, "stablehlo.all_reduce"}, {2, "stablehlo.all_reduce"}, {3, "stablehlo.all_reduce"}, {4, "stablehlo.all_reduce"}},
	"stablehlo/interpret/all_to_all.mlir":           {{0, "stablehlo.all_to_all"}, {1, "stablehlo.all_to_all"}, {2, "stablehlo.all_to_all"}, {3, "stablehlo.all_to_all"}, {4, "stablehlo.all_to_all"}},
	"stablehlo/interpret/collective_broadcast.mlir": {{0, "stablehlo.collective_broadcast"}, {1, "stablehlo.collective_broadcast"}, {2, "stablehlo.collective_broadcast"}, {3, "stablehlo.collective_broadcast"}, {4, "stablehlo.collective_broadcast"}, {5, "stablehlo.collective_broadcast"}, {6, "stablehlo.collective_broadcast"}, {7, "stablehlo.collective_broadcast"}, {8, "stablehlo.collective_broadcast"}, {9, "stablehlo.collective_broadcast"}},
	"stablehlo/interpret/collective_permute.mlir":   {{0, "stablehlo.collective_permute"}, {1, "stablehlo.collective_permute"}},
	"stablehlo/interpret/collective_reduce.mlir":    {{0, "stablehlo.collective_reduce"}},
	"stablehlo/interpret/infeed.mlir":               {{0, "stablehlo.infeed"}},
	"stablehlo/interpret/outfeed.mlir":              {{0, "stablehlo.outfeed"}},
	"stablehlo/interpret/partition_id.mlir":         {{0, "interpreter.run_parallel"}},
	"stablehlo/interpret/printing.mlir":             {{3, "interpreter.run_parallel"}},
	"stablehlo/interpret/reduce_scatter.mlir":       {{0, "stablehlo.reduce_scatter"}, {1, "stablehlo.reduce_scatter"}, {2, "stablehlo.reduce_scatter"}},
	"stablehlo/interpret/replica_id.mlir":           {{0, "interpreter.run_parallel"}},
	"stablehlo/interpret/send_recv.mlir":            {{0, "stablehlo.send"}, {1, "stablehlo.send"}},
}

func TestCorpusConformancePolicy(t *testing.T) {
	mods := loadCorpus(t)
	want := map[string]string{}
	for file, list := range conformanceRejected {
		for _, e := range list {
			want[fmt.Sprintf("%s#%d", file, e.chunk)] = e.op
		}
	}
	p := policy.Conformance()
	passed, rejected := 0, 0
	for _, c := range mods {
		if verify.Module(c.m) != nil {
			continue
		}
		err := p.Check(c.m)
		op, listed := want[c.key()]
		if !listed {
			if err != nil {
				t.Errorf("%s: conformance policy rejects it: %v", c.key(), err)
			} else {
				passed++
			}
			continue
		}
		delete(want, c.key())
		d := diag.As(err)
		if d == nil || d.Rule != "policy.op" || d.Op != op || d.Kind != diag.Rejected {
			t.Errorf("%s: want [policy.op] on %s, got %v", c.key(), op, err)
			continue
		}
		rejected++
	}
	for k := range want {
		t.Errorf("%s: listed as rejected but not found in the corpus", k)
	}
	t.Logf("conformance policy: %d modules pass, %d rejected as listed", passed, rejected)
}

// defaultOffender computes, independently of the policy code, the first
// op in program order the default policy must refuse and the rule.
func defaultOffender(m *ir.Module) (rule, op string) {
	denied := map[string]bool{
		"stablehlo.infeed": true, "stablehlo.outfeed": true, "stablehlo.send": true, "stablehlo.recv": true,
		"stablehlo.all_gather": true, "stablehlo.all_reduce": true, "stablehlo.all_to_all": true,
		"stablehlo.reduce_scatter": true, "stablehlo.collective_permute": true, "stablehlo.collective_broadcast": true,
		"stablehlo.collective_reduce": true, "stablehlo.rng": true, "stablehlo.async_start": true, "stablehlo.async_done": true,
	}
	m.Walk(func(f *ir.Func, o *ir.Op) bool {
		switch {
		case strings.HasPrefix(o.Name, "check.") || strings.HasPrefix(o.Name, "interpreter."):
			rule, op = "policy.dialect", o.Name
		case denied[o.Name]:
			rule, op = "policy.op", o.Name
		case o.Name == "stablehlo.custom_call":
			t, _ := o.Props.Get("call_target_name").(ir.StringAttr)
			if strings.HasPrefix(string(t), "check.") {
				rule, op = "policy.custom_call", o.Name
			}
		}
		return rule == ""
	})
	return rule, op
}

func TestCorpusDefaultPolicy(t *testing.T) {
	mods := loadCorpus(t)
	p := policy.Default()
	byRule := map[string]int{}
	for _, c := range mods {
		if verify.Module(c.m) != nil {
			continue
		}
		err := p.Check(c.m)
		rule, op := defaultOffender(c.m)
		if rule == "" {
			if err != nil {
				t.Errorf("%s: default policy rejects it: %v", c.key(), err)
			}
			byRule["ok"]++
			continue
		}
		d := diag.As(err)
		if d == nil || d.Rule != rule || d.Op != op || d.Kind != diag.Rejected || !d.Pos.Known() {
			t.Errorf("%s: want [%s] on %s, got %v", c.key(), rule, op, err)
			continue
		}
		byRule[rule]++
	}
	// Almost every upstream test checks its results with check.* ops or
	// check.* custom calls; only the JAX exports and a few modules are clean.
	if byRule["policy.dialect"] < 500 || byRule["policy.custom_call"] < 1000 {
		t.Errorf("too few test-op rejections: %v", byRule)
	}
	t.Logf("default policy: %v", byRule)
}

// TestJaxExportsPassDefault checks that the JAX CPU exports, which use the
// LAPACK FFI targets, shape assertions and the dynamic top-k shims, pass
// both verification and the default policy.
func TestJaxExportsPassDefault(t *testing.T) {
	for _, f := range testutil.CorpusFiles(t, "jax-export") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mlir.ParseModule(string(src), mlir.Limits{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if err := verify.Module(m); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		if err := policy.Default().Check(m); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}
