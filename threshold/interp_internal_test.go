package threshold

import (
	"crypto/sha3"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// referenceCombine is the plain definition: Σ λ_i·P_i with λ_i reduced mod r
// and one scalar multiplication per point.
func referenceCombine(xs []int, points []bls12381.G1Affine) bls12381.G1Affine {
	lambda := lagrangeAtZero(xs)
	var acc, tmp bls12381.G1Jac
	for i := range points {
		tmp.FromAffine(&points[i])
		tmp.ScalarMultiplication(&tmp, lambda[i].BigInt(new(big.Int)))
		acc.AddAssign(&tmp)
	}
	var out bls12381.G1Affine
	out.FromJacobian(&acc)
	return out
}

// TestInterpolationMatchesReference checks the prepared Straus combination
// against the plain definition for consecutive, shifted and random member
// sets, in both coefficient forms.
func TestInterpolationMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sets [][]int
	for _, n := range []int{1, 2, 4, 7, 16, 64} {
		th := DefaultThreshold(n)
		cons := make([]int, th)
		for i := range cons {
			cons[i] = i + 1
		}
		shifted := make([]int, th)
		for i := range shifted {
			shifted[i] = n - th + 1 + i
		}
		random := rng.Perm(n)[:th]
		for i := range random {
			random[i]++
		}
		sets = append(sets, cons, shifted, random)
	}
	sets = append(sets, []int{1000, 3, 1024}, []int{5})
	for _, xs := range sets {
		t.Run(fmt.Sprint(len(xs), xs[0], xs[len(xs)-1]), func(t *testing.T) {
			points := make([]bls12381.G1Affine, len(xs))
			for i := range points {
				points[i], _ = bls12381.HashToG1([]byte(fmt.Sprint(xs, i)), []byte("test"))
			}
			want := referenceCombine(xs, points)
			for name, ip := range map[string]*interpolation{
				"chosen":  newInterpolation(xs),
				"integer": integerInterpolation(xs),
				"field":   fieldInterpolation(xs),
			} {
				if got := ip.combine(points); !got.Equal(&want) {
					t.Errorf("%s form (window %d) differs from reference", name, ip.window)
				}
			}
		})
	}
}

func TestWNAF(t *testing.T) {
	rng := sha3.NewSHAKE128()
	buf := make([]byte, 40)
	for k := range 200 {
		_, _ = rng.Read(buf)
		c := new(big.Int).SetBytes(buf[:k%40])
		if k%2 == 1 {
			c.Neg(c)
		}
		for w := 2; w <= 7; w++ {
			ds := wnaf(c, w)
			sum := new(big.Int)
			for i := len(ds) - 1; i >= 0; i-- {
				sum.Lsh(sum, 1)
				sum.Add(sum, big.NewInt(int64(ds[i])))
				if d := int(ds[i]); d != 0 && (d%2 == 0 || d >= 1<<(w-1) || d <= -(1<<(w-1))) {
					t.Fatalf("digit %d out of range for w=%d", d, w)
				}
			}
			if sum.Cmp(c) != 0 {
				t.Fatalf("wnaf(%v, %d) sums to %v", c, w, sum)
			}
		}
	}
}

func TestChooseMembers(t *testing.T) {
	for _, tc := range []struct {
		avail []int
		t     int
		want  []int
	}{
		{[]int{1, 2, 3, 4}, 3, []int{1, 2, 3}},
		{[]int{1, 3, 4, 5, 7}, 3, []int{3, 4, 5}},
		{[]int{1, 3, 5, 7}, 3, []int{1, 3, 5}},
		{[]int{2}, 1, []int{2}},
	} {
		if got := chooseMembers(tc.avail, tc.t); !slices.Equal(got, tc.want) {
			t.Errorf("chooseMembers(%v, %d) = %v, want %v", tc.avail, tc.t, got, tc.want)
		}
	}
}

// TestLagrangeInterpolates checks λ against a random polynomial.
func TestLagrangeInterpolates(t *testing.T) {
	var poly [5]fr.Element
	for i := range poly {
		poly[i].SetUint64(uint64(7*i + 3))
	}
	eval := func(x int) fr.Element {
		var xe, y fr.Element
		xe.SetUint64(uint64(x))
		for k := len(poly) - 1; k >= 0; k-- {
			y.Mul(&y, &xe).Add(&y, &poly[k])
		}
		return y
	}
	xs := []int{2, 9, 4, 11, 30}
	lambda := lagrangeAtZero(xs)
	var sum fr.Element
	for i, x := range xs {
		y := eval(x)
		y.Mul(&y, &lambda[i])
		sum.Add(&sum, &y)
	}
	if !sum.Equal(&poly[0]) {
		t.Fatal("Lagrange coefficients do not interpolate at 0")
	}
}
