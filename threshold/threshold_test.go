package threshold_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/veilseq/veil/threshold"
)

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ t, n int }{{1, 1}, {2, 3}, {3, 4}, {5, 7}} {
		t.Run(fmt.Sprintf("t=%d,n=%d", tc.t, tc.n), func(t *testing.T) {
			rand := seeded(t.Name())
			pk, sks := deal(t, t.Name(), 7, tc.t, tc.n)
			ids := testIdentities(7, 4)
			header := []byte("envelope header")
			cts := make([][]byte, len(ids))
			for j, id := range ids {
				ct, err := threshold.Encrypt(rand, pk, id, header, []byte(fmt.Sprintf("tx %d", j)))
				if err != nil {
					t.Fatal(err)
				}
				if len(ct) != len(fmt.Sprintf("tx %d", j))+threshold.CiphertextOverhead {
					t.Fatalf("ciphertext length %d", len(ct))
				}
				cts[j] = ct
			}
			shares := map[int][]*threshold.KeyShare{}
			for _, sk := range sks {
				ks := sk.KeyShares(ids)
				if err := threshold.VerifyKeyShares(rand, pk, sk.Index(), ids, ks); err != nil {
					t.Fatalf("member %d: %v", sk.Index(), err)
				}
				shares[sk.Index()] = ks
			}
			keys, err := threshold.AggregateKeys(pk, ids, shares)
			if err != nil {
				t.Fatal(err)
			}
			if err := threshold.VerifyDecryptionKeys(rand, pk, ids, keys); err != nil {
				t.Fatal(err)
			}
			for j := range ids {
				pt, err := threshold.Decrypt(keys[j], cts[j], header)
				if err != nil {
					t.Fatal(err)
				}
				if string(pt) != fmt.Sprintf("tx %d", j) {
					t.Fatalf("plaintext %q", pt)
				}
			}
		})
	}
}

func TestDecryptFailures(t *testing.T) {
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 1, 2, 3)
	ids := testIdentities(1, 2)
	keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := threshold.Encrypt(rand, pk, ids[0], []byte("h"), []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int, mask byte) []byte {
		c := bytes.Clone(ct)
		c[i] ^= mask
		return c
	}
	for _, tc := range []struct {
		name   string
		key    *threshold.DecryptionKey
		ct     []byte
		header string
		want   error
	}{
		{"ok", keys[0], ct, "h", nil},
		{"wrong identity", keys[1], ct, "h", threshold.ErrDecrypt},
		{"wrong header", keys[0], ct, "H", threshold.ErrDecrypt},
		{"U negated", keys[0], flip(1, 0x20), "h", threshold.ErrDecrypt},
		{"U mauled", keys[0], flip(50, 1), "h", threshold.ErrInvalidPoint},
		{"body mauled", keys[0], flip(98, 1), "h", threshold.ErrDecrypt},
		{"tag mauled", keys[0], flip(len(ct)-1, 1), "h", threshold.ErrDecrypt},
		{"version", keys[0], flip(0, 3), "h", threshold.ErrVersion},
		{"truncated", keys[0], ct[:threshold.CiphertextOverhead-1], "h", threshold.ErrMalformed},
		{"nil key", nil, ct, "h", threshold.ErrInvalidKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt, err := threshold.Decrypt(tc.key, tc.ct, []byte(tc.header))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err == nil && string(pt) != "secret" {
				t.Fatalf("plaintext %q", pt)
			}
		})
	}
}

func TestSignatures(t *testing.T) {
	pk, sks := deal(t, t.Name(), 3, 3, 5)
	msg := []byte("batch root")
	var partials []*threshold.PartialSignature
	for _, sk := range sks {
		ps := sk.SignPartial(msg)
		if err := threshold.VerifyPartial(pk, msg, ps); err != nil {
			t.Fatal(err)
		}
		if err := threshold.VerifyPartial(pk, []byte("other"), ps); !errors.Is(err, threshold.ErrInvalidShare) {
			t.Fatalf("partial on other message: %v", err)
		}
		partials = append(partials, ps)
	}
	sig1, err := threshold.AggregateSignatures(pk, partials[:3])
	if err != nil {
		t.Fatal(err)
	}
	sig2, err := threshold.AggregateSignatures(pk, partials[2:])
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := sig1.MarshalBinary()
	b2, _ := sig2.MarshalBinary()
	if !bytes.Equal(b1, b2) || len(b1) != threshold.SignatureSize {
		t.Fatal("different subsets gave different signatures")
	}
	if err := threshold.VerifySignature(pk, msg, sig1); err != nil {
		t.Fatal(err)
	}
	if err := threshold.VerifySignature(pk, []byte("other"), sig1); !errors.Is(err, threshold.ErrInvalidSignature) {
		t.Fatal(err)
	}
	if _, err := threshold.AggregateSignatures(pk, partials[:2]); !errors.Is(err, threshold.ErrTooFewShares) {
		t.Fatal(err)
	}
	if _, err := threshold.AggregateSignatures(pk, []*threshold.PartialSignature{partials[0], partials[1], partials[1]}); !errors.Is(err, threshold.ErrDuplicateIndex) {
		t.Fatal(err)
	}
}

