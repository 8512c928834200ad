package threshold

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"io"
	"math/big"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/veilseq/veil/internal/par"
)

// Ciphertext layout: version(1) ‖ U(96) ‖ ChaCha20-Poly1305 output
// (len(plaintext) + 16-byte tag).
const (
	// CiphertextOverhead is the ciphertext size minus the plaintext size:
	// a version byte, U (96) and the Poly1305 tag (16).
	CiphertextOverhead = 113
	ciphertextHeader   = 1 + g2Size
)

// CiphertextOverhead must equal the sum of its parts (both differences
// must be non-negative for these constants to compile).
const (
	_ = uint(CiphertextOverhead - (ciphertextHeader + chacha20poly1305.Overhead))
	_ = uint((ciphertextHeader + chacha20poly1305.Overhead) - CiphertextOverhead)
)

// kdfSalt domain-separates the KEM key derivation.
const kdfSalt = "VEIL-V01-IBE-KEM-HKDF-SHA256"

// Encrypter encrypts to one eon key. It holds the precomputed Miller-loop
// lines of P, so each encryption's pairing skips the G2 arithmetic. It is
// safe for concurrent use.
type Encrypter struct {
	pk    *EonPublicKey
	lines *linesG2
}

// NewEncrypter returns an Encrypter for pk, precomputing P's lines.
func NewEncrypter(pk *EonPublicKey) *Encrypter {
	return &Encrypter{pk: pk, lines: pk.master.getLines()}
}

// Encrypt encrypts plaintext to id under pk, with header as associated
// data; see Encrypter.Encrypt.
func Encrypt(rand io.Reader, pk *EonPublicKey, id Identity, header, plaintext []byte) ([]byte, error) {
	return NewEncrypter(pk).Encrypt(rand, id, header, plaintext)
}

// Encrypt encrypts plaintext to id (Boneh and Franklin, "Identity-based
// encryption from the Weil pairing", CRYPTO 2001, used as a KEM with an
// AEAD): with r drawn from rand,
//
//	U = r·g2,  key = HKDF-SHA256(e(id, P)^r ‖ U ‖ header),
//	ct = version ‖ U ‖ ChaCha20-Poly1305(key, nonce = 0, plaintext, ad = header).
//
// e(id, P)^r is computed as e(r·id, P) on P's precomputed lines. The
// ciphertext can be decrypted only with k(id) = s·id, which the committee
// releases after the ciphertext is committed; header (the envelope header)
// is authenticated and must be presented again to decrypt.
//
// The nonce is fixed at zero because every AEAD key is used exactly once:
// the key is derived from a fresh r (and from U and the header), so two
// encryptions never share a key, as in age's payload key scheme.
func (e *Encrypter) Encrypt(rand io.Reader, id Identity, header, plaintext []byte) ([]byte, error) {
	ct, _, err := e.EncryptContentKey(rand, id, header, plaintext)
	return ct, err
}

// ContentKeySize is the size of a ciphertext's content key.
const ContentKeySize = chacha20poly1305.KeySize

// EncryptContentKey is Encrypt that also returns the content key k, the
// one-time ChaCha20-Poly1305 key of the ciphertext. A wallet that wants
// the time-lock escape hatch locks k in a puzzle (package vdf), so the
// ciphertext opens with DecryptContentKey once the puzzle is solved, even
// if the committee never releases k(id). k opens this ciphertext only: it
// is derived from a fresh r, so it reveals nothing about other
// ciphertexts or the eon key. Treat it as a secret.
func (e *Encrypter) EncryptContentKey(rand io.Reader, id Identity, header, plaintext []byte) (ct []byte, contentKey [ContentKeySize]byte, err error) {
	if !id.valid() {
		return nil, contentKey, fmt.Errorf("%w: empty identity", ErrInvalidPoint)
	}
	r, err := randomScalar(rand)
	if err != nil {
		return nil, contentKey, err
	}
	rb := r.BigInt(new(big.Int))
	var u bls12381.G2Affine
	u.ScalarMultiplicationBase(rb)
	var rid bls12381.G1Affine
	rid.ScalarMultiplication(&id.p, rb)
	gt, err := bls12381.PairFixedQ([]bls12381.G1Affine{rid}, []linesG2{*e.lines})
	if err != nil {
		return nil, contentKey, err
	}
	out := make([]byte, 0, CiphertextOverhead+len(plaintext))
	out = append(out, version1)
	out = appendG2(out, &u)
	contentKey = deriveContentKey(&gt, out[1:ciphertextHeader], header)
	return contentAEAD(contentKey).Seal(out, zeroNonce[:], plaintext, header), contentKey, nil
}

