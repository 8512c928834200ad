package ordering

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/veilseq/veil/internal/par"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// The time-lock escape hatch.
//
// A wallet may time-lock its envelope's content key (mempool.SealTimeLocked:
// the envelope's signed time-lock field holds a vdf.Puzzle). If the
// committee has not recorded the keys of a committed block H by block
// H+K (K = EscapeHatch.Blocks, a genesis parameter), a proposer may
// resolve H with one SysTxEscape transaction:
//
//	u8   0xF2
//	u64  height H of the block it resolves
//	u32  count n
//	n ×  u32 block index of a time-locked envelope of H (strictly increasing)
//	     ‖ y (vdf.ElementSize bytes) ‖ Wesolowski proof (vdf.ProofSize bytes)
//
// Rules (ProcessProposal, against the committed state): the chain has an
// escape hatch; H still awaits keys; the block holding the record is at
// height ≥ H+K; the indices are exactly those of H's envelopes whose
// time-lock parses as a puzzle (all of them, so a proposer cannot
// resolve a block while leaving out a solution it was handed, and the
// outcome of H is a function of H alone), and every solution's proof
// verifies (vdf.Open, in parallel). No 0xF1 record of the same proposal
// may name H. A proposal holds at most 4 records, and at most 512
// solutions unless it holds one record. A block with no time-locked
// envelope is resolved by a
// record with n = 0 once the delay has passed, so a committee that stays
// offline cannot hold the firm feed back for ever.
//
// FinalizeBlock opens each solved envelope with its recovered content key
// (threshold.DecryptContentKey) and marks it TxDecrypted or
// TxDecryptFailed (a puzzle whose key does not unwrap fails too); every
// envelope of H without a puzzle is marked TxUndecryptable. Fees stay
// charged. H's pending record is removed, so keys for H arriving later
// are rejected, and H's firm block (FirmBlock.Escaped) goes through the
// same batch-root and feed path as a keyed one.

// SysTxEscape tags an escape-hatch resolution of a withheld block.
const SysTxEscape byte = 0xF2

// tagEscapeHatch: → u64 K ‖ vdf.Params encoding, written at genesis when
// the chain has an escape hatch.
const tagEscapeHatch = 'z'

const (
	escapeRecordHeader = 1 + 8 + 4
	escapeSolutionSize = 4 + vdf.ElementSize + vdf.ProofSize
	// maxEscapeRecordsPerBlock bounds the blocks one proposal resolves.
	maxEscapeRecordsPerBlock = 4
	// maxEscapeScan is how many of the oldest pending blocks a proposer
	// considers, so blocks still being solved do not hold back younger
	// ones it can resolve.
	maxEscapeScan = 64
	// maxEscapeSolutions bounds the solutions of a proposal holding more
	// than one 0xF2 record (about 1 s of verification on one core), so
	// catching up after an outage does not stall ProcessProposal. A single
	// record may be larger: it must hold all of its block's solutions.
	maxEscapeSolutions = 512
)

var (
	// ErrEscapeRecord reports a malformed or invalid SysTxEscape
	// transaction.
	ErrEscapeRecord = errors.New("ordering: invalid escape-hatch record")
	// ErrUndecryptable is the FirmTx.Err of an envelope without a
	// time-lock in a block the escape hatch resolved: its keys were
	// withheld and nothing else can open it.
	ErrUndecryptable = errors.New("ordering: keys withheld past the escape-hatch delay and no time-lock")
)

// GenesisEscapeHatch turns on the escape hatch: Blocks is K, the delay
// after which a block whose keys are not recorded may be resolved from
// its time-locks; VDFParams is vdf.Params.Bytes() of the network's
// time-lock parameters (veil vdf params).
type GenesisEscapeHatch struct {
	Blocks    uint64        `json:"blocks"`
	VDFParams hexutil.Bytes `json:"vdf_params"`
}

// maxEscapeBlocks keeps H+K far from overflow.
const maxEscapeBlocks = 1 << 32

// Validate checks K and verifies the parameters' proof.
func (e *GenesisEscapeHatch) Validate() error {
	if e == nil {
		return nil
	}
	if e.Blocks == 0 || e.Blocks > maxEscapeBlocks {
		return fmt.Errorf("%w: escape_hatch.blocks must be 1..2^32", ErrGenesis)
	}
	if _, err := vdf.ParseParams(e.VDFParams); err != nil {
		return fmt.Errorf("%w: escape_hatch.vdf_params: %v", ErrGenesis, err)
	}
	return nil
}

