package dkg

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"github.com/veilseq/veil/threshold"
)

// Helpers for a transport that checks messages before any Participant
// sees them: a chain that admits only members' messages of a known run
// (ordering's DKG ceremony) needs the run's session id and each message's
// signature without running the protocol.

// NewLongtermKey draws a fresh encryption key from rand and pairs it with
// an existing Ed25519 key, so a member whose Ed25519 key is already
// registered (its keyholder key) signs its DKG messages with that key.
// A fresh encryption key per run keeps one run's deals unreadable with
// another run's key.
func NewLongtermKey(rand io.Reader, signer ed25519.PrivateKey) (*PrivateKey, error) {
	if len(signer) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: Ed25519 key is %d bytes", ErrKey, len(signer))
	}
	var buf [64]byte
	if _, err := io.ReadFull(rand, buf[:]); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	x := newSuite().Scalar().SetBytes(buf[:])
	if x.Equal(newSuite().Scalar().Zero()) {
		return nil, fmt.Errorf("%w: reader produced a zero key", ErrRandom)
	}
	return newPrivateKey(x, signer.Seed()), nil
}

// SigningKey returns the Ed25519 half of pk, which verifies its owner's
// messages.
func (pk *PublicKey) SigningKey() ed25519.PublicKey {
	return ed25519.PublicKey(append([]byte(nil), pk.sig...))
}

// SessionID returns the session id of the run Config describes (its Eon,
// Threshold, Members and Session; Self and Rand do not matter): the value
// every message of the run carries. A Threshold of 0 means
// threshold.DefaultThreshold(len(Members)), as for NewParticipant.
func SessionID(cfg Config) [32]byte {
	t := cfg.Threshold
	if t == 0 {
		t = threshold.DefaultThreshold(len(cfg.Members))
	}
	return sessionID(cfg.Eon, t, cfg.Members, cfg.Session)
}

// Session returns the session id the message names.
func (m *Message) Session() [32]byte { return m.session }

// Verify reports whether m's signature verifies under pub. A Participant
// checks it again in Handle.
func (m *Message) Verify(pub *PublicKey) bool { return pub != nil && m.verify(pub) }
