// Package keystore keeps a keyholder's secrets (its eon secret key share
// and its Ed25519 member key) encrypted at rest with age
// (https://age-encryption.org/v1), under a passphrase (age's scrypt
// recipient) or an age identity file.
//
// Inside the age file is a small versioned text format (Secrets.Marshal).
// Files are written atomically with mode 0600 (temporary file, fsync,
// rename, fsync of the directory), and Load and LoadIdentity refuse files
// that the group or others may read, naming the file and the fix. No error
// of this package contains key material.
package keystore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"filippo.io/age"
)

// maxFileSize bounds what Load and LoadIdentity read: a secrets file is a
// few hundred bytes.
const maxFileSize = 64 << 10

// Key is what encrypts and decrypts a secrets file: Passphrase or an
// identity from LoadIdentity or GenerateIdentity.
type Key interface {
	recipient() (age.Recipient, error)
	identity() (age.Identity, error)
	// describe names the key in errors: "the passphrase" or the file.
	describe() string
}

// scryptLogN is the scrypt work factor of new passphrase-encrypted files
// (2^18, about a second, age's default). Tests lower it.
var scryptLogN = 18

type passphrase string

// Passphrase returns a Key that derives the file key from p with scrypt.
// p must not be empty.
func Passphrase(p string) (Key, error) {
	if p == "" {
		return nil, errors.New("keystore: the passphrase is empty")
	}
	return passphrase(p), nil
}

func (p passphrase) recipient() (age.Recipient, error) {
	r, err := age.NewScryptRecipient(string(p))
	if err != nil {
		return nil, fmt.Errorf("keystore: passphrase: %w", err)
	}
	r.SetWorkFactor(scryptLogN)
	return r, nil
}

func (p passphrase) identity() (age.Identity, error) {
	return age.NewScryptIdentity(string(p))
}

func (passphrase) describe() string { return "the passphrase" }

// ReadPassphraseFile reads a passphrase from the first line of a file
// (mode 0600 or stricter), without the line ending.
func ReadPassphraseFile(path string) (Key, error) {
	b, err := readPrivate(path, "passphrase file")
	if err != nil {
		return nil, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	k, err := Passphrase(strings.TrimSuffix(line, "\r"))
	if err != nil {
		return nil, fmt.Errorf("keystore: passphrase file %s: the first line is empty", path)
	}
	return k, nil
}

// identityKey is an age identity loaded from (or written to) a file.
type identityKey struct {
	path string
	id   age.Identity
	rcpt age.Recipient
}

func (k *identityKey) recipient() (age.Recipient, error) { return k.rcpt, nil }
func (k *identityKey) identity() (age.Identity, error)   { return k.id, nil }
func (k *identityKey) describe() string                  { return "the identity in " + k.path }

// LoadIdentity loads an age identity file (as age-keygen writes: one
// AGE-SECRET-KEY-1… line, comments allowed) to encrypt and decrypt
// secrets files with. The file must not be readable by group or others.
func LoadIdentity(path string) (Key, error) {
	b, err := readPrivate(path, "identity file")
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	// age's parse errors can quote part of the line; say only what is
	// wrong with the file.
	if err != nil || len(ids) != 1 {
		return nil, fmt.Errorf("keystore: %s does not hold exactly one age identity (an AGE-SECRET-KEY-1… line, as age-keygen writes)", path)
	}
	withRcpt, ok := ids[0].(interface{ Recipient() *age.X25519Recipient })
	if !ok {
		return nil, fmt.Errorf("keystore: %s: only X25519 age identities are supported", path)
	}
	return &identityKey{path: path, id: ids[0], rcpt: withRcpt.Recipient()}, nil
}

// GenerateIdentity writes a new X25519 age identity to path (mode 0600;
// it refuses to overwrite) and returns it as a Key.
func GenerateIdentity(path string) (Key, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	content := fmt.Sprintf("# veil keyholder age identity\n# public key: %s\n%s\n", id.Recipient(), id)
	if err := writeFile(path, []byte(content), false); err != nil {
		return nil, err
	}
	return &identityKey{path: path, id: id, rcpt: id.Recipient()}, nil
}

// Save encrypts s with k and writes it to path, atomically, mode 0600.
// It replaces an existing file.
func Save(path string, s *Secrets, k Key) error { return save(path, s, k, true) }

// Create is Save that fails, leaving the file as it is, if path exists:
// for importing a member's secrets without overwriting others.
func Create(path string, s *Secrets, k Key) error { return save(path, s, k, false) }

func save(path string, s *Secrets, k Key, replace bool) error {
	plain, err := s.Marshal()
	if err != nil {
		return err
	}
	defer clear(plain)
	r, err := k.recipient()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return fmt.Errorf("keystore: encrypt: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return fmt.Errorf("keystore: encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("keystore: encrypt: %w", err)
	}
	return writeFile(path, out.Bytes(), replace)
}

// ErrWrongKey reports a secrets file that k does not decrypt: a wrong
// passphrase or identity.
var ErrWrongKey = errors.New("keystore: wrong passphrase or identity")

// Load reads and decrypts the secrets file at path with k. It refuses a
// file the group or others may read.
func Load(path string, k Key) (*Secrets, error) {
	b, err := readPrivate(path, "secrets file")
	if err != nil {
		return nil, err
	}
	id, err := k.identity()
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	r, err := age.Decrypt(bytes.NewReader(b), id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, fmt.Errorf("%w: %s does not decrypt %s", ErrWrongKey, k.describe(), path)
		}
		return nil, fmt.Errorf("keystore: %s is not an age file this key opens: %v", path, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxFileSize))
	defer clear(plain)
	if err != nil {
		return nil, fmt.Errorf("keystore: %s: %v", path, err)
	}
	s, err := Parse(plain)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// CheckPrivate returns an error naming path and the fix if the file is
// readable or writable by its group or others. (Windows has no such mode
// bits; the check is skipped there.)
func CheckPrivate(path, what string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("keystore: %s: %w", what, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("keystore: %s %s has mode %04o, readable beyond its owner; run `chmod 600 %s`", what, path, fi.Mode().Perm(), path)
	}
	return nil
}

func readPrivate(path, what string) ([]byte, error) {
	if err := CheckPrivate(path, what); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keystore: %s: %w", what, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keystore: %s %s: %w", what, path, err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("keystore: %s %s is larger than %d bytes", what, path, maxFileSize)
	}
	return b, nil
}

