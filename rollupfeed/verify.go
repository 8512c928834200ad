package rollupfeed

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/threshold"
)

// VerifyBatch checks that batch is exactly its rollup's part of the block
// whose batch root is batchRoot: every leg is for this rollup and height
// and carries a manifest committing to its data, the legs are in block
// order, and their tree's root and count form the entry the path proves in
// batchRoot. An empty batch must instead prove the rollup has no entry.
// Any changed, dropped, added or reordered leg fails, as does a height
// other than the one the legs were committed at.
//
// VerifyBatch checks only the Merkle part: where batchRoot comes from is
// the caller's trust decision. VerifySignedBatch also checks the
// committee's signature binding batchRoot to the chain and batch.Height,
// which is what catches an empty batch relabelled with another height.
func VerifyBatch(batch *Batch, batchRoot common.Hash) error {
	if batch == nil {
		return fmt.Errorf("%w: nil batch", ErrMalformed)
	}
	if batch.Height < 1 {
		return fmt.Errorf("%w: height %d", ErrWrongHeight, batch.Height)
	}
	h := newHasher()
	if len(batch.Legs) == 0 {
		if batch.Path != nil || batch.Absence == nil {
			return fmt.Errorf("%w: an empty batch needs an absence proof and no inclusion path", ErrBadProof)
		}
		return batch.Absence.verify(h, batch.Rollup, batchRoot)
	}
	if batch.Path == nil || batch.Absence != nil {
		return fmt.Errorf("%w: a batch with legs needs an inclusion path and no absence proof", ErrBadProof)
	}
	for i := range batch.Legs {
		l := &batch.Legs[i]
		if err := l.check(h, batch.Height, batch.Rollup); err != nil {
			return err
		}
		if i > 0 && l.TxIndex <= batch.Legs[i-1].TxIndex {
			return fmt.Errorf("%w: leg %d at position %d follows position %d", ErrLegOrder, i, l.TxIndex, batch.Legs[i-1].TxIndex)
		}
	}
	if uint64(len(batch.Legs)) > uint64(^uint32(0)) {
		return fmt.Errorf("%w: %d legs", ErrMalformed, len(batch.Legs))
	}
	e := batch.entry(h)
	if err := batch.Path.verify(h, e.leaf(h), batchRoot); err != nil {
		return fmt.Errorf("rollup %d at height %d: %w", batch.Rollup, batch.Height, err)
	}
	return nil
}

// VerifyLeg checks that leg is in the block whose batch root is batchRoot:
// its audit path leads to its rollup's entry root, the path's tree size is
// the entry's leg count (which fixes the leg's position among the
// rollup's legs), and the entry is in batchRoot. The leg's height and
// position in the block are part of its leaf; a caller trusting batchRoot
// for height H must also check leg.Height == H.
func VerifyLeg(leg *BatchLeg, proof *LegProof, batchRoot common.Hash) error {
	if leg == nil || proof == nil {
		return fmt.Errorf("%w: nil leg or proof", ErrMalformed)
	}
	if leg.Height < 1 {
		return fmt.Errorf("%w: height %d", ErrWrongHeight, leg.Height)
	}
	e := &proof.Entry.Entry
	if e.Rollup != leg.Rollup {
		return fmt.Errorf("%w: leg for rollup %d, entry for rollup %d", ErrWrongRollup, leg.Rollup, e.Rollup)
	}
	h := newHasher()
	if err := leg.check(h, leg.Height, leg.Rollup); err != nil {
		return err
	}
	if proof.Path.Size != uint64(e.Legs) {
		return fmt.Errorf("%w: path in a tree of %d legs, the entry has %d", ErrBadProof, proof.Path.Size, e.Legs)
	}
	var scratch []byte
	if err := proof.Path.verify(h, leg.leaf(h, leg.Manifest.commitment(h, &scratch), &scratch), e.Root); err != nil {
		return fmt.Errorf("leg in rollup %d: %w", e.Rollup, err)
	}
	if err := proof.Entry.Path.verify(h, e.leaf(h), batchRoot); err != nil {
		return fmt.Errorf("entry of rollup %d: %w", e.Rollup, err)
	}
	return nil
}

