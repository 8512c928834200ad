package threshold

import (
	"math/big"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// Interpolation in the exponent: k = Σ λ_i·k_i over a set S of t members,
// λ_i = ∏_{j∈S, j≠i} x_j/(x_j − x_i). A block needs one such combination per
// transaction, all with the same λ, so the coefficients are prepared once
// and each combination runs a Straus (interleaved) multi-scalar
// multiplication with shared doublings and signed sliding windows.
//
// The λ_i are rationals with small numerators and denominators. Writing
// them over a common denominator, λ_i = f·c_i with integers c_i and one
// field element f, turns a t-point MSM with 255-bit scalars into one with
// short scalars (for members 1..t, c_i = ±C(t, i) and f = 1; 40 bits at
// t = 43) plus, when f ≠ 1, one scalar multiplication by f. At t = 43 this
// is about 3× faster than gnark's Pippenger MSM with the reduced λ_i, whose
// fixed cost also dominates for small t (BenchmarkAggregateKeys).

// maxIntegerCoeffs caps t for the integer form, whose big-integer
// arithmetic grows as t²·log n; beyond it the coefficients are the λ_i in
// signed form (at most 255 bits).
const maxIntegerCoeffs = 128

// interpolation is a prepared set of coefficients for one member set.
type interpolation struct {
	digits    [][]int8 // signed windowed digits of c_i, least significant first
	window    int      // digits are odd with |d| < 2^(window−1), or 0
	factor    fr.Element
	hasFactor bool // factor ≠ 1
}

// newInterpolation prepares interpolation at 0 from the distinct, non-zero
// indices xs.
func newInterpolation(xs []int) *interpolation {
	var best *interpolation
	if len(xs) <= maxIntegerCoeffs {
		best = integerInterpolation(xs)
	}
	if alt := fieldInterpolation(xs); best == nil || alt.cost() < best.cost() {
		best = alt
	}
	return best
}

// integerInterpolation writes λ_i = f·c_i with coprime integers c_i.
func integerInterpolation(xs []int) *interpolation {
	t := len(xs)
	nums := make([]*big.Int, t)
	dens := make([]*big.Int, t)
	lcm := big.NewInt(1)
	var g, tmp big.Int
	for i := range xs {
		num, den := big.NewInt(1), big.NewInt(1)
		for j := range xs {
			if j == i {
				continue
			}
			num.Mul(num, tmp.SetInt64(int64(xs[j])))
			den.Mul(den, tmp.SetInt64(int64(xs[j]-xs[i])))
		}
		if den.Sign() < 0 {
			num.Neg(num)
			den.Neg(den)
		}
		g.GCD(nil, nil, tmp.Abs(num), den)
		num.Quo(num, &g)
		den.Quo(den, &g)
		nums[i], dens[i] = num, den
		// lcm = lcm·den/gcd(lcm, den)
		g.GCD(nil, nil, lcm, den)
		lcm.Mul(lcm, tmp.Quo(den, &g))
	}
	coeffs := make([]*big.Int, t)
	common := new(big.Int)
	for i := range xs {
		coeffs[i] = new(big.Int).Mul(nums[i], tmp.Quo(lcm, dens[i]))
		common.GCD(nil, nil, common, new(big.Int).Abs(coeffs[i]))
	}
	for i := range coeffs {
		coeffs[i].Quo(coeffs[i], common)
	}
	// f = common/lcm mod r.
	var f, l fr.Element
	f.SetBigInt(common)
	l.SetBigInt(lcm)
	l.Inverse(&l)
	f.Mul(&f, &l)
	return newPrepared(coeffs, f)
}

// fieldInterpolation uses the λ_i reduced mod r, each as the shorter of λ_i
// and −(r − λ_i).
func fieldInterpolation(xs []int) *interpolation {
	lambda := lagrangeAtZero(xs)
	coeffs := make([]*big.Int, len(xs))
	for i := range lambda {
		coeffs[i] = signedBig(&lambda[i])
	}
	var one fr.Element
	one.SetOne()
	return newPrepared(coeffs, one)
}

// signedBig returns s as an integer in (−r/2, r/2).
func signedBig(s *fr.Element) *big.Int {
	var neg fr.Element
	neg.Neg(s)
	a, b := s.BigInt(new(big.Int)), neg.BigInt(new(big.Int))
	if b.Cmp(a) < 0 {
		return b.Neg(b)
	}
	return a
}

func newPrepared(coeffs []*big.Int, f fr.Element) *interpolation {
	bits := 0
	for _, c := range coeffs {
		bits = max(bits, c.BitLen())
	}
	w := bestWindow(bits, len(coeffs))
	ip := &interpolation{window: w, factor: f, hasFactor: !f.IsOne()}
	ip.digits = make([][]int8, len(coeffs))
	for i, c := range coeffs {
		ip.digits[i] = wnaf(c, w)
	}
	return ip
}

// bestWindow minimises the estimated group operations of one combination:
// doublings, additions (density 1/(w+1) per point) and the per-point table
// of 2^(w−2) odd multiples.
func bestWindow(bits, t int) int {
	best, bestCost := 2, -1
	for w := 2; w <= 7; w++ {
		c := windowCost(bits, t, w)
		if bestCost < 0 || c < bestCost {
			best, bestCost = w, c
		}
	}
	return best
}

func windowCost(bits, t, w int) int {
	return bits + t*bits/(w+1) + t*(1<<(w-2))
}

// cost estimates one combination's group operations.
func (ip *interpolation) cost() int {
	bits := 0
	for _, d := range ip.digits {
		bits = max(bits, len(d))
	}
	c := windowCost(bits, len(ip.digits), ip.window)
	if ip.hasFactor {
		c += 180 // a GLV multiplication: ~128 doublings and ~50 additions
	}
	return c
}

// wnaf returns the width-w non-adjacent form of c: digits d_k, least
// significant first, each 0 or odd with |d_k| < 2^(w−1), and c = Σ d_k·2^k.
func wnaf(c *big.Int, w int) []int8 {
	k := new(big.Int).Abs(c)
	neg := c.Sign() < 0
	mod := int64(1) << w
	var digits []int8
	var tmp big.Int
	for k.Sign() > 0 {
		var d int64
		if k.Bit(0) == 1 {
			d = tmp.And(k, big.NewInt(mod-1)).Int64()
			if d >= mod/2 {
				d -= mod
			}
			k.Sub(k, tmp.SetInt64(d))
		}
		if neg {
			d = -d
		}
		digits = append(digits, int8(d))
		k.Rsh(k, 1)
	}
	return digits
}

// combine returns Σ λ_i·points[i], points in the order of the indices the
// interpolation was prepared for.
func (ip *interpolation) combine(points []bls12381.G1Affine) bls12381.G1Affine {
	half := 1 << (ip.window - 2)
	tables := make([]bls12381.G1Jac, len(points)*half)
	top := 0
	for i := range points {
		tab := tables[i*half : (i+1)*half]
		tab[0].FromAffine(&points[i])
		if half > 1 {
			var twice bls12381.G1Jac
			twice.Double(&tab[0])
			for k := 1; k < half; k++ {
				tab[k].Set(&tab[k-1]).AddAssign(&twice)
			}
		}
		top = max(top, len(ip.digits[i]))
	}
	var acc, neg bls12381.G1Jac
	for bit := top - 1; bit >= 0; bit-- {
		acc.DoubleAssign()
		for i, ds := range ip.digits {
			if bit >= len(ds) || ds[bit] == 0 {
				continue
			}
			d := int(ds[bit])
			if d > 0 {
				acc.AddAssign(&tables[i*half+d>>1])
			} else {
				neg.Neg(&tables[i*half+(-d)>>1])
				acc.AddAssign(&neg)
			}
		}
	}
	if ip.hasFactor {
		acc.ScalarMultiplication(&acc, ip.factor.BigInt(new(big.Int)))
	}
	var out bls12381.G1Affine
	out.FromJacobian(&acc)
	return out
}

// chooseMembers picks t of the sorted, distinct available indices: the
// lowest run of t consecutive indices if there is one (its Lagrange
// coefficients are integers, the cheapest case), otherwise the t lowest.
// The choice depends only on the set, so every node interpolating the same
// shares computes the same combination.
func chooseMembers(available []int, t int) []int {
	run := 1
	for k := 1; k < len(available); k++ {
		if available[k] == available[k-1]+1 {
			run++
		} else {
			run = 1
		}
		if run >= t {
			return available[k-t+1 : k+1]
		}
	}
	return available[:t]
}
