package vdf

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkSquaring compares this package's squaring with plain math/big
// (Mul then Mod). The two alternate inside every iteration, so they see
// the same machine; it reports the median over iterations of each rate
// and of their ratio, which shrugs off bursts of load from other jobs.
func BenchmarkSquaring(b *testing.B) {
	x := HashToElement([]byte("bench"))
	const chunk = 1 << 10
	cur := modN.ToMont(&x.v)
	ref := new(big.Int).Set(&x.v)
	var rMont, rBig, speedup []float64
	for b.Loop() {
		s := time.Now()
		modN.SqrN(&cur, &cur, chunk)
		dm := time.Since(s).Seconds()
		s = time.Now()
		for range chunk {
			ref.Mul(ref, ref)
			ref.Mod(ref, nBig)
		}
		db := time.Since(s).Seconds()
		rMont = append(rMont, chunk/dm)
		rBig = append(rBig, chunk/db)
		speedup = append(speedup, db/dm)
	}
	b.ReportMetric(median(rMont), "mont-sq/s")
	b.ReportMetric(median(rBig), "big-sq/s")
	b.ReportMetric(median(speedup), "speedup")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkEval measures evaluation alone and evaluation with the proof,
// alternating inside every iteration, and reports the median ratio: the
// proof overhead, in wall time and in CPU time summed over the proof's
// goroutines (the overhead on one core).
func BenchmarkEval(b *testing.B) {
	x := HashToElement([]byte("bench"))
	for _, t := range []uint64{1 << 16, 1 << 20, 1 << 22} {
		b.Run(fmt.Sprintf("T=2^%d", bitsOf(t)), func(b *testing.B) {
			var evalS, over, cpuOver []float64
			for b.Loop() {
				c, s := cpuSeconds(), time.Now()
				delay(x, t)
				we, ce := time.Since(s).Seconds(), cpuSeconds()-c
				c, s = cpuSeconds(), time.Now()
				if _, _, err := Eval(x, t); err != nil {
					b.Fatal(err)
				}
				wp, cp := time.Since(s).Seconds(), cpuSeconds()-c
				evalS = append(evalS, we)
				over = append(over, wp/we)
				if ce > 0 {
					cpuOver = append(cpuOver, cp/ce)
				}
			}
			b.ReportMetric(median(evalS), "eval-s")
			b.ReportMetric(median(over), "overhead-x")
			if len(cpuOver) > 0 {
				b.ReportMetric(median(cpuOver), "cpu-overhead-x")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// BenchmarkVerify cycles through 16 proofs: the hash-to-prime search, most
// of Verify's cost, takes a different number of candidates for each input.
func BenchmarkVerify(b *testing.B) {
	const t = 1 << 12
	type claim struct {
		x, y *Element
		p    *Proof
	}
	var claims []claim
	for i := range 16 {
		x := HashToElement([]byte{'b', byte(i)})
		y, p, err := Eval(x, t)
		if err != nil {
			b.Fatal(err)
		}
		claims = append(claims, claim{x, y, p})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := claims[i%len(claims)]
		i++
		if err := Verify(c.x, c.y, t, c.p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChallenge is the hash-to-prime part of Verify.
func BenchmarkChallenge(b *testing.B) {
	x := HashToElement([]byte("bench"))
	y := HashToElement([]byte("bench y"))
	var t uint64
	for b.Loop() {
		t++
		challenge(x, y, t)
	}
}

func BenchmarkLock(b *testing.B) {
	p, err := GenerateParams(b.Context(), "bench", 1<<12)
	if err != nil {
		b.Fatal(err)
	}
	key := bytes.Repeat([]byte{1}, KeySize)
	rng := rand.NewChaCha8([32]byte{})
	b.Run("tables=cold", func(b *testing.B) {
		for b.Loop() {
			p.buildTables()
		}
	})
	b.Run("tables=warm", func(b *testing.B) {
		b.ReportAllocs()
		if _, err := Lock(p, key, rng); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := Lock(p, key, rng); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOpen(b *testing.B) {
	p, err := GenerateParams(b.Context(), "bench", 1<<12)
	if err != nil {
		b.Fatal(err)
	}
	pz, err := Lock(p, make([]byte, KeySize), rand.NewChaCha8([32]byte{}))
	if err != nil {
		b.Fatal(err)
	}
	_, y, proof, err := Solve(p, pz)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(p, pz, y, proof); err != nil {
			b.Fatal(err)
		}
	}
}

func bitsOf(t uint64) int {
	n := 0
	for t > 1 {
		t >>= 1
		n++
	}
	return n
}
