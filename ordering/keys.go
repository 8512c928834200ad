package ordering

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/internal/par"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// Recording decryption keys (the firm batch).
//
// A block's envelopes stay ciphertext when it commits. The committee's
// keyholders then release key shares for exactly that block's identities,
// and each node's share pool aggregates them (package decrypt). The next
// proposer includes the aggregated keys of the oldest committed blocks
// still awaiting them, one SysTxDecryptionKeys transaction per block:
//
//	u8   0xF1
//	u64  height of the block the keys open
//	u32  count n, which must equal the number of that block's envelopes
//	n ×  threshold.DecryptionKey encoding (49 bytes), in block order
//
// ProcessProposal verifies each record's keys in one batch per eon against
// the eon key (threshold.VerifyDecryptionKeys: two pairings and two MSMs
// however many keys). FinalizeBlock decrypts every envelope of the block
// (one pairing each, in parallel), marks it TxDecrypted or TxDecryptFailed
// (its fee stays charged either way: a bad U or an AEAD failure only fails
// that transaction) and removes the block's pending record. From then on
// the plaintexts are a function of chain data that anyone can recompute.
//
// To decrypt, FinalizeBlock needs the block's ciphertexts, so FinalizeBlock
// of the block itself stores its envelopes beside the pending record
// (table 'x') until the keys are recorded.

const (
	// tagPendingEnv: height (u64) → the envelopes awaiting keys at that
	// height, in block order (encodePendingEnvelopes).
	tagPendingEnv = 'x'
	// tagKeyholders: eon id (u64) → the members' Ed25519 keyholder keys,
	// in member order, 32 bytes each.
	tagKeyholders = 'k'

	// maxKeyRecordsPerBlock bounds the blocks one proposal records keys
	// for, so catching up after an outage spreads over a few blocks.
	maxKeyRecordsPerBlock = 4

	keyRecordHeader = 1 + 8 + 4
	encodedKeySize  = 49
)

// ErrKeyRecord reports a malformed or invalid decryption-key record.
var ErrKeyRecord = errors.New("ordering: invalid decryption key record")

// KeyRecord is the decryption keys of one committed block's envelopes, in
// block order.
type KeyRecord struct {
	Height int64
	Keys   []*threshold.DecryptionKey
}

// Marshal encodes the record as a SysTxDecryptionKeys transaction.
func (r KeyRecord) Marshal() ([]byte, error) {
	b := make([]byte, 0, keyRecordHeader+encodedKeySize*len(r.Keys))
	b = append(b, SysTxDecryptionKeys)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Height))
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Keys)))
	for _, k := range r.Keys {
		kb, err := k.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = append(b, kb...)
	}
	return b, nil
}

// ParseKeyRecord decodes a SysTxDecryptionKeys transaction. It checks the
// structure and that every key is a valid point, not that the keys are
// right.
func ParseKeyRecord(b []byte) (KeyRecord, error) {
	return parseKeyRecord(b, threshold.ParseDecryptionKey)
}

// parseKeyRecord is ParseKeyRecord with the key decoder given.
func parseKeyRecord(b []byte, parseKey func([]byte) (*threshold.DecryptionKey, error)) (KeyRecord, error) {
	h, rest, err := splitKeyRecord(b)
	if err != nil {
		return KeyRecord{}, err
	}
	r := KeyRecord{Height: h, Keys: make([]*threshold.DecryptionKey, len(rest)/encodedKeySize)}
	for j := range r.Keys {
		k, err := parseKey(rest[encodedKeySize*j : encodedKeySize*(j+1)])
		if err != nil {
			return KeyRecord{}, fmt.Errorf("%w: key %d: %v", ErrKeyRecord, j, err)
		}
		r.Keys[j] = k
	}
	return r, nil
}

// KeySource supplies the aggregated decryption keys of committed blocks to
// this node's proposals. The decrypt package's share pool implements it.
type KeySource interface {
	// DecryptionKeys returns the keys of the envelopes committed at
	// height, in block order, once the node has aggregated them all.
	// The App verifies them before proposing them.
	DecryptionKeys(height int64) ([]*threshold.DecryptionKey, bool)
}

// KeyWaiter is implemented by a KeySource that can tell a proposer its
// keys for a block are on their way: the decrypt package's share pool
// waits while the committee's shares for the block are arriving.
type KeyWaiter interface {
	// WaitDecryptionKeys blocks until DecryptionKeys(height) would
	// succeed, and reports true; or reports false at once when no share
	// for the block has arrived (nothing to wait for), or when ctx ends.
	WaitDecryptionKeys(ctx context.Context, height int64) bool
}

