package devnet_test

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

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
// relayer may post, the legs of a real bundle verify on L1 with the
// proofs the SDK's GetBundle returns, and the relayer survives a restart
// of the validator it reads from.
func TestDevnetSettlesOnSimulatedL1(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a 4-validator devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var posts []relayer.Posted
	d := startSettling(t, ctx, 2, func(p relayer.Posted) {
		mu.Lock()
		defer mu.Unlock()
		posts = append(posts, p)
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
		// A root is signed, and so posted, before the next block's header
		// that proves it has committed: the height is firm on the node
		// a block later.
		b, err := c.GetBatch(ctx, devnet.DemoRollups[0].ID, int64(h), api.LevelFirm)
		for connect.CodeOf(err) == connect.CodeFailedPrecondition && ctx.Err() == nil {
			time.Sleep(50 * time.Millisecond)
			b, err = c.GetBatch(ctx, devnet.DemoRollups[0].ID, int64(h), api.LevelFirm)
		}
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

	// Restarting validator 0, whose API the relayer reads, interrupts
	// nothing for good: the relayer carries on with the heights after.
	mu.Lock()
	before := posts[len(posts)-1].To
	mu.Unlock()
	if err := d.Restart(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for {
		mu.Lock()
		p := posts[len(posts)-1]
		mu.Unlock()
		if p.To > before+2 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no post after validator 0 restarted (last %+v, before %d)", p, before)
		case <-time.After(50 * time.Millisecond):
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

// A devnet settles on an L1 it reaches over JSON-RPC (here go-ethereum's
// simulated chain served over HTTP and mined every 50 ms, as `geth --dev
// --dev.period` would), and a devnet resumed from its directory reuses the
// deployed inbox and registry: the eon is already registered, and the
// relayer carries on from the inbox's lastHeight.
func TestDevnetSettlesOnJSONRPCL1(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a devnet twice")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	key, _ := crypto.ToECDSA(append(make([]byte, 31), 9))
	url := httpL1(t, ctx, crypto.PubkeyToAddress(key.PublicKey))

	dir := t.TempDir()
	posts := make(chan relayer.Posted, 64)
	run := func(inbox common.Address) (*devnet.Devnet, relayer.Posted) {
		t.Helper()
		d, err := devnet.Start(ctx, devnet.Config{
			Dir: dir, Validators: 4, Wallets: 1, APIAddr: "127.0.0.1:0",
			TimeoutCommit: 200 * time.Millisecond,
			L1: devnet.L1Config{Endpoint: url, Key: key, Inbox: inbox, Poll: 50 * time.Millisecond,
				OnPosted: func(p relayer.Posted) { posts <- p }},
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-posts:
			return d, p
		case <-ctx.Done():
			t.Fatal("no post")
		}
		return nil, relayer.Posted{}
	}
	d, first := run(common.Address{})
	inbox, registry := d.L1().Inbox(), d.L1().Registry()
	if d.L1().Simulated() || first.From != 1 {
		t.Fatalf("first post %+v", first)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	for len(posts) > 0 {
		<-posts
	}
	l1, err := ethclient.DialContext(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	abi := bindings.NewBatchInbox()
	last, err := bind.Call(abi.Instance(l1, inbox), &bind.CallOpts{Context: ctx}, abi.PackLastHeight(), abi.UnpackLastHeight)
	if err != nil || last == 0 {
		t.Fatalf("lastHeight %d, %v", last, err)
	}

	d, resumed := run(inbox)
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	if d.L1().Registry() != registry || resumed.From != last+1 {
		t.Fatalf("resumed: registry %s (want %s), first post %+v after lastHeight %d", d.L1().Registry(), registry, resumed, last)
	}
	regABI := bindings.NewCommitteeRegistry()
	if n, err := bind.Call(regABI.Instance(l1, registry), &bind.CallOpts{Context: ctx}, regABI.PackEonCount(), regABI.UnpackEonCount); err != nil || n != 1 {
		t.Fatalf("eonCount %d, %v", n, err)
	}
}

// httpL1 serves a simulated Prague chain, with funded, over JSON-RPC on
// loopback and mines it every 50 ms while transactions are pending.
func httpL1(t *testing.T, ctx context.Context, funded common.Address) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sim := simulated.NewBackend(types.GenesisAlloc{funded: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}},
		func(nc *node.Config, ec *ethconfig.Config) {
			ec.Genesis.Config = contracts.SimulatedChainConfig()
			nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth", "net", "web3"}
		})
	mctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-mctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
				if n, err := sim.Client().PendingTransactionCount(mctx); err == nil && n > 0 {
					sim.Commit()
				}
			}
		}
	}()
	t.Cleanup(func() {
		stop()
		<-done
		_ = sim.Close()
	})
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// A devnet that rotates its committee registers the new eon on its L1
// before the switch, and the relayer goes on posting the roots the new
// committee signs after it.
func TestDevnetRegistersRotatedEonOnL1(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a 4-validator devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var last uint64 // highest height posted
	d := startSettling(t, ctx, 1, func(p relayer.Posted) {
		mu.Lock()
		defer mu.Unlock()
		last = max(last, p.To)
	})
	rot, err := d.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l1 := d.L1()
	regABI := bindings.NewCommitteeRegistry()
	reg := regABI.Instance(l1.Client(), l1.Registry())
	call := &bind.CallOpts{Context: ctx}
	for {
		got, err := bind.Call(reg, call, regABI.PackGetEon(rot.Eon), regABI.UnpackGetEon)
		if err == nil {
			if got.ActivationHeight != uint64(rot.ActivationHeight) {
				t.Fatalf("eon %d registered on L1 from height %d, on chain from %d", rot.Eon, got.ActivationHeight, rot.ActivationHeight)
			}
			break
		}
		pause(ctx, t, fmt.Sprintf("eon %d on L1 (last: %v)", rot.Eon, err))
	}
	// Posts continue past the switch: the inbox verifies those roots
	// against the new eon's key.
	for {
		mu.Lock()
		top := last
		mu.Unlock()
		if top >= uint64(rot.ActivationHeight)+2 {
			break
		}
		pause(ctx, t, fmt.Sprintf("a post past height %d (posted through %d)", rot.ActivationHeight+2, top))
	}
}

// pause waits a moment, or fails the test when ctx ends while waiting
// for what.
func pause(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("waiting for %s: %v", what, ctx.Err())
	case <-time.After(50 * time.Millisecond):
	}
}

// startSettling starts a 4-validator devnet that settles on a simulated
// L1 with fast L1 blocks and polling, reporting each post to onPosted.
func startSettling(t *testing.T, ctx context.Context, wallets int, onPosted func(relayer.Posted)) *devnet.Devnet {
	t.Helper()
	d, err := devnet.Start(ctx, devnet.Config{
		Dir:           t.TempDir(),
		Validators:    4,
		Wallets:       wallets,
		APIAddr:       "127.0.0.1:0",
		TimeoutCommit: 200 * time.Millisecond,
		API:           server.Config{IPRate: -1, SenderRate: -1},
		L1: devnet.L1Config{
			Endpoint:  devnet.L1Simulated,
			BlockTime: 50 * time.Millisecond,
			Poll:      50 * time.Millisecond,
			OnPosted:  onPosted,
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
	return d
}
