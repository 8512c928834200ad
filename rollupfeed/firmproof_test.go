package rollupfeed

import (
	"bytes"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

func repeat(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func testFirmProof() *FirmProof {
	return &FirmProof{
		RecordedAt:  5,
		PrevAppHash: repeat(0x11),
		ChangesRoot: repeat(0x22),
		Roots:       []FirmRoot{{Height: 3, Root: common.Hash(repeat(0x33))}, {Height: 5, Root: common.Hash(repeat(0x44))}},
	}
}

// TestFirmProofVectors: known answers for firm_roots and the v2 app hash,
// computed independently from the formulas in the package documentation
// (Python hashlib).
func TestFirmProofVectors(t *testing.T) {
	p := testFirmProof()
	for _, c := range []struct {
		name string
		got  []byte
		want string
	}{
		{"firm_roots", func() []byte { h := FirmRootsHash(p.Roots); return h[:] }(), "9ff17f6c8afe3f7d2bb725815508c4f088855318a8f168ca7991ea5707d69565"},
		{"firm_roots of none", func() []byte { h := FirmRootsHash(nil); return h[:] }(), "d3b0a61c4b15880eba26540ef48a5bb40f7e0156f426b4359aef76d9a7840b26"},
		{"app hash", p.AppHash(), "596c34989854c8a272e2867d03247ef1ae16a60271e52a98ad80d5653b09a099"},
		{"genesis app hash", AppHash(nil, 0, repeat(0x22), nil), "a37d55dd84ed59260b8f44e026a60d74ba0efb7861bf1ee3a45609ccfe74cc5e"},
	} {
		if hex.EncodeToString(c.got) != c.want {
			t.Errorf("%s = %x, want %s", c.name, c.got, c.want)
		}
	}
}

// TestFirmProofCheck: the proof holds for its roots only, and any change
// to a root or input changes the app hash.
func TestFirmProofCheck(t *testing.T) {
	p := testFirmProof()
	if err := p.Check(3, common.Hash(repeat(0x33))); err != nil {
		t.Fatal(err)
	}
	if err := p.Check(3, common.Hash(repeat(0x34))); !errors.Is(err, ErrNotFirm) {
		t.Errorf("changed root: %v", err)
	}
	if err := p.Check(4, common.Hash(repeat(0x33))); !errors.Is(err, ErrNotFirm) {
		t.Errorf("height without root: %v", err)
	}
	base := p.AppHash()
	for name, mod := range map[string]func(*FirmProof){
		"root":         func(q *FirmProof) { q.Roots[0].Root[0] ^= 1 },
		"root height":  func(q *FirmProof) { q.Roots[0].Height = 4 },
		"dropped root": func(q *FirmProof) { q.Roots = q.Roots[1:] },
		"prev":         func(q *FirmProof) { q.PrevAppHash = repeat(0x12) },
		"changes":      func(q *FirmProof) { q.ChangesRoot = repeat(0x23) },
		"height":       func(q *FirmProof) { q.RecordedAt = 6 },
	} {
		q := testFirmProof()
		mod(q)
		if bytes.Equal(q.AppHash(), base) {
			t.Errorf("%s: app hash unchanged", name)
		}
	}
	for name, mod := range map[string]func(*FirmProof){
		"short prev":     func(q *FirmProof) { q.PrevAppHash = q.PrevAppHash[:31] },
		"unsorted roots": func(q *FirmProof) { q.Roots[0], q.Roots[1] = q.Roots[1], q.Roots[0] },
		"future root":    func(q *FirmProof) { q.Roots[1].Height = 6 },
		"zero height":    func(q *FirmProof) { q.RecordedAt = 0 },
	} {
		q := testFirmProof()
		mod(q)
		if err := q.Check(3, common.Hash(repeat(0x33))); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := q.MarshalBinary(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: marshal: %v", name, err)
		}
	}
}

func firmProofSeeds(t testing.TB) [][]byte {
	enc, err := testFirmProof().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	none := &FirmProof{RecordedAt: 1, PrevAppHash: repeat(0), ChangesRoot: repeat(1)}
	encNone, err := none.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{enc, encNone, enc[:len(enc)-1], {firmProofVersion}}
}

// FuzzParseFirmProof: parsing never panics, fails with ErrMalformed, and
// what parses is valid and encodes back to the same bytes.
func FuzzParseFirmProof(f *testing.F) {
	seeds := firmProofSeeds(f)
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewrite {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzParseFirmProof", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzParseFirmProof/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzParseFirmProof: run go test -run FuzzParseFirmProof -rewrite")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseFirmProof(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("parse → marshal changed %x (%v)", b, err)
		}
		for _, r := range p.Roots {
			if err := p.Check(r.Height, r.Root); err != nil {
				t.Fatal(err)
			}
		}
		_ = p.AppHash()
	})
}
