package threshold

import (
	"encoding/binary"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
)

// Domain separation tags for RFC 9380 hash_to_curve (suite
// BLS12381G1_XMD:SHA-256_SSWU_RO_, i.e. expand_message_xmd with SHA-256, the
// simplified SWU map and cofactor clearing). Identities and signed messages
// are hashed under different tags, so the two hash functions are
// independent random oracles: a signature s·H_sig(m) equals a decryption key
// s·H_id(x) only if H_sig(m) = H_id(x), a collision between independent
// oracles (probability about q²/r for q queries). L1 contracts reproduce
// H_sig with expand_message_xmd and the EIP-2537 MAP_FP_TO_G1 precompile.
const (
	IdentityDST  = "VEIL-V01-IBE-ID-BLS12381G1_XMD:SHA-256_SSWU_RO_"
	SignatureDST = "VEIL-V01-SIG-BLS12381G1_XMD:SHA-256_SSWU_RO_"
)

// IdentitySize is the encoded size of an Identity.
const IdentitySize = g1Size

// Identity is the public key a transaction is encrypted to: a point of G1
// derived from the transaction's chain, eon, sender and a random prefix. Its
// decryption key is s·id, released by the committee only after the
// transaction is committed. The zero Identity is invalid.
type Identity struct {
	p bls12381.G1Affine
}

// DeriveIdentity returns HashToG1(IdentityDST, enc) where enc is the
// unambiguous encoding
//
//	len(chainID)(8) ‖ chainID ‖ eon(8) ‖ sender(20) ‖ prefix(32)
//
// with big-endian integers. Wallets choose a fresh random prefix per
// ciphertext, so a key released for one transaction never decrypts another.
func DeriveIdentity(chainID string, eon uint64, sender [20]byte, prefix [32]byte) Identity {
	msg := make([]byte, 0, 8+len(chainID)+8+20+32)
	msg = binary.BigEndian.AppendUint64(msg, uint64(len(chainID)))
	msg = append(msg, chainID...)
	msg = binary.BigEndian.AppendUint64(msg, eon)
	msg = append(msg, sender[:]...)
	msg = append(msg, prefix[:]...)
	p, err := bls12381.HashToG1(msg, []byte(IdentityDST))
	if err != nil {
		// HashToG1 fails only for a DST longer than 255 bytes.
		panic("threshold: hash to G1: " + err.Error())
	}
	return Identity{p: p}
}

// Bytes returns the 48-byte compressed encoding of the identity point.
func (id Identity) Bytes() []byte {
	b := id.p.Bytes()
	return b[:]
}

// Equal reports whether two identities are the same point.
func (id Identity) Equal(other Identity) bool { return id.p.Equal(&other.p) }

// valid reports whether id is not the zero Identity (the point at infinity,
// whose pairing with anything is 1 and would give a public key).
func (id Identity) valid() bool { return !id.p.IsInfinity() }

// ParseIdentity decodes a 48-byte identity, checking it is a point of G1
// other than the identity element.
func ParseIdentity(b []byte) (Identity, error) {
	p, err := decodeG1(b)
	if err != nil {
		return Identity{}, err
	}
	return Identity{p: p}, nil
}
