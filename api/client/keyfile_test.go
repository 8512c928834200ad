package client

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

const testKeyHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

func TestSaveLoadKey(t *testing.T) {
	key, err := crypto.HexToECDSA(testKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wallet.key")
	if err := SaveKey(path, key); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if string(raw) != testKeyHex+"\n" {
		t.Fatalf("file holds %q", raw)
	}
	got, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(key) {
		t.Fatal("loaded a different key")
	}
	if err := SaveKey(path, key); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("overwrote a key file: %v", err)
	}
}

func TestLoadKeyRefusesOpenPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.key")
	if err := os.WriteFile(path, []byte(testKeyHex), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key loaded: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	for _, ok := range []string{testKeyHex, "0x" + testKeyHex, "  " + strings.ToUpper(testKeyHex) + "\r\n"} {
		if _, err := ParseKey([]byte(ok)); err != nil {
			t.Errorf("ParseKey(%q): %v", ok, err)
		}
	}
	for name, bad := range map[string]string{
		"empty":     "",
		"short":     testKeyHex[:62],
		"not hex":   "zz" + testKeyHex[2:],
		"zero":      strings.Repeat("0", 64),
		"above n":   strings.Repeat("f", 64),
		"two lines": testKeyHex + "\n" + testKeyHex,
	} {
		_, err := ParseKey([]byte(bad))
		if !errors.Is(err, ErrBadKeyFile) {
			t.Errorf("%s: %v", name, err)
		}
		if err != nil && len(bad) > 8 && strings.Contains(err.Error(), bad[2:10]) {
			t.Errorf("%s: error echoes key material: %v", name, err)
		}
	}
}

// FuzzParseKey: key file contents either fail with ErrBadKeyFile or give a
// key that saves back to the same 64 digits.
func FuzzParseKey(f *testing.F) {
	f.Add([]byte(testKeyHex + "\n"))
	f.Add([]byte("0x" + testKeyHex))
	f.Add([]byte(strings.Repeat("f", 64)))
	f.Fuzz(func(t *testing.T, b []byte) {
		key, err := ParseKey(b)
		if err != nil {
			if !errors.Is(err, ErrBadKeyFile) {
				t.Fatalf("error not wrapping ErrBadKeyFile: %v", err)
			}
			return
		}
		norm := strings.ToLower(strings.TrimSpace(string(b)))
		norm = strings.TrimPrefix(norm, "0x")
		if got := hex.EncodeToString(crypto.FromECDSA(key)); got != norm {
			t.Fatalf("%q parsed as %s", b, got)
		}
	})
}
