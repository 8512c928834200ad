package decrypt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

const sigChain = "test-chain"

// sigNode is a node's side of batch signing in memory: the roots of its
// firm heights and a signature store.
type sigNode struct {
	mu     sync.Mutex
	firm   int64
	roots  map[int64]common.Hash
	stored map[int64]feed.SignedRoot
}

func newSigNode() *sigNode {
	return &sigNode{roots: make(map[int64]common.Hash), stored: make(map[int64]feed.SignedRoot)}
}

func rootOf(h int64) common.Hash { return common.Hash{byte(h), byte(h >> 8), 0x77} }

// makeFirm makes heights up to h firm.
func (n *sigNode) makeFirm(h int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ; n.firm < h; n.firm++ {
		n.roots[n.firm+1] = rootOf(n.firm + 1)
	}
}

func (n *sigNode) FirmRoot(h int64) (common.Hash, bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.roots[h]
	return r, ok, nil
}

func (n *sigNode) SetSignature(s feed.SignedRoot) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.stored[s.Height]; !ok {
		n.stored[s.Height] = s
	}
	return nil
}

func (n *sigNode) Signature(h int64) (*feed.SignedRoot, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	s, ok := n.stored[h]
	if !ok {
		return nil, feed.ErrNoSignature
	}
	return &s, nil
}

// SignedTip is the highest height up to which every height is stored.
func (n *sigNode) SignedTip() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	var h int64
	for {
		if _, ok := n.stored[h+1]; !ok {
			return h
		}
		h++
	}
}

