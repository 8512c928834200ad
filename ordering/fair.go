package ordering

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// Fair ordering (Pompē-style; Zhang et al., "Byzantine Ordered Consensus
// without Byzantine Oligarchy", OSDI 2020), adapted to CometBFT vote
// extensions. The rule below is pure: everything it needs is in Evidence,
// which the application derives from committed state and the vote
// extensions the proposal embeds. docs/architecture.md states the
// guarantee; the definitions are these.
//
// Let T be the validator set's total voting power and, for an envelope x,
// R(x) the validators whose first-seen report of x the chain has recorded
// and P(x) their power.
//
//   - x is eligible iff 3·P(x) > 2·T (the CometBFT quorum).
//   - The fair time of an eligible x is the weighted lower median of its
//     reported times: the least reported t with 2·w(≤ t) ≥ P(x). At least
//     half of P(x), which exceeds T/3 > f, reported ≤ t and more than half
//     reported ≥ t, so honest reports lie on both sides of it.
//   - x is a blocker iff it is not eligible, 3·P(x) > T (so at least one
//     honest validator saw it) and its first report was recorded fewer
//     than BlockerHeights heights ago. Its bound q(x) is the least reported
//     t with 3·w(≤ t) > T.
//   - Backstop: x is also eligible when it has at least one valid report
//     and its first report was recorded more than BackstopHeights heights
//     ago. Its fair time is then the latest reported time, which is at or
//     after every honest reporter's sighting, so it never moves x ahead of
//     an envelope an honest reporter of x saw earlier.
//   - An eligible x is ready iff its fair time is ≤ q(b) for every blocker
//     b: a blocker that honest validators saw before x may still get an
//     earlier fair time, so x waits for it.
//   - A block holds ready envelopes only, sorted canonically (fairSort).
//   - Fence: a block that leaves out a ready, quorum-eligible envelope x
//     holds no envelope with a fair time later than x's, unless it shows
//     x can no longer be included (Block.Skipped). See fence.go.

// ShortIDSize is the length of a short id. 6 bytes keep a report at 7–8
// bytes (1,000 new envelopes: about 7 KB); see ShortID for collisions.
const ShortIDSize = 6

// ShortID names an envelope in vote extensions and in the fair-ordering
// state: the first ShortIDSize bytes of its hash. Two pending envelopes
// with the same short id share one record; when either is included the
// record goes, and the other waits for fresh reports (its reporters'
// refresh, see reporter). An adversary cannot aim a collision at a given
// envelope: it would need about 2^48 signed envelopes within the block or
// two the victim spends pending.
type ShortID [ShortIDSize]byte

// ShortIDOf returns the short id of an envelope hash.
func ShortIDOf(h mempool.Hash) ShortID {
	var s ShortID
	copy(s[:], h[:])
	return s
}

// BlockerHeights is how many heights after its first recorded report an
// envelope seen by more than a third of the power (but not yet a quorum)
// holds back envelopes with later fair times. It bounds what a blocker
// costs (an envelope its sender replaced, or one gossip lost) and is the
// Δ of the guarantee: orderings are linearizable for envelopes that reach
// the quorum within it.
const BlockerHeights = 4

// BackstopHeights is how long an envelope with a recorded sighting may
// wait for the quorum before the backstop makes it eligible anyway. The
// quorum can be out of reach for good: CometBFT's mempool reactor drops
// the transactions a peer sends while it is block-syncing and never sends
// them again, so an envelope submitted while the other validators catch
// up is held (and reported) by its submitter's validator alone. The
// backstop bounds that wait; the holder includes the envelope when it
// next proposes, the others declare it omitted.
const BackstopHeights = 8

// Report is one validator's first-seen time for an envelope.
type Report struct {
	// Validator is the validator's index in Evidence.Powers.
	Validator int
	// Time is the first-seen time in Unix milliseconds.
	Time int64
}

// Sighting is what the chain has recorded about one envelope's reports.
type Sighting struct {
	// Reports are sorted by validator, one per validator.
	Reports []Report
	// First is the height whose block recorded the first report.
	First int64
	// Last is the height whose block last recorded a report (new or
	// refreshed); records unrefreshed for pruneHeights are dropped.
	Last int64
}

// Evidence is the fair-ordering input of one block: the validator set's
// powers and every recorded sighting, including those of the vote
// extensions the block itself embeds.
type Evidence struct {
	Height int64
	// Powers are the validators' voting powers, by validator index.
	Powers []int64
	// Seen maps short ids to sightings.
	Seen map[ShortID]*Sighting
	// Seed breaks ties: the app hash of the previous height, which the
	// block's proposer does not choose.
	Seed []byte
}

// FairStatus is the rule's verdict on one sighting.
type FairStatus struct {
	Eligible bool
	// Ready: eligible and held back by no blocker.
	Ready bool
	// Time is the fair time (eligible) in Unix milliseconds.
	Time int64
	// Power is the reporting power P(x).
	Power int64
	// Backstop: eligible through BackstopHeights, not the quorum.
	Backstop bool
}

