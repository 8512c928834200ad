package test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

// TestRollupFeedNodeRestart restarts the node serving the feed while a
// subscriber streams from it: the SDK reconnects, the node's feed
// resumes from its store, and the subscriber gets every leg once.
func TestRollupFeedNodeRestart(t *testing.T) {
	d := startDevnet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	a := devnet.DemoRollups[0].ID
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	last := map[int][]client.Leg{}
	sent := map[common.Hash][]client.Leg{}
	send := func(n int) {
		tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: n,
			Payload: func(w, i int) []client.Leg {
				// Unique across both rounds.
				legs := []client.Leg{{Rollup: a, Data: []byte(time.Now().Format(time.RFC3339Nano) + "/" + itoa(int64(w)) + "/" + itoa(int64(i)))}}
				mu.Lock()
				defer mu.Unlock()
				last[w] = legs
				return legs
			},
			OnSubmit: func(w int, h common.Hash, _ time.Time) {
				mu.Lock()
				defer mu.Unlock()
				sent[h] = last[w]
			},
		}
		if err := tr.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// firmOn waits until every sent envelope is firm on validator 1 and
	// returns the highest height.
	firmOn := func() int64 {
		var top int64
		mu.Lock()
		defer mu.Unlock()
		for h := range sent {
			for {
				r, err := d.Network.Nodes[1].App().Tx(h)
				if err == nil && (r.Status == ordering.TxDecrypted || r.Status == ordering.TxDecryptFailed) {
					top = max(top, r.Height)
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("%s not firm: %v %v", h, r, err)
				case <-time.After(20 * time.Millisecond):
				}
			}
		}
		return top
	}

	var until int64 = -1
	type out struct {
		r   *received
		err error
	}
	done := make(chan out, 1)
	go func() {
		r, err := follow(ctx, c, a, api.LevelFirm, func() int64 { mu.Lock(); defer mu.Unlock(); return until }, nil)
		done <- out{r, err}
	}()
	send(10)
	firmOn()
	if err := d.Restart(ctx, 0); err != nil {
		t.Fatal(err)
	}
	send(10)
	top := firmOn()
	mu.Lock()
	until = top
	mu.Unlock()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := map[string]bool{}
	for _, legs := range sent {
		want[string(legs[0].Data)] = true
	}
	seen := map[string]bool{}
	for _, l := range res.r.legs {
		if seen[string(l.Data)] || !want[string(l.Data)] {
			t.Fatalf("unexpected or repeated leg %q", l.Data)
		}
		seen[string(l.Data)] = true
	}
	if len(seen) != len(want) {
		t.Fatalf("%d legs, want %d", len(seen), len(want))
	}
}
