package ordering

import (
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/mempool"
)

// TestFenceStepsOverSpentEnvelope: X and its replacement Y (same sender
// and nonce) are both ready, then L, seen after both. Once X is in the
// block, Y can never be included; a block that leaves Y out may hold L
// only by showing Y's bytes (skipped), which the proposer has from its
// mempool or, after the re-check that dropped Y, from the App's cache.
// Without them the block stops before Y: L waits, Y fences it.
func TestFenceStepsOverSpentEnvelope(t *testing.T) {
	c := newFairChain(t, 2)
	X, Y, L := c.w.tx(0, 0, 10), c.w.tx(0, 0, 20), c.w.tx(1, 0, 10)
	id := func(tx []byte) ShortID { return ShortIDOf(mempool.Hash(keccak(tx))) }
	c.step(abci.ExtendedCommitInfo{})
	e := ext(X, ms(10), Y, ms(20), L, ms(30))
	commit := c.commit(1, e, e, e, e)

	envs := func(txs [][]byte) [][]byte {
		var out [][]byte
		for _, tx := range txs {
			if !IsSystemTx(tx) {
				out = append(out, tx)
			}
		}
		return out
	}
	skipped := func(txs [][]byte) [][]byte {
		t.Helper()
		e, err := ParseEmbeddedExtensions(txs[0])
		if err != nil {
			t.Fatal(err)
		}
		return e.Skipped
	}

	// The proposer lacks Y's bytes: X only; L and Y declared omitted.
	txs := c.prepare(commit, X, L)
	if got := envs(txs); len(got) != 1 || !slices.Equal(got[0], X) || len(skipped(txs)) != 0 {
		t.Fatalf("without Y's bytes: %d envelopes, %d skipped; want X alone", len(got), len(skipped(txs)))
	}
	if !c.process(txs) {
		t.Fatal("fenced proposal rejected")
	}

	// With Y in the mempool: X and L, Y skipped.
	txs = c.prepare(commit, X, Y, L)
	if got := envs(txs); len(got) != 2 || !slices.Equal(got[0], X) || !slices.Equal(got[1], L) {
		t.Fatalf("with Y: %d envelopes, want X and L", len(got))
	}
	if s := skipped(txs); len(s) != 1 || !slices.Equal(s[0], Y) {
		t.Fatalf("with Y: skipped %d, want Y", len(s))
	}
	if !c.process(txs) {
		t.Fatal("proposal skipping Y rejected")
	}

	// Tampered: without the skipped bytes L overtakes Y; with bytes of an
	// envelope that can still be included, or the wrong bytes, the block
	// is rejected as well.
	for name, sk := range map[string][][]byte{
		"no skipped bytes": nil,
		"includable":       {L},
		"not an envelope":  {{1, 2, 3}},
		"skipped twice":    {Y, Y},
		"unready envelope": {c.w.tx(1, 1, 10)},
	} {
		emb, _ := ParseEmbeddedExtensions(txs[0])
		emb.Skipped = sk
		sys, err := emb.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		bad := append([][]byte{sys}, txs[1:]...)
		if c.process(bad) {
			t.Errorf("%s: proposal accepted", name)
		}
	}

	// After a re-check dropped Y, the App still has its bytes.
	c.app.noteGone(mempool.Hash(keccak(Y)), Y)
	txs = c.prepare(commit, X, L)
	if got := envs(txs); len(got) != 2 || len(skipped(txs)) != 1 {
		t.Fatalf("Y from the cache: %d envelopes, %d skipped; want 2 and 1", len(got), len(skipped(txs)))
	}
	got := c.step(commit, X, L)
	if len(got) != 2 || id(got[1]) != id(L) {
		t.Fatalf("committed %d envelopes, want X and L", len(got))
	}
}

// TestFenceIncludesReplacedEnvelope: X is reported by every validator,
// then a fee bump Y (same sender and nonce) evicts it from this node's
// mempool. The chain still accepts X and it was seen first, so the
// proposer includes X from the App's cache of evicted envelopes, and
// shows Y, which the block makes unincludable, as skipped; L follows.
func TestFenceIncludesReplacedEnvelope(t *testing.T) {
	c := newFairChain(t, 2)
	X, Y, L := c.w.tx(0, 0, 10), c.w.tx(0, 0, 20), c.w.tx(1, 0, 10)
	c.step(abci.ExtendedCommitInfo{})
	for _, tx := range [][]byte{X, Y, L} {
		if err := checkTx(t, c.app, tx, false); err != nil {
			t.Fatal(err)
		}
	}
	e := ext(X, ms(10), Y, ms(20), L, ms(30))
	// CometBFT dropped X with the eviction: only Y and L are offered.
	txs := c.prepare(c.commit(1, e, e, e, e), Y, L)
	var envs [][]byte
	for _, tx := range txs {
		if !IsSystemTx(tx) {
			envs = append(envs, tx)
		}
	}
	if len(envs) != 2 || !slices.Equal(envs[0], X) || !slices.Equal(envs[1], L) {
		t.Fatalf("block holds %d envelopes, want X (from the cache) and L", len(envs))
	}
	emb, err := ParseEmbeddedExtensions(txs[0])
	if err != nil || len(emb.Skipped) != 1 || !slices.Equal(emb.Skipped[0], Y) {
		t.Fatalf("skipped %v (%v), want Y", emb, err)
	}
	if !c.process(txs) {
		t.Fatal("proposal rejected")
	}
}
