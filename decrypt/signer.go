package decrypt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/threshold"
)

// SignerConfig configures a Signer.
type SignerConfig struct {
	// Share is the member's secret key share of the eon. Required.
	Share *threshold.SecretKeyShare
	// Shares are its shares of further eons (around a rotation); AddShare
	// adds one while the signer runs.
	Shares []*threshold.SecretKeyShare
	// EonAt names the eon that signs each height (AppEonAt in process).
	// A height of an eon the member holds no share of is skipped. Unset:
	// every height is signed with Share.
	EonAt EonAt
	// ChainID goes into every signed message. Required.
	ChainID string
	// Roots gives the batch roots of the heights the member's own node
	// has firm. Required.
	Roots RootSource
	// Feed wakes the signer at each commit. Required.
	Feed Feed
	// Sinks receive the partial signatures. Required.
	Sinks []SignatureSink
	// StateFile persists the last height every sink has both taken (or
	// refused for good) and reported signed, so a restarted signer
	// resumes after it. Empty: in memory only.
	StateFile string
	// Start is the first height to sign when there is no state. Default 1.
	Start int64
	// MaxPerCall bounds the heights in one submission. Default 64.
	MaxPerCall int
	// MaxBehind is how many heights a sink that keeps failing may fall
	// behind before the signer skips it forward (it is a node that is
	// down; it gets the other members' partials meanwhile). Default 1,024.
	MaxBehind int64
	// Retry is the wait before resending to a sink that failed. Default
	// 500 ms.
	Retry time.Duration
	// Resend is how long a sink's signed tip may stay below heights it
	// took before the signer sends them again. A node keeps partials it
	// has not aggregated in memory, so one that restarted lost them and
	// would otherwise never sign those heights. Default 2 s.
	Resend time.Duration
	Logger *slog.Logger
}

// Signer signs the batch root of every firm height with a member's eon
// share, in height order, and pushes the partial signatures to every
// sink. It signs only heights whose root its own node has (Roots), so it
// never signs a root it did not compute. Each sink has its own cursor: a
// sink that is down or refuses a height as too far ahead gets the heights
// again from its cursor, several per call. A sink reports its signed tip
// with each submission; heights it took but has not signed stay with the
// signer, and are sent again when its tip stays below them for Resend
// (the node restarted and lost the partials it held). The saved progress
// is the lowest height every sink has both taken and signed.
type Signer struct {
	cfg SignerConfig

	mu       sync.Mutex
	signed   int64                                // highest height signed
	cursors  []int64                              // per sink, the last height it took
	tips     []int64                              // per sink, its signed tip as last reported
	stuck    []time.Time                          // per sink, when its tip last rose
	progress int64                                // saved: min over sinks of min(cursor, tip)
	shares   map[uint64]*threshold.SecretKeyShare // by eon
	heights  map[int64]signedHeight               // above progress
}

// signedHeight is the signer's partial for one height; partial is nil for
// a height of an eon the member has no share of.
type signedHeight struct {
	root    common.Hash
	eon     uint64
	member  int
	partial *threshold.PartialSignature
}

// NewSigner loads the signer's progress.
func NewSigner(cfg SignerConfig) (*Signer, error) {
	if cfg.Share == nil || cfg.Roots == nil || cfg.Feed == nil || len(cfg.Sinks) == 0 {
		return nil, errors.New("decrypt: SignerConfig needs Share, Roots, Feed and Sinks")
	}
	if cfg.Start < 1 {
		cfg.Start = 1
	}
	if cfg.MaxPerCall <= 0 {
		cfg.MaxPerCall = 64
	}
	if cfg.MaxBehind <= 0 {
		cfg.MaxBehind = 1024
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 500 * time.Millisecond
	}
	if cfg.Resend <= 0 {
		cfg.Resend = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Signer{cfg: cfg, progress: cfg.Start - 1, shares: make(map[uint64]*threshold.SecretKeyShare), heights: make(map[int64]signedHeight)}
	for _, sk := range append([]*threshold.SecretKeyShare{cfg.Share}, cfg.Shares...) {
		s.shares[sk.Eon()] = sk
	}
	if cfg.StateFile != "" {
		h, err := loadProgress(cfg.StateFile)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			s.progress = max(h, s.progress)
		}
	}
	s.signed = s.progress
	s.cursors = make([]int64, len(cfg.Sinks))
	s.tips = make([]int64, len(cfg.Sinks))
	s.stuck = make([]time.Time, len(cfg.Sinks))
	for i := range s.cursors {
		s.cursors[i], s.tips[i], s.stuck[i] = s.progress, s.progress, time.Now()
	}
	return s, nil
}

