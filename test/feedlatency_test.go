package test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
)

// TestFeedLatency measures how long after a block commits its batches
// reach a rollup subscribed through the wallet API, soft and firm, under
// a steady load below saturation, and how long after submission each leg
// arrives. It prints p50 and p99. Opt-in (it takes about a minute):
//
//	VEIL_FEED_LATENCY=1 go test ./test -run TestFeedLatency -v
func TestFeedLatency(t *testing.T) {
	if os.Getenv("VEIL_FEED_LATENCY") == "" {
		t.Skip("set VEIL_FEED_LATENCY=1 to measure the feed's commit→delivery latency")
	}
	const total, wallets, rate = 600, 8, 20.0
	d := startDevnet(t, wallets)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a := devnet.DemoRollups[0].ID
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}

	// When validator 0's application commits each height.
	var mu sync.Mutex
	committedAt := map[int64]time.Time{}
	sub := d.Network.Nodes[0].App().Subscribe(4096)
	defer sub.Close()
	go func() {
		for b := range sub.C() {
			now := time.Now()
			mu.Lock()
			committedAt[b.Height] = now
			mu.Unlock()
		}
	}()

	// When each level's subscriber receives each height, and each leg.
	type arrival struct {
		height int64
		at     time.Time
		legs   []common.Hash
	}
	arrivals := map[api.DecryptionLevel][]arrival{}
	var wg sync.WaitGroup
	sctx, stop := context.WithCancel(ctx)
	for _, level := range []api.DecryptionLevel{api.LevelSoft, api.LevelFirm} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b, err := range c.Subscribe(sctx, a, 1, level) {
				if err != nil {
					t.Error(err)
					return
				}
				ar := arrival{height: b.Height, at: time.Now()}
				for _, l := range b.Legs {
					ar.legs = append(ar.legs, l.Manifest.BundleID)
				}
				mu.Lock()
				arrivals[level] = append(arrivals[level], ar)
				mu.Unlock()
			}
		}()
	}

	submittedAt := map[common.Hash]time.Time{}
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: total, Rate: rate,
		OnSubmit: func(_ int, h common.Hash, at time.Time) {
			mu.Lock()
			defer mu.Unlock()
			submittedAt[h] = at
		},
	}
	if err := traffic.Run(ctx); err != nil {
		t.Fatal(err)
	}
	var hashes []common.Hash
	mu.Lock()
	for h := range submittedAt {
		hashes = append(hashes, h)
	}
	mu.Unlock()
	var top int64
	for _, r := range waitFinal(ctx, t, d.Network.Nodes[0].App(), hashes) {
		top = max(top, r.Height)
	}
	for {
		mu.Lock()
		n := len(arrivals[api.LevelFirm])
		mu.Unlock()
		if int64(n) >= top || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	var intervals []time.Duration
	for h, at := range committedAt {
		if prev, ok := committedAt[h-1]; ok {
			intervals = append(intervals, at.Sub(prev))
		}
	}
	i50, i99 := percentiles(intervals)
	t.Logf("block interval p50 %v p99 %v (%d blocks)", i50, i99, len(intervals))
	for _, level := range []api.DecryptionLevel{api.LevelSoft, api.LevelFirm} {
		var fromCommit, fromSubmit []time.Duration
		for _, ar := range arrivals[level] {
			if len(ar.legs) == 0 {
				continue
			}
			if at, ok := committedAt[ar.height]; ok {
				fromCommit = append(fromCommit, ar.at.Sub(at))
			}
			for _, h := range ar.legs {
				if at, ok := submittedAt[h]; ok {
					fromSubmit = append(fromSubmit, ar.at.Sub(at))
				}
			}
		}
		if len(fromCommit) == 0 {
			t.Fatalf("%s: no batch with legs measured", level)
		}
		c50, c99 := percentiles(fromCommit)
		s50, s99 := percentiles(fromSubmit)
		t.Logf("%s: commit→delivered p50 %v p99 %v (%d batches); submit→delivered p50 %v p99 %v (%d legs)",
			level, c50, c99, len(fromCommit), s50, s99, len(fromSubmit))
	}
}

// percentiles returns the p50 and p99 of ds (nearest rank).
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p int) time.Duration { return s[min(len(s)-1, (len(s)*p+99)/100-1)] }
	return at(50).Round(time.Millisecond), at(99).Round(time.Millisecond)
}
