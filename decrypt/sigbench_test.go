package decrypt

import (
	"testing"
	"time"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// BenchmarkBatchSignature is the committee's signing work per firm
// height, against one pairing (BenchmarkPairing): a keyholder's partial
// signature (hash to G1, one scalar multiplication), a node's check of
// one partial (a two-pairing product), and a node's whole work for a
// height: t partials checked, aggregated, the aggregate checked, stored.
// The machine is shared, so each sub-benchmark also times pairings just
// before and after its loop and reports its cost in those ("pairings").
func BenchmarkBatchSignature(b *testing.B) {
	c := newCommittee(b)
	root := rootOf(1)
	b.Run("keyholder-sign", func(b *testing.B) {
		b.ReportAllocs()
		before := pairingTime(b)
		for b.Loop() {
			if _, err := SignRoots(c.sks[0], sigChain, []int64{1}, []common.Hash{root}); err != nil {
				b.Fatal(err)
			}
		}
		reportPairings(b, before, 1)
	})
	msg, err := rollupfeed.BatchMessage(sigChain, 1, root)
	if err != nil {
		b.Fatal(err)
	}
	ps := c.sks[0].SignPartial(msg[:])
	b.Run("node-verify-partial", func(b *testing.B) {
		b.ReportAllocs()
		before := pairingTime(b)
		for b.Loop() {
			if err := threshold.VerifyPartial(c.pk, msg[:], ps); err != nil {
				b.Fatal(err)
			}
		}
		reportPairings(b, before, 1)
	})
	const heights = 16
	parts := make([][]RootSignature, 3)
	for m := range parts {
		parts[m] = c.partials(b, m+1, 1, heights)
	}
	b.Run("node-per-height", func(b *testing.B) {
		b.ReportAllocs()
		before := pairingTime(b)
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
		reportPairings(b, before, heights)
	})
}

// pairingTime is the mean time of one BLS12-381 pairing over 20.
func pairingTime(b *testing.B) time.Duration {
	_, _, g1, g2 := bls12381.Generators()
	start := time.Now()
	for range 20 {
		if _, err := bls12381.Pair([]bls12381.G1Affine{g1}, []bls12381.G2Affine{g2}); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / 20
}

// reportPairings reports the loop's cost per op/per in pairings timed
// around it.
func reportPairings(b *testing.B, before time.Duration, per int) {
	b.StopTimer()
	p := (before + pairingTime(b)) / 2
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(per)/float64(p), "pairings")
	b.ReportMetric(float64(p.Microseconds()), "pairing-µs")
}
