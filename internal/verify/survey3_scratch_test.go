package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

func TestSurvey3Scratch(t *testing.T) {
	files := testutil.CorpusFiles(t, "")
	n, bad := 0, 0
	byRule := map[string]int{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		ms, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			continue
		}
		for i, m := range ms {
			n++
			if err := Module(m); err != nil {
				bad++
				d := diag.As(err)
				byRule[d.Rule]++
				if byRule[d.Rule] <= 4 {
					fmt.Printf("%s#%d: %v\n", filepath.Base(f), i, err)
				}
			}
		}
	}
	fmt.Println("modules", n, "bad", bad, byRule)
}
