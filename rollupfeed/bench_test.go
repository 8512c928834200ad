package rollupfeed

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchTxs is a block of n transactions across 3 rollups, a fifth of
// them bundles of 2 or 3 legs, with ~200-byte legs (the devnet's demo
// payload size).
func benchTxs(b testing.TB, n int) []DecryptedTx {
	rng := rand.New(rand.NewPCG(1, 2))
	txs := make([]DecryptedTx, n)
	for i := range txs {
		data := func(r uint64) []byte { return fmt.Appendf(nil, `{"transfer":%d,"rollup":%d,"memo":"%0170d"}`, i, r, i) }
		if i%5 == 4 {
			legs := []Leg{{Rollup: 1, Data: data(1)}, {Rollup: 2, Data: data(2)}}
			if rng.IntN(2) == 0 {
				legs = append(legs, Leg{Rollup: 3, Data: data(3)})
			}
			txs[i] = bundle(b, i, legs...)
		} else {
			r := uint64(1 + rng.IntN(3))
			txs[i] = single(i, r, string(data(r)))
		}
	}
	return txs
}

func BenchmarkBuildBlock(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		txs := benchTxs(b, n)
		b.Run(fmt.Sprintf("txs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildBlock(1, testChain, txs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/tx")
		})
	}
}

// BenchmarkVerifyBatch verifies rollup 1's batch of a block (about 47%
// of the block's transactions), and reports the proof's size: the
// inclusion path, and what the batch encoding adds to the legs' data per
// leg (position, height, manifest).
func BenchmarkVerifyBatch(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		blk, err := BuildBlock(1, testChain, benchTxs(b, n))
		if err != nil {
			b.Fatal(err)
		}
		batch := blk.Batch(1)
		enc, err := batch.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		path, _ := batch.Path.MarshalBinary()
		data := 0
		for _, l := range batch.Legs {
			data += len(l.Data)
		}
		b.Run(fmt.Sprintf("txs=%d/legs=%d", n, len(batch.Legs)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := VerifyBatch(batch, blk.Root); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(path)), "path-B")
			b.ReportMetric(float64(len(enc)-data)/float64(len(batch.Legs)), "overhead-B/leg")
		})
	}
}

// BenchmarkVerifyLeg checks one leg on its own (what a rollup does for
// another rollup's leg of a bundle) and reports its proof's size.
func BenchmarkVerifyLeg(b *testing.B) {
	blk, err := BuildBlock(1, testChain, benchTxs(b, 1000))
	if err != nil {
		b.Fatal(err)
	}
	legs, _ := blk.Bundle(txHash(4))
	pl := legs[0]
	proof, _ := pl.Proof.MarshalBinary()
	b.Run("txs=1000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := VerifyLeg(&pl.Leg, &pl.Proof, blk.Root); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(proof)), "proof-B")
	})
}
