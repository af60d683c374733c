package mlir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

// TestCorpusParsesAndRoundTrips parses every file of the shared corpus and
// checks that print → parse → print is a fixed point for each module.
func TestCorpusParsesAndRoundTrips(t *testing.T) {
	files := testutil.CorpusFiles(t, "")
	if len(files) < 100 {
		t.Fatalf("corpus has only %d files", len(files))
	}
	modules := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(testutil.SharedDir(t), path)
		mods, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		for i, m := range mods {
			modules++
			p1 := ir.Print(m)
			m2, err := mlir.ParseModule(p1, mlir.Limits{})
			if err != nil {
				t.Errorf("%s chunk %d: printed form does not parse: %v", rel, i, err)
				continue
			}
			if p2 := ir.Print(m2); p2 != p1 {
				t.Errorf("%s chunk %d: print is not a fixed point:\n%s", rel, i, firstDiff(p1, p2))
			}
		}
	}
	t.Logf("%d files, %d modules", len(files), modules)
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return "first:  ..." + a[lo:min(len(a), i+200)] + "\nsecond: ..." + b[lo:min(len(b), i+200)]
}
