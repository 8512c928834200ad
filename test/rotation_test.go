package test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
)

// TestEonRotationUnderLoad rotates a 4-member committee to a new eon
// while wallets keep sending, and checks that nothing is lost: every
// accepted envelope, of either eon, is included and decrypted soft and
// firm; envelopes for the old eon are refused after the switch with the
// error naming the current eon; and with two keyholders stopped across
// the switch (and restarted after it) the keys of the last old-eon blocks
// are recorded after the switch.
func TestEonRotationUnderLoad(t *testing.T) {
	d := startDevnetConfig(t, devnetConfig(t.TempDir(), 6))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	app := d.Network.Nodes[0].App()
	height := func() int64 { h, _ := app.LastCommit(); return h }
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}

	// Wallets 1.. send through the SDK; wallet 0 is driven by hand.
	var mu sync.Mutex
	var accepted []common.Hash
	trafficCtx, stopTraffic := context.WithCancel(ctx)
	tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets[1:], Rate: 30, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		accepted = append(accepted, h)
		mu.Unlock()
	}}
	trafficDone := make(chan error, 1)
	go func() { trafficDone <- tr.Run(trafficCtx) }()

	waitFor(t, ctx, "height 3", func() bool { return height() >= 3 })
	oldParams, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := d.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rot.Eon != 2 || rot.ActivationHeight < rot.RegisteredAt+devnet.RotationLeadBlocks {
		t.Fatalf("rotation %+v", rot)
	}
	p, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Eon.ID != 1 || p.NextEon == nil || p.NextEon.ID != 2 || int64(p.NextEon.ActivationHeight) != rot.ActivationHeight || p.SealEon() != 2 {
		t.Fatalf("params during the rotation: eon %d, next %+v", p.Eon.ID, p.NextEon)
	}

	// Old-eon envelopes by hand, while keys stall: two of the four
	// keyholders stop a few blocks before the switch.
	manual := client.Address(d.Wallets[0])
	acct, err := c.Account(ctx, manual)
	if err != nil {
		t.Fatal(err)
	}
	nonce := acct.PendingNonce
	sealOld := func() *mempool.Envelope {
		t.Helper()
		fresh, err := c.Params(ctx)
		if err != nil {
			t.Fatal(err)
		}
		old := *oldParams
		old.LatestHeight, old.NextEon = fresh.LatestHeight, nil
		op, err := client.NewParams(old.Params)
		if err != nil {
			t.Fatal(err)
		}
		env, err := client.Seal(rand.Reader, op, d.Wallets[0], client.Tx{Legs: devnet.DemoLegs(0, int(nonce)), Nonce: nonce})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	waitFor(t, ctx, "ten blocks before the switch", func() bool { return height() >= rot.ActivationHeight-10 })
	d.StopKeyholder(3)
	d.StopKeyholder(4)
	var lastOld []common.Hash
	for range 3 {
		env := sealOld()
		h, err := c.Submit(ctx, env)
		if err != nil {
			t.Fatalf("old-eon envelope before the switch: %v", err)
		}
		lastOld = append(lastOld, h)
		nonce++
	}
	var lastOldHeight int64
	for _, h := range lastOld {
		st, err := c.Wait(ctx, h, client.UntilIncluded)
		if err != nil {
			t.Fatal(err)
		}
		lastOldHeight = max(lastOldHeight, int64(st.Height))
	}
	if lastOldHeight >= rot.ActivationHeight {
		t.Fatalf("old-eon envelope included at %d, the switch is at %d", lastOldHeight, rot.ActivationHeight)
	}

	// After the switch: eon 2 is current and eon 1 is refused.
	waitFor(t, ctx, "the switch", func() bool { return height() >= rot.ActivationHeight })
	if cur, _ := app.CurrentEon(); cur.ID != 2 {
		t.Fatalf("current eon %d after the activation height", cur.ID)
	}
	_, err = c.Submit(ctx, sealOld())
	if !errors.Is(err, mempool.ErrEonNotActive) || !strings.Contains(err.Error(), "the current eon is 2") {
		t.Fatalf("old-eon envelope after the switch: %v", err)
	}
	if p, err := c.Params(ctx); err != nil || p.Eon.ID != 2 || p.NextEon != nil {
		t.Fatalf("params after the switch: %+v %v", p, err)
	}

	// Restart the stopped keyholders after the switch: they come back
	// with both eons' shares (from their encrypted secrets) and release
	// the stalled blocks.
	waitFor(t, ctx, "two blocks past the switch", func() bool { return height() >= rot.ActivationHeight+2 })
	for _, m := range []int{3, 4} {
		if err := d.StartKeyholder(m); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, "eight blocks past the switch", func() bool { return height() >= rot.ActivationHeight+8 })
	stopTraffic()
	if err := <-trafficDone; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	all := append(append([]common.Hash(nil), accepted...), lastOld...)
	mu.Unlock()
	for _, h := range all {
		if _, err := c.Wait(ctx, h, client.UntilIncluded); err != nil {
			t.Fatalf("accepted envelope %s not included: %v", h, err)
		}
	}
	eons := envelopeEons(t, d)
	count := map[uint64]int{}
	for _, h := range all {
		count[eons[h]]++
	}
	if count[1] == 0 || count[2] == 0 || count[0] != 0 {
		t.Fatalf("envelopes by eon %v (0: not in any block)", count)
	}
	t.Logf("%d envelopes: %d for eon 1, %d for eon 2; switch at %d, last old-eon block %d", len(all), count[1], count[2], rot.ActivationHeight, lastOldHeight)
	for i, n := range d.Network.Nodes {
		waitFor(t, ctx, fmt.Sprintf("firm and soft decryption on node %d", i), func() bool {
			for _, h := range all {
				if rec, err := n.App().Tx(h); err != nil || rec.Status != ordering.TxDecrypted {
					return false
				}
			}
			return true
		})
	}
	for _, h := range all {
		if r, ok := d.Pool(0).TxResult(h); !ok || r.Err != nil {
			t.Fatalf("no soft result for %s on node 0", h)
		}
	}
	_, recordedAt, ok, err := app.FirmRoot(lastOldHeight)
	if err != nil || !ok || recordedAt < rot.ActivationHeight {
		t.Fatalf("keys of old-eon block %d recorded at %d (switch at %d): %v %v", lastOldHeight, recordedAt, rot.ActivationHeight, ok, err)
	}
}

// envelopeEons reads every committed block on validator 0 and returns
// the eon each envelope names.
func envelopeEons(t *testing.T, d *devnet.Devnet) map[common.Hash]uint64 {
	t.Helper()
	bs := d.Network.Nodes[0].BlockStore()
	out := make(map[common.Hash]uint64)
	for h := bs.Base(); h <= bs.Height(); h++ {
		b, _ := bs.LoadBlock(h)
		if b == nil {
			continue
		}
		for _, tx := range b.Data.Txs {
			if ordering.IsSystemTx(tx) {
				continue
			}
			env, err := mempool.Decode(tx)
			if err != nil {
				t.Fatalf("block %d: %v", h, err)
			}
			out[env.Hash()] = env.Eon
		}
	}
	return out
}
