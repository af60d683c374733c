package verify_test

import (
	"testing"

	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

// BenchmarkParseVerifyCorpus parses and verifies every module of the
// shared corpus; MB/s is source bytes per second.
func BenchmarkParseVerifyCorpus(b *testing.B) {
	srcs, total := testutil.CorpusSources(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			mods, err := mlir.ParseFile(s, mlir.Limits{})
			if err != nil {
				b.Fatal(err)
			}
			for _, m := range mods {
				_ = verify.Module(m) // two corpus modules are invalid by the spec
			}
		}
	}
}
