package tokenledger

import (
	"bytes"
	"errors"
	"flag"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

var rewrite = flag.Bool("rewrite", false, "regenerate the fuzz seed corpus in testdata/fuzz")

// seeds are real encodings: a transfer, a swap, and a swap with one
// signature missing.
func seeds(t testing.TB) [][]byte {
	alice, bob := testKey(t, 1), testKey(t, 2)
	s := swap(t, alice, bob, 40, 20, 3, 9, 100)
	half := *s
	half.SigB = [SigSize]byte{}
	return [][]byte{transfer(t, alice, rollupA, addr(bob), 5, 0), s.Encode(), half.Encode()}
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzDecode with -rewrite.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*rewrite {
		t.Skip("run with -rewrite to regenerate testdata/fuzz")
	}
	var entries [][][]byte
	for _, b := range seeds(t) {
		entries = append(entries, [][]byte{b})
	}
	if err := fuzzcorpus.Write(".", "FuzzDecode", entries...); err != nil {
		t.Fatal(err)
	}
}

// FuzzDecode: untrusted leg data never panics, decodes only if canonical
// (decode then encode gives the same bytes), and whatever decodes applies
// or is refused with an error.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{Version, byte(KindTransfer)})
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		if !bytes.Equal(tx.Encode(), b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, tx.Encode())
		}
		blk := build(t, 1, one(rollupA, b))
		s := NewState(rollupA, 1, map[common.Address]uint64{{1}: 1})
		if _, err := s.Apply(blk.Batch(rollupA)); err != nil {
			t.Fatal(err)
		}
	})
}