func TestCiphertextChecks(t *testing.T) {
	pk, _ := deal(t, t.Name(), 1, 1, 1)
	id := testIdentity("c", 1, 1)
	ct, err := threshold.Encrypt(seeded(t.Name()), pk, id, nil, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if err := threshold.CheckCiphertext(ct); err != nil {
		t.Fatal(err)
	}
	c, err := threshold.ParseCiphertext(ct)
	if err != nil {
		t.Fatal(err)
	}
	ct[len(ct)-1] ^= 1 // ParseCiphertext copied its input
	if b, _ := c.MarshalBinary(); bytes.Equal(b, ct) || c.Len() != len(ct) {
		t.Fatal("ciphertext aliases its input")
	}
	ct[len(ct)-1] ^= 1
	badU := append(append([]byte{1}, notInG2(t)...), ct[97:]...)
	inf := make([]byte, 96)
	inf[0] = 0xc0
	for _, tc := range []struct {
		name  string
		ct    []byte
		cheap error // CheckCiphertext
		full  error // ParseCiphertext
	}{
		{"ok", ct, nil, nil},
		{"empty", nil, threshold.ErrMalformed, threshold.ErrMalformed},
		{"one short", ct[:threshold.CiphertextOverhead-1], threshold.ErrMalformed, threshold.ErrMalformed},
		{"empty plaintext", ct[:threshold.CiphertextOverhead], nil, nil},
		{"version 0", patch(ct, 0, 0), threshold.ErrVersion, threshold.ErrVersion},
		{"U not in G2", badU, nil, threshold.ErrInvalidPoint},
		{"U infinity", append(append([]byte{1}, inf...), ct[97:]...), nil, threshold.ErrInvalidPoint},
		{"U not on curve", patch(ct, 96, ct[96]^1), nil, threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := threshold.CheckCiphertext(tc.ct); !errors.Is(err, tc.cheap) {
				t.Errorf("CheckCiphertext: got %v, want %v", err, tc.cheap)
			}
			if _, err := threshold.ParseCiphertext(tc.ct); !errors.Is(err, tc.full) {
				t.Errorf("ParseCiphertext: got %v, want %v", err, tc.full)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestRandomnessFailure(t *testing.T) {
	pk, sks := deal(t, t.Name(), 1, 1, 1)
	ids := testIdentities(1, 2)
	if _, err := threshold.Encrypt(failingReader{}, pk, ids[0], nil, nil); err == nil {
		t.Fatal("Encrypt without randomness succeeded")
	}
	if err := threshold.VerifyKeyShares(failingReader{}, pk, 1, ids, sks[0].KeyShares(ids)); err == nil {
		t.Fatal("VerifyKeyShares without randomness succeeded")
	}
	if _, _, err := threshold.DealKeys(failingReader{}, 1, 1, 1); err == nil {
		t.Fatal("DealKeys without randomness succeeded")
	}
}

// TestEncryptDeterministic checks that randomness comes only from the reader.
func TestEncryptDeterministic(t *testing.T) {
	pk, _ := deal(t, t.Name(), 1, 1, 1)
	id := testIdentity("d", 1, 1)
	a, _ := threshold.Encrypt(seeded("same"), pk, id, []byte("h"), []byte("m"))
	b, _ := threshold.NewEncrypter(pk).Encrypt(seeded("same"), id, []byte("h"), []byte("m"))
	c, _ := threshold.Encrypt(seeded("other"), pk, id, []byte("h"), []byte("m"))
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("encryption is not a function of the reader")
	}
}
