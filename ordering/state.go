package ordering

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/veilseq/veil/mempool"
)

// The application state is a flat key-value map. Every key starts with a
// one-byte table tag; integers are big-endian so keys sort by number.
// Values are versioned binary records (first byte: recordVersion).
//
//	tag  key                         value
//	'c'  —                           chain: initial height, chain id
//	'p'  —                           Params
//	'e'  —                           current eon id
//	'f'  —                           fees collected so far
//	'E'  eon id (u64)                Eon
//	'a'  address (20 B)              Account
//	'r'  rollup id (u64)             Rollup
//	't'  tx hash (32 B)              TxRecord
//	'i'  eon ‖ sender ‖ prefix       (identity used: a single 1 byte)
//	'd'  height (u64)                pending decryption: the block's tx hashes
//	'b'  height (u64)                BlockSummary without its app hash
//	'R'  height (u64)                firm batch root: root (32 B) ‖ u64 block that recorded it
//
// Three tables sit outside the app hash because they record the hash
// itself or its inputs:
//
//	'M'  —                           last committed height and app hash
//	'H'  height (u64)                app hash after that height
//	'P'  height (u64)                rollupfeed.FirmProof of that height's app hash
//	                                 (only heights that recorded batch roots)
const (
	tagChain      = 'c'
	tagParams     = 'p'
	tagEonNow     = 'e'
	tagFees       = 'f'
	tagEon        = 'E'
	tagAccount    = 'a'
	tagRollup     = 'r'
	tagTx         = 't'
	tagIdentity   = 'i'
	tagPending    = 'd'
	tagBlock      = 'b'
	tagMeta       = 'M'
	tagHashAt     = 'H'
	tagFirmRoot   = 'R'
	tagFirmProof  = 'P'
	recordVersion = 1
)

// hashed reports whether a key belongs to the state the app hash commits to.
func hashed(key []byte) bool {
	return len(key) > 0 && key[0] != tagMeta && key[0] != tagHashAt && key[0] != tagFirmProof
}

func keyTag(tag byte) []byte { return []byte{tag} }

func keyU64(tag byte, v uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{tag}, v)
}

func keyAccount(a common.Address) []byte { return append([]byte{tagAccount}, a[:]...) }

func keyTx(h common.Hash) []byte { return append([]byte{tagTx}, h[:]...) }

func keyIdentity(id mempool.IdentityKey) []byte {
	k := keyU64(tagIdentity, id.Eon)
	k = append(k, id.Sender[:]...)
	return append(k, id.Prefix[:]...)
}

// errCorrupt reports a stored record this code cannot read: the database
// was damaged or written by an incompatible version.
var errCorrupt = errors.New("ordering: corrupt state record")

// Account is a sender's on-chain account.
type Account struct {
	// Balance is what the account can still pay in fees.
	Balance uint64 `json:"balance"`
	// Nonce is the nonce the sender's next included envelope must carry.
	Nonce uint64 `json:"nonce"`
}

func (a Account) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, a.Balance)
	return binary.BigEndian.AppendUint64(b, a.Nonce)
}

func decodeAccount(b []byte) (Account, error) {
	if len(b) != 17 || b[0] != recordVersion {
		return Account{}, fmt.Errorf("%w: account", errCorrupt)
	}
	return Account{Balance: binary.BigEndian.Uint64(b[1:]), Nonce: binary.BigEndian.Uint64(b[9:])}, nil
}

// Rollup is a registered destination rollup.
type Rollup struct {
	ID   uint64 `json:"id"`
	Name string `json:"name"`
}

// maxRollupName bounds a rollup's display name.
const maxRollupName = 64

func (r Rollup) encode() []byte {
	b := []byte{recordVersion, byte(len(r.Name))}
	return append(b, r.Name...)
}

func decodeRollup(id uint64, b []byte) (Rollup, error) {
	if len(b) < 2 || b[0] != recordVersion || len(b) != 2+int(b[1]) {
		return Rollup{}, fmt.Errorf("%w: rollup %d", errCorrupt, id)
	}
	return Rollup{ID: id, Name: string(b[2:])}, nil
}

