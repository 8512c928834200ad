package api

import "github.com/ethereum/go-ethereum/common"

// PendingBlock is what GetPendingEnvelopes returns: the envelopes of a
// committed block whose decryption keys are not recorded yet.
type PendingBlock struct {
	Height uint64
	// LatestHeight is the node's last committed height when it read the
	// envelopes.
	LatestHeight uint64
	// Envelopes are in block order.
	Envelopes []PendingEnvelope
	// SignedHeader is the block's CometBFT header with a commit for it
	// (cometbft.types.v1.SignedHeader encoding); nil if the node keeps no
	// block store.
	SignedHeader []byte
}

// PendingEnvelope is one committed envelope awaiting its decryption key.
type PendingEnvelope struct {
	Hash  common.Hash
	Index uint32
	// Envelope is the wire encoding (mempool.Envelope.Encode).
	Envelope []byte
	// TxProof proves Envelope is a transaction of the block under the
	// header's data hash (cometbft.types.v1.TxProof encoding); nil with
	// SignedHeader.
	TxProof []byte
}

// KeyholderEvidence is a committee member's key share submission for one
// block that failed verification on the node.
type KeyholderEvidence struct {
	Eon    uint64
	Height uint64
	Member uint32
	// Reason says why, for people.
	Reason string
}