// DefaultKeyWait is how long a proposer waits, at most, for the keys of
// the block just committed, when shares for it are arriving but not yet
// aggregated. It trades at most that much block time, only while the
// committee is releasing, for recording the keys one block sooner: a
// block's keys are then recorded by the next block, so its transactions
// are firm (with a proof, the header after) two blocks after it.
const DefaultKeyWait = 150 * time.Millisecond

// SetKeyWait sets the proposer's wait for the keys of the block just
// committed (DefaultKeyWait when never called); 0 disables it.
func (a *App) SetKeyWait(d time.Duration) { a.keys.wait.Store(int64(max(d, 0)) + 1) }

// SoftResults is implemented by a KeySource that has already opened
// committed envelopes with keys it aggregated itself (the decrypt
// package's share pool: the soft batch). The decryption key of an
// identity is unique (s·id), so opening an envelope with an equal key
// gives the same plaintext, or the same failure, whoever does it:
// FinalizeBlock takes such results instead of decrypting again and
// decrypts only what the node has not.
type SoftResults interface {
	// SoftResult returns the result of opening the envelope with hash h,
	// if this node opened it with a key equal to key.
	SoftResult(h common.Hash, key *threshold.DecryptionKey) (threshold.DecryptResult, bool)
}

// openPending opens a keyed block's pending envelopes: results[j] is
// pending[j] under keys[j]. Results the node's SoftResults already hold
// for the same key are reused; the rest are decrypted in parallel, through
// the process-wide threshold.SharedMemo (keyed by key, header and
// ciphertext, so the outcome is the one decrypting here gives).
func (a *App) openPending(keys []*threshold.DecryptionKey, pending []PendingTx) []threshold.DecryptResult {
	out := make([]threshold.DecryptResult, len(pending))
	var soft SoftResults
	if s := a.keys.source.Load(); s != nil {
		soft, _ = (*s).(SoftResults)
	}
	items := make([]threshold.DecryptItem, 0, len(pending))
	idx := make([]int, 0, len(pending))
	for j, p := range pending {
		if soft != nil {
			if r, ok := soft.SoftResult(p.Hash, keys[j]); ok {
				out[j] = r
				continue
			}
		}
		items = append(items, threshold.DecryptItem{Key: keys[j], Ciphertext: p.Envelope.Ciphertext, Header: p.Envelope.Header()})
		idx = append(idx, j)
	}
	for k, r := range threshold.SharedMemo().DecryptBatch(items) {
		out[idx[k]] = r
	}
	return out
}

// keyState is the App's part of key recording.
type keyState struct {
	source atomic.Pointer[KeySource]
	wait   atomic.Int64 // proposer's key wait in ns plus one, 0 if unset; see SetKeyWait
	eons   sync.Map     // eon id → *threshold.EonPublicKey
	// knownKeys and verifiedKeys count the keys of key-record checks
	// (KeyRecordChecks).
	knownKeys, verifiedKeys atomic.Uint64
}

// del records the deletion of k.
func (o *overlay) del(k []byte) { o.writes[string(k)] = change{del: true} }

// SetKeySource installs where this node's proposals take decryption keys
// from. Without one the node proposes no key records (it still verifies
// and applies other proposers' records).
func (a *App) SetKeySource(s KeySource) { a.keys.source.Store(&s) }

// PendingTx is an envelope of a committed block whose key is not recorded.
type PendingTx struct {
	Hash     common.Hash
	Index    uint32
	Envelope *mempool.Envelope
}

func encodePendingEnvelopes(txs []CommittedTx) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(txs)))
	for _, tx := range txs {
		raw := tx.Envelope.Encode()
		b = binary.BigEndian.AppendUint32(b, tx.Index)
		b = binary.BigEndian.AppendUint32(b, uint32(len(raw)))
		b = append(b, raw...)
	}
	return b
}

func decodePendingEnvelopes(height int64, b []byte) ([]PendingTx, error) {
	bad := fmt.Errorf("%w: pending envelopes at %d", errCorrupt, height)
	if len(b) < 4 {
		return nil, bad
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	if uint64(n) > uint64(len(b))/8 {
		return nil, bad
	}
	out := make([]PendingTx, 0, n)
	for range n {
		if len(b) < 8 {
			return nil, bad
		}
		idx, size := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		b = b[8:]
		if uint64(size) > uint64(len(b)) {
			return nil, bad
		}
		env, err := mempool.Decode(b[:size])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", bad, err)
		}
		out = append(out, PendingTx{Hash: crypto.Keccak256Hash(b[:size]), Index: idx, Envelope: env})
		b = b[size:]
	}
	if len(b) != 0 {
		return nil, bad
	}
	return out, nil
}