// AddShare gives the signer its share of another eon (the next one,
// once the member has it); heights of that eon are signed from then on.
func (s *Signer) AddShare(sk *threshold.SecretKeyShare) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shares[sk.Eon()] = sk
}

// Signed returns the highest height the signer has signed.
func (s *Signer) Signed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signed
}

// Progress returns the last height every sink has taken and reported
// signed: what StateFile holds.
func (s *Signer) Progress() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}

// Run signs and pushes firm heights as they turn firm until ctx is done.
func (s *Signer) Run(ctx context.Context) error {
	for {
		// Read the commit height first: a commit during Sync then ends
		// the wait at once instead of a block later.
		committed, err := s.cfg.Feed.LastCommitted(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// A remote feed's node may be down: try again later.
			s.cfg.Logger.Warn("signer: last commit", "err", err)
			if err := sleep(ctx, s.cfg.Retry); err != nil {
				return err
			}
			continue
		}
		behind, err := s.Sync(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.cfg.Logger.Warn("signer: sync failed", "err", err)
		}
		retry := behind || err != nil
		wctx, cancel := ctx, context.CancelFunc(func() {})
		if retry {
			wctx, cancel = context.WithTimeout(ctx, s.cfg.Retry)
		}
		err = s.cfg.Feed.WaitCommit(wctx, committed)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
}

// Sync signs every height its node has firm above the last signed one,
// pushes to each sink what it has not taken, and saves the progress. It
// reports whether some sink is still behind (to be retried).
func (s *Signer) Sync(ctx context.Context) (behind bool, err error) {
	if err := s.signFirm(); err != nil {
		return false, err
	}
	var wg sync.WaitGroup
	lagging := make([]bool, len(s.cfg.Sinks))
	for i := range s.cfg.Sinks {
		wg.Go(func() { lagging[i] = s.push(ctx, i) })
	}
	wg.Wait()
	for _, l := range lagging {
		behind = behind || l
	}
	return behind, s.saveProgress()
}

// signFirm signs the heights the node has firm above s.signed, each with
// the share of the eon that signs it.
func (s *Signer) signFirm() error {
	for {
		h := s.Signed() + 1
		root, ok, err := s.cfg.Roots.FirmRoot(h)
		if err != nil {
			return fmt.Errorf("decrypt: root of %d: %w", h, err)
		}
		if !ok {
			return nil
		}
		eon := s.cfg.Share.Eon()
		if s.cfg.EonAt != nil {
			if eon, err = s.cfg.EonAt(h); err != nil {
				return fmt.Errorf("decrypt: eon of %d: %w", h, err)
			}
		}
		s.mu.Lock()
		sk := s.shares[eon]
		s.mu.Unlock()
		sh := signedHeight{root: root, eon: eon}
		if sk != nil {
			rs, err := SignRoots(sk, s.cfg.ChainID, []int64{h}, []common.Hash{root})
			if err != nil {
				return err
			}
			sh.member, sh.partial = sk.Index(), rs.Entries[0].Partial
		} else {
			s.cfg.Logger.Debug("signer: no share of the height's eon", "height", h, "eon", eon)
		}
		s.mu.Lock()
		s.heights[h], s.signed = sh, h
		s.mu.Unlock()
	}
}

// push sends sink i what it has not taken, a call of up to MaxPerCall
// heights at a time, and reports whether it stopped early.
func (s *Signer) push(ctx context.Context, i int) bool {
	sink := s.cfg.Sinks[i]
	for {
		s.mu.Lock()
		if s.signed-min(s.cursors[i], s.tips[i]) > s.cfg.MaxBehind {
			s.cfg.Logger.Warn("signer: sink too far behind; skipping heights", "sink", i, "from", min(s.cursors[i], s.tips[i])+1, "to", s.signed-s.cfg.MaxBehind)
			s.cursors[i] = max(s.cursors[i], s.signed-s.cfg.MaxBehind)
			s.tips[i] = max(s.tips[i], s.signed-s.cfg.MaxBehind)
		}
		// One eon a call: heights up to the first of another eon;
		// heights without a partial are passed over.
		from, to := s.cursors[i]+1, s.cursors[i]
		var rs *RootSignatures
		for h := from; h <= min(s.signed, s.cursors[i]+int64(s.cfg.MaxPerCall)); h++ {
			sh := s.heights[h]
			if sh.partial != nil {
				if rs == nil {
					rs = &RootSignatures{Eon: sh.eon, Member: sh.member}
				} else if sh.eon != rs.Eon {
					break
				}
				rs.Entries = append(rs.Entries, RootSignature{Height: h, Root: sh.root, Partial: sh.partial})
			}
			to = h
		}
		if to < from {
			resend := s.tips[i] < s.cursors[i] && time.Since(s.stuck[i]) >= s.cfg.Resend
			if resend {
				s.cfg.Logger.Info("signer: sink's signed tip stays below heights it took; sending them again", "sink", i, "tip", s.tips[i], "took", s.cursors[i])
				s.cursors[i], s.stuck[i] = s.tips[i], time.Now()
			}
			s.mu.Unlock()
			if resend {
				continue
			}
			return false
		}
		s.mu.Unlock()
		if rs == nil { // nothing to sign in from..to
			s.mu.Lock()
			s.cursors[i] = to
			s.mu.Unlock()
			continue
		}
		tip, err := sink.SubmitBatchSignatures(ctx, rs)
		if err != nil && !takenOrRefused(err) {
			s.cfg.Logger.Warn("signer: submit failed; will retry", "sink", i, "from", from, "to", to, "err", err)
			return true
		}
		if err != nil && !isDuplicateSig(err) {
			s.cfg.Logger.Error("signer: node refuses partial signatures", "sink", i, "from", from, "to", to, "err", err)
		}
		s.mu.Lock()
		s.cursors[i] = to
		if (err == nil || isDuplicateSig(err)) && tip > s.tips[i] {
			s.tips[i], s.stuck[i] = tip, time.Now()
			s.cursors[i] = max(s.cursors[i], tip) // signed already: nothing to send below it
		}
		s.mu.Unlock()
	}
}

func isDuplicateSig(err error) bool {
	return errors.Is(err, ErrSigDuplicate) || connect.CodeOf(err) == connect.CodeAlreadyExists
}

// takenOrRefused reports a submission error that resending cannot change:
// a duplicate, or a refusal (bad input, not a member).
func takenOrRefused(err error) bool {
	if errors.Is(err, ErrSigTooFar) {
		return false
	}
	for _, e := range []error{ErrSigDuplicate, ErrRootMismatch, ErrBadPartialSig, ErrMalformedSignatures, ErrUnknownEon, ErrNotMember, ErrWrongSigEon} {
		if errors.Is(err, e) {
			return true
		}
	}
	switch connect.CodeOf(err) {
	case connect.CodeAlreadyExists, connect.CodeInvalidArgument, connect.CodePermissionDenied, connect.CodeUnauthenticated:
		return true
	}
	return false
}

// saveProgress saves the lowest height every sink has taken and signed,
// and drops what is below it.
func (s *Signer) saveProgress() error {
	s.mu.Lock()
	low := s.signed
	for i, c := range s.cursors {
		low = min(low, c, s.tips[i])
	}
	changed := low != s.progress
	s.progress = low
	for h := range s.heights {
		if h <= low {
			delete(s.heights, h)
		}
	}
	s.mu.Unlock()
	if !changed || s.cfg.StateFile == "" {
		return nil
	}
	return saveProgress(s.cfg.StateFile, low)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