func writeEscapeHatch(o *overlay, e *GenesisEscapeHatch) {
	if e == nil {
		return
	}
	o.set(keyTag(tagEscapeHatch), append(binary.BigEndian.AppendUint64(nil, e.Blocks), e.VDFParams...))
}

// EscapeHatch is a chain's escape-hatch configuration.
type EscapeHatch struct {
	// Blocks is K: a block H may be resolved from block H+K on.
	Blocks uint64
	// Params are the time-lock parameters wallets lock content keys
	// under.
	Params *vdf.Params
}

// escapeState is the App's part of the escape hatch.
type escapeState struct {
	source atomic.Pointer[EscapeSource]
	parsed sync.Map // string(stored record) → *EscapeHatch

	// verified remembers the proof checks of records, by SHA-256 of the
	// record: FinalizeBlock reuses ProcessProposal's (and a proposer its
	// PrepareProposal's) instead of running vdf.Open again. A record's
	// outcomes depend only on its bytes and the envelopes of the block it
	// names, which never change while that block is pending, and the
	// record is checked to name a pending block before the cache is read.
	mu       sync.Mutex
	verified map[[32]byte][]escapeOutcome
}

// maxVerifiedRecords bounds escapeState.verified; it is cleared when full.
const maxVerifiedRecords = 64

func (s *escapeState) lookup(k [32]byte) ([]escapeOutcome, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, ok := s.verified[k]
	return out, ok
}

func (s *escapeState) remember(k [32]byte, out []escapeOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verified == nil || len(s.verified) >= maxVerifiedRecords {
		s.verified = make(map[[32]byte][]escapeOutcome)
	}
	s.verified[k] = out
}

// escapeHatch returns the chain's escape hatch as g shows the state, nil
// when it has none. Parsing verifies the parameters' proof, so results
// are cached.
func (a *App) escapeHatch(g getter) (*EscapeHatch, error) {
	b, err := g.get(keyTag(tagEscapeHatch))
	if err != nil || b == nil {
		return nil, err
	}
	if h, ok := a.escape.parsed.Load(string(b)); ok {
		return h.(*EscapeHatch), nil
	}
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: escape hatch", errCorrupt)
	}
	p, err := vdf.ParseParams(b[8:])
	if err != nil {
		return nil, fmt.Errorf("%w: escape hatch: %v", errCorrupt, err)
	}
	h := &EscapeHatch{Blocks: binary.BigEndian.Uint64(b), Params: p}
	a.escape.parsed.Store(string(b), h)
	return h, nil
}

// EscapeHatch returns the chain's escape hatch, or nil when the chain
// has none. It reads the committed state.
func (a *App) EscapeHatch() (*EscapeHatch, error) {
	var h *EscapeHatch
	err := a.read(func(g getter, _ committed) error {
		var err error
		h, err = a.escapeHatch(g)
		return err
	})
	return h, err
}

// EscapeSolution is a solved time-lock of one envelope: y = x^(2^T) and
// its Wesolowski proof.
type EscapeSolution struct {
	// Index is the envelope's index in its block.
	Index uint32
	Y     *vdf.Element
	Proof *vdf.Proof
}

// EscapeRecord resolves one withheld block: the solutions of every
// time-locked envelope of it, in increasing index order.
type EscapeRecord struct {
	Height    int64
	Solutions []EscapeSolution
}

// Marshal encodes the record as a SysTxEscape transaction.
func (r EscapeRecord) Marshal() []byte {
	b := make([]byte, 0, escapeRecordHeader+escapeSolutionSize*len(r.Solutions))
	b = append(b, SysTxEscape)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Height))
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Solutions)))
	for _, s := range r.Solutions {
		b = binary.BigEndian.AppendUint32(b, s.Index)
		b = append(b, s.Y.Bytes()...)
		b = append(b, s.Proof.Bytes()...)
	}
	return b
}

