package threshold

import (
	"errors"
	"fmt"
	"io"
	"sort"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"

	"github.com/veilseq/veil/internal/par"
)

// KeyShare is member Index's share k_i(id) = s_i·id of the decryption key
// of one identity. Members release shares only for the identities of a
// committed block.
type KeyShare struct {
	Index int // 1-based member index
	p     bls12381.G1Affine
}

// DecryptionKey is the key k(id) = s·id of one identity, interpolated from t
// key shares. It is public once released.
type DecryptionKey struct {
	p bls12381.G1Affine
}

// Equal reports whether k and other are the same key.
func (k *DecryptionKey) Equal(other *DecryptionKey) bool { return k.p.Equal(&other.p) }

// KeyShare returns the member's key share for id.
func (sk *SecretKeyShare) KeyShare(id Identity) *KeyShare {
	return &KeyShare{Index: sk.index, p: mulG1(&id.p, &sk.s)}
}

// KeyShares returns the member's key shares for ids, in order, computed in
// parallel.
func (sk *SecretKeyShare) KeyShares(ids []Identity) []*KeyShare {
	out := make([]*KeyShare, len(ids))
	par.For(len(ids), func(j int) { out[j] = sk.KeyShare(ids[j]) })
	return out
}

// VerifyKeyShares checks that shares[j] is member's key share for ids[j]
// for every j, in one batch (Bellare, Garay and Rabin, "Fast batch
// verification", EUROCRYPT 1998, small-exponent test): with random 128-bit
// ρ_j from rand,
//
//	e(Σ ρ_j·k_i(id_j), g2) = e(Σ ρ_j·id_j, P_i),
//
// two MSMs and a two-pairing product check instead of 2m pairings. A batch
// with any invalid share passes with probability at most 2⁻¹²⁸. An empty
// batch is valid. On failure the caller may bisect or check shares one by
// one to find the bad ones; the member is faulty either way. rand must be
// unpredictable to the member (crypto/rand.Reader).
func VerifyKeyShares(rand io.Reader, pk *EonPublicKey, member int, ids []Identity, shares []*KeyShare) error {
	m, err := pk.member(member)
	if err != nil {
		return err
	}
	if len(ids) != len(shares) {
		return ErrLength
	}
	pts := make([]bls12381.G1Affine, len(shares))
	for j, s := range shares {
		if s == nil || s.p.IsInfinity() {
			return fmt.Errorf("%w: share %d is empty", ErrInvalidShare, j)
		}
		if s.Index != member {
			return fmt.Errorf("%w: share %d has index %d, want %d", ErrIndex, j, s.Index, member)
		}
		pts[j] = s.p
	}
	if err := batchCheck(rand, ids, pts, m); err != nil {
		if err == errBatch {
			return ErrInvalidShare
		}
		return err
	}
	return nil
}

var errBatch = errors.New("batch check failed")

// batchCheck checks e(pts[j], g2) = e(ids[j], q) for all j with one random
// linear combination.
func batchCheck(rand io.Reader, ids []Identity, pts []bls12381.G1Affine, q *fixedG2) error {
	if len(ids) == 0 {
		return nil
	}
	idPts := make([]bls12381.G1Affine, len(ids))
	for j, id := range ids {
		if !id.valid() {
			return fmt.Errorf("%w: identity %d is empty", ErrInvalidPoint, j)
		}
		idPts[j] = id.p
	}
	rho, err := randomWeights(rand, len(ids))
	if err != nil {
		return err
	}
	a := msmG1(pts, rho)
	b := msmG1(idPts, rho)
	if !pairingEq(&a, &b, q) {
		return errBatch
	}
	return nil
}

// randomWeights draws n uniform 128-bit scalars from rand.
func randomWeights(rand io.Reader, n int) ([]fr.Element, error) {
	buf := make([]byte, 16*n)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("threshold: reading randomness: %w", err)
	}
	out := make([]fr.Element, n)
	for j := range out {
		out[j].SetBytes(buf[16*j : 16*(j+1)])
	}
	return out, nil
}

