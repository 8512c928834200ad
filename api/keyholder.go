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
	// ErrInvalidSignatures: partial batch signatures that are malformed,
	// of another member, over a batch root that is not the node's, or
	// that fail verification.
	ErrInvalidSignatures = errors.New("api: invalid partial batch signatures")
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

// BatchSignatureSubmission is one committee member's partial signatures
// on the batch roots of some firm heights, as SubmitBatchSignatures
// carries them.
type BatchSignatureSubmission struct {
	Eon     uint64
	Member  uint32
	Entries []BatchSignatureEntry
	// Signature is the member's Ed25519 signature
	// (decrypt.BatchSignaturesMessage).
	Signature []byte
}

// BatchSignatureEntry is one height's partial signature.
type BatchSignatureEntry struct {
	Height uint64
	// Root is the batch root the member signed (32 bytes).
	Root []byte
	// Partial is a threshold.PartialSignature encoding.
	Partial []byte
}

// SignedTipKey is the header that carries a node's signed tip (see
// SubmitBatchSignaturesResponse.signed_tip) on a failed
// SubmitBatchSignatures, ALREADY_EXISTS above all: a keyholder sending
// partials again learns the node's tip from it.
const SignedTipKey = "veil-signed-tip"
