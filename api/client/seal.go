package client

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// DefaultExpiryBlocks is how many blocks past Params.LatestHeight an
// envelope stays includable when Tx.Expiry is zero (capped by the chain's
// MaxExpiryBlocks).
const DefaultExpiryBlocks = 100

// Params are a node's encryption parameters with the eon key parsed and
// ready to encrypt to. They are immutable and safe for concurrent use.
type Params struct {
	api.Params
	// EonKey is Params.Eon.PublicKey, parsed.
	EonKey *threshold.EonPublicKey
	// NextEonKey is Params.NextEon.PublicKey, parsed; nil outside a
	// rotation.
	NextEonKey *threshold.EonPublicKey

	// TimeLock is Params.TimeLockParams, parsed and verified: the
	// chain's escape-hatch parameters Tx.TimeLock locks under. Nil
	// without an escape hatch.
	TimeLock *vdf.Params

	enc, nextEnc *threshold.Encrypter
}

// NewParams parses p's eon key and checks that it agrees with p's eon id,
// threshold and committee size. Client.Params calls it; call it yourself to
// seal offline with parameters obtained some other way.
func NewParams(p api.Params) (*Params, error) { return newParams(p, nil, nil) }

func newParams(p api.Params, enc, nextEnc *threshold.Encrypter) (*Params, error) {
	pk, err := threshold.ParseEonPublicKey(p.Eon.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("client: eon %d public key: %w", p.Eon.ID, err)
	}
	switch {
	case pk.Eon() != p.Eon.ID:
		return nil, fmt.Errorf("client: params name eon %d but carry the key of eon %d", p.Eon.ID, pk.Eon())
	case p.Eon.Threshold != 0 && pk.Threshold() != p.Eon.Threshold:
		return nil, fmt.Errorf("client: params name threshold %d but the eon key has %d", p.Eon.Threshold, pk.Threshold())
	case p.Eon.CommitteeSize != 0 && pk.N() != p.Eon.CommitteeSize:
		return nil, fmt.Errorf("client: params name %d members but the eon key has %d", p.Eon.CommitteeSize, pk.N())
	case p.ChainID == "":
		return nil, errors.New("client: params carry no chain id")
	}
	if enc == nil {
		enc = threshold.NewEncrypter(pk)
	}
	out := &Params{Params: p, EonKey: pk, enc: enc}
	if len(p.TimeLockParams) > 0 {
		tl, err := vdf.ParseParams(p.TimeLockParams)
		if err != nil {
			return nil, fmt.Errorf("client: time-lock parameters: %w", err)
		}
		out.TimeLock = tl
	}
	if p.NextEon != nil {
		npk, err := threshold.ParseEonPublicKey(p.NextEon.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("client: next eon %d public key: %w", p.NextEon.ID, err)
		}
		if npk.Eon() != p.NextEon.ID || npk.Eon() != p.Eon.ID+1 {
			return nil, fmt.Errorf("client: params name next eon %d with the key of eon %d after eon %d", p.NextEon.ID, npk.Eon(), p.Eon.ID)
		}
		if nextEnc == nil {
			nextEnc = threshold.NewEncrypter(npk)
		}
		out.NextEonKey, out.nextEnc = npk, nextEnc
	}
	return out, nil
}

// SealEon is the eon Seal encrypts to: the next eon once one is
// registered (the chain accepts its envelopes from the registration on,
// and they stay valid past the switch, when the current eon's are
// refused), else the current one.
func (p *Params) SealEon() uint64 {
	if p.nextEnc != nil {
		return p.NextEon.ID
	}
	return p.Eon.ID
}

// Tx is what a wallet wants sealed.
type Tx struct {
	// Legs are the payloads and their destination rollups, at most one leg
	// per rollup. One leg's data is the plaintext as is; several legs are
	// encoded as a bundle (see EncodeBundle), delivered all-or-nothing.
	Legs []Leg
	// Nonce is the sender's nonce for this envelope: Account's
	// PendingNonce for the next one.
	Nonce uint64
	// Fee is what the sender pays at inclusion; 0 means Params.MinFee.
	Fee uint64
	// Expiry is the last height at which the envelope may be included;
	// 0 means Params.LatestHeight + DefaultExpiryBlocks, capped by the
	// chain's MaxExpiryBlocks. Params are a snapshot of one height: a
	// wallet that keeps them refetches every few seconds, or its default
	// expiries shorten by their age.
	Expiry uint64
	// TimeLock also locks the payload's content key in a time-lock
	// puzzle (Params.TimeLock, about 300 more bytes and 1.4 ms), so that
	// if the committee withholds the keys of the block that includes the
	// envelope for Params.EscapeHatchBlocks blocks, the chain decrypts it
	// from the solved puzzle instead of marking it undecryptable. The
	// chain must have an escape hatch.
	TimeLock bool
}

