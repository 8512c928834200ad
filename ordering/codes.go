package ordering

import (
	"errors"

	"github.com/veilseq/veil/mempool"
)

// Codespace is the ABCI codespace of veil's CheckTx and FinalizeBlock
// result codes.
const Codespace = "veil"

// CodeInternal is the result code of a failure that is not the
// envelope's fault (a storage error on this node).
const CodeInternal uint32 = 100

// ErrInternal is what a CodeInternal result reads back as.
var ErrInternal = errors.New("ordering: internal error")

// codes fixes each admission error's ABCI result code. The numbers are part
// of the node's interface (clients read them from CheckTx and tx results):
// append, never renumber.
var codes = []struct {
	code uint32
	err  error
}{
	{1, mempool.ErrMalformed},
	{2, mempool.ErrTooLarge},
	{3, mempool.ErrBadSignature},
	{4, mempool.ErrWrongChain},
	{5, mempool.ErrUnknownEon},
	{6, mempool.ErrEonNotActive},
	{7, mempool.ErrNonceTooLow},
	{8, mempool.ErrNonceGap},
	{9, mempool.ErrInsufficientBalance},
	{10, mempool.ErrFeeTooLow},
	{11, mempool.ErrExpired},
	{12, mempool.ErrExpiryTooFar},
	{13, mempool.ErrUnknownRollup},
	{14, mempool.ErrDuplicate},
	{15, mempool.ErrReplacementUnderpriced},
	{16, mempool.ErrPoolFull},
	{17, mempool.ErrBadCiphertext},
	{18, mempool.ErrEvicted},
	{19, ErrEonRegistration},
	{20, ErrDKGCeremony},
	{21, ErrDKGMessage},
	{22, ErrDKGDuplicate},
	{23, ErrDKGLate},
	{24, ErrDKGSignature},
	{25, ErrDKGNotMember},
	{CodeInternal, ErrInternal},
}

// Code returns the ABCI result code for err: 0 for nil, the code of the
// admission sentinel err wraps, or CodeInternal.
func Code(err error) uint32 {
	if err == nil {
		return 0
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeInternal
}

// TxError is a rejection read back from an ABCI result (a CheckTx response
// or a tx result): it prints the node's message and matches the admission
// sentinel with errors.Is.
type TxError struct {
	Code uint32
	Log  string
}

func (e *TxError) Error() string { return e.Log }

// Unwrap returns the sentinel for e.Code.
func (e *TxError) Unwrap() error {
	for _, c := range codes {
		if c.code == e.Code {
			return c.err
		}
	}
	return ErrInternal
}

// ResultError turns an ABCI result's code, codespace and log into an
// error: nil for success, a *TxError for veil's codes, and an error
// wrapping ErrInternal for another codespace (CometBFT's own rejections
// arrive as Go errors, not codes).
func ResultError(code uint32, codespace, log string) error {
	if code == 0 {
		return nil
	}
	if codespace != Codespace {
		return &TxError{Code: CodeInternal, Log: log}
	}
	return &TxError{Code: code, Log: log}
}
