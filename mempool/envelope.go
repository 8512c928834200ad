package mempool

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// Version is the envelope format version this package reads and writes.
const Version = 1

// Size limits of the envelope format. They bound what a node buffers for
// one transaction before any signature check.
const (
	MaxChainIDLen     = 64
	MaxRollups        = 16
	MaxCiphertextSize = 128 << 10
	MaxTimeLockSize   = 4 << 10
	SignatureSize     = 65
	PrefixSize        = 32

	// MaxEnvelopeSize is the largest encoding Decode accepts.
	MaxEnvelopeSize = headerFixedSize + MaxChainIDLen + 8*MaxRollups +
		4 + MaxCiphertextSize + 2 + MaxTimeLockSize + SignatureSize

	// headerFixedSize counts the fixed-width header fields: version, chain
	// id length, eon, sender, nonce, fee, expiry, rollup count, prefix.
	headerFixedSize = 1 + 1 + 8 + common.AddressLength + 8 + 8 + 8 + 1 + PrefixSize
)

// signingDomain separates envelope signatures from every other message a
// wallet key might sign (Ethereum transactions, personal_sign payloads).
const signingDomain = "veil/envelope/v1\x00"

// Envelope is the unit a wallet submits: a clear header the sequencer needs
// for admission and ordering, the threshold ciphertext of the payload, an
// optional time-lock of the content key (the escape hatch), and the
// sender's secp256k1 signature over all of it.
//
// Wire layout, version 1 (integers big-endian, fixed width, so the encoding
// of a given envelope is unique):
//
//	u8      version (= 1)
//	u8      chain id length L (1..64), then L bytes of chain id
//	u64     eon
//	[20]    sender (Ethereum address)
//	u64     nonce
//	u64     fee
//	u64     expiry: the last height at which the envelope may be included
//	u8      rollup count R (1..16), then R × u64 rollup ids, strictly increasing
//	[32]    identity prefix (random, chosen by the wallet)
//	        --- everything above is the header, the ciphertext's associated data
//	u32     ciphertext length C (1..128 KiB), then C bytes
//	u16     time-lock length (0..4 KiB), then that many bytes (0: none);
//	        when present, admission requires a vdf.Puzzle (PuzzleSize
//	        bytes) locking the ciphertext's content key: the escape hatch.
//	        It is outside the header because the content key is derived
//	        from the header, and inside the signed bytes so nobody can
//	        strip or swap it.
//	[65]    signature r ‖ s ‖ v (v ∈ {0,1}, low s) over
//	        keccak256("veil/envelope/v1\x00" ‖ all bytes above)
//
// The transaction hash is keccak256 of the whole encoding.
type Envelope struct {
	ChainID    string
	Eon        uint64
	Sender     common.Address
	Nonce      uint64
	Fee        uint64
	Expiry     uint64
	Rollups    []uint64
	Prefix     [PrefixSize]byte
	Ciphertext []byte
	TimeLock   []byte
	Signature  [SignatureSize]byte
}

// Hash is a transaction hash: keccak256 of an envelope's encoding.
type Hash = [32]byte

// Decode parses a canonical version-1 envelope. It checks structure and
// sizes only: no signature, no curve arithmetic, no state. Every error
// wraps ErrMalformed or ErrTooLarge.
func Decode(b []byte) (*Envelope, error) {
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(b), MaxEnvelopeSize)
	}
	r := reader{b: b}
	e := new(Envelope)
	if v := r.u8(); r.ok() && v != Version {
		return nil, fmt.Errorf("%w: version %d, this node reads version %d", ErrMalformed, v, Version)
	}
	n := int(r.u8())
	if r.ok() && (n == 0 || n > MaxChainIDLen) {
		return nil, fmt.Errorf("%w: chain id length %d, must be 1..%d", ErrMalformed, n, MaxChainIDLen)
	}
	e.ChainID = string(r.bytes(n))
	e.Eon = r.u64()
	copy(e.Sender[:], r.bytes(common.AddressLength))
	e.Nonce = r.u64()
	e.Fee = r.u64()
	e.Expiry = r.u64()
	nr := int(r.u8())
	if r.ok() && (nr == 0 || nr > MaxRollups) {
		return nil, fmt.Errorf("%w: %d destination rollups, must be 1..%d", ErrMalformed, nr, MaxRollups)
	}
	if r.ok() {
		e.Rollups = make([]uint64, nr)
	}
	for i := 0; i < nr && r.ok(); i++ {
		e.Rollups[i] = r.u64()
		if i > 0 && r.ok() && e.Rollups[i] <= e.Rollups[i-1] {
			return nil, fmt.Errorf("%w: rollup ids must be strictly increasing", ErrMalformed)
		}
	}
	copy(e.Prefix[:], r.bytes(PrefixSize))
	nc := r.u32()
	if r.ok() && (nc == 0 || nc > MaxCiphertextSize) {
		return nil, fmt.Errorf("%w: ciphertext length %d, must be 1..%d", ErrMalformed, nc, MaxCiphertextSize)
	}
	e.Ciphertext = clone(r.bytes(int(nc)))
	nt := r.u16()
	if r.ok() && int(nt) > MaxTimeLockSize {
		return nil, fmt.Errorf("%w: time-lock length %d, the limit is %d", ErrMalformed, nt, MaxTimeLockSize)
	}
	if nt > 0 {
		e.TimeLock = clone(r.bytes(int(nt)))
	}
	copy(e.Signature[:], r.bytes(SignatureSize))
	if !r.ok() {
		return nil, fmt.Errorf("%w: truncated at byte %d of %d", ErrMalformed, r.off, len(b))
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(b)-r.off)
	}
	if err := e.checkChainID(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Envelope) checkChainID() error {
	if len(e.ChainID) == 0 || len(e.ChainID) > MaxChainIDLen {
		return fmt.Errorf("%w: chain id length %d, must be 1..%d", ErrMalformed, len(e.ChainID), MaxChainIDLen)
	}
	for i := 0; i < len(e.ChainID); i++ {
		if c := e.ChainID[i]; c < 0x21 || c > 0x7e {
			return fmt.Errorf("%w: chain id must be printable ASCII without spaces", ErrMalformed)
		}
	}
	return nil
}

