package feed

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
)

// Firm proofs.
//
// Block K's app hash commits to the batch roots K recorded (see package
// ordering), and the header of K+1, which the validators sign, carries
// that app hash. For every firm height H the feed stores which block
// recorded its root and, per recording block, the rollupfeed.FirmProof
// the application handed it (CommittedBlock.FirmProof); it checks that
// every root there is the root of the batches it builds itself. A height
// is served at the firm level once its proof is complete: once K+1 is
// committed, one block after its keys were recorded. The signed header
// of K+1 comes from the node's block store (Config.Commits).

// Commits gives the feed the signed headers of committed blocks: the
// header and the commit of its validators. internal/node implements it
// over CometBFT's block store.
type Commits interface {
	SignedHeader(ctx context.Context, height int64) (*cmttypes.SignedHeader, error)
}

// Store keys of the proofs.
const (
	tagProof    = 'P' // u64 recording height K → rollupfeed.FirmProof of K
	tagRecorded = 'r' // u64 firm height → u64 recording height K
	tagProven   = 'v' // → u64 proven tip
)

// ErrRootMismatch reports that the application recorded another batch
// root than the one the feed built from the same firm block: a bug in
// one of them, never a matter of the input.
var ErrRootMismatch = errors.New("feed: application and feed disagree on a batch root")

// FirmEvidence is what makes a firm batch verifiable without trusting the
// serving node: the proof that AppHash(Proof.RecordedAt) commits to the
// batch root, and the header of RecordedAt+1 with its commit.
type FirmEvidence struct {
	Proof *rollupfeed.FirmProof
	// Header is nil when the feed has no Commits source (tests and
	// embedded use only).
	Header *cmttypes.SignedHeader
}

// checkRoots verifies that b records exactly the batch roots of the
// heights it makes firm, as the feed builds them from firm (the firm
// inputs by height), and returns the built blocks.
func (f *Feed) checkRoots(b ordering.CommittedBlock, firm map[int64][]rollupfeed.DecryptedTx) (map[int64]*rollupfeed.Block, error) {
	if len(b.FirmRoots) != len(firm) {
		return nil, fmt.Errorf("%w: block %d records %d roots for %d firm heights", ErrRootMismatch, b.Height, len(b.FirmRoots), len(firm))
	}
	if p := b.FirmProof(); p != nil {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("feed: firm proof of block %d: %w", b.Height, err)
		}
	}
	built := make(map[int64]*rollupfeed.Block, len(firm))
	for _, r := range b.FirmRoots {
		txs, ok := firm[r.Height]
		if !ok {
			return nil, fmt.Errorf("%w: block %d records a root for height %d, which it does not make firm", ErrRootMismatch, b.Height, r.Height)
		}
		blk, err := rollupfeed.BuildBlock(r.Height, f.cfg.ChainID, txs)
		if err != nil {
			return nil, fmt.Errorf("feed: height %d: %w", r.Height, err)
		}
		if blk.Root != r.Root {
			return nil, fmt.Errorf("%w: height %d: application %s, feed %s", ErrRootMismatch, r.Height, r.Root, blk.Root)
		}
		built[r.Height] = blk
	}
	return built, nil
}

// writeProof stores b's firm proof and which heights it proves.
func writeProof(batch interface{ Set(k, v []byte) error }, b ordering.CommittedBlock) error {
	p := b.FirmProof()
	if p == nil {
		return nil
	}
	enc, err := p.MarshalBinary()
	if err != nil {
		return err
	}
	if err := batch.Set(keyHeight(tagProof, b.Height), enc); err != nil {
		return err
	}
	for _, r := range p.Roots {
		if err := batch.Set(keyHeight(tagRecorded, r.Height), binary.BigEndian.AppendUint64(nil, uint64(b.Height))); err != nil {
			return err
		}
	}
	return nil
}

// recordedAt returns the block that recorded height's root.
func (f *Feed) recordedAt(height int64) (int64, bool, error) {
	raw, err := f.db.Get(keyHeight(tagRecorded, height))
	if err != nil || raw == nil {
		return 0, false, err
	}
	if len(raw) != 8 {
		return 0, false, fmt.Errorf("%w: recording height of %d", errCorrupt, height)
	}
	return int64(binary.BigEndian.Uint64(raw)), true, nil
}

// advanceProven moves the proven tip over the firm heights whose
// recording block K has K+1 committed, given the heights b just proved
// (recorded). f.mu is held.
func (f *Feed) advanceProven(firmTip, committed int64, recorded map[int64]int64) (int64, error) {
	tip := f.provenTip
	for tip < firmTip {
		at, ok := recorded[tip+1]
		if !ok {
			var err error
			if at, ok, err = f.recordedAt(tip + 1); err != nil {
				return 0, err
			}
			if !ok {
				return 0, fmt.Errorf("%w: firm height %d without a recording height", errCorrupt, tip+1)
			}
		}
		if at >= committed {
			break
		}
		tip++
	}
	return tip, nil
}

func (f *Feed) loadProvenTip() (int64, error) {
	b, err := f.db.Get([]byte{tagProven})
	if err != nil {
		return 0, fmt.Errorf("feed: %w", err)
	}
	if b == nil {
		return 0, nil
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: proven tip", errCorrupt)
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// FirmEvidence returns the proof that the chain committed to height's
// batch root: ErrNotYet until the height is served at the firm level.
func (f *Feed) FirmEvidence(ctx context.Context, height int64) (*FirmEvidence, error) {
	if err := checkRequest(Firm, height); err != nil {
		return nil, err
	}
	f.mu.Lock()
	tip := f.provenTip
	f.mu.Unlock()
	if height > tip {
		return nil, fmt.Errorf("%w: height %d, proven tip %d", ErrNotYet, height, tip)
	}
	at, ok, err := f.recordedAt(height)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: firm height %d without a recording height", errCorrupt, height)
	}
	raw, err := f.db.Get(keyHeight(tagProof, at))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	p, err := rollupfeed.ParseFirmProof(raw)
	if err != nil || p.RecordedAt != at {
		return nil, fmt.Errorf("%w: firm proof of %d: %v", errCorrupt, at, err)
	}
	ev := &FirmEvidence{Proof: p}
	if f.cfg.Commits == nil {
		return ev, nil
	}
	ev.Header, err = f.cfg.Commits.SignedHeader(ctx, at+1)
	if err != nil {
		return nil, fmt.Errorf("feed: signed header of %d: %w", at+1, err)
	}
	return ev, nil
}

// Check verifies that ev proves root as height's batch root up to the
// header's app hash: the proof holds root, and the header is the one
// after the recording block with the proof's app hash. It does not check
// the commit's signatures (the SDK does, against a trusted validator
// set).
func (ev *FirmEvidence) Check(height int64, root common.Hash) error {
	if err := ev.Proof.Check(height, root); err != nil {
		return err
	}
	if ev.Header == nil || ev.Header.Header == nil {
		return nil
	}
	if ev.Header.Height != ev.Proof.RecordedAt+1 {
		return fmt.Errorf("%w: header of height %d, proof recorded at %d", rollupfeed.ErrNotFirm, ev.Header.Height, ev.Proof.RecordedAt)
	}
	if got := ev.Proof.AppHash(); string(got) != string(ev.Header.AppHash) {
		return fmt.Errorf("%w: proof gives app hash %X, header has %X", rollupfeed.ErrNotFirm, got, []byte(ev.Header.AppHash))
	}
	return nil
}
