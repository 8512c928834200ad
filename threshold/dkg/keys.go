package dkg

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"

	"go.dedis.ch/kyber/v4"
)

// Long-term member keys. A member has two key pairs, held together:
//
//   - an encryption key x with X = x·g2 in G2, the "longterm" key of kyber's
//     DKG, which encrypts the deals sent to the member (kyber's ECIES over G2);
//   - an Ed25519 key that signs every message the member sends.
//
// kyber's DKG would sign with x as well, but its signatures cover a bundle
// hash that omits the message type (see suite.go), and a Schnorr signature
// over G2 costs 1.2 ms to verify through kyber against 0.1 ms for
// Ed25519ctx (measured here, same run); every member verifies one to three
// messages from every other member. Keeping the signing key apart from the decryption key also avoids
// using one secret in two schemes.

const (
	keyVersion1 = 0x01

	g2CompressedSize = 96
	scalarSize       = 32

	// PublicKeySize is the length of an encoded PublicKey:
	// version(1) ‖ X compressed (96) ‖ Ed25519 public key (32).
	PublicKeySize = 1 + g2CompressedSize + ed25519.PublicKeySize
	// PrivateKeySize is the length of an encoded PrivateKey:
	// version(1) ‖ x (32) ‖ Ed25519 seed (32).
	PrivateKeySize = 1 + scalarSize + ed25519.SeedSize
)

// PublicKey is a member's long-term public key, registered for the eon
// before the run. It is immutable.
type PublicKey struct {
	enc kyber.Point // X = x·g2
	sig ed25519.PublicKey
	raw []byte // canonical encoding
}

// PrivateKey is a member's long-term secret key. String, GoString and Format
// redact it; MarshalBinary is the only way to its bytes.
type PrivateKey struct {
	enc  kyber.Scalar
	sig  ed25519.PrivateKey
	pub  *PublicKey
	seed [ed25519.SeedSize]byte
}

// GenerateLongtermKey draws a member's long-term key pair from rand.
func GenerateLongtermKey(rand io.Reader) (*PrivateKey, *PublicKey, error) {
	var buf [64 + ed25519.SeedSize]byte
	if _, err := io.ReadFull(rand, buf[:]); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	// 64 bytes reduced modulo r: statistically uniform (distance < 2⁻²⁵⁰).
	// Zero has probability 2⁻²⁵⁴ from a working reader.
	x := newSuite().Scalar().SetBytes(buf[:64])
	if x.Equal(newSuite().Scalar().Zero()) {
		return nil, nil, fmt.Errorf("%w: reader produced a zero key", ErrRandom)
	}
	k := newPrivateKey(x, buf[64:])
	return k, k.pub, nil
}

func newPrivateKey(x kyber.Scalar, seed []byte) *PrivateKey {
	k := &PrivateKey{enc: x, sig: ed25519.NewKeyFromSeed(seed)}
	copy(k.seed[:], seed)
	pub := &PublicKey{
		enc: newSuite().Point().Mul(x, nil),
		sig: k.sig.Public().(ed25519.PublicKey),
	}
	pub.raw = pub.encode()
	k.pub = pub
	return k
}

// Public returns the public key of k.
func (k *PrivateKey) Public() *PublicKey { return k.pub }

// MarshalBinary encodes k as version(1) ‖ x(32) ‖ Ed25519 seed(32). The
// result is secret.
func (k *PrivateKey) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, PrivateKeySize)
	b = append(b, keyVersion1)
	x, err := k.enc.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = append(b, x...)
	return append(b, k.seed[:]...), nil
}

// ParsePrivateKey decodes an encoding made by PrivateKey.MarshalBinary. It
// rejects a wrong length, an unknown version and an x that is zero or not
// below the group order.
func ParsePrivateKey(b []byte) (*PrivateKey, error) {
	if len(b) != PrivateKeySize {
		return nil, fmt.Errorf("%w: private key must be %d bytes", ErrKey, PrivateKeySize)
	}
	if b[0] != keyVersion1 {
		return nil, ErrVersion
	}
	x, ok := decodeScalar(b[1 : 1+scalarSize])
	if !ok || x.Equal(newSuite().Scalar().Zero()) {
		return nil, fmt.Errorf("%w: bad scalar", ErrKey)
	}
	return newPrivateKey(x, b[1+scalarSize:]), nil
}

// String describes k without its secret.
func (k *PrivateKey) String() string { return "dkg.PrivateKey(REDACTED)" }

// GoString is String, so %#v does not print the secret either.
func (k *PrivateKey) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *PrivateKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

func (pk *PublicKey) encode() []byte {
	b := make([]byte, 0, PublicKeySize)
	b = append(b, keyVersion1)
	x, _ := pk.enc.MarshalBinary() // never fails for G2
	b = append(b, x...)
	return append(b, pk.sig...)
}

// MarshalBinary encodes pk as version(1) ‖ X(96, compressed) ‖ Ed25519
// public key(32).
func (pk *PublicKey) MarshalBinary() ([]byte, error) {
	return bytes.Clone(pk.raw), nil
}

// ParsePublicKey decodes an encoding made by PublicKey.MarshalBinary. It
// rejects a wrong length, an unknown version, and an X that is not the
// canonical compressed encoding of a point of G2 other than the identity.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	if len(b) != PublicKeySize {
		return nil, fmt.Errorf("%w: public key must be %d bytes", ErrKey, PublicKeySize)
	}
	if b[0] != keyVersion1 {
		return nil, ErrVersion
	}
	x, ok := decodeG2Compressed(b[1 : 1+g2CompressedSize])
	if !ok {
		return nil, fmt.Errorf("%w: encryption key is not a point of G2", ErrKey)
	}
	return &PublicKey{
		enc: x,
		sig: ed25519.PublicKey(bytes.Clone(b[1+g2CompressedSize:])),
		raw: bytes.Clone(b),
	}, nil
}

// Equal reports whether pk and other are the same key.
func (pk *PublicKey) Equal(other *PublicKey) bool {
	return pk != nil && other != nil && bytes.Equal(pk.raw, other.raw)
}

// String returns the key's encoding in hex, abbreviated.
func (pk *PublicKey) String() string {
	return fmt.Sprintf("dkg.PublicKey(%x…)", pk.raw[1:9])
}