func newSigPool(t testing.TB, c *committee, n *sigNode) *SignaturePool {
	t.Helper()
	p, err := NewSignaturePool(SignaturePoolConfig{ChainID: sigChain, Eons: fixedEons{1: c.pk}, Roots: n, Store: n, MaxAhead: 8})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// partials signs heights from..to with member's share over the true roots.
func (c *committee) partials(t testing.TB, member int, from, to int64) []RootSignature {
	t.Helper()
	var hs []int64
	var roots []common.Hash
	for h := from; h <= to; h++ {
		hs, roots = append(hs, h), append(roots, rootOf(h))
	}
	rs, err := SignRoots(c.sks[member-1], sigChain, hs, roots)
	if err != nil {
		t.Fatal(err)
	}
	return rs.Entries
}

func checkSigned(t *testing.T, c *committee, n *sigNode, h int64) {
	t.Helper()
	s, err := n.Signature(h)
	if err != nil {
		t.Fatalf("height %d: %v", h, err)
	}
	sig, err := threshold.ParseSignature(s.Signature)
	if err != nil {
		t.Fatal(err)
	}
	if err := rollupfeed.VerifyBatchSignature(c.pk, sigChain, h, rootOf(h), sig); err != nil {
		t.Fatalf("height %d: %v", h, err)
	}
}

func allNil(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

func TestSignaturePoolThreshold(t *testing.T) {
	c := newCommittee(t)
	n := newSigNode()
	n.makeFirm(3)
	p := newSigPool(t, c, n)
	for m := 1; m <= 2; m++ {
		allNil(t, p.Add(1, m, c.partials(t, m, 1, 3)))
	}
	for h := int64(1); h <= 3; h++ {
		if _, err := n.Signature(h); !errors.Is(err, feed.ErrNoSignature) {
			t.Fatalf("height %d signed with t−1 partials", h)
		}
	}
	allNil(t, p.Add(1, 4, c.partials(t, 4, 1, 3)))
	for h := int64(1); h <= 3; h++ {
		checkSigned(t, c, n, h)
	}
	// A member after t: a duplicate of a signed height.
	for _, err := range p.Add(1, 3, c.partials(t, 3, 1, 3)) {
		if !errors.Is(err, ErrSigDuplicate) {
			t.Fatalf("late member: %v", err)
		}
	}
	if s := p.Stats(); s.Signed != 3 || s.Accepted != 9 || s.Misbehaviour != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// A garbage partial is detected, recorded, and excluded: the height is
// signed by the next t valid ones.
func TestSignaturePoolGarbageExcluded(t *testing.T) {
	c := newCommittee(t)
	n := newSigNode()
	n.makeFirm(2)
	p := newSigPool(t, c, n)
	// Member 1 signs another root but claims the node's.
	bad, err := SignRoots(c.sks[0], sigChain, []int64{1}, []common.Hash{{0xba, 0xd}})
	if err != nil {
		t.Fatal(err)
	}
	bad.Entries[0].Root = rootOf(1)
	if err := p.Add(1, 1, bad.Entries)[0]; !errors.Is(err, ErrBadPartialSig) {
		t.Fatalf("garbage partial: %v", err)
	}
	// Member 2 signs a root that is not the node's.
	other, err := SignRoots(c.sks[1], sigChain, []int64{1}, []common.Hash{{0x0e}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Add(1, 2, other.Entries)[0]; !errors.Is(err, ErrRootMismatch) {
		t.Fatalf("other root: %v", err)
	}
	// Neither may try again at that height.
	if err := p.Add(1, 1, c.partials(t, 1, 1, 1))[0]; !errors.Is(err, ErrSigDuplicate) {
		t.Fatalf("retry after garbage: %v", err)
	}
	for m := 3; m <= 4; m++ {
		allNil(t, p.Add(1, m, c.partials(t, m, 1, 1)))
	}
	if _, err := n.Signature(1); err == nil {
		t.Fatal("signed with two valid partials")
	}
	// Member 2 is honest at height 2, with 3 and 4.
	for m := 2; m <= 4; m++ {
		allNil(t, p.Add(1, m, c.partials(t, m, 2, 2)))
	}
	checkSigned(t, c, n, 2)
	ev := p.Evidence()
	if len(ev) != 2 || ev[0].Member != 1 || ev[1].Member != 2 || p.Stats().Misbehaviour != 2 {
		t.Fatalf("evidence %+v", ev)
	}
}

func TestSignaturePoolHoldsUntilFirm(t *testing.T) {
	c := newCommittee(t)
	n := newSigNode()
	p := newSigPool(t, c, n)
	for m := 1; m <= 3; m++ {
		allNil(t, p.Add(1, m, c.partials(t, m, 1, 8)))
	}
	if err := p.Add(1, 4, c.partials(t, 4, 9, 9))[0]; !errors.Is(err, ErrSigTooFar) {
		t.Fatalf("beyond MaxAhead: %v", err)
	}
	if len(n.stored) != 0 {
		t.Fatal("signed before firm")
	}
	n.makeFirm(5)
	p.Advance()
	for h := int64(1); h <= 5; h++ {
		checkSigned(t, c, n, h)
	}
	if _, err := n.Signature(6); err == nil {
		t.Fatal("height 6 signed before it is firm")
	}
	if s := p.Stats(); s.Held != 24 || s.Signed != 5 {
		t.Fatalf("stats %+v", s)
	}
}

func TestSignaturePoolRejects(t *testing.T) {
	c := newCommittee(t)
	n := newSigNode()
	n.makeFirm(1)
	p := newSigPool(t, c, n)
	if err := p.Add(2, 1, c.partials(t, 1, 1, 1))[0]; !errors.Is(err, ErrUnknownEon) {
		t.Fatalf("unknown eon: %v", err)
	}
	if err := p.Add(1, 5, c.partials(t, 1, 1, 1))[0]; !errors.Is(err, ErrNotMember) {
		t.Fatalf("non-member: %v", err)
	}
	if err := p.Add(1, 2, c.partials(t, 1, 1, 1))[0]; !errors.Is(err, ErrMalformedSignatures) {
		t.Fatalf("another member's partial: %v", err)
	}
	allNil(t, p.Add(1, 1, c.partials(t, 1, 1, 1)))
	if err := p.Add(1, 1, c.partials(t, 1, 1, 1))[0]; !errors.Is(err, ErrSigDuplicate) {
		t.Fatalf("replay: %v", err)
	}
}

// A new pool over a store that has the signatures (a restarted node)
// treats submissions for them as duplicates, without verifying.
func TestSignaturePoolRestart(t *testing.T) {
	c := newCommittee(t)
	n := newSigNode()
	n.makeFirm(2)
	p := newSigPool(t, c, n)
	for m := 1; m <= 3; m++ {
		allNil(t, p.Add(1, m, c.partials(t, m, 1, 2)))
	}
	p = newSigPool(t, c, n)
	_, err := SignaturePoolSink{Pool: p}.SubmitBatchSignatures(context.Background(), &RootSignatures{Eon: 1, Member: 4, Entries: c.partials(t, 4, 1, 2)})
	if !errors.Is(err, ErrSigDuplicate) {
		t.Fatalf("after restart: %v", err)
	}
	checkSigned(t, c, n, 2)
}

func TestRootSignaturesWire(t *testing.T) {
	c := newCommittee(t)
	rs := &RootSignatures{Eon: 1, Member: 2, Entries: c.partials(t, 2, 4, 6)}
	enc, err := EncodeRootSignatures(rs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRootSignatures(2, enc)
	if err != nil || len(got) != 3 || got[2].Height != 6 || got[2].Root != rootOf(6) {
		t.Fatalf("round trip: %v %+v", err, got)
	}
	for _, tc := range []struct {
		name string
		mod  func(e []entry)
	}{
		{"height 0", func(e []entry) { e[0].Height = 0 }},
		{"height too large", func(e []entry) { e[2].Height = 1<<62 + 1 }},
		{"heights not increasing", func(e []entry) { e[1].Height = 4 }},
		{"short root", func(e []entry) { e[1].Root = e[1].Root[:31] }},
		{"short partial", func(e []entry) { e[0].Partial = e[0].Partial[:50] }},
		{"other member", func(e []entry) { e[0].Partial = mustPartial(t, c, 3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := EncodeRootSignatures(rs)
			tc.mod(e)
			if _, err := DecodeRootSignatures(2, e); !errors.Is(err, ErrMalformedSignatures) {
				t.Fatalf("got %v", err)
			}
		})
	}
	// The authenticated message binds every entry.
	e2, _ := EncodeRootSignatures(rs)
	e2[1].Root = rootOf(9).Bytes()
	if string(BatchSignaturesMessage(sigChain, 1, 2, enc)) == string(BatchSignaturesMessage(sigChain, 1, 2, e2)) {
		t.Fatal("message does not bind the roots")
	}
}

type entry = api.BatchSignatureEntry

func mustPartial(t *testing.T, c *committee, member int) []byte {
	b, err := c.partials(t, member, 4, 4)[0].Partial.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The signer signs only what its node has firm, pushes in height order
// several heights a call, and resumes from saved progress.
func TestSignerSignsFirmHeights(t *testing.T) {
	c := newCommittee(t)
	node := newSigNode()
	pools := make([]*SignaturePool, 4)
	sinks := make([]SignatureSink, 4)
	for i := range pools {
		pools[i] = newSigPool(t, c, node)
		sinks[i] = SignaturePoolSink{Pool: pools[i]}
	}
	dir := t.TempDir()
	mk := func(member int) *Signer {
		state := fmt.Sprintf("%s/signed-%d", dir, member)
		s, err := NewSigner(SignerConfig{Share: c.sks[member-1], ChainID: sigChain, Roots: node, Feed: idleFeed{}, Sinks: sinks, StateFile: state, MaxPerCall: 2})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s1 := mk(1)
	node.makeFirm(5)
	if _, err := s1.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The nodes hold one partial of three: nothing is signed there yet,
	// so the saved progress stays where the nodes' signed tips are.
	if s1.Signed() != 5 || s1.Progress() != 0 {
		t.Fatalf("signed %d progress %d", s1.Signed(), s1.Progress())
	}
	for m := 2; m <= 3; m++ {
		if _, err := mk(m).Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for h := int64(1); h <= 5; h++ {
		checkSigned(t, c, node, h)
	}
	// A restarted signer signs again what it had not seen signed;
	// the duplicates it sends tell it the nodes' tips.
	s1 = mk(1)
	if _, err := s1.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s1.Signed() != 5 || s1.Progress() != 5 {
		t.Fatalf("after restart: signed %d progress %d", s1.Signed(), s1.Progress())
	}
	if _, err := node.Signature(6); err == nil {
		t.Fatal("signed a height that is not firm")
	}
}

type idleFeed struct{}

func (idleFeed) LastCommitted(context.Context) (int64, error) { return 0, nil }
func (idleFeed) Block(context.Context, int64) (Block, error) {
	return Block{}, fmt.Errorf("no blocks")
}
func (idleFeed) WaitCommit(ctx context.Context, _ int64) error { <-ctx.Done(); return ctx.Err() }

// swapSink submits to whichever pool the node runs now.
type swapSink struct{ p atomic.Pointer[SignaturePool] }

func (s *swapSink) SubmitBatchSignatures(ctx context.Context, rs *RootSignatures) (int64, error) {
	return SignaturePoolSink{Pool: s.p.Load()}.SubmitBatchSignatures(ctx, rs)
}

// TestSignerResendsToRestartedNode: a node keeps partials it has not
// aggregated in memory, so a restart loses them; the members' signers see
// its signed tip stay below what it took and send those heights again.
func TestSignerResendsToRestartedNode(t *testing.T) {
	c := newCommittee(t)
	node := newSigNode()
	node.makeFirm(3)
	sink := &swapSink{}
	sink.p.Store(newSigPool(t, c, node))
	signers := make([]*Signer, 3)
	for m := range signers {
		s, err := NewSigner(SignerConfig{Share: c.sks[m], ChainID: sigChain, Roots: node, Feed: idleFeed{}, Sinks: []SignatureSink{sink}, Resend: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		signers[m] = s
	}
	sync := func(s *Signer) {
		t.Helper()
		if _, err := s.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sync(signers[0])
	sync(signers[1])
	sink.p.Store(newSigPool(t, c, node)) // the node restarts: two partials a height lost
	sync(signers[2])
	if tip := node.SignedTip(); tip != 0 {
		t.Fatalf("signed tip %d with one partial a height", tip)
	}
	time.Sleep(5 * time.Millisecond) // past Resend
	sync(signers[0])
	sync(signers[1])
	for h := int64(1); h <= 3; h++ {
		checkSigned(t, c, node, h)
	}
	// Member 1 sent again before member 2 completed the heights; it
	// learns the node's tip from the duplicates of its next resend.
	time.Sleep(5 * time.Millisecond)
	sync(signers[0])
	for m, s := range signers[:2] {
		if p := s.Progress(); p != 3 {
			t.Errorf("member %d progress %d, want 3", m+1, p)
		}
	}
}

// TestSignaturePoolClose: a closed pool refuses partials without reaching
// its store, which the node may have closed.
func TestSignaturePoolClose(t *testing.T) {
	c := newCommittee(t)
	node := newSigNode()
	node.makeFirm(1)
	p := newSigPool(t, c, node)
	p.Close()
	for _, err := range p.Add(1, 1, c.partials(t, 1, 1, 1)) {
		if !errors.Is(err, ErrSigPoolClosed) {
			t.Fatalf("closed pool: %v", err)
		}
	}
	p.Advance()
	if p.Firm() != 0 {
		t.Fatalf("closed pool advanced to %d", p.Firm())
	}
}