func loadPendingEnvelopes(g getter, height int64) ([]PendingTx, error) {
	b, err := g.get(keyU64(tagPendingEnv, uint64(height)))
	if err != nil || b == nil {
		return nil, err
	}
	return decodePendingEnvelopes(height, b)
}

// PendingEnvelopes returns the envelopes committed at height whose
// decryption keys are not recorded yet, in block order; none once the
// keys are recorded (or for a height without envelopes).
func (a *App) PendingEnvelopes(height int64) ([]PendingTx, error) {
	var txs []PendingTx
	err := a.read(func(g getter, st committed) error {
		if height > st.height {
			return nil // not committed: nothing is pending yet
		}
		var err error
		txs, err = loadPendingEnvelopes(g, height)
		return err
	})
	return txs, err
}

// PendingHeights returns up to limit committed heights whose decryption
// keys are not recorded yet, oldest first.
func (a *App) PendingHeights(limit int) ([]int64, error) {
	var hs []int64
	err := a.read(func(_ getter, st committed) error {
		var err error
		hs, err = a.pendingHeights(st, limit)
		return err
	})
	return hs, err
}

// pendingHeights scans the pending table of the committed state.
func (a *App) pendingHeights(st committed, limit int) ([]int64, error) {
	it, err := a.db.Iterator([]byte{tagPending}, []byte{tagPending + 1})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var hs []int64
	for ; it.Valid() && len(hs) < limit; it.Next() {
		k := it.Key()
		if len(k) != 9 {
			return nil, fmt.Errorf("%w: pending key", errCorrupt)
		}
		h := int64(binary.BigEndian.Uint64(k[1:]))
		if h > st.height {
			break
		}
		hs = append(hs, h)
	}
	return hs, it.Error()
}

// Keyholders returns the Ed25519 keys the members of an eon sign their key
// share submissions with, in member order (member i is at i−1), or
// ErrNotFound if the eon registered none.
func (a *App) Keyholders(eon uint64) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	err := a.read(func(g getter, _ committed) error {
		b, err := g.get(keyU64(tagKeyholders, eon))
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("%w: keyholder keys of eon %d", ErrNotFound, eon)
		}
		if len(b)%ed25519.PublicKeySize != 0 {
			return fmt.Errorf("%w: keyholder keys of eon %d", errCorrupt, eon)
		}
		for i := 0; i < len(b); i += ed25519.PublicKeySize {
			keys = append(keys, ed25519.PublicKey(append([]byte(nil), b[i:i+ed25519.PublicKeySize]...)))
		}
		return nil
	})
	return keys, err
}

// validateKeyholders checks the genesis eon's keyholder keys: none, or
// one Ed25519 key per committee member.
func validateKeyholders(keys []hexutil.Bytes, members int) error {
	if len(keys) == 0 {
		return nil
	}
	if len(keys) != members {
		return fmt.Errorf("%w: eon.keyholders has %d keys for %d members", ErrGenesis, len(keys), members)
	}
	seen := make(map[string]bool, len(keys))
	for i, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: eon.keyholders[%d] is %d bytes, want %d", ErrGenesis, i, len(k), ed25519.PublicKeySize)
		}
		if seen[string(k)] {
			return fmt.Errorf("%w: eon.keyholders[%d] repeats a key", ErrGenesis, i)
		}
		seen[string(k)] = true
	}
	return nil
}

// writeKeyholders stores the genesis eon's keyholder keys.
func writeKeyholders(o *overlay, g *Genesis) {
	if len(g.Eon.Keyholders) == 0 {
		return
	}
	var b []byte
	for _, k := range g.Eon.Keyholders {
		b = append(b, k...)
	}
	o.set(keyU64(tagKeyholders, g.Eon.ID), b)
}

