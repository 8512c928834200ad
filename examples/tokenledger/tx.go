package tokenledger

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api/client"
)

// Version is the transaction encoding version Encode writes.
const Version = 1

// Kind tells a transfer from a swap leg.
type Kind uint8

const (
	// KindTransfer moves tokens between two accounts of one ledger.
	KindTransfer Kind = 1
	// KindSwap is one leg of a cross-rollup swap (see Swap).
	KindSwap Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindTransfer:
		return "transfer"
	case KindSwap:
		return "swap"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// SigSize is the length of a signature: r ‖ s ‖ v, as go-ethereum's
// crypto.Sign makes it (v is 0 or 1, s in the lower half of the order).
const SigSize = crypto.SignatureLength

// Encoded sizes, fixed for each kind.
const (
	transferBody = 2 + 8 + common.AddressLength + 8 + 8
	transferSize = transferBody + SigSize
	sideSize     = 8 + common.AddressLength + 8 + 8
	swapBody     = 2 + 2*sideSize + 8
	swapSize     = swapBody + 2*SigSize
)

// signDomain separates ledger signatures from every other message a
// wallet key signs (envelopes, Ethereum transactions).
const signDomain = "veil/tokenledger/v1"

// Errors from Decode wrap ErrMalformed; the others are why Apply refused
// a leg.
var (
	ErrMalformed       = errors.New("tokenledger: malformed transaction")
	ErrBadSignature    = errors.New("tokenledger: bad signature")
	ErrWrongRollup     = errors.New("tokenledger: transaction is for another rollup")
	ErrNonceUsed       = errors.New("tokenledger: nonce already used")
	ErrNonceTooOld     = errors.New("tokenledger: nonce below the replay window")
	ErrInsufficient    = errors.New("tokenledger: insufficient balance")
	ErrOverflow        = errors.New("tokenledger: balance would overflow")
	ErrZeroAmount      = errors.New("tokenledger: amount must be positive")
	ErrSwapNotBundled  = errors.New("tokenledger: swap leg's manifest does not show both legs delivered")
	ErrSwapExpired     = errors.New("tokenledger: swap delivered after its expiry height")
	ErrSwapSameAccount = errors.New("tokenledger: swap between an account and itself")
)

// Transfer moves Amount tokens from the signer to To on ledger Rollup.
// Rollup is signed so a transfer cannot be replayed on another ledger;
// Nonce is the signer's, so it cannot be replayed on this one.
type Transfer struct {
	Rollup uint64
	To     common.Address
	Amount uint64
	Nonce  uint64
	Sig    [SigSize]byte
}

// Side is one rollup's half of a swap: on Rollup, From gives Amount to
// the other side's From, spending From's Nonce on Rollup.
type Side struct {
	Rollup uint64
	From   common.Address
	Amount uint64
	Nonce  uint64
}

// Swap exchanges tokens across two ledgers: A.From gives A.Amount on
// A.Rollup to B.From, and B.From gives B.Amount on B.Rollup to A.From.
// It travels as one bundle whose two legs are the same bytes (the whole
// terms, both signatures), one leg for each rollup, so each ledger can
// check the whole swap and that the other ledger received exactly the
// same terms (see the package documentation). A.Rollup < B.Rollup.
type Swap struct {
	A, B Side
	// Expiry is the last height at which the swap executes. Both legs
	// arrive at the same height, so both ledgers agree on it.
	Expiry int64
	// SigA is A.From's signature of the terms, SigB B.From's.
	SigA, SigB [SigSize]byte
}

// Tx is a decoded ledger transaction: exactly one of Transfer and Swap is
// set.
type Tx struct {
	Transfer *Transfer
	Swap     *Swap
}

// Kind returns the transaction's kind.
func (t *Tx) Kind() Kind {
	if t.Swap != nil {
		return KindSwap
	}
	return KindTransfer
}

// Encode returns the transaction's canonical encoding.
func (t *Tx) Encode() []byte {
	if t.Swap != nil {
		return t.Swap.Encode()
	}
	return t.Transfer.Encode()
}

// Encoding, version 1, integers big-endian (so it is unique):
//
//	transfer: u8 version ‖ u8 kind=1 ‖ u64 rollup ‖ [20] to ‖ u64 amount ‖
//	          u64 nonce ‖ [65] signature
//	swap:     u8 version ‖ u8 kind=2 ‖ side A ‖ side B ‖ u64 expiry ‖
//	          [65] signature of A.From ‖ [65] signature of B.From
//	side:     u64 rollup ‖ [20] from ‖ u64 amount ‖ u64 nonce
//
// A signature is over keccak256("veil/tokenledger/v1" ‖ everything before
// the first signature): both parties of a swap sign the same terms.

func (t *Transfer) body() []byte {
	b := make([]byte, 0, transferSize)
	b = append(b, Version, byte(KindTransfer))
	b = binary.BigEndian.AppendUint64(b, t.Rollup)
	b = append(b, t.To[:]...)
	b = binary.BigEndian.AppendUint64(b, t.Amount)
	return binary.BigEndian.AppendUint64(b, t.Nonce)
}

// Encode returns the transfer's canonical encoding.
func (t *Transfer) Encode() []byte { return append(t.body(), t.Sig[:]...) }

// Sign signs the transfer with key, the sender's.
func (t *Transfer) Sign(key *ecdsa.PrivateKey) error {
	return sign(&t.Sig, key, t.body())
}

// Sender recovers the address that signed the transfer.
func (t *Transfer) Sender() (common.Address, error) { return recoverSigner(t.Sig, t.body()) }

func (s *Side) append(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, s.Rollup)
	b = append(b, s.From[:]...)
	b = binary.BigEndian.AppendUint64(b, s.Amount)
	return binary.BigEndian.AppendUint64(b, s.Nonce)
}

