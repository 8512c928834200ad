// Package sequencer connects a running validator — its ABCI application
// and CometBFT's mempool and block store — to the wallet API: it is the
// api/server.Backend of a veil node.
package sequencer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	cmtmempool "github.com/cometbft/cometbft/mempool"
	"github.com/cometbft/cometbft/store"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

// Config names the parts of a running validator the backend serves from.
type Config struct {
	App        *ordering.App
	Mempool    cmtmempool.Mempool
	BlockStore *store.BlockStore
	Logger     *slog.Logger
	// MaxTracked bounds how many submitted-but-not-included transactions
	// the backend remembers for status queries. Default 100,000.
	MaxTracked int
	// Soft, if set, reports transactions this node decrypted from
	// verified key shares before their keys are recorded (the node's
	// decrypt.Pool).
	Soft SoftResults
	// JournalDir, if set, is where the backend journals the envelopes it
	// admits until they are included (JournalFile; the node's data
	// directory): a node restarted before gossiping them submits them
	// again. Empty: no journal.
	JournalDir string
	// MaxJournalBytes bounds the journal; envelopes admitted beyond it
	// are not journaled (and logged once). Default 64 MiB.
	MaxJournalBytes int64
}

// SoftResults reports soft decryptions.
type SoftResults interface {
	TxResult(hash common.Hash) (decrypt.TxResult, bool)
}

