package threshold

import (
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
)

// Compressed G2 decoding, used for every ciphertext's U.
//
// gnark-crypto's G2Affine.SetBytes takes a Legendre symbol and two generic
// square-and-multiply exponentiations in Fp2 (Adj and Rodríguez-Henríquez,
// ePrint 2012/685, Algorithm 9) to recover y, about 0.17 pairings on the
// benchmark machine. The norm method below needs two or three square roots
// in Fp, which gnark computes with a fixed addition chain, and one
// inversion: BenchmarkDecodeG2 measures 117 µs against gnark's 183 µs,
// both including the 80 µs subgroup check.
// It accepts exactly the encodings SetBytes accepts and decodes them to
// the same points (TestDecodeG2MatchesGnark, FuzzDecodeG2).

// Flag bits of the first byte of a compressed point (Zcash/IETF format).
const (
	flagMask            = 0xe0
	flagCompressed      = 0x80 // compressed, y is the smaller root
	flagCompressedLarge = 0xa0 // compressed, y is the lexicographically larger root
)

// twistB is b' = 4(1+u), the constant of E': y² = x³ + b' over Fp2.
var twistB = func() bls12381.E2 {
	var b bls12381.E2
	b.A0.SetUint64(4)
	b.A1.SetUint64(4)
	return b
}()

// decodeG2Compressed decodes a 96-byte compressed G2 point that is not the
// identity and lies in the prime-order subgroup.
func decodeG2Compressed(b []byte) (bls12381.G2Affine, bool) {
	var p bls12381.G2Affine
	if len(b) != g2Size {
		return p, false
	}
	flags := b[0] & flagMask
	if flags != flagCompressed && flags != flagCompressedLarge {
		return p, false // uncompressed, infinity or invalid flags
	}
	var hi [fp.Bytes]byte
	copy(hi[:], b[:fp.Bytes])
	hi[0] &^= flagMask
	// x = x.A0 + x.A1·u, encoded as x.A1 ‖ x.A0.
	if p.X.A1.SetBytesCanonical(hi[:]) != nil || p.X.A0.SetBytesCanonical(b[fp.Bytes:g2Size]) != nil {
		return p, false
	}
	var rhs bls12381.E2
	rhs.Square(&p.X).Mul(&rhs, &p.X).Add(&rhs, &twistB)
	if !sqrtFp2(&p.Y, &rhs) {
		return p, false
	}
	if p.Y.LexicographicallyLargest() != (flags == flagCompressedLarge) {
		p.Y.Neg(&p.Y)
	}
	if !p.IsInSubGroup() {
		return p, false
	}
	return p, true
}

// sqrtFp2 sets z to a square root of x = a + b·u in Fp2 = Fp[u]/(u²+1) and
// reports whether one exists. With t = (a ± √(a²+b²))/2 chosen to be a
// square, (√t + b/(2√t)·u)² = t − b²/(4t) + b·u = a + b·u.
func sqrtFp2(z, x *bls12381.E2) bool {
	var s, t, r fp.Element
	if x.A1.IsZero() {
		// Every element of Fp is a square in Fp2: √a, or √(−a)·u since −1 is
		// not a square in Fp (p ≡ 3 mod 4).
		if r.Sqrt(&x.A0) != nil {
			z.A0, z.A1 = r, fp.Element{}
			return true
		}
		t.Neg(&x.A0)
		if r.Sqrt(&t) == nil {
			return false
		}
		z.A0, z.A1 = fp.Element{}, r
		return true
	}
	var n, b2 fp.Element
	n.Square(&x.A0)
	b2.Square(&x.A1)
	n.Add(&n, &b2)
	if s.Sqrt(&n) == nil {
		return false // the norm is not a square, so neither is x
	}
	t.Add(&x.A0, &s).Halve()
	if r.Sqrt(&t) == nil {
		t.Sub(&x.A0, &s).Halve()
		if r.Sqrt(&t) == nil {
			return false
		}
	}
	// r ≠ 0 here: t = 0 would force b = 0.
	var inv fp.Element
	inv.Double(&r).Inverse(&inv)
	z.A0 = r
	z.A1.Mul(&x.A1, &inv)
	// Defensive: confirm z² = x.
	var check bls12381.E2
	check.Square(z)
	return check.Equal(x)
}
