package vdf

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/veilseq/veil/vdf/internal/mont"
)

// TestProveAgainstReference checks the checkpointed proof against the
// definition π = x^⌊2^T/ℓ⌋, computed with math/big, across plans with
// several κ and γ, including T not a multiple of κ.
func TestProveAgainstReference(t *testing.T) {
	x := HashToElement([]byte("reference"))
	for _, tc := range []struct{ t, kappa, gamma uint64 }{
		{256, 1, 1}, {257, 3, 2}, {1000, 4, 1}, {1000, 5, 7}, {1023, 10, 3}, {2048, 8, 16}, {3001, 16, 1}, {3001, 2, 5},
	} {
		t.Run(fmt.Sprintf("T=%d,k=%d,g=%d", tc.t, tc.kappa, tc.gamma), func(t *testing.T) {
			n := tc.t / tc.kappa
			plan := proofPlan{kappa: tc.kappa, gamma: tc.gamma, digits: n, checkpoints: (n + tc.gamma - 1) / tc.gamma}
			cur, cps, err := squareAndCheckpoint(t.Context(), x, tc.t, plan)
			if err != nil {
				t.Fatal(err)
			}
			yv := modN.FromMont(&cur)
			want := new(big.Int).Exp(&x.v, new(big.Int).Lsh(big.NewInt(1), uint(tc.t)), nBig)
			if yv.Cmp(want) != 0 {
				t.Fatal("y differs from x^(2^T)")
			}
			y, err := canonical(yv)
			if err != nil {
				t.Fatal(err)
			}
			ell := challenge(x, y, tc.t)
			q := new(big.Int).Quo(new(big.Int).Lsh(big.NewInt(1), uint(tc.t)), ell)
			wantPi := new(big.Int).Exp(&x.v, q, nBig)
			for _, workers := range []int{1, 3} {
				// split by hand below the size prove would split at
				parts := make([]mont.Nat, 0, workers)
				for w := range workers {
					lo, hi := len(cps)*w/workers, len(cps)*(w+1)/workers
					if part, ok := plan.provePart(cps, lo, hi, tc.t, ell); ok {
						parts = append(parts, part)
					}
				}
				pim := modN.One()
				for i := range parts {
					modN.Mul(&pim, &pim, &parts[i])
				}
				if got := modN.FromMont(&pim); got.Cmp(wantPi) != 0 {
					t.Fatalf("%d workers: π differs from x^⌊2^T/ℓ⌋", workers)
				}
			}
			pi, err := canonical(wantPi)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(x, y, tc.t, &Proof{pi: *pi}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	for _, T := range []uint64{256, 1000, 1 << 20, 1 << 26, 1 << 30, 5e9, MaxDelay} {
		p := newProofPlan(T, 2)
		if p.checkpoints > maxCheckpoints || p.kappa == 0 || p.kappa > maxKappa {
			t.Errorf("T=%d: plan %+v out of bounds", T, p)
		}
		cost := float64(p.digits+p.gamma<<(p.kappa+1)) / float64(T)
		t.Logf("T=%d: κ=%d γ=%d checkpoints=%d multiplications/T=%.3f", T, p.kappa, p.gamma, p.checkpoints, cost)
	}
}

// TestSieve checks the word-remainder sieve against math/big: it must
// reject exactly the candidates with a factor among its primes.
func TestSieve(t *testing.T) {
	var primes []int64
	for _, s := range sieve {
		for _, p := range s.primes {
			primes = append(primes, int64(p))
		}
	}
	if primes[0] != 59 || primes[len(primes)-1] != 1021 {
		t.Fatalf("sieve primes run from %d to %d", primes[0], primes[len(primes)-1])
	}
	h := newXOF("sieve test")
	buf := make([]byte, challengeBits/8)
	c, r := new(big.Int), new(big.Int)
	for i := range 3000 {
		h.Read(buf)
		if i%3 == 0 {
			// force a known small factor into some candidates
			c.SetBytes(buf)
			c.Mul(c.Rsh(c, 12), big.NewInt(primes[i%len(primes)]))
			c.FillBytes(buf)
		}
		c.SetBytes(buf)
		want := true
		for _, p := range primes {
			if r.Mod(c, big.NewInt(p)).Sign() == 0 {
				want = false
				break
			}
		}
		if got := passesSieve(buf); got != want {
			t.Fatalf("passesSieve(%x) = %v, want %v", buf, got, want)
		}
	}
}
