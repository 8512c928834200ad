package vdf

import "errors"

// Errors returned by this package. Callers match them with errors.Is; the
// returned error may wrap one of them with detail.
var (
	// ErrEncoding: a byte or JSON encoding has the wrong length or shape.
	ErrEncoding = errors.New("vdf: malformed encoding")
	// ErrVersion: an encoding's version byte is not one this package knows.
	ErrVersion = errors.New("vdf: unsupported encoding version")
	// ErrElement: a value is not a valid element of the group: zero, ±1, not
	// reduced mod N, not the canonical representative, or not a unit.
	ErrElement = errors.New("vdf: invalid group element")
	// ErrDelay: the delay T is zero or above MaxDelay.
	ErrDelay = errors.New("vdf: invalid delay")
	// ErrProof: a proof does not verify.
	ErrProof = errors.New("vdf: invalid proof")
	// ErrParams: time-lock parameters are inconsistent or do not verify.
	ErrParams = errors.New("vdf: invalid parameters")
	// ErrKeySize: a time-locked key is not KeySize bytes.
	ErrKeySize = errors.New("vdf: key must be 32 bytes")
	// ErrPuzzle: a puzzle's solution is proven but its wrapped key does not
	// authenticate, so the puzzle was malformed when it was locked.
	ErrPuzzle = errors.New("vdf: puzzle does not open")
	// ErrDelayPlan: the inputs to ChooseDelay are out of range.
	ErrDelayPlan = errors.New("vdf: invalid delay plan inputs")
)
