package decrypt

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

var rewriteCorpus = flag.Bool("rewrite-corpus", false, "regenerate testdata/fuzz/FuzzDecodeShares from real shares")

// FuzzDecodeShares: decoding a submission's shares never panics, and
// shares that decode re-encode to the same bytes and carry the member's
// index.
func FuzzDecodeShares(f *testing.F) {
	c := newCommittee(f)
	b := c.block(f, 1, 2)
	enc, err := EncodeShares(c.shares(b, 2))
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{enc[0], enc[1], enc[0][:20], {1}, {}}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzDecodeShares", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzDecodeShares/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzDecodeShares: run go test -run FuzzDecodeShares -rewrite-corpus")
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		const member = 2
		shares, err := DecodeShares(member, [][]byte{raw})
		if err != nil {
			return
		}
		if shares[0].Index != member {
			t.Fatalf("share index %d from member %d", shares[0].Index, member)
		}
		again, err := EncodeShares(shares)
		if err != nil || !bytes.Equal(again[0], raw) {
			t.Fatalf("decode → encode changed %x", raw)
		}
	})
}
