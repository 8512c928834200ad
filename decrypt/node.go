package decrypt

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

var _ ordering.SoftResults = (*Pool)(nil)

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
// has made durable. Its commit notifications wake one waiter each:
// give each loop (a Keyholder, a Signer) its own AppFeed.
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

// FirmRoot implements RootSource from the application's state: the batch
// root consensus recorded for height.
func (f *AppFeed) FirmRoot(height int64) (common.Hash, bool, error) {
	return AppRoots{f.app}.FirmRoot(height)
}

// AppRoots is a RootSource over an application's committed state.
type AppRoots struct{ App *ordering.App }

var _ RootSource = AppRoots{}

// FirmRoot implements RootSource.
func (r AppRoots) FirmRoot(height int64) (common.Hash, bool, error) {
	root, _, ok, err := r.App.FirmRoot(height)
	return root, ok, err
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
	Pool PoolConfig
	// Feed, if set, is the node's rollup feed: the service then collects
	// the keyholders' partial signatures on firm batch roots
	// (SubmitBatchSignatures), checks them against the roots consensus
	// recorded, stores each aggregate in the feed, and makes the feed's
	// firm level wait for them (feed.RequireSignatures).
	Feed *feed.Feed
	// Signatures tunes the signature pool; ChainID, Eons, Roots and
	// Store are set from the app and Feed.
	Signatures SignaturePoolConfig
	Logger     *slog.Logger
}

// Service is a node's decryption: a share pool fed with the node's
// committed blocks, the key source of the node's proposals, and the
// backend of its KeyholderService.
type Service struct {
	app  *ordering.App
	Pool *Pool
	// Sigs collects partial batch signatures; nil without
	// ServiceConfig.Feed.
	Sigs *SignaturePool
	// Solver solves withheld blocks' time-locks for the node's
	// proposals; nil on a chain without an escape hatch.
	Solver *Solver
	log    *slog.Logger

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
	if cfg.Feed != nil {
		sc := cfg.Signatures
		sc.ChainID, sc.Eons, sc.Roots, sc.Store = app.ChainID(), pc.Eons, AppRoots{app}, cfg.Feed
		if sc.EonAt == nil {
			sc.EonAt = AppEonAt(app)
		}
		if sc.Logger == nil {
			sc.Logger = cfg.Logger
		}
		if s.Sigs, err = NewSignaturePool(sc); err != nil {
			return nil, err
		}
		cfg.Feed.RequireSignatures()
		s.Sigs.Advance()
	}
	sub := app.Subscribe(256)
	s.loadPending()
	app.SetKeySource(pool) // and ordering.SoftResults: firm decryption reuses the soft batch
	switch sv, err := NewSolver(app, SolverConfig{Logger: cfg.Logger}); {
	case err == nil:
		s.Solver = sv
		app.SetEscapeSource(sv)
	case !errors.Is(err, ErrNoEscapeHatch):
		sub.Close()
		return nil, err
	}
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
			if s.Sigs != nil {
				s.Sigs.Advance()
			}
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
	if s.Solver != nil {
		s.Solver.Close()
	}
	if s.Sigs != nil {
		s.Sigs.Close()
	}
}

// SubmitKeyShares implements server.KeyholderBackend: it authenticates the
// submission against the member's registered keyholder key, decodes the
// shares and hands them to the pool.
func (s *Service) SubmitKeyShares(_ context.Context, sub api.KeyShareSubmission) error {
	if sub.Height == 0 || sub.Height > 1<<62 {
		return fmt.Errorf("%w: height %d", api.ErrInvalidShares, sub.Height)
	}
	height := int64(sub.Height)
	msg := func() []byte { return SharesMessage(s.app.ChainID(), sub.Eon, height, int(sub.Member), sub.Shares) }
	if err := s.authenticate(sub.Eon, sub.Member, msg, sub.Signature); err != nil {
		return err
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

// authenticate checks that member is in eon's committee and that sig is
// its registered keyholder key's signature over msg(): the one check every
// KeyholderService submission passes before its content is looked at.
func (s *Service) authenticate(eon uint64, member uint32, msg func() []byte, sig []byte) error {
	keys, err := s.app.Keyholders(eon)
	if errors.Is(err, ordering.ErrNotFound) {
		return fmt.Errorf("%w: eon %d has no registered keyholders", api.ErrPermissionDenied, eon)
	}
	if err != nil {
		return err
	}
	if member < 1 || int(member) > len(keys) {
		return fmt.Errorf("%w: member %d is not in eon %d's committee of %d", api.ErrPermissionDenied, member, eon, len(keys))
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(keys[member-1], msg(), sig) {
		return fmt.Errorf("%w: the signature does not verify under member %d's keyholder key", api.ErrUnauthenticated, member)
	}
	return nil
}

// SubmitBatchSignatures implements server.KeyholderBackend: it
// authenticates the submission like SubmitKeyShares, decodes the entries
// and hands them to the signature pool. Entries the pool takes stay
// taken when others fail. It returns the node's signed tip.
func (s *Service) SubmitBatchSignatures(_ context.Context, sub api.BatchSignatureSubmission) (int64, error) {
	if s.Sigs == nil {
		return 0, fmt.Errorf("%w: this node does not collect batch signatures", api.ErrNotFound)
	}
	msg := func() []byte { return BatchSignaturesMessage(s.app.ChainID(), sub.Eon, int(sub.Member), sub.Entries) }
	if err := s.authenticate(sub.Eon, sub.Member, msg, sub.Signature); err != nil {
		return 0, err
	}
	entries, err := DecodeRootSignatures(int(sub.Member), sub.Entries)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", api.ErrInvalidSignatures, err)
	}
	err = firstSigError(s.Sigs.Add(sub.Eon, int(sub.Member), entries))
	switch {
	case err == nil:
		return s.Sigs.SignedTip(), nil
	case errors.Is(err, ErrSigDuplicate):
		return s.Sigs.SignedTip(), fmt.Errorf("%w: %v", api.ErrAlreadySubmitted, err)
	case errors.Is(err, ErrSigTooFar):
		return 0, fmt.Errorf("%w: %v", api.ErrNotYet, err)
	case errors.Is(err, ErrNotMember), errors.Is(err, ErrUnknownEon):
		return 0, fmt.Errorf("%w: %v", api.ErrPermissionDenied, err)
	case errors.Is(err, ErrRootMismatch), errors.Is(err, ErrBadPartialSig), errors.Is(err, ErrMalformedSignatures), errors.Is(err, ErrWrongSigEon):
		return 0, fmt.Errorf("%w: %v", api.ErrInvalidSignatures, err)
	}
	return 0, err
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
