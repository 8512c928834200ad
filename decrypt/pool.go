package decrypt

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/par"
	"github.com/veilseq/veil/threshold"
)

// Errors AddShares returns. They name what was wrong with a submission and
// never contain key material.
var (
	ErrUnknownEon    = errors.New("decrypt: unknown eon")
	ErrNotMember     = errors.New("decrypt: not a member of the eon's committee")
	ErrDuplicate     = errors.New("decrypt: member already submitted shares for this block")
	ErrUnknownBlock  = errors.New("decrypt: no committed envelopes of this eon at this height")
	ErrTooFarAhead   = errors.New("decrypt: height too far beyond the last committed block")
	ErrShareCount    = errors.New("decrypt: wrong number of shares for the block")
	ErrInvalidShares = errors.New("decrypt: key shares failed verification")
)

// EonKeys looks up eon public keys; ordering.App's eons through
// AppEonKeys, or a fixed map in tests.
type EonKeys interface {
	EonKey(eon uint64) (*threshold.EonPublicKey, error)
}

// PoolConfig configures a Pool.
type PoolConfig struct {
	// Eons resolves the eon a submission names. Required.
	Eons EonKeys
	// Rand draws the batch-verification weights; they must be
	// unpredictable to the keyholders. Default crypto/rand.Reader.
	Rand io.Reader
	// Committed reports the node's last committed height. The pool records
	// it when a block first becomes decryptable (BlockResult.AvailableAt),
	// so tests can check that no key exists before its block commits.
	// Default: the highest height added with AddBlock.
	Committed func() int64
	// MaxAhead bounds how far beyond the last added block shares are held
	// for a block the node has not seen commit yet (a keyholder following
	// a faster node). Default 16.
	MaxAhead int64
	// MaxShares bounds one submission. Default 100,000.
	MaxShares int
	// MaxEvidence bounds the evidence kept (the most recent); one
	// persistently faulty member adds one per block. Default 10,000.
	MaxEvidence int
	// Retain is how many heights below the newest added block the pool
	// keeps results for. Default 1,024.
	Retain int64
	// Logger receives misbehaviour evidence. Default discards.
	Logger *slog.Logger
	// Metrics, if set, counts each member's verified and failed shares
	// and the soft batches.
	Metrics *Metrics
	// Memo remembers ciphertext parses, share verifications,
	// aggregations and decryptions by their full inputs (threshold.Memo), so pools in one
	// process (a devnet's validators) do each once between them. Default
	// threshold.SharedMemo(); set NoMemo to compute everything here.
	Memo   *threshold.Memo
	NoMemo bool
}

