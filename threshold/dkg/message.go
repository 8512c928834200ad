package dkg

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"slices"

	kdkg "go.dedis.ch/kyber/v4/share/dkg/pedersen"
)

// Wire format of a message, version 1. Integers are big-endian; member
// indices are 1-based uint16.
//
//	header     version(1)=1 ‖ type(1) ‖ eon(8) ‖ session(32) ‖ sender(2)
//	payload    depends on type, below
//	signature  Ed25519ctx(sender's key, context "veil/dkg/v1", header ‖ payload) (64)
//
// Payloads (entries sorted by strictly increasing index, so every message
// has exactly one encoding):
//
//	deal           t(2) ‖ t × commitment(192, uncompressed G2)
//	               ‖ count(2) ‖ count × (recipient(2) ‖ ECIES ciphertext(144))
//	response       count(2) ‖ count × dealer(2)            (complaints only)
//	justification  count(2) ‖ count × (holder(2) ‖ share(32, canonical scalar))
//
// The signature covers the type, the eon and the session, so a message can
// be replayed neither as another type nor into another run, and names its
// sender, so a changed sender index fails verification.

// MessageType says which phase of the protocol a message belongs to.
type MessageType uint8

// Message types, in protocol order.
const (
	// TypeDeal carries a dealer's public commitments and one encrypted share
	// for every other member.
	TypeDeal MessageType = 1
	// TypeResponse carries a member's complaints: the dealers whose share for
	// it was missing or wrong. Every member sends one, possibly empty, so
	// the others know it has nothing to add.
	TypeResponse MessageType = 2
	// TypeJustification carries, in the clear, the shares a dealer was
	// complained about, so every member can check them against its
	// commitments.
	TypeJustification MessageType = 3
)

func (t MessageType) String() string {
	switch t {
	case TypeDeal:
		return "deal"
	case TypeResponse:
		return "response"
	case TypeJustification:
		return "justification"
	default:
		return fmt.Sprintf("MessageType(%d)", uint8(t))
	}
}

const (
	msgVersion1   = 0x01
	sessionSize   = 32
	headerSize    = 1 + 1 + 8 + sessionSize + 2
	signatureSize = ed25519.SignatureSize
	// eciesSize is the size of kyber's ECIES encryption of a 32-byte
	// scalar over G2: ephemeral point (96) ‖ AES-256-GCM ciphertext (32) ‖
	// tag (16).
	eciesSize = g2CompressedSize + scalarSize + 16

	// signatureContext separates these signatures from any other use of
	// the members' Ed25519 keys (RFC 8032 Ed25519ctx).
	signatureContext = "veil/dkg/v1"
)

// Message is one authenticated protocol message. Every message is meant for
// every member: the transport broadcasts it. A Message is immutable; the
// Participant checks its signature and its curve points when it handles it.
type Message struct {
	typ     MessageType
	eon     uint64
	session [sessionSize]byte
	sender  int
	raw     []byte // canonical encoding, signature included

	// Payload structure, slices of raw. Curve points are decoded only after
	// the signature verifies (Participant.Handle), so unauthenticated bytes
	// cost no curve arithmetic.
	commits [][]byte  // deal: t uncompressed G2 points
	deals   []encDeal // deal
	indices []int     // response: dealers; justification: holders
	shares  [][]byte  // justification: canonical scalars, parallel to indices
}

type encDeal struct {
	to int
	ct []byte
}

// Type returns the message's type.
func (m *Message) Type() MessageType { return m.typ }

// Eon returns the eon the message belongs to.
func (m *Message) Eon() uint64 { return m.eon }

// Sender returns the 1-based index of the member that signed the message.
// It is authenticated only once a Participant has accepted the message.
func (m *Message) Sender() int { return m.sender }

// MarshalBinary returns the message's encoding.
func (m *Message) MarshalBinary() ([]byte, error) { return bytes.Clone(m.raw), nil }

