package decrypt

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

// AppEonKeys resolves eon public keys from an application's state.
type AppEonKeys struct {
	App   *ordering.App
	cache sync.Map // eon → *threshold.EonPublicKey
}

var _ EonKeys = (*AppEonKeys)(nil)

// EonKey implements EonKeys.
func (k *AppEonKeys) EonKey(eon uint64) (*threshold.EonPublicKey, error) {
	if pk, ok := k.cache.Load(eon); ok {
		return pk.(*threshold.EonPublicKey), nil
	}
	e, err := k.App.Eon(eon)
	if err != nil {
		return nil, err
	}
	pk, err := threshold.ParseEonPublicKey(e.PublicKey)
	if err != nil {
		return nil, err
	}
	k.cache.Store(eon, pk)
	return pk, nil
}

// AppFeed is a Feed over an application in the same process: the
// committed state is the source of truth, so it reports only what Commit
// has made durable.
type AppFeed struct {
	app *ordering.App

	mu  sync.Mutex
	sub *ordering.Subscription
}

var _ Feed = (*AppFeed)(nil)

// NewAppFeed follows app until Close.
func NewAppFeed(app *ordering.App) *AppFeed {
	return &AppFeed{app: app, sub: app.Subscribe(64)}
}

// Close ends the feed's subscription.
func (f *AppFeed) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub.Close()
}

// LastCommitted implements Feed.
func (f *AppFeed) LastCommitted(context.Context) (int64, error) {
	h, _ := f.app.LastCommit()
	return h, nil
}

// Block implements Feed.
func (f *AppFeed) Block(_ context.Context, height int64) (Block, error) {
	txs, err := f.app.PendingEnvelopes(height)
	if err != nil {
		return Block{}, err
	}
	return FromPending(height, txs), nil
}

// WaitCommit implements Feed.
func (f *AppFeed) WaitCommit(ctx context.Context, after int64) error {
	for {
		if h, _ := f.app.LastCommit(); h > after {
			return nil
		}
		f.mu.Lock()
		sub := f.sub
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-sub.C():
			if !ok {
				if !errors.Is(sub.Err(), ordering.ErrSlowSubscriber) {
					return fmt.Errorf("decrypt: feed ended: %w", sub.Err())
				}
				f.mu.Lock()
				f.sub = f.app.Subscribe(64)
				f.mu.Unlock()
			}
		}
	}
}

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Pool tunes the share pool; Eons and Committed are set from the app.
	Pool   PoolConfig
	Logger *slog.Logger
}

// Service is a node's decryption: a share pool fed with the node's
// committed blocks, the key source of the node's proposals, and the
// backend of its KeyholderService.
type Service struct {
	app  *ordering.App
	Pool *Pool
	log  *slog.Logger

	done chan struct{}
	wg   sync.WaitGroup
}

var _ server.KeyholderBackend = (*Service)(nil)

// NewService starts following app's commits and installs the pool as the
// app's key source.
func NewService(app *ordering.App, cfg ServiceConfig) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	pc := cfg.Pool
	pc.Eons = &AppEonKeys{App: app}
	pc.Committed = func() int64 { h, _ := app.LastCommit(); return h }
	if pc.Logger == nil {
		pc.Logger = cfg.Logger
	}
	pool, err := NewPool(pc)
	if err != nil {
		return nil, err
	}
	s := &Service{app: app, Pool: pool, log: cfg.Logger, done: make(chan struct{})}
	sub := app.Subscribe(256)
	s.loadPending()
	app.SetKeySource(pool)
	s.wg.Add(1)
	go s.follow(sub)
	return s, nil
}

