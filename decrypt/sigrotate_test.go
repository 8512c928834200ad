package decrypt

import (
	"context"
	"errors"
	"testing"

	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// Around a rotation each height is signed by the eon active at it (as
// the L1 registry requires): signers holding both eons' shares switch at
// the activation height, a member without the new eon's share skips its
// heights, and the pool refuses a partial of the other eon.
func TestSignerAcrossRotation(t *testing.T) {
	c := newCommittee(t)
	pk2, sks2, err := threshold.DealKeys(seeded(5), 2, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	const activation = 5
	eonAt := func(h int64) (uint64, error) {
		if h >= activation {
			return 2, nil
		}
		return 1, nil
	}
	node := newSigNode()
	p, err := NewSignaturePool(SignaturePoolConfig{ChainID: sigChain, Eons: fixedEons{1: c.pk, 2: pk2}, Roots: node, Store: node, EonAt: eonAt})
	if err != nil {
		t.Fatal(err)
	}
	sinks := []SignatureSink{SignaturePoolSink{Pool: p}}
	node.makeFirm(8)
	for m := 1; m <= 4; m++ {
		cfg := SignerConfig{Share: c.sks[m-1], ChainID: sigChain, Roots: node, Feed: idleFeed{}, Sinks: sinks, EonAt: eonAt, MaxPerCall: 3}
		if m != 1 { // member 1 is not in eon 2's committee here
			cfg.Shares = []*threshold.SecretKeyShare{sks2[m-1]}
		}
		s, err := NewSigner(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Member 4's partials complete eon 2's threshold: the node's
		// signed tip it hears back is the last height.
		if m == 4 && s.Progress() != 8 {
			t.Fatalf("member %d progress %d", m, s.Progress())
		}
	}
	for h := int64(1); h <= 8; h++ {
		sr, err := node.Signature(h)
		if err != nil {
			t.Fatalf("height %d: %v", h, err)
		}
		pk, want := c.pk, uint64(1)
		if h >= activation {
			pk, want = pk2, 2
		}
		sig, err := threshold.ParseSignature(sr.Signature)
		if err != nil || sr.Eon != want {
			t.Fatalf("height %d: eon %d, %v", h, sr.Eon, err)
		}
		if err := rollupfeed.VerifyBatchSignature(pk, sigChain, h, rootOf(h), sig); err != nil {
			t.Fatalf("height %d: %v", h, err)
		}
	}
	node.makeFirm(9)
	if err := p.Add(1, 2, c.partials(t, 2, 9, 9))[0]; !errors.Is(err, ErrWrongSigEon) {
		t.Fatalf("old eon after the rotation: %v", err)
	}
}
