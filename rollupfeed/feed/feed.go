// Package feed runs the rollup feed on a node: it turns each committed
// height into a rollupfeed.Block, soft (from the node's own share pool,
// as soon as it has decrypted the height) and firm (from the plaintexts
// the application's FinalizeBlock computed when the keys were recorded),
// keeps the firm inputs in a database so that every height can be served
// again after a restart, and streams per-rollup batches to subscribers.
//
// Contract with the application: Feed.OnCommit is installed as the
// ordering.App's commit hook before the node starts
// (app.SetCommitHook(f.OnCommit)), so it sees every committed block, in
// height order, before the block's state is written. The feed stores
// inputs, not batches: rollupfeed.BuildBlock is a pure function, so a
// height's batches, proofs and root are recomputed identically on demand.
//
// Heights are delivered in order at each level. A height's firm batch is
// known once its keys are recorded in a block K (K is the height itself
// when it has no envelopes), and it is served at the firm level once it
// is proven: once K+1, whose header carries the app hash that commits to
// the batch root, is committed (proof.go). The firm tip is the highest
// height with every height up to it proven, one block later than the keys.
// The soft tip is never below the heights whose keys are recorded; above
// them, a height is soft when the share pool has decrypted it and every
// lower height is soft.
package feed

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
)

// Level is how final a batch is.
type Level int

const (
	// Soft: decrypted by this node from key shares it verified, before
	// the keys are on chain. The order is final (the block committed);
	// the plaintexts are the same as the firm ones would be.
	Soft Level = 1
	// Firm: the keys are recorded on chain, so the batch is a function
	// of chain data anyone can recompute.
	Firm Level = 2
)

