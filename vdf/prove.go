package vdf

import (
	"math/big"
	"sync"

	"github.com/veilseq/veil/vdf/internal/mont"
)

// Proof computation (Wesolowski §4.1; Boneh, Bünz and Fisch, "A Survey of
// Two Verifiable Delay Functions", 2018).
//
// π = x^q with q = ⌊2^T/ℓ⌋, a number of about T bits that is only known
// once y, and so ℓ, is. Write q in base 2^κ: q = Σ d_i 2^(κi) for
// 0 ≤ i < n = ⌊T/κ⌋, where digit i is
//
//	d_i = ⌊2^κ · (2^(T-κ(i+1)) mod ℓ) / ℓ⌋
//
// (digits above n are zero because ℓ > 2^κ). With C_i = x^(2^(κi)), π = Π
// C_i^(d_i). Eval keeps only every γ-th C_i, the checkpoints D_j = C_(γj),
// and splits the product by i mod γ:
//
//	π = Π_{s<γ} (P_s)^(2^(κs)),  P_s = Π_j D_j^(d_(γj+s)),
//
// evaluated by Horner's rule from s = γ-1 down. Each P_s is a product of
// powers with κ-bit exponents, computed by bucketing the D_j by digit (one
// multiplication each) and combining the 2^κ buckets with 2^(κ+1)
// multiplications. In total: n + γ·2^(κ+1) multiplications and γκ
// squarings, with n/γ checkpoints in memory. proofPlan picks κ and γ.

// maxCheckpoints bounds Eval's memory: 2^18 checkpoints of 256 bytes.
const maxCheckpoints = 1 << 18

// maxKappa bounds the bucket table: 2^16 elements of 256 bytes.
const maxKappa = 16

type proofPlan struct {
	kappa       uint64 // digit size in bits
	gamma       uint64 // checkpoint every gamma digits
	digits      uint64 // n = ⌊T/κ⌋
	checkpoints uint64 // ⌈n/γ⌉
}

func (p proofPlan) stride() uint64 { return p.kappa * p.gamma }

// newProofPlan chooses κ and γ minimising the multiplications each of the
// workers does, n/W + γ·2^(κ+1) (every worker combines its own buckets),
// under the memory bound.
func newProofPlan(t uint64, workers int) proofPlan {
	w := uint64(max(1, workers))
	var best proofPlan
	bestCost := ^uint64(0)
	for k := uint64(1); k <= maxKappa; k++ {
		n := t / k
		if n == 0 {
			break
		}
		g := (n + maxCheckpoints - 1) / maxCheckpoints
		c := (n + g - 1) / g
		ww := min(w, max(1, c/minCheckpointsPerWorker))
		cost := n/ww + g<<(k+1) + g*k
		if cost < bestCost {
			bestCost = cost
			best = proofPlan{kappa: k, gamma: g, digits: n, checkpoints: c}
		}
	}
	return best
}

// prove returns π in Montgomery form from the checkpoints D_j = x^(2^(κγj)).
// The product over j splits into contiguous ranges, one per worker, each
// with its own buckets and Horner chain; the partial results multiply.
func (p proofPlan) prove(checkpoints []mont.Nat, t uint64, ell *big.Int, workers int) mont.Nat {
	workers = max(1, min(workers, len(checkpoints)/minCheckpointsPerWorker))
	parts := make([]mont.Nat, workers)
	set := make([]bool, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo := len(checkpoints) * w / workers
		hi := len(checkpoints) * (w + 1) / workers
		wg.Go(func() { parts[w], set[w] = p.provePart(checkpoints, lo, hi, t, ell) })
	}
	wg.Wait()
	res := modN.One()
	for w := range workers {
		if set[w] {
			modN.Mul(&res, &res, &parts[w])
		}
	}
	return res
}

// minCheckpointsPerWorker keeps small proofs on one goroutine: each worker
// repeats the bucket combination, 2^(κ+1) multiplications per Horner step.
const minCheckpointsPerWorker = 1 << 10

// provePart returns Π_s (Π_{lo≤j<hi} D_j^(d_(γj+s)))^(2^(κs)), or false if
// it is 1.
func (p proofPlan) provePart(checkpoints []mont.Nat, lo, hi int, t uint64, ell *big.Int) (mont.Nat, bool) {
	bk := newBuckets(p.kappa)
	var (
		res    mont.Nat
		resSet bool
		v, tmp big.Int
	)
	// Digit i is the quotient of one step of the long division of 2^T by ℓ:
	// with v = 2^(T-κ(i+1)) mod ℓ, 2^κ·v = d_i·ℓ + (2^(T-κi) mod ℓ). The
	// remainder is the v of digit i-1; digit i-γ (the next j down) needs
	// a further factor 2^(κ(γ-1)) mod ℓ, which is 1 when γ = 1.
	var step *big.Int
	if p.gamma > 1 {
		step = new(big.Int).Exp(big.NewInt(2), new(big.Int).SetUint64(p.kappa*(p.gamma-1)), ell)
	}
	var d big.Int
	for s := int64(p.gamma) - 1; s >= 0; s-- {
		us := uint64(s)
		if us < p.digits {
			jTop := min((p.digits-1-us)/p.gamma, uint64(hi-1))
			if jTop >= uint64(lo) {
				e := t - p.kappa*(p.gamma*jTop+us+1)
				v.Exp(big.NewInt(2), new(big.Int).SetUint64(e), ell)
				for j := int64(jTop); j >= int64(lo); j-- {
					tmp.Lsh(&v, uint(p.kappa))
					d.QuoRem(&tmp, ell, &v)
					if d := d.Uint64(); d != 0 {
						bk.add(d, &checkpoints[j])
					}
					if step != nil {
						tmp.Mul(&v, step)
						v.Mod(&tmp, ell)
					}
				}
			}
		}
		if resSet {
			modN.SqrN(&res, &res, p.kappa)
		}
		if ps, ok := bk.collect(); ok {
			if resSet {
				modN.Mul(&res, &res, &ps)
			} else {
				res, resSet = ps, true
			}
		}
	}
	return res, resSet
}

// buckets accumulates Π x_i^(d_i) for κ-bit digits d_i: x_i is multiplied
// into bucket d_i, and collect combines the buckets as Π_b B_b^b.
type buckets struct {
	b   []mont.Nat
	set []bool
}

func newBuckets(kappa uint64) *buckets {
	return &buckets{b: make([]mont.Nat, 1<<kappa), set: make([]bool, 1<<kappa)}
}

func (bk *buckets) add(d uint64, x *mont.Nat) {
	if bk.set[d] {
		modN.Mul(&bk.b[d], &bk.b[d], x)
	} else {
		bk.b[d], bk.set[d] = *x, true
	}
}

// collect returns Π_b B_b^b and empties the buckets; ok is false if every
// bucket was empty (the product is 1). It walks b downwards keeping the
// running product of the buckets seen: the total multiplies in each bucket
// b times.
func (bk *buckets) collect() (mont.Nat, bool) {
	var run, total mont.Nat
	var runSet, totalSet bool
	for b := len(bk.b) - 1; b > 0; b-- {
		if bk.set[b] {
			if runSet {
				modN.Mul(&run, &run, &bk.b[b])
			} else {
				run, runSet = bk.b[b], true
			}
			bk.set[b] = false
		}
		if runSet {
			if totalSet {
				modN.Mul(&total, &total, &run)
			} else {
				total, totalSet = run, true
			}
		}
	}
	return total, totalSet
}
