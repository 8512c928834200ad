package relayer_test

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

type roots []feed.SignedRoot

func (r roots) SignedRoots(from int64, limit int) ([]feed.SignedRoot, error) {
	var out []feed.SignedRoot
	for _, s := range r {
		if s.Height >= from && len(out) < limit {
			out = append(out, s)
		}
	}
	return out, nil
}

func TestFeedSource(t *testing.T) {
	pk, sks, err := threshold.DealKeys(rand.Reader, 3, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := threshold.AggregateSignatures(pk, []*threshold.PartialSignature{sks[0].SignPartial([]byte("m"))})
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := sig.MarshalBinary()
	src := relayer.NewFeedSource(roots{{Height: 1, Root: common.Hash{1}, Eon: 3, Signature: enc}, {Height: 2, Root: common.Hash{2}, Eon: 3, Signature: enc}})
	got, err := src.Next(context.Background(), 1, 10)
	if err != nil || len(got) != 1 || got[0].Height != 2 || got[0].Root != (common.Hash{2}) || got[0].Eon != 3 || got[0].Signature == nil {
		t.Fatalf("next after 1: %+v, %v", got, err)
	}
	if got, err := src.Next(context.Background(), 0, 1); err != nil || len(got) != 1 || got[0].Height != 1 {
		t.Fatalf("max 1: %+v, %v", got, err)
	}
	bad := relayer.NewFeedSource(roots{{Height: 1, Signature: make([]byte, 48)}})
	if _, err := bad.Next(context.Background(), 0, 10); err == nil {
		t.Fatal("a malformed stored signature passed")
	}
}
