package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
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
		rescan         time.Duration
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
a restart resumes after it). Across an eon rotation, the member's secrets of
each further eon go beside it as keyholder-eon-N.age (same chain, same member
key): the keyholder loads them at start, and looks for new ones every
--rescan and on SIGHUP, so the next eon's file can be added while it runs.
Add it before the eon's registration is submitted: from then on envelopes
sealed to the new eon are committed. Each block's envelopes are released
with the share of the eon they are sealed to, and each firm batch root is
signed with the share of the eon active at its height, as the nodes'
encryption parameters report the eons' activation heights. Decrypt the secrets with --identity FILE,
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
			eons := &eonFiles{home: home, key: key, first: s, held: map[uint64]bool{s.Eon(): true}, out: cmd.OutOrStdout()}
			further, err := eons.scan()
			if err != nil {
				return err
			}
			rc.Shares = further
			adds := make(chan *threshold.SecretKeyShare)
			rc.AddShares = adds
			go eons.watch(ctx, rescan, adds, logger)
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
	f.DurationVar(&rescan, "rescan", 10*time.Second, "how often to look in DIR for a further eon's secrets (keyholder-eon-N.age); also on SIGHUP")
	f.DurationVar(&rc.Poll, "poll", 250*time.Millisecond, "how often to ask the followed node for a new commit")
	f.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	keys.register(f)
	_ = cmd.MarkFlagRequired("home")
	_ = cmd.MarkFlagRequired("node")
	return cmd
}

// eonFiles finds the member's secrets of further eons in a keyholder
// home (keystore.EonSecretsPath files) and loads each new one once.
type eonFiles struct {
	home  string
	key   keystore.Key
	first *keystore.Secrets // keyholder.age
	held  map[uint64]bool
	out   io.Writer
}

// scan loads the files of eons not held yet, each checked to be of the
// first secrets' chain and member key.
func (e *eonFiles) scan() ([]*threshold.SecretKeyShare, error) {
	eons, err := keystore.ListEons(e.home)
	if err != nil {
		return nil, err
	}
	var out []*threshold.SecretKeyShare
	for _, eon := range eons {
		if e.held[eon] {
			continue
		}
		s, err := keystore.LoadEon(e.home, eon, e.key)
		if err != nil {
			return out, err
		}
		if s.ChainID != e.first.ChainID || !s.MemberKey.Equal(e.first.MemberKey) {
			return out, fmt.Errorf("%s: eon %d's secrets are for another chain or member key than %s", e.home, eon, keystore.SecretsPath(e.home))
		}
		e.held[eon] = true
		out = append(out, s.Share)
		fmt.Fprintf(e.out, "veil keyholder: also member %d of eon %d\n", s.Member(), s.Eon())
	}
	return out, nil
}

// watch scans every `every` and on SIGHUP until ctx is done, handing new
// shares to adds. A file that does not load is logged and tried again at
// the next scan (it may still be being written).
func (e *eonFiles) watch(ctx context.Context, every time.Duration, adds chan<- *threshold.SecretKeyShare, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if every <= 0 {
		every = 10 * time.Second
	}
	repeat(ctx, every, hup, func() bool {
		shares, err := e.scan()
		if err != nil {
			log.Error("keyholder: further eon's secrets", "err", err)
		}
		for _, sk := range shares {
			select {
			case adds <- sk:
			case <-ctx.Done():
				return false
			}
		}
		return true
	})
}
