package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// ErrNotFound is what a Backend returns (wrapped) for a transaction or block
// it does not know; the server reports it as NOT_FOUND, and the client
// returns an error matching it.
var ErrNotFound = errors.New("api: not found")

// ErrRateLimited matches the error the client returns when the server
// refused a request for exceeding a rate limit.
var ErrRateLimited = errors.New("api: rate limited")

// Params are the encryption parameters of a node's latest committed state:
// what a wallet needs to build an envelope.
type Params struct {
	ChainID         string
	EnvelopeVersion uint32
	// Eon is the eon new envelopes must be encrypted to.
	Eon     Eon
	Rollups []Rollup
	MinFee  uint64
	// MaxEnvelopeBytes and MaxCiphertextBytes are admission's size limits.
	MaxEnvelopeBytes   int
	MaxCiphertextBytes int
	// LatestHeight is the last committed height; expiries lie above it.
	LatestHeight uint64
	// MaxExpiryBlocks bounds Expiry − LatestHeight; 0 means no bound.
	MaxExpiryBlocks uint64
	// NextEon is the registered successor of Eon during a rotation:
	// current from its ActivationHeight on, and accepting envelopes
	// already. Nil outside a rotation.
	NextEon *Eon
	// EscapeHatchBlocks is K of the chain's escape hatch and
	// TimeLockParams its vdf.Params encoding; 0 and nil when the chain
	// has none.
	EscapeHatchBlocks uint64
	TimeLockParams    []byte
}

// Eon is one committee key epoch.
type Eon struct {
	ID uint64
	// PublicKey is threshold.EonPublicKey.MarshalBinary's encoding.
	PublicKey        []byte
	Threshold        int
	CommitteeSize    int
	ActivationHeight uint64
}

// Rollup is a registered destination.
type Rollup struct {
	ID   uint64
	Name string
}

// Account is a sender's state. Nonce is what committed state expects next;
// PendingNonce also counts the sender's envelopes pending in the node's
// mempool, so it is the nonce for the next new envelope.
type Account struct {
	Address      common.Address
	Balance      uint64
	Nonce        uint64
	PendingNonce uint64
}

// TxState is where a transaction is in the pipeline. The zero value is
// invalid.
type TxState int

const (
	// TxUnknown: the node has not seen the hash.
	TxUnknown TxState = iota + 1
	// TxPending: admitted, waiting for a block.
	TxPending
	// TxIncluded: ordered into a committed block, still encrypted.
	TxIncluded
	// TxDecrypted: decrypted; TxStatus.Level says soft or firm.
	TxDecrypted
	// TxFailed: included and charged, but the content could not be
	// decrypted or decoded.
	TxFailed
	// TxExpired: the expiry height passed before inclusion.
	TxExpired
	// TxRejected: dropped from the mempool before inclusion.
	TxRejected
)

var txStateNames = [...]string{
	TxUnknown:   "unknown",
	TxPending:   "pending",
	TxIncluded:  "included",
	TxDecrypted: "decrypted",
	TxFailed:    "failed",
	TxExpired:   "expired",
	TxRejected:  "rejected",
}

func (s TxState) String() string {
	if s > 0 && int(s) < len(txStateNames) {
		return txStateNames[s]
	}
	return fmt.Sprintf("TxState(%d)", int(s))
}

// DecryptionLevel says how final a decryption is. The zero value means not
// applicable (a transaction that is not decrypted).
type DecryptionLevel int

const (
	// LevelPending: committed, waiting for the committee's keys.
	LevelPending DecryptionLevel = iota + 1
	// LevelSoft: decrypted from key shares this node verified; not yet on
	// chain.
	LevelSoft
	// LevelFirm: the aggregated keys are recorded on chain.
	LevelFirm
)

var levelNames = [...]string{
	LevelPending: "pending",
	LevelSoft:    "soft",
	LevelFirm:    "firm",
}

func (l DecryptionLevel) String() string {
	if l > 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	if l == 0 {
		return "none"
	}
	return fmt.Sprintf("DecryptionLevel(%d)", int(l))
}

// TxStatus is one observation of a transaction.
type TxStatus struct {
	Hash  common.Hash
	State TxState
	// Height and Index locate the transaction when State is TxIncluded,
	// TxDecrypted or TxFailed.
	Height uint64
	Index  uint32
	// Level is LevelSoft or LevelFirm when State is TxDecrypted.
	Level DecryptionLevel
	// Reason says why when State is TxFailed, TxExpired or TxRejected. It
	// is shown to users: it must not contain secrets.
	Reason string
	// ObservedHeight is the node's latest committed height at the time.
	ObservedHeight uint64
}

// Final reports whether the status can no longer change: firmly
// decrypted, failed, expired or rejected.
func (s TxStatus) Final() bool {
	switch s.State {
	case TxFailed, TxExpired, TxRejected:
		return true
	case TxDecrypted:
		return s.Level == LevelFirm
	}
	return false
}

// Included reports whether the transaction has a final position in the
// chain.
func (s TxStatus) Included() bool {
	return s.State == TxIncluded || s.State == TxDecrypted || s.State == TxFailed
}

// Block is a committed block as the sequencer sees it.
type Block struct {
	Height uint64
	// Hash is the CometBFT block hash.
	Hash common.Hash
	Time time.Time
	// Proposer is the proposer's CometBFT validator address.
	Proposer   []byte
	Decryption DecryptionLevel
	Txs        []BlockTx
}

// BlockTx summarises one ordered envelope from its clear header.
type BlockTx struct {
	Hash    common.Hash
	Sender  common.Address
	Nonce   uint64
	Fee     uint64
	Eon     uint64
	Rollups []uint64
	// Size is the encoded envelope's length in bytes.
	Size int
	// State is TxIncluded, TxDecrypted or TxFailed.
	State TxState
}

// ParseHash parses a 32-byte hash written in hex, with or without a 0x
// prefix, in either case. Unlike common.HexToHash it rejects anything else.
func ParseHash(s string) (common.Hash, error) {
	var h common.Hash
	if err := parseHex(s, h[:]); err != nil {
		return common.Hash{}, fmt.Errorf("api: hash %q: %w", clip(s), err)
	}
	return h, nil
}

// ParseAddress parses a 20-byte address written in hex, with or without a
// 0x prefix, in either case. It does not enforce EIP-55 checksums.
func ParseAddress(s string) (common.Address, error) {
	var a common.Address
	if err := parseHex(s, a[:]); err != nil {
		return common.Address{}, fmt.Errorf("api: address %q: %w", clip(s), err)
	}
	return a, nil
}

// FormatHash writes h as 0x-prefixed lowercase hex, the API's form.
func FormatHash(h common.Hash) string { return "0x" + hex.EncodeToString(h[:]) }

func parseHex(s string, dst []byte) error {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
	}
	if len(s) != 2*len(dst) {
		return fmt.Errorf("want %d hex digits, got %d", 2*len(dst), len(s))
	}
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		return errors.New("not hex")
	}
	return nil
}

// clip shortens user input echoed in an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
