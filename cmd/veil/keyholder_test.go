package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// TestKeysKeyholder: an operator encrypts a member's DKG share into a
// keyholder home, inspects it, and veil keyholder refuses to start without
// exactly one key or with a world-readable secrets file.
func TestKeysKeyholder(t *testing.T) {
	dir := t.TempDir()
	_, shares, err := threshold.DealKeys(rand.Reader, 3, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := shares[1].MarshalBinary()
	sharePath := filepath.Join(dir, "share.hex")
	if err := os.WriteFile(sharePath, []byte(hex.EncodeToString(b)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	id := filepath.Join(dir, "identity.txt")
	home := filepath.Join(dir, "kh")
	if out, err := runVeil(t, "keys", "keyholder", "identity", "--out", id); err != nil {
		t.Fatalf("identity: %v\n%s", err, out)
	}
	out, err := runVeil(t, "keys", "keyholder", "import", "--home", home, "--chain-id", "veil-x", "--share", sharePath, "--identity", id)
	if err != nil || !strings.Contains(out, "eon:                3") || !strings.Contains(out, "member:             2") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if strings.Contains(out, hex.EncodeToString(b[len(b)-32:])) {
		t.Fatal("import printed the share")
	}
	if _, err := runVeil(t, "keys", "keyholder", "import", "--home", home, "--chain-id", "veil-x", "--share", sharePath, "--identity", id); err == nil {
		t.Fatal("import overwrote a member's secrets")
	}
	show, err := runVeil(t, "keys", "keyholder", "show", "--home", home, "--identity", id)
	if err != nil || !strings.Contains(show, "member public key") || !strings.Contains(show, "veil-x") {
		t.Fatalf("show: %v\n%s", err, show)
	}

	t.Setenv(passphraseEnv, "pw")
	if _, err := runVeil(t, "keyholder", "--home", home, "--node", "http://127.0.0.1:1", "--identity", id); err == nil || !strings.Contains(err.Error(), "more than one key") {
		t.Fatalf("two keys: %v", err)
	}
	os.Unsetenv(passphraseEnv)
	if _, err := runVeil(t, "keyholder", "--home", home, "--node", "http://127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "no key") {
		t.Fatalf("no key: %v", err)
	}
	if err := os.Chmod(filepath.Join(home, "keyholder.age"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runVeil(t, "keyholder", "--home", home, "--node", "http://127.0.0.1:1", "--identity", id); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable secrets: %v", err)
	}
}
