package mlir_test

import (
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

// BenchmarkParseCorpus parses every file of the shared corpus; MB/s is
// source bytes per second.
func BenchmarkParseCorpus(b *testing.B) {
	srcs, total := testutil.CorpusSources(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			if _, err := mlir.ParseFile(s, mlir.Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// hexFile builds a module holding one hex-blob constant of n bytes.
func hexFile(n int) string {
	var sb strings.Builder
	sb.Grow(2*n + 200)
	sb.WriteString("func.func @main() -> tensor<")
	sb.WriteString(itoa(n / 4))
	sb.WriteString("xf32> {\n  %c = stablehlo.constant dense<\"0x")
	const pat = "0000803F"
	for i := 0; i < n/4; i++ {
		sb.WriteString(pat)
	}
	sb.WriteString("\"> : tensor<")
	sb.WriteString(itoa(n / 4))
	sb.WriteString("xf32>\n  func.return %c : tensor<")
	sb.WriteString(itoa(n / 4))
	sb.WriteString("xf32>\n}\n")
	return sb.String()
}

// BenchmarkParseHexLiteral100MB parses a 100 MB file that is one hex
// literal (50 MB of data). B/op is what the parser allocates: the target is
// at most 2x the literal's bytes.
func BenchmarkParseHexLiteral100MB(b *testing.B) {
	src := hexFile(50 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mlir.ParseModule(src, mlir.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseTextLiteral parses a 10 MB file of decimal float literals.
func BenchmarkParseTextLiteral(b *testing.B) {
	const n = 1 << 20
	var sb strings.Builder
	sb.WriteString("func.func @main() {\n  %c = stablehlo.constant dense<[")
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("1.2345678")
	}
	sb.WriteString("]> : tensor<" + itoa(n) + "xf32>\n  func.return\n}\n")
	src := sb.String()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mlir.ParseModule(src, mlir.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