// String describes the message for logs.
func (m *Message) String() string {
	return fmt.Sprintf("dkg.Message{%v eon=%d sender=%d size=%d}", m.typ, m.eon, m.sender, len(m.raw))
}

// signed returns the bytes the signature covers.
func (m *Message) signed() []byte { return m.raw[:len(m.raw)-signatureSize] }

func (m *Message) signature() []byte { return m.raw[len(m.raw)-signatureSize:] }

// ParseMessage decodes a message received from the network. It checks the
// structure only: lengths, the version, the type, index ranges and order,
// and canonical scalars. The signature, the eon, the session and the curve
// points are checked by Participant.Handle, which knows the members.
func ParseMessage(b []byte) (*Message, error) {
	if len(b) < headerSize+signatureSize {
		return nil, fmt.Errorf("%w: %d bytes, shorter than header and signature", ErrMalformed, len(b))
	}
	if b[0] != msgVersion1 {
		return nil, ErrVersion
	}
	m := &Message{
		typ:    MessageType(b[1]),
		eon:    binary.BigEndian.Uint64(b[2:10]),
		sender: int(binary.BigEndian.Uint16(b[10+sessionSize:])),
		raw:    bytes.Clone(b),
	}
	copy(m.session[:], b[10:10+sessionSize])
	if m.sender == 0 {
		return nil, fmt.Errorf("%w: sender index 0", ErrMalformed)
	}
	r := reader{b: m.raw[headerSize : len(m.raw)-signatureSize]}
	var err error
	switch m.typ {
	case TypeDeal:
		err = m.parseDeal(&r)
	case TypeResponse:
		err = m.parseResponse(&r)
	case TypeJustification:
		err = m.parseJustification(&r)
	default:
		return nil, fmt.Errorf("%w: unknown type %d", ErrMalformed, b[1])
	}
	if err != nil {
		return nil, err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(r.b))
	}
	return m, nil
}

func (m *Message) parseDeal(r *reader) error {
	t := r.u16()
	if r.err == nil && t == 0 {
		return fmt.Errorf("%w: deal without commitments", ErrMalformed)
	}
	if !r.has(t * g2UncompressedSize) {
		return r.fail("commitments")
	}
	m.commits = make([][]byte, t)
	for i := range m.commits {
		m.commits[i] = r.bytes(g2UncompressedSize)
	}
	count := r.u16()
	if !r.has(count * (2 + eciesSize)) {
		return r.fail("deals")
	}
	m.deals = make([]encDeal, count)
	prev := 0
	for i := range m.deals {
		to := int(r.u16())
		if to <= prev || to == m.sender {
			return fmt.Errorf("%w: deal recipients must increase, start at 1 and skip the sender", ErrMalformed)
		}
		prev = to
		m.deals[i] = encDeal{to: to, ct: r.bytes(eciesSize)}
	}
	return r.err
}

func (m *Message) parseResponse(r *reader) error {
	count := r.u16()
	if !r.has(count * 2) {
		return r.fail("complaints")
	}
	m.indices = make([]int, count)
	prev := 0
	for i := range m.indices {
		d := int(r.u16())
		if d <= prev || d == m.sender {
			return fmt.Errorf("%w: complaints must increase, start at 1 and skip the sender", ErrMalformed)
		}
		prev = d
		m.indices[i] = d
	}
	return r.err
}

func (m *Message) parseJustification(r *reader) error {
	count := r.u16()
	if r.err == nil && count == 0 {
		return fmt.Errorf("%w: empty justification", ErrMalformed)
	}
	if !r.has(count * (2 + scalarSize)) {
		return r.fail("justifications")
	}
	m.indices = make([]int, count)
	m.shares = make([][]byte, count)
	prev := 0
	for i := range m.indices {
		h := int(r.u16())
		if h <= prev || h == m.sender {
			return fmt.Errorf("%w: justified holders must increase, start at 1 and skip the sender", ErrMalformed)
		}
		prev = h
		m.indices[i] = h
		m.shares[i] = r.bytes(scalarSize)
		if !scalarCanonical(m.shares[i]) {
			return fmt.Errorf("%w: share not below the group order", ErrMalformed)
		}
	}
	return r.err
}

