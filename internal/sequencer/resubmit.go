package sequencer

import (
	"errors"
	"path/filepath"

	"github.com/veilseq/veil/mempool"
)

// restore opens the journal and submits its envelopes again: those the
// mempool admits are tracked (and journaled) as if just submitted; those
// it refuses (included meanwhile, expired, outbid) are dropped. The
// journal is then rewritten with the admitted ones.
func (b *Backend) restore() error {
	j, envs, dropped, err := openJournal(filepath.Join(b.cfg.JournalDir, JournalFile), b.cfg.MaxJournalBytes)
	if err != nil {
		return err
	}
	b.journal = j
	if dropped > 0 {
		b.cfg.Logger.Warn("envelope journal ends in a torn or corrupt record; kept the records before it", "records", len(envs))
	}
	again := 0
	for _, env := range envs {
		if _, err := b.submit(env, false); err != nil && !errors.Is(err, mempool.ErrDuplicate) {
			b.cfg.Logger.Debug("journaled envelope not admitted again", "err", err)
			continue
		}
		again++
	}
	if len(envs) > 0 {
		b.cfg.Logger.Info("resubmitted journaled envelopes", "admitted", again, "journaled", len(envs))
	}
	return j.rewrite(b.liveEnvelopes(0))
}

// journalEnvelope returns the envelope's bytes to keep for the journal's
// rewrites, appending it to the journal first if add is set.
func (b *Backend) journalEnvelope(env []byte, add bool) []byte {
	env = append([]byte(nil), env...)
	if !add {
		return env
	}
	ok, err := b.journal.add(env)
	switch {
	case err != nil:
		b.cfg.Logger.Error("journaling an admitted envelope", "err", err)
	case !ok && b.journal.overflowing():
		b.cfg.Logger.Warn("envelope journal full: admitted envelopes are not journaled until it shrinks", "max_bytes", b.cfg.MaxJournalBytes)
	}
	return env
}

// liveEnvelopes returns, oldest first, the tracked envelopes that may
// still be included after height.
func (b *Backend) liveEnvelopes(height int64) [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out [][]byte
	for _, h := range b.order {
		if t, ok := b.tracked[h]; ok && t.env != nil && t.expiry > uint64(height) {
			out = append(out, t.env)
		}
	}
	return out
}

// compactJournal rewrites the journal once it holds more than twice the
// envelopes still awaiting inclusion (and at least a few hundred).
func (b *Backend) compactJournal(height int64) {
	if b.journal == nil {
		return
	}
	b.mu.Lock()
	live := len(b.tracked)
	b.mu.Unlock()
	if b.journal.count() <= 2*live+256 {
		return
	}
	if err := b.journal.rewrite(b.liveEnvelopes(height)); err != nil {
		b.cfg.Logger.Error("compacting the envelope journal", "err", err)
	}
}
