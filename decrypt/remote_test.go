package decrypt

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
)

// TestVerifyPending: a remote feed takes a node's envelopes only if they
// decode, hash to the named hashes, belong to the chain and are in block
// order.
func TestVerifyPending(t *testing.T) {
	c := newCommittee(t)
	b := c.block(t, 3, 3)
	answer := func() api.PendingBlock {
		pb := api.PendingBlock{Height: 3, LatestHeight: 4}
		for _, tx := range b.Txs {
			pb.Envelopes = append(pb.Envelopes, api.PendingEnvelope{Hash: tx.Hash, Index: tx.Index, Envelope: tx.Envelope.Encode()})
		}
		return pb
	}
	got, err := VerifyPending("test", 3, answer(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, tx := range got.Txs {
		if tx.Hash != b.Txs[i].Hash || !tx.Envelope.Identity().Equal(b.Txs[i].Envelope.Identity()) {
			t.Fatalf("envelope %d differs", i)
		}
	}
	for _, bad := range []struct {
		name, want string
		maul       func(*api.PendingBlock)
		chain      string
	}{
		{"undecodable", "envelope 1", func(pb *api.PendingBlock) { pb.Envelopes[1].Envelope = []byte{1, 2, 3} }, "test"},
		{"wrong hash", "does not hash", func(pb *api.PendingBlock) { pb.Envelopes[2].Hash = common.Hash{9} }, "test"},
		{"other chain", "is for chain", func(*api.PendingBlock) {}, "other"},
		{"out of order", "block order", func(pb *api.PendingBlock) { pb.Envelopes[2].Index = 0 }, "test"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			pb := answer()
			bad.maul(&pb)
			if _, err := VerifyPending(bad.chain, 3, pb, nil); err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Fatalf("got %v, want an error about %q", err, bad.want)
			}
		})
	}
}
