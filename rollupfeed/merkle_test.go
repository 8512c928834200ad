package rollupfeed

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The reference routines below transcribe RFC 9162 §2.1 literally. The
// package's bottom-up tree, its path extraction and its level-walking
// verification are checked against them.

// largestPow2Below returns the largest power of two k < n (n > 1).
func largestPow2Below(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func nodeRef(l, r common.Hash) common.Hash {
	return crypto.Keccak256Hash([]byte{nodePrefix}, l[:], r[:])
}

// treeHashRef is MTH over leaf hashes (§2.1.1).
func treeHashRef(leaves []common.Hash) common.Hash {
	switch n := len(leaves); n {
	case 0:
		return crypto.Keccak256Hash()
	case 1:
		return leaves[0]
	default:
		k := largestPow2Below(n)
		return nodeRef(treeHashRef(leaves[:k]), treeHashRef(leaves[k:]))
	}
}

// pathRef is PATH(m, D[n]) (§2.1.3.1).
func pathRef(m int, leaves []common.Hash) []common.Hash {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := largestPow2Below(n)
	if m < k {
		return append(pathRef(m, leaves[:k]), treeHashRef(leaves[k:]))
	}
	return append(pathRef(m-k, leaves[k:]), treeHashRef(leaves[:k]))
}

// rfcVerify is the verification algorithm of §2.1.3.2.
func rfcVerify(p AuditPath, leaf, root common.Hash) bool {
	if p.Index >= p.Size {
		return false
	}
	fn, sn := p.Index, p.Size-1
	r := leaf
	for _, s := range p.Hashes {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			r = nodeRef(s, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeRef(r, s)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && r == root
}

func testLeaves(n int) []common.Hash {
	leaves := make([]common.Hash, n)
	for i := range leaves {
		leaves[i] = crypto.Keccak256Hash([]byte{leafPrefix}, fmt.Appendf(nil, "leaf %d", i))
	}
	return leaves
}

func TestEmptyRootIsKeccakOfNothing(t *testing.T) {
	if got := crypto.Keccak256Hash(); got != EmptyRoot {
		t.Fatalf("keccak256(\"\") = %s, EmptyRoot = %s", got, EmptyRoot)
	}
}

func TestTreeMatchesRFC9162(t *testing.T) {
	h := newHasher()
	for n := 0; n <= 70; n++ {
		leaves := testLeaves(n)
		tr := buildTree(h, leaves)
		root := treeHashRef(leaves)
		if tr.root() != root {
			t.Fatalf("n=%d: root %s, reference %s", n, tr.root(), root)
		}
		for i := range n {
			p := tr.path(i)
			want := pathRef(i, leaves)
			if fmt.Sprint(p.Hashes) != fmt.Sprint(want) {
				t.Fatalf("n=%d i=%d: path differs from PATH(m, D[n])", n, i)
			}
			if len(p.Hashes) != pathLen(uint64(i), uint64(n)) {
				t.Fatalf("n=%d i=%d: pathLen %d, path has %d", n, i, pathLen(uint64(i), uint64(n)), len(p.Hashes))
			}
			if err := p.verify(h, leaves[i], root); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			if !rfcVerify(p, leaves[i], root) {
				t.Fatalf("n=%d i=%d: the RFC algorithm rejects the path", n, i)
			}
		}
	}
}

// Every way of bending a valid path either fails both verifiers or (when
// the RFC algorithm itself accepts another tree size, see AbsenceProof's
// comment) is rejected by the shape check: verify never accepts what the
// RFC algorithm rejects, and never accepts a wrong leaf or root.
func TestPathVerifyRejects(t *testing.T) {
	h := newHasher()
	leaves := testLeaves(13)
	tr := buildTree(h, leaves)
	root := tr.root()
	for i := range leaves {
		good := tr.path(i)
		check := func(name string, p AuditPath, leaf, root common.Hash, want error) {
			t.Helper()
			err := p.verify(h, leaf, root)
			if !errors.Is(err, want) {
				t.Errorf("leaf %d, %s: %v, want %v", i, name, err, want)
			}
			if err == nil && !rfcVerify(p, leaf, root) {
				t.Errorf("leaf %d, %s: accepted what RFC 9162 rejects", i, name)
			}
		}
		check("wrong leaf", good, leaves[(i+1)%len(leaves)], root, ErrRootMismatch)
		check("wrong root", good, leaves[i], leaves[0], ErrRootMismatch)
		for j := range good.Hashes {
			p := good
			p.Hashes = append([]common.Hash(nil), good.Hashes...)
			p.Hashes[j][0] ^= 1
			check(fmt.Sprintf("hash %d flipped", j), p, leaves[i], root, ErrRootMismatch)
		}
		p := good
		p.Index = (good.Index + 1) % good.Size
		if pathLen(p.Index, p.Size) == len(p.Hashes) {
			check("other index", p, leaves[i], root, ErrRootMismatch)
		} else {
			check("other index", p, leaves[i], root, ErrBadProof)
		}
		p = good
		p.Index = good.Size
		check("index past the end", p, leaves[i], root, ErrBadProof)
		p = good
		p.Hashes = good.Hashes[:len(good.Hashes)-1]
		check("truncated", p, leaves[i], root, ErrBadProof)
		p = good
		p.Hashes = append(append([]common.Hash(nil), good.Hashes...), root)
		check("extended", p, leaves[i], root, ErrBadProof)
	}
}
