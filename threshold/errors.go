package threshold

import "errors"

// Errors returned by this package. They are sentinels to be matched with
// errors.Is; returned errors may wrap them with context that never contains
// key material.
var (
	// ErrMalformed reports bytes that do not decode: wrong length, truncated
	// input, trailing bytes or an out-of-range field.
	ErrMalformed = errors.New("threshold: malformed encoding")
	// ErrVersion reports an encoding whose version byte is not known.
	ErrVersion = errors.New("threshold: unsupported version")
	// ErrInvalidPoint reports a curve point that is not on the curve, not in
	// the prime-order subgroup, or the point at infinity.
	ErrInvalidPoint = errors.New("threshold: invalid curve point")
	// ErrInvalidScalar reports a non-canonical or zero scalar.
	ErrInvalidScalar = errors.New("threshold: invalid scalar")
	// ErrThreshold reports a threshold outside [1, n] or a committee size
	// outside [1, MaxMembers].
	ErrThreshold = errors.New("threshold: invalid threshold parameters")
	// ErrInconsistentKey reports member public shares that do not lie on one
	// polynomial of degree below the threshold whose value at zero is the
	// eon key.
	ErrInconsistentKey = errors.New("threshold: member shares inconsistent with eon key")
	// ErrIndex reports a member index that is 0 or above the committee size.
	ErrIndex = errors.New("threshold: member index out of range")
	// ErrDuplicateIndex reports two shares from the same member.
	ErrDuplicateIndex = errors.New("threshold: duplicate member index")
	// ErrTooFewShares reports fewer shares than the threshold.
	ErrTooFewShares = errors.New("threshold: fewer shares than the threshold")
	// ErrWrongEon reports a key or share used with another eon's key.
	ErrWrongEon = errors.New("threshold: wrong eon")
	// ErrLength reports slices that must be the same length but are not.
	ErrLength = errors.New("threshold: length mismatch")
	// ErrInvalidShare reports key shares or a partial signature that fail
	// verification against the member's public share.
	ErrInvalidShare = errors.New("threshold: invalid key share")
	// ErrInvalidKey reports decryption keys that fail verification against
	// the eon key.
	ErrInvalidKey = errors.New("threshold: invalid decryption key")
	// ErrDecrypt reports a ciphertext that does not decrypt under the given
	// key and header: wrong key, wrong identity, wrong header or a mauled
	// ciphertext. The causes are deliberately not distinguished.
	ErrDecrypt = errors.New("threshold: decryption failed")
	// ErrInvalidSignature reports a threshold signature that does not verify.
	ErrInvalidSignature = errors.New("threshold: invalid signature")
)
