package dkg

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzParseMessage from a simulated run")

const corpusDir = "testdata/fuzz/FuzzParseMessage"

// FuzzParseMessage checks that no input makes the decoder or Handle panic,
// that the decoder fails only with its sentinels, and that whatever decodes
// re-encodes to the same bytes (the encoding is canonical). The seed corpus
// holds real messages of every type from a run with a lying dealer.
func FuzzParseMessage(f *testing.F) {
	c := newCommittee(f)
	p, _ := c.start(f, 0, nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMessage(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrVersion) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		out, err := m.MarshalBinary()
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("decoded message does not re-encode to its bytes: %v", err)
		}
		// Fuzzed bytes never carry a valid signature for this committee, so
		// p is left unchanged; this checks the rejection path cannot panic.
		if _, err := p.Handle(m); err == nil {
			t.Fatal("unauthenticated message accepted")
		}
	})
}

// TestFuzzCorpus checks the seed corpus covers every message type, and with
// -update-corpus rewrites it from a simulated run.
func TestFuzzCorpus(t *testing.T) {
	if *updateCorpus {
		s := newSim(t, 4, faults(4, badDealJustified), 2024)
		s.run()
		if err := os.RemoveAll(corpusDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, m := range s.sent {
			name := m.Type().String()
			if m.Type() == TypeResponse && len(m.indices) > 0 {
				name = "complaint"
			}
			if count[name]++; count[name] > 1 {
				continue
			}
			b := encode(t, m)
			data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			if err := os.WriteFile(filepath.Join(corpusDir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"deal", "response", "complaint", "justification"} {
		if _, err := os.Stat(filepath.Join(corpusDir, name)); err != nil {
			t.Errorf("seed corpus lacks a %s message: %v", name, err)
		}
	}
}

// FuzzParseKeys feeds arbitrary bytes to the long-term key decoders (public
// keys arrive from genesis and registration): no panic, and an accepted
// encoding re-encodes to the same bytes.
func FuzzParseKeys(f *testing.F) {
	priv, pub, err := GenerateLongtermKey(bytes.NewReader(bytes.Repeat([]byte{9}, 256)))
	if err != nil {
		f.Fatal(err)
	}
	pb, _ := pub.MarshalBinary()
	sb, _ := priv.MarshalBinary()
	f.Add(pb)
	f.Add(sb)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, err := ParsePublicKey(b); err == nil {
			if out, _ := k.MarshalBinary(); !bytes.Equal(out, b) {
				t.Fatal("public key does not round-trip")
			}
		}
		if k, err := ParsePrivateKey(b); err == nil {
			if out, _ := k.MarshalBinary(); !bytes.Equal(out, b) {
				t.Fatal("private key does not round-trip")
			}
		}
	})
}