// Eon is a committee key epoch. Envelopes name the eon whose key they are
// encrypted to; only an active eon accepts new envelopes.
type Eon struct {
	ID uint64 `json:"id"`
	// PublicKey is the canonical encoding of the committee's
	// threshold.EonPublicKey (eon key, threshold, member public shares).
	PublicKey hexutil.Bytes `json:"public_key"`
	// Status is the stored status. An active eon whose activation height
	// is above a block's height is reported as pending for that block.
	Status mempool.EonStatus `json:"status"`
	// ActivationHeight is the height from which this eon is the current
	// one (eons.go): the genesis eon's is the initial height, a
	// registered successor's the one its registration names.
	ActivationHeight int64 `json:"activation_height"`
	// AcceptFrom, when set, is the first height whose blocks may include
	// envelopes for this eon ahead of its activation: the block after
	// its registration. Zero: from ActivationHeight.
	AcceptFrom int64 `json:"accept_from,omitempty"`
}

// statusAt is the eon's status for inclusion in a block at height h, as
// its own record says (view.EonStatus also retires it once a successor
// is current).
func (e Eon) statusAt(h int64) mempool.EonStatus {
	from := e.ActivationHeight
	if e.AcceptFrom != 0 {
		from = min(from, e.AcceptFrom)
	}
	if e.Status == mempool.EonActive && h < from {
		return mempool.EonPending
	}
	return e.Status
}

// eonRecordV2 is the eon record with AcceptFrom; eons without it keep
// the version-1 encoding.
const eonRecordV2 = 2

func (e Eon) encode() []byte {
	v := byte(recordVersion)
	if e.AcceptFrom != 0 {
		v = eonRecordV2
	}
	b := []byte{v, byte(e.Status)}
	b = binary.BigEndian.AppendUint64(b, uint64(e.ActivationHeight))
	if v == eonRecordV2 {
		b = binary.BigEndian.AppendUint64(b, uint64(e.AcceptFrom))
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.PublicKey)))
	return append(b, e.PublicKey...)
}

func decodeEon(id uint64, b []byte) (Eon, error) {
	hdr := 14
	if len(b) > 0 && b[0] == eonRecordV2 {
		hdr = 22
	}
	if len(b) < hdr || (b[0] != recordVersion && b[0] != eonRecordV2) || len(b) != hdr+int(binary.BigEndian.Uint32(b[hdr-4:])) {
		return Eon{}, fmt.Errorf("%w: eon %d", errCorrupt, id)
	}
	st := mempool.EonStatus(b[1])
	if st != mempool.EonPending && st != mempool.EonActive && st != mempool.EonRetired {
		return Eon{}, fmt.Errorf("%w: eon %d status %d", errCorrupt, id, st)
	}
	e := Eon{
		ID:               id,
		Status:           st,
		ActivationHeight: int64(binary.BigEndian.Uint64(b[2:])),
		PublicKey:        append([]byte(nil), b[hdr:]...),
	}
	if hdr == 22 {
		e.AcceptFrom = int64(binary.BigEndian.Uint64(b[10:]))
	}
	return e, nil
}

// TxStatus is where an included envelope stands.
type TxStatus uint8

const (
	// TxIncluded: the envelope is in a committed block, its fee charged and
	// nonce used; its decryption key has not been recorded yet.
	TxIncluded TxStatus = 1
	// TxDecrypted: the block's keys are recorded and the payload opened.
	TxDecrypted TxStatus = 2
	// TxDecryptFailed: keys are recorded but the payload did not open or
	// parse (the fee stays charged).
	TxDecryptFailed TxStatus = 3
	// TxUndecryptable: the committee withheld the block's keys past the
	// escape-hatch delay and the envelope had no time-lock, so nothing
	// can open it (escape.go; the fee stays charged).
	TxUndecryptable TxStatus = 4
)

func (s TxStatus) String() string {
	switch s {
	case TxIncluded:
		return "included"
	case TxDecrypted:
		return "decrypted"
	case TxDecryptFailed:
		return "decrypt-failed"
	case TxUndecryptable:
		return "undecryptable"
	}
	return fmt.Sprintf("TxStatus(%d)", uint8(s))
}

// TxRecord locates an included envelope.
type TxRecord struct {
	Hash   common.Hash `json:"hash"`
	Height int64       `json:"height"`
	Index  uint32      `json:"index"`
	Status TxStatus    `json:"status"`
}

func (r TxRecord) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(r.Height))
	b = binary.BigEndian.AppendUint32(b, r.Index)
	return append(b, byte(r.Status))
}

