package mempool

import (
	"errors"
	"fmt"
)

// Admission errors. Each rejection has its own sentinel so callers (the
// ABCI application, the API edge) can match it with errors.Is and map it to
// a code; the wrapped message says which field was wrong and what to do.
var (
	// ErrMalformed: the bytes are not a canonical version-1 envelope.
	ErrMalformed = errors.New("mempool: malformed envelope")
	// ErrTooLarge: the envelope or one of its fields exceeds a size limit.
	ErrTooLarge = errors.New("mempool: envelope too large")
	// ErrBadSignature: the signature does not verify or does not belong to
	// the sender named in the header.
	ErrBadSignature = errors.New("mempool: bad signature")
	// ErrWrongChain: the header names another chain.
	ErrWrongChain = errors.New("mempool: wrong chain id")
	// ErrUnknownEon: the header names an eon the chain has never had.
	ErrUnknownEon = errors.New("mempool: unknown eon")
	// ErrEonNotActive: the eon exists but does not accept new envelopes
	// (not yet activated, or retired by a rotation).
	ErrEonNotActive = errors.New("mempool: eon not active")
	// ErrNonceTooLow: the sender's nonce is already used on chain.
	ErrNonceTooLow = errors.New("mempool: nonce too low")
	// ErrNonceGap: the nonce is further ahead of the sender's next nonce
	// than the pool's window allows.
	ErrNonceGap = errors.New("mempool: nonce too far ahead")
	// ErrInsufficientBalance: the sender cannot pay this fee on top of the
	// fees of its other pending envelopes.
	ErrInsufficientBalance = errors.New("mempool: insufficient balance for fee")
	// ErrFeeTooLow: the fee is under the chain's minimum.
	ErrFeeTooLow = errors.New("mempool: fee below minimum")
	// ErrExpired: the expiry height has passed (or is too close to include).
	ErrExpired = errors.New("mempool: envelope expired")
	// ErrExpiryTooFar: the expiry height is beyond the chain's window.
	ErrExpiryTooFar = errors.New("mempool: expiry too far in the future")
	// ErrUnknownRollup: a destination rollup is not registered.
	ErrUnknownRollup = errors.New("mempool: unknown rollup")
	// ErrDuplicate: the same envelope, or one with the same identity, is
	// already pending or included.
	ErrDuplicate = errors.New("mempool: duplicate envelope")
	// ErrReplacementUnderpriced: an envelope with the same sender and nonce
	// is pending and this one does not raise the fee enough to replace it.
	ErrReplacementUnderpriced = errors.New("mempool: replacement fee too low")
	// ErrPoolFull: the pool is full and this envelope's fee is not above
	// the lowest pending fee.
	ErrPoolFull = errors.New("mempool: pool full")
	// ErrBadCiphertext: the ciphertext is not a well-formed threshold
	// ciphertext (version or length).
	ErrBadCiphertext = errors.New("mempool: bad ciphertext")
	// ErrBadTimeLock: the time-lock field is not a well-formed puzzle
	// (vdf.ParsePuzzle). It wraps ErrMalformed, so it maps to the same
	// result code.
	ErrBadTimeLock = fmt.Errorf("%w: time-lock is not a vdf puzzle", ErrMalformed)
	// ErrEvicted: a pending envelope was pushed out of the pool by
	// higher-fee envelopes or replaced by a higher-fee envelope with the
	// same nonce.
	ErrEvicted = errors.New("mempool: evicted")
)
