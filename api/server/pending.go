package server

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
)

// PendingBackend is implemented by a Backend that serves
// GetPendingEnvelopes, which keyholders running apart from the node
// follow. A Backend without it answers UNIMPLEMENTED.
type PendingBackend interface {
	// PendingEnvelopes returns the envelopes of the committed block at
	// height (≥ 1) whose keys are not recorded yet, in block order; none
	// for a block without envelopes or with its keys recorded. A height
	// above the last committed one is api.ErrNotFound.
	PendingEnvelopes(ctx context.Context, height uint64) (api.PendingBlock, error)
}

var errNoPending = errors.New("this node does not serve pending envelopes")

func (v *service) GetPendingEnvelopes(ctx context.Context, req *connect.Request[veilv1.GetPendingEnvelopesRequest]) (*connect.Response[veilv1.GetPendingEnvelopesResponse], error) {
	pb, ok := v.s.backend.(PendingBackend)
	if !ok {
		return nil, connect.NewError(connect.CodeUnimplemented, errNoPending)
	}
	if req.Msg.GetHeight() == 0 {
		return nil, badRequest("height is required (the first block is 1)")
	}
	b, err := pb.PendingEnvelopes(ctx, req.Msg.GetHeight())
	if err != nil {
		return nil, v.s.toConnect("GetPendingEnvelopes", err)
	}
	out := &veilv1.GetPendingEnvelopesResponse{Height: b.Height, LatestHeight: b.LatestHeight, SignedHeader: b.SignedHeader}
	for _, e := range b.Envelopes {
		out.Envelopes = append(out.Envelopes, &veilv1.PendingEnvelope{TxHash: api.FormatHash(e.Hash), Index: e.Index, Envelope: e.Envelope, TxProof: e.TxProof})
	}
	return connect.NewResponse(out), nil
}
