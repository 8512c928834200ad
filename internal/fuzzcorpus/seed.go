package fuzzcorpus

import (
	"path/filepath"
	"testing"
)

// Seed adds each seed to f, writes them as f's corpus under
// testdata/fuzz/<name>/ when rewrite is set (the package's
// -rewrite-…-corpus flag, named by flag), and fails when the corpus is
// missing, so that a seed corpus is always committed with the target.
func Seed(f *testing.F, name string, rewrite bool, flag string, seeds ...[]byte) {
	f.Helper()
	for _, s := range seeds {
		f.Add(s)
	}
	if rewrite {
		entries := make([][][]byte, len(seeds))
		for i, s := range seeds {
			entries[i] = [][]byte{s}
		}
		if err := Write(".", name, entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*")); len(files) == 0 {
		f.Fatalf("no seed corpus in testdata/fuzz/%s: run go test -run %s -%s", name, name, flag)
	}
}
