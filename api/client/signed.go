package client

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// VerifySignedBatch checks a firm batch's committee signature under the
// eon key pk for chain chainID, then its legs against its root
// (rollupfeed.VerifySignedBatch): the batch is then the rollup's part of
// the block the committee signed for that height, whatever node served
// it. pk is the trust anchor and must come from a source the caller
// trusts: its own configuration, the L1 registry, or Client.Params (the
// "eon" GetEncryptionParams returns) of a node it trusts, for example
// once at start-up. A batch without a signature (soft, or a node that
// does not collect signatures) fails with rollupfeed.ErrBadSignature,
// as does one signed under another eon than pk's.
func VerifySignedBatch(b *Batch, pk *threshold.EonPublicKey, chainID string) error {
	if b == nil || b.Batch == nil || pk == nil {
		return fmt.Errorf("%w: nil batch or key", rollupfeed.ErrMalformed)
	}
	if b.Signature == nil {
		return fmt.Errorf("%w: batch at height %d carries no committee signature", rollupfeed.ErrBadSignature, b.Height)
	}
	if b.Eon != pk.Eon() {
		return fmt.Errorf("%w: batch signed under eon %d, the key is eon %d's", rollupfeed.ErrBadSignature, b.Eon, pk.Eon())
	}
	return rollupfeed.VerifySignedBatch(pk, chainID, b.Batch, b.Root, b.Signature)
}

// signatureFromProto parses a served signature; nil for none.
func signatureFromProto(raw []byte) (*threshold.Signature, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	sig, err := threshold.ParseSignature(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", rollupfeed.ErrMalformed, err)
	}
	return sig, nil
}

// SignedRoot is one height's batch root with the committee's signature on
// rollupfeed.BatchMessage(chain id, Height, Root) under eon Eon.
type SignedRoot struct {
	Height    int64
	Root      common.Hash
	Eon       uint64
	Signature *threshold.Signature
}

// ListSignedRoots returns up to limit (0: the node's default of 64, at
// most 1024) signed batch roots from height from on, in height order and
// contiguous; none when from is not signed yet. It checks the encodings
// and the order, not the signatures: a relayer posting them lets the L1
// inbox verify, others call rollupfeed.VerifyBatchSignature.
func (c *Client) ListSignedRoots(ctx context.Context, from int64, limit int) ([]SignedRoot, error) {
	if limit < 0 || limit > 1024 {
		return nil, fmt.Errorf("client: limit %d, must be 0..1024", limit)
	}
	res, err := c.feed.ListSignedRoots(ctx, connect.NewRequest(&veilv1.ListSignedRootsRequest{FromHeight: from, Limit: uint32(limit)}))
	if err != nil {
		return nil, err
	}
	out := make([]SignedRoot, 0, len(res.Msg.GetRoots()))
	for i, r := range res.Msg.GetRoots() {
		if r.GetHeight() != from+int64(i) {
			return nil, fmt.Errorf("%w: signed root %d is for height %d, want %d", rollupfeed.ErrMalformed, i, r.GetHeight(), from+int64(i))
		}
		if len(r.GetBatchRoot()) != common.HashLength {
			return nil, fmt.Errorf("%w: batch root of %d bytes", rollupfeed.ErrMalformed, len(r.GetBatchRoot()))
		}
		sig, err := signatureFromProto(r.GetSignature())
		if err != nil || sig == nil {
			return nil, fmt.Errorf("%w: height %d: missing or malformed signature", rollupfeed.ErrMalformed, r.GetHeight())
		}
		out = append(out, SignedRoot{Height: r.GetHeight(), Root: common.BytesToHash(r.GetBatchRoot()), Eon: r.GetEon(), Signature: sig})
	}
	return out, nil
}

// FirmRoot is a height's batch root with the proof that the validators'
// commit covers it, signed by the committee or not.
type FirmRoot struct {
	Height int64
	Root   common.Hash
	Firm   *FirmProof
}

// GetFirmRoot fetches a height's batch root as soon as its firm proof is
// complete (FAILED_PRECONDITION before). Check it with VerifyFirmRoot
// before relying on it; a keyholder signs only roots that pass.
func (c *Client) GetFirmRoot(ctx context.Context, height int64) (*FirmRoot, error) {
	res, err := c.feed.GetFirmRoot(ctx, connect.NewRequest(&veilv1.GetFirmRootRequest{Height: height}))
	if err != nil {
		return nil, err
	}
	m := res.Msg
	if m.GetHeight() != height || len(m.GetBatchRoot()) != common.HashLength {
		return nil, fmt.Errorf("%w: firm root of height %d with a %d-byte root, asked for %d", rollupfeed.ErrMalformed, m.GetHeight(), len(m.GetBatchRoot()), height)
	}
	firm, err := firmProofFromProto(m.GetFirmProof())
	if err != nil {
		return nil, err
	}
	return &FirmRoot{Height: height, Root: common.BytesToHash(m.GetBatchRoot()), Firm: firm}, nil
}

// VerifyFirmRoot checks that r.Firm proves r.Root for r.Height under the
// validator set vals of chain chainID, as VerifyFirm does for a batch.
func VerifyFirmRoot(r *FirmRoot, vals *cmttypes.ValidatorSet, chainID string) error {
	if r == nil {
		return fmt.Errorf("%w: nil firm root", ErrNotFirm)
	}
	return verifyFirmRoot(api.LevelFirm, r.Height, r.Root, r.Firm, vals, chainID)
}
