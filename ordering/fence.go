package ordering

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/veilseq/veil/mempool"
)

// The fence (FairOrder.Fence): a block may leave out a ready envelope —
// its proposer lacks it, or the block is full — but then it may hold no
// envelope with a later fair time, or a proposer could keep a victim out
// of its block, declared, and put its own later envelope ahead of it.
//
// A ready envelope that can no longer be included (its sender's nonce was
// spent by a replacement, its expiry passed) would fence every block until
// its reports age out, so a proposer steps over it by showing it: the
// block's 0xF0 transaction carries its bytes (EmbeddedExtensions.Skipped)
// and every validator checks that it fails inclusion against the state
// the block leaves. An envelope that fails there failed at its own place
// too: only its sender's envelopes change what it is checked against, and
// the sender's later nonces cannot be in the block without it.
//
// A proposer usually holds such an envelope: it was in its mempool until
// the re-check that followed the commit which made it invalid, or until a
// replacement evicted it, and the App keeps the bytes of what re-checks
// drop and admissions evict (goneCache) for a while.

// goneCache keeps the bytes of envelopes the mempool's re-check dropped
// or an admission evicted, by short id, so a proposer can show them skipped (or include one that
// was only evicted by a replacement and is valid on chain). Bounded in
// entries and bytes; the oldest go first.
type goneCache struct {
	mu    sync.Mutex
	byID  map[ShortID][]byte
	order []ShortID
	size  int
}

const (
	goneMaxEntries = 4096
	goneMaxBytes   = 16 << 20
)

func (g *goneCache) add(id ShortID, tx []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byID == nil {
		g.byID = make(map[ShortID][]byte)
	}
	if _, ok := g.byID[id]; ok {
		return
	}
	g.byID[id] = append([]byte(nil), tx...)
	g.order = append(g.order, id)
	g.size += len(tx)
	for len(g.order) > goneMaxEntries || g.size > goneMaxBytes {
		old := g.order[0]
		g.order = g.order[1:]
		g.size -= len(g.byID[old])
		delete(g.byID, old)
	}
}

func (g *goneCache) get(id ShortID) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.byID[id]
}

// noteGone remembers an envelope a re-check dropped or an admission
// evicted.
func (a *App) noteGone(hash mempool.Hash, tx []byte) {
	if a.fair != nil && !IsSystemTx(tx) {
		a.fair.gone.add(ShortIDOf(hash), tx)
	}
}

// goneCandidates returns the envelopes the gone cache holds for ready
// envelopes the mempool no longer offers, stateless-checked, so the
// builder can include or skip them.
func (a *App) goneCandidates(ev *Evidence, st map[ShortID]FairStatus, have []Candidate) []Candidate {
	if a.fair == nil || ev == nil {
		return nil
	}
	in := make(map[ShortID]bool, len(have))
	for _, c := range have {
		in[ShortIDOf(c.Hash)] = true
	}
	var out []Candidate
	for id, s := range st {
		if !s.Ready || s.Backstop || in[id] {
			continue
		}
		tx := a.fair.gone.get(id)
		if tx == nil {
			continue
		}
		h, env, err := a.checker.Check(tx)
		if err != nil || ShortIDOf(h) != id {
			continue
		}
		out = append(out, Candidate{Tx: tx, Hash: h, Envelope: env, Arrival: len(have) + len(out)})
	}
	return out
}

// check reports whether env is includable against the state so far,
// changing nothing.
func (b *blockExec) check(env *mempool.Envelope) error {
	err := mempool.CheckInclusion(env, b.v)
	if b.v.err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, b.v.err)
	}
	return err
}

// fenceBlock makes a proposal's envelopes respect the fence: it shows as
// skipped the ready envelopes left out that fail inclusion against the
// state the block leaves (as many as fit in budget bytes and MaxSkipped),
// and drops the envelopes ordered after the earliest one left out that it
// cannot show, executing what remains again (a drop can break a sender's
// nonce run), until nothing more drops. kept is in the order it was
// built and ex holds its execution; ordered is every candidate in the
// rule's order.
func (a *App) fenceBlock(st committed, height int64, ev *Evidence, judge map[ShortID]FairStatus, ordered, kept []Candidate, ex *blockExec, budget func(kept []Candidate) int64) ([]Candidate, [][]byte, error) {
	byID := make(map[ShortID]Candidate, len(ordered))
	for _, c := range ordered {
		byID[ShortIDOf(c.Hash)] = c
	}
	for {
		if ex == nil { // after a drop: execute what remains again
			ex = newBlockExec(dbGetter{a.db}, st, height)
			var now []Candidate
			for _, c := range kept {
				if err := ex.include(c, uint32(len(now))); err != nil {
					if errors.Is(err, ErrInternal) {
						return nil, nil, err
					}
					continue
				}
				now = append(now, c)
			}
			kept = now
		}
		in := make(map[ShortID]bool, len(kept))
		for _, c := range kept {
			in[ShortIDOf(c.Hash)] = true
		}
		var out []ShortID
		for id, s := range judge {
			if s.Ready && !s.Backstop && !in[id] {
				out = append(out, id)
			}
		}
		slices.SortFunc(out, func(x, y ShortID) int { return bytes.Compare(x[:], y[:]) })
		left := budget(kept)
		var skipped [][]byte
		var skippedIDs []ShortID
		for _, id := range out {
			c, ok := byID[id]
			if !ok || len(skipped) == MaxSkipped || int64(len(c.Tx))+10 > left {
				continue
			}
			err := ex.check(c.Envelope)
			if errors.Is(err, ErrInternal) {
				return nil, nil, err
			}
			if err != nil {
				skipped = append(skipped, c.Tx)
				skippedIDs = append(skippedIDs, id)
				left -= int64(len(c.Tx)) + 10
			}
		}
		fence, ok := FairOrder{}.Fence(ev, judge, kept, skippedIDs)
		if !ok {
			return kept, skipped, nil
		}
		var within []Candidate
		for _, c := range kept {
			if judge[ShortIDOf(c.Hash)].Time <= fence {
				within = append(within, c)
			}
		}
		if len(within) == len(kept) {
			return kept, skipped, nil
		}
		kept, ex = within, nil
	}
}

// checkSkipped verifies a proposal's skipped envelopes against the state
// ex leaves after the block's envelopes: each must pass the stateless
// checks, be in strictly ascending order of short id, and fail inclusion.
// It returns their short ids; FairOrder.Verify checks they are ready
// envelopes the block leaves out.
func (a *App) checkSkipped(ex *blockExec, skipped [][]byte) ([]ShortID, error) {
	ids := make([]ShortID, 0, len(skipped))
	for i, tx := range skipped {
		h, env, err := a.checker.Check(tx)
		if err != nil {
			return nil, fmt.Errorf("%w: %d: %v", ErrSkipped, i, err)
		}
		id := ShortIDOf(h)
		if i > 0 && bytes.Compare(ids[i-1][:], id[:]) >= 0 {
			return nil, fmt.Errorf("%w: not in ascending order of short id", ErrSkipped)
		}
		err = ex.check(env)
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err == nil {
			return nil, fmt.Errorf("%w: %x can still be included", ErrSkipped, id[:])
		}
		ids = append(ids, id)
	}
	return ids, nil
}
