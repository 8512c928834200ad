package decrypt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

// Errors SignaturePool.Add reports per entry. They name what was wrong and
// never contain key material.
var (
	ErrSigDuplicate  = errors.New("decrypt: member already submitted a partial signature for this height")
	ErrSigTooFar     = errors.New("decrypt: height too far beyond the node's firm tip")
	ErrRootMismatch  = errors.New("decrypt: partial signature over a batch root that is not this node's")
	ErrBadPartialSig = errors.New("decrypt: partial batch signature failed verification")
	ErrWrongSigEon   = errors.New("decrypt: the height is signed by another eon")
	ErrSigPoolClosed = errors.New("decrypt: the node's signature pool is stopped")
)

// SignatureStore keeps aggregated batch signatures; *feed.Feed does, in
// its database, so they survive restarts.
type SignatureStore interface {
	SetSignature(feed.SignedRoot) error
	Signature(height int64) (*feed.SignedRoot, error)
	// SignedTip is the highest height up to which every firm height
	// is signed.
	SignedTip() int64
}

var _ SignatureStore = (*feed.Feed)(nil)

// SignaturePoolConfig configures a SignaturePool.
type SignaturePoolConfig struct {
	ChainID string         // required
	Eons    EonKeys        // required
	Roots   RootSource     // the node's own batch roots; required
	Store   SignatureStore // required
	// MaxAhead is how many heights beyond the node's firm tip partials
	// are held until the node has the height's root (keyholders follow
	// other nodes, which may be ahead). Default 256.
	MaxAhead int64
	// Retain is how many heights below the firm tip an unsigned height's
	// partials are kept. Default 1,024.
	Retain int64
	// EonAt, if set, names the eon that signs each height; partials of
	// other eons are refused (ErrWrongSigEon). Unset: any known eon.
	EonAt EonAt
	// OnSigned, if set, is called after a height's signature is stored.
	OnSigned func(feed.SignedRoot)
	Logger   *slog.Logger
}

func (c *SignaturePoolConfig) validate() error {
	if c.Eons == nil || c.Roots == nil || c.Store == nil {
		return errors.New("decrypt: SignaturePoolConfig needs Eons, Roots and Store")
	}
	if _, err := rollupfeed.BatchMessage(c.ChainID, 1, common.Hash{}); err != nil {
		return fmt.Errorf("decrypt: chain id: %w", err)
	}
	if c.MaxAhead <= 0 {
		c.MaxAhead = 256
	}
	if c.Retain <= 0 {
		c.Retain = 1024
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// SignaturePool is a node's collector of partial batch signatures: it
// checks each against the eon key and the node's own batch root of the
// height, keeps the first t valid ones per height and eon, aggregates
// them, verifies the aggregate once and stores it.
//
// Each (height, eon, member) is taken once: a second submission is
// ErrSigDuplicate even when the first failed, so a faulty member costs at
// most one verification (two pairings) per height. Partials for a height
// the node has not seen firm yet, within MaxAhead of its firm tip, are
// held unverified (they are authenticated: the node's Service checked the
// member's key) and verified by Advance once the height is firm.
type SignaturePool struct {
	cfg SignaturePoolConfig

	// life is held (read) by every call that reaches the store, and
	// taken by Close: once Close returns nothing touches the store, so
	// the node may close its database under callers that still hold
	// the pool.
	life   sync.RWMutex
	closed bool

	mu       sync.Mutex
	firm     int64 // every height up to it has a root here
	heights  map[int64]*sigHeight
	evidence []Evidence
	stats    SigStats
}

// SigStats counts what a SignaturePool saw.
type SigStats struct {
	Accepted     int // valid partials kept
	Held         int // partials that arrived before their height was firm
	Duplicates   int
	Misbehaviour int // partials over another root or failing verification
	Signed       int // heights aggregated and stored
}

type sigHeight struct {
	seen   map[sigKey]bool
	held   []heldSig
	groups map[uint64][]*threshold.PartialSignature // eon → verified partials
	done   bool
}

type sigKey struct {
	eon    uint64
	member int
}

type heldSig struct {
	eon uint64
	RootSignature
}

// NewSignaturePool returns an empty pool.
func NewSignaturePool(cfg SignaturePoolConfig) (*SignaturePool, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &SignaturePool{cfg: cfg, heights: make(map[int64]*sigHeight)}, nil
}

// Add takes one member's partial signatures of one eon. It returns one
// error per entry, nil for each entry taken (kept or held), and holds
// nothing it rejects. Held entries are checked by Advance.
func (p *SignaturePool) Add(eon uint64, member int, entries []RootSignature) []error {
	errs := make([]error, len(entries))
	p.life.RLock()
	defer p.life.RUnlock()
	if p.closed {
		for i := range errs {
			errs[i] = ErrSigPoolClosed
		}
		return errs
	}
	pk, err := p.cfg.Eons.EonKey(eon)
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("%w: %d: %v", ErrUnknownEon, eon, err)
		}
		return errs
	}
	if member < 1 || member > pk.N() {
		for i := range errs {
			errs[i] = fmt.Errorf("%w: member %d of eon %d's %d", ErrNotMember, member, eon, pk.N())
		}
		return errs
	}
	p.advance()
	for i, e := range entries {
		errs[i] = p.add(pk, eon, member, e)
	}
	return errs
}

