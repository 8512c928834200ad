// Package mont implements Montgomery arithmetic modulo a fixed odd 2048-bit
// modulus, the inner loop of the VDF: repeated modular squaring.
//
// Values are 32 little-endian 64-bit limbs, always fully reduced (< N). A
// value in Montgomery form represents a·R mod N with R = 2^2048. Squaring
// and multiplication use Montgomery reduction (Montgomery 1985) with the
// operand-scanning (CIOS) schedule of Koç, Acar and Kaliski, "Analyzing and
// Comparing Montgomery Multiplication Algorithms" (IEEE Micro 1996); squaring
// computes the off-diagonal products once and doubles them, so it does about
// 3/4 of the word multiplications of a general product.
//
// Nothing here is constant time: the VDF's inputs and outputs are public.
package mont

import (
	"errors"
	"math/big"
	"math/bits"
)

// Limbs is the number of 64-bit words of a value.
const Limbs = 32

// Bits is the size of the modulus in bits.
const Bits = Limbs * 64

// Nat is a value modulo N, little-endian limbs, fully reduced.
type Nat [Limbs]uint64

// Modulus holds N and the constants of Montgomery arithmetic modulo N.
type Modulus struct {
	n     Nat
	n0inv uint64 // -N^-1 mod 2^64
	rr    Nat    // R^2 mod N
	one   Nat    // R mod N: 1 in Montgomery form
	nBig  *big.Int
}

// ErrModulus is returned for a modulus that is even or not exactly Bits long.
var ErrModulus = errors.New("mont: modulus must be odd and exactly 2048 bits")

// NewModulus returns the Montgomery context of n.
func NewModulus(n *big.Int) (*Modulus, error) {
	if n.Sign() <= 0 || n.Bit(0) == 0 || n.BitLen() != Bits {
		return nil, ErrModulus
	}
	m := &Modulus{nBig: new(big.Int).Set(n)}
	m.n = fromBig(n)
	// Newton iteration for n0^-1 mod 2^64: each step doubles the number of
	// correct low bits, starting from 3 (n0 is its own inverse mod 8)
	inv := m.n[0]
	for range 5 {
		inv *= 2 - m.n[0]*inv
	}
	m.n0inv = -inv
	r := new(big.Int).Lsh(big.NewInt(1), Bits)
	m.one = fromBig(new(big.Int).Mod(r, n))
	m.rr = fromBig(new(big.Int).Mod(new(big.Int).Mul(r, r), n))
	return m, nil
}

// N returns a copy of the modulus.
func (m *Modulus) N() *big.Int { return new(big.Int).Set(m.nBig) }

// One returns 1 in Montgomery form.
func (m *Modulus) One() Nat { return m.one }

// ToMont returns x·R mod N. The caller guarantees 0 ≤ x < N.
func (m *Modulus) ToMont(x *big.Int) Nat {
	a := fromBig(x)
	var z Nat
	m.Mul(&z, &a, &m.rr)
	return z
}

// FromMont returns the integer that z represents.
func (m *Modulus) FromMont(z *Nat) *big.Int {
	one := Nat{1}
	var a Nat
	m.Mul(&a, z, &one)
	return toBig(&a)
}

func fromBig(x *big.Int) Nat {
	var z Nat
	for i, w := range x.Bits() {
		z[i] = uint64(w)
	}
	return z
}

func toBig(x *Nat) *big.Int {
	w := make([]big.Word, Limbs)
	for i := range x {
		w[i] = big.Word(x[i])
	}
	return new(big.Int).SetBits(w)
}

// Mul sets z = x·y/R mod N. z may alias x or y.
func (m *Modulus) Mul(z, x, y *Nat) { mul(z, x, y, m) }

// Sqr sets z = x²/R mod N. z may alias x.
func (m *Modulus) Sqr(z, x *Nat) { sqrN(z, x, 1, m) }

