package feed

import (
	"encoding/binary"
	"fmt"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/veilseq/veil/ordering"
)

// Heights the committee cannot sign.
//
// A block resolved by the escape hatch (ordering.FirmBlock.Escaped) is
// firm because the committee withheld its keys: it is offline or
// refusing, so it will not sign that height's batch root, nor the firm
// heights around it (empty blocks need a signature too). When a block
// records an escape-hatch resolution, every height up to the feed's firm
// tip after that block is marked as needing no signature: the signed tip
// passes over those without one, firm deliveries do not wait for them,
// and SignedRoots skips them, so a relayer leaves a gap on L1 (the batch
// inbox allows gaps) instead of stalling. Signatures that still arrive
// for such heights are stored and served as usual; heights made firm
// later wait for a signature again until the next resolution. The firm
// proof (app hash) still covers every height.

// tagUnsigned: → u64, the highest height that needs no signature.
const tagUnsigned = 'u'

func (f *Feed) loadUnsignedTo() (int64, error) {
	b, err := f.db.Get([]byte{tagUnsigned})
	if err != nil {
		return 0, fmt.Errorf("feed: %w", err)
	}
	if b == nil {
		return 0, nil
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: unsigned tip", errCorrupt)
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// escapedBlock reports whether b records an escape-hatch resolution.
func escapedBlock(b ordering.CommittedBlock) bool {
	for _, fb := range b.Firm {
		if fb.Escaped {
			return true
		}
	}
	return false
}

// NeedsSignature reports whether a firm height waits for the committee's
// signature: false for heights an escape-hatch resolution released.
func (f *Feed) NeedsSignature(height int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return height > f.unsignedTo
}

// advanceSigned returns the signed tip from tip on: heights up to
// unsignedTo and heights with a stored signature (or the height just
// signed, extra) pass. It writes the new tip to batch when it moved.
func (f *Feed) advanceSigned(batch dbm.Batch, tip, unsignedTo, extra int64) (int64, error) {
	start := tip
	for {
		if tip+1 <= unsignedTo || tip+1 == extra {
			tip++
			continue
		}
		has, err := f.db.Has(keyHeight(tagSig, tip+1))
		if err != nil {
			return 0, err
		}
		if !has {
			break
		}
		tip++
	}
	if tip != start {
		if err := batch.Set([]byte{tagSigned}, binary.BigEndian.AppendUint64(nil, uint64(tip))); err != nil {
			return 0, err
		}
	}
	return tip, nil
}
