package threshold

import (
	"fmt"
	"sort"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
)

// Threshold BLS signatures (Boneh, Lynn and Shacham, "Short signatures
// from the Weil pairing", ASIACRYPT 2001; threshold variant by Boldyreva,
// PKC 2003) with signatures in G1 and the eon key P in G2: σ = s·H(m) with
// H = HashToG1(SignatureDST, ·), valid iff e(σ, g2) = e(H(m), P). Member i
// signs with its share, σ_i = s_i·H(m), and any t verified partial
// signatures interpolate to σ.

// SignatureSize is the size of an encoded Signature: a compressed G1 point,
// the standard 48-byte BLS signature encoding (no version byte, so other
// BLS tooling reads it unchanged).
const SignatureSize = g1Size

// PartialSignature is one member's share of a threshold signature.
type PartialSignature struct {
	Index int // 1-based member index
	p     bls12381.G1Affine
}

// Signature is a threshold BLS signature under an eon key.
type Signature struct {
	p bls12381.G1Affine
}

func hashToSig(msg []byte) bls12381.G1Affine {
	p, err := bls12381.HashToG1(msg, []byte(SignatureDST))
	if err != nil {
		// HashToG1 fails only for a DST longer than 255 bytes.
		panic("threshold: hash to G1: " + err.Error())
	}
	return p
}

// SignPartial signs msg with the member's share.
func (sk *SecretKeyShare) SignPartial(msg []byte) *PartialSignature {
	h := hashToSig(msg)
	return &PartialSignature{Index: sk.index, p: mulG1(&h, &sk.s)}
}

// VerifyPartial checks a partial signature against the public share of
// member ps.Index: e(σ_i, g2) = e(H(msg), P_i).
func VerifyPartial(pk *EonPublicKey, msg []byte, ps *PartialSignature) error {
	if ps == nil {
		return fmt.Errorf("%w: nil partial signature", ErrInvalidShare)
	}
	m, err := pk.member(ps.Index)
	if err != nil {
		return err
	}
	h := hashToSig(msg)
	if ps.p.IsInfinity() || !pairingEq(&ps.p, &h, m) {
		return ErrInvalidShare
	}
	return nil
}

// AggregateSignatures interpolates a signature from partial signatures of
// at least t distinct members. Partials must be verified first (with
// VerifyPartial): an invalid one yields an invalid signature. When more
// than t are given, t of them are chosen as AggregateKeys does.
func AggregateSignatures(pk *EonPublicKey, partials []*PartialSignature) (*Signature, error) {
	sorted := make([]*PartialSignature, 0, len(partials))
	seen := make(map[int]bool, len(partials))
	for _, ps := range partials {
		if ps == nil {
			return nil, fmt.Errorf("%w: nil partial signature", ErrInvalidShare)
		}
		if _, err := pk.member(ps.Index); err != nil {
			return nil, err
		}
		if seen[ps.Index] {
			return nil, ErrDuplicateIndex
		}
		seen[ps.Index] = true
		sorted = append(sorted, ps)
	}
	if len(sorted) < pk.threshold {
		return nil, ErrTooFewShares
	}
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].Index < sorted[b].Index })
	all := make([]int, len(sorted))
	byIndex := make(map[int]*PartialSignature, len(sorted))
	for i, ps := range sorted {
		all[i] = ps.Index
		byIndex[ps.Index] = ps
	}
	indices := chooseMembers(all, pk.threshold)
	points := make([]bls12381.G1Affine, len(indices))
	for i, x := range indices {
		points[i] = byIndex[x].p
	}
	return &Signature{p: newInterpolation(indices).combine(points)}, nil
}

// VerifySignature checks e(σ, g2) = e(H(msg), P).
func VerifySignature(pk *EonPublicKey, msg []byte, sig *Signature) error {
	if sig == nil || sig.p.IsInfinity() {
		return ErrInvalidSignature
	}
	h := hashToSig(msg)
	if !pairingEq(&sig.p, &h, pk.master) {
		return ErrInvalidSignature
	}
	return nil
}

// MarshalBinary encodes the partial signature as
// version(1) ‖ index(2) ‖ σ_i(48).
func (ps *PartialSignature) MarshalBinary() ([]byte, error) {
	return marshalIndexedG1(ps.Index, &ps.p)
}

// ParsePartialSignature decodes an encoding made by MarshalBinary. The
// index is checked against a committee only by VerifyPartial.
func ParsePartialSignature(b []byte) (*PartialSignature, error) {
	index, p, err := parseIndexedG1(b)
	if err != nil {
		return nil, err
	}
	return &PartialSignature{Index: index, p: p}, nil
}

// MarshalBinary returns the 48-byte compressed signature.
func (sig *Signature) MarshalBinary() ([]byte, error) {
	return appendG1(make([]byte, 0, SignatureSize), &sig.p), nil
}

// ParseSignature decodes a 48-byte compressed signature.
func ParseSignature(b []byte) (*Signature, error) {
	p, err := decodeG1(b)
	if err != nil {
		return nil, err
	}
	return &Signature{p: p}, nil
}