func (s *Swap) body() []byte {
	b := make([]byte, 0, swapSize)
	b = append(b, Version, byte(KindSwap))
	b = s.A.append(b)
	b = s.B.append(b)
	return binary.BigEndian.AppendUint64(b, uint64(s.Expiry))
}

// Encode returns the swap's canonical encoding: the data of both legs.
func (s *Swap) Encode() []byte {
	b := append(s.body(), s.SigA[:]...)
	return append(b, s.SigB[:]...)
}

// Sign signs the terms with key, which must be A.From's or B.From's; it
// fills that party's signature.
func (s *Swap) Sign(key *ecdsa.PrivateKey) error {
	switch crypto.PubkeyToAddress(key.PublicKey) {
	case s.A.From:
		return sign(&s.SigA, key, s.body())
	case s.B.From:
		return sign(&s.SigB, key, s.body())
	}
	return errors.New("tokenledger: the key is neither party's of the swap")
}

// Verify checks what either ledger can check of the terms on their own:
// the rollups are distinct and in order, the parties distinct, both
// amounts positive and both parties signed.
func (s *Swap) Verify() error {
	if s.A.Rollup >= s.B.Rollup {
		return fmt.Errorf("%w: swap rollups %d and %d must increase", ErrMalformed, s.A.Rollup, s.B.Rollup)
	}
	if s.A.From == s.B.From {
		return ErrSwapSameAccount
	}
	if s.A.Amount == 0 || s.B.Amount == 0 {
		return ErrZeroAmount
	}
	body := s.body()
	for _, p := range []struct {
		sig  [SigSize]byte
		want common.Address
	}{{s.SigA, s.A.From}, {s.SigB, s.B.From}} {
		got, err := recoverSigner(p.sig, body)
		if err != nil {
			return err
		}
		if got != p.want {
			return fmt.Errorf("%w: swap signed by %s, not by party %s", ErrBadSignature, got, p.want)
		}
	}
	return nil
}

// Legs returns the bundle's legs: the same bytes for both rollups.
func (s *Swap) Legs() []client.Leg {
	data := s.Encode()
	return []client.Leg{{Rollup: s.A.Rollup, Data: data}, {Rollup: s.B.Rollup, Data: data}}
}

// side returns the half of the swap that executes on rollup and the
// account that receives it.
func (s *Swap) side(rollup uint64) (side *Side, to common.Address, ok bool) {
	switch rollup {
	case s.A.Rollup:
		return &s.A, s.B.From, true
	case s.B.Rollup:
		return &s.B, s.A.From, true
	}
	return nil, common.Address{}, false
}

// Decode parses a transaction. It accepts exactly the encodings Encode
// produces (signatures are checked by Apply, not here); every error
// wraps ErrMalformed.
func Decode(b []byte) (*Tx, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the header", ErrMalformed, len(b))
	}
	if b[0] != Version {
		return nil, fmt.Errorf("%w: version %d, this ledger reads version %d", ErrMalformed, b[0], Version)
	}
	r := reader{b: b[2:]}
	switch Kind(b[1]) {
	case KindTransfer:
		if len(b) != transferSize {
			return nil, fmt.Errorf("%w: transfer of %d bytes, want %d", ErrMalformed, len(b), transferSize)
		}
		t := &Transfer{Rollup: r.u64()}
		r.copy(t.To[:])
		t.Amount, t.Nonce = r.u64(), r.u64()
		r.copy(t.Sig[:])
		return &Tx{Transfer: t}, nil
	case KindSwap:
		if len(b) != swapSize {
			return nil, fmt.Errorf("%w: swap of %d bytes, want %d", ErrMalformed, len(b), swapSize)
		}
		s := &Swap{A: r.side(), B: r.side()}
		exp := r.u64()
		if exp > math.MaxInt64 {
			return nil, fmt.Errorf("%w: expiry height %d out of range", ErrMalformed, exp)
		}
		s.Expiry = int64(exp)
		r.copy(s.SigA[:])
		r.copy(s.SigB[:])
		return &Tx{Swap: s}, nil
	}
	return nil, fmt.Errorf("%w: unknown kind %d", ErrMalformed, b[1])
}

// reader reads fixed-width fields from a buffer whose length the caller
// has checked.
type reader struct{ b []byte }

func (r *reader) u64() uint64 {
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) copy(dst []byte) { r.b = r.b[copy(dst, r.b):] }

func (r *reader) side() Side {
	s := Side{Rollup: r.u64()}
	r.copy(s.From[:])
	s.Amount, s.Nonce = r.u64(), r.u64()
	return s
}

func digest(body []byte) []byte {
	return crypto.Keccak256([]byte(signDomain), body)
}

func sign(dst *[SigSize]byte, key *ecdsa.PrivateKey, body []byte) error {
	sig, err := crypto.Sign(digest(body), key)
	if err != nil {
		return fmt.Errorf("tokenledger: sign: %w", err)
	}
	copy(dst[:], sig)
	return nil
}

// recoverSigner returns the address whose key made sig over body. It
// accepts only canonical signatures (v in {0, 1}, s in the lower half),
// so a signature has one encoding.
func recoverSigner(sig [SigSize]byte, body []byte) (common.Address, error) {
	v := sig[SigSize-1]
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if v > 1 || !crypto.ValidateSignatureValues(v, r, s, true) {
		return common.Address{}, fmt.Errorf("%w: not a canonical secp256k1 signature", ErrBadSignature)
	}
	pub, err := crypto.SigToPub(digest(body), sig[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}
