package devnet

import (
	"context"
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
