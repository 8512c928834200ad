package vdf

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// BenchmarkSquaring compares this package's squaring with plain math/big
// (Mul then Mod) in the same run. Both report squarings per second.
func BenchmarkSquaring(b *testing.B) {
	x := HashToElement([]byte("bench"))
	const chunk = 1 << 12
	b.Run("impl=mont", func(b *testing.B) {
		cur := modN.ToMont(&x.v)
		for b.Loop() {
			modN.SqrN(&cur, &cur, chunk)
		}
		b.ReportMetric(float64(b.N)*chunk/b.Elapsed().Seconds(), "sq/s")
	})
	b.Run("impl=math-big", func(b *testing.B) {
		cur := new(big.Int).Set(&x.v)
		for b.Loop() {
			for range chunk {
				cur.Mul(cur, cur)
				cur.Mod(cur, nBig)
			}
		}
		b.ReportMetric(float64(b.N)*chunk/b.Elapsed().Seconds(), "sq/s")
	})
}

// BenchmarkEval measures evaluation alone and evaluation with the proof;
// their ratio is the proof overhead. cpu-s/op is CPU time summed over the
// proof's goroutines: the overhead on one core.
func BenchmarkEval(b *testing.B) {
	x := HashToElement([]byte("bench"))
	for _, t := range []uint64{1 << 16, 1 << 20} {
		b.Run(fmt.Sprintf("T=2^%d/proof=no", bitsOf(t)), func(b *testing.B) {
			cpu := cpuSeconds()
			for b.Loop() {
				delay(x, t)
			}
			b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
		})
		b.Run(fmt.Sprintf("T=2^%d/proof=yes", bitsOf(t)), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuSeconds()
			for b.Loop() {
				if _, _, err := Eval(x, t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	x := HashToElement([]byte("bench"))
	const t = 1 << 12
	y, p, err := Eval(x, t)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(x, y, t, p); err != nil {
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