// Validate checks that the fields fit the wire format, so Encode produces
// bytes Decode accepts.
func (e *Envelope) Validate() error {
	if err := e.checkChainID(); err != nil {
		return err
	}
	if len(e.Rollups) == 0 || len(e.Rollups) > MaxRollups {
		return fmt.Errorf("%w: %d destination rollups, must be 1..%d", ErrMalformed, len(e.Rollups), MaxRollups)
	}
	for i := 1; i < len(e.Rollups); i++ {
		if e.Rollups[i] <= e.Rollups[i-1] {
			return fmt.Errorf("%w: rollup ids must be strictly increasing", ErrMalformed)
		}
	}
	if len(e.Ciphertext) == 0 || len(e.Ciphertext) > MaxCiphertextSize {
		return fmt.Errorf("%w: ciphertext length %d, must be 1..%d", ErrTooLarge, len(e.Ciphertext), MaxCiphertextSize)
	}
	if len(e.TimeLock) > MaxTimeLockSize {
		return fmt.Errorf("%w: time-lock length %d, the limit is %d", ErrTooLarge, len(e.TimeLock), MaxTimeLockSize)
	}
	return nil
}

// Header returns the clear header's encoding: the associated data the
// payload ciphertext is bound to. Changing any header field after
// encryption makes decryption fail.
func (e *Envelope) Header() []byte {
	b := make([]byte, 0, headerFixedSize+len(e.ChainID)+8*len(e.Rollups))
	b = append(b, Version, byte(len(e.ChainID)))
	b = append(b, e.ChainID...)
	b = binary.BigEndian.AppendUint64(b, e.Eon)
	b = append(b, e.Sender[:]...)
	b = binary.BigEndian.AppendUint64(b, e.Nonce)
	b = binary.BigEndian.AppendUint64(b, e.Fee)
	b = binary.BigEndian.AppendUint64(b, e.Expiry)
	b = append(b, byte(len(e.Rollups)))
	for _, id := range e.Rollups {
		b = binary.BigEndian.AppendUint64(b, id)
	}
	return append(b, e.Prefix[:]...)
}

// unsigned returns the encoding up to, not including, the signature.
func (e *Envelope) unsigned() []byte {
	b := e.Header()
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.Ciphertext)))
	b = append(b, e.Ciphertext...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(e.TimeLock)))
	return append(b, e.TimeLock...)
}

// Encode returns the canonical encoding. Call Validate first for envelopes
// not produced by Decode.
func (e *Envelope) Encode() []byte {
	return append(e.unsigned(), e.Signature[:]...)
}

// Hash returns the transaction hash, keccak256 of the encoding.
func (e *Envelope) Hash() Hash {
	return keccak(e.Encode())
}

func keccak(parts ...[]byte) Hash {
	return Hash(crypto.Keccak256Hash(parts...))
}

// SigningHash is the digest the sender signs.
func (e *Envelope) SigningHash() [32]byte {
	return keccak([]byte(signingDomain), e.unsigned())
}

// Sign sets Sender to key's address and signs the envelope.
func (e *Envelope) Sign(key *ecdsa.PrivateKey) error {
	e.Sender = crypto.PubkeyToAddress(key.PublicKey)
	if err := e.Validate(); err != nil {
		return err
	}
	h := e.SigningHash()
	sig, err := crypto.Sign(h[:], key)
	if err != nil {
		return fmt.Errorf("mempool: sign envelope: %w", err)
	}
	copy(e.Signature[:], sig)
	return nil
}

// VerifySignature checks that the signature is a canonical (low-s)
// signature by Sender over SigningHash. It costs one secp256k1 public-key
// recovery.
func (e *Envelope) VerifySignature() error {
	sig := e.Signature
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(sig[64], r, s, true) {
		return fmt.Errorf("%w: signature values out of range (v must be 0 or 1, s in the lower half)", ErrBadSignature)
	}
	h := e.SigningHash()
	pub, err := crypto.Ecrecover(h[:], sig[:])
	if err != nil {
		return fmt.Errorf("%w: cannot recover signer", ErrBadSignature)
	}
	var signer common.Address
	copy(signer[:], crypto.Keccak256(pub[1:])[12:])
	if signer != e.Sender {
		return fmt.Errorf("%w: signed by %s, header names sender %s", ErrBadSignature, signer, e.Sender)
	}
	return nil
}

