package dkg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// committee is four members' keys and a way to start each one's side of a
// run, for tests that need real messages.
type committee struct {
	keys []*PrivateKey
	pubs []*PublicKey
}

func newCommittee(tb testing.TB) *committee {
	keys, pubs := testKeys(tb, 4, 77)
	return &committee{keys, pubs}
}

func (c *committee) config(i int) Config {
	return Config{Eon: 7, Members: c.pubs, Self: c.keys[i], Rand: newReader(uint64(100 + i))}
}

// start returns member i+1's participant and its deal.
func (c *committee) start(tb testing.TB, i int, mod func(*Config)) (*Participant, *Message) {
	tb.Helper()
	cfg := c.config(i)
	if mod != nil {
		mod(&cfg)
	}
	p, out, err := NewParticipant(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) != 1 || out[0].Type() != TypeDeal {
		tb.Fatalf("first output %v, want one deal", out)
	}
	return p, out[0]
}

func encode(tb testing.TB, m *Message) []byte {
	tb.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// signedMsg builds a validly signed message with any payload the parser
// accepts, bypassing the encoders.
func signedMsg(tb testing.TB, typ MessageType, session [sessionSize]byte, sender int, payload []byte, key *PrivateKey) []byte {
	tb.Helper()
	m, err := signMessage(typ, 7, session, sender, payload, key)
	if err != nil {
		tb.Fatalf("signMessage: %v", err)
	}
	return encode(tb, m)
}

// rawSigned signs without parsing back, for payloads the parser rejects.
func rawSigned(tb testing.TB, typ MessageType, session [sessionSize]byte, sender int, payload []byte, key *PrivateKey) []byte {
	tb.Helper()
	b := []byte{msgVersion1, byte(typ)}
	b = binary.BigEndian.AppendUint64(b, 7)
	b = append(b, session[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(sender))
	return resignRaw(tb, append(b, payload...), key)
}

// resignRaw signs header‖payload bytes as they are.
func resignRaw(tb testing.TB, signed []byte, key *PrivateKey) []byte {
	tb.Helper()
	sig, err := signRaw(key, signed)
	if err != nil {
		tb.Fatal(err)
	}
	return append(bytes.Clone(signed), sig...)
}

func setSender(b []byte, sender int) []byte {
	b = bytes.Clone(b)
	binary.BigEndian.PutUint16(b[10+sessionSize:], uint16(sender))
	return b
}

func TestHandleRejects(t *testing.T) {
	c := newCommittee(t)
	_, deal2 := c.start(t, 1, nil)
	_, deal3 := c.start(t, 2, nil)
	_, otherEon := c.start(t, 1, func(cfg *Config) { cfg.Eon = 8 })
	_, otherSession := c.start(t, 1, func(cfg *Config) { cfg.Session = []byte("retry") })
	_, otherThreshold := c.start(t, 1, func(cfg *Config) { cfg.Threshold = 4 })
	_, ownName := c.start(t, 0, func(cfg *Config) { cfg.Rand = newReader(999) })
	receiver, _ := c.start(t, 0, nil)
	session := receiver.session
	good := encode(t, deal2)
	commitsAt := headerSize + 2
	emptyResponse2 := signedMsg(t, TypeResponse, session, 2, []byte{0, 0}, c.keys[1])

	// A re-signed deal from member 2 whose payload mutate changed.
	resigned := func(mutate func(p []byte) []byte) []byte {
		p := mutate(bytes.Clone(good[headerSize : len(good)-signatureSize]))
		return rawSigned(t, TypeDeal, session, 2, p, c.keys[1])
	}
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	rewriteHeader := func(b []byte, eon uint64, s [sessionSize]byte) []byte {
		b = bytes.Clone(b)
		binary.BigEndian.PutUint64(b[2:], eon)
		copy(b[10:], s[:])
		return b
	}
	var order [scalarSize]byte
	fr.Modulus().FillBytes(order[:])

	cases := []struct {
		name string
		prep func(p *Participant) // before the message, on a fresh receiver
		msg  []byte
		want error // nil: accepted
	}{
		{name: "valid", msg: good},
		{name: "valid early response", msg: emptyResponse2},
		{name: "wrong eon", msg: encode(t, otherEon), want: ErrWrongEon},
		{name: "other session", msg: encode(t, otherSession), want: ErrWrongSession},
		{name: "other threshold", msg: encode(t, otherThreshold), want: ErrWrongSession},
		{name: "replay into this session", msg: rewriteHeader(encode(t, otherSession), 7, session), want: ErrBadSignature},
		{name: "replay into this eon", msg: rewriteHeader(encode(t, otherEon), 7, session), want: ErrBadSignature},
		{name: "forged sender", msg: setSender(emptyResponse2, 3), want: ErrBadSignature},
		{name: "forged sender of a deal", msg: setSender(good, 3), want: ErrMalformed}, // deal 2 includes a deal for 3
		{name: "unknown sender", msg: setSender(good, 5), want: ErrUnknownSender},
		{name: "sender zero", msg: setSender(good, 0), want: ErrMalformed},
		{name: "bad signature", msg: flip(good, len(good)-1), want: ErrBadSignature},
		{name: "garbled commitment", msg: flip(good, commitsAt+50), want: ErrBadSignature},
		{name: "garbled ciphertext", msg: flip(good, len(good)-signatureSize-3), want: ErrBadSignature},
		{name: "type relabelled", msg: func() []byte { b := bytes.Clone(good); b[1] = byte(TypeJustification); return b }(), want: ErrMalformed},
		{name: "signed commitment off the curve", msg: resigned(func(p []byte) []byte { p[2+100] ^= 1; return p }), want: ErrInvalid},
		{name: "signed commitment compressed flag", msg: resigned(func(p []byte) []byte { p[2] |= 0x80; return p }), want: ErrInvalid},
		{name: "signed commitment identity", msg: resigned(func(p []byte) []byte { clear(p[2 : 2+g2UncompressedSize]); p[2] = 0x40; return p }), want: ErrInvalid},
		{name: "signed t-1 commitments", msg: resigned(func(p []byte) []byte {
			binary.BigEndian.PutUint16(p, uint16(receiver.t-1))
			return append(p[:2:2], p[2+g2UncompressedSize:]...)
		}), want: ErrInvalid},
		{name: "signed deal for member 5", msg: resigned(func(p []byte) []byte {
			off := 2 + receiver.t*g2UncompressedSize + 2 + 2*(2+eciesSize)
			binary.BigEndian.PutUint16(p[off:], 5)
			return p
		}), want: ErrInvalid},
		{name: "signed deal recipients unsorted", msg: resigned(func(p []byte) []byte {
			off := 2 + receiver.t*g2UncompressedSize + 2
			binary.BigEndian.PutUint16(p[off:], 4)
			return p
		}), want: ErrMalformed},
		{name: "signed deal to the dealer", msg: resigned(func(p []byte) []byte {
			off := 2 + receiver.t*g2UncompressedSize + 2 + (2 + eciesSize)
			binary.BigEndian.PutUint16(p[off:], 2)
			return p
		}), want: ErrMalformed},
		{name: "signed response about member 5", msg: signedMsg(t, TypeResponse, session, 2, []byte{0, 1, 0, 5}, c.keys[1]), want: ErrInvalid},
		{name: "signed response unsorted", msg: rawSigned(t, TypeResponse, session, 2, []byte{0, 2, 0, 4, 0, 3}, c.keys[1]), want: ErrMalformed},
		{name: "signed response about itself", msg: rawSigned(t, TypeResponse, session, 2, []byte{0, 1, 0, 2}, c.keys[1]), want: ErrMalformed},
		{name: "signed empty justification", msg: rawSigned(t, TypeJustification, session, 2, []byte{0, 0}, c.keys[1]), want: ErrMalformed},
		{name: "signed share not canonical", msg: rawSigned(t, TypeJustification, session, 2, append([]byte{0, 1, 0, 1}, order[:]...), c.keys[1]), want: ErrMalformed},
		{name: "duplicate", prep: func(p *Participant) { mustHandle(t, p, good) }, msg: good, want: ErrDuplicate},
		{name: "equivocation", prep: func(p *Participant) { mustHandle(t, p, good) },
			msg: resigned(func(p []byte) []byte { p[len(p)-1] ^= 1; return p }), want: ErrEquivocation},
		{name: "message in own name", msg: encode(t, ownName), want: ErrEquivocation},
		{name: "echo of own deal", prep: nil, msg: nil, want: ErrDuplicate},
		{name: "late deal", prep: func(p *Participant) {
			if _, err := p.Advance(); err != nil {
				t.Fatal(err)
			}
		}, msg: encode(t, deal3), want: ErrLate},
		{name: "version", msg: func() []byte { b := bytes.Clone(good); b[0] = 2; return b }(), want: ErrVersion},
		{name: "unknown type", msg: func() []byte { b := bytes.Clone(good); b[1] = 9; return b }(), want: ErrMalformed},
		{name: "trailing byte", msg: append(bytes.Clone(good), 0), want: ErrMalformed},
		{name: "truncated header", msg: good[:headerSize], want: ErrMalformed},
		{name: "truncated signature", msg: good[:len(good)-1], want: ErrMalformed},
		{name: "empty", msg: nil, want: ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, own := c.start(t, 0, nil)
			msg := tc.msg
			if tc.name == "echo of own deal" {
				msg = encode(t, own)
			}
			if tc.prep != nil {
				tc.prep(p)
			}
			m, err := ParseMessage(msg)
			if err == nil {
				_, err = p.Handle(m)
			}
			if tc.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func mustHandle(tb testing.TB, p *Participant, b []byte) {
	tb.Helper()
	m, err := ParseMessage(b)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := p.Handle(m); err != nil {
		tb.Fatal(err)
	}
}

func TestHandleNil(t *testing.T) {
	p, _ := newCommittee(t).start(t, 0, nil)
	if _, err := p.Handle(nil); !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}

// TestSignatureCoversHeader checks directly that changing any header byte
// (version, type, eon, session, sender) invalidates the signature, so no
// message can be replayed as another type, eon, run or sender.
func TestSignatureCoversHeader(t *testing.T) {
	c := newCommittee(t)
	_, deal := c.start(t, 1, nil)
	for i := range headerSize {
		m := &Message{raw: bytes.Clone(deal.raw)}
		m.raw[i] ^= 0x10
		if m.verify(c.pubs[1]) {
			t.Errorf("header byte %d is not signed", i)
		}
	}
	if !deal.verify(c.pubs[1]) {
		t.Fatal("valid message does not verify")
	}
}

// TestTruncations checks that every proper prefix of real messages of each
// type is rejected as malformed, and that the full messages round-trip.
func TestTruncations(t *testing.T) {
	s := newSim(t, 4, faults(4, badDealJustified), 11)
	s.run()
	seen := map[MessageType]bool{}
	for _, m := range s.sent {
		if seen[m.Type()] {
			continue
		}
		seen[m.Type()] = true
		b := encode(t, m)
		for n := range len(b) {
			if _, err := ParseMessage(b[:n]); !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v truncated to %d of %d bytes: %v", m.Type(), n, len(b), err)
			}
		}
		m2, err := ParseMessage(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encode(t, m2), b) {
			t.Fatalf("%v does not round-trip", m.Type())
		}
	}
	if len(seen) != 3 {
		t.Fatalf("run produced types %v, want all three", seen)
	}
}

func TestMessageSizes(t *testing.T) {
	c := newCommittee(t)
	p, deal := c.start(t, 0, nil)
	want := headerSize + 2 + p.t*g2UncompressedSize + 2 + (p.n-1)*(2+eciesSize) + signatureSize
	if got := len(deal.raw); got != want {
		t.Fatalf("deal is %d bytes, want %d", got, want)
	}
}