// appendKeyRecords adds to a proposal the key records of the oldest
// committed blocks whose keys the node has, within the byte budget. A
// record the node cannot verify is left out (and logged): a proposal must
// not be rejected for the key source's fault.
func (a *App) appendKeyRecords(ctx context.Context, st committed, txs [][]byte, used *int64, maxBytes int64) ([][]byte, error) {
	src := a.keys.source.Load()
	if src == nil || *src == nil {
		return txs, nil
	}
	a.mu.RLock()
	heights, err := a.pendingHeights(st, maxKeyRecordsPerBlock)
	a.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	for _, h := range heights {
		keys, ok := (*src).DecryptionKeys(h)
		if !ok && h == st.height {
			keys, ok = a.waitKeys(ctx, *src, h)
		}
		if !ok {
			continue
		}
		rec, err := KeyRecord{Height: h, Keys: keys}.Marshal()
		if err != nil {
			continue
		}
		size := protoTxSize(len(rec))
		if *used+size > maxBytes {
			break
		}
		if _, _, err := a.checkKeyRecord(newOverlay(dbGetter{a.db}), rec); err != nil {
			if errors.Is(err, ErrInternal) {
				return nil, err
			}
			a.log.Warn("not proposing decryption keys", "height", h, "err", err)
			continue
		}
		txs = append(txs, rec)
		*used += size
	}
	return txs, nil
}