// Seal builds a signed envelope for tx, locally: it draws a fresh identity
// prefix and the encryption randomness from rand (crypto/rand.Reader in
// production), encrypts the plaintext to the key of p.SealEon() (the next
// eon during a rotation, so the envelope outlives the switch) under an
// identity bound to the header, and signs with key. Nothing leaves the process. It
// checks what it can against p (rollups registered, fee, sizes, expiry)
// so that mistakes fail here rather than at the node.
func Seal(rand io.Reader, p *Params, key *ecdsa.PrivateKey, tx Tx) (*mempool.Envelope, error) {
	if p == nil || p.enc == nil {
		return nil, errors.New("client: Seal needs Params from Client.Params or NewParams")
	}
	if key == nil {
		return nil, errors.New("client: Seal needs a signing key")
	}
	plaintext, rollups, err := encodeLegs(tx.Legs)
	if err != nil {
		return nil, err
	}
	for _, id := range rollups {
		if !slices.ContainsFunc(p.Rollups, func(r api.Rollup) bool { return r.ID == id }) {
			return nil, fmt.Errorf("client: %w: rollup %d is not registered on %s", mempool.ErrUnknownRollup, id, p.ChainID)
		}
	}
	fee := tx.Fee
	if fee == 0 {
		fee = p.MinFee
	}
	if fee < p.MinFee {
		return nil, fmt.Errorf("client: %w: fee %d, the minimum is %d", mempool.ErrFeeTooLow, fee, p.MinFee)
	}
	expiry := tx.Expiry
	if expiry == 0 {
		window := uint64(DefaultExpiryBlocks)
		if p.MaxExpiryBlocks != 0 && p.MaxExpiryBlocks < window {
			window = p.MaxExpiryBlocks
		}
		expiry = p.LatestHeight + window
	}
	if expiry <= p.LatestHeight {
		return nil, fmt.Errorf("client: %w: expiry %d is not above the latest height %d", mempool.ErrExpired, expiry, p.LatestHeight)
	}
	ctLen := len(plaintext) + threshold.CiphertextOverhead
	if limit := ciphertextLimit(p); ctLen > limit {
		return nil, fmt.Errorf("client: %w: a %d-byte payload makes a %d-byte ciphertext, the limit is %d",
			mempool.ErrTooLarge, len(plaintext), ctLen, limit)
	}
	enc := p.enc
	if p.nextEnc != nil {
		enc = p.nextEnc
	}
	if tx.TimeLock && p.TimeLock == nil {
		return nil, fmt.Errorf("client: chain %s has no escape hatch to time-lock for (send without TimeLock)", p.ChainID)
	}
	h := mempool.Envelope{
		ChainID: p.ChainID,
		Eon:     p.SealEon(),
		Nonce:   tx.Nonce,
		Fee:     fee,
		Expiry:  expiry,
		Rollups: rollups,
	}
	var env *mempool.Envelope
	if tx.TimeLock {
		env, err = mempool.SealTimeLocked(rand, enc, p.TimeLock, h, plaintext, key)
	} else {
		env, err = mempool.Seal(rand, enc, h, plaintext, key)
	}
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if n, limit := len(env.Encode()), p.MaxEnvelopeBytes; limit > 0 && n > limit {
		return nil, fmt.Errorf("client: %w: envelope is %d bytes, the limit is %d", mempool.ErrTooLarge, n, limit)
	}
	return env, nil
}

func ciphertextLimit(p *Params) int {
	if p.MaxCiphertextBytes > 0 && p.MaxCiphertextBytes < mempool.MaxCiphertextSize {
		return p.MaxCiphertextBytes
	}
	return mempool.MaxCiphertextSize
}

// Address returns the Ethereum address of key: the envelope sender.
func Address(key *ecdsa.PrivateKey) common.Address {
	return crypto.PubkeyToAddress(key.PublicKey)
}
