package verify_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
)

// TestEverySpecOpIsVerified checks that each op the specification defines
// (a lowercase "### name" heading of spec.md) has a check.
func TestEverySpecOpIsVerified(t *testing.T) {
	path := filepath.Join(testutil.SharedDir(t), "reference", "stablehlo", "spec.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("spec not available: %v", err)
	}
	known := verify.KnownOps()
	ops := regexp.MustCompile(`(?m)^### ([a-z][a-z0-9_]*)$`).FindAllSubmatch(src, -1)
	if len(ops) < 100 {
		t.Fatalf("found only %d op headings in %s", len(ops), path)
	}
	for _, m := range ops {
		name := "stablehlo." + string(m[1])
		if !slices.Contains(known, name) {
			t.Errorf("%s is in the spec but has no verifier", name)
		}
	}
	t.Logf("%d spec ops, %d known ops", len(ops), len(known))
}
