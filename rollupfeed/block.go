package rollupfeed

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// DecryptedTx is one envelope of a committed block after decryption, the
// input of BuildBlock.
type DecryptedTx struct {
	Hash  common.Hash // the envelope's transaction hash: the bundle id
	Index uint32      // its position in the block
	// Rollups is the envelope's clear destination list (strictly
	// increasing, 1..16 ids, as mempool admits).
	Rollups []uint64
	// Plaintext is the decrypted payload; ignored when Err is set.
	Plaintext []byte
	// Err is non-nil when the payload did not decrypt; the transaction
	// is failed and delivers nothing.
	Err error
}

// FailedTx is a transaction of the block that delivered no leg: its
// payload did not decrypt, or its plaintext did not match its
// destination list. Its fee stays charged; the other transactions of the
// block are unaffected.
type FailedTx struct {
	Hash  common.Hash
	Index uint32
	// Err wraps ErrNotDecrypted, ErrBadBundle or ErrBundleMismatch.
	Err error
}

// Batch is what one rollup receives for one height: its legs in block
// order and the proof that they are all of them. A height at which the
// rollup has no legs still has a batch, empty, with a proof of absence, so
// a subscriber knows the height is complete.
type Batch struct {
	Height int64      `json:"height"`
	Rollup uint64     `json:"rollup"`
	Legs   []BatchLeg `json:"legs"`
	// Path proves the rollup's entry (the root of Legs' tree and their
	// count) is in the batch root. Set exactly when Legs is non-empty.
	Path *AuditPath `json:"path,omitempty"`
	// Absence proves the rollup has no entry. Set exactly when Legs is
	// empty.
	Absence *AbsenceProof `json:"absence,omitempty"`
}

// Entry returns the rollup's entry in the batch tree as the legs
// determine it.
func (b *Batch) Entry() Entry {
	return b.entry(newHasher())
}

func (b *Batch) entry(h *hasher) Entry {
	var scratch []byte
	leaves := make([]common.Hash, len(b.Legs))
	for i := range b.Legs {
		l := &b.Legs[i]
		leaves[i] = l.leaf(h, l.Manifest.commitment(h, &scratch), &scratch)
	}
	return Entry{Rollup: b.Rollup, Root: buildTree(h, leaves).root(), Legs: uint32(len(b.Legs))}
}

// EntryProof is an entry of the batch tree with its audit path.
type EntryProof struct {
	Entry Entry     `json:"entry"`
	Path  AuditPath `json:"path"`
}

// AbsenceProof shows that a rollup has no entry in a batch tree. The
// entries are sorted by rollup id, so it suffices to show the two
// neighbours between which the rollup would sit: Below, the entry with
// the largest id under the rollup's, and Above, the next entry, at
// adjacent positions. Below is nil when the rollup would come first,
// Above when it would come last; both are nil only for the empty tree.
type AbsenceProof struct {
	Below *EntryProof `json:"below,omitempty"`
	Above *EntryProof `json:"above,omitempty"`
}

// LegProof proves one leg is in a batch root: the leg's audit path in its
// rollup's tree, and the rollup's entry with its audit path in the batch
// tree.
type LegProof struct {
	Path  AuditPath  `json:"path"`
	Entry EntryProof `json:"entry"`
}

// ProvenLeg is a leg with its proof.
type ProvenLeg struct {
	Leg   BatchLeg `json:"leg"`
	Proof LegProof `json:"proof"`
}

// Block is the feed's view of one committed block: every rollup's batch,
// the trees over them and the batch root. It is immutable once built; the
// batches and legs it returns share its memory and the input plaintexts,
// and must not be modified.
type Block struct {
	ChainID string
	Height  int64
	// Root is the batch root, the value the committee signs (see
	// BatchMessage) and the app hash of the block that makes the height
	// firm commits to (ordering: firm roots).
	Root common.Hash
	// Entries are the batch tree's entries, sorted by rollup id: one per
	// rollup with at least one leg.
	Entries []Entry
	// Failed lists, in block order, the transactions that delivered
	// nothing.
	Failed []FailedTx

	batches   []*Batch // parallel to Entries
	legTrees  []*tree  // parallel to Entries
	entryTree *tree
	bundles   map[common.Hash][]legRef
}

