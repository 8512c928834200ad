package test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/mempool"
)

// TestFeeBumpDoesNotStallOrdering: wallets replace envelopes with
// higher-fee ones at several delays after the first, so that in some
// rounds both are seen and reported by the validators and only one can
// ever be included. The other must not hold back what was seen after it
// (a proposer steps over an envelope it shows can no longer be included,
// or includes from its cache one a replacement evicted while the chain
// still accepts it): every envelope sent meanwhile by another wallet
// commits within a few heights, and exactly one of each pair commits.
// The deterministic cases are ordering's TestFenceStepsOverSpentEnvelope.
func TestFeeBumpDoesNotStallOrdering(t *testing.T) {
	d := startDevnet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := d.Network.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	app := d.Network.Nodes[0].App()
	height := func() int64 { h, _ := app.LastCommit(); return h }

	// Another wallet sends throughout.
	type sent struct {
		hash   common.Hash
		height int64
	}
	var mu sync.Mutex
	var later []sent
	trCtx, stop := context.WithCancel(ctx)
	tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets[1:], Rate: 20, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		later = append(later, sent{h, height()})
	}}
	done := make(chan error, 1)
	go func() { done <- tr.Run(trCtx) }()

	w := d.Wallets[0]
	var pairs [][2]common.Hash
	for i, delay := range []time.Duration{0, 50, 100, 150, 200, 250, 300} {
		acct, err := c.Account(ctx, client.Address(w))
		if err != nil {
			t.Fatal(err)
		}
		rollup := devnet.DemoRollups[0].ID
		seal := func(data string, fee uint64) *mempool.Envelope {
			env, err := client.Seal(rand.Reader, p, w, client.Tx{Legs: []client.Leg{{Rollup: rollup, Data: []byte(data)}}, Nonce: acct.PendingNonce, Fee: fee})
			if err != nil {
				t.Fatal(err)
			}
			return env
		}
		first, err := c.Submit(ctx, seal(fmt.Sprintf("first %d", i), p.MinFee))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		bumped, err := c.Submit(ctx, seal(fmt.Sprintf("bumped %d", i), 2*p.MinFee))
		if err != nil && !errors.Is(err, mempool.ErrNonceTooLow) {
			t.Fatal(err)
		}
		pairs = append(pairs, [2]common.Hash{first, bumped})
		// The next pair once this nonce is spent.
		waitFor(t, ctx, "the pair's nonce spent", func() bool {
			a, err := c.Account(ctx, client.Address(w))
			return err == nil && a.Nonce > acct.PendingNonce
		})
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	for i, pair := range pairs {
		included := 0
		for _, h := range pair {
			if h == (common.Hash{}) {
				continue
			}
			if st, err := c.Status(ctx, h); err == nil && st.Height > 0 {
				included++
			}
		}
		if included != 1 {
			t.Errorf("pair %d: %d of the envelope and its replacement included, want 1", i, included)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(later) == 0 {
		t.Fatal("no other traffic")
	}
	for _, s := range later {
		st, err := c.Wait(ctx, s.hash, client.UntilIncluded)
		if err != nil {
			t.Fatalf("%s: %v", s.hash, err)
		}
		// An envelope nobody can include nor show would fence every
		// block until its reports age out (16 heights); fair ordering
		// itself takes a few.
		if lag := int64(st.Height) - s.height; lag > 10 {
			t.Errorf("%s submitted at height %d, included at %d: held back %d heights", s.hash, s.height, st.Height, lag)
		}
	}
}
