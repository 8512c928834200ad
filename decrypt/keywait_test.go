package decrypt

import (
	"context"
	"fmt"
	"testing"
)

func TestPoolWaitDecryptionKeys(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	ctx := context.Background()
	if p.WaitDecryptionKeys(ctx, 5) {
		t.Fatal("keys for a block the pool has not seen")
	}
	b := c.block(t, 5, 4)
	p.AddBlock(b)
	// No member released anything: nothing to wait for, so no wait.
	if p.WaitDecryptionKeys(ctx, 5) {
		t.Fatal("keys before any share")
	}
	if err := p.AddShares(1, 5, 1, c.shares(b, 1)); err != nil {
		t.Fatal(err)
	}
	// Shares are arriving: the wait lasts until ctx ends without t of them.
	short, cancel := context.WithCancel(ctx)
	cancel()
	if p.WaitDecryptionKeys(short, 5) {
		t.Fatal("keys with one member's shares")
	}
	done := make(chan bool)
	go func() { done <- p.WaitDecryptionKeys(ctx, 5) }()
	for m := 2; m <= 3; m++ {
		if err := p.AddShares(1, 5, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if !<-done {
		t.Fatal("wait ended without keys after t members' shares")
	}
	keys, ok := p.DecryptionKeys(5)
	if !ok {
		t.Fatal("no keys after the wait")
	}
	// FinalizeBlock's reuse of the soft batch sees every result.
	for j, tx := range b.Txs {
		r, ok := p.SoftResult(tx.Hash, keys[j])
		if !ok || r.Err != nil || string(r.Plaintext) != fmt.Sprintf("tx %d", j) {
			t.Fatalf("tx %d: %q, %v, %v", j, r.Plaintext, r.Err, ok)
		}
	}
}