// legRef locates a leg: the rollup's position in Entries and the leg's in
// its batch.
type legRef struct{ entry, leg int }

// BuildBlock splits a committed block's decrypted transactions into
// per-rollup batches and commits to them. txs must be in block order
// (strictly increasing Index) with distinct hashes and destination lists
// mempool admits; otherwise it returns ErrBadInput. A transaction that did
// not decrypt, or whose plaintext does not open for its destination list
// (see OpenPlaintext), goes to Failed and delivers nothing; this never
// fails the block.
//
// The result is a function of its arguments only, so every node computes
// the same batch root from the same firm block.
func BuildBlock(height int64, chainID string, txs []DecryptedTx) (*Block, error) {
	if _, err := BatchMessage(chainID, height, common.Hash{}); err != nil {
		return nil, err
	}
	b := &Block{ChainID: chainID, Height: height, bundles: make(map[common.Hash][]legRef)}
	type opened struct {
		tx   *DecryptedTx
		legs []Leg
	}
	ok := make([]opened, 0, len(txs))
	perRollup := make(map[uint64]int)
	for i := range txs {
		tx := &txs[i]
		if i > 0 && tx.Index <= txs[i-1].Index {
			return nil, fmt.Errorf("%w: tx %d at position %d follows position %d", ErrBadInput, i, tx.Index, txs[i-1].Index)
		}
		if err := checkRollups(tx.Rollups); err != nil {
			return nil, fmt.Errorf("%w: tx %s: %v", ErrBadInput, tx.Hash, err)
		}
		if _, dup := b.bundles[tx.Hash]; dup {
			return nil, fmt.Errorf("%w: tx %s appears twice", ErrBadInput, tx.Hash)
		}
		b.bundles[tx.Hash] = nil
		if tx.Err != nil {
			b.Failed = append(b.Failed, FailedTx{Hash: tx.Hash, Index: tx.Index, Err: fmt.Errorf("%w: %w", ErrNotDecrypted, tx.Err)})
			continue
		}
		legs, err := OpenPlaintext(tx.Rollups, tx.Plaintext)
		if err != nil {
			b.Failed = append(b.Failed, FailedTx{Hash: tx.Hash, Index: tx.Index, Err: err})
			continue
		}
		ok = append(ok, opened{tx, legs})
		for _, l := range legs {
			perRollup[l.Rollup]++
		}
	}

	rollups := make([]uint64, 0, len(perRollup))
	for r, n := range perRollup {
		if n > math.MaxUint32 {
			return nil, fmt.Errorf("%w: %d legs for rollup %d", ErrBadInput, n, r)
		}
		rollups = append(rollups, r)
	}
	slices.Sort(rollups)
	pos := make(map[uint64]int, len(rollups))
	b.batches = make([]*Batch, len(rollups))
	for i, r := range rollups {
		pos[r] = i
		b.batches[i] = &Batch{Height: height, Rollup: r, Legs: make([]BatchLeg, 0, perRollup[r])}
	}

	h := newHasher()
	var scratch []byte
	leaves := make([][]common.Hash, len(rollups))
	for i, r := range rollups {
		leaves[i] = make([]common.Hash, 0, perRollup[r])
	}
	for _, o := range ok {
		m := Manifest{BundleID: o.tx.Hash, Legs: make([]LegHash, len(o.legs))}
		for j, l := range o.legs {
			m.Legs[j] = LegHash{Rollup: l.Rollup, Hash: h.plain(l.Data)}
		}
		c := m.commitment(h, &scratch)
		refs := make([]legRef, len(o.legs))
		for j, l := range o.legs {
			e := pos[l.Rollup]
			batch := b.batches[e]
			batch.Legs = append(batch.Legs, BatchLeg{Height: height, TxIndex: o.tx.Index, Rollup: l.Rollup, Data: l.Data, Manifest: m})
			leg := &batch.Legs[len(batch.Legs)-1]
			leaves[e] = append(leaves[e], leg.leaf(h, c, &scratch))
			refs[j] = legRef{entry: e, leg: len(batch.Legs) - 1}
		}
		b.bundles[o.tx.Hash] = refs
	}

	b.Entries = make([]Entry, len(rollups))
	b.legTrees = make([]*tree, len(rollups))
	entryLeaves := make([]common.Hash, len(rollups))
	for i, r := range rollups {
		t := buildTree(h, leaves[i])
		b.legTrees[i] = t
		b.Entries[i] = Entry{Rollup: r, Root: t.root(), Legs: uint32(t.size())}
		entryLeaves[i] = b.Entries[i].leaf(h)
	}
	b.entryTree = buildTree(h, entryLeaves)
	b.Root = b.entryTree.root()
	for i, batch := range b.batches {
		p := b.entryTree.path(i)
		batch.Path = &p
	}
	return b, nil
}