func (l Level) String() string {
	switch l {
	case Soft:
		return "soft"
	case Firm:
		return "firm"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// MaxHeight bounds the heights the feed accepts in requests.
const MaxHeight = 1 << 62

// Errors.
var (
	// ErrHeight: a height below 1 or above MaxHeight.
	ErrHeight = errors.New("feed: height out of range")
	// ErrLevel: a level other than Soft and Firm.
	ErrLevel = errors.New("feed: unknown level")
	// ErrNotYet: the height is not available at the level yet.
	ErrNotYet = errors.New("feed: height not available yet")
	// ErrUnknownBundle: no committed transaction has the bundle id.
	ErrUnknownBundle = errors.New("feed: unknown bundle")
	// ErrUnknownRollup: the rollup is not registered. The error is an
	// *UnknownRollupError.
	ErrUnknownRollup = errors.New("feed: unknown rollup")
	// ErrSlow: a subscriber fell behind. The error is a *SlowError.
	ErrSlow = errors.New("feed: subscriber fell behind")
	// ErrClosed: the feed was closed.
	ErrClosed = errors.New("feed: closed")
	// ErrUnsubscribed is a subscription's Err after Close.
	ErrUnsubscribed = errors.New("feed: unsubscribed")
)

// UnknownRollupError names the registered rollups.
type UnknownRollupError struct {
	Rollup     uint64
	Registered []uint64
}

func (e *UnknownRollupError) Error() string {
	ids := make([]string, len(e.Registered))
	for i, r := range e.Registered {
		ids[i] = strconv.FormatUint(r, 10)
	}
	return fmt.Sprintf("feed: rollup %d is not registered (registered: %s)", e.Rollup, strings.Join(ids, ", "))
}

// Is makes errors.Is(err, ErrUnknownRollup) hold.
func (e *UnknownRollupError) Is(target error) bool { return target == ErrUnknownRollup }

// SlowError ends a subscription whose consumer let its buffer fill while
// the feed got more than MaxLag heights ahead. Every batch below Resume
// was delivered; subscribe again from Resume to go on without a gap.
type SlowError struct {
	Resume int64
}

func (e *SlowError) Error() string {
	return fmt.Sprintf("feed: subscriber fell behind; resume from height %d", e.Resume)
}

// Is makes errors.Is(err, ErrSlow) hold.
func (e *SlowError) Is(target error) bool { return target == ErrSlow }

// SoftSource gives the feed a node's soft decryptions. decrypt.Pool
// provides one through an adapter (internal/node).
type SoftSource interface {
	// Wait blocks until the envelopes committed at height are decrypted
	// or ctx ends. It returns one result per envelope, in block order.
	Wait(ctx context.Context, height int64) ([]SoftTx, error)
}

// SoftTx is one envelope's soft decryption.
type SoftTx struct {
	Hash      common.Hash
	Index     uint32
	Plaintext []byte
	Err       error // the payload did not decrypt
}

// Config configures a Feed.
type Config struct {
	// DB stores the firm inputs; the Feed does not close it.
	DB dbm.DB
	// ChainID is the network's chain id (it goes into batch messages).
	ChainID string
	// Soft, if set, provides soft batches; without it the soft level
	// follows the firm one.
	Soft SoftSource
	// Rollups, if set, lists the registered rollups: subscriptions to
	// others fail with an *UnknownRollupError.
	Rollups func() ([]uint64, error)
	// Buffer is each subscription's channel capacity, in batches
	// (default 64).
	Buffer int
	// MaxLag is how many heights behind the tip a subscriber with a full
	// buffer may fall before it is dropped with a *SlowError (default
	// 4096).
	MaxLag int64
	// Commits, if set, supplies the signed headers that firm batches
	// are served with (FirmEvidence). Without it firm batches come with
	// the firm proof but no header: for tests and embedded use only.
	Commits Commits
	// Cache is how many built blocks are kept in memory (default 128).
	Cache  int
	Logger *slog.Logger
}

func (c *Config) validate() error {
	if c.DB == nil {
		return errors.New("feed: Config.DB is required")
	}
	if _, err := rollupfeed.BatchMessage(c.ChainID, 1, common.Hash{}); err != nil {
		return fmt.Errorf("feed: chain id: %w", err)
	}
	if c.Buffer <= 0 {
		c.Buffer = 64
	}
	if c.MaxLag <= 0 {
		c.MaxLag = 4096
	}
	if c.Cache <= 0 {
		c.Cache = 128
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Store keys.
const (
	tagHeaders = 'h' // u64 height → header record
	tagFirm    = 'f' // u64 height → firm record
	tagBundle  = 'i' // [32] tx hash → u64 height
	tagMeta    = 'm' // → u64 committed ‖ u64 firm tip
	tagSig     = 's' // u64 height → signed root record (signature.go)
	tagSigned  = 'n' // → u64 signed tip
)

func keyHeight(tag byte, h int64) []byte {
	return binary.BigEndian.AppendUint64([]byte{tag}, uint64(h))
}

// Feed is a node's rollup feed. Its methods are safe for concurrent use.
type Feed struct {
	cfg Config
	db  dbm.DB
	log *slog.Logger

	mu        sync.Mutex
	committed int64
	firmTip   int64 // every height up to it has its firm record
	provenTip int64 // ≤ firmTip: and its recording block's successor committed
	softTip   int64
	signedTip int64 // every height up to it has the committee's signature or needs none
	// unsignedTo: heights up to it need no signature (escape.go).
	unsignedTo int64
	needSig    bool                        // firm deliveries wait for the signature
	soft       map[int64]*rollupfeed.Block // heights above the firm tip
	cache      map[int64]*rollupfeed.Block // firm blocks
	notify     chan struct{}               // closed when a tip moves
	closed     bool
	softSrc    SoftSource

	done chan struct{}
	wg   sync.WaitGroup
}

// New opens the feed over cfg.DB, resuming from what it stored, and
// starts following soft decryptions.
func New(cfg Config) (*Feed, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	f := &Feed{
		cfg: cfg, db: cfg.DB, log: cfg.Logger,
		soft: make(map[int64]*rollupfeed.Block), cache: make(map[int64]*rollupfeed.Block),
		notify: make(chan struct{}), done: make(chan struct{}),
	}
	m, err := f.db.Get([]byte{tagMeta})
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	if m != nil {
		if len(m) != 16 {
			return nil, fmt.Errorf("%w: meta", errCorrupt)
		}
		f.committed, f.firmTip = int64(binary.BigEndian.Uint64(m)), int64(binary.BigEndian.Uint64(m[8:]))
	}
	f.softTip = f.firmTip
	if f.provenTip, err = f.loadProvenTip(); err != nil {
		return nil, err
	}
	if f.signedTip, err = f.loadSignedTip(); err != nil {
		return nil, err
	}
	if f.unsignedTo, err = f.loadUnsignedTo(); err != nil {
		return nil, err
	}
	if cfg.Soft != nil {
		f.SetSoft(cfg.Soft)
	}
	return f, nil
}

// SetSoft installs the source of soft batches, when it is built after the
// feed (the node's decryption service starts after the node). Once set,
// it cannot be removed.
func (f *Feed) SetSoft(src SoftSource) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || src == nil {
		return
	}
	start := f.softSrc == nil
	f.softSrc = src
	if start {
		f.wg.Add(1)
		go f.followSoft()
	}
}

// Close stops the feed and ends every subscription with ErrClosed. It
// does not close the database.
func (f *Feed) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	close(f.done)
	f.mu.Unlock()
	f.wg.Wait()
}

// broadcast wakes everyone waiting for a tip; f.mu is held.
func (f *Feed) broadcast() {
	close(f.notify)
	f.notify = make(chan struct{})
}

// OnCommit records a committed block: its envelopes' headers, and the
// firm plaintexts of the blocks whose keys it recorded. It is an
// ordering.CommitHook: idempotent, and called before the application
// writes the block, so a crash at any point loses nothing.
func (f *Feed) OnCommit(b ordering.CommittedBlock) error {
	batch := f.db.NewBatch()
	defer batch.Close()
	headers := make([]rollupfeed.DecryptedTx, len(b.Txs))
	for i, tx := range b.Txs {
		headers[i] = rollupfeed.DecryptedTx{Hash: common.Hash(tx.Hash), Index: tx.Index, Rollups: tx.Envelope.Rollups}
		if err := batch.Set(append([]byte{tagBundle}, tx.Hash[:]...), binary.BigEndian.AppendUint64(nil, uint64(b.Height))); err != nil {
			return err
		}
	}
	if err := batch.Set(keyHeight(tagHeaders, b.Height), encodeRecord(headers)); err != nil {
		return err
	}
	firmTxs := make(map[int64][]rollupfeed.DecryptedTx)
	if len(b.Txs) == 0 {
		firmTxs[b.Height] = nil
	}
	for _, fb := range b.Firm {
		firmTxs[fb.Height] = fb.DecryptedTxs()
	}
	built, err := f.checkRoots(b, firmTxs)
	if err != nil {
		return err
	}
	firm := make(map[int64]bool)
	recorded := make(map[int64]int64)
	for h, txs := range firmTxs {
		firm[h], recorded[h] = true, b.Height
		if err := batch.Set(keyHeight(tagFirm, h), encodeRecord(txs)); err != nil {
			return err
		}
	}
	if err := writeProof(batch, b); err != nil {
		return err
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	tip := f.firmTip
	for {
		if firm[tip+1] {
			tip++
			continue
		}
		ok, err := f.db.Has(keyHeight(tagFirm, tip+1))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		tip++
	}
	committed := max(f.committed, b.Height)
	meta := binary.BigEndian.AppendUint64(nil, uint64(committed))
	meta = binary.BigEndian.AppendUint64(meta, uint64(tip))
	if err := batch.Set([]byte{tagMeta}, meta); err != nil {
		return err
	}
	proven, err := f.advanceProven(tip, committed, recorded)
	if err != nil {
		return err
	}
	if err := batch.Set([]byte{tagProven}, binary.BigEndian.AppendUint64(nil, uint64(proven))); err != nil {
		return err
	}
	unsignedTo, signed := f.unsignedTo, f.signedTip
	if escapedBlock(b) && tip > unsignedTo {
		unsignedTo = tip
		if err := batch.Set([]byte{tagUnsigned}, binary.BigEndian.AppendUint64(nil, uint64(tip))); err != nil {
			return err
		}
		if signed, err = f.advanceSigned(batch, signed, unsignedTo, 0); err != nil {
			return err
		}
	}
	if err := batch.WriteSync(); err != nil {
		return fmt.Errorf("feed: height %d: %w", b.Height, err)
	}
	f.committed, f.firmTip, f.provenTip = committed, tip, proven
	f.unsignedTo, f.signedTip = unsignedTo, signed
	for h, blk := range built {
		if len(f.cache) >= f.cfg.Cache {
			clear(f.cache)
		}
		f.cache[h] = blk
	}
	if f.softTip < tip {
		f.softTip = tip
	}
	for h := range f.soft {
		if h <= tip {
			delete(f.soft, h)
		}
	}
	f.broadcast()
	return nil
}

// Tip returns the highest height available at level (0 before any).
func (f *Feed) Tip(level Level) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tipLocked(level)
}

func (f *Feed) tipLocked(level Level) int64 {
	if level == Soft {
		return f.softTip
	}
	if f.needSig {
		return min(f.signedTip, f.provenTip)
	}
	return f.provenTip
}

// Committed returns the last committed height the feed has seen.
func (f *Feed) Committed() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.committed
}

func checkRequest(level Level, height int64) error {
	if level != Soft && level != Firm {
		return fmt.Errorf("%w: %d", ErrLevel, level)
	}
	if height < 1 || height > MaxHeight {
		return fmt.Errorf("%w: %d, must be 1..%d", ErrHeight, height, int64(MaxHeight))
	}
	return nil
}

// Block returns the block at height at level: ErrNotYet above the
// level's tip. A soft request for a firm height returns the firm block
// (the same plaintexts).
func (f *Feed) Block(level Level, height int64) (*rollupfeed.Block, error) {
	if err := checkRequest(level, height); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if height > f.tipLocked(level) {
		tip := f.tipLocked(level)
		f.mu.Unlock()
		return nil, fmt.Errorf("%w: height %d, %s tip %d", ErrNotYet, height, level, tip)
	}
	if height > f.firmTip {
		b := f.soft[height]
		f.mu.Unlock()
		return b, nil
	}
	f.mu.Unlock()
	return f.firmBlock(height)
}

// firmBlock builds (or finds in the cache) the block of a firm height.
func (f *Feed) firmBlock(height int64) (*rollupfeed.Block, error) {
	f.mu.Lock()
	if b := f.cache[height]; b != nil {
		f.mu.Unlock()
		return b, nil
	}
	f.mu.Unlock()
	raw, err := f.db.Get(keyHeight(tagFirm, height))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: no firm record at %d", errCorrupt, height)
	}
	txs, err := decodeRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("height %d: %w", height, err)
	}
	b, err := rollupfeed.BuildBlock(height, f.cfg.ChainID, txs)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if len(f.cache) >= f.cfg.Cache {
		clear(f.cache)
	}
	f.cache[height] = b
	f.mu.Unlock()
	return b, nil
}

