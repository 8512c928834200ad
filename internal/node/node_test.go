package node

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

const (
	testBalance = 1_000_000
	testFee     = 7
)

// testChain is the genesis of a test network and the wallets it funds.
type testChain struct {
	genesis *ordering.Genesis
	enc     *threshold.Encrypter
	keys    []*ecdsa.PrivateKey
}

func newTestChain(t testing.TB, wallets int) *testChain {
	t.Helper()
	pk, _, err := threshold.DealKeys(rand.NewChaCha8([32]byte{1}), 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	pkBytes, err := pk.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := &testChain{enc: threshold.NewEncrypter(pk)}
	params := ordering.DefaultParams()
	params.ExpiryWindow = 10_000
	c.genesis = &ordering.Genesis{
		Params:  params,
		Rollups: []ordering.Rollup{{ID: 1, Name: "alpha"}, {ID: 2, Name: "beta"}},
		Eon:     ordering.GenesisEon{ID: 1, PublicKey: pkBytes},
	}
	for i := range wallets {
		var b [32]byte
		b[0], b[31] = byte(i+1), 7
		k, err := crypto.ToECDSA(b[:])
		if err != nil {
			t.Fatal(err)
		}
		c.keys = append(c.keys, k)
		c.genesis.Accounts = append(c.genesis.Accounts, ordering.GenesisAccount{Address: crypto.PubkeyToAddress(k.PublicKey), Balance: testBalance})
	}
	return c
}

// envelopes seals n envelopes per wallet, nonces 0..n-1.
func (c *testChain) envelopes(t testing.TB, chainID string, n int) [][][]byte {
	t.Helper()
	rng := rand.NewChaCha8([32]byte{2})
	out := make([][][]byte, len(c.keys))
	for w, k := range c.keys {
		for nonce := range n {
			h := mempool.Envelope{ChainID: chainID, Eon: 1, Nonce: uint64(nonce), Fee: testFee, Expiry: 5_000, Rollups: []uint64{uint64(1 + nonce%2)}}
			e, err := mempool.Seal(rng, c.enc, h, fmt.Appendf(nil, "wallet %d payment %d", w, nonce), k)
			if err != nil {
				t.Fatal(err)
			}
			out[w] = append(out[w], e.Encode())
		}
	}
	return out
}

func startTestNetwork(t *testing.T, chain *testChain, n int) (*Network, Config) {
	t.Helper()
	homes, err := GenerateHomes(t.TempDir(), TestnetConfig{
		ChainID:       "veil-test",
		Validators:    n,
		Genesis:       chain.genesis,
		TimeoutCommit: 100 * time.Millisecond,
		DisableRPC:    true,
	})
	if err != nil {
		t.Fatal(err)
	}
	base := Config{}
	nw, err := StartNetwork(context.Background(), homes, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nw.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return nw, base
}

// waitFor waits on node's commits until cond holds. The deadline only
// keeps a broken network from hanging the test run.
func waitFor(t *testing.T, n *Node, what string, cond func() bool) {
	t.Helper()
	sub := n.App().Subscribe(64)
	defer sub.Close()
	deadline := time.After(2 * time.Minute)
	for !cond() {
		select {
		case _, ok := <-sub.C():
			if !ok {
				sub = n.App().Subscribe(64)
			}
		case <-deadline:
			h, _ := n.App().LastCommit()
			t.Fatalf("%s: %s not reached (height %d)", n.Moniker(), what, h)
		}
	}
}

// submit sends each wallet's envelopes, in nonce order, to the given
// nodes in turn (wallet w to nodes[w%len(nodes)]).
func submit(t *testing.T, nodes []*Node, batches [][][]byte, from, to int) {
	t.Helper()
	for nonce := from; nonce < to; nonce++ {
		for w, txs := range batches {
			n := nodes[w%len(nodes)]
			if _, err := n.Submit(txs[nonce]); err != nil {
				t.Fatalf("submit wallet %d nonce %d to %s: %v", w, nonce, n.Moniker(), err)
			}
		}
	}
}

func keccakOf(tx []byte) common.Hash { return crypto.Keccak256Hash(tx) }

func allIncluded(n *Node, batches [][][]byte, upTo int) func() bool {
	return func() bool {
		for _, txs := range batches {
			if _, err := n.App().Tx(crypto.Keccak256Hash(txs[upTo-1])); err != nil {
				return false
			}
		}
		return true
	}
}

// TestFourValidators runs four validators in-process, submits a few
// hundred envelopes through different nodes, stops one validator
// mid-run and restarts it from its home, and checks that every node
// committed every envelope exactly once, in the same blocks in the same
// order, with the same fees, nonces and app hashes.
func TestFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-validator network")
	}
	const wallets, perWallet = 8, 40 // 320 envelopes
	chain := newTestChain(t, wallets)
	batches := chain.envelopes(t, "veil-test", perWallet)
	nw, base := startTestNetwork(t, chain, 4)
	nodes := nw.Nodes

	// First half through all four nodes.
	submit(t, nodes, batches, 0, perWallet/2)
	waitFor(t, nodes[0], "first half committed", allIncluded(nodes[0], batches, perWallet/2))

	// Validator 3 goes down; the other three hold more than 2/3 of the
	// power and go on.
	if err := nodes[3].Stop(); err != nil {
		t.Fatal(err)
	}
	stoppedAt, _ := nodes[3].App().LastCommit()
	submit(t, nodes[:3], batches, perWallet/2, perWallet)
	waitFor(t, nodes[0], "second half committed", allIncluded(nodes[0], batches, perWallet))
	if h, _ := nodes[0].App().LastCommit(); h <= stoppedAt {
		t.Fatalf("network did not progress without validator 3 (height %d)", h)
	}

	t.Logf("validator 3 stopped at height %d; network at %d", stoppedAt, func() int64 { h, _ := nodes[0].App().LastCommit(); return h }())

	// Validator 3 restarts from disk and catches up.
	if err := nw.Restart(context.Background(), 3, base); err != nil {
		t.Fatal(err)
	}
	nodes = nw.Nodes
	target, _ := nodes[0].App().LastCommit()
	waitFor(t, nodes[3], "caught up", func() bool { h, _ := nodes[3].App().LastCommit(); return h >= target })
	if h, _ := nodes[3].App().LastCommit(); h < stoppedAt {
		t.Fatalf("restarted node lost blocks: height %d < %d", h, stoppedAt)
	}

	// Compare the nodes block by block up to a height all have.
	top := target
	for _, n := range nodes {
		h, _ := n.App().LastCommit()
		top = min(top, h)
	}
	seen := make(map[common.Hash]int64)
	for h := int64(1); h <= top; h++ {
		ref, err := nodes[0].App().Block(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes[1:] {
			b, err := n.App().Block(h)
			if err != nil {
				t.Fatalf("%s block %d: %v", n.Moniker(), h, err)
			}
			if !slices.Equal(b.Txs, ref.Txs) || !slices.Equal(b.AppHash, ref.AppHash) {
				t.Fatalf("%s block %d differs from node0's", n.Moniker(), h)
			}
		}
		for i, tx := range ref.Txs {
			if prev, dup := seen[tx]; dup {
				t.Fatalf("tx %s committed at %d and %d", tx, prev, h)
			}
			seen[tx] = h
			for _, n := range nodes {
				rec, err := n.App().Tx(tx)
				if err != nil || rec.Height != h || rec.Index != uint32(i) || rec.Status != ordering.TxIncluded {
					t.Fatalf("%s: record of %s: %+v, %v", n.Moniker(), tx, rec, err)
				}
			}
		}
	}
	if len(seen) != wallets*perWallet {
		t.Fatalf("%d envelopes committed, want %d", len(seen), wallets*perWallet)
	}
	for w, txs := range batches {
		for _, tx := range txs {
			if _, ok := seen[crypto.Keccak256Hash(tx)]; !ok {
				t.Fatalf("wallet %d: envelope %s missing", w, crypto.Keccak256Hash(tx))
			}
		}
		addr := crypto.PubkeyToAddress(chain.keys[w].PublicKey)
		for _, n := range nodes {
			acc, err := n.App().Account(addr)
			if err != nil {
				t.Fatal(err)
			}
			want := ordering.Account{Balance: testBalance - perWallet*testFee, Nonce: perWallet}
			if acc != want {
				t.Errorf("%s wallet %d: %+v, want %+v", n.Moniker(), w, acc, want)
			}
		}
	}

	// The mempools have let go of everything committed.
	for _, n := range nodes {
		if n.Mempool().Size() != 0 {
			t.Errorf("%s: %d envelopes left in the mempool", n.Moniker(), n.Mempool().Size())
		}
	}
	// A replayed envelope is refused.
	if _, err := nodes[1].Submit(batches[0][0]); err == nil {
		t.Error("replayed envelope admitted")
	}
	var txErr *ordering.TxError
	if _, err := nodes[1].Submit(batches[1][0][:10]); !errors.As(err, &txErr) || !errors.Is(err, mempool.ErrMalformed) {
		t.Errorf("malformed envelope: %v", err)
	}
}
