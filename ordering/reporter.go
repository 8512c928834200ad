package ordering

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/veilseq/veil/mempool"
)

// reporter is this validator's side of fair ordering: the first-seen
// times CheckTx stamps and which of them the chain has recorded. It is
// node-local (not replicated) and lost on restart, when the mempool is
// rebuilt and stamped afresh.
//
// A stamp is reported in the vote extension of height h, then resolved
// when block h+1 commits: the reports the embedded extension carries are
// recorded; the others (the proposer left the extension out, or embedded
// an earlier round's) are reported again. So an honest validator's
// report of an envelope it saw first is recorded no later than its
// report of one it saw later, which the guarantee needs. The extension
// of h+1 is built knowing whether the block it votes for embeds the
// extension of h, so nothing waits an extra height.
//
// A stamp counts as recorded only if the embedded extension carries it:
// the block may embed the extension of an earlier round than the last one
// this validator sent (CometBFT commits on whichever round reached the
// quorum), and stamps first sent in a later round are not in it. Every
// stamp still pending is reported again refreshHeights heights after it
// was last sent, whatever its state, which keeps its sighting from being
// pruned and bounds what any lost report costs.
type reporter struct {
	mu     sync.Mutex
	stamps map[mempool.Hash]*stamp
}

type stamp struct {
	time       int64 // Unix ms
	reportedAt int64 // height of the extension that last carried it; 0: not since recorded
	recordedAt int64 // height whose block recorded it; 0: not recorded
	sentAt     int64 // height of the last extension that carried it; 0: never
}

// stamp records the first time this node saw h.
func (r *reporter) stamp(h mempool.Hash, t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stamps == nil {
		r.stamps = make(map[mempool.Hash]*stamp)
	}
	if _, ok := r.stamps[h]; !ok {
		r.stamps[h] = &stamp{time: t.UnixMilli()}
	}
}

func (r *reporter) forget(hs ...mempool.Hash) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range hs {
		delete(r.stamps, h)
	}
}

// report builds the extension for height h. embedded is what the block
// voted on carries of this validator's extension of h−1 (App.ownEmbedded:
// nil means all of it).
func (r *reporter) report(h int64, embedded map[ShortID]bool) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	type entry struct {
		hash mempool.Hash
		s    *stamp
	}
	var due []entry
	for hash, s := range r.stamps {
		switch {
		case s.reportedAt == h, // an earlier round of this height
			s.reportedAt == 0 && s.recordedAt == 0,
			s.reportedAt == h-1 && embedded != nil && !embedded[ShortIDOf(hash)],
			s.reportedAt != h-1 && s.sentAt > 0 && h-s.sentAt >= refreshHeights:
			due = append(due, entry{hash, s})
		}
	}
	// Oldest first, so a capped extension carries the earliest sightings.
	slices.SortFunc(due, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.s.time, b.s.time), bytes.Compare(a.hash[:], b.hash[:]))
	})
	size := 1 + 3 // version, count
	out := make([]Sighted, 0, len(due))
	ids := make(map[ShortID]bool, len(due))
	var prev int64
	for _, e := range due {
		id := ShortIDOf(e.hash)
		if ids[id] {
			continue // a colliding pair: one report covers both
		}
		n := ShortIDSize + uvarintLen(uint64(e.s.time-prev))
		if size+n > MaxVoteExtensionSize {
			break
		}
		size += n
		prev = e.s.time
		ids[id] = true
		out = append(out, Sighted{ID: id, Time: e.s.time})
		e.s.reportedAt, e.s.sentAt = h, h
	}
	// Canonical order: by time, then id.
	slices.SortFunc(out, func(a, b Sighted) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return EncodeVoteExtension(out)
}

// resolve runs when block h commits: reports carried by the extension of
// h−1 are recorded if the extension the block embedded carries them
// (recorded: nil means all of them, an empty set none), else due again.
func (r *reporter) resolve(h int64, recorded map[ShortID]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for hash, s := range r.stamps {
		if s.reportedAt == 0 || s.reportedAt != h-1 {
			continue
		}
		s.reportedAt = 0
		if recorded == nil || recorded[ShortIDOf(hash)] {
			s.recordedAt = h
		}
	}
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}
