package keystore_test

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/internal/keystore"
)

var rewriteCorpus = flag.Bool("rewrite-corpus", false, "regenerate testdata/fuzz/FuzzParse from real secrets")

// FuzzParse: parsing never panics, and what parses re-marshals to the same
// bytes.
func FuzzParse(f *testing.F) {
	good, err := testSecrets(f).Marshal()
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{good, good[:len(good)/2], bytes.Replace(good, []byte("/v1"), []byte("/v2"), 1), []byte("veil-keyholder-secrets/v1\n"), {}}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzParse", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzParse/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzParse: run go test -run FuzzParse -rewrite-corpus")
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := keystore.Parse(raw)
		if err != nil {
			return
		}
		again, err := s.Marshal()
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("parse → marshal changed %q", raw)
		}
	})
}
