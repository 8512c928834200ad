package threshold_test

import (
	"bytes"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// Every decoder must reject malformed input with an error, never a panic,
// and re-encode what it accepts to the same bytes (encodings are
// canonical). Seed corpora are under testdata/fuzz/, written from the
// decoder vectors by TestVectors -update.

type marshaler interface{ MarshalBinary() ([]byte, error) }

func roundTrip(t *testing.T, in []byte, m marshaler, err error) {
	if err != nil {
		return
	}
	out, merr := m.MarshalBinary()
	if merr != nil {
		t.Fatalf("accepted input does not re-encode: %v", merr)
	}
	if !bytes.Equal(in, out) {
		t.Fatalf("parse→marshal changed the bytes:\n in %x\nout %x", in, out)
	}
}

func FuzzParseCiphertext(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		cheap := threshold.CheckCiphertext(b)
		c, err := threshold.ParseCiphertext(b)
		if err == nil && cheap != nil {
			t.Fatalf("ParseCiphertext accepts what CheckCiphertext rejects: %v", cheap)
		}
		roundTrip(t, b, c, err)
	})
}

func FuzzParseKeyShare(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := threshold.ParseKeyShare(b)
		roundTrip(t, b, s, err)
	})
}

func FuzzParseDecryptionKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := threshold.ParseDecryptionKey(b)
		roundTrip(t, b, k, err)
	})
}

func FuzzParseEonPublicKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		pk, err := threshold.ParseEonPublicKey(b)
		roundTrip(t, b, pk, err)
	})
}

func FuzzParseSecretKeyShare(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		sk, err := threshold.ParseSecretKeyShare(b)
		roundTrip(t, b, sk, err)
	})
}

func FuzzParseSignature(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := threshold.ParseSignature(b)
		roundTrip(t, b, sig, err)
	})
}

func FuzzParsePartialSignature(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := threshold.ParsePartialSignature(b)
		roundTrip(t, b, ps, err)
	})
}

type identityBytes threshold.Identity

func (id identityBytes) MarshalBinary() ([]byte, error) { return threshold.Identity(id).Bytes(), nil }

func FuzzParseIdentity(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := threshold.ParseIdentity(b)
		roundTrip(t, b, identityBytes(id), err)
	})
}

// FuzzDecrypt feeds arbitrary ciphertexts and headers to decryption with a
// fixed key: errors only, and nothing but the genuine ciphertext and header
// decrypts.
func FuzzDecrypt(f *testing.F) {
	pk, sks := deal(f, "fuzz", 1, 1, 1)
	id := testIdentity("fuzz", 1, 0)
	ids := []threshold.Identity{id}
	keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 1))
	if err != nil {
		f.Fatal(err)
	}
	ct, err := threshold.Encrypt(seeded("fuzz"), pk, id, []byte("h"), []byte("plaintext"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ct, []byte("h"))
	f.Add(ct[:threshold.CiphertextOverhead], []byte("h"))
	f.Add(ct, []byte(nil))
	f.Fuzz(func(t *testing.T, c, h []byte) {
		pt, err := threshold.Decrypt(keys[0], c, h)
		if err != nil {
			return
		}
		if !bytes.Equal(c, ct) || !bytes.Equal(h, []byte("h")) || string(pt) != "plaintext" {
			t.Fatalf("forged ciphertext decrypts to %q", pt)
		}
	})
}
