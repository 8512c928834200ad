package vdf

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
	"runtime"

	"github.com/veilseq/veil/vdf/internal/mont"
)

const (
	// MinDelay is the smallest delay T accepted. Below 256 the quotient
	// ⌊2^T/ℓ⌋ is zero for every 256-bit ℓ and the proof would be the
	// identity; no useful delay is that short.
	MinDelay = 256
	// MaxDelay is the largest delay T accepted: about 13 days of squaring at
	// a million squarings a second.
	MaxDelay = 1 << 40

	// ProofSize is the length of an encoded Proof: a version byte and π.
	ProofSize = 1 + ElementSize

	proofVersion = 1
	// challengeBits is the size of the Fiat–Shamir prime ℓ: 2λ for λ = 128,
	// as Wesolowski and Boneh–Bünz–Fisch prescribe.
	challengeBits = 256
	// ctxEvery is how many squarings EvalContext does between checks of its
	// context: about a tenth of a second.
	ctxEvery = 1 << 16
)

// Proof is a Wesolowski proof π = x^⌊2^T/ℓ⌋ that y = x^(2^T).
type Proof struct {
	pi Element
}

// Bytes returns the ProofSize-byte encoding of p: version 1, then π as an
// element.
func (p *Proof) Bytes() []byte {
	b := make([]byte, 1, ProofSize)
	b[0] = proofVersion
	return append(b, p.pi.Bytes()...)
}

// ParseProof decodes a proof. It rejects a wrong length, an unknown version
// and a π that is not a canonical group element (0, 1, N-1, ≥ N, ...).
func ParseProof(b []byte) (*Proof, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty proof", ErrEncoding)
	}
	if b[0] != proofVersion {
		return nil, fmt.Errorf("%w: proof version %d", ErrVersion, b[0])
	}
	if len(b) != ProofSize {
		return nil, fmt.Errorf("%w: proof is %d bytes, want %d", ErrEncoding, len(b), ProofSize)
	}
	pi, err := ParseElement(b[1:])
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	return &Proof{pi: *pi}, nil
}

func checkDelay(t uint64) error {
	if t < MinDelay || t > MaxDelay {
		return fmt.Errorf("%w: T = %d is outside [%d, %d]", ErrDelay, t, MinDelay, uint64(MaxDelay))
	}
	return nil
}

// Eval computes y = x^(2^T) in G by T sequential squarings and a proof that
// it did. It takes T squarings plus roughly T/κ multiplications for the
// proof (κ about 10 to 16, see proofPlan), spread over GOMAXPROCS
// goroutines, and holds at most 64 MiB of checkpoints.
func Eval(x *Element, t uint64) (*Element, *Proof, error) {
	return EvalContext(context.Background(), x, t)
}

// EvalContext is Eval that stops early, returning ctx.Err(), when ctx is
// done. It checks ctx every 65,536 squarings.
func EvalContext(ctx context.Context, x *Element, t uint64) (*Element, *Proof, error) {
	if err := x.valid(); err != nil {
		return nil, nil, err
	}
	if err := checkDelay(t); err != nil {
		return nil, nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	plan := newProofPlan(t, workers)
	cur, checkpoints, err := squareAndCheckpoint(ctx, x, t, plan)
	if err != nil {
		return nil, nil, err
	}
	y, err := canonical(modN.FromMont(&cur))
	if err != nil {
		// y = ±1 means x has order dividing 2^T: finding such an x would
		// factor N (see doc.go). Report it rather than return a bad proof.
		return nil, nil, fmt.Errorf("%w: x^(2^T) is the identity", ErrElement)
	}
	ell := challenge(x, y, t)
	pim := plan.prove(checkpoints, t, ell, workers)
	pi, err := canonical(modN.FromMont(&pim))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: proof is the identity", ErrElement)
	}
	return y, &Proof{pi: *pi}, nil
}

// squareAndCheckpoint returns x^(2^t) in Montgomery form and the
// checkpoints x^(2^(stride·j)) the proof needs.
func squareAndCheckpoint(ctx context.Context, x *Element, t uint64, plan proofPlan) (mont.Nat, []mont.Nat, error) {
	cur := modN.ToMont(&x.v)
	checkpoints := make([]mont.Nat, 0, plan.checkpoints)
	stride := plan.stride()
	for done := uint64(0); done < t; {
		if done%stride == 0 && uint64(len(checkpoints)) < plan.checkpoints {
			checkpoints = append(checkpoints, cur)
		}
		step := min(stride-done%stride, t-done, ctxEvery)
		modN.SqrN(&cur, &cur, step)
		done += step
		if err := ctx.Err(); err != nil {
			return cur, nil, err
		}
	}
	return cur, checkpoints, nil
}

// Delay computes y = x^(2^T) by T sequential squarings without a proof.
// It is the evaluation cost alone: what the squaring rate is measured with
// (veil vdf params --measure) and the baseline of the proof's overhead.
func Delay(x *Element, t uint64) (*Element, error) {
	if err := x.valid(); err != nil {
		return nil, err
	}
	if err := checkDelay(t); err != nil {
		return nil, err
	}
	y, err := canonical(delay(x, t))
	if err != nil {
		return nil, fmt.Errorf("%w: x^(2^T) is the identity", ErrElement)
	}
	return y, nil
}

