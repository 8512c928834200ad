package threshold

import (
	"encoding/binary"
	"fmt"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	"go.dedis.ch/kyber/v4"
)

// Wire encoding. Every encoding starts with a one-byte version; integers are
// big-endian; points are in the compressed Zcash/IETF BLS12-381 format (G1 48
// bytes, G2 96 bytes), the format EIP-2537 callers convert from; scalars are
// 32-byte big-endian and canonical (below the group order r).

const (
	version1 = 0x01

	g1Size     = bls12381.SizeOfG1AffineCompressed // 48
	g2Size     = bls12381.SizeOfG2AffineCompressed // 96
	scalarSize = fr.Bytes                          // 32
)

// reader consumes a byte slice front to back. The first failure sticks; the
// caller checks err once after the last read, so a short input can never
// cause an out-of-range slice.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail(fmt.Errorf("%w: truncated input", ErrMalformed))
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) version() {
	b := r.bytes(1)
	if r.err == nil && b[0] != version1 {
		r.fail(ErrVersion)
	}
}

func (r *reader) u16() uint16 {
	b := r.bytes(2)
	if r.err != nil {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func (r *reader) u64() uint64 {
	b := r.bytes(8)
	if r.err != nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func (r *reader) g1() bls12381.G1Affine {
	b := r.bytes(g1Size)
	if r.err != nil {
		return bls12381.G1Affine{}
	}
	p, err := decodeG1(b)
	r.fail(err)
	return p
}

func (r *reader) g2() bls12381.G2Affine {
	b := r.bytes(g2Size)
	if r.err != nil {
		return bls12381.G2Affine{}
	}
	p, err := decodeG2(b)
	r.fail(err)
	return p
}

func (r *reader) scalar() fr.Element {
	b := r.bytes(scalarSize)
	if r.err != nil {
		return fr.Element{}
	}
	s, err := decodeScalar(b)
	r.fail(err)
	return s
}

// done reports the sticky error, or ErrMalformed if bytes are left over.
func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Errorf("%w: trailing bytes", ErrMalformed))
	}
	return r.err
}

// decodeG1 decodes a compressed G1 point, rejecting anything but a
// canonical compressed encoding of a non-identity point of the prime-order
// subgroup.
func decodeG1(b []byte) (bls12381.G1Affine, error) {
	var p bls12381.G1Affine
	if len(b) != g1Size {
		return p, fmt.Errorf("%w: G1 point must be %d bytes", ErrMalformed, g1Size)
	}
	// SetBytes checks the subgroup; with exactly 48 bytes an uncompressed
	// flag fails as a short buffer.
	n, err := p.SetBytes(b)
	if err != nil || n != g1Size {
		return bls12381.G1Affine{}, ErrInvalidPoint
	}
	if p.IsInfinity() {
		return bls12381.G1Affine{}, ErrInvalidPoint
	}
	return p, nil
}

// decodeG2 is decodeG1 for G2, with the faster decompression of
// decodeG2Compressed.
func decodeG2(b []byte) (bls12381.G2Affine, error) {
	if len(b) != g2Size {
		return bls12381.G2Affine{}, fmt.Errorf("%w: G2 point must be %d bytes", ErrMalformed, g2Size)
	}
	p, ok := decodeG2Compressed(b)
	if !ok {
		return bls12381.G2Affine{}, ErrInvalidPoint
	}
	return p, nil
}

// decodeScalar decodes a canonical non-zero scalar.
func decodeScalar(b []byte) (fr.Element, error) {
	var s fr.Element
	if len(b) != scalarSize {
		return s, fmt.Errorf("%w: scalar must be %d bytes", ErrMalformed, scalarSize)
	}
	if err := s.SetBytesCanonical(b); err != nil || s.IsZero() {
		return fr.Element{}, ErrInvalidScalar
	}
	return s, nil
}

// g2FromKyber converts a kyber G2 point of the suite returned by Suite.
func g2FromKyber(p kyber.Point) (bls12381.G2Affine, error) {
	if p == nil || p.MarshalSize() != g2Size {
		return bls12381.G2Affine{}, ErrInvalidPoint
	}
	b, err := p.MarshalBinary()
	if err != nil {
		return bls12381.G2Affine{}, ErrInvalidPoint
	}
	return decodeG2(b)
}

// scalarFromKyber converts a kyber scalar of the suite returned by Suite.
func scalarFromKyber(s kyber.Scalar) (fr.Element, error) {
	if s == nil || s.MarshalSize() != scalarSize {
		return fr.Element{}, ErrInvalidScalar
	}
	b, err := s.MarshalBinary()
	if err != nil {
		return fr.Element{}, ErrInvalidScalar
	}
	return decodeScalar(b)
}

func appendG1(dst []byte, p *bls12381.G1Affine) []byte {
	b := p.Bytes()
	return append(dst, b[:]...)
}

func appendG2(dst []byte, p *bls12381.G2Affine) []byte {
	b := p.Bytes()
	return append(dst, b[:]...)
}
