package node

import (
	"context"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/ordering"
)

// reversedFair is a malicious proposer's rule: fair ordering's checks,
// but its own proposals come out in reverse.
type reversedFair struct{ ordering.FairOrder }

func (r reversedFair) Arrange(p ordering.Proposal, included []ordering.Candidate) []ordering.Candidate {
	out := r.FairOrder.Arrange(p, included)
	slices.Reverse(out)
	return out
}

// countRejections counts the proposals a node's application rejected
// for their order.
type countRejections struct {
	slog.Handler
	n *atomic.Int64
}

func (c countRejections) Enabled(context.Context, slog.Level) bool { return true }

func (c countRejections) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "rejected proposal" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "reason" && a.Value.String() == "order not allowed" {
				c.n.Add(1)
			}
			return true
		})
	}
	return nil
}

func (c countRejections) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c countRejections) WithGroup(string) slog.Handler      { return c }

// TestMaliciousProposerRejected: validator 0 reorders its own proposals;
// the honest three reject each such block, the network goes on with
// their proposals, and every envelope commits in fair order.
func TestMaliciousProposerRejected(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-validator network")
	}
	const wallets, perWallet = 6, 24
	chain := newTestChain(t, wallets)
	batches := chain.envelopes(t, "veil-test", perWallet)
	homes, err := GenerateHomes(t.TempDir(), TestnetConfig{ChainID: "veil-test", Validators: 4, Genesis: chain.genesis, TimeoutCommit: 100_000_000, DisableRPC: true})
	if err != nil {
		t.Fatal(err)
	}
	var rejected atomic.Int64
	nw := &Network{}
	t.Cleanup(func() {
		if err := nw.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	for i, home := range homes {
		c := Config{Home: home, DisableMetrics: true, Logger: slog.New(countRejections{n: &rejected})}
		if i == 0 {
			c.Rule = reversedFair{}
		}
		n, err := New(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		nw.Nodes = append(nw.Nodes, n)
		if err := n.Start(); err != nil {
			t.Fatal(err)
		}
	}
	nodes := nw.Nodes
	// Submit only once every validator gossips: an envelope gossiped to a
	// validator still in block sync is dropped, and one held by the
	// malicious validator alone could only be included on its own
	// (always rejected) turns.
	if err := nw.WaitSynced(context.Background()); err != nil {
		t.Fatal(err)
	}
	// One envelope per wallet per wave, all through the malicious
	// validator, a wave per height, until it has proposed a reordered
	// block at least once.
	// A wave per height, so the malicious validator's turns find ready
	// envelopes whichever heights they fall on.
	waves := 0
	for waves < perWallet && (waves < 8 || rejected.Load() == 0) {
		submit(t, nodes[:1], batches, waves, waves+1)
		waves++
		h, _ := nodes[1].App().LastCommit()
		waitFor(t, nodes[1], "next height", func() bool { now, _ := nodes[1].App().LastCommit(); return now > h })
	}
	waitFor(t, nodes[1], "all waves committed", allIncluded(nodes[1], batches, waves))
	if rejected.Load() == 0 {
		t.Fatal("no reordered proposal was rejected")
	}
	t.Logf("%d rejections of reordered proposals", rejected.Load())
	top, _ := nodes[1].App().LastCommit()
	for _, n := range nodes {
		waitFor(t, n, "caught up", func() bool { h, _ := n.App().LastCommit(); return h >= top })
	}
	for h := int64(1); h <= top; h++ {
		ref, err := nodes[1].App().Block(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			b, err := n.App().Block(h)
			if err != nil || !slices.Equal(b.Txs, ref.Txs) {
				t.Fatalf("%s block %d differs (%v)", n.Moniker(), h, err)
			}
		}
	}
	for _, txs := range batches {
		for _, tx := range txs[:waves] {
			if _, err := nodes[2].App().Tx(crypto.Keccak256Hash(tx)); err != nil {
				t.Fatalf("envelope %x not committed: %v", crypto.Keccak256Hash(tx), err)
			}
		}
	}
}

// TestSubmittedDuringCatchUpNotStarved: envelopes from one sender, many
// sequential nonces, all through one node right after the network
// starts, with every core kept busy. CometBFT's mempool reactor drops
// the transactions a peer sends while it is still block-syncing and
// never sends them again, so some envelopes reach only the submitting
// validator and never a quorum of reports; they used to stay pending
// until they expired. The backstop makes them eligible
// ordering.BackstopHeights heights after their first recorded report,
// so each is included within a bounded number of heights (counted in
// blocks, not wall-clock time).
func TestSubmittedDuringCatchUpNotStarved(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-validator network")
	}
	const perWallet = 48
	chain := newTestChain(t, 1)
	batches := chain.envelopes(t, "veil-test", perWallet)
	var stop atomic.Bool
	var busy sync.WaitGroup
	for range runtime.NumCPU() {
		busy.Go(func() {
			for x := 0; !stop.Load(); x++ {
				_ = x * x
			}
		})
	}
	t.Cleanup(func() { stop.Store(true); busy.Wait() })
	nw, _ := startTestNetwork(t, chain, 4)
	nodes := nw.Nodes
	submit(t, nodes[:1], batches, 0, perWallet)
	submitted, _ := nodes[0].App().LastCommit()
	waitFor(t, nodes[0], "every envelope committed", allIncluded(nodes[0], batches, perWallet))
	// First recorded report: at most two heights after submission (the
	// extension of the next height, embedded in the one after). Then the
	// backstop, then the holder's next turn to propose (every fourth
	// height, a few more for failed rounds under load).
	bound := submitted + 2 + ordering.BackstopHeights + 4*int64(len(nodes))
	var last int64
	for _, tx := range batches[0] {
		rec, err := nodes[0].App().Tx(crypto.Keccak256Hash(tx))
		if err != nil {
			t.Fatal(err)
		}
		last = max(last, rec.Height)
	}
	t.Logf("submitted by height %d, last included at %d (bound %d)", submitted, last, bound)
	if last > bound {
		t.Fatalf("last envelope included at height %d, past %d", last, bound)
	}
}
