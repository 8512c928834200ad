package client

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
)

// Key files hold one secp256k1 private key as 64 hex digits and a newline,
// the format of go-ethereum's crypto.SaveECDSA, unencrypted: protect them
// like an SSH key. They suit development, test networks and service
// wallets; a wallet holding real value keeps its key in an encrypted
// keystore or a hardware signer and passes the *ecdsa.PrivateKey to Seal.

// ErrBadKeyFile is wrapped by every ParseKey error.
var ErrBadKeyFile = errors.New("client: malformed key file")

// SaveKey writes key to a new file at path, readable by its owner only
// (0600). It refuses to overwrite an existing file.
func SaveKey(path string, key *ecdsa.PrivateKey) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("client: %s already exists; not overwriting a key file", path)
		}
		return fmt.Errorf("client: %w", err)
	}
	b := make([]byte, 0, 65)
	b = hex.AppendEncode(b, crypto.FromECDSA(key))
	b = append(b, '\n')
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("client: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("client: write key file: %w", err)
	}
	return nil
}

// LoadKey reads a key file. It refuses a file that others than its owner
// can read or write, as ssh does.
func LoadKey(path string) (*ecdsa.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("client: key file %s is accessible by others (mode %#o); run chmod 600 %s", path, perm, path)
	}
	if fi.Size() > 1024 {
		return nil, fmt.Errorf("%w: %s is %d bytes; a key file holds 64 hex digits", ErrBadKeyFile, path, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	key, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return key, nil
}

// ParseKey parses a key file's contents: 64 hex digits, optionally 0x-
// prefixed, surrounded by optional white space. Errors never echo the
// contents.
func ParseKey(b []byte) (*ecdsa.PrivateKey, error) {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
	}
	if len(s) != 64 {
		return nil, fmt.Errorf("%w: want 64 hex digits, got %d characters", ErrBadKeyFile, len(s))
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not hex", ErrBadKeyFile)
	}
	key, err := crypto.ToECDSA(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a valid secp256k1 private key", ErrBadKeyFile)
	}
	return key, nil
}
