package threshold

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// Curve arithmetic goes straight to gnark-crypto (which kyber's suite wraps)
// for what kyber's interface lacks. Measured on the benchmark machine
// (BENCHMARKS.md): a Miller loop with precomputed lines of a fixed G2 point
// makes a single pairing ~10% faster and a two-pairing product check ~30%
// faster than gnark's general pairing, and a product check shares one final
// exponentiation, where kyber's interface only offers single pairings;
// gnark's Pippenger MSM replaces m separate scalar multiplications in
// batched verification.

// g2Gen is the G2 generator with its lines computed on first use.
var g2Gen = func() *fixedG2 {
	_, _, _, g2 := bls12381.Generators()
	return newFixedG2(g2)
}()

// pairingEq reports whether e(a, g2) = e(b, Q), as the product check
// e(−a, g2)·e(b, Q) = 1 over fixed-argument Miller loops. a and b must be
// in G1 (checked by every decoder).
func pairingEq(a, b *bls12381.G1Affine, q *fixedG2) bool {
	var negA bls12381.G1Affine
	negA.Neg(a)
	ok, err := bls12381.PairingCheckFixedQ(
		[]bls12381.G1Affine{negA, *b},
		[]linesG2{*g2Gen.getLines(), *q.getLines()},
	)
	return err == nil && ok
}

// mulG1 returns s·p.
func mulG1(p *bls12381.G1Affine, s *fr.Element) bls12381.G1Affine {
	var out bls12381.G1Affine
	out.ScalarMultiplication(p, s.BigInt(new(big.Int)))
	return out
}

// msmG1 returns Σ scalars[i]·points[i] using all cores.
func msmG1(points []bls12381.G1Affine, scalars []fr.Element) bls12381.G1Affine {
	var acc bls12381.G1Jac
	if _, err := acc.MultiExp(points, scalars, ecc.MultiExpConfig{}); err != nil {
		panic("threshold: " + err.Error())
	}
	var out bls12381.G1Affine
	out.FromJacobian(&acc)
	return out
}

// lagrangeAtZero returns the Lagrange coefficients λ_i = ∏_{j≠i} x_j/(x_j−x_i)
// for interpolating at 0 from the distinct non-zero indices x.
func lagrangeAtZero(indices []int) []fr.Element {
	n := len(indices)
	xs := make([]fr.Element, n)
	for i, x := range indices {
		xs[i].SetUint64(uint64(x))
	}
	num := make([]fr.Element, n)
	den := make([]fr.Element, n)
	for i := range n {
		num[i].SetOne()
		den[i].SetOne()
		for j := range n {
			if j == i {
				continue
			}
			var d fr.Element
			d.Sub(&xs[j], &xs[i])
			num[i].Mul(&num[i], &xs[j])
			den[i].Mul(&den[i], &d)
		}
	}
	inv := fr.BatchInvert(den)
	for i := range n {
		num[i].Mul(&num[i], &inv[i])
	}
	return num
}