// Message returns BatchMessage(b.ChainID, b.Height, b.Root): what the
// committee signs for this block.
func (b *Block) Message() common.Hash {
	m, _ := BatchMessage(b.ChainID, b.Height, b.Root) // checked by BuildBlock
	return m
}

// Rollups returns the rollups with at least one leg, in increasing order.
func (b *Block) Rollups() []uint64 {
	ids := make([]uint64, len(b.Entries))
	for i, e := range b.Entries {
		ids[i] = e.Rollup
	}
	return ids
}

// Batches returns the non-empty batches, by rollup id.
func (b *Block) Batches() []*Batch { return slices.Clone(b.batches) }

// Batch returns rollup's batch: its legs with their inclusion path, or,
// when it has none at this height, an empty batch with a proof of
// absence.
func (b *Block) Batch(rollup uint64) *Batch {
	i, found := slices.BinarySearchFunc(b.Entries, rollup, func(e Entry, r uint64) int {
		switch {
		case e.Rollup < r:
			return -1
		case e.Rollup > r:
			return 1
		}
		return 0
	})
	if found {
		return b.batches[i]
	}
	// Entries[i-1] < rollup < Entries[i].
	a := &AbsenceProof{}
	if i > 0 {
		a.Below = &EntryProof{Entry: b.Entries[i-1], Path: b.entryTree.path(i - 1)}
	}
	if i < len(b.Entries) {
		a.Above = &EntryProof{Entry: b.Entries[i], Path: b.entryTree.path(i)}
	}
	return &Batch{Height: b.Height, Rollup: rollup, Legs: []BatchLeg{}, Absence: a}
}

// Bundle returns every leg of the transaction with hash id, each with its
// proof, in rollup order. It reports false when id is not in the block;
// a failed transaction is in the block with no legs.
func (b *Block) Bundle(id common.Hash) ([]ProvenLeg, bool) {
	refs, ok := b.bundles[id]
	if !ok {
		return nil, false
	}
	out := make([]ProvenLeg, len(refs))
	for i, r := range refs {
		out[i] = ProvenLeg{Leg: b.batches[r.entry].Legs[r.leg], Proof: b.legProof(r)}
	}
	return out, true
}

func (b *Block) legProof(r legRef) LegProof {
	return LegProof{
		Path:  b.legTrees[r.entry].path(r.leg),
		Entry: EntryProof{Entry: b.Entries[r.entry], Path: b.entryTree.path(r.entry)},
	}
}

// batchDomain separates batch messages from every other message the
// committee's eon key signs.
const batchDomain = "veil/batch/v1"

// BatchMessage returns the message the committee signs for a block's
// batch root:
//
//	keccak256("veil/batch/v1" ‖ u8 len(chainID) ‖ chainID ‖ u64 height ‖ batch root)
//
// Sign it with threshold.SecretKeyShare.SignPartial(msg[:]); verify with
// VerifyBatchSignature. The chain id (1..255 bytes) and height (≥ 1) bind
// the root to one block of one chain, so a signature cannot be replayed at
// another height or on another network.
func BatchMessage(chainID string, height int64, batchRoot common.Hash) (common.Hash, error) {
	if len(chainID) == 0 || len(chainID) > math.MaxUint8 {
		return common.Hash{}, fmt.Errorf("%w: chain id of %d bytes, must be 1..255", ErrBadInput, len(chainID))
	}
	if height < 1 {
		return common.Hash{}, fmt.Errorf("%w: height %d, must be at least 1", ErrBadInput, height)
	}
	b := make([]byte, 0, len(batchDomain)+1+len(chainID)+8+common.HashLength)
	b = append(b, batchDomain...)
	b = append(b, byte(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, uint64(height))
	b = append(b, batchRoot[:]...)
	return newHasher().plain(b), nil
}
