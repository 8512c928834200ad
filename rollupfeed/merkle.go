package rollupfeed

import (
	"fmt"
	"hash"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/sha3"
)

// Domain-separation prefixes: the first byte of every keccak256 input
// that is a tree node or a manifest, so that no leaf, interior node or
// manifest commitment can stand in for another (RFC 9162 §2.1.1 for the
// first two).
const (
	leafPrefix     = 0x00
	nodePrefix     = 0x01
	manifestPrefix = 0x02
)

// EmptyRoot is the hash of a tree with no leaves: keccak256("") (RFC 9162
// §2.1.1, MTH({}) = HASH()). It is the batch root of a block whose
// transactions delivered no leg.
var EmptyRoot = common.HexToHash("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")

// MaxPathLen bounds an audit path: a tree of up to 2^64−1 leaves has depth
// at most 64.
const MaxPathLen = 64

// AuditPath is an RFC 9162 §2.1.3 inclusion proof: the sibling hashes from
// the leaf at Index up to the root of a tree of Size leaves, leaf side
// first.
type AuditPath struct {
	Index  uint64        `json:"index"`
	Size   uint64        `json:"size"`
	Hashes []common.Hash `json:"hashes"`
}

// hasher is a reusable keccak256 state: computing a tree allocates
// nothing per node. It uses x/crypto's Keccak, which runs the permutation
// in assembly on amd64 (1.5x go-ethereum's pure-Go one here).
type hasher struct {
	k   hash.Hash
	buf [1 + 2*common.HashLength]byte
	out [common.HashLength]byte
}

func newHasher() *hasher { return &hasher{k: sha3.NewLegacyKeccak256()} }

func (h *hasher) finish() (out common.Hash) {
	copy(out[:], h.k.Sum(h.out[:0]))
	return out
}

// node returns keccak256(0x01 ‖ l ‖ r).
func (h *hasher) node(l, r *common.Hash) common.Hash {
	h.buf[0] = nodePrefix
	copy(h.buf[1:], l[:])
	copy(h.buf[1+common.HashLength:], r[:])
	h.k.Reset()
	h.k.Write(h.buf[:])
	return h.finish()
}

// sum returns keccak256(prefix ‖ b).
func (h *hasher) sum(prefix byte, b []byte) common.Hash {
	h.buf[0] = prefix
	h.k.Reset()
	h.k.Write(h.buf[:1])
	h.k.Write(b)
	return h.finish()
}

// plain returns keccak256(b).
func (h *hasher) plain(b []byte) common.Hash {
	h.k.Reset()
	h.k.Write(b)
	return h.finish()
}

// tree holds every level of an RFC 9162 Merkle tree over leaf hashes,
// built bottom-up: each level pairs neighbours left to right and carries
// a last unpaired node up unchanged. That gives the same tree as the
// RFC's recursive definition (split at the largest power of two below n),
// which treeHashRef spells out and the tests compare against.
type tree struct {
	levels [][]common.Hash // levels[0] are the leaves; the last level has one node
}

func buildTree(h *hasher, leaves []common.Hash) *tree {
	t := &tree{levels: [][]common.Hash{leaves}}
	for level := leaves; len(level) > 1; {
		next := make([]common.Hash, (len(level)+1)/2)
		for i := 0; i+1 < len(level); i += 2 {
			next[i/2] = h.node(&level[i], &level[i+1])
		}
		if len(level)%2 == 1 {
			next[len(next)-1] = level[len(level)-1]
		}
		t.levels = append(t.levels, next)
		level = next
	}
	return t
}

func (t *tree) size() int { return len(t.levels[0]) }

func (t *tree) root() common.Hash {
	if t.size() == 0 {
		return EmptyRoot
	}
	return t.levels[len(t.levels)-1][0]
}

// path returns the audit path of leaf i: at each level the sibling, when
// the node has one (a carried-up last node has none at that level).
func (t *tree) path(i int) AuditPath {
	p := AuditPath{Index: uint64(i), Size: uint64(t.size())}
	for _, level := range t.levels[:len(t.levels)-1] {
		if s := i ^ 1; s < len(level) {
			p.Hashes = append(p.Hashes, level[s])
		}
		i >>= 1
	}
	return p
}

// pathLen is the length of every valid audit path for leaf index of a
// tree of size leaves: one hash per level at which the node has a
// sibling.
func pathLen(index, size uint64) int {
	n := 0
	for last := size - 1; last > 0; index, last = index>>1, last>>1 {
		if index^1 <= last {
			n++
		}
	}
	return n
}

// checkShape rejects paths no tree has: an index outside the tree, or a
// length other than the one (index, size) determines.
func (p *AuditPath) checkShape() error {
	if p.Index >= p.Size {
		return fmt.Errorf("%w: index %d in a tree of %d", ErrBadProof, p.Index, p.Size)
	}
	if want := pathLen(p.Index, p.Size); len(p.Hashes) != want {
		return fmt.Errorf("%w: path of %d hashes, leaf %d of %d needs %d", ErrBadProof, len(p.Hashes), p.Index, p.Size, want)
	}
	return nil
}

// rootFrom computes the root an audit path leads to from leaf. It walks
// the levels as buildTree does, so a path of the shape checkShape accepts
// is consumed exactly; the result equals RFC 9162 §2.1.3.2's algorithm
// (rfcRootFrom in the tests) for every such path. The caller checks the
// shape first.
func (p *AuditPath) rootFrom(h *hasher, leaf common.Hash) common.Hash {
	r, k := leaf, 0
	for index, last := p.Index, p.Size-1; last > 0; index, last = index>>1, last>>1 {
		if index^1 > last {
			continue // the level's last node, carried up without a sibling
		}
		if index&1 == 1 {
			r = h.node(&p.Hashes[k], &r)
		} else {
			r = h.node(&r, &p.Hashes[k])
		}
		k++
	}
	return r
}

// verify checks that leaf is at p.Index of the tree of p.Size leaves whose
// root is root.
func (p *AuditPath) verify(h *hasher, leaf, root common.Hash) error {
	if err := p.checkShape(); err != nil {
		return err
	}
	if p.rootFrom(h, leaf) != root {
		return ErrRootMismatch
	}
	return nil
}
