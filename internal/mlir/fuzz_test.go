package mlir_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

var fuzzLimits = mlir.Limits{
	MaxSourceBytes: 1 << 20, MaxOps: 10000, MaxFuncs: 100, MaxDepth: 32,
	MaxLiteralBytes: 1 << 20, MaxLiteralElems: 1 << 16, MaxRank: 8,
	MaxDimSize: 1 << 20, MaxElements: 1 << 24, MaxIdentLen: 256, MaxStringLen: 4096,
}

// addCorpusSeeds adds the small chunks of the shared corpus as seeds (none
// when the corpus is absent).
func addCorpusSeeds(f *testing.F) {
	dir := os.Getenv("HLOGATE_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	var files []string
	for _, pat := range []string{"corpus/stablehlo/interpret/*.mlir", "corpus/stablehlo/interpret/chlo/*.mlir", "corpus/jax-export/*.mlir", "corpus/stablehlo/testdata/dynamic/*.mlir"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, c := range mlir.SplitChunks(string(src)) {
			if len(c.Text) < 8<<10 {
				f.Add(c.Text)
			}
		}
	}
}

// FuzzParse: the parser never panics, every error is a located *diag.Error,
// and whatever parses prints to a fixed point.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"func.func @f() { func.return }",
		"module @m { func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> { %0 = stablehlo.add %a, %a : tensor<2xf32>\n func.return %0 : tensor<2xf32> } }",
		`func.func @f() { %c = stablehlo.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>` + "\n func.return }",
		`func.func @f() { %c = stablehlo.constant dense<"0x0000803F"> : tensor<f32>` + "\n func.return }",
		"#loc = loc(unknown)\nfunc.func @f(%a: tensor<?x4x!quant.uniform<i8:f32, 0.5:-3>>) { func.return } loc(#loc)",
	} {
		f.Add(s)
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		mods, err := mlir.ParseFile(src, fuzzLimits)
		if err != nil {
			d := diag.As(err)
			if d.Kind != diag.Rejected || d.Rule == "" || d.Rule == "internal" {
				t.Fatalf("bad error: %#v", d)
			}
			if !d.Pos.Known() && !strings.HasPrefix(d.Rule, "limit.source") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		for _, m := range mods {
			p1 := ir.Print(m)
			m2, err := mlir.ParseModule(p1, mlir.Limits{})
			if err != nil {
				t.Fatalf("printed module does not parse: %v\n%s", err, p1)
			}
			if p2 := ir.Print(m2); p2 != p1 {
				t.Fatalf("print is not a fixed point:\n%s\n---\n%s", p1, p2)
			}
		}
	})
}

// The corpus seeds double as a quick regression test when not fuzzing.
var _ = testutil.RepoRoot
