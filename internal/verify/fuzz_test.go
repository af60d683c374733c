package verify_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

// fuzzLimits keeps fuzzed inputs small so that each execution is fast.
var fuzzLimits = mlir.Limits{
	MaxSourceBytes:  1 << 20,
	MaxOps:          2000,
	MaxFuncs:        64,
	MaxDepth:        16,
	MaxLiteralBytes: 1 << 16,
	MaxLiteralElems: 1 << 12,
	MaxRank:         8,
	MaxDimSize:      1 << 20,
	MaxElements:     1 << 24,
	MaxIdentLen:     256,
	MaxStringLen:    4096,
}

var fuzzSeeds = []string{
	`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = stablehlo.add %a, %a : tensor<2xf32>
  func.return %r : tensor<2xf32>
}`,
	`module attributes {mhlo.num_partitions = 1 : i32} {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @main(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
}`,
	`func.func @main(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %r = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}`,
	`func.func @main(%a: tensor<5x3xf32>, %i: tensor<4x1xi32>) -> tensor<4x3xf32> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 3>} : (tensor<5x3xf32>, tensor<4x1xi32>) -> tensor<4x3xf32>
  func.return %r : tensor<4x3xf32>
}`,
	`func.func @main(%a: tensor<2x3xf32>, %c: tensor<f32>) -> tensor<2xf32> {
  %r = stablehlo.reduce(%a init: %c) applies stablehlo.add across dimensions = [1] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`,
	`func.func @main(%a: tensor<2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`,
	`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = stablehlo.custom_call @xla_ffi_python_cpu_callback(%a) {api_version = 4 : i32, backend_config = {index = 0 : ui64}} : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`,
}

// fuzzCorpusSeeds returns the smaller corpus chunks, sorted by size.
func fuzzCorpusSeeds(f *testing.F) []string {
	dir := os.Getenv("HLOGATE_SHARED")
	if dir == "" {
		dir = filepath.Join(testutil.RepoRoot(f), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus")); err != nil {
		return nil // no corpus: the inline seeds only
	}
	var out []string
	for _, path := range testutil.CorpusFiles(f, "") {
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, c := range mlir.SplitChunks(string(src)) {
			if len(c.Text) > 200 && len(c.Text) <= 6000 {
				out = append(out, c.Text)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	if len(out) > 600 {
		// Keep a spread of sizes.
		step := len(out) / 600
		var picked []string
		for i := 0; i < len(out); i += step {
			picked = append(picked, out[i])
		}
		out = picked
	}
	return out
}

func checkErr(t *testing.T, stage string, err error, needPos bool) {
	t.Helper()
	if err == nil {
		return
	}
	var d *diag.Error
	if !errors.As(err, &d) || d != err {
		t.Fatalf("%s: error is not a *diag.Error: %T %v", stage, err, err)
	}
	if d.Rule == "" || d.Msg == "" {
		t.Fatalf("%s: error without rule or message: %#v", stage, d)
	}
	if d.Kind != diag.Rejected && d.Rule != "limit.source_bytes" {
		t.Fatalf("%s: error of kind %s: %v", stage, d.Kind, d)
	}
	if needPos && !d.Pos.Known() {
		t.Fatalf("%s: error without a position: %v", stage, d)
	}
}

func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range fuzzCorpusSeeds(f) {
		f.Add(s)
	}
	def, conf := policy.Default(), policy.Conformance()
	f.Fuzz(func(t *testing.T, src string) {
		mods, err := mlir.ParseFile(src, fuzzLimits)
		if err != nil {
			// limit.source_bytes has no position by design.
			checkErr(t, "parse", err, diag.RuleOf(err) != "limit.source_bytes")
			return
		}
		for _, m := range mods {
			err := verify.Module(m)
			checkErr(t, "verify", err, true)
			if err != nil {
				continue
			}
			checkErr(t, "default policy", def.Check(m), true)
			checkErr(t, "conformance policy", conf.Check(m), true)
		}
	})
}
