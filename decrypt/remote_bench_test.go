package decrypt

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	cmtversion "github.com/cometbft/cometbft/api/cometbft/version/v1"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	"github.com/veilseq/veil/api"
)

// signedPending returns a node's GetPendingEnvelopes answer for blk, with
// a header committed by 4 validators and a proof per envelope, and the
// validator set.
func signedPending(tb testing.TB, blk Block) (api.PendingBlock, *cmttypes.ValidatorSet) {
	tb.Helper()
	pvs := make([]cmttypes.PrivValidator, 4)
	vs := make([]*cmttypes.Validator, 4)
	for i := range pvs {
		pv := cmttypes.NewMockPV()
		pvs[i], vs[i] = pv, pv.ExtractIntoValidator(1)
	}
	vals := cmttypes.NewValidatorSet(vs)
	// MakeExtCommit signs in set order, which sorts by address.
	byAddr := make(map[string]cmttypes.PrivValidator, len(pvs))
	for i, v := range vs {
		byAddr[string(v.Address)] = pvs[i]
	}
	for i, v := range vals.Validators {
		pvs[i] = byAddr[string(v.Address)]
	}
	txs := make(cmttypes.Txs, len(blk.Txs))
	for i, tx := range blk.Txs {
		txs[i] = tx.Envelope.Encode()
	}
	h32 := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	hdr := cmttypes.Header{
		Version: cmtversion.Consensus{Block: version.BlockProtocol}, ChainID: "test", Height: blk.Height,
		Time: time.Unix(1, 0), LastBlockID: cmttypes.BlockID{Hash: h32("last"), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: h32("lastparts")}},
		LastCommitHash: h32("lc"), DataHash: txs.Hash(), ValidatorsHash: vals.Hash(), NextValidatorsHash: vals.Hash(),
		ConsensusHash: h32("cons"), AppHash: h32("app"), LastResultsHash: h32("res"), EvidenceHash: h32("ev"),
		ProposerAddress: vals.Validators[0].Address,
	}
	id := cmttypes.BlockID{Hash: hdr.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: h32("parts")}}
	voteSet := cmttypes.NewVoteSet("test", blk.Height, 0, cmttypes.PrecommitType, vals)
	ec, err := cmttypes.MakeExtCommit(id, blk.Height, 0, voteSet, pvs, time.Unix(2, 0), false)
	if err != nil {
		tb.Fatal(err)
	}
	sh, err := (&cmttypes.SignedHeader{Header: &hdr, Commit: ec.ToCommit()}).ToProto().Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	leaves := make([][]byte, len(txs))
	for i, tx := range txs {
		leaves[i] = tx.Hash()
	}
	root, proofs := merkle.ProofsFromByteSlices(leaves)
	pb := api.PendingBlock{Height: uint64(blk.Height), LatestHeight: uint64(blk.Height), SignedHeader: sh}
	for i, tx := range blk.Txs {
		tp := cmttypes.TxProof{RootHash: root, Data: txs[i], Proof: *proofs[i]}.ToProto()
		raw, err := tp.Marshal()
		if err != nil {
			tb.Fatal(err)
		}
		pb.Envelopes = append(pb.Envelopes, api.PendingEnvelope{Hash: tx.Hash, Index: tx.Index, Envelope: txs[i], TxProof: raw})
	}
	return pb, vals
}

// TestVerifyPendingSigned: a block signed by the validators verifies; one
// signed by fewer than 2/3 of them does not.
func TestVerifyPendingSigned(t *testing.T) {
	c := newCommittee(t)
	pb, vals := signedPending(t, c.block(t, 9, 3))
	if _, err := VerifyPending("test", 9, pb, vals); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPending("other", 9, pb, vals); err == nil {
		t.Fatal("verified for another chain")
	}
	_, others := signedPending(t, c.block(t, 9, 1))
	if _, err := VerifyPending("test", 9, pb, others); err == nil {
		t.Fatal("verified against another validator set")
	}
}

// BenchmarkVerifyPending is a remote keyholder's check of one block before
// it releases shares: decode and hash every envelope, verify the commit
// (4 validators) and a Merkle proof per envelope. KeyRelease is the
// shares' cost to compare with.
func BenchmarkVerifyPending(b *testing.B) {
	c := newCommittee(b)
	for _, n := range []int{100, 1000} {
		blk := c.block(b, 1, n)
		pb, vals := signedPending(b, blk)
		b.Run(fmt.Sprintf("txs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyPending("test", 1, pb, vals); err != nil {
					b.Fatal(err)
				}
			}
			// Proof bytes beyond the envelope each carries.
			extra := len(pb.SignedHeader)
			for _, e := range pb.Envelopes {
				extra += len(e.TxProof) - len(e.Envelope)
			}
			b.ReportMetric(float64(extra)/float64(n), "proof-B/tx")
		})
		b.Run(fmt.Sprintf("txs=%d/unproven", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyPending("test", 1, pb, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
