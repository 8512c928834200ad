package contracts_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/threshold"
)

// Gas is deterministic, so these benchmarks report it as metrics; run them
// once: go test ./contracts -run '^$' -bench . -benchtime 1x
//
// exec-gas is the gas a transaction uses beyond its intrinsic cost (21,000
// plus calldata), the part the contract's code decides; floor-ratio
// divides it by the EIP-2537 cost of one signature check: a two-pair
// pairing check (37,700 + 2·32,600), two MAP_FP_TO_G1 (2·5,500) and one
// G1ADD (375), 114,275 gas in all.
const eip2537Floor = params.Bls12381PairingBaseGas + 2*params.Bls12381PairingPerPairGas +
	2*params.Bls12381MapG1Gas + params.Bls12381G1AddGas

func (c *chain) intrinsic(to common.Address, data []byte) uint64 {
	rules := pragueConfig().Rules(big.NewInt(1), true, 1)
	g, err := core.IntrinsicGas(data, nil, nil, crypto.PubkeyToAddress(c.poster.PublicKey), &to, nil, rules)
	if err != nil {
		c.t.Fatal(err)
	}
	return g
}

// warmUp posts height 1, so that measured posts pay the steady-state
// price of updating lastHeight rather than its first write.
func (c *chain) warmUp(cm committee) uint64 {
	c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(1, rootOf(1), 1, cm.signBatch(c.t, testChainID, 1, rootOf(1)).EIP2537()))
	return 1
}

// BenchmarkPostBatch measures one height's post with the poster
// allowlist empty (permissionless) and with the poster on it.
func BenchmarkPostBatch(b *testing.B) {
	for _, posters := range []int{0, 1} {
		b.Run(fmt.Sprintf("posters=%d", posters), func(b *testing.B) {
			c := newChain(b)
			cm := dealCommittee(b, 1, 1)
			c.register(cm, 1)
			if posters > 0 {
				c.mustSend(c.owner, c.inbox, c.inboxABI.PackAddPoster(crypto.PubkeyToAddress(c.poster.PublicKey)))
			}
			h := c.warmUp(cm)
			var tx, exec uint64
			for b.Loop() {
				h++
				data := c.inboxABI.PackPostBatch(h, rootOf(h), 1, cm.signBatch(b, testChainID, h, rootOf(h)).EIP2537())
				r := c.mustSend(c.poster, c.inbox, data)
				tx, exec = r.GasUsed, r.GasUsed-c.intrinsic(c.inbox.Address(), data)
			}
			b.ReportMetric(float64(tx), "gas/tx")
			b.ReportMetric(float64(exec), "exec-gas")
			b.ReportMetric(float64(exec)/float64(eip2537Floor), "floor-ratio")
		})
	}
}

func BenchmarkPostBatches(b *testing.B) {
	for _, k := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			c := newChain(b)
			cm := dealCommittee(b, 1, 1)
			c.register(cm, 1)
			h := c.warmUp(cm)
			var tx, exec uint64
			for b.Loop() {
				heights := make([]uint64, k)
				roots := make([][32]byte, k)
				sigs := make([]*threshold.Signature, k)
				for i := range k {
					h++
					heights[i], roots[i] = h, rootOf(h)
					sigs[i] = cm.signBatch(b, testChainID, h, roots[i])
				}
				data := c.inboxABI.PackPostBatches(heights, roots, 1, must(contracts.SumSignatures(sigs)).EIP2537())
				r := c.mustSend(c.poster, c.inbox, data)
				tx, exec = r.GasUsed, r.GasUsed-c.intrinsic(c.inbox.Address(), data)
			}
			b.ReportMetric(float64(tx)/float64(k), "gas/height")
			b.ReportMetric(float64(exec)/float64(k), "exec-gas/height")
			b.ReportMetric(float64(tx), "gas/tx")
		})
	}
}

// BenchmarkVerifyLeg measures verifyLeg called in a transaction of its own
// for a leg whose audit paths have legDepth and entryDepth hashes (a
// rollup with 2^legDepth legs among 2^entryDepth rollups).
func BenchmarkVerifyLeg(b *testing.B) {
	for _, d := range [][2]int{{0, 0}, {2, 2}, {4, 4}, {6, 6}} {
		b.Run(fmt.Sprintf("depth=%d+%d", d[0], d[1]), func(b *testing.B) {
			c := newChain(b)
			cm := dealCommittee(b, 1, 1)
			c.register(cm, 1)
			nr := 1 << d[1]
			ntx := (1 << d[0]) * nr
			blk := buildBlock(b, 1, ntx, nr, false)
			m := blk.Message()
			c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(1, blk.Root, 1, cm.sign(b, m[:]).EIP2537()))
			legs := provenLegs(b, blk, ntx)
			pl := legs[len(legs)-1]
			p := must(contracts.LegProof(&pl.Proof))
			if len(p.LegPath) != d[0] || len(p.EntryPath) != d[1] {
				b.Fatalf("depths %d+%d", len(p.LegPath), len(p.EntryPath))
			}
			data := c.inboxABI.PackVerifyLeg(pl.Leg.Rollup, 1, pl.Leg.Leaf(), p)
			to := c.inbox.Address()
			var gas uint64
			for b.Loop() {
				var err error
				gas, err = c.client.EstimateGas(context.Background(), ethereum.CallMsg{From: crypto.PubkeyToAddress(c.poster.PublicKey), To: &to, Data: data})
				if err != nil {
					b.Fatal(err)
				}
			}
			if !c.verifyLeg(pl.Leg.Rollup, 1, pl.Leg.Leaf(), p) {
				b.Fatal("proof rejected")
			}
			b.ReportMetric(float64(gas), "gas/tx")
			b.ReportMetric(float64(gas-c.intrinsic(to, data)), "exec-gas")
		})
	}
}