func (p *SignaturePool) add(pk *threshold.EonPublicKey, eon uint64, member int, e RootSignature) error {
	if e.Partial == nil || e.Partial.Index != member {
		return fmt.Errorf("%w: height %d: partial signature not of member %d", ErrMalformedSignatures, e.Height, member)
	}
	if s, err := p.cfg.Store.Signature(e.Height); err == nil && s != nil {
		p.count(func(s *SigStats) { s.Duplicates++ })
		return fmt.Errorf("%w: height %d is signed already", ErrSigDuplicate, e.Height)
	}
	if p.cfg.EonAt != nil {
		want, err := p.cfg.EonAt(e.Height)
		if err != nil {
			return fmt.Errorf("decrypt: eon of height %d: %w", e.Height, err)
		}
		if want != eon {
			return fmt.Errorf("%w: height %d is eon %d's, the partial is eon %d's", ErrWrongSigEon, e.Height, want, eon)
		}
	}
	p.mu.Lock()
	k := sigKey{eon, member}
	if e.Height > p.firm+p.cfg.MaxAhead {
		firm := p.firm
		p.mu.Unlock()
		return fmt.Errorf("%w: height %d, firm tip %d, at most %d ahead", ErrSigTooFar, e.Height, firm, p.cfg.MaxAhead)
	}
	if e.Height < p.firm-p.cfg.Retain {
		p.mu.Unlock()
		return fmt.Errorf("%w: height %d is more than %d below the firm tip %d", ErrSigDuplicate, e.Height, p.cfg.Retain, p.firm)
	}
	st := p.heights[e.Height]
	if st == nil {
		st = &sigHeight{seen: make(map[sigKey]bool), groups: make(map[uint64][]*threshold.PartialSignature)}
		p.heights[e.Height] = st
	}
	if st.seen[k] || st.done {
		p.stats.Duplicates++
		p.mu.Unlock()
		return fmt.Errorf("%w: member %d, eon %d, height %d", ErrSigDuplicate, member, eon, e.Height)
	}
	st.seen[k] = true
	if e.Height > p.firm {
		st.held = append(st.held, heldSig{eon: eon, RootSignature: e})
		p.stats.Held++
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	return p.verify(pk, eon, member, e)
}

// verify checks a partial of a firm height against the node's root and
// the eon key, and aggregates when it completes a threshold.
func (p *SignaturePool) verify(pk *threshold.EonPublicKey, eon uint64, member int, e RootSignature) error {
	root, ok, err := p.cfg.Roots.FirmRoot(e.Height)
	if err != nil {
		return fmt.Errorf("decrypt: root of firm height %d: %w", e.Height, err)
	}
	if !ok {
		return fmt.Errorf("decrypt: firm height %d has no root", e.Height)
	}
	if root != e.Root {
		return p.sigMisbehaved(eon, e.Height, member, fmt.Errorf("%w: height %d: signed %s, the node's root is %s", ErrRootMismatch, e.Height, e.Root, root))
	}
	msg, err := rollupfeed.BatchMessage(p.cfg.ChainID, e.Height, root)
	if err != nil {
		return err
	}
	// Through the process-wide memo: a devnet's nodes, sharing a process,
	// check each member's partial once between them.
	if err := threshold.SharedMemo().VerifyPartial(pk, msg[:], e.Partial); err != nil {
		return p.sigMisbehaved(eon, e.Height, member, fmt.Errorf("%w: height %d: %v", ErrBadPartialSig, e.Height, err))
	}
	p.mu.Lock()
	st := p.heights[e.Height]
	if st == nil || st.done {
		p.mu.Unlock()
		return nil // signed meanwhile
	}
	p.stats.Accepted++
	st.groups[eon] = append(st.groups[eon], e.Partial)
	group := st.groups[eon]
	if len(group) != pk.Threshold() {
		p.mu.Unlock()
		return nil
	}
	st.done = true
	p.mu.Unlock()
	p.aggregate(pk, eon, e.Height, root, msg[:], group)
	return nil
}

func (p *SignaturePool) aggregate(pk *threshold.EonPublicKey, eon uint64, height int64, root common.Hash, msg []byte, group []*threshold.PartialSignature) {
	fail := func(err error) {
		// Unreachable with verified partials, but a store write can
		// fail: reopen the height, forgetting who submitted, so the
		// members' signers can complete it when they send again.
		p.cfg.Logger.Error("decrypt: batch signature aggregation failed", "height", height, "eon", eon, "err", err)
		p.mu.Lock()
		if st := p.heights[height]; st != nil {
			st.done = false
			delete(st.groups, eon)
			clear(st.seen)
		}
		p.mu.Unlock()
	}
	sig, err := threshold.AggregateSignatures(pk, group)
	if err != nil {
		fail(err)
		return
	}
	if err := threshold.SharedMemo().VerifySignature(pk, msg, sig); err != nil {
		fail(err)
		return
	}
	b, err := sig.MarshalBinary()
	if err != nil {
		fail(err)
		return
	}
	sr := feed.SignedRoot{Height: height, Root: root, Eon: eon, Signature: b}
	if err := p.cfg.Store.SetSignature(sr); err != nil {
		fail(err)
		return
	}
	p.mu.Lock()
	p.stats.Signed++
	delete(p.heights, height)
	p.mu.Unlock()
	if p.cfg.OnSigned != nil {
		p.cfg.OnSigned(sr)
	}
}

func (p *SignaturePool) sigMisbehaved(eon uint64, height int64, member int, err error) error {
	ev := Evidence{Eon: eon, Height: height, Member: member, Reason: err.Error()}
	p.mu.Lock()
	p.evidence = append(p.evidence, ev)
	p.stats.Misbehaviour++
	p.mu.Unlock()
	p.cfg.Logger.Warn("decrypt: invalid partial batch signature", "eon", eon, "height", height, "member", member, "reason", ev.Reason)
	return err
}

func (p *SignaturePool) count(f func(*SigStats)) {
	p.mu.Lock()
	f(&p.stats)
	p.mu.Unlock()
}

// Advance moves the pool's firm tip to the node's and verifies the
// partials held for the heights that turned firm. The node's Service
// calls it after each commit.
func (p *SignaturePool) Advance() {
	p.life.RLock()
	defer p.life.RUnlock()
	if !p.closed {
		p.advance()
	}
}

// Close stops the pool: it waits for the calls in progress, and later
// ones do nothing (Add refuses with ErrSigPoolClosed).
func (p *SignaturePool) Close() {
	p.life.Lock()
	p.closed = true
	p.life.Unlock()
}

func (p *SignaturePool) advance() {
	for {
		p.mu.Lock()
		h := p.firm + 1
		p.mu.Unlock()
		_, ok, err := p.cfg.Roots.FirmRoot(h)
		if err != nil || !ok {
			if err != nil {
				p.cfg.Logger.Warn("decrypt: firm root", "height", h, "err", err)
			}
			return
		}
		p.mu.Lock()
		if p.firm != h-1 { // another caller advanced meanwhile
			p.mu.Unlock()
			continue
		}
		p.firm = h
		var held []heldSig
		if st := p.heights[h]; st != nil {
			held, st.held = st.held, nil
		}
		for old := range p.heights {
			if old < h-p.cfg.Retain {
				delete(p.heights, old)
			}
		}
		p.mu.Unlock()
		for _, s := range held {
			pk, err := p.cfg.Eons.EonKey(s.eon)
			if err != nil {
				continue
			}
			_ = p.verify(pk, s.eon, s.Partial.Index, s.RootSignature)
		}
	}
}

// Firm returns the highest height up to which the pool has every root.
func (p *SignaturePool) Firm() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.firm
}

