package test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/internal/devnet"
)

// startDevnet starts a 4-validator devnet in a temporary directory with
// the API's rate limits off (the test is the only client).
func startDevnet(t *testing.T, wallets int) *devnet.Devnet {
	t.Helper()
	d, err := devnet.Start(context.Background(), devnetConfig(t.TempDir(), wallets))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop devnet: %v", err)
		}
	})
	return d
}

func devnetConfig(dir string, wallets int) devnet.Config {
	return devnet.Config{
		Dir:           dir,
		Validators:    4,
		Wallets:       wallets,
		APIAddr:       "127.0.0.1:0",
		TimeoutCommit: 200 * time.Millisecond,
		API:           server.Config{IPRate: -1, SenderRate: -1},
	}
}

// TestEncryptedEnvelopesCommitExactlyOnce submits 500 encrypted envelopes
// through the wallet API while one validator crashes and restarts, then
// checks that every envelope is committed exactly once, in the same order
// on every validator, with its fee charged and its nonce used.
func TestEncryptedEnvelopesCommitExactlyOnce(t *testing.T) {
	const total, wallets = 500, 10
	d := startDevnet(t, wallets)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var hashes []common.Hash
	perWallet := make([]uint64, wallets)
	restarted := make(chan error, 1)
	traffic := &devnet.Traffic{
		URL:     d.APIURL(),
		Wallets: d.Wallets,
		Count:   total,
		OnSubmit: func(w int, h common.Hash, _ time.Time) {
			mu.Lock()
			defer mu.Unlock()
			hashes = append(hashes, h)
			perWallet[w]++
			if len(hashes) == total/2 {
				// Crash validator 2 halfway and bring it back from disk.
				go func() { restarted <- d.Restart(ctx, 2) }()
			}
		},
	}
	if err := traffic.Run(ctx); err != nil {
		t.Fatalf("traffic: %v", err)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart validator 2: %v", err)
	}
	if len(hashes) != total {
		t.Fatalf("%d envelopes accepted, want %d", len(hashes), total)
	}

	// Wait for every envelope to be included, as the API reports it.
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, h := range hashes {
		st, err := c.Wait(ctx, h, client.UntilIncluded)
		if err != nil {
			t.Fatalf("wait for %s: %v", h, err)
		}
		last = max(last, st.Height)
	}

	// Every validator reaches that height with identical blocks.
	nodes := d.Network.Nodes
	for _, n := range nodes {
		for {
			if h, _ := n.App().LastCommit(); uint64(h) >= last {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s did not reach height %d", n.Moniker(), last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	var order []common.Hash
	for h := int64(1); h <= int64(last); h++ {
		ref, err := nodes[0].App().Block(h)
		if err != nil {
			t.Fatalf("block %d on %s: %v", h, nodes[0].Moniker(), err)
		}
		for _, n := range nodes[1:] {
			got, err := n.App().Block(h)
			if err != nil {
				t.Fatalf("block %d on %s: %v", h, n.Moniker(), err)
			}
			if !slices.Equal(got.Txs, ref.Txs) || !slices.Equal(got.AppHash, ref.AppHash) {
				t.Fatalf("block %d differs between %s and %s", h, nodes[0].Moniker(), n.Moniker())
			}
		}
		order = append(order, ref.Txs...)
	}
	seen := make(map[common.Hash]int, len(order))
	for _, h := range order {
		seen[h]++
	}
	for _, h := range hashes {
		if seen[h] != 1 {
			t.Fatalf("envelope %s committed %d times", h, seen[h])
		}
	}
	if len(order) != total {
		t.Fatalf("%d envelopes committed, want %d", len(order), total)
	}

	// Fees charged and nonces used, on every validator.
	params, err := nodes[0].App().Params()
	if err != nil {
		t.Fatal(err)
	}
	for w, key := range d.Wallets {
		for _, n := range nodes {
			a, err := n.App().Account(client.Address(key))
			if err != nil {
				t.Fatal(err)
			}
			if a.Nonce != perWallet[w] || a.Balance != devnet.WalletBalance-perWallet[w]*params.MinFee {
				t.Fatalf("wallet %d on %s: nonce %d balance %d, want nonce %d balance %d",
					w, n.Moniker(), a.Nonce, a.Balance, perWallet[w], devnet.WalletBalance-perWallet[w]*params.MinFee)
			}
		}
	}
}