func decodeTxRecord(h common.Hash, b []byte) (TxRecord, error) {
	if len(b) != 14 || b[0] != recordVersion || b[13] < byte(TxIncluded) || b[13] > byte(TxUndecryptable) {
		return TxRecord{}, fmt.Errorf("%w: tx %x", errCorrupt, h)
	}
	return TxRecord{
		Hash:   h,
		Height: int64(binary.BigEndian.Uint64(b[1:])),
		Index:  binary.BigEndian.Uint32(b[9:]),
		Status: TxStatus(b[13]),
	}, nil
}

// BlockSummary describes a committed block from the application's side.
type BlockSummary struct {
	Height int64     `json:"height"`
	Time   time.Time `json:"time"`
	// Proposer is the CometBFT address of the block's proposer.
	Proposer hexutil.Bytes `json:"proposer"`
	// Txs are the hashes of the included envelopes, in block order.
	Txs []common.Hash `json:"txs"`
	// Fees is the sum of the fees the block charged.
	Fees uint64 `json:"fees"`
	// Bytes is the total size of the included envelopes.
	Bytes uint64 `json:"bytes"`
	// AppHash is the app hash after this block. It is kept beside the
	// summary, not in it, because the summary is part of what it hashes.
	AppHash hexutil.Bytes `json:"app_hash"`
}

func (s BlockSummary) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(s.Time.UnixNano()))
	b = binary.BigEndian.AppendUint64(b, s.Fees)
	b = binary.BigEndian.AppendUint64(b, s.Bytes)
	b = append(b, byte(len(s.Proposer)))
	b = append(b, s.Proposer...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(s.Txs)))
	for _, h := range s.Txs {
		b = append(b, h[:]...)
	}
	return b
}

func decodeBlockSummary(height int64, b []byte) (BlockSummary, error) {
	bad := fmt.Errorf("%w: block %d", errCorrupt, height)
	if len(b) < 26 || b[0] != recordVersion {
		return BlockSummary{}, bad
	}
	s := BlockSummary{
		Height: height,
		Time:   time.Unix(0, int64(binary.BigEndian.Uint64(b[1:]))).UTC(),
		Fees:   binary.BigEndian.Uint64(b[9:]),
		Bytes:  binary.BigEndian.Uint64(b[17:]),
	}
	np := int(b[25])
	rest := b[26:]
	if len(rest) < np+4 {
		return BlockSummary{}, bad
	}
	s.Proposer = append([]byte(nil), rest[:np]...)
	rest = rest[np:]
	n := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if uint64(len(rest)) != 32*uint64(n) {
		return BlockSummary{}, bad
	}
	s.Txs = decodeHashes(rest)
	return s, nil
}

func encodeHashes(hs []common.Hash) []byte {
	b := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

// decodeHashes splits b, whose length the caller checked to be a multiple
// of 32.
func decodeHashes(b []byte) []common.Hash {
	hs := make([]common.Hash, len(b)/32)
	for i := range hs {
		copy(hs[i][:], b[32*i:])
	}
	return hs
}

// chainRecord is fixed at genesis.
type chainRecord struct {
	InitialHeight int64
	ChainID       string
}

func (c chainRecord) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(c.InitialHeight))
	return append(b, c.ChainID...)
}

func decodeChain(b []byte) (chainRecord, error) {
	if len(b) < 9 || b[0] != recordVersion {
		return chainRecord{}, fmt.Errorf("%w: chain", errCorrupt)
	}
	return chainRecord{InitialHeight: int64(binary.BigEndian.Uint64(b[1:])), ChainID: string(b[9:])}, nil
}

func encodeU64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeU64(what string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: %s", errCorrupt, what)
	}
	return binary.BigEndian.Uint64(b), nil
}

// meta is the last commit: the only record written outside the hashed
// state besides the per-height app hashes.
type meta struct {
	Height  int64 // last committed block height; 0 before the first block
	AppHash []byte
}

func (m meta) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(m.Height))
	return append(b, m.AppHash...)
}

func decodeMeta(b []byte) (meta, error) {
	if len(b) != 1+8+32 || b[0] != recordVersion {
		return meta{}, fmt.Errorf("%w: commit metadata", errCorrupt)
	}
	return meta{Height: int64(binary.BigEndian.Uint64(b[1:])), AppHash: append([]byte(nil), b[9:]...)}, nil
}