// Batch returns rollup's batch at height at level, with the block's batch
// root.
func (f *Feed) Batch(level Level, rollup uint64, height int64) (*rollupfeed.Batch, common.Hash, error) {
	if err := f.checkRollup(rollup); err != nil {
		return nil, common.Hash{}, err
	}
	b, err := f.Block(level, height)
	if err != nil {
		return nil, common.Hash{}, err
	}
	return b.Batch(rollup), b.Root, nil
}

// BundleInfo is every leg of one transaction with its proofs.
type BundleInfo struct {
	Level  Level
	Height int64
	Root   common.Hash
	// Legs are in rollup order; none when the transaction failed.
	Legs []rollupfeed.ProvenLeg
	// Failed is set when the transaction delivered nothing.
	Failed error
}

// Bundle returns the legs of the transaction id at the best level
// available: ErrUnknownBundle if no committed block holds it, ErrNotYet
// if its height is not decrypted yet.
func (f *Feed) Bundle(id common.Hash) (*BundleInfo, error) {
	raw, err := f.db.Get(append([]byte{tagBundle}, id[:]...))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	if len(raw) != 8 {
		return nil, fmt.Errorf("%w: %s", ErrUnknownBundle, id)
	}
	h := int64(binary.BigEndian.Uint64(raw))
	level := Firm
	if h > f.Tip(Firm) {
		level = Soft
	}
	b, err := f.Block(level, h)
	if err != nil {
		return nil, err
	}
	legs, ok := b.Bundle(id)
	if !ok {
		return nil, fmt.Errorf("%w: %s not in block %d", errCorrupt, id, h)
	}
	info := &BundleInfo{Level: level, Height: h, Root: b.Root, Legs: legs}
	for _, ft := range b.Failed {
		if ft.Hash == id {
			info.Failed = ft.Err
		}
	}
	return info, nil
}

