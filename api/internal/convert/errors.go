// Package convert translates between the API's Go types and its generated
// protobuf messages, and between Go errors and Connect errors. It is the
// one place that knows both sides, so the server and the client cannot
// disagree on a mapping.
package convert

import (
	"context"
	"errors"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/mempool"
)

// Domain is the google.rpc.ErrorInfo domain of veil's error reasons.
const Domain = "veil.v1"

// A rule maps a sentinel error to the Connect code a client sees and the
// stable reason string carried in an ErrorInfo detail.
type rule struct {
	sentinel error
	code     connect.Code
	reason   string
}

// rules is the closed table of errors with a meaning for clients. The
// first match wins. The codes follow what the client should do:
// InvalidArgument when the envelope itself can never be admitted (rebuild
// it), FailedPrecondition when it conflicts with current state (change a
// field, or wait), ResourceExhausted when the node is saturated (retry
// later).
var rules = []rule{
	{mempool.ErrMalformed, connect.CodeInvalidArgument, "MALFORMED"},
	{mempool.ErrTooLarge, connect.CodeInvalidArgument, "TOO_LARGE"},
	{mempool.ErrBadSignature, connect.CodeInvalidArgument, "BAD_SIGNATURE"},
	{mempool.ErrWrongChain, connect.CodeInvalidArgument, "WRONG_CHAIN"},
	{mempool.ErrBadCiphertext, connect.CodeInvalidArgument, "BAD_CIPHERTEXT"},
	{mempool.ErrUnknownRollup, connect.CodeInvalidArgument, "UNKNOWN_ROLLUP"},
	{mempool.ErrUnknownEon, connect.CodeFailedPrecondition, "UNKNOWN_EON"},
	{mempool.ErrEonNotActive, connect.CodeFailedPrecondition, "EON_NOT_ACTIVE"},
	{mempool.ErrNonceTooLow, connect.CodeFailedPrecondition, "NONCE_TOO_LOW"},
	{mempool.ErrNonceGap, connect.CodeFailedPrecondition, "NONCE_GAP"},
	{mempool.ErrInsufficientBalance, connect.CodeFailedPrecondition, "INSUFFICIENT_BALANCE"},
	{mempool.ErrFeeTooLow, connect.CodeFailedPrecondition, "FEE_TOO_LOW"},
	{mempool.ErrExpired, connect.CodeFailedPrecondition, "EXPIRED"},
	{mempool.ErrExpiryTooFar, connect.CodeFailedPrecondition, "EXPIRY_TOO_FAR"},
	{mempool.ErrDuplicate, connect.CodeFailedPrecondition, "DUPLICATE"},
	{mempool.ErrReplacementUnderpriced, connect.CodeFailedPrecondition, "REPLACEMENT_UNDERPRICED"},
	{mempool.ErrEvicted, connect.CodeFailedPrecondition, "EVICTED"},
	{mempool.ErrPoolFull, connect.CodeResourceExhausted, "POOL_FULL"},
	{api.ErrRateLimited, connect.CodeResourceExhausted, "RATE_LIMITED"},
	{api.ErrNotFound, connect.CodeNotFound, "NOT_FOUND"},
	{api.ErrUnauthenticated, connect.CodeUnauthenticated, "UNAUTHENTICATED"},
	{api.ErrPermissionDenied, connect.CodePermissionDenied, "NOT_A_MEMBER"},
	{api.ErrInvalidShares, connect.CodeInvalidArgument, "INVALID_SHARES"},
	{api.ErrInvalidSignatures, connect.CodeInvalidArgument, "INVALID_BATCH_SIGNATURES"},
	{api.ErrAlreadySubmitted, connect.CodeAlreadyExists, "ALREADY_SUBMITTED"},
	{api.ErrNotYet, connect.CodeFailedPrecondition, "NOT_COMMITTED_YET"},
}

// ToConnect returns the Connect error a client should see for err, or nil
// if err has no meaning for clients (an internal failure: the caller logs
// it and answers CodeInternal without details). The message is err's own
// text, which by the mempool's convention says what to change, without
// its package prefix.
func ToConnect(err error) *connect.Error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	for _, r := range rules {
		if errors.Is(err, r.sentinel) {
			return NewError(r.code, r.reason, userMessage(err))
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, errors.New("request canceled"))
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, errors.New("request deadline exceeded"))
	}
	return nil
}

// NewError builds a Connect error carrying an ErrorInfo with reason.
func NewError(code connect.Code, reason, msg string) *connect.Error {
	ce := connect.NewError(code, errors.New(msg))
	if d, err := connect.NewErrorDetail(&errdetails.ErrorInfo{Reason: reason, Domain: Domain}); err == nil {
		ce.AddDetail(d)
	}
	return ce
}

func userMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"mempool: ", "api: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// Reason returns the ErrorInfo reason of a Connect error in veil's domain,
// or "".
func Reason(err error) string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return ""
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if info, ok := v.(*errdetails.ErrorInfo); ok && info.GetDomain() == Domain {
			return info.GetReason()
		}
	}
	return ""
}

// FromConnect turns an error from a Connect client call into one that
// matches, with errors.Is, the sentinel the server mapped (mempool's
// admission errors, api.ErrNotFound, api.ErrRateLimited) and still
// matches *connect.Error with errors.As. Errors without a known reason are
// returned unchanged, except NOT_FOUND, which always matches
// api.ErrNotFound.
func FromConnect(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return err
	}
	if reason := Reason(ce); reason != "" {
		for _, r := range rules {
			if r.reason == reason {
				return &remoteError{err: err, sentinel: r.sentinel}
			}
		}
	}
	if ce.Code() == connect.CodeNotFound {
		return &remoteError{err: err, sentinel: api.ErrNotFound}
	}
	return err
}

// remoteError is a server's error as the client sees it: the Connect
// error's text, matching both the Connect error and the sentinel.
type remoteError struct {
	err      error
	sentinel error
}

func (e *remoteError) Error() string   { return e.err.Error() }
func (e *remoteError) Unwrap() []error { return []error{e.err, e.sentinel} }
