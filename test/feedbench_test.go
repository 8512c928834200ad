package test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
)

// BenchmarkFeedSubscribersAPI is BenchmarkFeedSubscribers
// (rollupfeed/feed) through the wallet API: a devnet's node holds 1,000
// committed envelopes to the two demo rollups (every fifth a bundle to
// both), and 1, 10 and 100 clients, spread over the rollups, each stream
// every firm batch from height 1 to the last with client.Subscribe
// (Connect over loopback HTTP, each batch verified by the SDK). It
// reports the aggregate delivery rate, with Connect's default gzip on
// the stream and without it.
//
//	go test ./test -run '^$' -bench FeedSubscribersAPI -benchtime 3x
func BenchmarkFeedSubscribersAPI(b *testing.B) {
	d := startDevnetConfig(b, devnetConfig(b.TempDir(), 10))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var hashes []common.Hash
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: 1000, Rate: 100,
		OnSubmit: func(_ int, h common.Hash, _ time.Time) { mu.Lock(); hashes = append(hashes, h); mu.Unlock() }}
	if err := traffic.Run(ctx); err != nil {
		b.Fatal(err)
	}
	var top int64
	for _, r := range waitFinal(ctx, b, d.Network.Nodes[0].App(), hashes) {
		top = max(top, r.Height)
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		b.Fatal(err)
	}
	// The same client without gzip: Connect compresses each streamed
	// message the client accepts compressed.
	plain, err := client.Dial(d.APIURL(), client.WithConnectOptions(connect.WithAcceptCompression("gzip", nil, nil)))
	if err != nil {
		b.Fatal(err)
	}
	// Firm up to top, on the node serving the feed.
	if _, err := c.GetBatch(ctx, devnet.DemoRollups[0].ID, top, api.LevelFirm); err != nil {
		for range 100 {
			time.Sleep(100 * time.Millisecond)
			if _, err = c.GetBatch(ctx, devnet.DemoRollups[0].ID, top, api.LevelFirm); err == nil {
				break
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, gzip := range []bool{true, false} {
		for _, subs := range []int{1, 10, 100} {
			c := c
			if !gzip {
				c = plain
			}
			b.Run(fmt.Sprintf("gzip=%v/subscribers=%d/heights=%d", gzip, subs, top), func(b *testing.B) {
				var batches, legs int64
				for b.Loop() {
					var wg sync.WaitGroup
					for i := range subs {
						wg.Add(1)
						go func() {
							defer wg.Done()
							sctx, stop := context.WithCancel(ctx)
							defer stop()
							var n, l int64
							for bt, err := range c.Subscribe(sctx, devnet.DemoRollups[i%2].ID, 1, api.LevelFirm) {
								if err != nil {
									b.Error(err)
									return
								}
								n, l = n+1, l+int64(len(bt.Legs))
								if bt.Height == top {
									break
								}
							}
							mu.Lock()
							batches, legs = batches+n, legs+l
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
				s := b.Elapsed().Seconds()
				b.ReportMetric(float64(batches)/s, "batches/s")
				b.ReportMetric(float64(legs)/s, "legs/s")
			})
		}
	}
}