// verify checks that rollup has no entry in the batch tree with root
// root.
//
// Why neighbours suffice: the verifier cannot know the tree's size, and
// an RFC 9162 path does not pin it (a path for the last leaf of a tree of
// 3 also verifies as the last leaf of a tree of 2 whose left leaf is the
// real tree's left subtree). But each hash on the way up is
// keccak256(0x01 ‖ left ‖ right), so a path that verifies retraces a real
// root-to-leaf route of left/right turns, and it ends at a real leaf
// because leaf and interior hashes have different prefixes. Turns
// determine order: two claimed neighbours (i, i+1) in any claimed size
// are reached by a common prefix then left-then-all-right and
// right-then-all-left, i.e. the rightmost leaf of some node's left
// subtree and the leftmost of its right subtree, which are adjacent in
// the real tree. Likewise a claimed first leaf (index 0: all left turns)
// is the real first leaf and a claimed last leaf (all right turns) the
// real last. So sorted neighbours enclosing the rollup leave no room for
// its entry, and forging one needs a keccak256 collision.
func (a *AbsenceProof) verify(h *hasher, rollup uint64, root common.Hash) error {
	if a.Below == nil && a.Above == nil {
		if root != EmptyRoot {
			return fmt.Errorf("%w: rollup %d: no neighbours, but the batch root is not the empty tree's", ErrNotAbsent, rollup)
		}
		return nil
	}
	for _, p := range []*EntryProof{a.Below, a.Above} {
		if p == nil {
			continue
		}
		if err := p.Path.verify(h, p.Entry.leaf(h), root); err != nil {
			if errors.Is(err, ErrBadProof) {
				return err
			}
			return fmt.Errorf("%w: rollup %d: neighbour %d: %w", ErrNotAbsent, rollup, p.Entry.Rollup, err)
		}
	}
	switch b, c := a.Below, a.Above; {
	case b != nil && b.Entry.Rollup >= rollup:
		return fmt.Errorf("%w: rollup %d: entry below is %d", ErrNotAbsent, rollup, b.Entry.Rollup)
	case c != nil && c.Entry.Rollup <= rollup:
		return fmt.Errorf("%w: rollup %d: entry above is %d", ErrNotAbsent, rollup, c.Entry.Rollup)
	case b != nil && c != nil && (b.Path.Size != c.Path.Size || b.Path.Index+1 != c.Path.Index):
		return fmt.Errorf("%w: rollup %d: neighbours at %d/%d and %d/%d are not adjacent", ErrNotAbsent, rollup,
			b.Path.Index, b.Path.Size, c.Path.Index, c.Path.Size)
	case b == nil && c.Path.Index != 0:
		return fmt.Errorf("%w: rollup %d: entry above is at %d, not first", ErrNotAbsent, rollup, c.Path.Index)
	case c == nil && b.Path.Index != b.Path.Size-1:
		return fmt.Errorf("%w: rollup %d: entry below is at %d of %d, not last", ErrNotAbsent, rollup, b.Path.Index, b.Path.Size)
	}
	return nil
}

// VerifyBatchSignature checks the committee's threshold signature on
// BatchMessage(chainID, height, batchRoot) under the eon key pk.
func VerifyBatchSignature(pk *threshold.EonPublicKey, chainID string, height int64, batchRoot common.Hash, sig *threshold.Signature) error {
	msg, err := BatchMessage(chainID, height, batchRoot)
	if err != nil {
		return err
	}
	if err := threshold.VerifySignature(pk, msg[:], sig); err != nil {
		return fmt.Errorf("%w: chain %q height %d: %w", ErrBadSignature, chainID, height, err)
	}
	return nil
}

// VerifySignedBatch checks the committee's signature on batchRoot for
// chainID at batch.Height, then the batch against batchRoot (VerifyBatch).
// It is what a rollup that trusts the committee's eon key, and nothing
// else, runs on each batch it receives.
func VerifySignedBatch(pk *threshold.EonPublicKey, chainID string, batch *Batch, batchRoot common.Hash, sig *threshold.Signature) error {
	if batch == nil {
		return fmt.Errorf("%w: nil batch", ErrMalformed)
	}
	if err := VerifyBatchSignature(pk, chainID, batch.Height, batchRoot, sig); err != nil {
		return err
	}
	return VerifyBatch(batch, batchRoot)
}
