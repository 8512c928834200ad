package keystore_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// testSecrets returns member 2's secrets of a real 3-member eon.
func testSecrets(t testing.TB) *keystore.Secrets {
	t.Helper()
	_, shares, err := threshold.DealKeys(bytes.NewReader(bytes.Repeat([]byte{7}, 1<<12)), 7, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{9}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return &keystore.Secrets{ChainID: "veil-test", Share: shares[1], MemberKey: key}
}

// secretStrings are the encodings of the secrets that must never show up
// in an error.
func secretStrings(t testing.TB, s *keystore.Secrets) []string {
	share, err := s.Share.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	seed := s.MemberKey.Seed()
	// The scalar is the share's last 32 bytes.
	return []string{hex.EncodeToString(share[len(share)-32:]), hex.EncodeToString(seed), string(seed)}
}

func TestMarshalRoundTrip(t *testing.T) {
	s := testSecrets(t)
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("veil-keyholder-secrets/v1\nchain-id: veil-test\neon: 7\nmember: 2\neon-share: ")) {
		t.Fatalf("plaintext starts %q", b[:60])
	}
	got, err := keystore.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := got.Marshal()
	if !bytes.Equal(again, b) || got.Eon() != 7 || got.Member() != 2 || !got.MemberKey.Equal(s.MemberKey) {
		t.Fatal("round trip changed the secrets")
	}
	for _, v := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", *s), fmt.Sprintf("%#v", s), fmt.Sprintf("%x", *s)} {
		for _, secret := range secretStrings(t, s) {
			if strings.Contains(v, secret) {
				t.Fatalf("formatting reveals a secret: %s", v)
			}
		}
	}
}

// TestParseRejects: one must-fail vector per rule; none of the errors
// quotes key material.
func TestParseRejects(t *testing.T) {
	s := testSecrets(t)
	good, _ := s.Marshal()
	lines := strings.Split(string(good), "\n")
	with := func(i int, v string) string {
		l := append([]string(nil), lines...)
		l[i] = v
		return strings.Join(l, "\n")
	}
	share := strings.TrimPrefix(lines[4], "eon-share: ")
	seed := strings.TrimPrefix(lines[5], "member-key: ")
	for _, c := range []struct {
		name, in string
		want     error
	}{
		{"empty", "", keystore.ErrFormat},
		{"no final newline", strings.TrimSuffix(string(good), "\n"), keystore.ErrFormat},
		{"other format", with(0, "age-encryption.org/v1"), keystore.ErrFormat},
		{"future version", with(0, "veil-keyholder-secrets/v2"), keystore.ErrVersion},
		{"extra line", string(good) + "note: x\n", keystore.ErrFormat},
		{"missing line", strings.Join(append(lines[:5:5], ""), "\n"), keystore.ErrFormat},
		{"fields swapped", with(2, "member: 2") + "", keystore.ErrFormat},
		{"empty chain id", with(1, "chain-id: "), keystore.ErrFormat},
		{"chain id with space", with(1, "chain-id: a b"), keystore.ErrFormat},
		{"eon leading zero", with(2, "eon: 07"), keystore.ErrFormat},
		{"eon mismatch", with(2, "eon: 8"), keystore.ErrFormat},
		{"member mismatch", with(3, "member: 3"), keystore.ErrFormat},
		{"share uppercase hex", with(4, "eon-share: "+strings.ToUpper(share)), keystore.ErrFormat},
		{"share not hex", with(4, "eon-share: "+share[:len(share)-1]+"g"), keystore.ErrFormat},
		{"share truncated", with(4, "eon-share: "+share[:len(share)-2]), keystore.ErrFormat},
		{"share scalar out of range", with(4, "eon-share: "+share[:len(share)-64]+strings.Repeat("ff", 32)), keystore.ErrFormat},
		{"seed short", with(5, "member-key: "+seed[:62]), keystore.ErrFormat},
		{"seed not hex", with(5, "member-key: "+seed[:63]+"z"), keystore.ErrFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := keystore.Parse([]byte(c.in))
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse: %v, want %v", err, c.want)
			}
			for _, secret := range append(secretStrings(t, s), share[:40], seed[:40]) {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error quotes key material: %v", err)
				}
			}
		})
	}
}

