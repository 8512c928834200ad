package threshold

import (
	"fmt"
	"io"
	"math/big"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// randomScalar draws a uniform non-zero scalar from rand: 64 bytes reduced
// modulo r, a statistical distance below 2⁻²⁵⁰ from uniform.
func randomScalar(rand io.Reader) (fr.Element, error) {
	var buf [64]byte
	for {
		if _, err := io.ReadFull(rand, buf[:]); err != nil {
			return fr.Element{}, fmt.Errorf("threshold: reading randomness: %w", err)
		}
		var s fr.Element
		s.SetBytes(buf[:])
		if !s.IsZero() {
			return s, nil
		}
	}
}

// DealKeys generates an eon key and its n secret shares with threshold t
// from a single dealer who knows the secret: a Shamir sharing of a random s
// with public shares. The dealer is trusted; use it only for tests and
// single-operator devnets. Committees run the DKG (threshold/dkg) instead.
func DealKeys(rand io.Reader, eon uint64, t, n int) (*EonPublicKey, []*SecretKeyShare, error) {
	if n < 1 || n > MaxMembers || t < 1 || t > n {
		return nil, nil, ErrThreshold
	}
	poly := make([]fr.Element, t)
	for i := range poly {
		var err error
		if poly[i], err = randomScalar(rand); err != nil {
			return nil, nil, err
		}
	}
	eval := func(x uint64) fr.Element {
		var xe, y fr.Element
		xe.SetUint64(x)
		for k := len(poly) - 1; k >= 0; k-- {
			y.Mul(&y, &xe).Add(&y, &poly[k])
		}
		return y
	}
	var b big.Int
	var master bls12381.G2Affine
	master.ScalarMultiplicationBase(poly[0].BigInt(&b))
	members := make([]bls12381.G2Affine, n)
	shares := make([]*SecretKeyShare, n)
	for i := range n {
		s := eval(uint64(i + 1))
		if s.IsZero() {
			// Probability n/r; a zero share would be rejected on parse.
			return DealKeys(rand, eon, t, n)
		}
		members[i].ScalarMultiplicationBase(s.BigInt(&b))
		shares[i] = &SecretKeyShare{eon: eon, index: i + 1, s: s}
	}
	pk, err := newEonPublicKey(eon, t, master, members)
	if err != nil {
		return nil, nil, err
	}
	return pk, shares, nil
}