// IdentityKey names the identity an envelope's payload is encrypted to
// without computing the curve point: two envelopes with equal keys have
// equal identities, so a decryption key released for one opens the other.
type IdentityKey struct {
	Eon    uint64
	Sender common.Address
	Prefix [PrefixSize]byte
}

// IdentityKey returns the key of the envelope's identity. The chain id, the
// fourth input of the identity, is fixed per chain.
func (e *Envelope) IdentityKey() IdentityKey {
	return IdentityKey{Eon: e.Eon, Sender: e.Sender, Prefix: e.Prefix}
}

// Identity derives the threshold identity the payload is encrypted to. It
// hashes to the curve (about 0.1 ms); admission uses IdentityKey. A node
// needs each committed envelope's identity in several places (its share
// pool, its keyholder, key-record checks), so the derivation is
// remembered process-wide in threshold.SharedMemo, keyed by all four
// inputs: each identity is hashed to the curve once per process.
func (e *Envelope) Identity() threshold.Identity {
	return threshold.SharedMemo().DeriveIdentity(e.ChainID, e.Eon, e.Sender, e.Prefix)
}

// Seal builds a signed envelope for a wallet: it takes the header fields
// from h (ChainID, Eon, Nonce, Fee, Expiry, Rollups; Sender is set from
// key), draws a fresh identity prefix from rand, encrypts plaintext locally
// to the eon key bound to that identity and the header, and signs. The
// plaintext never leaves the caller's process.
func Seal(rand io.Reader, enc *threshold.Encrypter, h Envelope, plaintext []byte, key *ecdsa.PrivateKey) (*Envelope, error) {
	return seal(rand, enc, nil, h, plaintext, key)
}

// SealTimeLocked is Seal that also time-locks the payload's content key
// under the chain's escape-hatch parameters tl (from the encryption
// parameters the node publishes): if the committee withholds the key of
// the block that includes the envelope for the chain's escape-hatch
// delay, anyone can solve the puzzle (tl.Delay() squarings) and the chain
// decrypts the payload with the solution. It adds vdf.PuzzleSize bytes
// and about 1.4 ms of work.
func SealTimeLocked(rand io.Reader, enc *threshold.Encrypter, tl *vdf.Params, h Envelope, plaintext []byte, key *ecdsa.PrivateKey) (*Envelope, error) {
	if tl == nil {
		return nil, errors.New("mempool: no time-lock parameters (the chain has no escape hatch)")
	}
	return seal(rand, enc, tl, h, plaintext, key)
}

func seal(rand io.Reader, enc *threshold.Encrypter, tl *vdf.Params, h Envelope, plaintext []byte, key *ecdsa.PrivateKey) (*Envelope, error) {
	e := &Envelope{
		ChainID:  h.ChainID,
		Eon:      h.Eon,
		Sender:   crypto.PubkeyToAddress(key.PublicKey),
		Nonce:    h.Nonce,
		Fee:      h.Fee,
		Expiry:   h.Expiry,
		Rollups:  append([]uint64(nil), h.Rollups...),
		TimeLock: clone(h.TimeLock),
	}
	if _, err := io.ReadFull(rand, e.Prefix[:]); err != nil {
		return nil, fmt.Errorf("mempool: draw identity prefix: %w", err)
	}
	// Derived directly: a wallet's identities are of no use to a node's
	// memo in the same process (and must not pre-warm it in veil bench).
	id := threshold.DeriveIdentity(e.ChainID, e.Eon, e.Sender, e.Prefix)
	ct, k, err := enc.EncryptContentKey(rand, id, e.Header(), plaintext)
	if err != nil {
		return nil, fmt.Errorf("mempool: encrypt payload: %w", err)
	}
	e.Ciphertext = ct
	if tl != nil {
		pz, err := vdf.Lock(tl, k[:], rand)
		if err != nil {
			return nil, fmt.Errorf("mempool: time-lock content key: %w", err)
		}
		e.TimeLock = pz.Bytes()
	}
	if err := e.Sign(key); err != nil {
		return nil, err
	}
	return e, nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// reader is a bounds-checked cursor: after the first short read every
// accessor returns zero values and ok reports false.
type reader struct {
	b   []byte
	off int
	bad bool
}

func (r *reader) ok() bool { return !r.bad }

func (r *reader) bytes(n int) []byte {
	if r.bad || n < 0 || len(r.b)-r.off < n {
		r.bad = true
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8() uint8 {
	if s := r.bytes(1); s != nil {
		return s[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if s := r.bytes(2); s != nil {
		return binary.BigEndian.Uint16(s)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if s := r.bytes(4); s != nil {
		return binary.BigEndian.Uint32(s)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if s := r.bytes(8); s != nil {
		return binary.BigEndian.Uint64(s)
	}
	return 0
}
