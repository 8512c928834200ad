// Package par runs the iterations of a loop on all cores. It is the one
// helper the crypto and block pipelines share for batches of independent
// pairings and hashes.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs f(0), …, f(n−1) on up to GOMAXPROCS goroutines, each taking
// the next index until none is left, and returns when all have run. With
// one worker (or n ≤ 1) it runs them in order on the caller's goroutine.
func For(n int, f func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for j := range n {
			f(j)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= n {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}