// AggregateKeys interpolates the decryption keys of ids from the key shares
// of at least t members: shares[i] holds member i's shares for ids, in
// order. The shares must have been verified (VerifyKeyShares); invalid
// shares yield keys that VerifyDecryptionKeys rejects and that do not
// decrypt. When more than t members are given, t of them are used: the
// lowest t consecutive indices if any, else the t lowest (chooseMembers). Each key is
// a t-point multi-scalar multiplication with coefficients prepared once for
// the block; keys are computed in parallel.
func AggregateKeys(pk *EonPublicKey, ids []Identity, shares map[int][]*KeyShare) ([]*DecryptionKey, error) {
	members := make([]int, 0, len(shares))
	for i, ss := range shares {
		if _, err := pk.member(i); err != nil {
			return nil, err
		}
		if len(ss) != len(ids) {
			return nil, fmt.Errorf("%w: member %d gave %d shares for %d identities", ErrLength, i, len(ss), len(ids))
		}
		for j, s := range ss {
			if s == nil || s.p.IsInfinity() {
				return nil, fmt.Errorf("%w: share %d of member %d is empty", ErrInvalidShare, j, i)
			}
			if s.Index != i {
				if _, dup := shares[s.Index]; dup {
					return nil, fmt.Errorf("%w: member %d's share of member %d", ErrDuplicateIndex, i, s.Index)
				}
				return nil, fmt.Errorf("%w: share %d under member %d has index %d", ErrIndex, j, i, s.Index)
			}
		}
		members = append(members, i)
	}
	if len(members) < pk.threshold {
		return nil, ErrTooFewShares
	}
	sort.Ints(members)
	members = chooseMembers(members, pk.threshold)
	ip := newInterpolation(members)
	keys := make([]*DecryptionKey, len(ids))
	par.For(len(ids), func(j int) {
		pts := make([]bls12381.G1Affine, len(members))
		for k, i := range members {
			pts[k] = shares[i][j].p
		}
		keys[j] = &DecryptionKey{p: ip.combine(pts)}
	})
	return keys, nil
}

// VerifyDecryptionKeys checks keys[j] = s·ids[j] for every j in one batch
// against the eon key, as VerifyKeyShares does against a member's share.
func VerifyDecryptionKeys(rand io.Reader, pk *EonPublicKey, ids []Identity, keys []*DecryptionKey) error {
	if len(ids) != len(keys) {
		return ErrLength
	}
	pts := make([]bls12381.G1Affine, len(keys))
	for j, k := range keys {
		if k == nil || k.p.IsInfinity() {
			return fmt.Errorf("%w: key %d is empty", ErrInvalidKey, j)
		}
		pts[j] = k.p
	}
	if err := batchCheck(rand, ids, pts, pk.master); err != nil {
		if err == errBatch {
			return ErrInvalidKey
		}
		return err
	}
	return nil
}

const (
	keyShareSize      = 1 + 2 + g1Size
	decryptionKeySize = 1 + g1Size
)

// MarshalBinary encodes the share as version(1) ‖ index(2) ‖ k_i(id)(48).
func (ks *KeyShare) MarshalBinary() ([]byte, error) {
	return marshalIndexedG1(ks.Index, &ks.p)
}

// marshalIndexedG1 encodes a member's G1 value (a key share or a partial
// signature) as version(1) ‖ index(2) ‖ point(48).
func marshalIndexedG1(index int, p *bls12381.G1Affine) ([]byte, error) {
	if index < 1 || index > MaxMembers {
		return nil, ErrIndex
	}
	b := make([]byte, 0, keyShareSize)
	b = append(b, version1, byte(index>>8), byte(index))
	return appendG1(b, p), nil
}

// parseIndexedG1 decodes marshalIndexedG1's encoding: the point must be in
// G1 and not the identity, the index in [1, MaxMembers].
func parseIndexedG1(b []byte) (int, bls12381.G1Affine, error) {
	r := reader{b: b}
	r.version()
	index := int(r.u16())
	p := r.g1()
	if err := r.done(); err != nil {
		return 0, p, err
	}
	if index < 1 || index > MaxMembers {
		return 0, p, ErrIndex
	}
	return index, p, nil
}

// ParseKeyShare decodes an encoding made by MarshalBinary: the point must
// be in G1 and not the identity, the index in [1, MaxMembers]. Membership
// of the index in a committee is checked by VerifyKeyShares.
func ParseKeyShare(b []byte) (*KeyShare, error) {
	index, p, err := parseIndexedG1(b)
	if err != nil {
		return nil, err
	}
	return &KeyShare{Index: index, p: p}, nil
}

// MarshalBinary encodes the key as version(1) ‖ k(id)(48).
func (k *DecryptionKey) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, decryptionKeySize)
	b = append(b, version1)
	return appendG1(b, &k.p), nil
}

// ParseDecryptionKey decodes an encoding made by MarshalBinary.
func ParseDecryptionKey(b []byte) (*DecryptionKey, error) {
	r := reader{b: b}
	r.version()
	p := r.g1()
	if err := r.done(); err != nil {
		return nil, err
	}
	return &DecryptionKey{p: p}, nil
}
