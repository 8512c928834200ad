package devnet

import (
	"context"
	"crypto/rand"
	"flag"
	"os"
	"testing"

	"github.com/veilseq/veil/vdf"
)

var rewriteEscapeParams = flag.Bool("rewrite-escape-params", false, "regenerate escape_params.bin")

// TestEscapeParams checks the shipped parameters: they verify and are the
// devnet's network and delay.
func TestEscapeParams(t *testing.T) {
	if *rewriteEscapeParams {
		p, err := vdf.GenerateParams(context.Background(), EscapeNetwork, EscapeDelay)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("escape_params.bin", p.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	p, err := EscapeParams()
	if err != nil {
		t.Fatal(err)
	}
	if p.Network() != EscapeNetwork || p.Delay() != EscapeDelay {
		t.Fatalf("params for %q, T = %d", p.Network(), p.Delay())
	}
}

// BenchmarkEscapeSolve is the time to solve one puzzle under the devnet's
// parameters (T = EscapeDelay squarings and the proof).
func BenchmarkEscapeSolve(b *testing.B) {
	p, err := EscapeParams()
	if err != nil {
		b.Fatal(err)
	}
	pz, err := vdf.Lock(p, make([]byte, vdf.KeySize), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, _, err := vdf.Solve(p, pz); err != nil {
			b.Fatal(err)
		}
	}
}