// waitKeys waits, for at most the key wait, for the keys of the block just
// committed, if src can tell they are coming.
func (a *App) waitKeys(ctx context.Context, src KeySource, height int64) ([]*threshold.DecryptionKey, bool) {
	w, ok := src.(KeyWaiter)
	d := a.keyWait()
	if !ok || d == 0 {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if !w.WaitDecryptionKeys(ctx, height) {
		return nil, false
	}
	return src.DecryptionKeys(height)
}

func (a *App) keyWait() time.Duration {
	if v := a.keys.wait.Load(); v != 0 {
		return time.Duration(v - 1)
	}
	return DefaultKeyWait
}

// checkSystemTxs verifies a proposal's decryption-key records: each
// names a distinct committed block still awaiting keys and carries one
// valid key per envelope. Vote-extension transactions are checked by the
// fair-ordering code; any other system tag is rejected.
func (a *App) checkSystemTxs(txs [][]byte) error {
	o := newOverlay(dbGetter{a.db})
	for i, tx := range txs {
		if !IsSystemTx(tx) {
			continue
		}
		switch tx[0] {
		case SysTxVoteExtensions, SysTxEonRegistration:
			continue // fair_app.go, checkEonTxs
		case SysTxEscape:
			continue // checkEscapeTxs
		case SysTxDKGOpen, SysTxDKGMessage, SysTxDKGConsent:
			continue // checkDKGTxs
		case SysTxDecryptionKeys:
		default:
			return fmt.Errorf("tx %d: unknown system transaction tag %#x", i, tx[0])
		}
		rec, _, err := a.checkKeyRecord(o, tx)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		// A second record for the same block in this proposal finds it
		// no longer pending.
		o.del(keyU64(tagPending, uint64(rec.Height)))
		o.del(keyU64(tagPendingEnv, uint64(rec.Height)))
	}
	return nil
}

// checkKeyRecord parses a record and verifies it against the pending
// block it names, as g shows the state.
func (a *App) checkKeyRecord(g getter, tx []byte) (KeyRecord, []PendingTx, error) {
	if rec, pending, ok, err := a.knownKeyRecord(g, tx); ok || err != nil {
		return rec, pending, err
	}
	// Decoded and verified through the process-wide memo: the nodes of
	// an in-process devnet check the same record once between them.
	memo := threshold.SharedMemo()
	rec, err := parseKeyRecord(tx, memo.ParseDecryptionKey)
	if err != nil {
		return KeyRecord{}, nil, err
	}
	a.keys.verifiedKeys.Add(uint64(len(rec.Keys)))
	pending, err := loadPendingEnvelopes(g, rec.Height)
	if err != nil {
		return KeyRecord{}, nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if len(pending) == 0 {
		return KeyRecord{}, nil, fmt.Errorf("%w: block %d has no envelopes awaiting keys", ErrKeyRecord, rec.Height)
	}
	if len(pending) != len(rec.Keys) {
		return KeyRecord{}, nil, fmt.Errorf("%w: %d keys for block %d's %d envelopes", ErrKeyRecord, len(rec.Keys), rec.Height, len(pending))
	}
	// One batch per eon (a block holds envelopes of one eon except around
	// a rotation).
	type group struct {
		ids  []threshold.Identity
		keys []*threshold.DecryptionKey
	}
	groups := make(map[uint64]*group)
	ids := identities(pending)
	for j, p := range pending {
		gr := groups[p.Envelope.Eon]
		if gr == nil {
			gr = &group{}
			groups[p.Envelope.Eon] = gr
		}
		gr.ids = append(gr.ids, ids[j])
		gr.keys = append(gr.keys, rec.Keys[j])
	}
	for eon, gr := range groups {
		pk, err := a.eonKey(g, eon)
		if err != nil {
			return KeyRecord{}, nil, err
		}
		if err := memo.VerifyDecryptionKeys(rand.Reader, pk, gr.ids, gr.keys); err != nil {
			return KeyRecord{}, nil, fmt.Errorf("%w: block %d eon %d: %v", ErrKeyRecord, rec.Height, eon, err)
		}
	}
	return rec, pending, nil
}

// identities derives the envelopes' identities in parallel (each is a
// hash to the curve).
func identities(txs []PendingTx) []threshold.Identity {
	ids := make([]threshold.Identity, len(txs))
	par.For(len(txs), func(j int) { ids[j] = txs[j].Envelope.Identity() })
	return ids
}

// eonKey parses an eon's public key, caching it: keys never change.
func (a *App) eonKey(g getter, id uint64) (*threshold.EonPublicKey, error) {
	if pk, ok := a.keys.eons.Load(id); ok {
		return pk.(*threshold.EonPublicKey), nil
	}
	e, ok, err := loadEon(g, id)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: unknown eon %d", ErrKeyRecord, id)
	}
	pk, err := threshold.ParseEonPublicKey(e.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: eon %d key: %v", ErrInternal, id, err)
	}
	a.keys.eons.Store(id, pk)
	return pk, nil
}

// EventKeys is emitted for each block whose decryption keys a block
// records, with the recorded height and the decrypted and failed counts.
const (
	EventKeys       = "veil.keys"
	AttrHeight      = "height"
	AttrDecrypted   = "decrypted"
	AttrFailed      = "failed"
	failedKeyRecord = "decryption key record not applied"
)

// applySystemTxs runs in FinalizeBlock after the block's envelopes: it
// stores this block's envelopes for later decryption and applies the
// decryption-key records, filling their results. It returns the firm
// plaintexts of the blocks the records opened.
//
// A payload that decrypts but does not open for its clear destination
// list (rollupfeed.OpenPlaintext: a malformed bundle, or legs naming
// other rollups) is marked TxDecryptFailed too: that is a pure function
// of the plaintext and the header, so every node decides it alike, and
// TxDecrypted then means the feed delivers the transaction's legs.
func (a *App) applySystemTxs(ex *blockExec, txs [][]byte, results []*abci.ExecTxResult) ([]FirmBlock, error) {
	var firm []FirmBlock
	if len(ex.included) > 0 {
		ex.o.set(keyU64(tagPendingEnv, uint64(ex.height)), encodePendingEnvelopes(ex.included))
	}
	for i, tx := range txs {
		if !IsSystemTx(tx) || tx[0] != SysTxDecryptionKeys {
			continue
		}
		rec, pending, err := a.checkKeyRecord(ex.o, tx)
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err != nil {
			// Accepted by ProcessProposal, so only a bug or a faulty
			// supermajority gets here: fail the record, change nothing.
			a.log.Error("invalid decryption keys in a decided block", "height", ex.height, "index", i, "err", err)
			results[i] = &abci.ExecTxResult{Code: CodeInternal, Codespace: Codespace, Log: failedKeyRecord}
			continue
		}
		out := a.openPending(rec.Keys, pending)
		fb := FirmBlock{Height: rec.Height, RecordedAt: ex.height, Txs: make([]FirmTx, len(pending))}
		var ok, failed int
		for j, p := range pending {
			r, found, err := loadTx(ex.o, p.Hash)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInternal, err)
			}
			if !found {
				return nil, fmt.Errorf("%w: pending tx %s has no record", ErrInternal, p.Hash)
			}
			ft := FirmTx{Hash: p.Hash, Index: p.Index, Rollups: p.Envelope.Rollups, Plaintext: out[j].Plaintext, Err: out[j].Err}
			if ft.Err == nil {
				_, ft.Err = rollupfeed.OpenPlaintext(ft.Rollups, ft.Plaintext)
			}
			if ft.Err == nil {
				r.Status = TxDecrypted
				ok++
			} else {
				r.Status = TxDecryptFailed
				failed++
			}
			fb.Txs[j] = ft
			ex.o.set(keyTx(p.Hash), r.encode())
		}
		firm = append(firm, fb)
		ex.o.del(keyU64(tagPending, uint64(rec.Height)))
		ex.o.del(keyU64(tagPendingEnv, uint64(rec.Height)))
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: []abci.Event{{Type: EventKeys, Attributes: []abci.EventAttribute{
			{Key: AttrHeight, Value: strconv.FormatInt(rec.Height, 10), Index: true},
			{Key: AttrDecrypted, Value: strconv.Itoa(ok)},
			{Key: AttrFailed, Value: strconv.Itoa(failed)},
		}}}}
	}
	return firm, nil
}
