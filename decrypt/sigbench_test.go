package decrypt

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// BenchmarkBatchSignature is the committee's signing work per firm
// height, against one pairing (BenchmarkPairing): a keyholder's partial
// signature (hash to G1, one scalar multiplication), a node's check of
// one partial (a two-pairing product), and a node's whole work for a
// height: t partials checked, aggregated, the aggregate checked, stored.
func BenchmarkBatchSignature(b *testing.B) {
	c := newCommittee(b)
	root := rootOf(1)
	b.Run("keyholder-sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := SignRoots(c.sks[0], sigChain, []int64{1}, []common.Hash{root}); err != nil {
				b.Fatal(err)
			}
		}
	})
	msg, err := rollupfeed.BatchMessage(sigChain, 1, root)
	if err != nil {
		b.Fatal(err)
	}
	ps := c.sks[0].SignPartial(msg[:])
	b.Run("node-verify-partial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := threshold.VerifyPartial(c.pk, msg[:], ps); err != nil {
				b.Fatal(err)
			}
		}
	})
	const heights = 16
	parts := make([][]RootSignature, 3)
	for m := range parts {
		parts[m] = c.partials(b, m+1, 1, heights)
	}
	b.Run("node-per-height", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := newSigNode()
			n.makeFirm(heights)
			p := newSigPool(b, c, n)
			for m := range parts {
				for _, err := range p.Add(1, m+1, parts[m]) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			if p.Stats().Signed != heights {
				b.Fatal("not signed")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/heights, "µs/height")
	})
}
