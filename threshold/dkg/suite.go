package dkg

import (
	"crypto/cipher"
	"crypto/sha3"
	"crypto/subtle"
	"errors"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	"go.dedis.ch/kyber/v4"
	"go.dedis.ch/kyber/v4/pairing/bls12381/gnark"
	kdkg "go.dedis.ch/kyber/v4/share/dkg/pedersen"
	"go.dedis.ch/kyber/v4/sign"

	"github.com/veilseq/veil/threshold"
)

// newSuite returns the group of the DKG: threshold.Suite, points in G2 and
// scalars in Fr. It is used for arithmetic and decoding, never randomness.
func newSuite() *gnark.SuiteBLS12381 { return threshold.Suite() }

// seededSuite is the participant's kyber suite: newSuite with RandomStream
// replaced by a stream derived from Config.Rand, so that a run's key
// material depends only on the Config. kyber draws the dealer's polynomial
// from it.
type seededSuite struct {
	*gnark.SuiteBLS12381
	stream cipher.Stream
}

var _ kdkg.Suite = seededSuite{}

func (s seededSuite) RandomStream() cipher.Stream { return s.stream }

// xof is a SHAKE256 output stream, usable both as kyber's cipher.Stream and
// as an io.Reader. It never fails.
type xof struct{ h *sha3.SHAKE }

func (x xof) XORKeyStream(dst, src []byte) {
	buf := make([]byte, len(src))
	_, _ = x.h.Read(buf)
	subtle.XORBytes(dst, src, buf)
}

func (x xof) Read(p []byte) (int, error) { return x.h.Read(p) }

// unsigned is the sign.Scheme handed to kyber, which insists on one. kyber
// signs the hash of each bundle, but that hash omits the bundle's type: the
// bytes hashed for an honest response bundle with 36 complaints
// (4 + 36·5 bytes, then the session) can also be read as a justification
// bundle with 5 entries (4 + 5·36 bytes), so a relay could replay the
// signed response as a justification and have its author evicted. The participant therefore
// signs whole messages itself (type, eon and session included; see
// Message) and kyber's own signature is left empty. kyber never verifies
// signatures in the functions this package calls (only its Board-driven
// Protocol does), so Verify is unreachable.
type unsigned struct{}

var _ sign.Scheme = unsigned{}

func (unsigned) NewKeyPair(cipher.Stream) (kyber.Scalar, kyber.Point) { return nil, nil }
func (unsigned) Sign(kyber.Scalar, []byte) ([]byte, error)            { return nil, nil }
func (unsigned) Verify(kyber.Point, []byte, []byte) error {
	return errors.New("dkg: kyber signatures are not used")
}

// Point encodings. Long-term keys use the 96-byte compressed form;
// commitments travel uncompressed (192 bytes): every member decodes every
// other member's t commitments, and decoding skips the square root that
// decompression needs (measured here: 77 µs against 231 µs per point, both
// with the subgroup check).
const g2UncompressedSize = 2 * g2CompressedSize

// decodeG2Compressed decodes the canonical compressed encoding of a G2 point
// other than the identity. kyber's decoder (gnark's SetBytes) checks the
// curve equation, the subgroup and that coordinates are below p; comparing
// the re-encoding rejects every other variant.
func decodeG2Compressed(b []byte) (kyber.Point, bool) {
	if len(b) != g2CompressedSize {
		return nil, false
	}
	p := newSuite().Point()
	if err := p.UnmarshalBinary(b); err != nil {
		return nil, false
	}
	if p.Equal(newSuite().Point().Null()) {
		return nil, false
	}
	re, err := p.MarshalBinary()
	if err != nil || subtle.ConstantTimeCompare(re, b) != 1 {
		return nil, false
	}
	return p, true
}

// uncompressedFlags are the three flag bits of a BLS12-381 point encoding;
// all zero means uncompressed and not the identity.
const uncompressedFlags = 0xe0

// decodeG2Uncompressed decodes the uncompressed encoding of a G2 point
// other than the identity. With the flag bits zero, gnark's decoder reads
// both coordinates canonically (below p) and checks the curve equation and
// the subgroup, so the encoding is unique.
func decodeG2Uncompressed(b []byte) (kyber.Point, bool) {
	if len(b) != g2UncompressedSize || b[0]&uncompressedFlags != 0 {
		return nil, false
	}
	p := newSuite().Point()
	if err := p.UnmarshalBinary(b); err != nil {
		return nil, false
	}
	return p, true
}

// encodeG2Uncompressed encodes a kyber G2 point uncompressed. kyber only
// encodes compressed, so this decompresses once through gnark; it runs on
// the dealer's own t commitments only.
func encodeG2Uncompressed(p kyber.Point) ([]byte, error) {
	c, err := p.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var a bls12381.G2Affine
	if _, err := a.SetBytes(c); err != nil {
		return nil, err
	}
	raw := a.RawBytes()
	return raw[:], nil
}

// decodeScalar decodes a canonical 32-byte big-endian scalar (below r).
// kyber's own decoder reduces silently, so canonicity is checked first.
func decodeScalar(b []byte) (kyber.Scalar, bool) {
	if len(b) != scalarSize {
		return nil, false
	}
	var e fr.Element
	if err := e.SetBytesCanonical(b); err != nil {
		return nil, false
	}
	return newSuite().Scalar().SetBytes(b), true
}

// scalarCanonical reports whether b is a canonical scalar encoding.
func scalarCanonical(b []byte) bool {
	var e fr.Element
	return len(b) == scalarSize && e.SetBytesCanonical(b) == nil
}
