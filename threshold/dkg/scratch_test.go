package dkg

import (
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"go.dedis.ch/kyber/v4/pairing/bls12381/gnark"
	"go.dedis.ch/kyber/v4/util/random"
)

func BenchmarkScratch(b *testing.B) {
	s := gnark.NewSuiteBLS12381()
	x := s.Scalar().Pick(random.New())
	p := s.Point().Mul(x, nil)
	buf, _ := p.MarshalBinary()
	var a bls12381.G2Affine
	a.SetBytes(buf)
	raw := a.RawBytes()
	b.Run("compressed", func(b *testing.B) {
		for b.Loop() {
			var q bls12381.G2Affine
			if _, err := q.SetBytes(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncompressed", func(b *testing.B) {
		for b.Loop() {
			var q bls12381.G2Affine
			if _, err := q.SetBytes(raw[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("subgroup", func(b *testing.B) {
		for b.Loop() {
			a.IsInSubGroup()
		}
	})
}
