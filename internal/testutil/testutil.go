// Package testutil holds helpers shared by hlogate's tests: finding the
// shared conformance corpus and listing its files.
package testutil

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// RepoRoot returns the directory holding go.mod, walking up from the
// current directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// SharedDir returns ../shared beside the repository root, or skips the test
// with a clear message when it is absent. HLOGATE_SHARED overrides it.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("HLOGATE_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus")); err != nil {
		t.Skipf("shared corpus not found at %s (set HLOGATE_SHARED): skipping corpus test", dir)
	}
	return dir
}

// CorpusFiles lists every .mlir file under shared/corpus/<sub>, sorted.
func CorpusFiles(t testing.TB, sub string) []string {
	t.Helper()
	root := filepath.Join(SharedDir(t), "corpus", sub)
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".mlir") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// CorpusSources reads every .mlir file of the shared corpus and returns
// their texts and total size (for benchmarks).
func CorpusSources(t testing.TB) ([]string, int64) {
	t.Helper()
	var srcs []string
	var total int64
	for _, p := range CorpusFiles(t, "") {
		s, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(s))
		total += int64(len(s))
	}
	return srcs, total
}