func TestSaveLoadPassphrase(t *testing.T) {
	s := testSecrets(t)
	path := filepath.Join(t.TempDir(), "sub", "keyholder.age")
	k, err := keystore.Passphrase("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if err := keystore.Save(path, s, k); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, err %v", fi.Mode(), err)
	}
	raw, _ := os.ReadFile(path)
	for _, secret := range secretStrings(t, s) {
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte("veil-keyholder-secrets")) {
			t.Fatal("the file holds plaintext")
		}
	}
	got, err := keystore.Load(path, k)
	if err != nil {
		t.Fatal(err)
	}
	if !got.MemberKey.Equal(s.MemberKey) || got.Member() != 2 || got.ChainID != "veil-test" {
		t.Fatal("loaded other secrets")
	}
	wrong, _ := keystore.Passphrase("wrong horse")
	if _, err := keystore.Load(path, wrong); !errors.Is(err, keystore.ErrWrongKey) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := keystore.Passphrase(""); err == nil {
		t.Fatal("empty passphrase accepted")
	}
	// Save replaces atomically and leaves no temporary file behind;
	// Create refuses to replace.
	if err := keystore.Save(path, s, k); err != nil {
		t.Fatal(err)
	}
	if err := keystore.Create(path, s, k); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing file: %v", err)
	}
	if err := keystore.Create(path+".new", s, k); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + ".new"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
}

// savedWithIdentity saves testSecrets under a new identity in a temporary
// directory.
func savedWithIdentity(t *testing.T) (dir, idPath, path string, k keystore.Key, s *keystore.Secrets) {
	t.Helper()
	dir, s = t.TempDir(), testSecrets(t)
	idPath, path = filepath.Join(dir, "identity.txt"), filepath.Join(dir, "keyholder.age")
	k, err := keystore.GenerateIdentity(idPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := keystore.Save(path, s, k); err != nil {
		t.Fatal(err)
	}
	return dir, idPath, path, k, s
}

func TestSaveLoadIdentity(t *testing.T) {
	dir, idPath, path, _, _ := savedWithIdentity(t)
	if _, err := keystore.GenerateIdentity(idPath); err == nil {
		t.Fatal("GenerateIdentity overwrote an identity")
	}
	k2, err := keystore.LoadIdentity(idPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := keystore.Load(path, k2); err != nil || got.Member() != 2 {
		t.Fatalf("Load: %v", err)
	}
	other, err := keystore.GenerateIdentity(filepath.Join(dir, "other.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.Load(path, other); !errors.Is(err, keystore.ErrWrongKey) {
		t.Fatalf("other identity: %v", err)
	}
	pass, _ := keystore.Passphrase("x")
	if _, err := keystore.Load(path, pass); err == nil {
		t.Fatal("a passphrase opened an identity-encrypted file")
	}
	garbage := filepath.Join(dir, "garbage.txt")
	if err := os.WriteFile(garbage, []byte("AGE-SECRET-KEY-1NOTAKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.LoadIdentity(garbage); err == nil || strings.Contains(err.Error(), "NOTAKEY") {
		t.Fatalf("LoadIdentity(garbage): %v", err)
	}
}

// TestPermissions: group- or world-accessible secrets, identity and
// passphrase files are refused with an error naming the file and the fix.
func TestPermissions(t *testing.T) {
	dir, idPath, path, k, _ := savedWithIdentity(t)
	passPath := filepath.Join(dir, "pass")
	if err := os.WriteFile(passPath, []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keystore.ReadPassphraseFile(passPath); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		for _, p := range []string{path, idPath, passPath} {
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
		}
		check := func(what string, err error, p string) {
			if err == nil || !strings.Contains(err.Error(), "chmod 600 "+p) {
				t.Fatalf("mode %o, %s: %v", mode, what, err)
			}
		}
		_, err := keystore.Load(path, k)
		check("Load", err, path)
		_, err = keystore.LoadIdentity(idPath)
		check("LoadIdentity", err, idPath)
		_, err = keystore.ReadPassphraseFile(passPath)
		check("ReadPassphraseFile", err, passPath)
	}
}