// ParseEscapeRecord decodes a SysTxEscape transaction. It checks the
// structure, the index order and that each y and proof is a canonical
// group element, not that the solutions are right.
func ParseEscapeRecord(b []byte) (EscapeRecord, error) {
	h, n, rest, err := parseHeightRecord(b, SysTxEscape, ErrEscapeRecord)
	if err != nil {
		return EscapeRecord{}, err
	}
	if uint64(len(rest)) != uint64(n)*escapeSolutionSize {
		return EscapeRecord{}, fmt.Errorf("%w: %d solutions in %d bytes", ErrEscapeRecord, n, len(rest))
	}
	r := EscapeRecord{Height: h, Solutions: make([]EscapeSolution, n)}
	for j := range r.Solutions {
		s := rest[escapeSolutionSize*j : escapeSolutionSize*(j+1)]
		idx := binary.BigEndian.Uint32(s)
		if j > 0 && idx <= r.Solutions[j-1].Index {
			return EscapeRecord{}, fmt.Errorf("%w: indices must be strictly increasing", ErrEscapeRecord)
		}
		y, err := vdf.ParseElement(s[4 : 4+vdf.ElementSize])
		if err != nil {
			return EscapeRecord{}, fmt.Errorf("%w: solution %d: %v", ErrEscapeRecord, j, err)
		}
		proof, err := vdf.ParseProof(s[4+vdf.ElementSize:])
		if err != nil {
			return EscapeRecord{}, fmt.Errorf("%w: solution %d: %v", ErrEscapeRecord, j, err)
		}
		r.Solutions[j] = EscapeSolution{Index: idx, Y: y, Proof: proof}
	}
	return r, nil
}

// parseHeightRecord splits a system transaction of the form
// tag ‖ u64 height ‖ u32 count ‖ rest (0xF1, 0xF2), checking the tag and
// that the height is in 1..2^62; errors wrap kind.
func parseHeightRecord(b []byte, tag byte, kind error) (height int64, n uint32, rest []byte, err error) {
	if len(b) < escapeRecordHeader || b[0] != tag {
		return 0, 0, nil, fmt.Errorf("%w: %d bytes without the header", kind, len(b))
	}
	h := binary.BigEndian.Uint64(b[1:])
	if h == 0 || h > 1<<62 {
		return 0, 0, nil, fmt.Errorf("%w: height %d", kind, h)
	}
	return int64(h), binary.BigEndian.Uint32(b[9:]), b[escapeRecordHeader:], nil
}

// EscapeSource supplies solved time-locks of withheld blocks to this
// node's proposals. The decrypt package's Solver implements it.
type EscapeSource interface {
	// EscapeSolutions returns the solutions of every time-locked envelope
	// committed at height (PendingEnvelopes), once the node has them all.
	// The App verifies them before proposing them.
	EscapeSolutions(height int64) ([]EscapeSolution, bool)
}

// SetEscapeSource installs where this node's proposals take time-lock
// solutions from. Without one the node still resolves withheld blocks
// that hold no time-locked envelope, and verifies and applies other
// proposers' records.
func (a *App) SetEscapeSource(s EscapeSource) { a.escape.source.Store(&s) }

// TimeLocked returns the puzzle of a pending envelope, nil when it has
// none that parses (an envelope admitted before admission parsed
// time-locks may hold opaque bytes: it is treated as having none).
func TimeLocked(p PendingTx) *vdf.Puzzle {
	if len(p.Envelope.TimeLock) == 0 {
		return nil
	}
	pz, err := vdf.ParsePuzzle(p.Envelope.TimeLock)
	if err != nil {
		return nil
	}
	return pz
}

// escapeOutcome is what a verified record gives one pending envelope:
// its content key, or why it has none.
type escapeOutcome struct {
	key []byte
	err error
}

