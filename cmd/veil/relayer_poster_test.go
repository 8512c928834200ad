package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts/bindings"
)

// veil relayer poster adds and removes posters as the registry's owner,
// and nobody else can.
func TestSetPoster(t *testing.T) {
	l1, owner, stranger, _, inbox := simulatedL1(t, "veil-test")
	ctx := context.Background()
	relayerAddr := crypto.PubkeyToAddress(stranger.PublicKey).Hex()
	f := posterFlags{inbox: inbox.Hex(), poster: relayerAddr}
	var out bytes.Buffer
	if err := setPoster(ctx, &out, l1, stranger, f); err == nil {
		t.Fatal("a stranger changed the allowlist")
	}
	if err := setPoster(ctx, &out, l1, owner, f); err != nil {
		t.Fatal(err)
	}
	abi := bindings.NewBatchInbox()
	if ok, err := bind.Call(abi.Instance(l1, inbox), nil, abi.PackIsPoster(crypto.PubkeyToAddress(stranger.PublicKey)), abi.UnpackIsPoster); err != nil || !ok {
		t.Fatalf("not a poster: %v", err)
	}
	if err := setPoster(ctx, &out, l1, owner, f); err == nil {
		t.Fatal("added twice")
	}
	f.remove = true
	if err := setPoster(ctx, &out, l1, owner, f); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "added to") || !strings.Contains(lines[0], "1 listed; only listed posters post") ||
		!strings.Contains(lines[1], "removed from") || !strings.Contains(lines[1], "0 listed; anyone may post") {
		t.Fatalf("output:\n%s", out.String())
	}
	if err := setPoster(ctx, &out, l1, owner, posterFlags{inbox: "0x12", poster: relayerAddr}); err == nil || !strings.Contains(err.Error(), "--inbox") {
		t.Fatalf("bad inbox: %v", err)
	}
}
