package api

import "errors"

// Errors a KeyholderBackend returns (wrapped); the server maps each to its
// Connect code.
var (
	// ErrUnauthenticated: the submission's signature is missing or does
	// not verify under the member's registered key.
	ErrUnauthenticated = errors.New("api: unauthenticated")
	// ErrPermissionDenied: the sender is not a registered member of the
	// eon.
	ErrPermissionDenied = errors.New("api: permission denied")
	// ErrInvalidShares: the shares are malformed, belong to another
	// member, are the wrong number, or fail verification.
	ErrInvalidShares = errors.New("api: invalid key shares")
	// ErrAlreadySubmitted: the member already submitted shares for this
	// block (a replay or a retry).
	ErrAlreadySubmitted = errors.New("api: key shares already submitted")
	// ErrNotYet: the height is too far beyond the node's last commit.
	ErrNotYet = errors.New("api: block not committed here yet")
)

// KeyShareSubmission is one committee member's key shares for the
// envelopes of one eon in one committed block, as SubmitKeyShares carries
// them.
type KeyShareSubmission struct {
	Eon    uint64
	Height uint64
	Member uint32
	// Shares are threshold.KeyShare encodings, in block order.
	Shares [][]byte
	// Signature is the member's Ed25519 signature (decrypt.SharesMessage).
	Signature []byte
}
