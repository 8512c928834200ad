package dkg

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

func TestKeyRoundTrip(t *testing.T) {
	k, pub, err := GenerateLongtermKey(newReader(1))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Public().Equal(pub) {
		t.Fatal("Public() differs from the generated public key")
	}
	b, _ := k.MarshalBinary()
	if len(b) != PrivateKeySize {
		t.Fatalf("private key is %d bytes", len(b))
	}
	k2, err := ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if !k2.Public().Equal(pub) {
		t.Fatal("parsed private key has another public key")
	}
	pb, _ := pub.MarshalBinary()
	if len(pb) != PublicKeySize {
		t.Fatalf("public key is %d bytes", len(pb))
	}
	pub2, err := ParsePublicKey(pb)
	if err != nil {
		t.Fatal(err)
	}
	if !pub2.Equal(pub) {
		t.Fatal("public key does not round-trip")
	}
	_, other, _ := GenerateLongtermKey(newReader(2))
	if other.Equal(pub) {
		t.Fatal("two seeds, one key")
	}
}

func TestParseKeyRejects(t *testing.T) {
	_, pub, _ := GenerateLongtermKey(newReader(1))
	good, _ := pub.MarshalBinary()
	k, _, _ := GenerateLongtermKey(newReader(1))
	goodPriv, _ := k.MarshalBinary()

	with := func(b []byte, f func(b []byte)) []byte { b = bytes.Clone(b); f(b); return b }
	var order [32]byte
	fr.Modulus().FillBytes(order[:])
	var p [fp.Bytes]byte
	fp.Modulus().FillBytes(p[:])

	pubCases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrKey},
		{"short", good[:PublicKeySize-1], ErrKey},
		{"long", append(bytes.Clone(good), 0), ErrKey},
		{"version", with(good, func(b []byte) { b[0] = 2 }), ErrVersion},
		{"identity", with(good, func(b []byte) { clear(b[1:97]); b[1] = 0xc0 }), ErrKey},
		{"uncompressed flag", with(good, func(b []byte) { b[1] &^= 0x80 }), ErrKey},
		{"not on curve", with(good, func(b []byte) { b[96] ^= 1 }), ErrKey},
		{"x above p", with(good, func(b []byte) { copy(b[1:49], p[:]); b[1] |= 0x80 }), ErrKey},
	}
	for _, tc := range pubCases {
		t.Run("public/"+tc.name, func(t *testing.T) {
			if _, err := ParsePublicKey(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	privCases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrKey},
		{"short", goodPriv[:PrivateKeySize-1], ErrKey},
		{"version", with(goodPriv, func(b []byte) { b[0] = 0 }), ErrVersion},
		{"zero scalar", with(goodPriv, func(b []byte) { clear(b[1:33]) }), ErrKey},
		{"scalar = r", with(goodPriv, func(b []byte) { copy(b[1:33], order[:]) }), ErrKey},
	}
	for _, tc := range privCases {
		t.Run("private/"+tc.name, func(t *testing.T) {
			if _, err := ParsePrivateKey(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestGenerateKeyRandomError(t *testing.T) {
	if _, _, err := GenerateLongtermKey(iotest.ErrReader(errors.New("boom"))); !errors.Is(err, ErrRandom) {
		t.Fatalf("failing reader: got %v", err)
	}
	if _, _, err := GenerateLongtermKey(bytes.NewReader(make([]byte, 96))); !errors.Is(err, ErrRandom) {
		t.Fatalf("all-zero reader: got %v", err)
	}
}

// TestRedaction checks that no fmt verb prints a private key, a secret
// share or a participant's secrets.
func TestRedaction(t *testing.T) {
	s := newSim(t, 4, nil, 3)
	s.run()
	r, err := s.parts[0].Result()
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := s.keys[0].MarshalBinary()
	share := secretScalar(t, r.SecretShare())
	shareBytes, _ := share.MarshalBinary()
	secrets := []string{
		hex.EncodeToString(kb[1:33]), hex.EncodeToString(kb[33:]),
		hex.EncodeToString(shareBytes), share.String(), s.keys[0].enc.String(),
	}
	values := map[string]any{"key": s.keys[0], "result": r, "participant": s.parts[0], "share": r.SecretShare()}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range secrets {
				if strings.Contains(strings.ToLower(out), strings.ToLower(secret)) {
					t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
				}
			}
		}
	}
	if got := fmt.Sprint(r); !strings.Contains(got, "qualified: [1 2 3 4]") {
		t.Errorf("Result prints as %q", got)
	}
}

func TestConfigRejects(t *testing.T) {
	keys, pubs := testKeys(t, 4, 5)
	_, stranger := testKeys(t, 1, 6)
	base := func() Config { return Config{Eon: 1, Members: pubs, Self: keys[0], Rand: newReader(1)} }
	cases := []struct {
		name string
		mod  func(c *Config)
		want error
	}{
		{"no members", func(c *Config) { c.Members = nil }, ErrConfig},
		{"threshold above n", func(c *Config) { c.Threshold = 5 }, ErrConfig},
		{"negative threshold", func(c *Config) { c.Threshold = -1 }, ErrConfig},
		{"no private key", func(c *Config) { c.Self = nil }, ErrConfig},
		{"nil member", func(c *Config) { c.Members = []*PublicKey{pubs[0], nil, pubs[2], pubs[3]} }, ErrConfig},
		{"duplicate member", func(c *Config) { c.Members = []*PublicKey{pubs[0], pubs[1], pubs[1], pubs[3]} }, ErrConfig},
		{"self not a member", func(c *Config) { c.Members = []*PublicKey{stranger[0], pubs[1], pubs[2], pubs[3]} }, ErrConfig},
		{"randomness fails", func(c *Config) { c.Rand = iotest.ErrReader(errors.New("boom")) }, ErrRandom},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.mod(&c)
			if _, _, err := NewParticipant(c); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	c := base()
	c.Threshold = 0
	p, _, err := NewParticipant(c)
	if err != nil {
		t.Fatal(err)
	}
	if p.t != 3 || p.Index() != 1 || p.Phase() != PhaseDeal {
		t.Fatalf("default threshold %d, index %d, phase %v", p.t, p.Index(), p.Phase())
	}
	if _, err := p.Result(); !errors.Is(err, ErrNotFinished) {
		t.Fatalf("Result before the end: %v", err)
	}
}
