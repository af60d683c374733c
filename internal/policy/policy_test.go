package policy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
)

func TestDefaultAllowlist(t *testing.T) {
	p := policy.Default()
	want := []string{"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "shape_assertion",
		"stablehlo.dynamic_top_k", "stablehlo.dynamic_approx_top_k"}
	for _, x := range "sdcz" {
		for _, k := range []string{"potrf", "getrf", "geqrf", "trsm", "gesdd", "geev"} {
			want = append(want, "lapack_"+string(x)+k+"_ffi")
		}
	}
	want = append(want, "lapack_sorgqr_ffi", "lapack_dorgqr_ffi", "lapack_cungqr_ffi", "lapack_zungqr_ffi",
		"lapack_ssyevd_ffi", "lapack_dsyevd_ffi", "lapack_cheevd_ffi", "lapack_zheevd_ffi")
	got := slices.Clone(p.AllowedCustomCalls)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("allowlist:\n got %v\nwant %v", got, want)
	}
	for _, op := range []string{"stablehlo.infeed", "stablehlo.outfeed", "stablehlo.send", "stablehlo.recv",
		"stablehlo.all_reduce", "stablehlo.all_gather", "stablehlo.all_to_all", "stablehlo.reduce_scatter",
		"stablehlo.collective_permute", "stablehlo.collective_broadcast", "stablehlo.collective_reduce",
		"stablehlo.async_start", "stablehlo.async_done", "stablehlo.rng", "interpreter.run_parallel"} {
		if !slices.Contains(p.DeniedOps, op) {
			t.Errorf("default policy does not deny %s", op)
		}
	}
	if slices.Contains(p.DeniedOps, "stablehlo.rng_bit_generator") {
		t.Error("rng_bit_generator is deterministic and should stay allowed")
	}
	if p.AllowCheckOps || !policy.Conformance().AllowCheckOps {
		t.Error("only the conformance policy admits test ops")
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
}

func TestTestdataDefaultMatches(t *testing.T) {
	p, err := policy.Load(filepath.Join("testdata", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, policy.Default()) {
		b, _ := policy.Default().Marshal()
		t.Errorf("testdata/default.json is out of date; it should be:\n%s", b)
	}
	b, err := policy.Default().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := policy.Parse(b)
	if err != nil || !reflect.DeepEqual(q, policy.Default()) {
		t.Errorf("Marshal/Parse round trip: %v", err)
	}
}

func TestStrictPolicy(t *testing.T) {
	p, err := policy.Load(filepath.Join("testdata", "strict.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ src, rule string }{
		{`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = chlo.erf %a : tensor<2xf32> -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "policy.dialect"},
		{`func.func @main(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = stablehlo.custom_call @lapack_spotrf_ffi(%a) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  func.return %r : tensor<4x4xf32>
}`, "policy.op"},
		{`func.func @main(%s: tensor<2xui64>) -> tensor<2xui32> {
  %n, %r = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2xui32>)
  func.return %r : tensor<2xui32>
}`, "policy.op"},
		{`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = stablehlo.sqrt %a : tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, ""},
	}
	for i, c := range cases {
		m, err := mlir.ParseModule(c.src, mlir.Limits{})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got := diag.RuleOf(p.Check(m)); got != c.rule {
			t.Errorf("case %d: got %q, want %q", i, got, c.rule)
		}
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]string{
		"unknown field":  `{"allowed_dialects": ["stablehlo"], "allow_everything": true}`,
		"trailing data":  `{"allowed_dialects": ["stablehlo"]} {}`,
		"wildcard":       `{"allowed_custom_calls": ["lapack_*"]}`,
		"empty name":     `{"denied_ops": [""]}`,
		"dotted dialect": `{"allowed_dialects": ["stablehlo."]}`,
		"wrong type":     `{"allow_check_ops": "yes"}`,
		"not an object":  `["stablehlo"]`,
		"not json":       `allowed_dialects = stablehlo`,
		"too large":      `{"name": "` + strings.Repeat("x", policy.MaxFileBytes) + `"}`,
		"space in name":  `{"allowed_custom_calls": ["Sharding "]}`,
	}
	for name, src := range cases {
		_, err := policy.Parse([]byte(src))
		d := diag.As(err)
		if d == nil || d.Rule != "policy.file" || d.Kind != diag.Usage {
			t.Errorf("%s: got %v, want a policy.file usage error", name, err)
		}
	}
	if _, err := policy.Load(filepath.Join(t.TempDir(), "missing.json")); diag.RuleOf(err) != "policy.file" {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"name": "`+strings.Repeat("y", policy.MaxFileBytes)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Load(big); diag.RuleOf(err) != "policy.file" {
		t.Errorf("big file: %v", err)
	}
}

func TestCheckMessages(t *testing.T) {
	cases := []struct {
		target, want string
	}{
		{"xla_python_cpu_callback", "host callback"},
		{"xla_ffi_python_cpu_callback", "callback table"},
		{"tpu_custom_call", "Mosaic TPU kernel"},
		{"mosaic_gpu_v2", "Mosaic GPU"},
		{"__gpu$xla.gpu.triton", "Triton"},
		{"CustomSPMDPartitioning", "Python at compile time"},
		{"system", "allowlist"},
		{"check.expect_eq", "test-only"},
	}
	for _, c := range cases {
		src := `func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = stablehlo.custom_call @"` + c.target + `"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`
		m, err := mlir.ParseModule(src, mlir.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c.target, err)
		}
		d := diag.As(policy.Default().Check(m))
		if d == nil || d.Rule != "policy.custom_call" || d.Kind != diag.Rejected || d.Pos.Line != 2 {
			t.Errorf("%s: %v", c.target, d)
			continue
		}
		if !strings.Contains(d.Msg, c.target) || !strings.Contains(d.Msg, c.want) || d.Hint == "" {
			t.Errorf("%s: message %q should name the target and say %q", c.target, d.Msg, c.want)
		}
	}
}

func TestZeroPolicyAllowsNothing(t *testing.T) {
	m, err := mlir.ParseModule(`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  func.return %a : tensor<2xf32>
}`, mlir.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := diag.RuleOf((&policy.Policy{}).Check(m)); got != "policy.dialect" {
		t.Errorf("zero policy: got %q, want policy.dialect", got)
	}
	if (&policy.Policy{}).Check(nil) != nil {
		t.Error("nil module")
	}
}
