package keystore_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// TestLoadEons: a keyholder home's further eons load in eon order; other
// files are ignored; a file named for one eon holding another is refused.
func TestLoadEons(t *testing.T) {
	dir := t.TempDir()
	key, err := keystore.Passphrase("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := keystore.LoadEons(filepath.Join(dir, "missing"), key); err != nil || len(got) != 0 {
		t.Fatalf("missing dir: %v %v", got, err)
	}
	base := testSecrets(t)
	for _, eon := range []uint64{12, 9} {
		_, shares, err := threshold.DealKeys(bytes.NewReader(bytes.Repeat([]byte{byte(eon)}, 1<<12)), eon, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		s := &keystore.Secrets{ChainID: base.ChainID, Share: shares[1], MemberKey: base.MemberKey}
		if err := keystore.Save(keystore.EonSecretsPath(dir, eon), s, key); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "keyholder-eon-x.age"), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := keystore.LoadEons(dir, key)
	if err != nil || len(got) != 2 || got[0].Eon() != 9 || got[1].Eon() != 12 || got[0].Member() != 2 {
		t.Fatalf("eons %v %v", got, err)
	}
	if err := os.Rename(keystore.EonSecretsPath(dir, 12), keystore.EonSecretsPath(dir, 13)); err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.LoadEons(dir, key); !errors.Is(err, keystore.ErrFormat) {
		t.Fatalf("misnamed eon file: %v", err)
	}
}
