package threshold_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// TestContentKey checks that EncryptContentKey produces exactly Encrypt's
// ciphertext for the same randomness, that its content key opens the
// ciphertext without the decryption key, and a known answer for the key.
func TestContentKey(t *testing.T) {
	pk, sks := deal(t, "content-key", 7, 2, 3)
	id := testIdentity("veil-test", 7, 1)
	header, pt := []byte("header"), []byte("payload")
	enc := threshold.NewEncrypter(pk)

	ct, k, err := enc.EncryptContentKey(seeded("content-key/r"), id, header, pt)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := enc.Encrypt(seeded("content-key/r"), id, header, pt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ct, plain) {
		t.Fatal("EncryptContentKey and Encrypt differ for the same randomness")
	}
	// Known answer: a change is a change of the KDF, hence of the wire
	// format of every time-lock.
	const want = "12b9e77483de946b1d8e81b879e0291132baab79b7136571f9fcf69ffe6a5a9c"
	if got := hex.EncodeToString(k[:]); got != want {
		t.Logf("content key %s", got)
		t.Errorf("content key changed")
	}
	got, err := threshold.DecryptContentKey(k[:], ct, header)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("DecryptContentKey = %q, %v", got, err)
	}
	// The committee's key opens the same ciphertext.
	dk, err := threshold.AggregateKeys(pk, []threshold.Identity{id}, sharesOf(sks, []threshold.Identity{id}, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := threshold.Decrypt(dk[0], ct, header); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}

	bad := func(name string, key, ct, header []byte, want error) {
		t.Helper()
		if _, err := threshold.DecryptContentKey(key, ct, header); !errors.Is(err, want) {
			t.Errorf("%s: err %v, want %v", name, err, want)
		}
	}
	other := k
	other[0] ^= 1
	bad("wrong key", other[:], ct, header, threshold.ErrDecrypt)
	bad("wrong header", k[:], ct, []byte("other"), threshold.ErrDecrypt)
	bad("short key", k[:31], ct, header, threshold.ErrInvalidKey)
	bad("short ciphertext", k[:], ct[:10], header, threshold.ErrMalformed)
	mauled := bytes.Clone(ct)
	mauled[len(mauled)-1] ^= 1
	bad("mauled", k[:], mauled, header, threshold.ErrDecrypt)
}

func ExampleDecryptContentKey() {
	pk, _, _ := threshold.DealKeys(seeded("example"), 1, 2, 3)
	id := threshold.DeriveIdentity("veil-example", 1, [20]byte{1}, [32]byte{2})
	header := []byte("clear header")
	ct, k, err := threshold.NewEncrypter(pk).EncryptContentKey(seeded("r"), id, header, []byte("hello"))
	if err != nil {
		panic(err)
	}
	// The wallet time-locks k; whoever solves the puzzle decrypts.
	pt, err := threshold.DecryptContentKey(k[:], ct, header)
	fmt.Println(string(pt), err)
	// Output: hello <nil>
}
