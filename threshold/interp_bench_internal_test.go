package threshold

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
)

// BenchmarkInterpolation compares one prepared Straus combination (this
// package) with gnark's Pippenger MSM over the reduced Lagrange
// coefficients, for the member sets of BenchmarkAggregateKeys. The name
// records the chosen window, whether a final factor multiplication is
// needed, and the cost estimate.
func BenchmarkInterpolation(b *testing.B) {
	for _, n := range []int{4, 16, 64} {
		t := DefaultThreshold(n)
		pts := make([]bls12381.G1Affine, t)
		cont := make([]int, t)
		gaps := make([]int, 0, t)
		for i := range pts {
			pts[i], _ = bls12381.HashToG1([]byte{byte(i)}, []byte("bench"))
			cont[i] = i + 1
		}
		for i := 1; len(gaps) < t; i++ {
			if i%3 != 0 {
				gaps = append(gaps, i)
			}
		}
		for _, set := range []struct {
			name string
			xs   []int
		}{{"cont", cont}, {"gaps", gaps}} {
			ip := newInterpolation(set.xs)
			lam := lagrangeAtZero(set.xs)
			b.Run(fmt.Sprintf("t=%d/%s/straus-w=%d-factor=%v-cost=%d", t, set.name, ip.window, ip.hasFactor, ip.cost()), func(b *testing.B) {
				for b.Loop() {
					ip.combine(pts)
				}
			})
			b.Run(fmt.Sprintf("t=%d/%s/gnark-msm", t, set.name), func(b *testing.B) {
				for b.Loop() {
					var acc bls12381.G1Jac
					if _, err := acc.MultiExp(pts, lam, ecc.MultiExpConfig{NbTasks: 1}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
