package server

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/internal/convert"
	"github.com/veilseq/veil/mempool"
)

// service implements the generated handler interface over the Backend.
type service struct{ s *Server }

var _ veilv1connect.SequencerServiceHandler = (*service)(nil)

func (v *service) GetEncryptionParams(ctx context.Context, _ *connect.Request[veilv1.GetEncryptionParamsRequest]) (*connect.Response[veilv1.GetEncryptionParamsResponse], error) {
	p, err := v.s.backend.Params(ctx)
	if err != nil {
		return nil, v.s.toConnect("GetEncryptionParams", err)
	}
	return connect.NewResponse(&veilv1.GetEncryptionParamsResponse{Params: convert.ParamsToProto(p)}), nil
}

func (v *service) GetAccount(ctx context.Context, req *connect.Request[veilv1.GetAccountRequest]) (*connect.Response[veilv1.GetAccountResponse], error) {
	addr, err := api.ParseAddress(req.Msg.GetAddress())
	if err != nil {
		return nil, badRequest("address: %v", unprefixed(err))
	}
	a, err := v.s.backend.Account(ctx, addr)
	if err != nil {
		return nil, v.s.toConnect("GetAccount", err)
	}
	a.Address = addr
	return connect.NewResponse(&veilv1.GetAccountResponse{Account: convert.AccountToProto(a)}), nil
}

func (v *service) SubmitEnvelope(ctx context.Context, req *connect.Request[veilv1.SubmitEnvelopeRequest]) (*connect.Response[veilv1.SubmitEnvelopeResponse], error) {
	raw := req.Msg.GetEnvelope()
	if len(raw) == 0 {
		return nil, convert.NewError(connect.CodeInvalidArgument, "MALFORMED",
			"envelope is empty: send the encoded, signed envelope (base64 in JSON)")
	}
	// Decoding is structural only (no signature, no curve arithmetic); it
	// rejects garbage before the backend sees it and names the sender for
	// the rate limit.
	env, err := mempool.Decode(raw)
	if err != nil {
		return nil, v.s.toConnect("SubmitEnvelope", err)
	}
	key := env.Sender.Hex()
	if l := v.s.senderLimit; l != nil {
		if ok, wait := l.Take(key); !ok {
			return nil, rateLimited(wait, fmt.Sprintf("sender %s has submitted too many envelopes", key))
		}
	}
	hash, err := v.s.backend.Submit(ctx, raw)
	if err != nil {
		// Only admitted envelopes count against the sender: anyone can
		// name any sender in a header, but only the key holder can get
		// an envelope admitted.
		if l := v.s.senderLimit; l != nil {
			l.Refund(key)
		}
		return nil, v.s.toConnect("SubmitEnvelope", err)
	}
	v.s.log.Debug("api: envelope admitted", "tx", api.FormatHash(hash), "sender", key, "nonce", env.Nonce)
	return connect.NewResponse(&veilv1.SubmitEnvelopeResponse{TxHash: api.FormatHash(hash)}), nil
}

func (v *service) GetTxStatus(ctx context.Context, req *connect.Request[veilv1.GetTxStatusRequest]) (*connect.Response[veilv1.GetTxStatusResponse], error) {
	hash, err := api.ParseHash(req.Msg.GetTxHash())
	if err != nil {
		return nil, badRequest("tx_hash: %v", unprefixed(err))
	}
	st, err := v.s.backend.TxStatus(ctx, hash)
	if err != nil {
		return nil, v.s.toConnect("GetTxStatus", notFound(err, "transaction %s", api.FormatHash(hash)))
	}
	st.Hash = hash
	return connect.NewResponse(&veilv1.GetTxStatusResponse{Status: convert.StatusToProto(st)}), nil
}

func (v *service) WatchTx(ctx context.Context, req *connect.Request[veilv1.WatchTxRequest], stream *connect.ServerStream[veilv1.WatchTxResponse]) error {
	hash, err := api.ParseHash(req.Msg.GetTxHash())
	if err != nil {
		return badRequest("tx_hash: %v", unprefixed(err))
	}
	select {
	case v.s.watchers <- struct{}{}:
		defer func() { <-v.s.watchers }()
	default:
		return convert.NewError(connect.CodeResourceExhausted, "RATE_LIMITED",
			"too many open watches on this node; retry later or poll GetTxStatus")
	}
	ctx, cancel := context.WithTimeout(ctx, v.s.cfg.WatchTimeout)
	defer cancel()

	changes, err := v.s.backend.WatchTx(ctx, hash)
	if err != nil {
		return v.s.toConnect("WatchTx", err)
	}
	var last api.TxStatus
	for sent := false; ; {
		st, err := v.s.backend.TxStatus(ctx, hash)
		switch {
		case errors.Is(err, api.ErrNotFound):
			st = api.TxStatus{State: api.TxUnknown}
		case err != nil:
			if ctx.Err() != nil {
				return v.watchEnded(ctx)
			}
			return v.s.toConnect("WatchTx", err)
		}
		st.Hash = hash
		if !sent || !sameStatus(st, last) {
			if err := stream.Send(&veilv1.WatchTxResponse{Status: convert.StatusToProto(st)}); err != nil {
				return err // the client went away
			}
			last, sent = st, true
		}
		if st.Final() {
			return nil
		}
		select {
		case _, ok := <-changes:
			if !ok {
				return connect.NewError(connect.CodeUnavailable,
					errors.New("the node ended the watch; call WatchTx again to resume"))
			}
		case <-ctx.Done():
			return v.watchEnded(ctx)
		case <-v.s.draining:
			return connect.NewError(connect.CodeUnavailable,
				errors.New("server shutting down; call WatchTx again on another node or later"))
		}
	}
}

// watchEnded reports why a watch's context ended.
func (v *service) watchEnded(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return connect.NewError(connect.CodeDeadlineExceeded,
			fmt.Errorf("watch reached the server's limit of %v; call WatchTx again to resume", v.s.cfg.WatchTimeout))
	}
	return connect.NewError(connect.CodeCanceled, ctx.Err())
}

// sameStatus compares what a watcher cares about: a new observed height
// alone is not a change.
func sameStatus(a, b api.TxStatus) bool {
	a.ObservedHeight, b.ObservedHeight = 0, 0
	return a == b
}

func (v *service) GetBlock(ctx context.Context, req *connect.Request[veilv1.GetBlockRequest]) (*connect.Response[veilv1.GetBlockResponse], error) {
	h := req.Msg.GetHeight()
	b, err := v.s.backend.Block(ctx, h)
	if err != nil {
		what := fmt.Sprintf("block at height %d", h)
		if h == 0 {
			what = "latest block (nothing committed yet)"
		}
		return nil, v.s.toConnect("GetBlock", notFound(err, "%s", what))
	}
	return connect.NewResponse(&veilv1.GetBlockResponse{Block: convert.BlockToProto(b)}), nil
}

// notFound gives a bare api.ErrNotFound a message naming what was missing.
func notFound(err error, format string, args ...any) error {
	if err == api.ErrNotFound {
		return fmt.Errorf("%w: %s", api.ErrNotFound, fmt.Sprintf(format, args...))
	}
	return err
}

// unprefixed drops the "api: " prefix of a parse error for a field message.
func unprefixed(err error) string {
	msg := err.Error()
	if len(msg) > 5 && msg[:5] == "api: " {
		return msg[5:]
	}
	return msg
}
