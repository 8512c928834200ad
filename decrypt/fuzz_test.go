package decrypt

import (
	"bytes"
	"encoding/binary"
	"flag"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/api"
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

// FuzzDecodeRootSignatures: decoding a submission's partial batch
// signatures never panics, and entries that decode re-encode to the same
// bytes and carry the member's index. heights is a run of big-endian u64
// heights, roots and partials are split evenly across them.
func FuzzDecodeRootSignatures(f *testing.F) {
	c := newCommittee(f)
	rs := &RootSignatures{Eon: 1, Member: 2, Entries: c.partials(f, 2, 7, 8)}
	enc, err := EncodeRootSignatures(rs)
	if err != nil {
		f.Fatal(err)
	}
	heights := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, 7), 8)
	seeds := [][][]byte{
		{heights, append(enc[0].Root, enc[1].Root...), append(enc[0].Partial, enc[1].Partial...)},
		{heights[:8], enc[0].Root, enc[0].Partial},
		{heights[:8], enc[0].Root[:31], enc[0].Partial},
		{heights[:8], enc[0].Root, enc[0].Partial[:20]},
		{make([]byte, 8), enc[0].Root, enc[0].Partial},
		{{}, {}, {}},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	if *rewriteCorpus {
		if err := fuzzcorpus.Write(".", "FuzzDecodeRootSignatures", seeds...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzDecodeRootSignatures/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzDecodeRootSignatures: run go test -run FuzzDecodeRootSignatures -rewrite-corpus")
	}
	f.Fuzz(func(t *testing.T, heights, roots, partials []byte) {
		const member = 2
		n := len(heights) / 8
		if n == 0 || n > 64 {
			return
		}
		raw := make([]api.BatchSignatureEntry, n)
		rl, pl := len(roots)/n, len(partials)/n
		for i := range raw {
			raw[i] = api.BatchSignatureEntry{Height: binary.BigEndian.Uint64(heights[8*i:]),
				Root: roots[i*rl : (i+1)*rl], Partial: partials[i*pl : (i+1)*pl]}
		}
		got, err := DecodeRootSignatures(member, raw)
		if err != nil {
			return
		}
		again, err := EncodeRootSignatures(&RootSignatures{Eon: 1, Member: member, Entries: got})
		if err != nil {
			t.Fatal(err)
		}
		for i := range raw {
			if got[i].Partial.Index != member || again[i].Height != raw[i].Height ||
				!bytes.Equal(again[i].Root, raw[i].Root) || !bytes.Equal(again[i].Partial, raw[i].Partial) {
				t.Fatalf("entry %d: decode → encode changed it", i)
			}
		}
	})
}