func delay(x *Element, t uint64) *big.Int {
	cur := modN.ToMont(&x.v)
	modN.SqrN(&cur, &cur, t)
	return modN.FromMont(&cur)
}

// Verify checks that y = x^(2^T) in G, given Wesolowski's proof: with the
// challenge prime ℓ = H(x, y, T) and r = 2^T mod ℓ, it accepts if and only
// if π^ℓ · x^r = y. It costs about 256 squarings and 150 multiplications
// plus finding ℓ. It returns nil or an error wrapping ErrProof, ErrElement
// or ErrDelay.
func Verify(x, y *Element, t uint64, proof *Proof) error {
	if err := x.valid(); err != nil {
		return fmt.Errorf("x: %w", err)
	}
	if err := y.valid(); err != nil {
		return fmt.Errorf("y: %w", err)
	}
	if proof == nil {
		return fmt.Errorf("%w: missing", ErrProof)
	}
	if err := proof.pi.valid(); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	if err := checkDelay(t); err != nil {
		return err
	}
	ell := challenge(x, y, t)
	r := new(big.Int).Exp(big.NewInt(2), new(big.Int).SetUint64(t), ell)
	w := doubleExp(&proof.pi, ell, x, r)
	got, err := canonical(w)
	if err != nil || !got.Equal(y) {
		return ErrProof
	}
	return nil
}

// challenge is the Fiat–Shamir prime ℓ = HashToPrime(x, y, T) of
// Wesolowski: the first 256-bit candidate read from SHAKE256(tag, x, y,
// T), with its top and bottom bits set, that passes big.Int.ProbablyPrime(20)
// (Baillie–PSW plus 20 Miller–Rabin rounds whose bases are derived from the
// candidate, so the result is deterministic). Candidates are hash outputs,
// not adversarial choices, so a composite slipping through has negligible
// probability. About 90 candidates are read on average; most fail trial
// division (passesSieve, then ProbablyPrime's own).
func challenge(x, y *Element, t uint64) *big.Int {
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], t)
	h := newXOF(dstChallenge, x.Bytes(), y.Bytes(), tb[:])
	buf := make([]byte, challengeBits/8)
	ell := new(big.Int)
	for {
		h.Read(buf)
		buf[0] |= 0x80
		buf[len(buf)-1] |= 1
		if !passesSieve(buf) {
			continue
		}
		ell.SetBytes(buf)
		if ell.ProbablyPrime(20) {
			return ell
		}
	}
}

// sieve holds the odd primes 59 ≤ p < 1024 packed into products below
// 2^64. ProbablyPrime already divides by the primes up to 53; this second
// pass rejects about 40% of the candidates that survive that, at the cost
// of a few word divisions instead of a Miller–Rabin round. It only skips
// composites, so ℓ is the same with or without it.
var sieve = func() (products []struct {
	m      uint64
	primes []uint64
}) {
	var cur struct {
		m      uint64
		primes []uint64
	}
	cur.m = 1
	for p := uint64(59); p < 1024; p += 2 {
		prime := true
		for d := uint64(3); d*d <= p; d += 2 {
			if p%d == 0 {
				prime = false
				break
			}
		}
		if !prime {
			continue
		}
		if hi, _ := bits.Mul64(cur.m, p); hi != 0 {
			products = append(products, cur)
			cur.m, cur.primes = 1, nil
		}
		cur.m *= p
		cur.primes = append(cur.primes, p)
	}
	return append(products, cur)
}()

// passesSieve reports whether the 256-bit big-endian candidate has no
// prime factor in sieve.
func passesSieve(c []byte) bool {
	for _, s := range sieve {
		var r uint64
		for i := 0; i < len(c); i += 8 {
			_, r = bits.Div64(r, binary.BigEndian.Uint64(c[i:]), s.m)
		}
		for _, p := range s.primes {
			if r%p == 0 {
				return false
			}
		}
	}
	return true
}

// doubleExp returns a^e · b^f mod N for canonical a, b by Straus's method
// with 4-bit windows: one shared chain of squarings.
func doubleExp(a *Element, e *big.Int, b *Element, f *big.Int) *big.Int {
	const w = 4
	var ta, tb [1 << w]mont.Nat
	ta[0], tb[0] = modN.One(), modN.One()
	ta[1], tb[1] = modN.ToMont(&a.v), modN.ToMont(&b.v)
	for i := 2; i < 1<<w; i++ {
		modN.Mul(&ta[i], &ta[i-1], &ta[1])
		modN.Mul(&tb[i], &tb[i-1], &tb[1])
	}
	acc := modN.One()
	n := max(e.BitLen(), f.BitLen())
	top := (n + w - 1) / w * w
	for i := top - w; i >= 0; i -= w {
		if i != top-w {
			modN.SqrN(&acc, &acc, w)
		}
		if d := window(e, i, w); d != 0 {
			modN.Mul(&acc, &acc, &ta[d])
		}
		if d := window(f, i, w); d != 0 {
			modN.Mul(&acc, &acc, &tb[d])
		}
	}
	return modN.FromMont(&acc)
}

// window returns bits [i, i+w) of e.
func window(e *big.Int, i, w int) uint {
	var d uint
	for j := w - 1; j >= 0; j-- {
		d = d<<1 | e.Bit(i+j)
	}
	return d
}
