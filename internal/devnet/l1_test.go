package devnet_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/internal/devnet"
)

// A devnet with a simulated L1 posts its signed firm batch roots to the
// BatchInbox it deployed: every posted root is the node's firm root of
// that height, posts cover every height in order, only the devnet's
// relayer may post, and the legs of a real bundle verify on L1 with the
// proofs the SDK's GetBundle returns.
func TestDevnetSettlesOnSimulatedL1(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a 4-validator devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var posts []relayer.Posted
	d, err := devnet.Start(ctx, devnet.Config{
		Dir:           t.TempDir(),
		Validators:    4,
		Wallets:       2,
		APIAddr:       "127.0.0.1:0",
		TimeoutCommit: 200 * time.Millisecond,
		API:           server.Config{IPRate: -1, SenderRate: -1},
		L1: devnet.L1Config{
			Endpoint:  devnet.L1Simulated,
			BlockTime: 50 * time.Millisecond,
			Poll:      50 * time.Millisecond,
			OnPosted: func(p relayer.Posted) {
				mu.Lock()
				defer mu.Unlock()
				posts = append(posts, p)
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	l1 := d.L1()
	if l1 == nil || !l1.Simulated() {
		t.Fatal("no simulated L1")
	}
	inboxABI := bindings.NewBatchInbox()
	inbox := inboxABI.Instance(l1.Client(), l1.Inbox())
	call := &bind.CallOpts{Context: ctx}

	// The relayer is the only poster.
	if n, err := bind.Call(inbox, call, inboxABI.PackPosterCount(), inboxABI.UnpackPosterCount); err != nil || n != 1 {
		t.Fatalf("posterCount = %d, %v", n, err)
	}
	if ok, err := bind.Call(inbox, call, inboxABI.PackIsPoster(l1.Poster()), inboxABI.UnpackIsPoster); err != nil || !ok {
		t.Fatalf("relayer not a poster: %v", err)
	}

	// Real traffic: encrypted swap bundles across both demo rollups.
	var hashes []common.Hash
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: 4,
		Payload: func(w, i int) []client.Leg { return devnet.DemoLegs(w, 5*i+4) },
		OnSubmit: func(_ int, h common.Hash, _ time.Time) {
			mu.Lock()
			defer mu.Unlock()
			hashes = append(hashes, h)
		}}
	if err := traffic.Run(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	var bundle *client.Bundle
	for _, h := range hashes {
		if _, err := c.Wait(ctx, h, client.UntilFirm); err != nil {
			t.Fatalf("wait %s: %v", h, err)
		}
		b := firmBundle(ctx, t, c, h)
		if bundle == nil || len(b.Legs) > len(bundle.Legs) {
			bundle = b
		}
	}
	if len(bundle.Legs) < 2 {
		t.Fatalf("no bundle among the traffic (most legs %d)", len(bundle.Legs))
	}

	// Wait for the relayer to report a post of the bundle's height.
	var got []relayer.Posted
	for {
		mu.Lock()
		got = append(got[:0], posts...)
		mu.Unlock()
		if len(got) > 0 && got[len(got)-1].To >= uint64(bundle.Height) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("posts %+v, waiting for height %d", got, bundle.Height)
		case <-time.After(50 * time.Millisecond):
		}
	}
	last, err := bind.Call(inbox, call, inboxABI.PackLastHeight(), inboxABI.UnpackLastHeight)
	if err != nil || last < got[len(got)-1].To {
		t.Fatalf("inbox lastHeight %d, %v; posted up to %d", last, err, got[len(got)-1].To)
	}

	// Posts cover heights 1.. in order, each root the node's firm root.
	next := uint64(1)
	for _, p := range got {
		if p.From != next || p.To < p.From || p.Heights != int(p.To-p.From+1) || p.GasUsed == 0 || p.L1Block == 0 {
			t.Fatalf("post %+v after height %d", p, next-1)
		}
		next = p.To + 1
	}
	if next <= uint64(bundle.Height) {
		t.Fatalf("posts reach height %d, the bundle is at %d", next-1, bundle.Height)
	}
	for h := uint64(1); h < next; h++ {
		onL1, err := bind.Call(inbox, call, inboxABI.PackBatchRoot(h), inboxABI.UnpackBatchRoot)
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.GetBatch(ctx, devnet.DemoRollups[0].ID, int64(h), api.LevelFirm)
		if err != nil {
			t.Fatalf("GetBatch %d: %v", h, err)
		}
		if common.Hash(onL1) != b.Root {
			t.Fatalf("height %d: inbox root %x, node's firm root %s", h, onL1, b.Root)
		}
	}

	// Every leg of the bundle verifies on L1; a leg claimed for another
	// rollup or height does not.
	for _, leg := range bundle.Legs {
		proof, err := contracts.LegProof(&leg.Proof)
		if err != nil {
			t.Fatal(err)
		}
		verify := func(rollup uint64, height int64) bool {
			ok, err := bind.Call(inbox, call, inboxABI.PackVerifyLeg(rollup, uint64(height), leg.Leg.Leaf(), proof), inboxABI.UnpackVerifyLeg)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !verify(leg.Leg.Rollup, bundle.Height) {
			t.Fatalf("leg of rollup %d at %d does not verify on L1", leg.Leg.Rollup, bundle.Height)
		}
		if verify(leg.Leg.Rollup+1, bundle.Height) || verify(leg.Leg.Rollup, bundle.Height-1) {
			t.Fatal("a leg verifies for another rollup or height")
		}
	}
}

// firmBundle fetches the legs of transaction h once they are firm.
func firmBundle(ctx context.Context, t *testing.T, c *client.Client, h common.Hash) *client.Bundle {
	t.Helper()
	for {
		b, err := c.GetBundle(ctx, h)
		if err == nil && b.Level == api.LevelFirm {
			return b
		}
		select {
		case <-ctx.Done():
			t.Fatalf("bundle %s not firm: %v", h, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
