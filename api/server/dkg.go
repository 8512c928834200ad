package server

import (
	"context"
	"errors"
	"strings"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/internal/convert"
)

// DKGBackend is what the server needs to serve the DKG ceremony calls of
// KeyholderService. A KeyholderBackend that also implements it serves
// them; otherwise they answer UNIMPLEMENTED. SubmitDKGMessage checks the
// transaction's signatures and membership and hands it to the mempool,
// returning (wrapped) api.ErrUnauthenticated, api.ErrPermissionDenied,
// api.ErrDKGInvalid, api.ErrDKGDuplicate or api.ErrDKGClosed for a
// refusal; ListDKGMessages returns api.ErrNotFound for an eon without a
// ceremony. Other errors are internal.
type DKGBackend interface {
	SubmitDKGMessage(ctx context.Context, tx []byte) (txHash []byte, err error)
	ListDKGMessages(ctx context.Context, eon uint64, from uint32) (api.DKGCeremony, error)
}

// maxDKGTxBytes bounds one ceremony transaction before it is parsed: a
// deal of the largest committee fits.
const maxDKGTxBytes = 1 << 20

var dkgRules = []struct {
	sentinel error
	code     connect.Code
	reason   string
}{
	{api.ErrDKGInvalid, connect.CodeInvalidArgument, "DKG_INVALID"},
	{api.ErrDKGDuplicate, connect.CodeAlreadyExists, "DKG_DUPLICATE"},
	{api.ErrDKGClosed, connect.CodeFailedPrecondition, "DKG_CLOSED"},
}

func (k *keyholderService) dkg() (DKGBackend, error) {
	if b, ok := k.s.cfg.Keyholder.(DKGBackend); ok {
		return b, nil
	}
	return nil, connect.NewError(connect.CodeUnimplemented, errors.New("this node does not carry DKG ceremonies"))
}

func (k *keyholderService) dkgError(procedure string, err error) error {
	for _, r := range dkgRules {
		if errors.Is(err, r.sentinel) {
			return convert.NewError(r.code, r.reason, strings.TrimPrefix(err.Error(), "api: "))
		}
	}
	return k.s.toConnect(procedure, err)
}

func (k *keyholderService) SubmitDKGMessage(ctx context.Context, req *connect.Request[veilv1.SubmitDKGMessageRequest]) (*connect.Response[veilv1.SubmitDKGMessageResponse], error) {
	b, err := k.dkg()
	if err != nil {
		return nil, err
	}
	tx := req.Msg.GetTx()
	if len(tx) == 0 {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("tx is required: a DKG ceremony transaction signed with member keys"))
	}
	if len(tx) > maxDKGTxBytes {
		return nil, badRequest("tx of %d bytes, at most %d", len(tx), maxDKGTxBytes)
	}
	hash, err := b.SubmitDKGMessage(ctx, tx)
	if err != nil {
		return nil, k.dkgError("SubmitDKGMessage", err)
	}
	return connect.NewResponse(&veilv1.SubmitDKGMessageResponse{TxHash: hash}), nil
}

func (k *keyholderService) ListDKGMessages(ctx context.Context, req *connect.Request[veilv1.ListDKGMessagesRequest]) (*connect.Response[veilv1.ListDKGMessagesResponse], error) {
	b, err := k.dkg()
	if err != nil {
		return nil, err
	}
	c, err := b.ListDKGMessages(ctx, req.Msg.GetEon(), req.Msg.GetFromIndex())
	if err != nil {
		return nil, k.dkgError("ListDKGMessages", err)
	}
	res := &veilv1.ListDKGMessagesResponse{
		Opening: c.Opening, OpenedHeight: c.OpenedHeight, Count: c.Count,
		CommittedHeight: c.CommittedHeight, Registered: c.Registered, ActivationHeight: c.ActivationHeight,
		Entries: make([]*veilv1.DKGLogEntry, len(c.Entries)),
	}
	for i, e := range c.Entries {
		res.Entries[i] = &veilv1.DKGLogEntry{Index: e.Index, Height: e.Height, Tx: e.Tx}
	}
	return connect.NewResponse(res), nil
}
