package par

import (
	"sync/atomic"
	"testing"
)

func TestForRunsEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		counts := make([]atomic.Int32, n)
		For(n, func(j int) { counts[j].Add(1) })
		for j := range counts {
			if c := counts[j].Load(); c != 1 {
				t.Fatalf("n=%d: index %d ran %d times", n, j, c)
			}
		}
	}
}