// DecryptContentKey decrypts ct with its content key k (from
// EncryptContentKey, or a solved time-lock) instead of the identity's
// decryption key: no pairing, only ChaCha20-Poly1305 with header as
// associated data. It checks the ciphertext's version and length but not
// U, which k does not depend on. A wrong key, header or mauled body
// returns ErrDecrypt.
func DecryptContentKey(contentKey []byte, ct, header []byte) ([]byte, error) {
	if len(contentKey) != ContentKeySize {
		return nil, fmt.Errorf("%w: content key of %d bytes, want %d", ErrInvalidKey, len(contentKey), ContentKeySize)
	}
	if err := CheckCiphertext(ct); err != nil {
		return nil, err
	}
	pt, err := contentAEAD([ContentKeySize]byte(contentKey)).Open(nil, zeroNonce[:], ct[ciphertextHeader:], header)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

var zeroNonce [chacha20poly1305.NonceSize]byte

// newAEAD derives the one-time AEAD key from the KEM secret, the encoded U
// and the header.
func newAEAD(gt *bls12381.GT, u, header []byte) cipher.AEAD {
	return contentAEAD(deriveContentKey(gt, u, header))
}

// deriveContentKey is the KDF: HKDF-SHA256(e(id, P)^r ‖ U ‖ header).
func deriveContentKey(gt *bls12381.GT, u, header []byte) [ContentKeySize]byte {
	g := gt.Bytes()
	ikm := make([]byte, 0, len(g)+len(u)+len(header))
	ikm = append(ikm, g[:]...)
	ikm = append(ikm, u...)
	ikm = append(ikm, header...)
	key, err := hkdf.Key(sha256.New, ikm, []byte(kdfSalt), "chacha20poly1305 key", chacha20poly1305.KeySize)
	if err != nil {
		panic("threshold: hkdf: " + err.Error()) // only for oversized output
	}
	return [ContentKeySize]byte(key)
}

// contentAEAD is ChaCha20-Poly1305 keyed with a content key.
func contentAEAD(key [ContentKeySize]byte) cipher.AEAD {
	aead, err := chacha20poly1305.New(key[:])
	if err != nil {
		panic("threshold: chacha20poly1305: " + err.Error()) // only for a bad key size
	}
	return aead
}

// CheckCiphertext checks a ciphertext's version and length without curve
// arithmetic, for mempool admission. A ciphertext that passes may still be
// rejected by ParseCiphertext (U not in G2) or fail to decrypt.
func CheckCiphertext(ct []byte) error {
	if len(ct) < CiphertextOverhead {
		return fmt.Errorf("%w: ciphertext shorter than %d bytes", ErrMalformed, CiphertextOverhead)
	}
	if ct[0] != version1 {
		return ErrVersion
	}
	return nil
}

// Ciphertext is a parsed ciphertext whose U is a checked point of G2.
// Parsing costs about a quarter of a pairing (decompression and subgroup
// check of U); a node can parse a committed block's ciphertexts while it
// waits for the decryption keys, leaving one pairing per transaction on the
// critical path.
type Ciphertext struct {
	u    bls12381.G2Affine
	raw  []byte // version ‖ U ‖ body, owned
	body []byte // raw[ciphertextHeader:]
}

// ParseCiphertext checks ct fully: version, length, and U decompressed,
// on the curve, in the prime-order subgroup and not the identity. It copies
// ct.
func ParseCiphertext(ct []byte) (*Ciphertext, error) {
	if err := CheckCiphertext(ct); err != nil {
		return nil, err
	}
	u, err := decodeG2(ct[1:ciphertextHeader])
	if err != nil {
		return nil, err
	}
	raw := append([]byte(nil), ct...)
	return &Ciphertext{u: u, raw: raw, body: raw[ciphertextHeader:]}, nil
}

// MarshalBinary returns the ciphertext's bytes.
func (c *Ciphertext) MarshalBinary() ([]byte, error) {
	return append([]byte(nil), c.raw...), nil
}

// Len returns the ciphertext's size in bytes.
func (c *Ciphertext) Len() int { return len(c.raw) }

// Decrypt decrypts with the key of the ciphertext's identity: one pairing
// e(k(id), U) = e(id, P)^r, HKDF and ChaCha20-Poly1305. Any mismatch (wrong
// key, identity, eon or header, or a mauled ciphertext) returns ErrDecrypt.
func (c *Ciphertext) Decrypt(key *DecryptionKey, header []byte) ([]byte, error) {
	if key == nil || key.p.IsInfinity() {
		return nil, fmt.Errorf("%w: empty key", ErrInvalidKey)
	}
	gt, err := bls12381.Pair([]bls12381.G1Affine{key.p}, []bls12381.G2Affine{c.u})
	if err != nil {
		return nil, ErrDecrypt
	}
	aead := newAEAD(&gt, c.raw[1:ciphertextHeader], header)
	pt, err := aead.Open(nil, zeroNonce[:], c.body, header)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Decrypt parses ct and decrypts it with key; see Ciphertext.Decrypt.
func Decrypt(key *DecryptionKey, ct []byte, header []byte) ([]byte, error) {
	c, err := ParseCiphertext(ct)
	if err != nil {
		return nil, err
	}
	return c.Decrypt(key, header)
}

// DecryptItem is one transaction to decrypt. Parsed, if set, is used
// instead of Ciphertext (so ciphertexts parsed while waiting for keys are
// not parsed again).
type DecryptItem struct {
	Key        *DecryptionKey
	Ciphertext []byte
	Parsed     *Ciphertext
	Header     []byte
}

// DecryptResult is the outcome of one DecryptItem: the plaintext, or the
// error Decrypt would return.
type DecryptResult struct {
	Plaintext []byte
	Err       error
}

// DecryptBatch decrypts items in parallel across GOMAXPROCS goroutines;
// results[j] belongs to items[j].
func DecryptBatch(items []DecryptItem) []DecryptResult {
	out := make([]DecryptResult, len(items))
	par.For(len(items), func(j int) {
		it := &items[j]
		c := it.Parsed
		if c == nil {
			var err error
			if c, err = ParseCiphertext(it.Ciphertext); err != nil {
				out[j].Err = err
				return
			}
		}
		out[j].Plaintext, out[j].Err = c.Decrypt(it.Key, it.Header)
	})
	return out
}
