package ordering

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

// Firm batch roots in consensus.
//
// FinalizeBlock of block K computes the batch root (rollupfeed.BuildBlock)
// of every height whose firm batch K makes known: K itself when it has no
// envelopes (its batch is empty), and every height whose keys K records.
// Each is stored as a hashed record 'R' height → root ‖ K, and the app hash
// of K commits to the list in a separate term (appHash), so the header of
// K+1, which the validators sign, covers them; the inputs a light client
// needs besides the header are kept as 'P' K → rollupfeed.FirmProof.

// firmRoots computes the batch roots block height records: its own when
// empty, then each firm block's, in increasing height order.
func firmRoots(chainID string, height int64, empty bool, firm []FirmBlock) ([]rollupfeed.FirmRoot, error) {
	var roots []rollupfeed.FirmRoot
	for _, fb := range firm {
		b, err := rollupfeed.BuildBlock(fb.Height, chainID, fb.DecryptedTxs())
		if err != nil {
			return nil, fmt.Errorf("%w: batch root of height %d: %v", ErrInternal, fb.Height, err)
		}
		roots = append(roots, rollupfeed.FirmRoot{Height: fb.Height, Root: b.Root})
	}
	if empty {
		b, err := rollupfeed.BuildBlock(height, chainID, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: batch root of height %d: %v", ErrInternal, height, err)
		}
		roots = append(roots, rollupfeed.FirmRoot{Height: height, Root: b.Root})
	}
	// Key records are applied oldest first, and a block records only
	// earlier heights than itself; sort anyway, the hash requires it.
	slices.SortFunc(roots, func(x, y rollupfeed.FirmRoot) int { return cmp.Compare(x.Height, y.Height) })
	return roots, nil
}

// writeFirmRoots records roots as recorded at height.
func writeFirmRoots(o *overlay, height int64, roots []rollupfeed.FirmRoot) {
	for _, r := range roots {
		v := append([]byte{recordVersion}, r.Root[:]...)
		o.set(keyU64(tagFirmRoot, uint64(r.Height)), binary.BigEndian.AppendUint64(v, uint64(height)))
	}
}

// FirmRoot returns the batch root the chain recorded for height and the
// block that recorded it (whose app hash commits to it; the header of
// recordedAt+1 carries that app hash). ok is false while height's firm
// batch is unknown: its keys are not recorded yet, or it is not committed.
// It reads the last committed state and is safe for concurrent use.
func (a *App) FirmRoot(height int64) (root common.Hash, recordedAt int64, ok bool, err error) {
	err = a.read(func(g getter, _ committed) error {
		b, err := g.get(keyU64(tagFirmRoot, uint64(height)))
		if err != nil || b == nil {
			return err
		}
		if len(b) != 1+32+8 || b[0] != recordVersion {
			return fmt.Errorf("%w: firm root of height %d", errCorrupt, height)
		}
		root, recordedAt, ok = common.Hash(b[1:33]), int64(binary.BigEndian.Uint64(b[33:])), true
		return nil
	})
	return root, recordedAt, ok, err
}

// FirmProof returns the inputs of the app hash of block recordedAt, which
// commits to the batch roots that block recorded; ok is false when it
// recorded none or is not committed. Safe for concurrent use.
func (a *App) FirmProof(recordedAt int64) (proof *rollupfeed.FirmProof, ok bool, err error) {
	err = a.read(func(g getter, st committed) error {
		if recordedAt > st.height {
			return nil
		}
		b, err := g.get(keyU64(tagFirmProof, uint64(recordedAt)))
		if err != nil || b == nil {
			return err
		}
		proof, err = rollupfeed.ParseFirmProof(b)
		if err != nil || proof.RecordedAt != recordedAt {
			return fmt.Errorf("%w: firm proof of height %d", errCorrupt, recordedAt)
		}
		ok = true
		return nil
	})
	return proof, ok, err
}

// prevAppHash is the app hash a block chains onto, as appHash reads it.
func prevAppHash(h []byte) []byte {
	if len(h) == 0 {
		return make([]byte, 32)
	}
	return h
}
