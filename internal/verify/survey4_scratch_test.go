package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"sort"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
)

func TestSurvey4Scratch(t *testing.T) {
	files := testutil.CorpusFiles(t, "")
	byFile := map[string][]string{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		ms, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			continue
		}
		rel, _ := filepath.Rel(filepath.Join(testutil.SharedDir(t), "corpus"), f)
		for i, m := range ms {
			if Module(m) != nil { continue }
			if err := policy.Conformance().Check(m); err != nil {
				d := diag.As(err)
				byFile[rel] = append(byFile[rel], fmt.Sprintf("{%d, %q}", i, d.Op))
			}
		}
	}
	var keys []string
	for k := range byFile { keys = append(keys, k) }
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("\t%q: {%s},\n", k, join(byFile[k]))
	}
}
func join(s []string) string { r := ""; for i, x := range s { if i > 0 { r += ", " }; r += x }; return r }
