package ordering

import (
	"fmt"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// BenchmarkVoteExtension reports the extension a validator sends for
// 1,000 envelopes first seen over a 300 ms block (bytes-per-envelope is
// the figure the 8 KB budget is measured against).
func BenchmarkVoteExtension(b *testing.B) {
	const n = 1000
	var r reporter
	start := time.Unix(1_700_000_000, 0)
	rng := seeded(9)
	for i := range n {
		var h mempool.Hash
		for j := range h {
			h[j] = byte(rng.Uint64())
		}
		r.stamp(h, start.Add(time.Duration(i)*300*time.Millisecond/n))
	}
	var ext []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for _, s := range r.stamps {
			s.reportedAt = 0
		}
		ext = r.report(int64(i+1), nil)
	}
	b.ReportMetric(float64(len(ext)), "ext-bytes")
	b.ReportMetric(float64(len(ext))/n, "bytes/envelope")
}

// BenchmarkFairOrder measures the rule's work for one block: judging
// every sighting (n validators' reports each) and sorting the ready
// candidates.
func BenchmarkFairOrder(b *testing.B) {
	for _, txs := range []int{100, 1000, 10000} {
		for _, n := range []int{4, 16, 64} {
			b.Run(fmt.Sprintf("txs=%d/n=%d", txs, n), func(b *testing.B) {
				rng := seeded(uint64(txs + n))
				ev := &Evidence{Height: 10, Powers: make([]int64, n), Seen: make(map[ShortID]*Sighting, txs), Seed: []byte{1}}
				for v := range ev.Powers {
					ev.Powers[v] = 1
				}
				cands := make([]Candidate, txs)
				for i := range cands {
					var h mempool.Hash
					for j := range h {
						h[j] = byte(rng.Uint64())
					}
					cands[i] = Candidate{Hash: h, Envelope: &mempool.Envelope{Sender: common.Address{byte(i), byte(i >> 8)}, Nonce: uint64(i % 3)}}
					s := &Sighting{First: 9, Last: 9}
					for v := range n {
						s.Reports = append(s.Reports, Report{Validator: v, Time: 1_700_000_000_000 + int64(i) + int64(rng.Uint64()%50)})
					}
					ev.Seen[ShortIDOf(h)] = s
				}
				p := Proposal{Candidates: cands, Evidence: ev}
				b.ReportAllocs()
				for b.Loop() {
					FairOrder{}.Order(p)
				}
			})
		}
	}
}
