package devnet

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// TestMigratePlaintextSecrets: a home of a devnet made before secrets were
// encrypted is migrated on load: encrypted under the devnet's identity,
// plaintext removed; a home that cannot be migrated says to --reset.
func TestMigratePlaintextSecrets(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "node0")
	_, shares, err := threshold.DealKeys(rand.Reader, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, mk, _ := ed25519.GenerateKey(rand.Reader)
	b, _ := shares[0].MarshalBinary()
	if err := os.MkdirAll(KeyholderHome(home), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacySharePath(home), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacyKeyPath(home), []byte(hex.EncodeToString(mk.Seed())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := devnetIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := loadSecrets(home, "veil-devnet", key)
	if err != nil {
		t.Fatal(err)
	}
	if s.Member() != 1 || !s.MemberKey.Equal(mk) {
		t.Fatal("migrated other secrets")
	}
	for _, p := range []string{legacySharePath(home), legacyKeyPath(home)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s survived the migration", p)
		}
	}
	// Loading again reads the encrypted file.
	if _, err := loadSecrets(home, "veil-devnet", key); err != nil {
		t.Fatal(err)
	}
	if _, err := loadSecrets(home, "other-chain", key); err == nil || !strings.Contains(err.Error(), "--reset") {
		t.Fatalf("other chain: %v", err)
	}

	broken := filepath.Join(dir, "node1")
	if err := os.MkdirAll(KeyholderHome(broken), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacySharePath(broken), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadSecrets(broken, "veil-devnet", key); err == nil || !strings.Contains(err.Error(), "--reset") {
		t.Fatalf("broken plaintext: %v", err)
	}
	if _, err := os.Stat(keystore.SecretsPath(KeyholderHome(broken))); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("wrote secrets from a broken plaintext home")
	}
}
