package test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed/feed"
)

// escapeBlocks is K in the escape-hatch fault test.
const escapeBlocks = 8

// TestEscapeHatchWithCommitteeOffline runs a 4-member, t = 3 committee
// with two keyholders offline on a devnet with the escape hatch: nothing
// decrypts and no key exists before K blocks; then every validator's
// solver solves the time-locks, the time-locked envelopes decrypt
// through the escape hatch and reach the rollup feed's firm level
// (without a committee signature), the others are marked undecryptable,
// and the chain keeps going.
func TestEscapeHatchWithCommitteeOffline(t *testing.T) {
	cfg := devnetConfig(t.TempDir(), 4)
	cfg.Keyholders = map[int]devnet.KeyholderFault{3: devnet.KeyholderOffline, 4: devnet.KeyholderOffline}
	cfg.EscapeHatchBlocks = escapeBlocks
	d := startDevnetConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The wallet API publishes the escape hatch.
	if params.TimeLock == nil || params.EscapeHatchBlocks != escapeBlocks || params.TimeLock.Delay() != devnet.EscapeDelay {
		t.Fatalf("encryption params: escape hatch %d blocks, time-lock %v", params.EscapeHatchBlocks, params.TimeLock)
	}
	rollup := devnet.DemoRollups[0].ID

	// Wallet i sends one envelope; even wallets time-lock it.
	locked := make(map[common.Hash]bool)
	var hashes []common.Hash
	for i, key := range d.Wallets {
		env, err := client.Seal(rand.Reader, params, key, client.Tx{
			Legs:     []client.Leg{{Rollup: rollup, Data: fmt.Appendf(nil, "escape %d", i)}},
			TimeLock: i%2 == 0,
		})
		if err != nil {
			t.Fatal(err)
		}
		hash, err := c.Submit(ctx, env)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		hashes = append(hashes, hash)
		locked[hash] = i%2 == 0
	}
	heights := make(map[common.Hash]int64)
	var first, last int64
	for _, h := range hashes {
		st, err := c.Wait(ctx, h, client.UntilIncluded)
		if err != nil {
			t.Fatalf("wait for %s: %v", h, err)
		}
		heights[h] = int64(st.Height)
		if first == 0 || heights[h] < first {
			first = heights[h]
		}
		last = max(last, heights[h])
	}

	// Until first+K-1 is committed, nothing is resolved anywhere: no
	// keys, no soft or firm plaintext.
	nodes := d.Network.Nodes
	waitFor(t, ctx, "K−1 blocks after the first inclusion", func() bool {
		h, _ := nodes[0].App().LastCommit()
		return h >= first+escapeBlocks-1
	})
	for i, n := range nodes {
		for h, height := range heights {
			if _, ok := d.Pool(i).TxResult(h); ok {
				t.Fatalf("node %d decrypted %s with two keyholders offline", i, h)
			}
			if _, ok := d.Pool(i).DecryptionKeys(height); ok {
				t.Fatalf("node %d has keys for height %d", i, height)
			}
			if height+escapeBlocks > first+escapeBlocks-1 {
				continue // may be resolved as early as this
			}
			if rec, _ := n.App().Tx(h); rec.Status != ordering.TxIncluded {
				t.Fatalf("node %d: %s is %v before the delay", i, h, rec.Status)
			}
		}
	}

	// Every validator resolves every envelope: time-locked ones decrypt,
	// the others are undecryptable, never before K blocks.
	for i, n := range nodes {
		waitFor(t, ctx, fmt.Sprintf("escape-hatch resolution on node %d", i), func() bool {
			for h := range heights {
				if rec, err := n.App().Tx(h); err != nil || rec.Status == ordering.TxIncluded {
					return false
				}
			}
			return true
		})
		for h, height := range heights {
			rec, err := n.App().Tx(h)
			if err != nil {
				t.Fatal(err)
			}
			want := ordering.TxUndecryptable
			if locked[h] {
				want = ordering.TxDecrypted
			}
			if rec.Status != want {
				t.Errorf("node %d: %s (locked %v) is %v, want %v", i, h, locked[h], rec.Status, want)
			}
			_, recordedAt, ok, err := n.App().FirmRoot(height)
			if err != nil || !ok || recordedAt < height+escapeBlocks {
				t.Errorf("node %d: height %d resolved at %d (ok %v, %v), before the delay", i, height, recordedAt, ok, err)
			}
		}
	}

	// The wallet API reports the outcome as final: decrypted, or failed
	// with the reason.
	for h := range heights {
		st, err := c.Status(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		want := api.TxFailed
		if locked[h] {
			want = api.TxDecrypted
		}
		if st.State != want || (want == api.TxFailed && !strings.Contains(st.Reason, "escape-hatch")) {
			t.Errorf("%s (locked %v): API status %v %q", h, locked[h], st.State, st.Reason)
		}
	}

	// The rollup feed's firm level (which waits for committee signatures
	// on this devnet) reaches the escaped heights: the time-locked
	// envelopes deliver, the others are listed as failed.
	fd := nodes[0].Feed()
	waitFor(t, ctx, "the firm feed past the escaped heights", func() bool { return fd.Tip(feed.Firm) >= last })
	for h, height := range heights {
		b, err := fd.Block(feed.Firm, height)
		if err != nil {
			t.Fatal(err)
		}
		failed := false
		for _, f := range b.Failed {
			failed = failed || f.Hash == h
		}
		if failed == locked[h] {
			t.Errorf("height %d: %s (locked %v) failed %v in the firm batch", height, h, locked[h], failed)
		}
	}
	// The chain keeps going.
	now, _ := nodes[0].App().LastCommit()
	waitFor(t, ctx, "three more blocks", func() bool { h, _ := nodes[0].App().LastCommit(); return h >= now+3 })
}