func (f *Feed) checkRollup(rollup uint64) error {
	if f.cfg.Rollups == nil {
		return nil
	}
	ids, err := f.cfg.Rollups()
	if err != nil {
		return fmt.Errorf("feed: rollups: %w", err)
	}
	if !slices.Contains(ids, rollup) {
		slices.Sort(ids)
		return &UnknownRollupError{Rollup: rollup, Registered: ids}
	}
	return nil
}

// followSoft advances the soft tip as the share pool decrypts heights.
func (f *Feed) followSoft() {
	defer f.wg.Done()
	for {
		f.mu.Lock()
		h, committed, wake := f.softTip+1, f.committed, f.notify
		f.mu.Unlock()
		if h > committed {
			select {
			case <-wake:
				continue
			case <-f.done:
				return
			}
		}
		blk, err := f.softBlock(h)
		if err != nil {
			select {
			case <-f.done:
				return
			default:
			}
			if !errors.Is(err, context.Canceled) {
				f.log.Warn("feed: soft block", "height", h, "err", err)
				select { // wait for the firm block
				case <-wake:
				case <-f.done:
					return
				}
			}
			continue
		}
		f.mu.Lock()
		if f.softTip == h-1 {
			f.soft[h] = blk
			f.softTip = h
			f.broadcast()
		}
		f.mu.Unlock()
	}
}

