package rollupfeed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Every decoder is fuzzed for two properties: untrusted bytes never
// panic (they decode or fail with ErrMalformed), and what decodes
// encodes back to exactly the same bytes (the encodings are canonical).
// The seed corpora under testdata/fuzz are real encodings from the
// vector blocks, regenerated with -rewrite.

func seedEncodings(t testing.TB) map[string][][]byte {
	seeds := map[string][][]byte{}
	add := func(name string, b []byte) { seeds[name] = append(seeds[name], b) }
	for _, v := range blockInputs(t) {
		b := v.build(t)
		probe := append(b.Rollups(), 0, 1, 2, 1<<62)
		for _, r := range probe {
			add("FuzzParseBatch", marshalBatch(t, b.Batch(r)))
		}
		for _, batch := range b.Batches() {
			for _, l := range batch.Legs {
				enc, err := l.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				add("FuzzParseBatchLeg", enc)
				legs, _ := b.Bundle(l.Manifest.BundleID)
				for _, pl := range legs {
					p, err := pl.Proof.MarshalBinary()
					if err != nil {
						t.Fatal(err)
					}
					add("FuzzParseLegProof", p)
					a, err := pl.Proof.Entry.Path.MarshalBinary()
					if err != nil {
						t.Fatal(err)
					}
					add("FuzzParseAuditPath", a)
				}
			}
		}
		for _, tx := range v.Txs {
			add("FuzzOpenPlaintext", append(rollupsPrefix(tx.Rollups), tx.Plaintext...))
		}
	}
	for _, tv := range computeVerifyVectors(t) {
		add("FuzzParseBatch", tv.Batch)
	}
	return seeds
}

// rollupsPrefix encodes a destination list for FuzzOpenPlaintext: u8
// count, then one byte per rollup id (the fuzzer's ids are small).
func rollupsPrefix(ids []uint64) []byte {
	b := []byte{byte(len(ids))}
	for _, id := range ids {
		b = append(b, byte(id))
	}
	return b
}

// TestWriteFuzzCorpus regenerates the seed corpora with -rewrite.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*rewrite {
		t.Skip("run with -rewrite to regenerate testdata/fuzz")
	}
	for name, encs := range seedEncodings(t) {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, b := range encs {
			sum := sha256.Sum256(b)
			file := hex.EncodeToString(sum[:8])
			if seen[file] {
				continue
			}
			seen[file] = true
			content := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
			if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func FuzzParseBatch(f *testing.F) {
	f.Add([]byte{BatchEncodingVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		batch, err := ParseBatch(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		again, err := batch.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded batch does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, again)
		}
		// Verification of any decoded batch returns, never panics.
		_ = VerifyBatch(batch, EmptyRoot)
	})
}

func FuzzParseBatchLeg(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseBatchLeg(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		again, err := l.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded leg does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, again)
		}
		_ = l.Leaf()
	})
}

func FuzzParseAuditPath(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseAuditPath(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded path does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, again)
		}
		_ = p.verify(newHasher(), EmptyRoot, EmptyRoot)
	})
}

func FuzzParseLegProof(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseLegProof(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded proof does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, again)
		}
		leg := BatchLeg{Height: 1, Rollup: p.Entry.Entry.Rollup, Manifest: Manifest{Legs: []LegHash{{Rollup: p.Entry.Entry.Rollup}}}}
		_ = VerifyLeg(&leg, p, EmptyRoot)
	})
}

// FuzzOpenPlaintext: a destination list (u8 count, one byte per id) and
// a plaintext. Opening either fails with ErrBadBundle or
// ErrBundleMismatch, or yields one leg per listed rollup that
// EncodePlaintext turns back into the same plaintext.
func FuzzOpenPlaintext(f *testing.F) {
	f.Add([]byte{1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || len(b) < 1+int(b[0]) {
			return
		}
		ids := make([]uint64, b[0])
		for i := range ids {
			ids[i] = uint64(b[1+i])
		}
		plaintext := b[1+len(ids):]
		legs, err := OpenPlaintext(ids, plaintext)
		if err != nil {
			if !errors.Is(err, ErrBadBundle) && !errors.Is(err, ErrBundleMismatch) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		again, rollups, err := EncodePlaintext(legs)
		if err != nil {
			t.Fatalf("opened legs do not encode: %v", err)
		}
		if !bytes.Equal(again, plaintext) || len(rollups) != len(ids) {
			t.Fatalf("not canonical:\n in %x\nout %x", plaintext, again)
		}
		for i := range ids {
			if rollups[i] != ids[i] {
				t.Fatalf("rollups %v, header %v", rollups, ids)
			}
		}
	})
}