// Judge applies the rule's definitions to every sighting.
func (ev *Evidence) Judge() map[ShortID]FairStatus {
	if ev == nil {
		return map[ShortID]FairStatus{}
	}
	out := make(map[ShortID]FairStatus, len(ev.Seen))
	var total int64
	for _, p := range ev.Powers {
		total += p
	}
	bound := int64(1<<63 - 1) // min q over blockers
	sorted := make([]Report, 0, len(ev.Powers))
	for id, s := range ev.Seen {
		sorted = sorted[:0]
		var power int64
		for _, r := range s.Reports {
			if r.Validator < 0 || r.Validator >= len(ev.Powers) {
				continue
			}
			sorted = append(sorted, r)
			power += ev.Powers[r.Validator]
		}
		st := FairStatus{Power: power}
		switch {
		case 3*power > 2*total && total > 0:
			st.Eligible = true
			st.Time = ev.quantile(sorted, func(w int64) bool { return 2*w >= power })
		case 3*power > total && ev.Height-s.First < BlockerHeights:
			bound = min(bound, ev.quantile(sorted, func(w int64) bool { return 3*w > total }))
		case power > 0 && ev.Height-s.First > BackstopHeights:
			st.Eligible, st.Backstop = true, true
			st.Time = ev.quantile(sorted, func(w int64) bool { return w >= power })
		}
		out[id] = st
	}
	for id, st := range out {
		if st.Eligible && st.Time <= bound {
			st.Ready = true
			out[id] = st
		}
	}
	return out
}

// quantile returns the least reported time t at which enough(w(≤ t))
// holds, reports sorted in place by (time, validator).
func (ev *Evidence) quantile(rs []Report, enough func(w int64) bool) int64 {
	slices.SortFunc(rs, func(a, b Report) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.Validator, b.Validator))
	})
	var w int64
	for i, r := range rs {
		w += ev.Powers[r.Validator]
		if (i+1 == len(rs) || rs[i+1].Time != r.Time) && enough(w) {
			return r.Time
		}
	}
	return rs[len(rs)-1].Time
}

// fairKey is an envelope's own position: fair time, then a tie-break
// hash SHA-256(domain ‖ seed ‖ tx hash) that nobody choosing the block
// controls.
type fairKey struct {
	time int64
	tie  [32]byte
}

func (k fairKey) compare(o fairKey) int {
	return cmp.Or(cmp.Compare(k.time, o.time), bytes.Compare(k.tie[:], o.tie[:]))
}

const tieDomain = "veil/fair-tie/v1\x00"

func (ev *Evidence) key(h mempool.Hash, t int64) fairKey {
	d := sha256.New()
	d.Write([]byte(tieDomain))
	d.Write(ev.Seed)
	d.Write(h[:])
	k := fairKey{time: t}
	d.Sum(k.tie[:0])
	return k
}

// fairSort sorts candidates canonically. A sender's envelopes must go in
// nonce order, so each envelope's effective key is the largest own key
// among its sender's envelopes in cs with a nonce not above its own; the
// order is by effective key, then nonce, then own key. Within a sender
// effective keys never decrease with the nonce, so the order keeps each
// sender's nonces ascending, and it depends only on the set cs, which is
// why the builder's choice is sorted again (Arrange) before Verify sees it.
func fairSort(cs []Candidate, ev *Evidence, st map[ShortID]FairStatus) []Candidate {
	type item struct {
		c        Candidate
		own, eff fairKey
	}
	items := make([]item, len(cs))
	bySender := make(map[common.Address][]int)
	for i, c := range cs {
		items[i] = item{c: c, own: ev.key(c.Hash, st[ShortIDOf(c.Hash)].Time)}
		bySender[c.Envelope.Sender] = append(bySender[c.Envelope.Sender], i)
	}
	for _, idx := range bySender {
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(items[a].c.Envelope.Nonce, items[b].c.Envelope.Nonce), items[a].own.compare(items[b].own))
		})
		run := items[idx[0]].own
		for _, i := range idx {
			if items[i].own.compare(run) > 0 {
				run = items[i].own
			}
			items[i].eff = run
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		return cmp.Or(a.eff.compare(b.eff), cmp.Compare(a.c.Envelope.Nonce, b.c.Envelope.Nonce), a.own.compare(b.own))
	})
	out := make([]Candidate, len(items))
	for i, it := range items {
		out[i] = it.c
	}
	return out
}

// FairOrder is the fair-ordering rule. Order offers the ready envelopes
// in canonical order; Arrange puts the envelopes the builder kept back
// into canonical order (the builder may drop some, which changes
// effective keys); Verify accepts a block iff every envelope is ready,
// the order is canonical, the declared omissions are exact, and no
// envelope lies past the fence (Fence).
type FairOrder struct{}

var (
	_ Rule     = FairOrder{}
	_ Arranger = FairOrder{}
)

