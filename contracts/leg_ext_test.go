package contracts_test

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/rollupfeed"
)

// testBlock builds a rollupfeed block of ntx transactions: transaction i
// goes to rollup 1000+i%nrollups, and every third one is a bundle that also
// goes to the next rollup.
func testBlock(t testing.TB, height int64, ntx, nrollups int) *rollupfeed.Block {
	return buildBlock(t, height, ntx, nrollups, true)
}

func buildBlock(t testing.TB, height int64, ntx, nrollups int, bundles bool) *rollupfeed.Block {
	t.Helper()
	txs := make([]rollupfeed.DecryptedTx, ntx)
	for i := range txs {
		r := uint64(1000 + i%nrollups)
		legs := []rollupfeed.Leg{{Rollup: r, Data: []byte(fmt.Sprintf("tx %d to %d", i, r))}}
		if bundles && i%3 == 0 && nrollups > 1 {
			next := uint64(1000 + (i+1)%nrollups)
			if next < r {
				legs = append([]rollupfeed.Leg{{Rollup: next, Data: []byte("bundle leg")}}, legs...)
			} else {
				legs = append(legs, rollupfeed.Leg{Rollup: next, Data: []byte("bundle leg")})
			}
		}
		pt, rollups, err := rollupfeed.EncodePlaintext(legs)
		if err != nil {
			t.Fatal(err)
		}
		txs[i] = rollupfeed.DecryptedTx{
			Hash:      crypto.Keccak256Hash([]byte(fmt.Sprintf("%d/%d", height, i))),
			Index:     uint32(i),
			Rollups:   rollups,
			Plaintext: pt,
		}
	}
	b, err := rollupfeed.BuildBlock(height, testChainID, txs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// provenLegs returns every leg of b with its proof.
func provenLegs(t testing.TB, b *rollupfeed.Block, ntx int) []rollupfeed.ProvenLeg {
	t.Helper()
	var out []rollupfeed.ProvenLeg
	for i := range ntx {
		legs, ok := b.Bundle(crypto.Keccak256Hash([]byte(fmt.Sprintf("%d/%d", b.Height, i))))
		if !ok {
			t.Fatalf("tx %d not in block", i)
		}
		out = append(out, legs...)
	}
	return out
}

func (c *chain) verifyLeg(rollup, height uint64, leaf common.Hash, p bindings.BatchInboxLegProof) bool {
	c.t.Helper()
	ok, err := bind.Call(c.inbox, nil, c.inboxABI.PackVerifyLeg(rollup, height, leaf, p), c.inboxABI.UnpackVerifyLeg)
	if err != nil {
		c.t.Fatal(err)
	}
	return ok
}

// Proofs made by rollupfeed verify on-chain against the posted root, and
// every tampered variant fails on-chain as it fails in Go.
func TestVerifyLeg(t *testing.T) {
	c := newChain(t)
	cm := dealCommittee(t, 1, 1)
	c.register(cm, 1)
	const ntx = 23
	for _, h := range []int64{3, 4} {
		b := testBlock(t, h, ntx, 5)
		m := b.Message()
		c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(uint64(h), b.Root, 1, cm.sign(t, m[:]).EIP2537()))
		for i, pl := range provenLegs(t, b, ntx) {
			if err := rollupfeed.VerifyLeg(&pl.Leg, &pl.Proof, b.Root); err != nil {
				t.Fatalf("height %d leg %d: Go rejects its own proof: %v", h, i, err)
			}
			p := must(contracts.LegProof(&pl.Proof))
			if !c.verifyLeg(pl.Leg.Rollup, uint64(h), pl.Leg.Leaf(), p) {
				t.Fatalf("height %d leg %d (rollup %d, %d of %d): rejected on-chain", h, i, pl.Leg.Rollup, p.LegIndex, p.LegCount)
			}
		}
	}

	b := testBlock(t, 3, ntx, 5)
	pl := provenLegs(t, b, ntx)[7]
	leaf := pl.Leg.Leaf()
	good := must(contracts.LegProof(&pl.Proof))
	clone := func() bindings.BatchInboxLegProof {
		p := good
		p.LegPath = append([][32]byte{}, good.LegPath...)
		p.EntryPath = append([][32]byte{}, good.EntryPath...)
		return p
	}
	for _, tc := range []struct {
		name   string
		rollup uint64
		height uint64
		leaf   common.Hash
		mut    func(p *bindings.BatchInboxLegProof)
	}{
		{"other leaf", pl.Leg.Rollup, 3, crypto.Keccak256Hash([]byte("x")), nil},
		{"other rollup", pl.Leg.Rollup + 1, 3, leaf, nil},
		{"other height", pl.Leg.Rollup, 4, leaf, nil},
		{"unposted height", pl.Leg.Rollup, 5, leaf, nil},
		{"leg sibling", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.LegPath[0][0] ^= 1 }},
		{"entry sibling", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.EntryPath[0][31] ^= 1 }},
		{"leg index", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.LegIndex ^= 1 }},
		{"leg count", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.LegCount++ }},
		{"entry index", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.EntryIndex ^= 1 }},
		// The entry count is not itself committed: RFC 9162 paths of some
		// (index, size) pairs also fit another size, and that is harmless
		// (the entry is in the tree either way). An impossible one fails.
		{"entry count below index", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.EntryCount = p.EntryIndex }},
		{"index beyond count", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.LegIndex = p.LegCount }},
		{"path too short", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.EntryPath = p.EntryPath[:len(p.EntryPath)-1] }},
		{"path too long", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.LegPath = append(p.LegPath, [32]byte{}) }},
		{"path over the bound", pl.Leg.Rollup, 3, leaf, func(p *bindings.BatchInboxLegProof) { p.EntryPath = make([][32]byte, 65) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := clone()
			if tc.mut != nil {
				tc.mut(&p)
			}
			if c.verifyLeg(tc.rollup, tc.height, tc.leaf, p) {
				t.Fatal("tampered proof accepted")
			}
		})
	}
	if !c.verifyLeg(pl.Leg.Rollup, 3, leaf, good) {
		t.Fatal("untampered proof rejected")
	}
}