// SqrN sets z = x^(2^k)/R^(2^k-1) mod N, that is, k Montgomery squarings.
// z may alias x.
func (m *Modulus) SqrN(z, x *Nat, k uint64) {
	if k == 0 {
		*z = *x
		return
	}
	sqrN(z, x, k, m)
}

// mulGeneric is the CIOS Montgomery product.
func mulGeneric(z, x, y *Nat, m *Modulus) {
	var t [Limbs + 2]uint64
	for i := range Limbs {
		// t += x * y[i]
		var c uint64
		yi := y[i]
		for j := range Limbs {
			hi, lo := bits.Mul64(x[j], yi)
			var cc uint64
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j] = lo
			c = hi
		}
		var cc uint64
		t[Limbs], cc = bits.Add64(t[Limbs], c, 0)
		t[Limbs+1] = cc
		// t = (t + q·N) / 2^64 with q chosen so the low word vanishes
		q := t[0] * m.n0inv
		hi, lo := bits.Mul64(m.n[0], q)
		_, cc = bits.Add64(lo, t[0], 0)
		c = hi + cc
		for j := 1; j < Limbs; j++ {
			hi, lo := bits.Mul64(m.n[j], q)
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j-1] = lo
			c = hi
		}
		t[Limbs-1], cc = bits.Add64(t[Limbs], c, 0)
		t[Limbs] = t[Limbs+1] + cc
	}
	finalSub(z, (*Nat)(t[:Limbs]), t[Limbs], m)
}

// addMulRow sets z += x·y over len(z) words and returns the carry word.
func addMulRow(z, x []uint64, y uint64) uint64 {
	var c uint64
	x = x[:len(z)]
	for i := range z {
		hi, lo := bits.Mul64(x[i], y)
		var cc uint64
		lo, cc = bits.Add64(lo, z[i], 0)
		hi += cc
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		z[i] = lo
		c = hi
	}
	return c
}

// sqrGeneric sets z = x²/R mod N: the square with each cross product computed
// once, then a separate Montgomery reduction.
func sqrGeneric(z, x *Nat, m *Modulus) {
	var t [2 * Limbs]uint64
	for i := range Limbs - 1 {
		t[i+Limbs] = addMulRow(t[2*i+1:i+Limbs], x[i+1:], x[i])
	}
	// double the cross products, add the squares on the diagonal
	var c, cc uint64
	for i := range Limbs {
		lo, hi := t[2*i], t[2*i+1]
		nc := hi >> 63
		hi = hi<<1 | lo>>63
		lo = lo<<1 | c
		c = nc
		sh, sl := bits.Mul64(x[i], x[i])
		t[2*i], cc = bits.Add64(lo, sl, cc)
		t[2*i+1], cc = bits.Add64(hi, sh, cc)
	}
	// reduce: the square is < N² < N·R, so the result fits in Limbs words
	// plus one carry bit
	var top uint64
	for i := range Limbs {
		q := t[i] * m.n0inv
		c := addMulRow(t[i:i+Limbs], m.n[:], q)
		t[i+Limbs], top = bits.Add64(t[i+Limbs], c, top)
	}
	finalSub(z, (*Nat)(t[Limbs:]), top, m)
}

// finalSub sets z = t - N if t ≥ N (t has the extra high word hi), else t.
// The Montgomery bound t < 2N makes one subtraction enough.
func finalSub(z, t *Nat, hi uint64, m *Modulus) {
	var d Nat
	var b uint64
	for i := range Limbs {
		d[i], b = bits.Sub64(t[i], m.n[i], b)
	}
	if hi != 0 || b == 0 {
		*z = d
	} else {
		*z = *t
	}
}

// sqrNGeneric is k ≥ 1 squarings in portable Go.
func sqrNGeneric(z, x *Nat, k uint64, m *Modulus) {
	sqrGeneric(z, x, m)
	for k--; k > 0; k-- {
		sqrGeneric(z, z, m)
	}
}