// loadPending adds the committed blocks still awaiting keys (after a
// restart, or after the follower fell behind).
func (s *Service) loadPending() {
	hs, err := s.app.PendingHeights(int(s.Pool.cfg.Retain))
	if err != nil {
		s.log.Error("decrypt: pending heights", "err", err)
		return
	}
	for _, h := range hs {
		txs, err := s.app.PendingEnvelopes(h)
		if err != nil {
			s.log.Error("decrypt: pending envelopes", "height", h, "err", err)
			continue
		}
		s.Pool.AddBlock(FromPending(h, txs))
	}
}

func (s *Service) follow(sub *ordering.Subscription) {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			sub.Close()
			return
		case b, ok := <-sub.C():
			if !ok {
				if !errors.Is(sub.Err(), ordering.ErrSlowSubscriber) {
					return
				}
				s.log.Warn("decrypt: commit follower fell behind; reloading pending blocks")
				sub = s.app.Subscribe(256)
				s.loadPending()
				continue
			}
			s.Pool.AddBlock(FromCommitted(b))
		}
	}
}

// Close stops following commits.
func (s *Service) Close() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.wg.Wait()
}

// SubmitKeyShares implements server.KeyholderBackend: it authenticates the
// submission against the member's registered keyholder key, decodes the
// shares and hands them to the pool.
func (s *Service) SubmitKeyShares(_ context.Context, sub api.KeyShareSubmission) error {
	keys, err := s.app.Keyholders(sub.Eon)
	if errors.Is(err, ordering.ErrNotFound) {
		return fmt.Errorf("%w: eon %d has no registered keyholders", api.ErrPermissionDenied, sub.Eon)
	}
	if err != nil {
		return err
	}
	if sub.Member < 1 || int(sub.Member) > len(keys) {
		return fmt.Errorf("%w: member %d is not in eon %d's committee of %d", api.ErrPermissionDenied, sub.Member, sub.Eon, len(keys))
	}
	if sub.Height == 0 || sub.Height > 1<<62 {
		return fmt.Errorf("%w: height %d", api.ErrInvalidShares, sub.Height)
	}
	height := int64(sub.Height)
	msg := SharesMessage(s.app.ChainID(), sub.Eon, height, int(sub.Member), sub.Shares)
	if len(sub.Signature) != ed25519.SignatureSize || !ed25519.Verify(keys[sub.Member-1], msg, sub.Signature) {
		return fmt.Errorf("%w: the signature does not verify under member %d's keyholder key", api.ErrUnauthenticated, sub.Member)
	}
	shares, err := DecodeShares(int(sub.Member), sub.Shares)
	if err != nil {
		return fmt.Errorf("%w: %v", api.ErrInvalidShares, err)
	}
	err = s.Pool.AddShares(sub.Eon, height, int(sub.Member), shares)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDuplicate):
		return fmt.Errorf("%w: %v", api.ErrAlreadySubmitted, err)
	case errors.Is(err, ErrUnknownBlock):
		return fmt.Errorf("%w: %v", api.ErrNotFound, err)
	case errors.Is(err, ErrTooFarAhead):
		return fmt.Errorf("%w: %v", api.ErrNotYet, err)
	case errors.Is(err, ErrNotMember), errors.Is(err, ErrUnknownEon):
		return fmt.Errorf("%w: %v", api.ErrPermissionDenied, err)
	default: // ErrShareCount, ErrInvalidShares
		return fmt.Errorf("%w: %v", api.ErrInvalidShares, err)
	}
}

// FeedSource gives a rollup feed the pool's soft decryptions.
type FeedSource struct{ Pool *Pool }

var _ feed.SoftSource = FeedSource{}

// Wait implements feed.SoftSource.
func (s FeedSource) Wait(ctx context.Context, height int64) ([]feed.SoftTx, error) {
	r, err := s.Pool.Wait(ctx, height)
	if err != nil {
		return nil, err
	}
	out := make([]feed.SoftTx, len(r.Txs))
	for i, tx := range r.Txs {
		out[i] = feed.SoftTx{Hash: tx.Hash, Index: tx.Index, Plaintext: tx.Plaintext, Err: tx.Err}
	}
	return out, nil
}
