package ordering

// System transactions are block entries the proposer writes itself rather
// than envelopes from the mempool. An envelope's first byte is its version
// (mempool.Version, 0x01); bytes 0xF0–0xFF are reserved for system
// transactions, so the first byte alone tells the two apart and no
// envelope version can ever collide with a system tag.
//
//	0xF0  fair-ordering vote extensions the proposer used
//	0xF1  decryption keys of committed blocks (keys.go)
//	0xF2  escape-hatch resolution of a block whose keys were withheld (escape.go)
//	0xF3  registration of the next eon (eons.go)
//	0xF4  opening of a DKG ceremony for the next eon (dkg.go)
//	0xF5  a member's DKG message (dkg.go)
//	0xF6  a member's consent to the ceremony's eon registration (dkg.go)
//	0xF7–0xFF  reserved
//
// CheckTx admits no system transaction but 0xF3–0xF6 (mempool.Decode
// rejects the version): each is verified in full against the committed
// state and waits in the mempool for a proposer. Everything
// else only a proposer can place in a block. ProcessProposal checks each
// one.
const (
	// SysTxVoteExtensions tags the vote extensions a proposal used.
	SysTxVoteExtensions byte = 0xF0
	// SysTxDecryptionKeys tags a record of committed blocks' decryption
	// keys.
	SysTxDecryptionKeys byte = 0xF1

	sysTxFirst byte = 0xF0
)

// IsSystemTx reports whether a block entry is a system transaction rather
// than an envelope.
func IsSystemTx(tx []byte) bool { return len(tx) > 0 && tx[0] >= sysTxFirst }
