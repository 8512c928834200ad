package test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
)

// TestAPINodeRestartKeepsAdmittedEnvelopes restarts the validator that
// serves the wallet API after it admitted envelopes it could not gossip
// (its three peers are down, so nothing commits and nothing leaves its
// memory-only mempool): its envelope journal submits them again on
// start, and once the peers are back every acknowledged envelope commits.
func TestAPINodeRestartKeepsAdmittedEnvelopes(t *testing.T) {
	d := startDevnet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Network.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 4; i++ {
		if err := d.StopValidator(i); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := d.Network.Nodes[0].App().LastCommit()

	const n = 8
	var mu sync.Mutex
	var sent []common.Hash
	tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: n, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, h)
	}}
	if err := tr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sent) != n {
		t.Fatalf("%d envelopes admitted, want %d", len(sent), n)
	}
	if h, _ := d.Network.Nodes[0].App().LastCommit(); h > before+1 {
		t.Fatalf("height %d → %d with three of four validators down", before, h)
	}

	if err := d.Restart(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got := d.Network.Nodes[0].Mempool().Size(); got < n {
		t.Fatalf("restarted mempool holds %d envelopes, want the %d admitted", got, n)
	}
	for i := 1; i < 4; i++ {
		if err := d.Restart(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range sent {
		st, err := c.Wait(ctx, h, client.UntilIncluded)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if st.Height <= uint64(before) {
			t.Fatalf("%s included at %d, before the peers stopped", h, st.Height)
		}
	}
}