func (c *Config) validate() error {
	if c.App == nil || c.Mempool == nil || c.BlockStore == nil {
		return errors.New("sequencer: Config needs App, Mempool and BlockStore")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxTracked <= 0 {
		c.MaxTracked = 100_000
	}
	if c.MaxJournalBytes <= 0 {
		c.MaxJournalBytes = 64 << 20
	}
	return nil
}

// Backend implements server.Backend over a validator.
type Backend struct {
	cfg Config
	sub *ordering.Subscription

	mu       sync.Mutex
	tracked  map[common.Hash]tracked
	order    []common.Hash // insertion order, for bounding tracked
	watchers map[common.Hash]map[chan struct{}]struct{}
	eonCache map[uint64]*threshold.EonPublicKey
	journal  *journal // nil without Config.JournalDir

	done chan struct{}
	wg   sync.WaitGroup
}

// tracked is what the node remembers of an envelope submitted through it
// until it is included.
type tracked struct {
	expiry uint64
	env    []byte // as submitted, when journaled
}

var _ server.Backend = (*Backend)(nil)

// New returns a backend that follows the app's commits until Close.
func New(cfg Config) (*Backend, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b := &Backend{
		cfg:      cfg,
		sub:      cfg.App.Subscribe(256),
		tracked:  make(map[common.Hash]tracked),
		watchers: make(map[common.Hash]map[chan struct{}]struct{}),
		eonCache: make(map[uint64]*threshold.EonPublicKey),
		done:     make(chan struct{}),
	}
	if cfg.JournalDir != "" {
		if err := b.restore(); err != nil {
			b.sub.Close()
			return nil, err
		}
	}
	b.wg.Add(1)
	go b.follow()
	return b, nil
}

// Close stops following commits. Watches in progress end.
func (b *Backend) Close() {
	select {
	case <-b.done:
		return
	default:
	}
	close(b.done)
	b.sub.Close()
	b.wg.Wait()
	if b.journal != nil {
		if err := b.journal.close(); err != nil {
			b.cfg.Logger.Error("closing the envelope journal", "err", err)
		}
	}
}

// follow forgets included envelopes and wakes every watcher after each
// commit: a commit can include, expire or invalidate any pending envelope,
// and watchers re-read the status anyway.
func (b *Backend) follow() {
	defer b.wg.Done()
	sub := b.sub
	for {
		select {
		case <-b.done:
			return
		case blk, ok := <-sub.C():
			if !ok {
				if errors.Is(sub.Err(), ordering.ErrSlowSubscriber) {
					// Statuses come from committed state, so missing
					// blocks loses nothing: resubscribe and wake everyone.
					b.cfg.Logger.Warn("commit follower fell behind; resubscribing")
					sub = b.cfg.App.Subscribe(256)
					b.mu.Lock()
					b.sub = sub
					b.mu.Unlock()
					b.wakeAll()
					continue
				}
				return
			}
			b.mu.Lock()
			for _, tx := range blk.Txs {
				delete(b.tracked, common.Hash(tx.Hash))
			}
			b.mu.Unlock()
			b.compactJournal(blk.Height)
			b.wakeAll()
		}
	}
}

func (b *Backend) wakeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, set := range b.watchers {
		for c := range set {
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
}

func (b *Backend) wake(h common.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.watchers[h] {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Params implements server.Backend.
func (b *Backend) Params(context.Context) (api.Params, error) {
	app := b.cfg.App
	eon, err := app.CurrentEon()
	if err != nil {
		return api.Params{}, b.internal("current eon", err)
	}
	pk, err := b.eonKey(eon)
	if err != nil {
		return api.Params{}, err
	}
	params, err := app.Params()
	if err != nil {
		return api.Params{}, b.internal("params", err)
	}
	rollups, err := app.Rollups()
	if err != nil {
		return api.Params{}, b.internal("rollups", err)
	}
	height, _ := app.LastCommit()
	p := api.Params{
		ChainID:         app.ChainID(),
		EnvelopeVersion: mempool.Version,
		Eon: api.Eon{
			ID:               eon.ID,
			PublicKey:        eon.PublicKey,
			Threshold:        pk.Threshold(),
			CommitteeSize:    pk.N(),
			ActivationHeight: uint64(max(eon.ActivationHeight, 0)),
		},
		MinFee:             params.MinFee,
		MaxEnvelopeBytes:   mempool.MaxEnvelopeSize,
		MaxCiphertextBytes: mempool.MaxCiphertextSize,
		LatestHeight:       uint64(height),
		MaxExpiryBlocks:    params.ExpiryWindow,
	}
	hatch, err := app.EscapeHatch()
	if err != nil {
		return api.Params{}, b.internal("escape hatch", err)
	}
	if hatch != nil {
		p.EscapeHatchBlocks, p.TimeLockParams = hatch.Blocks, hatch.Params.Bytes()
	}
	for _, r := range rollups {
		p.Rollups = append(p.Rollups, api.Rollup{ID: r.ID, Name: r.Name})
	}
	next, ok, err := app.NextEon()
	if err != nil {
		return api.Params{}, b.internal("next eon", err)
	}
	if ok {
		npk, err := b.eonKey(next)
		if err != nil {
			return api.Params{}, err
		}
		p.NextEon = &api.Eon{
			ID: next.ID, PublicKey: next.PublicKey, Threshold: npk.Threshold(), CommitteeSize: npk.N(),
			ActivationHeight: uint64(max(next.ActivationHeight, 0)),
		}
	}
	return p, nil
}

func (b *Backend) eonKey(eon ordering.Eon) (*threshold.EonPublicKey, error) {
	b.mu.Lock()
	pk := b.eonCache[eon.ID]
	b.mu.Unlock()
	if pk != nil {
		return pk, nil
	}
	pk, err := threshold.ParseEonPublicKey(eon.PublicKey)
	if err != nil {
		return nil, b.internal(fmt.Sprintf("eon %d key", eon.ID), err)
	}
	b.mu.Lock()
	b.eonCache[eon.ID] = pk
	b.mu.Unlock()
	return pk, nil
}

// Account implements server.Backend.
func (b *Backend) Account(_ context.Context, addr common.Address) (api.Account, error) {
	a, err := b.cfg.App.Account(addr)
	if err != nil {
		return api.Account{}, b.internal("account", err)
	}
	return api.Account{
		Address:      addr,
		Balance:      a.Balance,
		Nonce:        a.Nonce,
		PendingNonce: b.cfg.App.PendingNonce(addr, a.Nonce),
	}, nil
}

// Submit implements server.Backend: the envelope enters CometBFT's
// mempool, which runs the application's admission (CheckTx) and gossips
// it to the other validators.
func (b *Backend) Submit(_ context.Context, envelope []byte) (common.Hash, error) {
	return b.submit(envelope, true)
}

// submit admits envelope to the mempool and tracks it; with a journal, it
// appends the envelope to it if journal is set.
func (b *Backend) submit(envelope []byte, journal bool) (common.Hash, error) {
	env, err := mempool.Decode(envelope)
	if err != nil {
		return common.Hash{}, err
	}
	hash := crypto.Keccak256Hash(envelope)
	rr, err := b.cfg.Mempool.CheckTx(envelope, "")
	if err != nil {
		return common.Hash{}, cometError(err)
	}
	rr.Wait()
	res := rr.Response.GetCheckTx()
	if res == nil {
		return common.Hash{}, b.internal("check tx", errors.New("no CheckTx response"))
	}
	if err := ordering.ResultError(res.Code, res.Codespace, res.Log); err != nil {
		return common.Hash{}, err
	}
	t := tracked{expiry: env.Expiry}
	if b.journal != nil {
		t.env = b.journalEnvelope(envelope, journal)
	}
	b.mu.Lock()
	if _, ok := b.tracked[hash]; !ok {
		b.tracked[hash] = t
		b.order = append(b.order, hash)
		b.trimLocked()
	}
	b.mu.Unlock()
	b.wake(hash)
	return hash, nil
}

// trimLocked bounds the tracked set, forgetting the oldest submissions.
func (b *Backend) trimLocked() {
	for len(b.order) > b.cfg.MaxTracked {
		delete(b.tracked, b.order[0])
		b.order = b.order[1:]
	}
	if cap(b.order) > 4*b.cfg.MaxTracked { // let the array shrink
		b.order = append([]common.Hash(nil), b.order...)
	}
}

// cometError maps CometBFT's own mempool refusals to admission errors.
func cometError(err error) error {
	var tooLarge cmtmempool.ErrTxTooLarge
	var full cmtmempool.ErrMempoolIsFull
	switch {
	case errors.Is(err, cmtmempool.ErrTxInCache):
		return fmt.Errorf("%w: this envelope was already submitted", mempool.ErrDuplicate)
	case errors.As(err, &full):
		return fmt.Errorf("%w: the node's mempool is full; retry later or raise the fee", mempool.ErrPoolFull)
	case errors.As(err, &tooLarge):
		return fmt.Errorf("%w: %v", mempool.ErrTooLarge, err)
	}
	return fmt.Errorf("sequencer: mempool: %w", err)
}

// TxStatus implements server.Backend.
func (b *Backend) TxStatus(_ context.Context, hash common.Hash) (api.TxStatus, error) {
	height, _ := b.cfg.App.LastCommit()
	st := api.TxStatus{Hash: hash, ObservedHeight: uint64(height)}
	rec, err := b.cfg.App.Tx(hash)
	switch {
	case err == nil:
		st.Height, st.Index = uint64(rec.Height), rec.Index
		switch rec.Status {
		case ordering.TxDecrypted:
			st.State, st.Level = api.TxDecrypted, api.LevelFirm
		case ordering.TxDecryptFailed:
			st.State, st.Reason = api.TxFailed, "the payload did not decrypt or decode; the fee was charged"
		case ordering.TxUndecryptable:
			st.State, st.Reason = api.TxFailed, "the committee withheld the block's keys past the escape-hatch delay and the envelope had no time-lock; the fee was charged"
		default:
			st.State, st.Level = api.TxIncluded, api.LevelPending
			if b.cfg.Soft != nil {
				// A soft failure stays pending: TxFailed is final, and
				// only the recorded keys make it so.
				if r, ok := b.cfg.Soft.TxResult(hash); ok && r.Err == nil {
					st.State, st.Level = api.TxDecrypted, api.LevelSoft
				}
			}
		}
		return st, nil
	case !errors.Is(err, ordering.ErrNotFound):
		return api.TxStatus{}, b.internal("tx", err)
	}
	if b.cfg.App.Pending(hash) {
		st.State = api.TxPending
		return st, nil
	}
	b.mu.Lock()
	t, ok := b.tracked[hash]
	b.mu.Unlock()
	switch {
	case !ok:
		return api.TxStatus{}, fmt.Errorf("%w: transaction %s", api.ErrNotFound, hash)
	case t.expiry <= uint64(height):
		st.State, st.Reason = api.TxExpired, fmt.Sprintf("expiry height %d passed before inclusion", t.expiry)
	default:
		st.State, st.Reason = api.TxRejected, "dropped from the mempool: replaced or outbid, or invalidated by a committed block (check the account's nonce and balance)"
	}
	return st, nil
}

// WatchTx implements server.Backend.
func (b *Backend) WatchTx(ctx context.Context, hash common.Hash) (<-chan struct{}, error) {
	c := make(chan struct{}, 1)
	b.mu.Lock()
	if b.watchers[hash] == nil {
		b.watchers[hash] = make(map[chan struct{}]struct{})
	}
	b.watchers[hash][c] = struct{}{}
	b.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-b.done:
		}
		b.mu.Lock()
		delete(b.watchers[hash], c)
		if len(b.watchers[hash]) == 0 {
			delete(b.watchers, hash)
		}
		b.mu.Unlock()
		close(c)
	}()
	return c, nil
}

// Block implements server.Backend.
func (b *Backend) Block(_ context.Context, height uint64) (api.Block, error) {
	app := b.cfg.App
	if height == 0 {
		h, _ := app.LastCommit()
		height = uint64(h)
	}
	sum, err := app.Block(int64(height))
	if errors.Is(err, ordering.ErrNotFound) {
		return api.Block{}, fmt.Errorf("%w: block %d", api.ErrNotFound, height)
	}
	if err != nil {
		return api.Block{}, b.internal("block", err)
	}
	blk, _ := b.cfg.BlockStore.LoadBlock(int64(height))
	if blk == nil {
		return api.Block{}, fmt.Errorf("%w: block %d is pruned from this node's block store", api.ErrNotFound, height)
	}
	out := api.Block{
		Height:     height,
		Hash:       common.BytesToHash(blk.Hash()),
		Time:       sum.Time,
		Proposer:   sum.Proposer,
		Decryption: api.LevelPending,
	}
	included := make(map[common.Hash]bool, len(sum.Txs))
	for _, h := range sum.Txs {
		included[h] = true
	}
	firm := len(sum.Txs) > 0
	for _, raw := range blk.Txs {
		h := crypto.Keccak256Hash(raw)
		if !included[h] {
			continue // a proposal tx, not an envelope
		}
		env, err := mempool.Decode(raw)
		if err != nil {
			return api.Block{}, b.internal("block envelope", err)
		}
		tx := api.BlockTx{
			Hash: h, Sender: env.Sender, Nonce: env.Nonce, Fee: env.Fee,
			Eon: env.Eon, Rollups: env.Rollups, Size: len(raw), State: api.TxIncluded,
		}
		if rec, err := app.Tx(h); err == nil {
			switch rec.Status {
			case ordering.TxDecrypted:
				tx.State = api.TxDecrypted
			case ordering.TxDecryptFailed, ordering.TxUndecryptable:
				tx.State = api.TxFailed
			default:
				firm = false
			}
		}
		out.Txs = append(out.Txs, tx)
	}
	if firm {
		out.Decryption = api.LevelFirm
	}
	return out, nil
}

// internal logs a node-side failure and returns an error that says so
// without echoing internals to the client.
func (b *Backend) internal(what string, err error) error {
	b.cfg.Logger.Error("backend failure", "what", what, "err", err)
	return fmt.Errorf("sequencer: %s: %w", what, err)
}