// Arranger is a Rule whose block order depends on which envelopes the
// block ends up with: PrepareProposal passes the envelopes it included,
// in the order it tried them, and uses the result (which must be a
// permutation that keeps each sender's nonces ascending).
type Arranger interface {
	Arrange(p Proposal, included []Candidate) []Candidate
}

// Order implements Rule.
func (FairOrder) Order(p Proposal) []Candidate {
	if p.Evidence == nil {
		return nil
	}
	st := p.Evidence.Judge()
	ready := make([]Candidate, 0, len(p.Candidates))
	for _, c := range p.Candidates {
		if st[ShortIDOf(c.Hash)].Ready {
			ready = append(ready, c)
		}
	}
	return fairSort(ready, p.Evidence, st)
}

// Arrange implements Arranger.
func (FairOrder) Arrange(p Proposal, included []Candidate) []Candidate {
	return fairSort(included, p.Evidence, p.Evidence.Judge())
}

// Omissions returns the short ids a block with the given envelopes must
// declare as omitted: if the block had room (Block.Room), every ready
// envelope it leaves out, in ascending order; otherwise none.
func (FairOrder) Omissions(ev *Evidence, txs []Candidate, room bool) []ShortID {
	if !room || ev == nil {
		return nil
	}
	in := make(map[ShortID]bool, len(txs))
	for _, c := range txs {
		in[ShortIDOf(c.Hash)] = true
	}
	var out []ShortID
	for id, st := range ev.Judge() {
		if st.Ready && !in[id] {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b ShortID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// Fence returns the latest fair time an envelope of a block that leaves
// out ready envelopes may have: the earliest fair time among the ready,
// quorum-eligible envelopes not in txs and not skipped (shown to be no
// longer includable). A block's envelopes must all lie at or before it,
// so whatever a proposer leaves out — declared omitted, or for lack of
// room — no envelope seen after it is ordered ahead of it. Backstopped
// envelopes do not fence: the one validator that holds them includes
// them in its turn, and nobody else can. ok is false when nothing fences.
func (FairOrder) Fence(ev *Evidence, st map[ShortID]FairStatus, txs []Candidate, skipped []ShortID) (fence int64, ok bool) {
	if ev == nil {
		return 0, false
	}
	out := make(map[ShortID]bool, len(txs)+len(skipped))
	for _, c := range txs {
		out[ShortIDOf(c.Hash)] = true
	}
	for _, id := range skipped {
		out[id] = true
	}
	for id, s := range st {
		if s.Ready && !s.Backstop && !out[id] && (!ok || s.Time < fence) {
			fence, ok = s.Time, true
		}
	}
	return fence, ok
}

// Errors of FairOrder.Verify.
var (
	ErrOvertake   = errors.New("ordering: envelope ordered ahead of a ready envelope the block leaves out")
	ErrSkipped    = errors.New("ordering: invalid skipped envelope")
	ErrNotReady   = errors.New("ordering: envelope not ready for fair ordering")
	ErrUnfair     = errors.New("ordering: envelopes not in fair order")
	ErrOmission   = errors.New("ordering: ready envelope omitted without declaration")
	ErrNoEvidence = errors.New("ordering: block carries no fair-ordering evidence")
)

// Verify implements Rule.
func (r FairOrder) Verify(b Block) error {
	if b.Evidence == nil {
		if len(b.Txs) == 0 && len(b.Omitted) == 0 {
			return nil
		}
		return ErrNoEvidence
	}
	st := b.Evidence.Judge()
	for i, c := range b.Txs {
		if !st[ShortIDOf(c.Hash)].Ready {
			return fmt.Errorf("%w: index %d (%x)", ErrNotReady, i, c.Hash[:ShortIDSize])
		}
	}
	want := fairSort(b.Txs, b.Evidence, st)
	for i := range want {
		if want[i].Hash != b.Txs[i].Hash {
			return fmt.Errorf("%w: index %d", ErrUnfair, i)
		}
	}
	omit := r.Omissions(b.Evidence, b.Txs, b.Room)
	if !slices.Equal(omit, b.Omitted) {
		return fmt.Errorf("%w: declared %d, want %d", ErrOmission, len(b.Omitted), len(omit))
	}
	in := make(map[ShortID]bool, len(b.Txs))
	for _, c := range b.Txs {
		in[ShortIDOf(c.Hash)] = true
	}
	for i, id := range b.Skipped {
		switch s := st[id]; {
		case i > 0 && bytes.Compare(b.Skipped[i-1][:], id[:]) >= 0:
			return fmt.Errorf("%w: ids not strictly ascending", ErrSkipped)
		case !s.Ready || s.Backstop || in[id]:
			return fmt.Errorf("%w: %x is not a ready envelope the block leaves out", ErrSkipped, id[:])
		}
	}
	if fence, ok := r.Fence(b.Evidence, st, b.Txs, b.Skipped); ok {
		for i, c := range b.Txs {
			if t := st[ShortIDOf(c.Hash)].Time; t > fence {
				return fmt.Errorf("%w: index %d has fair time %d, a ready envelope left out %d", ErrOvertake, i, t, fence)
			}
		}
	}
	return nil
}
