package decrypt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/veilseq/veil/threshold"
)

// Feed is how a keyholder follows the chain. The in-process
// implementation is AppFeed; a remote keyholder would implement it over a
// node's API (and should then check each block against the CometBFT
// commit rather than trust the node).
type Feed interface {
	// LastCommitted returns the last committed height.
	LastCommitted(ctx context.Context) (int64, error)
	// Block returns the envelopes of a committed height that still await
	// keys (none once the keys are recorded). It must never return
	// envelopes of a height above LastCommitted.
	Block(ctx context.Context, height int64) (Block, error)
	// WaitCommit returns once a height above after has committed, or ctx
	// is done.
	WaitCommit(ctx context.Context, after int64) error
}

// Release is one keyholder's key shares for one block and eon, in block
// order.
type Release struct {
	Eon    uint64
	Height int64
	Member int
	Shares []*threshold.KeyShare
}

// Sink receives releases: a node's Pool in process (PoolSink), or a
// node's KeyholderService over the network (Client).
type Sink interface {
	SubmitKeyShares(ctx context.Context, r *Release) error
}

// PoolSink submits to a pool in the same process.
type PoolSink struct{ Pool *Pool }

var _ Sink = PoolSink{}

// SubmitKeyShares implements Sink.
func (s PoolSink) SubmitKeyShares(_ context.Context, r *Release) error {
	return s.Pool.AddShares(r.Eon, r.Height, r.Member, r.Shares)
}

// KeyholderConfig configures a Keyholder.
type KeyholderConfig struct {
	// Share is the member's secret key share of the eon. Required.
	Share *threshold.SecretKeyShare
	// Shares are the member's shares of further eons (around a
	// rotation: the outgoing and the next eon). AddShare adds one while
	// the keyholder runs.
	Shares []*threshold.SecretKeyShare
	// Feed follows committed blocks. Required.
	Feed Feed
	// Sinks receive every release. Required.
	Sinks []Sink
	// StateFile persists the last released height, so a restarted
	// keyholder resumes after it. Empty: in memory only.
	StateFile string
	// Start is the first height to consider when there is no state.
	// Default 1.
	Start int64
	// OnRelease, if set, is called after each release with the feed's
	// last committed height as read just before the release (tests use
	// it to check nothing is released early).
	OnRelease func(r Release, committed int64)
	// Logger default discards.
	Logger *slog.Logger
}

// Keyholder releases a member's key shares for committed blocks: for each
// committed height in order, its shares for every envelope of each eon it
// holds a share of in that block (a block around a rotation holds two
// eons' envelopes), sent to every sink. It never computes a share for a
// height its feed does not report committed.
type Keyholder struct {
	cfg KeyholderConfig

	mu       sync.Mutex
	released int64
	shares   map[uint64]*threshold.SecretKeyShare // by eon
}

// NewKeyholder loads the keyholder's progress.
func NewKeyholder(cfg KeyholderConfig) (*Keyholder, error) {
	if cfg.Share == nil || cfg.Feed == nil || len(cfg.Sinks) == 0 {
		return nil, errors.New("decrypt: KeyholderConfig needs Share, Feed and Sinks")
	}
	if cfg.Start < 1 {
		cfg.Start = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	k := &Keyholder{cfg: cfg, released: cfg.Start - 1, shares: map[uint64]*threshold.SecretKeyShare{cfg.Share.Eon(): cfg.Share}}
	for _, sk := range cfg.Shares {
		k.AddShare(sk)
	}
	if cfg.StateFile != "" {
		h, err := loadProgress(cfg.StateFile)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			k.released = max(h, k.released)
		}
	}
	return k, nil
}

// AddShare gives the keyholder its share of another eon (the next one,
// registered on chain): from the next height it releases for that eon's
// envelopes too. A share of an eon it holds replaces the old one.
func (k *Keyholder) AddShare(sk *threshold.SecretKeyShare) {
	if sk == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.shares[sk.Eon()] = sk
}

// DropShare forgets the keyholder's share of eon. Drop an outgoing
// eon's share only once no committed block with its envelopes still
// awaits keys (the chain's pending heights), or those blocks never
// open.
func (k *Keyholder) DropShare(eon uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.shares, eon)
}

// Eons returns the eons the keyholder holds shares of, in no order.
func (k *Keyholder) Eons() []uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	eons := make([]uint64, 0, len(k.shares))
	for e := range k.shares {
		eons = append(eons, e)
	}
	return eons
}

// Released returns the last height the keyholder has released (or
// skipped, having nothing to release).
func (k *Keyholder) Released() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.released
}

// Run releases committed blocks as they commit until ctx is done.
func (k *Keyholder) Run(ctx context.Context) error {
	for {
		if err := k.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			k.cfg.Logger.Warn("keyholder: sync failed", "err", err)
		}
		if err := k.cfg.Feed.WaitCommit(ctx, k.Released()); err != nil {
			return err
		}
	}
}

// Sync releases every committed height after the last released one and
// returns. Progress is saved after each height.
func (k *Keyholder) Sync(ctx context.Context) error {
	last, err := k.cfg.Feed.LastCommitted(ctx)
	if err != nil {
		return err
	}
	for h := k.Released() + 1; h <= last; h++ {
		if err := k.release(ctx, h, last); err != nil {
			return err
		}
		k.mu.Lock()
		k.released = h
		k.mu.Unlock()
		if k.cfg.StateFile != "" {
			if err := saveProgress(k.cfg.StateFile, h); err != nil {
				return err
			}
		}
	}
	return nil
}

func (k *Keyholder) release(ctx context.Context, h, committed int64) error {
	blk, err := k.cfg.Feed.Block(ctx, h)
	if err != nil {
		return fmt.Errorf("decrypt: block %d: %w", h, err)
	}
	for eon, pos := range byEon(blk.Txs) {
		k.mu.Lock()
		sk := k.shares[eon]
		k.mu.Unlock()
		if sk == nil {
			continue // another committee's eon
		}
		k.releaseEon(ctx, Release{Eon: eon, Height: h, Member: sk.Index(), Shares: sk.KeyShares(identities(blk.Txs, pos))}, committed)
	}
	return nil
}

// releaseEon sends one eon's release of a block to every sink.
func (k *Keyholder) releaseEon(ctx context.Context, r Release, committed int64) {
	h := r.Height
	// Sinks are independent nodes: one that is down or refuses must not
	// hold back the others, and a down node learns the keys from the
	// chain once they are recorded.
	var wg sync.WaitGroup
	for _, s := range k.cfg.Sinks {
		wg.Go(func() {
			if err := s.SubmitKeyShares(ctx, &r); err != nil && !errors.Is(err, ErrDuplicate) {
				k.cfg.Logger.Warn("keyholder: submit failed", "height", h, "err", err)
			}
		})
	}
	wg.Wait()
	if k.cfg.OnRelease != nil {
		k.cfg.OnRelease(r, committed)
	}
}

// loadProgress reads a progress file: the decimal last released height.
func loadProgress(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	h, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || h < 0 {
		return 0, fmt.Errorf("decrypt: progress file %s is corrupt", path)
	}
	return h, nil
}

// saveProgress replaces the progress file durably: write a temporary
// file, sync it, rename it over the old one, sync the directory.
func saveProgress(path string, h int64) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".progress-*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(strconv.FormatInt(h, 10) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("decrypt: save progress: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
