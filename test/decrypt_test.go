package test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

// releaseLog checks every keyholder release as it happens: no release
// for a height above the releasing node's last commit.
type releaseLog struct {
	t  *testing.T
	mu sync.Mutex
	by map[int][]int64 // member → heights released, in order
}

func (l *releaseLog) record(r decrypt.Release, committed int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.Height > committed {
		l.t.Errorf("member %d released height %d with only %d committed", r.Member, r.Height, committed)
	}
	l.by[r.Member] = append(l.by[r.Member], r.Height)
}

func (l *releaseLog) heights(member int) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int64(nil), l.by[member]...)
}

// send submits n envelopes and returns their hashes and inclusion heights.
func send(t *testing.T, ctx context.Context, d *devnet.Devnet, n int) map[common.Hash]int64 {
	t.Helper()
	var mu sync.Mutex
	var hashes []common.Hash
	tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: n, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		hashes = append(hashes, h)
		mu.Unlock()
	}}
	if err := tr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[common.Hash]int64, n)
	for _, h := range hashes {
		st, err := c.Wait(ctx, h, client.UntilIncluded)
		if err != nil {
			t.Fatalf("wait for %s: %v", h, err)
		}
		out[h] = int64(st.Height)
	}
	return out
}

// waitFor polls cond every 50 ms until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestDecryptionUnderKeyholderFaults runs a 4-member, t = 3 committee
// with faulty keyholders and checks soft and firm decryption on every
// validator, and that no key exists anywhere before its block commits.
func TestDecryptionUnderKeyholderFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		faults  map[int]devnet.KeyholderFault
		decrypt bool
	}{
		{"one keyholder sends garbage", map[int]devnet.KeyholderFault{2: devnet.KeyholderGarbage}, true},
		{"one keyholder offline", map[int]devnet.KeyholderFault{4: devnet.KeyholderOffline}, true},
		{"two keyholders offline", map[int]devnet.KeyholderFault{3: devnet.KeyholderOffline, 4: devnet.KeyholderOffline}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &releaseLog{t: t, by: make(map[int][]int64)}
			cfg := devnetConfig(t.TempDir(), 4)
			cfg.Keyholders, cfg.OnRelease = tc.faults, log.record
			d, err := devnet.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := d.Stop(); err != nil {
					t.Errorf("stop: %v", err)
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			txs := send(t, ctx, d, 40)
			var last int64
			for _, h := range txs {
				last = max(last, h)
			}
			nodes := d.Network.Nodes
			if !tc.decrypt {
				// Give the committee several blocks: nothing may decrypt.
				waitFor(t, ctx, "five more blocks", func() bool { h, _ := nodes[0].App().LastCommit(); return h >= last+5 })
				for i := range nodes {
					for h, height := range txs {
						if _, ok := d.Pool(i).TxResult(h); ok {
							t.Fatalf("node %d decrypted %s with two keyholders offline", i, h)
						}
						if _, ok := d.Pool(i).DecryptionKeys(height); ok {
							t.Fatalf("node %d has keys for height %d", i, height)
						}
						if rec, _ := nodes[i].App().Tx(h); rec.Status != ordering.TxIncluded {
							t.Fatalf("node %d: %s is %v", i, h, rec.Status)
						}
					}
				}
				return
			}
			// Firm on every validator, and soft before that on each.
			for i, n := range nodes {
				waitFor(t, ctx, fmt.Sprintf("firm decryption on node %d", i), func() bool {
					for h := range txs {
						if rec, err := n.App().Tx(h); err != nil || rec.Status != ordering.TxDecrypted {
							return false
						}
					}
					return true
				})
				for h, height := range txs {
					r, ok := d.Pool(i).TxResult(h)
					if !ok || r.Err != nil {
						t.Fatalf("node %d: %s not soft-decrypted (%v)", i, h, r.Err)
					}
					res, _ := d.Pool(i).Result(height)
					if res.AvailableAt < height {
						t.Fatalf("node %d could decrypt height %d at commit %d", i, height, res.AvailableAt)
					}
				}
			}
			c, _ := client.Dial(d.APIURL())
			for h := range txs {
				st, err := c.Status(ctx, h)
				if err != nil || st.State != api.TxDecrypted || st.Level != api.LevelFirm {
					t.Fatalf("API status of %s: %+v %v", h, st, err)
				}
			}
			if tc.faults[2] == devnet.KeyholderGarbage {
				for i := range nodes {
					ev := d.Pool(i).Evidence()
					if len(ev) == 0 {
						t.Fatalf("node %d recorded no evidence against the garbage keyholder", i)
					}
					for _, e := range ev {
						if e.Member != 2 {
							t.Fatalf("node %d blamed member %d", i, e.Member)
						}
					}
				}
			}
		})
	}
}

// TestKeyholderRestartResumes stops a keyholder mid-run and starts it
// again: it resumes after the last height it released, never releasing
// a height twice, and the chain keeps decrypting throughout.
func TestKeyholderRestartResumes(t *testing.T) {
	log := &releaseLog{t: t, by: make(map[int][]int64)}
	cfg := devnetConfig(t.TempDir(), 4)
	cfg.OnRelease = log.record
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	send(t, ctx, d, 10)
	stopped := d.StopKeyholder(1)
	if stopped == 0 {
		t.Fatal("keyholder 1 released nothing before the stop")
	}
	txs := send(t, ctx, d, 10) // decrypted by members 2–4 meanwhile
	if err := d.StartKeyholder(1); err != nil {
		t.Fatal(err)
	}
	var last int64
	for _, h := range txs {
		last = max(last, h)
	}
	app := d.Network.Nodes[0].App()
	waitFor(t, ctx, "keyholder 1 to catch up", func() bool { return d.KeyholderReleased(1) > last })
	seen := make(map[int64]bool)
	for _, h := range log.heights(1) {
		if seen[h] {
			t.Fatalf("keyholder 1 released height %d twice", h)
		}
		seen[h] = true
	}
	for h := range txs {
		waitFor(t, ctx, "firm decryption", func() bool {
			rec, err := app.Tx(h)
			return err == nil && rec.Status == ordering.TxDecrypted
		})
	}
}
