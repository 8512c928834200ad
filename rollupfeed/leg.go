package rollupfeed

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Manifest describes the bundle a leg belongs to, so that each rollup
// receiving one leg learns which other rollups received the others and
// what they received. Every leg of a bundle carries the same manifest.
type Manifest struct {
	// BundleID is the envelope's transaction hash.
	BundleID common.Hash `json:"bundle_id"`
	// Legs are the bundle's legs by rollup, strictly increasing: the
	// envelope's clear destination list, each with the hash of the data
	// that rollup receives.
	Legs []LegHash `json:"legs"`
}

// LegHash commits to one leg of a bundle: Hash is keccak256(data).
type LegHash struct {
	Rollup uint64      `json:"rollup"`
	Hash   common.Hash `json:"hash"`
}

// Rollups returns the participating rollups, in increasing order.
func (m *Manifest) Rollups() []uint64 {
	ids := make([]uint64, len(m.Legs))
	for i, l := range m.Legs {
		ids[i] = l.Rollup
	}
	return ids
}

// Commitment returns keccak256(0x02 ‖ manifest encoding), the value every
// leg leaf of the bundle includes (see the package documentation).
func (m *Manifest) Commitment() common.Hash {
	var scratch []byte
	return m.commitment(newHasher(), &scratch)
}

func (m *Manifest) commitment(h *hasher, scratch *[]byte) common.Hash {
	*scratch = m.appendEncoding((*scratch)[:0])
	return h.sum(manifestPrefix, *scratch)
}

// appendEncoding appends bundle id ‖ u8 N ‖ N × (u64 rollup ‖ [32] hash).
func (m *Manifest) appendEncoding(b []byte) []byte {
	b = append(b, m.BundleID[:]...)
	b = append(b, byte(len(m.Legs)))
	for _, l := range m.Legs {
		b = binary.BigEndian.AppendUint64(b, l.Rollup)
		b = append(b, l.Hash[:]...)
	}
	return b
}

// check rejects manifests BuildBlock never makes: 1..16 legs, strictly
// increasing rollups.
func (m *Manifest) check() error {
	if len(m.Legs) == 0 || len(m.Legs) > MaxBundleLegs {
		return fmt.Errorf("%w: %d legs, must be 1..%d", ErrBadManifest, len(m.Legs), MaxBundleLegs)
	}
	for i := 1; i < len(m.Legs); i++ {
		if m.Legs[i].Rollup <= m.Legs[i-1].Rollup {
			return fmt.Errorf("%w: rollup %d after %d (must increase)", ErrBadManifest, m.Legs[i].Rollup, m.Legs[i-1].Rollup)
		}
	}
	return nil
}

// BatchLeg is one leg as a rollup receives it: its data, where the
// transaction stands in the block, and the manifest of its bundle.
type BatchLeg struct {
	Height   int64    `json:"height"`
	TxIndex  uint32   `json:"tx_index"` // the envelope's position in the block
	Rollup   uint64   `json:"rollup"`
	Data     []byte   `json:"data"`
	Manifest Manifest `json:"manifest"`
}

// legFixedSize counts the fixed-width fields of the canonical leg
// encoding: height, tx index, bundle id, rollup, manifest commitment,
// data length.
const legFixedSize = 8 + 4 + common.HashLength + 8 + common.HashLength + 4

// appendCanonical appends the canonical leg encoding, the preimage of the
// leg leaf after its 0x00 prefix:
//
//	u64 height ‖ u32 tx index ‖ [32] bundle id ‖ u64 rollup id ‖
//	[32] manifest commitment ‖ u32 data length ‖ data
func (l *BatchLeg) appendCanonical(b []byte, commitment common.Hash) []byte {
	b = slices.Grow(b, legFixedSize+len(l.Data))
	b = binary.BigEndian.AppendUint64(b, uint64(l.Height))
	b = binary.BigEndian.AppendUint32(b, l.TxIndex)
	b = append(b, l.Manifest.BundleID[:]...)
	b = binary.BigEndian.AppendUint64(b, l.Rollup)
	b = append(b, commitment[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(l.Data)))
	return append(b, l.Data...)
}

// Leaf returns the leg's leaf hash, keccak256(0x00 ‖ canonical leg
// encoding).
func (l *BatchLeg) Leaf() common.Hash {
	var scratch []byte
	h := newHasher()
	return l.leaf(h, l.Manifest.commitment(h, &scratch), &scratch)
}

// leaf hashes the leg whose manifest commitment is c, reusing *scratch.
func (l *BatchLeg) leaf(h *hasher, c common.Hash, scratch *[]byte) common.Hash {
	*scratch = l.appendCanonical((*scratch)[:0], c)
	return h.sum(leafPrefix, *scratch)
}

// check verifies what a leg claims about itself: it is for rollup at
// height, and its manifest is well formed and commits to its data.
func (l *BatchLeg) check(h *hasher, height int64, rollup uint64) error {
	if l.Height != height {
		return fmt.Errorf("%w: leg at height %d in a batch of height %d", ErrWrongHeight, l.Height, height)
	}
	if l.Rollup != rollup {
		return fmt.Errorf("%w: leg for rollup %d in a batch for rollup %d", ErrWrongRollup, l.Rollup, rollup)
	}
	if err := l.Manifest.check(); err != nil {
		return err
	}
	for _, m := range l.Manifest.Legs {
		if m.Rollup == l.Rollup {
			if m.Hash != h.plain(l.Data) {
				return fmt.Errorf("%w: tx %d: data hash differs from the manifest's", ErrBadManifest, l.TxIndex)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: tx %d: manifest does not list rollup %d", ErrBadManifest, l.TxIndex, l.Rollup)
}

// Entry is one rollup's entry in a block's batch tree: the root of its
// legs' tree and how many legs it has.
type Entry struct {
	Rollup uint64      `json:"rollup"`
	Root   common.Hash `json:"root"`
	Legs   uint32      `json:"legs"`
}

const entrySize = 8 + common.HashLength + 4

// leaf returns keccak256(0x00 ‖ u64 rollup ‖ [32] root ‖ u32 leg count).
func (e *Entry) leaf(h *hasher) common.Hash {
	var b [entrySize]byte
	binary.BigEndian.PutUint64(b[:], e.Rollup)
	copy(b[8:], e.Root[:])
	binary.BigEndian.PutUint32(b[8+common.HashLength:], e.Legs)
	return h.sum(leafPrefix, b[:])
}
