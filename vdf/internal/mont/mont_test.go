package mont

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// testN is RSA-2048, the modulus the VDF uses.
var testN, _ = new(big.Int).SetString("25195908475657893494027183240048398571429282126204032027777137836043662020707595556264018525880784406918290641249515082189298559149176184502808489120072844992687392807287776735971418347270261896375014971824691165077613379859095700097330459748808428401797429100642458691817195118746121515172654632282216869987549182422433637259085141865462043576798423387184774447920739934236584823824281198163815010674810451660377306056201619676256133844143603833904414952634432190114657544454178424020924616515723350778707749817125772467962926386356373289912154831438167899885040445364023527381951378636564391212010397122822120720357", 10)

// testValues returns edge values and random values below n.
func testValues(n *big.Int, count int) []*big.Int {
	one := big.NewInt(1)
	vals := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2),
		new(big.Int).Sub(n, one),
		new(big.Int).Sub(n, big.NewInt(2)),
		new(big.Int).Rsh(n, 1),
		new(big.Int).Sub(new(big.Int).Lsh(one, 2047), one),
		new(big.Int).Lsh(one, 2047),
		new(big.Int).Sub(new(big.Int).Lsh(one, 1024), one),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range count {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		// a spread of sizes, and some all-ones words to stress carries
		v := new(big.Int).SetBytes(b[r.IntN(200):])
		if r.IntN(4) == 0 {
			v.Or(v, new(big.Int).Sub(new(big.Int).Lsh(one, uint(r.IntN(2047))), one))
		}
		vals = append(vals, v.Mod(v, n))
	}
	return vals
}

func moduli(t *testing.T) []*Modulus {
	t.Helper()
	one := big.NewInt(1)
	ns := []*big.Int{
		testN,
		new(big.Int).Sub(new(big.Int).Lsh(one, 2048), one),             // all ones
		new(big.Int).Add(new(big.Int).Lsh(one, 2047), one),             // 2^2047+1
		new(big.Int).Sub(new(big.Int).Lsh(one, 2048), big.NewInt(159)), // near R
	}
	var ms []*Modulus
	for _, n := range ns {
		m, err := NewModulus(n)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

// TestAgainstBig checks the Montgomery routines against plain math/big
// arithmetic, the reference: mont(x)·mont(y) must represent x·y mod N.
func TestAgainstBig(t *testing.T) {
	for _, m := range moduli(t) {
		n := m.N()
		vals := testValues(n, 60)
		for i, x := range vals {
			y := vals[(i*7+3)%len(vals)]
			xm, ym := m.ToMont(x), m.ToMont(y)
			if got := m.FromMont(&xm); got.Cmp(x) != 0 {
				t.Fatalf("round trip of %x gave %x", x, got)
			}
			var z Nat
			m.Mul(&z, &xm, &ym)
			want := new(big.Int).Mul(x, y)
			want.Mod(want, n)
			if got := m.FromMont(&z); got.Cmp(want) != 0 {
				t.Fatalf("Mul(%x, %x) = %x, want %x", x, y, got, want)
			}
			m.Sqr(&z, &xm)
			want.Mul(x, x).Mod(want, n)
			if got := m.FromMont(&z); got.Cmp(want) != 0 {
				t.Fatalf("Sqr(%x) = %x, want %x", x, got, want)
			}
			var g Nat
			sqrGeneric(&g, &xm, m)
			if g != z {
				t.Fatalf("Sqr and sqrGeneric disagree on %x", x)
			}
			m.Mul(&z, &xm, &ym)
			mulGeneric(&g, &xm, &ym, m)
			if g != z {
				t.Fatalf("Mul and mulGeneric disagree on %x, %x", x, y)
			}
			for _, k := range []uint64{0, 2, 5, 64} {
				m.SqrN(&z, &xm, k)
				e := new(big.Int).Lsh(big.NewInt(1), uint(k))
				want.Exp(x, e, n)
				if got := m.FromMont(&z); got.Cmp(want) != 0 {
					t.Fatalf("SqrN(%x, %d) = %x, want %x", x, k, got, want)
				}
			}
			// aliasing
			z = xm
			m.Mul(&z, &z, &z)
			m.Sqr(&xm, &xm)
			if z != xm {
				t.Fatalf("aliased Mul and Sqr disagree on %x", x)
			}
		}
	}
}

func TestNewModulusRejects(t *testing.T) {
	one := big.NewInt(1)
	for _, n := range []*big.Int{
		big.NewInt(0), big.NewInt(-7), new(big.Int).Lsh(one, 2047),
		new(big.Int).Lsh(one, 2048), new(big.Int).Add(new(big.Int).Lsh(one, 2048), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 2047), one),
	} {
		if _, err := NewModulus(n); err != ErrModulus {
			t.Errorf("NewModulus(%x) = %v, want ErrModulus", n, err)
		}
	}
}

func BenchmarkSqr(b *testing.B) {
	m, _ := NewModulus(testN)
	x := m.ToMont(big.NewInt(3))
	b.Run("mont", func(b *testing.B) {
		for b.Loop() {
			m.Sqr(&x, &x)
		}
	})
	b.Run("generic", func(b *testing.B) {
		for b.Loop() {
			sqrGeneric(&x, &x, m)
		}
	})
	b.Run("mul", func(b *testing.B) {
		for b.Loop() {
			m.Mul(&x, &x, &x)
		}
	})
}

func BenchmarkSqrN(b *testing.B) {
	m, _ := NewModulus(testN)
	x := m.ToMont(big.NewInt(3))
	for b.Loop() {
		m.SqrN(&x, &x, 1000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/sqr")
}
