package vdf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/vdf"
)

// Every decoder either rejects its input with an error or accepts exactly
// the bytes its encoder produces: parse → encode is the identity.

func FuzzParseElement(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := vdf.ParseElement(b)
		if err != nil {
			return
		}
		if !bytes.Equal(e.Bytes(), b) {
			t.Fatalf("round trip changed %x", b)
		}
	})
}

func FuzzParseProof(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := vdf.ParseProof(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("round trip changed %x", b)
		}
	})
}

func FuzzParsePuzzle(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := vdf.ParsePuzzle(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("round trip changed %x", b)
		}
	})
}

func FuzzParseParams(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := vdf.ParseParams(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("round trip changed %x", b)
		}
	})
}

func FuzzParseParamsJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := vdf.ParseParamsJSON(b)
		if err != nil {
			return
		}
		js, err := p.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		q, err := vdf.ParseParamsJSON(js)
		if err != nil || !bytes.Equal(q.Bytes(), p.Bytes()) {
			t.Fatalf("JSON round trip failed: %v", err)
		}
	})
}

// writeFuzzSeeds writes the seed corpora under testdata/fuzz from the
// vector file: each valid encoding and a few broken ones.
func writeFuzzSeeds(t *testing.T, f *vectorFile) {
	params := mustHex(f.Params)
	p, err := vdf.ParseParams(params)
	if err != nil {
		t.Fatal(err)
	}
	js, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	v := f.VDF[1]
	elem := mustHex(v.Y)
	proof := mustHex(v.Proof)
	puzzle := mustHex(f.Lock[0].Puzzle)
	broken := func(b []byte) [][]byte {
		flipped := bytes.Clone(b)
		flipped[len(flipped)/2] ^= 0x80
		return [][]byte{b, {}, b[:1], b[:len(b)-1], append(bytes.Clone(b), 0), flipped}
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, js, "", "  "); err != nil {
		t.Fatal(err)
	}
	seeds := map[string][][]byte{
		"FuzzParseElement":    broken(elem),
		"FuzzParseProof":      broken(proof),
		"FuzzParsePuzzle":     broken(puzzle),
		"FuzzParseParams":     broken(params),
		"FuzzParseParamsJSON": {js, indented.Bytes(), []byte("{}"), []byte(`{"version":1}`), js[:len(js)/2]},
	}
	for name, inputs := range seeds {
		dir := filepath.Join("testdata", "fuzz", name)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, in := range inputs {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", in)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