func (c *PoolConfig) validate() error {
	if c.Eons == nil {
		return errors.New("decrypt: PoolConfig.Eons is required")
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.MaxAhead <= 0 {
		c.MaxAhead = 16
	}
	if c.MaxShares <= 0 {
		c.MaxShares = 100_000
	}
	if c.MaxEvidence <= 0 {
		c.MaxEvidence = 10_000
	}
	if c.Retain <= 0 {
		c.Retain = 1024
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.NoMemo {
		c.Memo = nil
	} else if c.Memo == nil {
		c.Memo = threshold.SharedMemo()
	}
	return nil
}

// Evidence is a member's submission that failed verification: proof of
// misbehaviour (or of a broken keyholder) to act on off-chain for now.
type Evidence struct {
	Eon    uint64
	Height int64
	Member int
	Reason string
}

// TxResult is the soft decryption of one envelope.
type TxResult struct {
	Hash      common.Hash
	Index     uint32
	Plaintext []byte
	// Err is non-nil when the payload did not open (threshold.ErrDecrypt,
	// or a malformed ciphertext); the transaction then fails when its
	// keys are recorded too.
	Err error

	key *threshold.DecryptionKey // the key it was opened with
}

// verifiedKey is an envelope's key aggregated from verified shares, with
// its encoding.
type verifiedKey struct {
	key *threshold.DecryptionKey
	enc []byte
}

// BlockResult is a block's soft batch: every envelope decrypted from key
// shares this node verified.
type BlockResult struct {
	Height int64
	// AvailableAt is the node's last committed height when the block
	// became decryptable here (t verified members). It is never below
	// Height: keyholders release only for committed blocks.
	AvailableAt int64
	Txs         []TxResult
}

// Stats counts the pool's work since it started.
type Stats struct {
	SoftBlocks   uint64 // blocks decrypted
	SoftTxs      uint64 // envelopes decrypted (opened or failed)
	Misbehaviour uint64 // submissions that failed verification
}

// Pool collects members' key shares for committed blocks, verifies each
// member's shares of a block in one batch, keeps the first t valid
// members per block and eon, aggregates their shares into decryption keys
// and decrypts the block (the soft batch). Its methods are safe for
// concurrent use.
//
// Contract: AddBlock is called with each committed block (in any order,
// at most once per height); shares may arrive before or after it.
type Pool struct {
	cfg PoolConfig

	mu     sync.Mutex
	top    int64 // highest height added
	blocks map[int64]*blockState
	byHash map[common.Hash]*TxResult
	// opening holds the envelopes whose keys are aggregated and whose
	// decryption is running, by hash.
	opening map[common.Hash]*group
	// verified holds the keys aggregated from verified shares, by
	// envelope hash (VerifiedKey).
	verified map[common.Hash]verifiedKey
	evidence []Evidence
	stats    Stats
}

type blockState struct {
	height int64
	known  bool // AddBlock ran
	txs    []Tx
	groups map[uint64]*group
	// early holds submissions that arrived before AddBlock.
	early []submission

	parsed chan struct{} // closed when cts is filled
	cts    []*threshold.Ciphertext
	ctErr  []error

	remaining int // groups not decrypted yet
	unkeyed   int // groups without aggregated keys yet
	// keyed is closed when every group has its keys (unkeyed reaches 0).
	keyed  chan struct{}
	result *BlockResult
	done   chan struct{} // closed with result
}

// group is one eon's envelopes within a block.
type group struct {
	eon       uint64
	pk        *threshold.EonPublicKey
	pos       []int
	ids       []threshold.Identity
	submitted map[int]bool
	valid     map[int][]*threshold.KeyShare
	started   bool // aggregation started
	keys      []*threshold.DecryptionKey
	// opened is closed when the group's envelopes are decrypted.
	opened chan struct{}
}

type submission struct {
	eon    uint64
	member int
	shares []*threshold.KeyShare
}

// NewPool returns an empty pool.
func NewPool(cfg PoolConfig) (*Pool, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Pool{cfg: cfg, blocks: make(map[int64]*blockState), byHash: make(map[common.Hash]*TxResult),
		opening: make(map[common.Hash]*group), verified: make(map[common.Hash]verifiedKey)}, nil
}

func (p *Pool) committed() int64 {
	if p.cfg.Committed != nil {
		return p.cfg.Committed()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.top
}

func (p *Pool) stateLocked(height int64) *blockState {
	b := p.blocks[height]
	if b == nil {
		b = &blockState{height: height, groups: make(map[uint64]*group), parsed: make(chan struct{}), done: make(chan struct{}), keyed: make(chan struct{})}
		p.blocks[height] = b
	}
	return b
}

// AddBlock tells the pool a block committed. The ciphertexts are parsed
// (U decompressed and subgroup-checked) in the background while shares are
// in flight, and shares that arrived early are verified.
func (p *Pool) AddBlock(blk Block) {
	if len(blk.Txs) == 0 {
		p.mu.Lock()
		p.top = max(p.top, blk.Height)
		p.mu.Unlock()
		return
	}
	groups := make(map[uint64]*group)
	for eon, pos := range byEon(blk.Txs) {
		pk, err := p.cfg.Eons.EonKey(eon)
		if err != nil {
			p.cfg.Logger.Error("decrypt: block names an eon without a key", "height", blk.Height, "eon", eon, "err", err)
			continue
		}
		groups[eon] = &group{eon: eon, pk: pk, pos: pos, ids: identities(blk.Txs, pos),
			submitted: make(map[int]bool), valid: make(map[int][]*threshold.KeyShare), opened: make(chan struct{})}
	}
	p.mu.Lock()
	b := p.stateLocked(blk.Height)
	if b.known {
		p.mu.Unlock()
		return
	}
	b.known, b.txs, b.groups, b.remaining, b.unkeyed = true, blk.Txs, groups, len(groups), len(groups)
	b.result = &BlockResult{Height: blk.Height, Txs: make([]TxResult, len(blk.Txs))}
	for i, tx := range blk.Txs {
		b.result.Txs[i] = TxResult{Hash: tx.Hash, Index: tx.Index}
	}
	early := b.early
	b.early = nil
	p.top = max(p.top, blk.Height)
	p.pruneLocked()
	p.mu.Unlock()

	go p.parse(b)
	for _, s := range early {
		go func() { _ = p.AddShares(s.eon, blk.Height, s.member, s.shares) }()
	}
}

func (p *Pool) parse(b *blockState) {
	cts := make([]*threshold.Ciphertext, len(b.txs))
	errs := make([]error, len(b.txs))
	par.For(len(b.txs), func(j int) { cts[j], errs[j] = p.cfg.Memo.ParseCiphertext(b.txs[j].Envelope.Ciphertext) })
	b.cts, b.ctErr = cts, errs
	close(b.parsed)
}

// pruneLocked forgets blocks more than Retain below top.
func (p *Pool) pruneLocked() {
	for h, b := range p.blocks {
		if h < p.top-p.cfg.Retain {
			for _, tx := range b.txs {
				delete(p.byHash, tx.Hash)
				delete(p.opening, tx.Hash)
				delete(p.verified, tx.Hash)
			}
			delete(p.blocks, h)
		}
	}
}

// AddShares submits member's key shares for the envelopes of eon committed
// at height, in block order. The caller has authenticated the member (the
// keyholder API checks its signature). Valid shares beyond the first t
// valid members are verified and dropped. A submission that fails verification
// is recorded as evidence and returns ErrInvalidShares; the member's
// later submissions for the block are duplicates.
func (p *Pool) AddShares(eon uint64, height int64, member int, shares []*threshold.KeyShare) error {
	pk, err := p.cfg.Eons.EonKey(eon)
	if err != nil {
		return fmt.Errorf("%w: %d", ErrUnknownEon, eon)
	}
	if member < 1 || member > pk.N() {
		return fmt.Errorf("%w: member %d of eon %d's %d", ErrNotMember, member, eon, pk.N())
	}
	if len(shares) > p.cfg.MaxShares {
		return fmt.Errorf("%w: %d shares, at most %d", ErrShareCount, len(shares), p.cfg.MaxShares)
	}
	for j, s := range shares {
		if s == nil {
			return fmt.Errorf("%w: share %d is missing", ErrInvalidShares, j)
		}
	}

	p.mu.Lock()
	b := p.blocks[height]
	if b == nil || !b.known {
		defer p.mu.Unlock()
		switch {
		case height > p.top+p.cfg.MaxAhead:
			return fmt.Errorf("%w: height %d, last seen %d", ErrTooFarAhead, height, p.top)
		case height <= p.top-p.cfg.Retain || (b == nil && height <= p.top):
			return fmt.Errorf("%w: height %d", ErrUnknownBlock, height)
		}
		b = p.stateLocked(height)
		for _, s := range b.early {
			if s.eon == eon && s.member == member {
				return fmt.Errorf("%w: height %d member %d", ErrDuplicate, height, member)
			}
		}
		b.early = append(b.early, submission{eon: eon, member: member, shares: shares})
		return nil
	}
	g := b.groups[eon]
	if g == nil {
		p.mu.Unlock()
		return fmt.Errorf("%w: height %d eon %d", ErrUnknownBlock, height, eon)
	}
	if g.submitted[member] {
		p.mu.Unlock()
		return fmt.Errorf("%w: height %d member %d", ErrDuplicate, height, member)
	}
	g.submitted[member] = true
	p.mu.Unlock()
	// A submission after the first t valid members is still verified
	// (two pairings), so a faulty member is detected whatever the arrival
	// order; it just no longer counts.

	if len(shares) != len(g.ids) {
		return p.misbehaved(eon, height, member, fmt.Errorf("%w: %d shares for %d envelopes", ErrShareCount, len(shares), len(g.ids)))
	}
	if err := p.cfg.Memo.VerifyKeyShares(p.cfg.Rand, g.pk, member, g.ids, shares); err != nil {
		return p.misbehaved(eon, height, member, fmt.Errorf("%w: %v", ErrInvalidShares, err))
	}

	p.cfg.Metrics.acceptedShares(member, len(shares))
	p.mu.Lock()
	if len(g.valid) >= g.pk.Threshold() {
		p.mu.Unlock()
		return nil
	}
	g.valid[member] = shares
	start := len(g.valid) == g.pk.Threshold() && !g.started
	if start {
		g.started = true
	}
	p.mu.Unlock()
	if start {
		p.decrypt(b, g)
	}
	return nil
}

func (p *Pool) misbehaved(eon uint64, height int64, member int, err error) error {
	ev := Evidence{Eon: eon, Height: height, Member: member, Reason: err.Error()}
	p.mu.Lock()
	p.evidence = append(p.evidence, ev)
	if n := len(p.evidence); n >= 2*p.cfg.MaxEvidence { // amortised: copy once per MaxEvidence
		p.evidence = append([]Evidence(nil), p.evidence[n-p.cfg.MaxEvidence:]...)
	}
	p.stats.Misbehaviour++
	p.mu.Unlock()
	p.cfg.Metrics.badSubmission(member)
	p.cfg.Logger.Warn("decrypt: invalid key shares", "eon", eon, "height", height, "member", member, "reason", ev.Reason)
	return err
}

// decrypt aggregates a group's verified shares and decrypts its envelopes.
func (p *Pool) decrypt(b *blockState, g *group) {
	at := p.committed()
	keys, err := p.cfg.Memo.AggregateKeys(g.pk, g.ids, g.valid)
	if err != nil {
		// Verified shares always aggregate; this is a bug.
		p.cfg.Logger.Error("decrypt: aggregation failed", "height", b.height, "eon", g.eon, "err", err)
		return
	}
	enc := make([][]byte, len(keys))
	for j, k := range keys {
		enc[j], _ = k.MarshalBinary() // never fails
	}
	// The keys can be proposed now; decryption follows. FinalizeBlock
	// waits for it (SoftResult) rather than decrypting the same envelopes
	// a second time.
	p.mu.Lock()
	g.keys = keys
	for j, pos := range g.pos {
		p.opening[b.txs[pos].Hash] = g
		p.verified[b.txs[pos].Hash] = verifiedKey{keys[j], enc[j]}
	}
	if b.unkeyed--; b.unkeyed == 0 {
		close(b.keyed)
	}
	p.mu.Unlock()
	<-b.parsed
	items := make([]threshold.DecryptItem, 0, len(g.pos))
	var idx []int
	for j, pos := range g.pos {
		if b.ctErr[pos] != nil {
			continue
		}
		items = append(items, threshold.DecryptItem{Key: keys[j], Parsed: b.cts[pos], Header: b.txs[pos].Envelope.Header()})
		idx = append(idx, pos)
	}
	out := p.cfg.Memo.DecryptBatch(items)

	p.mu.Lock()
	defer p.mu.Unlock()
	r := b.result
	for j, pos := range g.pos {
		r.Txs[pos].key = keys[j]
		if b.ctErr[pos] != nil {
			r.Txs[pos].Err = b.ctErr[pos]
		}
	}
	for k, pos := range idx {
		r.Txs[pos].Plaintext, r.Txs[pos].Err = out[k].Plaintext, out[k].Err
	}
	for _, pos := range g.pos {
		p.byHash[r.Txs[pos].Hash] = &r.Txs[pos]
		delete(p.opening, r.Txs[pos].Hash)
	}
	close(g.opened)
	r.AvailableAt = max(r.AvailableAt, at)
	p.stats.SoftTxs += uint64(len(g.pos))
	b.remaining--
	if b.remaining == 0 {
		p.stats.SoftBlocks++
		p.cfg.Metrics.softBlock(r.AvailableAt - b.height)
		close(b.done)
	}
}

// DecryptionKeys implements ordering.KeySource: the aggregated keys of a
// block's envelopes, in block order, once every eon in it has its keys
// (decryption may still be running).
func (p *Pool) DecryptionKeys(height int64) ([]*threshold.DecryptionKey, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blocks[height]
	if b == nil || !b.known || b.unkeyed > 0 {
		return nil, false
	}
	keys := make([]*threshold.DecryptionKey, len(b.txs))
	for _, g := range b.groups {
		for j, pos := range g.pos {
			keys[pos] = g.keys[j]
		}
	}
	for _, k := range keys {
		if k == nil {
			return nil, false // an eon without a key
		}
	}
	return keys, true
}

// Result returns a block's soft batch once it is decrypted.
func (p *Pool) Result(height int64) (*BlockResult, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blocks[height]
	if b == nil || !b.known || b.remaining > 0 {
		return nil, false
	}
	return b.result, true
}

// TxResult returns a transaction's soft decryption, if its block is
// decrypted here and still retained.
func (p *Pool) TxResult(hash common.Hash) (TxResult, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.byHash[hash]
	if r == nil {
		return TxResult{}, false
	}
	return *r, true
}

// SoftResult implements ordering.SoftResults: the soft decryption of the
// envelope with hash h, if it was opened here with a key equal to key. If
// the envelope's keys are aggregated and its decryption is running, it
// waits for it.
func (p *Pool) SoftResult(h common.Hash, key *threshold.DecryptionKey) (threshold.DecryptResult, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g := p.opening[h]; g != nil {
		p.mu.Unlock()
		<-g.opened // decrypt closes it unconditionally once keys are set
		p.mu.Lock()
	}
	r := p.byHash[h]
	if r == nil || r.key == nil || !r.key.Equal(key) {
		return threshold.DecryptResult{}, false
	}
	return threshold.DecryptResult{Plaintext: r.Plaintext, Err: r.Err}, true
}

// VerifiedKey implements ordering.VerifiedKeys: the decryption key this
// pool aggregated, from members' shares it verified against the identity
// of the envelope with hash h, and its encoding.
func (p *Pool) VerifiedKey(h common.Hash) (*threshold.DecryptionKey, []byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.verified[h]
	return k.key, k.enc, ok
}

// Wait blocks until the block at height is decrypted or ctx is done.
// Heights without envelopes never complete.
func (p *Pool) Wait(ctx context.Context, height int64) (*BlockResult, error) {
	p.mu.Lock()
	b := p.stateLocked(height)
	p.mu.Unlock()
	select {
	case <-b.done:
		return b.result, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Evidence returns the invalid submissions seen so far, oldest first: the
// most recent MaxEvidence.
func (p *Pool) Evidence() []Evidence {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Evidence(nil), p.evidence[max(0, len(p.evidence)-p.cfg.MaxEvidence):]...)
}

// Stats returns the pool's counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}
