package mempool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	s := newSealer(t)
	key := testKey(t, 1)
	for _, tc := range []struct {
		name string
		mod  func(*Envelope)
	}{
		{"single rollup", nil},
		{"bundle", func(e *Envelope) { e.Rollups = []uint64{1, 7, 1 << 60} }},
		{"time-locked", func(e *Envelope) { e.TimeLock = bytes.Repeat([]byte{9}, 300) }},
		{"max rollups", func(e *Envelope) {
			e.Rollups = nil
			for i := range MaxRollups {
				e.Rollups = append(e.Rollups, uint64(i+1))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *Envelope
			if tc.mod == nil {
				e = s.seal(key, 0, 10)
			} else {
				e = s.seal(key, 0, 10, tc.mod)
			}
			b := e.Encode()
			got, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Encode(), b) {
				t.Fatal("re-encoding differs")
			}
			if got.Hash() != e.Hash() {
				t.Fatal("hash differs")
			}
			if err := got.VerifySignature(); err != nil {
				t.Fatal(err)
			}
			if got.Sender != crypto.PubkeyToAddress(key.PublicKey) {
				t.Fatal("sender is not the signer")
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	s := newSealer(t)
	good := s.seal(testKey(t, 1), 0, 10).Encode()
	chainOff := 2
	rollupCountOff := 2 + len("veil-test") + 8 + 20 + 8 + 8 + 8
	for _, tc := range []struct {
		name string
		b    func() []byte
		want error
	}{
		{"empty", func() []byte { return nil }, ErrMalformed},
		{"version 2", func() []byte { b := bytes.Clone(good); b[0] = 2; return b }, ErrMalformed},
		{"chain id length 0", func() []byte { b := bytes.Clone(good); b[1] = 0; return b }, ErrMalformed},
		{"chain id length 65", func() []byte { b := bytes.Clone(good); b[1] = 65; return b }, ErrMalformed},
		{"chain id with space", func() []byte { b := bytes.Clone(good); b[chainOff] = ' '; return b }, ErrMalformed},
		{"no rollups", func() []byte { b := bytes.Clone(good); b[rollupCountOff] = 0; return b }, ErrMalformed},
		{"17 rollups", func() []byte { b := bytes.Clone(good); b[rollupCountOff] = 17; return b }, ErrMalformed},
		{"truncated by one", func() []byte { return good[:len(good)-1] }, ErrMalformed},
		{"truncated header", func() []byte { return good[:40] }, ErrMalformed},
		{"trailing byte", func() []byte { return append(bytes.Clone(good), 0) }, ErrMalformed},
		{"oversized", func() []byte { return make([]byte, MaxEnvelopeSize+1) }, ErrTooLarge},
		{"ciphertext length 0", func() []byte {
			b := bytes.Clone(good)
			binary.BigEndian.PutUint32(b[rollupCountOff+1+8+32:], 0)
			return b
		}, ErrMalformed},
		{"ciphertext length huge", func() []byte {
			b := bytes.Clone(good)
			binary.BigEndian.PutUint32(b[rollupCountOff+1+8+32:], 1<<31)
			return b
		}, ErrMalformed},
		{"rollups not increasing", func() []byte {
			e := s.seal(testKey(t, 1), 0, 10, func(e *Envelope) { e.Rollups = []uint64{3, 4} })
			b := e.Encode()
			binary.BigEndian.PutUint64(b[rollupCountOff+1+8:], 3)
			return b
		}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.b())
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSignatureRejects(t *testing.T) {
	s := newSealer(t)
	key := testKey(t, 1)
	for _, tc := range []struct {
		name string
		mod  func(e *Envelope)
	}{
		{"fee changed after signing", func(e *Envelope) { e.Fee++ }},
		{"ciphertext changed after signing", func(e *Envelope) { e.Ciphertext[5] ^= 1 }},
		{"time-lock added after signing", func(e *Envelope) { e.TimeLock = []byte{1} }},
		{"sender changed", func(e *Envelope) { e.Sender[0] ^= 1 }},
		{"v out of range", func(e *Envelope) { e.Signature[64] = 27 }},
		{"high s", func(e *Envelope) {
			// (r, n−s, v^1) is the same signature's malleable twin.
			n := crypto.S256().Params().N
			sv := new(big.Int).SetBytes(e.Signature[32:64])
			new(big.Int).Sub(n, sv).FillBytes(e.Signature[32:64])
			e.Signature[64] ^= 1
		}},
		{"zero signature", func(e *Envelope) { e.Signature = [65]byte{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := s.seal(key, 0, 10)
			if err := e.VerifySignature(); err != nil {
				t.Fatalf("fresh envelope: %v", err)
			}
			tc.mod(e)
			if err := e.VerifySignature(); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("got %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestCheckerCachesByHash(t *testing.T) {
	s := newSealer(t)
	c := NewChecker(CheckerConfig{CacheSize: 2})
	e1, e2, e3 := s.seal(testKey(t, 1), 0, 10), s.seal(testKey(t, 2), 0, 10), s.seal(testKey(t, 3), 0, 10)
	got, err := c.Stateless(e1.Encode())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := c.Stateless(e1.Encode())
	if again != got {
		t.Fatal("second check of the same bytes did not come from the cache")
	}
	bad := e2.Encode()
	bad[len(bad)-10] ^= 1
	if _, err := c.Stateless(bad); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("got %v, want ErrBadSignature", err)
	}
	if _, err := c.Stateless(bad); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("cached rejection: got %v", err)
	}
	if _, err := c.Stateless(e3.Encode()); err != nil {
		t.Fatal(err)
	}
	if len(c.byKey) != 2 || c.lru.Len() != 2 {
		t.Fatalf("cache holds %d entries, limit 2", len(c.byKey))
	}
	c.Forget(e3.Hash())
	if len(c.byKey) != 1 {
		t.Fatal("Forget kept the entry")
	}
}

func TestCheckerRejectsBadCiphertext(t *testing.T) {
	s := newSealer(t)
	key := testKey(t, 1)
	e := s.seal(key, 0, 10, func(e *Envelope) { e.Ciphertext = []byte{0xff, 1, 2, 3} })
	if _, err := NewChecker(CheckerConfig{}).Stateless(e.Encode()); !errors.Is(err, ErrBadCiphertext) {
		t.Fatalf("got %v, want ErrBadCiphertext", err)
	}
}

func FuzzDecode(f *testing.F) {
	s := newSealer(f)
	f.Add(s.seal(testKey(f, 1), 0, 10).Encode())
	f.Add(s.seal(testKey(f, 2), 3, 99, func(e *Envelope) {
		e.Rollups = []uint64{1, 2, 3}
		e.TimeLock = []byte("lock")
	}).Encode())
	locked, err := SealTimeLocked(s.rng, s.enc, testTimeLockParams(f),
		Envelope{ChainID: "veil-test", Eon: 1, Fee: 10, Expiry: 50, Rollups: []uint64{7}}, []byte("x"), testKey(f, 3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(locked.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			if e != nil {
				t.Fatal("envelope returned with an error")
			}
			return
		}
		if !bytes.Equal(e.Encode(), b) {
			t.Fatal("decode → encode changed the bytes: the encoding is not canonical")
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded envelope fails Validate: %v", err)
		}
		_ = e.VerifySignature()
	})
}
