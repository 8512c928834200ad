package decrypt

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"

	"github.com/veilseq/veil/threshold"
)

// BenchmarkKeyRelease is one keyholder's work per block: derive the
// block's identities and compute its key shares.
func BenchmarkKeyRelease(b *testing.B) {
	c := newCommittee(b)
	for _, n := range []int{100, 1000} {
		blk := c.block(b, 1, n)
		b.Run(fmt.Sprintf("txs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.sks[0].KeyShares(identities(blk.Txs, byEon(blk.Txs)[1]))
			}
		})
	}
}

// BenchmarkSoftDecrypt is a node's work from the commit of a 100-tx block
// to its soft batch, once t members' shares are delivered: add the block
// (identities, parsing in the background), verify three members' shares,
// aggregate, decrypt. It reports p50 and p99.
func BenchmarkSoftDecrypt(b *testing.B) {
	c := newCommittee(b)
	blk := c.block(b, 1, 100)
	shares := map[int][]*threshold.KeyShare{}
	for m := 1; m <= 3; m++ {
		shares[m] = c.shares(blk, m)
	}
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		p := newTestPool(b, c)
		start := time.Now()
		p.AddBlock(blk)
		for m := 1; m <= 3; m++ {
			if err := p.AddShares(1, 1, m, shares[m]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := p.Wait(context.Background(), 1); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkDecryptPerCore decrypts 100 envelopes on one core, against the
// bound of one pairing per transaction (BenchmarkPairing).
func BenchmarkDecryptPerCore(b *testing.B) {
	c := newCommittee(b)
	blk := c.block(b, 1, 100)
	ids := identities(blk.Txs, byEon(blk.Txs)[1])
	keys, err := threshold.AggregateKeys(c.pk, ids, map[int][]*threshold.KeyShare{1: c.shares(blk, 1), 2: c.shares(blk, 2), 3: c.shares(blk, 3)})
	if err != nil {
		b.Fatal(err)
	}
	items := make([]threshold.DecryptItem, len(blk.Txs))
	for j, tx := range blk.Txs {
		ct, err := threshold.ParseCiphertext(tx.Envelope.Ciphertext)
		if err != nil {
			b.Fatal(err)
		}
		items[j] = threshold.DecryptItem{Key: keys[j], Parsed: ct, Header: tx.Envelope.Header()}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range threshold.DecryptBatch(items) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100/1000, "µs/tx")
}

// BenchmarkPairing is the bound: one BLS12-381 pairing.
func BenchmarkPairing(b *testing.B) {
	_, _, g1, g2 := bls12381.Generators()
	for b.Loop() {
		if _, err := bls12381.Pair([]bls12381.G1Affine{g1}, []bls12381.G2Affine{g2}); err != nil {
			b.Fatal(err)
		}
	}
}