// checkEscapeRecord parses a record and verifies it against the block it
// names as g shows the state, for inclusion in a block at height.
func (a *App) checkEscapeRecord(g getter, tx []byte, height int64) (EscapeRecord, []PendingTx, []escapeOutcome, error) {
	hatch, err := a.escapeHatch(g)
	if err != nil {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if hatch == nil {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: this chain has no escape hatch", ErrEscapeRecord)
	}
	rec, err := ParseEscapeRecord(tx)
	if err != nil {
		return EscapeRecord{}, nil, nil, err
	}
	if uint64(rec.Height)+hatch.Blocks > uint64(height) {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: block %d may be resolved from height %d, this is %d", ErrEscapeRecord, rec.Height, uint64(rec.Height)+hatch.Blocks, height)
	}
	pending, err := loadPendingEnvelopes(g, rec.Height)
	if err != nil {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if len(pending) == 0 {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: block %d has no envelopes awaiting keys", ErrEscapeRecord, rec.Height)
	}
	out := make([]escapeOutcome, len(pending))
	type job struct {
		j  int
		pz *vdf.Puzzle
		s  EscapeSolution
	}
	var jobs []job
	next := 0
	for j, p := range pending {
		pz := TimeLocked(p)
		if pz == nil {
			out[j].err = ErrUndecryptable
			continue
		}
		if next >= len(rec.Solutions) || rec.Solutions[next].Index != p.Index {
			return EscapeRecord{}, nil, nil, fmt.Errorf("%w: block %d: no solution for the time-locked envelope at index %d", ErrEscapeRecord, rec.Height, p.Index)
		}
		jobs = append(jobs, job{j: j, pz: pz, s: rec.Solutions[next]})
		next++
	}
	if next != len(rec.Solutions) {
		return EscapeRecord{}, nil, nil, fmt.Errorf("%w: block %d: solution for index %d, which is not a time-locked envelope", ErrEscapeRecord, rec.Height, rec.Solutions[next].Index)
	}
	key := sha256.Sum256(tx)
	if cached, ok := a.escape.lookup(key); ok && len(cached) == len(out) {
		return rec, pending, cached, nil
	}
	bad := make([]error, len(jobs))
	par.For(len(jobs), func(k int) {
		jb := jobs[k]
		key, err := vdf.Open(hatch.Params, jb.pz, jb.s.Y, jb.s.Proof)
		switch {
		case err == nil:
			out[jb.j].key = key
		case errors.Is(err, vdf.ErrPuzzle):
			// The proof holds, so y is right: the wallet locked something
			// that does not unwrap. The envelope fails like a bad
			// ciphertext.
			out[jb.j].err = err
		default:
			bad[k] = fmt.Errorf("%w: block %d index %d: %v", ErrEscapeRecord, rec.Height, jb.s.Index, err)
		}
	})
	if err := errors.Join(bad...); err != nil {
		return EscapeRecord{}, nil, nil, err
	}
	a.escape.remember(key, out)
	return rec, pending, out, nil
}

// keyRecordHeights returns the heights the 0xF1 records among txs name.
func keyRecordHeights(txs [][]byte) map[int64]bool {
	hs := make(map[int64]bool)
	for _, tx := range txs {
		if len(tx) >= keyRecordHeader && tx[0] == SysTxDecryptionKeys {
			hs[int64(binary.BigEndian.Uint64(tx[1:]))] = true
		}
	}
	return hs
}

// checkEscapeTxs verifies a proposal's SysTxEscape records: each
// resolves a distinct block that no key record of the proposal names.
func (a *App) checkEscapeTxs(height int64, txs [][]byte) error {
	keyed := keyRecordHeights(txs)
	records, solutions := 0, 0
	for _, tx := range txs {
		if len(tx) >= escapeRecordHeader && tx[0] == SysTxEscape {
			records++
			solutions += int(binary.BigEndian.Uint32(tx[9:]))
		}
	}
	if records > maxEscapeRecordsPerBlock {
		return fmt.Errorf("%w: %d records, at most %d a proposal", ErrEscapeRecord, records, maxEscapeRecordsPerBlock)
	}
	if records > 1 && solutions > maxEscapeSolutions {
		return fmt.Errorf("%w: %d solutions in %d records, at most %d unless in one record", ErrEscapeRecord, solutions, records, maxEscapeSolutions)
	}
	o := newOverlay(dbGetter{a.db})
	for i, tx := range txs {
		if len(tx) == 0 || tx[0] != SysTxEscape {
			continue
		}
		rec, _, _, err := a.checkEscapeRecord(o, tx, height)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		if keyed[rec.Height] {
			return fmt.Errorf("tx %d: %w: block %d also has a key record in this proposal", i, ErrEscapeRecord, rec.Height)
		}
		o.del(keyU64(tagPending, uint64(rec.Height)))
		o.del(keyU64(tagPendingEnv, uint64(rec.Height)))
	}
	return nil
}

// appendEscapeRecords adds to a proposal at height the resolutions of the
// oldest withheld blocks past the delay: an empty record for a block
// without time-locked envelopes, the escape source's solutions for one
// with. Blocks the proposal already records keys for are skipped; a
// record that does not verify is left out and logged.
func (a *App) appendEscapeRecords(st committed, height int64, txs [][]byte, used *int64, maxBytes int64) ([][]byte, error) {
	g := dbGetter{a.db}
	hatch, err := a.escapeHatch(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if hatch == nil || uint64(height) <= hatch.Blocks {
		return txs, nil
	}
	a.mu.RLock()
	heights, err := a.pendingHeights(st, maxEscapeScan)
	a.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	keyed := keyRecordHeights(txs)
	var src EscapeSource
	if s := a.escape.source.Load(); s != nil {
		src = *s
	}
	added, solutions := 0, 0
	for _, h := range heights {
		if uint64(h)+hatch.Blocks > uint64(height) || added == maxEscapeRecordsPerBlock {
			break // pending heights are oldest first
		}
		if keyed[h] {
			continue
		}
		pending, err := loadPendingEnvelopes(g, h)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInternal, err)
		}
		rec := EscapeRecord{Height: h}
		if hasTimeLock(pending) {
			if src == nil {
				continue
			}
			sols, ok := src.EscapeSolutions(h)
			if !ok {
				continue // still solving
			}
			rec.Solutions = sols
		}
		if added > 0 && solutions+len(rec.Solutions) > maxEscapeSolutions {
			continue // a smaller record may still fit
		}
		b := rec.Marshal()
		size := protoTxSize(len(b))
		if *used+size > maxBytes {
			break
		}
		if _, _, _, err := a.checkEscapeRecord(g, b, height); err != nil {
			if errors.Is(err, ErrInternal) {
				return nil, err
			}
			a.log.Warn("not proposing an escape-hatch record", "height", h, "err", err)
			continue
		}
		txs = append(txs, b)
		*used += size
		added++
		solutions += len(rec.Solutions)
	}
	return txs, nil
}

func hasTimeLock(pending []PendingTx) bool {
	for _, p := range pending {
		if TimeLocked(p) != nil {
			return true
		}
	}
	return false
}

// EventEscape is emitted for each block an escape-hatch record resolves,
// with the resolved height and the decrypted, failed and undecryptable
// counts.
const (
	EventEscape        = "veil.escape"
	AttrUndecryptable  = "undecryptable"
	failedEscapeRecord = "escape-hatch record not applied"
)

// applyEscapeTxs runs in FinalizeBlock after applySystemTxs: it applies
// the block's SysTxEscape records, filling their results, and returns the
// firm blocks they resolve.
func (a *App) applyEscapeTxs(ex *blockExec, txs [][]byte, results []*abci.ExecTxResult) ([]FirmBlock, error) {
	var firm []FirmBlock
	for i, tx := range txs {
		if len(tx) == 0 || tx[0] != SysTxEscape {
			continue
		}
		rec, pending, outcomes, err := a.checkEscapeRecord(ex.o, tx, ex.height)
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err != nil {
			// Accepted by ProcessProposal, so only a bug or a faulty
			// supermajority gets here: fail the record, change nothing.
			a.log.Error("invalid escape-hatch record in a decided block", "height", ex.height, "index", i, "err", err)
			results[i] = &abci.ExecTxResult{Code: CodeInternal, Codespace: Codespace, Log: failedEscapeRecord}
			continue
		}
		fb := FirmBlock{Height: rec.Height, RecordedAt: ex.height, Escaped: true, Txs: make([]FirmTx, len(pending))}
		par.For(len(pending), func(j int) {
			p, oc := pending[j], outcomes[j]
			ft := FirmTx{Hash: p.Hash, Index: p.Index, Rollups: p.Envelope.Rollups, Err: oc.err}
			if oc.key != nil {
				ft.Plaintext, ft.Err = threshold.DecryptContentKey(oc.key, p.Envelope.Ciphertext, p.Envelope.Header())
			}
			if ft.Err == nil {
				_, ft.Err = rollupfeed.OpenPlaintext(ft.Rollups, ft.Plaintext)
			}
			fb.Txs[j] = ft
		})
		var ok, failed, undecryptable int
		for j, p := range pending {
			r, found, err := loadTx(ex.o, p.Hash)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInternal, err)
			}
			if !found {
				return nil, fmt.Errorf("%w: pending tx %s has no record", ErrInternal, p.Hash)
			}
			switch err := fb.Txs[j].Err; {
			case err == nil:
				r.Status = TxDecrypted
				ok++
			case errors.Is(err, ErrUndecryptable):
				r.Status = TxUndecryptable
				undecryptable++
			default:
				r.Status = TxDecryptFailed
				failed++
			}
			ex.o.set(keyTx(p.Hash), r.encode())
		}
		firm = append(firm, fb)
		ex.o.del(keyU64(tagPending, uint64(rec.Height)))
		ex.o.del(keyU64(tagPendingEnv, uint64(rec.Height)))
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: []abci.Event{{Type: EventEscape, Attributes: []abci.EventAttribute{
			{Key: AttrHeight, Value: strconv.FormatInt(rec.Height, 10), Index: true},
			{Key: AttrDecrypted, Value: strconv.Itoa(ok)},
			{Key: AttrFailed, Value: strconv.Itoa(failed)},
			{Key: AttrUndecryptable, Value: strconv.Itoa(undecryptable)},
		}}}}
	}
	return firm, nil
}
