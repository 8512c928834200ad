package test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/examples/tokenledger"
	"github.com/veilseq/veil/internal/devnet"
)

// TestExampleLedgers runs the devnet's example token ledgers under their
// demo traffic (signed transfers, and swap bundles across both rollups):
// every swap executes on both ledgers, no leg is refused, and each
// balance is what the transactions sent make it. A third ledger of the
// second rollup, run by the test and stopped and reopened from its file
// every few batches, ends in exactly the devnet ledger's state: it
// resumed each time with no batch missed or applied twice.
func TestExampleLedgers(t *testing.T) {
	const total, wallets = 120, 4
	cfg := devnetConfig(t.TempDir(), wallets)
	cfg.Ledgers = true
	d := startDevnetConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ls := d.Ledgers()
	a, b := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}

	// The restarted ledger follows rollup b alongside.
	genesis := map[common.Address]uint64{}
	for _, k := range d.Wallets {
		genesis[client.Address(k)] = devnet.LedgerBalance
	}
	var mu sync.Mutex
	target := int64(-1)
	mine := make(chan *tokenledger.State, 1)
	restarts := 0
	go func() {
		path := filepath.Join(t.TempDir(), "ledger.json")
		for round := 1; ; round++ {
			rctx, rcancel := context.WithCancel(ctx)
			applied := 0
			l, err := tokenledger.Open(tokenledger.Config{Path: path, Rollup: b, Genesis: genesis,
				OnBatch: func(bt *client.Batch, _ []tokenledger.Receipt) {
					// Stop after 1..3 batches, as a crash would.
					mu.Lock()
					done := target >= 0 && bt.Height >= target
					mu.Unlock()
					if applied++; done || applied >= 1+round%3 {
						rcancel()
					}
				}})
			if err == nil {
				err = l.Run(rctx, c)
			}
			rcancel()
			if err != nil {
				t.Error(err)
				mine <- nil
				return
			}
			mu.Lock()
			done := target >= 0 && l.Height() >= target
			mu.Unlock()
			if done || ctx.Err() != nil {
				mine <- l.State()
				return
			}
			restarts++
		}
	}()

	var last = map[int][]client.Leg{}
	var sent [][]client.Leg
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: total, Rate: 40,
		Payload: func(w, i int) []client.Leg {
			legs := ls.Payload(w, i)
			mu.Lock()
			defer mu.Unlock()
			last[w] = legs
			return legs
		},
	}
	var hashes []common.Hash
	traffic.OnSubmit = func(w int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		hashes = append(hashes, h)
		sent = append(sent, last[w])
	}
	if err := traffic.Run(ctx); err != nil {
		t.Fatal(err)
	}
	var top int64
	for _, r := range waitFinal(ctx, t, d.Network.Nodes[0].App(), hashes) {
		top = max(top, r.Height)
	}
	mu.Lock()
	target = top
	mu.Unlock()

	// What the sent transactions make of the genesis balances, if every
	// one applies.
	want := map[uint64]map[common.Address]uint64{a: maps.Clone(genesis), b: maps.Clone(genesis)}
	var swaps uint64
	transfers := map[uint64]uint64{}
	for _, legs := range sent {
		tx, err := tokenledger.Decode(legs[0].Data)
		if err != nil {
			t.Fatal(err)
		}
		if s := tx.Swap; s != nil {
			swaps++
			want[a][s.A.From] -= s.A.Amount
			want[a][s.B.From] += s.A.Amount
			want[b][s.B.From] -= s.B.Amount
			want[b][s.A.From] += s.B.Amount
			continue
		}
		tr := tx.Transfer
		from, err := tr.Sender()
		if err != nil {
			t.Fatal(err)
		}
		transfers[tr.Rollup]++
		want[tr.Rollup][from] -= tr.Amount
		want[tr.Rollup][tr.To] += tr.Amount
	}
	if swaps == 0 {
		t.Fatal("the demo traffic sent no swap")
	}

	for i, r := range []uint64{a, b} {
		l := ls.Ledgers[i]
		for l.Height() < top {
			select {
			case <-ctx.Done():
				t.Fatalf("ledger %d at height %d, want %d (%v)", r, l.Height(), top, ls.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
		st := l.State()
		if st.Stats != (tokenledger.Stats{Transfers: transfers[r], Swaps: swaps}) {
			t.Fatalf("ledger %d: %+v, want %d transfers and %d swap legs, none refused", r, st.Stats, transfers[r], swaps)
		}
		for addr, bal := range want[r] {
			if st.Balance(addr) != bal {
				t.Fatalf("ledger %d: %s holds %d, want %d", r, addr, st.Balance(addr), bal)
			}
		}
		if st.Supply() != uint64(len(d.Wallets))*devnet.LedgerBalance {
			t.Fatalf("ledger %d: supply %d", r, st.Supply())
		}
		t.Logf("ledger %d: %+v", r, st.Stats)
	}

	got := <-mine
	if got == nil {
		t.FailNow()
	}
	ref := ls.Ledgers[1].State()
	if got.Stats != ref.Stats || !slices.Equal(got.Addresses(), ref.Addresses()) {
		t.Fatalf("restarted ledger: %+v, the devnet's: %+v", got.Stats, ref.Stats)
	}
	for _, addr := range ref.Addresses() {
		if *got.Accounts[addr] != *ref.Accounts[addr] {
			t.Fatalf("restarted ledger: %s is %+v, the devnet's %+v", addr, got.Accounts[addr], ref.Accounts[addr])
		}
	}
	t.Logf("restarted ledger resumed %d times", restarts)
}
