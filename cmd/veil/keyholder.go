package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
)

func init() { subcommands = append(subcommands, newKeyholderCmd) }

// passphraseEnv names the environment variable a passphrase may come from.
const passphraseEnv = "VEIL_KEYHOLDER_PASSPHRASE"

// keyFlags choose how a keyholder's secrets file is encrypted: an age
// identity file, a passphrase file, or the passphrase in $VEIL_KEYHOLDER_PASSPHRASE.
type keyFlags struct {
	identity, passphraseFile string
}

func (k *keyFlags) register(f *pflag.FlagSet) {
	f.StringVar(&k.identity, "identity", "", "age identity file (AGE-SECRET-KEY-1…, mode 0600) that encrypts the secrets")
	f.StringVar(&k.passphraseFile, "passphrase-file", "", "file whose first line is the passphrase (mode 0600); default $"+passphraseEnv)
}

// key returns the chosen key; exactly one source must be given.
func (k *keyFlags) key() (keystore.Key, error) {
	env, hasEnv := os.LookupEnv(passphraseEnv)
	n := 0
	for _, set := range []bool{k.identity != "", k.passphraseFile != "", hasEnv} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		return nil, fmt.Errorf("no key for the secrets: pass --identity FILE or --passphrase-file FILE, or set %s", passphraseEnv)
	case n > 1:
		return nil, fmt.Errorf("more than one key for the secrets: use one of --identity, --passphrase-file and %s", passphraseEnv)
	case k.identity != "":
		return keystore.LoadIdentity(k.identity)
	case k.passphraseFile != "":
		return keystore.ReadPassphraseFile(k.passphraseFile)
	}
	key, err := keystore.Passphrase(env)
	if err != nil {
		return nil, fmt.Errorf("%s is set but empty", passphraseEnv)
	}
	return key, nil
}

func newKeyholderCmd() *cobra.Command {
	var (
		home, logLevel string
		genesis        string
		keys           keyFlags
		rc             decrypt.RemoteConfig
	)
	cmd := &cobra.Command{
		Use:   "keyholder --home DIR --node URL [--node URL…]",
		Short: "Run a committee member's keyholder: release key shares for committed blocks",
		Long: `keyholder runs one committee member's key release as a process of its own.
It follows the committed blocks of the first --node (or --follow) through the
node's public API, moving to the next when one fails, and, for each block,
sends the member's key shares for its envelopes to the KeyholderService of
every --node, signed with the member key.

DIR holds keyholder.age (the member's secrets, encrypted with age; create it
with veil keys keyholder import) and released (the last height released, so
a restart resumes after it). Decrypt the secrets with --identity FILE,
--passphrase-file FILE or $` + passphraseEnv + `; the files must be mode 0600.

Trust: with --genesis FILE (the chain's genesis.json), every block is checked
against the validators' commit before any share is released: its signed
header must carry more than 2/3 of the genesis validators' signatures and
each envelope a Merkle proof into it. Without --genesis the keyholder believes
the node it follows about which blocks are committed: follow a node you run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			key, err := keys.key()
			if err != nil {
				return err
			}
			s, err := keystore.Load(keystore.SecretsPath(home), key)
			if err != nil {
				return err
			}
			if genesis != "" {
				vals, chainID, err := client.LoadGenesisValidators(genesis)
				if err != nil {
					return err
				}
				if chainID != s.ChainID {
					return fmt.Errorf("--genesis is chain %q, the member's secrets are for chain %q", chainID, s.ChainID)
				}
				rc.Validators = vals
			} else {
				logger.Warn("no --genesis: trusting the followed nodes to report only committed blocks")
			}
			rc.ChainID, rc.Share, rc.MemberKey = s.ChainID, s.Share, s.MemberKey
			further, err := keystore.LoadEons(home, key)
			if err != nil {
				return err
			}
			for _, e := range further {
				if e.ChainID != s.ChainID || !e.MemberKey.Equal(s.MemberKey) {
					return fmt.Errorf("%s: eon %d's secrets are for another chain or member key than %s", home, e.Eon(), keystore.SecretsPath(home))
				}
				rc.Shares = append(rc.Shares, e.Share)
				fmt.Fprintf(cmd.OutOrStdout(), "veil keyholder: also member %d of eon %d\n", e.Member(), e.Eon())
			}
			rc.StateFile, rc.Logger = keystore.ProgressPath(home), logger
			follow := rc.Follow
			if len(follow) == 0 {
				follow = rc.Nodes
			}
			fmt.Fprintf(cmd.OutOrStdout(), "veil keyholder: member %d of eon %d on %s, following %s, sending to %d node(s)\n",
				s.Member(), s.Eon(), s.ChainID, follow[0], len(rc.Nodes))
			if err := decrypt.RunRemote(ctx, rc); err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the keyholder's directory (required)")
	f.StringArrayVar(&rc.Nodes, "node", nil, "base URL of a node's API to send shares to (repeat; required)")
	f.StringArrayVar(&rc.Follow, "follow", nil, "base URL of a node whose commits to follow (repeat: in order of preference, the next when one fails; default the --node URLs)")
	f.StringVar(&genesis, "genesis", "", "the chain's genesis.json: check every block against its validators' commit (recommended)")
	f.Int64Var(&rc.Start, "start", 1, "first height to release for when DIR has no progress yet (joining a long chain)")
	f.DurationVar(&rc.Poll, "poll", 250*time.Millisecond, "how often to ask the followed node for a new commit")
	f.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	keys.register(f)
	_ = cmd.MarkFlagRequired("home")
	_ = cmd.MarkFlagRequired("node")
	return cmd
}
