package conformance_test

import (
	"context"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/conformance"
	"github.com/hlogate/hlogate/internal/testutil"
)

// TestCorpus runs the shared StableHLO corpus. CONF_FILTER (a regexp on the
// path) restricts it while working on one op family.
func TestCorpus(t *testing.T) {
	files := testutil.CorpusFiles(t, "stablehlo")
	var filter *regexp.Regexp
	if f := os.Getenv("CONF_FILTER"); f != "" {
		filter = regexp.MustCompile(f)
	}
	counts := map[conformance.Status]int{}
	for _, path := range files {
		if filter != nil && !filter.MatchString(path) {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		for _, r := range conformance.RunFile(ctx, path, string(src), conformance.Options{}) {
			counts[r.Status]++
			if r.Status == conformance.Fail {
				t.Logf("FAIL %s: %s", r.Name, r.Reason)
			}
		}
		cancel()
	}
	t.Logf("conformance: %d passed, %d failed, %d skipped", counts[conformance.Pass], counts[conformance.Fail], counts[conformance.Skip])
}