// writeFile writes b to path durably: a 0600 temporary file in the same
// directory, fsynced, renamed over path (replace) or hard-linked to it
// (otherwise: an existing path fails, atomically), then the directory
// fsynced.
func writeFile(path string, b []byte, replace bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".keystore-*") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
	case replace:
		err = os.Rename(tmp.Name(), path)
	default:
		err = os.Link(tmp.Name(), path)
		_ = os.Remove(tmp.Name())
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("keystore: %s already exists; not overwriting it", path)
		}
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("keystore: write %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("keystore: sync %s: %w", dir, err)
	}
	return nil
}

// A keyholder home (`veil keyholder --home DIR`) holds the member's
// secrets file and the keyholder's progress.
const (
	// SecretsFile is the encrypted secrets file in a keyholder home.
	SecretsFile = "keyholder.age"
	// ProgressFile records the last height the keyholder released.
	ProgressFile = "released"
)

// SecretsPath is the secrets file of the keyholder home dir.
func SecretsPath(dir string) string { return filepath.Join(dir, SecretsFile) }

// EonSecretsPath is where the keyholder home dir keeps the member's
// secrets for eon after a rotation: one file per further eon, beside
// SecretsPath, so the outgoing eon's share stays until no pending block
// needs it.
func EonSecretsPath(dir string, eon uint64) string {
	return filepath.Join(dir, "keyholder-eon-"+strconv.FormatUint(eon, 10)+".age")
}

// LoadEons loads every further eon's secrets in the keyholder home dir
// (EonSecretsPath files), in increasing eon order, each checked to hold
// the eon its name says.
func LoadEons(dir string, k Key) ([]*Secrets, error) {
	eons, err := ListEons(dir)
	if err != nil {
		return nil, err
	}
	out := make([]*Secrets, 0, len(eons))
	for _, eon := range eons {
		s, err := LoadEon(dir, eon, k)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadEon loads eon's secrets from the keyholder home dir (its
// EonSecretsPath file), checked to hold that eon.
func LoadEon(dir string, eon uint64, k Key) (*Secrets, error) {
	s, err := Load(EonSecretsPath(dir, eon), k)
	if err != nil {
		return nil, err
	}
	if s.Eon() != eon {
		return nil, fmt.Errorf("%w: %s holds eon %d", ErrFormat, EonSecretsPath(dir, eon), s.Eon())
	}
	return s, nil
}

// ListEons returns the eons the keyholder home dir has an EonSecretsPath
// file of, in increasing order, without decrypting them.
func ListEons(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("keystore: %w", err)
	}
	var eons []uint64
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), "keyholder-eon-")
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(rest, ".age")
		eon, err := strconv.ParseUint(num, 10, 64)
		if !ok || err != nil || strconv.FormatUint(eon, 10) != num {
			continue
		}
		eons = append(eons, eon)
	}
	slices.Sort(eons)
	return eons, nil
}

// ProgressPath is the progress file of the keyholder home dir.
func ProgressPath(dir string) string { return filepath.Join(dir, ProgressFile) }
