package amm

import (
	"bytes"
	"errors"
	"flag"
	"testing"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

var rewrite = flag.Bool("rewrite", false, "regenerate the fuzz seed corpus in testdata/fuzz")

func seeds() [][]byte {
	return [][]byte{
		(&Swap{Trader: alice, Dir: XForY, In: 50_000, MinOut: 49_000}).Encode(),
		(&Swap{Trader: mallory, Dir: YForX, In: 1}).Encode(),
		{1, 9},
	}
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzDecode with -rewrite.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*rewrite {
		t.Skip("run with -rewrite to regenerate testdata/fuzz")
	}
	var entries [][][]byte
	for _, b := range seeds() {
		entries = append(entries, [][]byte{b})
	}
	if err := fuzzcorpus.Write(".", "FuzzDecode", entries...); err != nil {
		t.Fatal(err)
	}
}

// FuzzDecode: untrusted leg data never panics, decodes only if
// canonical (Encode gives the same bytes back), and a decoded swap never
// panics the pool or breaks its invariant.
func FuzzDecode(f *testing.F) {
	for _, b := range seeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if !bytes.Equal(s.Encode(), b) {
			t.Fatalf("not canonical: %x", b)
		}
		p := Pool{X: 1 << 40, Y: 1 << 30, FeeBps: 30}
		if _, err := p.Swap(s); err == nil && (p.X == 0 || p.Y == 0) {
			t.Fatalf("swap drained the pool: %+v", p)
		}
	})
}
