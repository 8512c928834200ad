package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

func newKeysKeyholderCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keyholder",
		Short: "Create, import and inspect a committee member's encrypted secrets (veil keyholder's --home)",
		Long: `A keyholder home holds keyholder.age: the member's chain id, eon secret key
share and Ed25519 member key, encrypted with age (https://age-encryption.org)
under an age identity file (--identity) or a passphrase (--passphrase-file, or
$` + passphraseEnv + `), written mode 0600. Files readable by group or others
are refused. Keep the identity or passphrase away from the home's backups.`,
	}
	cmd.AddCommand(newKeysKeyholderImportCmd(), newKeysKeyholderShowCmd(), newKeysIdentityCmd())
	return cmd
}

func newKeysKeyholderImportCmd() *cobra.Command {
	var (
		home, chainID, sharePath, memberKeyPath string
		keys                                    keyFlags
	)
	cmd := &cobra.Command{
		Use:   "import --home DIR --chain-id ID --share FILE [--member-key FILE]",
		Short: "Encrypt a member's eon share (and member key) into a keyholder home",
		Long: `import writes DIR/keyholder.age from the member's eon secret key share (FILE
holds threshold.SecretKeyShare's encoding, raw or as hex: what the member's
DKG run produced) and its Ed25519 member key (--member-key FILE: the 32-byte
seed as hex), or a new member key when --member-key is not given. It prints
the member public key, which the eon's record (genesis eon.keyholders) must
list at the member's index. It never overwrites keyholder.age. Delete the
plaintext input files afterwards.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := keys.key()
			if err != nil {
				return err
			}
			path := keystore.SecretsPath(home)
			s := &keystore.Secrets{ChainID: chainID}
			if s.Share, err = readShareFile(sharePath); err != nil {
				return err
			}
			if memberKeyPath == "" {
				_, s.MemberKey, err = ed25519.GenerateKey(rand.Reader)
			} else {
				s.MemberKey, err = readMemberKey(memberKeyPath)
			}
			if err != nil {
				return err
			}
			if err := keystore.Create(path, s, key); err != nil {
				return err
			}
			printSecrets(cmd, path, s)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the keyholder's directory (required)")
	f.StringVar(&chainID, "chain-id", "", "the chain the eon belongs to (required)")
	f.StringVar(&sharePath, "share", "", "file with the member's eon secret key share (required)")
	f.StringVar(&memberKeyPath, "member-key", "", "file with the member's Ed25519 seed as hex (default: generate one)")
	keys.register(f)
	for _, name := range []string{"home", "chain-id", "share"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newKeysKeyholderShowCmd() *cobra.Command {
	var (
		home string
		keys keyFlags
	)
	cmd := &cobra.Command{
		Use:   "show --home DIR",
		Short: "Decrypt a keyholder home's secrets and print what they are for (never the secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := keys.key()
			if err != nil {
				return err
			}
			path := keystore.SecretsPath(home)
			s, err := keystore.Load(path, key)
			if err != nil {
				return err
			}
			printSecrets(cmd, path, s)
			return nil
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the keyholder's directory (required)")
	keys.register(cmd.Flags())
	_ = cmd.MarkFlagRequired("home")
	return cmd
}

func newKeysIdentityCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "identity --out FILE",
		Short: "Generate an age identity file (mode 0600; never overwrites) to encrypt secrets with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := keystore.GenerateIdentity(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "age identity written to %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "identity file to create")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func printSecrets(cmd *cobra.Command, path string, s *keystore.Secrets) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s\n", path)
	fmt.Fprintf(w, "  chain id:           %s\n", s.ChainID)
	fmt.Fprintf(w, "  eon:                %d\n", s.Eon())
	fmt.Fprintf(w, "  member:             %d\n", s.Member())
	fmt.Fprintf(w, "  member public key:  %s\n", hex.EncodeToString(s.MemberKey.Public().(ed25519.PublicKey)))
}

// readShareFile reads a secret key share, raw or hex. Errors do not quote
// the file.
func readShareFile(path string) (*threshold.SecretKeyShare, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if h, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil {
		b = h
	}
	sk, err := threshold.ParseSecretKeyShare(b)
	if err != nil {
		return nil, fmt.Errorf("%s is not an eon secret key share: %w", path, err)
	}
	return sk, nil
}

func readMemberKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New(path + " is not an Ed25519 seed (64 hex digits)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
