package feed

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/threshold"
)

// SignedRoot is a height's batch root with the committee's threshold
// signature on rollupfeed.BatchMessage(chain id, Height, Root) under eon
// Eon's key: what a relayer posts to the L1 BatchInbox and what a rollup
// checks with rollupfeed.VerifyBatchSignature.
type SignedRoot struct {
	Height    int64
	Root      common.Hash
	Eon       uint64
	Signature []byte // threshold.SignatureSize bytes
}

// signedRecordSize is a stored signed root: root ‖ u64 eon ‖ signature.
const signedRecordSize = common.HashLength + 8 + threshold.SignatureSize

// ErrNoSignature reports a height without the committee signature yet.
var ErrNoSignature = errors.New("feed: batch root not signed yet")

// RequireSignatures makes firm deliveries wait for the committee's
// signature: the firm tip becomes the highest height with every height
// up to it firm and signed, so every firm batch carries its signature.
// The soft level is unchanged. Call it before serving, on nodes whose
// keyholders sign batch roots (decrypt.SignaturePool stores them).
func (f *Feed) RequireSignatures() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.needSig = true
	f.broadcast()
}

func (f *Feed) loadSignedTip() (int64, error) {
	b, err := f.db.Get([]byte{tagSigned})
	if err != nil {
		return 0, fmt.Errorf("feed: %w", err)
	}
	if b == nil {
		return 0, nil
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: signed tip", errCorrupt)
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// FirmRoot returns the batch root of a firm height, signed or not (what
// the committee signs). ok is false while the height is not firm.
func (f *Feed) FirmRoot(height int64) (root common.Hash, ok bool, err error) {
	if err := checkRequest(Firm, height); err != nil {
		return common.Hash{}, false, err
	}
	f.mu.Lock()
	firm := height <= f.firmTip
	f.mu.Unlock()
	if !firm {
		return common.Hash{}, false, nil
	}
	b, err := f.firmBlock(height)
	if err != nil {
		return common.Hash{}, false, err
	}
	return b.Root, true, nil
}

// SetSignature stores the committee's signature on a firm height's batch
// root. The caller has verified it (decrypt.SignaturePool does); the
// feed checks only that root is its own root of the height. Setting a
// height twice keeps the first signature.
func (f *Feed) SetSignature(s SignedRoot) error {
	if len(s.Signature) != threshold.SignatureSize {
		return fmt.Errorf("feed: signature of %d bytes, want %d", len(s.Signature), threshold.SignatureSize)
	}
	root, ok, err := f.FirmRoot(s.Height)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: height %d is not firm", ErrNotYet, s.Height)
	}
	if root != s.Root {
		return fmt.Errorf("feed: signature for root %s, height %d has root %s", s.Root, s.Height, root)
	}
	key := keyHeight(tagSig, s.Height)
	f.mu.Lock()
	defer f.mu.Unlock()
	if has, err := f.db.Has(key); err != nil || has {
		return err
	}
	rec := make([]byte, 0, signedRecordSize)
	rec = append(rec, s.Root[:]...)
	rec = binary.BigEndian.AppendUint64(rec, s.Eon)
	rec = append(rec, s.Signature...)
	batch := f.db.NewBatch()
	defer batch.Close()
	if err := batch.Set(key, rec); err != nil {
		return err
	}
	tip, err := f.advanceSigned(batch, f.signedTip, f.unsignedTo, s.Height)
	if err != nil {
		return err
	}
	if err := batch.WriteSync(); err != nil {
		return fmt.Errorf("feed: signature at %d: %w", s.Height, err)
	}
	if tip != f.signedTip {
		f.signedTip = tip
		f.broadcast()
	}
	return nil
}

// SignedTip returns the highest height with every height up to it
// signed.
func (f *Feed) SignedTip() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signedTip
}

// Signature returns a height's signed root: ErrNoSignature if it has
// none yet.
func (f *Feed) Signature(height int64) (*SignedRoot, error) {
	if err := checkRequest(Firm, height); err != nil {
		return nil, err
	}
	raw, err := f.db.Get(keyHeight(tagSig, height))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: height %d", ErrNoSignature, height)
	}
	return decodeSigned(height, raw)
}

func decodeSigned(height int64, raw []byte) (*SignedRoot, error) {
	if len(raw) != signedRecordSize {
		return nil, fmt.Errorf("%w: signed root at %d", errCorrupt, height)
	}
	return &SignedRoot{
		Height:    height,
		Root:      common.BytesToHash(raw[:common.HashLength]),
		Eon:       binary.BigEndian.Uint64(raw[common.HashLength:]),
		Signature: raw[common.HashLength+8:],
	}, nil
}

// SignedRoots returns up to limit signed roots from height from on,
// contiguous but for heights that need no signature (escape.go), which
// it skips: it stops before the first height waiting for a signature.
func (f *Feed) SignedRoots(from int64, limit int) ([]SignedRoot, error) {
	if err := checkRequest(Firm, from); err != nil {
		return nil, err
	}
	var out []SignedRoot
	for h := from; len(out) < limit && h <= MaxHeight; h++ {
		s, err := f.Signature(h)
		if errors.Is(err, ErrNoSignature) {
			if !f.NeedsSignature(h) {
				continue // released unsigned by the escape hatch (escape.go)
			}
			break
		}
		if err != nil {
			return out, err
		}
		out = append(out, *s)
	}
	return out, nil
}
