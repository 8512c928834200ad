package threshold

import (
	"crypto/sha3"
	"math/big"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
)

// gnarkDecodeG2 is the reference: gnark's decoder plus this package's
// rejection of the identity and of anything but 96-byte compressed input.
func gnarkDecodeG2(b []byte) (bls12381.G2Affine, bool) {
	var p bls12381.G2Affine
	n, err := p.SetBytes(b)
	if err != nil || n != len(b) || len(b) != g2Size || p.IsInfinity() {
		return bls12381.G2Affine{}, false
	}
	return p, true
}

func checkDecodeG2(t *testing.T, b []byte) {
	t.Helper()
	want, wantOK := gnarkDecodeG2(b)
	got, gotOK := decodeG2Compressed(b)
	if gotOK != wantOK || (gotOK && !got.Equal(&want)) {
		t.Fatalf("decode %x: got (%v, %v), gnark (%v, %v)", b, got.String(), gotOK, want.String(), wantOK)
	}
}

// onTwist returns a point of E'(Fp2) with the given x, in the subgroup or
// not, if x is on the curve.
func onTwist(x bls12381.E2) (bls12381.G2Affine, bool) {
	var p bls12381.G2Affine
	p.X = x
	var rhs bls12381.E2
	rhs.Square(&x).Mul(&rhs, &x).Add(&rhs, &twistB)
	if rhs.Legendre() != 1 {
		return p, false
	}
	p.Y.Sqrt(&rhs)
	return p, true
}

func TestDecodeG2MatchesGnark(t *testing.T) {
	rng := sha3.NewSHAKE128()
	_, _, _, g2 := bls12381.Generators()
	buf := make([]byte, 96)
	for i := range 200 {
		_, _ = rng.Read(buf[:64])
		k := new(big.Int).SetBytes(buf[:64])
		var p bls12381.G2Affine
		p.ScalarMultiplication(&g2, k)
		enc := p.Bytes()
		checkDecodeG2(t, enc[:])
		var neg bls12381.G2Affine
		neg.Neg(&p)
		enc = neg.Bytes()
		checkDecodeG2(t, enc[:])
		// Flip a bit of x: usually off the curve, sometimes a point outside
		// the subgroup.
		enc[1+i%90] ^= 1 << (i % 8)
		checkDecodeG2(t, enc[:])
		// Points on the twist with small x, mostly outside the subgroup,
		// and x with a zero imaginary or real part.
		var x bls12381.E2
		x.A0.SetUint64(uint64(i))
		if i%2 == 1 {
			x.A0, x.A1 = fp.Element{}, x.A0
		}
		if q, ok := onTwist(x); ok {
			enc = q.Bytes()
			checkDecodeG2(t, enc[:])
			enc[0] ^= 0x20
			checkDecodeG2(t, enc[:])
		}
		// Random bytes with valid flags.
		_, _ = rng.Read(buf)
		buf[0] = buf[0]&^0xe0 | []byte{0x80, 0xa0, 0xc0, 0x00, 0x20, 0xe0}[i%6]
		checkDecodeG2(t, buf)
	}
	// Non-canonical x (a coordinate ≥ p), infinity, wrong lengths.
	pb := fp.Modulus().FillBytes(make([]byte, 48))
	checkDecodeG2(t, append(append([]byte{}, pb...), pb...))
	inf := make([]byte, 96)
	inf[0] = 0xc0
	checkDecodeG2(t, inf)
	checkDecodeG2(t, inf[:95])
}

func TestSqrtFp2(t *testing.T) {
	rng := sha3.NewSHAKE128()
	buf := make([]byte, 96)
	for i := range 300 {
		_, _ = rng.Read(buf)
		var x bls12381.E2
		x.A0.SetBytes(buf[:48])
		x.A1.SetBytes(buf[48:])
		switch i % 4 {
		case 1:
			x.A1.SetZero()
		case 2:
			x.A0.SetZero()
		}
		var z bls12381.E2
		ok := sqrtFp2(&z, &x)
		if ok != (x.Legendre() >= 0) {
			t.Fatalf("sqrtFp2 says %v, Legendre %d", ok, x.Legendre())
		}
		if ok {
			var sq bls12381.E2
			sq.Square(&z)
			if !sq.Equal(&x) {
				t.Fatal("wrong square root")
			}
		}
	}
}

func FuzzDecodeG2(f *testing.F) {
	_, _, _, g2 := bls12381.Generators()
	enc := g2.Bytes()
	f.Add(enc[:])
	f.Fuzz(func(t *testing.T, b []byte) { checkDecodeG2(t, b) })
}

func BenchmarkDecodeG2(b *testing.B) {
	_, _, _, g2 := bls12381.Generators()
	var p bls12381.G2Affine
	p.ScalarMultiplication(&g2, big.NewInt(123456789))
	enc := p.Bytes()
	b.Run("veil", func(b *testing.B) {
		for b.Loop() {
			if _, ok := decodeG2Compressed(enc[:]); !ok {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("gnark", func(b *testing.B) {
		for b.Loop() {
			if _, ok := gnarkDecodeG2(enc[:]); !ok {
				b.Fatal("rejected")
			}
		}
	})
}
