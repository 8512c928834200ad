package devnet

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// A devnet keeps each member's secrets (eon share and member key)
// encrypted with age in its validator's keyholder home (KeyholderHome, the
// layout of internal/keystore), under one age
// identity in the devnet directory, IdentityPath, generated with the
// network. The identity sits next to what it protects, so this is for
// development only: it keeps secrets out of plaintext files and exercises
// the path a real keyholder uses, `veil keyholder --identity` (or a
// passphrase), but anyone who can read the devnet directory has the keys.

// IdentityPath is the devnet's age identity file, which decrypts every
// member's secrets file.
func IdentityPath(dir string) string { return filepath.Join(dir, "keyholder-identity.txt") }

// KeyholderHome is the keyholder directory of a validator home: the
// --home of `veil keyholder` for that validator's member.
func KeyholderHome(home string) string { return filepath.Join(home, "keyholder") }

// legacy plaintext files of devnets made before secrets were encrypted.
func legacySharePath(home string) string { return filepath.Join(KeyholderHome(home), "eon-1.share") }
func legacyKeyPath(home string) string   { return filepath.Join(KeyholderHome(home), "keyholder.key") }

// devnetIdentity loads the devnet's identity, or generates it if the
// directory has none yet.
func devnetIdentity(dir string) (keystore.Key, error) {
	path := IdentityPath(dir)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return keystore.GenerateIdentity(path)
	}
	return keystore.LoadIdentity(path)
}

// saveSecrets stores a member's secrets in its validator's home.
func saveSecrets(home string, s *keystore.Secrets, key keystore.Key) error {
	return keystore.Save(keystore.SecretsPath(KeyholderHome(home)), s, key)
}

// loadSecrets reads a member's secrets from its validator's home. A home
// of an older devnet with plaintext secrets is migrated: encrypted, then
// the plaintext removed.
func loadSecrets(home, chainID string, key keystore.Key) (*keystore.Secrets, error) {
	path := keystore.SecretsPath(KeyholderHome(home))
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, lerr := os.Stat(legacySharePath(home)); lerr == nil {
			if err := migrateSecrets(home, chainID, key); err != nil {
				return nil, fmt.Errorf("devnet: %s holds plaintext secrets that could not be encrypted (%w); start over with --reset", home, err)
			}
		}
	}
	s, err := keystore.Load(path, key)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	if s.ChainID != chainID {
		return nil, fmt.Errorf("devnet: %s holds secrets for chain %q, the devnet is %q; start over with --reset", path, s.ChainID, chainID)
	}
	return s, nil
}

func migrateSecrets(home, chainID string, key keystore.Key) error {
	b, err := os.ReadFile(legacySharePath(home))
	if err != nil {
		return err
	}
	share, err := threshold.ParseSecretKeyShare(b)
	if err != nil {
		return fmt.Errorf("eon share: %w", err)
	}
	seedHex, err := os.ReadFile(legacyKeyPath(home))
	if err != nil {
		return err
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(seedHex)))
	if err != nil || len(seed) != 32 {
		return errors.New("member key file is not 32 bytes of hex")
	}
	s := &keystore.Secrets{ChainID: chainID, Share: share, MemberKey: ed25519.NewKeyFromSeed(seed)}
	if err := saveSecrets(home, s, key); err != nil {
		return err
	}
	return errors.Join(os.Remove(legacySharePath(home)), os.Remove(legacyKeyPath(home)))
}

// KeyholderHome returns member's keyholder home (1-based): the --home of a
// `veil keyholder` that runs the member apart from the devnet (with
// Config.Keyholders marking it KeyholderOffline, so the devnet does not
// also run it).
func (d *Devnet) KeyholderHome(member int) string {
	return KeyholderHome(d.homes()[member-1])
}