// softBlock waits for the pool's decryption of h, giving up when h turns
// firm or the feed closes.
func (f *Feed) softBlock(h int64) (*rollupfeed.Block, error) {
	raw, err := f.db.Get(keyHeight(tagHeaders, h))
	if err != nil || raw == nil {
		return nil, fmt.Errorf("headers at %d: %v", h, err)
	}
	headers, err := decodeRecord(raw)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for {
			f.mu.Lock()
			firm, wake := f.firmTip >= h, f.notify
			f.mu.Unlock()
			if firm {
				cancel()
				return
			}
			select {
			case <-wake:
			case <-f.done:
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	f.mu.Lock()
	src := f.softSrc
	f.mu.Unlock()
	res, err := src.Wait(ctx, h)
	if err != nil {
		return nil, err
	}
	if len(res) != len(headers) {
		return nil, fmt.Errorf("soft result of %d txs for %d envelopes", len(res), len(headers))
	}
	for i := range headers {
		if res[i].Hash != headers[i].Hash || res[i].Index != headers[i].Index {
			return nil, fmt.Errorf("soft result %d is for another envelope", i)
		}
		headers[i].Plaintext, headers[i].Err = res[i].Plaintext, res[i].Err
		if headers[i].Err == nil && headers[i].Plaintext == nil {
			headers[i].Plaintext = []byte{}
		}
	}
	return rollupfeed.BuildBlock(h, f.cfg.ChainID, headers)
}
