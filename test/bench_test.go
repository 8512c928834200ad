package test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/veilseq/veil/internal/bench"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

// BenchmarkDevnet measures a 4-validator devnet's committed envelopes per
// second and submit→commit latency under an open-loop offered load, with
// encrypted envelopes and then with plaintext envelopes of the same size
// and format (keyholders off: nothing to decrypt). Envelopes are sealed
// before the clock starts, as wallets seal on their own machines: what is
// measured is the network's work (API, admission on every validator,
// gossip, consensus, execution, and for encrypted envelopes key release
// and decryption). The encrypted run also compares fair ordering with
// arrival ordering. The load generator is internal/bench's, as `veil
// bench` uses it.
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
					s := runDevnetLoad(b, envelopes, wallets, plain, r.rule, 0)
					b.ReportMetric(s.OverallPerSec, "committed/s")
					b.ReportMetric(s.SubmitToCommit.P50, "p50-ms")
					b.ReportMetric(s.SubmitToCommit.P99, "p99-ms")
				}
			})
		}
	}
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
				s := runDevnetLoad(b, envelopes, wallets, false, r.rule, rate)
				b.ReportMetric(s.SubmitToCommit.P50, "p50-ms")
				b.ReportMetric(s.SubmitToCommit.P99, "p99-ms")
			}
		})
	}
}

// runDevnetLoad offers total envelopes from wallets to a fresh devnet at
// rate envelopes a second in total (0: open loop) and measures them.
func runDevnetLoad(b *testing.B, total, wallets int, plain bool, rule ordering.Rule, rate float64) *bench.Step {
	b.StopTimer()
	cfg := devnetConfig(b.TempDir(), wallets)
	cfg.Rule = rule
	if plain {
		cfg.Keyholders = bench.OfflineKeyholders(cfg.Validators)
	}
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	l, err := bench.NewLoad(ctx, bench.DevnetTarget(d, plain))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.StartTimer()
	s, err := l.Step(ctx, bench.StepConfig{Count: total, Rate: rate, Drain: 4 * time.Minute})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if s.Committed != total {
		b.Fatalf("%d of %d envelopes committed (%d refused: %s)", s.Committed, total, s.Rejected, s.FirstRejection)
	}
	return s
}