// Evidence returns the misbehaviour recorded so far.
func (p *SignaturePool) Evidence() []Evidence {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Evidence(nil), p.evidence...)
}

// Stats returns the pool's counters.
func (p *SignaturePool) Stats() SigStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// SignaturePoolSink submits to a signature pool in the same process.
type SignaturePoolSink struct{ Pool *SignaturePool }

var _ SignatureSink = SignaturePoolSink{}

// SubmitBatchSignatures implements SignatureSink: the pool's signed tip,
// and nil when every entry was taken, ErrSigDuplicate when all were
// duplicates, else the first other error.
func (s SignaturePoolSink) SubmitBatchSignatures(_ context.Context, rs *RootSignatures) (int64, error) {
	err := firstSigError(s.Pool.Add(rs.Eon, rs.Member, rs.Entries))
	return s.Pool.SignedTip(), err
}

// SignedTip is the highest height up to which the node has the
// committee's signature of every firm root.
func (p *SignaturePool) SignedTip() int64 { return p.cfg.Store.SignedTip() }

// firstSigError folds Add's per-entry errors: misbehaviour first (the
// submitter must know), then a height too far ahead (retry later); nil
// when every entry was taken or a duplicate, ErrSigDuplicate when all
// were duplicates.
func firstSigError(errs []error) error {
	var far, dup, other error
	dups := 0
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, ErrSigDuplicate):
			dups++
			dup = err
		case errors.Is(err, ErrSigTooFar):
			if far == nil {
				far = err
			}
		default:
			if other == nil {
				other = err
			}
		}
	}
	switch {
	case other != nil:
		return other
	case far != nil:
		return far
	case dups == len(errs) && dups > 0:
		return dup
	}
	return nil
}
