package server

import (
	"context"
	"errors"
	"strconv"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
)

// KeyholderBackend is what the server needs to serve KeyholderService. The
// node's decryption service implements it and does all the checking:
// member signature, membership, share validity. Return (wrapped)
// api.ErrUnauthenticated, api.ErrPermissionDenied, api.ErrInvalidShares,
// api.ErrAlreadySubmitted, api.ErrNotYet or api.ErrNotFound (and
// api.ErrInvalidSignatures for batch signatures); other errors are
// internal.
type KeyholderBackend interface {
	SubmitKeyShares(ctx context.Context, s api.KeyShareSubmission) error
	// SubmitBatchSignatures returns the node's signed tip (see
	// SubmitBatchSignaturesResponse.signed_tip), also with an error when
	// it knows it.
	SubmitBatchSignatures(ctx context.Context, s api.BatchSignatureSubmission) (signedTip int64, err error)
}

// keyholderMaxBytes bounds one SubmitKeyShares request: the shares of a
// block of the largest size (51 bytes and framing per envelope) with
// room to spare.
const keyholderMaxBytes = 8 << 20

// maxSharesPerRequest bounds the shares in one request before any is
// parsed.
const maxSharesPerRequest = 100_000

// maxBatchSignaturesPerRequest bounds the entries of one
// SubmitBatchSignatures request before any is parsed.
const maxBatchSignaturesPerRequest = 1024

type keyholderService struct{ s *Server }

var _ veilv1connect.KeyholderServiceHandler = (*keyholderService)(nil)

func (k *keyholderService) SubmitKeyShares(ctx context.Context, req *connect.Request[veilv1.SubmitKeySharesRequest]) (*connect.Response[veilv1.SubmitKeySharesResponse], error) {
	m := req.Msg
	if len(m.GetSignature()) == 0 {
		return nil, connect.NewError(connect.CodeUnauthenticated, errSignatureMissing)
	}
	if m.GetHeight() == 0 || m.GetMember() == 0 || len(m.GetShares()) == 0 {
		return nil, badRequest("height, member and shares are required")
	}
	if len(m.GetShares()) > maxSharesPerRequest {
		return nil, badRequest("%d shares, at most %d in one request", len(m.GetShares()), maxSharesPerRequest)
	}
	err := k.s.cfg.Keyholder.SubmitKeyShares(ctx, api.KeyShareSubmission{
		Eon: m.GetEon(), Height: m.GetHeight(), Member: m.GetMember(),
		Shares: m.GetShares(), Signature: m.GetSignature(),
	})
	if err != nil {
		return nil, k.s.toConnect("SubmitKeyShares", err)
	}
	return connect.NewResponse(&veilv1.SubmitKeySharesResponse{}), nil
}

var errSignatureMissing = errors.New("signature is required: sign the submission with the member's registered keyholder key")

func (k *keyholderService) SubmitBatchSignatures(ctx context.Context, req *connect.Request[veilv1.SubmitBatchSignaturesRequest]) (*connect.Response[veilv1.SubmitBatchSignaturesResponse], error) {
	m := req.Msg
	if len(m.GetSignature()) == 0 {
		return nil, connect.NewError(connect.CodeUnauthenticated, errSignatureMissing)
	}
	if m.GetMember() == 0 || len(m.GetEntries()) == 0 {
		return nil, badRequest("member and entries are required")
	}
	if len(m.GetEntries()) > maxBatchSignaturesPerRequest {
		return nil, badRequest("%d entries, at most %d in one request", len(m.GetEntries()), maxBatchSignaturesPerRequest)
	}
	sub := api.BatchSignatureSubmission{Eon: m.GetEon(), Member: m.GetMember(), Signature: m.GetSignature(),
		Entries: make([]api.BatchSignatureEntry, len(m.GetEntries()))}
	for i, e := range m.GetEntries() {
		sub.Entries[i] = api.BatchSignatureEntry{Height: e.GetHeight(), Root: e.GetBatchRoot(), Partial: e.GetPartialSignature()}
	}
	tip, err := k.s.cfg.Keyholder.SubmitBatchSignatures(ctx, sub)
	if err != nil {
		err = k.s.toConnect("SubmitBatchSignatures", err)
		if ce := new(connect.Error); tip > 0 && errors.As(err, &ce) {
			ce.Meta().Set(api.SignedTipKey, strconv.FormatInt(tip, 10))
		}
		return nil, err
	}
	return connect.NewResponse(&veilv1.SubmitBatchSignaturesResponse{SignedTip: tip}), nil
}
