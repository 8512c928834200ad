package test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

// BenchmarkDevnet measures a 4-validator devnet's committed envelopes per
// second and submit→commit latency under an open-loop offered load, with
// encrypted envelopes and then with plaintext envelopes of the same size
// and format. Envelopes are sealed before the clock starts, as wallets
// seal on their own machines: what is measured is the network's work
// (API, admission on every validator, gossip, consensus, execution). The
// ratio of the two throughputs is what encryption costs the sequencer;
// the encrypted run also compares fair ordering with arrival ordering.
//
//	go test ./test -run '^$' -bench Devnet -benchtime 1x
func BenchmarkDevnet(b *testing.B) {
	const envelopes, wallets = 3000, 64 // at most 47 pending per sender: under the nonce window
	rules := []struct {
		name string
		rule ordering.Rule
	}{{"fair", ordering.FairOrder{}}, {"arrival", ordering.ArrivalOrder{}}}
	for _, plain := range []bool{false, true} {
		name := "encrypted"
		if plain {
			name = "plaintext"
		}
		for _, r := range rules {
			if plain && r.name != "fair" {
				continue // the rule comparison runs on encrypted envelopes
			}
			b.Run(fmt.Sprintf("%s/rule=%s/txs=%d", name, r.name, envelopes), func(b *testing.B) {
				for range b.N {
					res := runDevnetLoad(b, envelopes, wallets, plain, r.rule)
					b.ReportMetric(res.perSecond, "committed/s")
					b.ReportMetric(float64(res.p50.Milliseconds()), "p50-ms")
					b.ReportMetric(float64(res.p99.Milliseconds()), "p99-ms")
				}
			})
		}
	}
}

type loadResult struct {
	perSecond float64
	p50, p99  time.Duration
}

// BenchmarkDevnetLatency offers a paced load well below saturation (40
// envelopes a second) and reports submit→commit latency under fair and
// arrival ordering in the same run: what fair ordering adds to a user's
// wait when the network is not queueing.
//
//	go test ./test -run '^$' -bench DevnetLatency -benchtime 1x -count 2
func BenchmarkDevnetLatency(b *testing.B) {
	const envelopes, wallets, rate = 300, 16, 40
	for _, r := range []struct {
		name string
		rule ordering.Rule
	}{{"fair", ordering.FairOrder{}}, {"arrival", ordering.ArrivalOrder{}}} {
		b.Run(fmt.Sprintf("rule=%s/rate=%d", r.name, rate), func(b *testing.B) {
			for range b.N {
				res := runDevnetLoadPaced(b, envelopes, wallets, false, r.rule, rate)
				b.ReportMetric(float64(res.p50.Milliseconds()), "p50-ms")
				b.ReportMetric(float64(res.p99.Milliseconds()), "p99-ms")
			}
		})
	}
}

func runDevnetLoad(b *testing.B, total, wallets int, plain bool, rule ordering.Rule) loadResult {
	return runDevnetLoadPaced(b, total, wallets, plain, rule, 0)
}

// runDevnetLoadPaced is runDevnetLoad with the total offered rate capped at
// rate envelopes a second (0: open loop).
func runDevnetLoadPaced(b *testing.B, total, wallets int, plain bool, rule ordering.Rule, rate float64) loadResult {
	b.StopTimer()
	cfg := devnetConfig(b.TempDir(), wallets)
	cfg.Rule = rule
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		b.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		b.Fatal(err)
	}

	// Seal every envelope first: wallet w sends nonces 0, 1, 2, … in order.
	seal := client.Seal
	if plain {
		seal = devnet.SealPlain
	}
	queues := make([][][]byte, wallets)
	for i := range total {
		w := i % wallets
		legs := []client.Leg{{Rollup: devnet.DemoRollups[i%2].ID, Data: fmt.Appendf(nil, `{"transfer":%d,"amount":5,"memo":"%0200d"}`, i, i)}}
		env, err := seal(rand.Reader, params, d.Wallets[w], client.Tx{Legs: legs, Nonce: uint64(len(queues[w]))})
		if err != nil {
			b.Fatal(err)
		}
		queues[w] = append(queues[w], env.Encode())
	}

	var mu sync.Mutex
	submitted := make(map[common.Hash]time.Time, total)
	committed := make(map[common.Hash]time.Time, total)
	sub := d.Network.Nodes[0].App().Subscribe(4096)
	defer sub.Close()
	allIn := make(chan struct{})
	go func() {
		for blk := range sub.C() {
			now := time.Now()
			mu.Lock()
			for _, tx := range blk.Txs {
				committed[common.Hash(tx.Hash)] = now
			}
			n := len(committed)
			mu.Unlock()
			if n >= total {
				close(allIn)
				return
			}
		}
	}()

	var pace <-chan time.Time
	if rate > 0 {
		tk := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer tk.Stop()
		pace = tk.C
	}
	b.StartTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, wallets)
	for _, q := range queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, raw := range q {
				if pace != nil {
					<-pace
				}
				at := time.Now()
				h, err := c.SubmitRaw(ctx, raw)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				submitted[h] = at
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	select {
	case <-allIn:
	case <-ctx.Done():
		b.Fatal("not every envelope committed")
	}
	elapsed := time.Since(start)
	b.StopTimer()

	mu.Lock()
	defer mu.Unlock()
	lat := make([]time.Duration, 0, total)
	for h, at := range submitted {
		if t, ok := committed[h]; ok {
			lat = append(lat, t.Sub(at))
		}
	}
	slices.Sort(lat)
	return loadResult{
		perSecond: float64(total) / elapsed.Seconds(),
		p50:       lat[len(lat)/2],
		p99:       lat[len(lat)*99/100],
	}
}