// reader consumes a payload front to back; the first failure sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) has(n int) bool { return r.err == nil && len(r.b) >= n }

func (r *reader) fail(what string) error {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated %s", ErrMalformed, what)
	}
	return r.err
}

func (r *reader) bytes(n int) []byte {
	if !r.has(n) {
		r.fail("payload")
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u16() int {
	b := r.bytes(2)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(b))
}

// signMessage builds, signs and re-parses a message, so that every message
// this package emits went through the same decoder as a received one.
func signMessage(typ MessageType, eon uint64, session [sessionSize]byte, sender int, payload []byte, key *PrivateKey) (*Message, error) {
	b := make([]byte, 0, headerSize+len(payload)+signatureSize)
	b = append(b, msgVersion1, byte(typ))
	b = binary.BigEndian.AppendUint64(b, eon)
	b = append(b, session[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(sender))
	b = append(b, payload...)
	sig, err := signRaw(key, b)
	if err != nil {
		return nil, err
	}
	return ParseMessage(append(b, sig...))
}

func signRaw(key *PrivateKey, signed []byte) ([]byte, error) {
	return key.sig.Sign(nil, signed, &ed25519.Options{Context: signatureContext})
}

// verify checks m's signature under pub.
func (m *Message) verify(pub *PublicKey) bool {
	return ed25519.VerifyWithOptions(pub.sig, m.signed(), m.signature(), &ed25519.Options{Context: signatureContext}) == nil
}

// Payload encoders, from kyber's bundles (0-based indices) to the wire
// (1-based).

func encodeDeal(b *kdkg.DealBundle) ([]byte, error) {
	deals := slices.Clone(b.Deals)
	slices.SortFunc(deals, func(x, y kdkg.Deal) int { return cmp.Compare(x.ShareIndex, y.ShareIndex) })
	out := make([]byte, 0, 4+len(b.Public)*g2UncompressedSize+len(deals)*(2+eciesSize))
	out = binary.BigEndian.AppendUint16(out, uint16(len(b.Public)))
	for _, c := range b.Public {
		raw, err := encodeG2Uncompressed(c)
		if err != nil {
			return nil, err
		}
		out = append(out, raw...)
	}
	out = binary.BigEndian.AppendUint16(out, uint16(len(deals)))
	for _, d := range deals {
		if len(d.EncryptedShare) != eciesSize {
			return nil, fmt.Errorf("dkg: kyber produced a %d-byte deal, want %d", len(d.EncryptedShare), eciesSize)
		}
		out = binary.BigEndian.AppendUint16(out, uint16(d.ShareIndex+1))
		out = append(out, d.EncryptedShare...)
	}
	return out, nil
}

func encodeResponse(dealers []int) []byte {
	out := make([]byte, 0, 2+2*len(dealers))
	out = binary.BigEndian.AppendUint16(out, uint16(len(dealers)))
	for _, d := range dealers {
		out = binary.BigEndian.AppendUint16(out, uint16(d))
	}
	return out
}

func encodeJustification(b *kdkg.JustificationBundle) ([]byte, error) {
	js := slices.Clone(b.Justifications)
	slices.SortFunc(js, func(x, y kdkg.Justification) int { return cmp.Compare(x.ShareIndex, y.ShareIndex) })
	out := make([]byte, 0, 2+len(js)*(2+scalarSize))
	out = binary.BigEndian.AppendUint16(out, uint16(len(js)))
	for _, j := range js {
		s, err := j.Share.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out = binary.BigEndian.AppendUint16(out, uint16(j.ShareIndex+1))
		out = append(out, s...)
	}
	return out, nil
}
