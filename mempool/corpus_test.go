package mempool

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

var rewrite = flag.Bool("rewrite", false, "regenerate testdata/fuzz seed corpora from this package's own encodings")

// TestSeedCorpus keeps a seed corpus of real envelopes under
// testdata/fuzz/FuzzDecode; `go test -run TestSeedCorpus -rewrite`
// regenerates it.
func TestSeedCorpus(t *testing.T) {
	if *rewrite {
		s := newSealer(t)
		plain := s.seal(testKey(t, 1), 0, 10)
		bundle, err := SealTimeLocked(s.rng, s.enc, testTimeLockParams(t),
			Envelope{ChainID: "veil-test", Eon: 1, Nonce: 3, Fee: 99, Expiry: 50, Rollups: []uint64{1, 2, 3}},
			[]byte("transfer 5 to bob"), testKey(t, 2))
		if err != nil {
			t.Fatal(err)
		}
		truncated := plain.Encode()[:60]
		if err := fuzzcorpus.Write(".", "FuzzDecode",
			[][]byte{plain.Encode()}, [][]byte{bundle.Encode()}, [][]byte{truncated}); err != nil {
			t.Fatal(err)
		}
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if len(seeds) == 0 {
		t.Fatal("no seed corpus in testdata/fuzz/FuzzDecode: run go test -run TestSeedCorpus -rewrite")
	}
}
