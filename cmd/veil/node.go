package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/node"
	"github.com/veilseq/veil/internal/sequencer"
)

func init() { subcommands = append(subcommands, newNodeCmd) }

func newNodeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run a validator",
	}
	cmd.AddCommand(newNodeStartCmd())
	return cmd
}

func newNodeStartCmd() *cobra.Command {
	var (
		home, apiAddr, logLevel string
		noAPI                   bool
		ipRate, senderRate      float64
		minFreeMiB              uint64
	)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start a validator from its home directory",
		Long: `start runs one validator from a CometBFT home (config/, data/) written by
veil testnet, runs its share pool (key shares from the committee's
keyholders in, soft batches and key records out), and serves the wallet,
rollup feed and keyholder APIs. Without the API (--no-api) keyholders
cannot reach it: it still verifies and applies other proposers' key
records. Stop it with Ctrl-C or SIGTERM; it resumes from its data
directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			dirs, err := checkDataDirs(home)
			if err != nil {
				return err
			}
			// A full or read-only disk stops the node cleanly (nodestop.go).
			guard := diskGuard{dirs: dirs, minFree: minFreeMiB << 20}
			if err := guard.check(); err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			fatal := &fatalStop{cancel: cancel, log: logger}
			go guard.watch(ctx, time.Second, fatal.stop)
			logger = slog.New(failureHook{logger.Handler(), fatal.stop})
			err = runNode(ctx, cmd, logger, home, apiAddr, noAPI, ipRate, senderRate)
			return errors.Join(fatal.reason(), err)
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the validator's home directory (required)")
	f.StringVar(&apiAddr, "api", "127.0.0.1:26670", "wallet API listen address")
	f.BoolVar(&noAPI, "no-api", false, "do not serve the wallet API")
	f.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	f.Float64Var(&ipRate, "api-ip-rate", 0, "API requests a second one client IP may make (0: the default, 50; negative: no limit, e.g. behind a proxy or when keyholders and clients share this host)")
	f.Float64Var(&senderRate, "api-sender-rate", 0, "envelopes a second one sender may submit (0: the default, 10; negative: no limit)")
	f.Uint64Var(&minFreeMiB, "min-free-disk-mib", 256, "stop cleanly, with an error, when the data directory's file system has less free space than this (MiB; 0: only when it is full)")
	_ = cmd.MarkFlagRequired("home")
	return cmd
}

// runNode runs the validator until ctx is done.
func runNode(ctx context.Context, cmd *cobra.Command, logger *slog.Logger, home, apiAddr string, noAPI bool, ipRate, senderRate float64) error {
	n, err := node.New(ctx, node.Config{Home: home, Logger: logger})
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		return errors.Join(err, n.Stop())
	}
	defer func() {
		if err := n.Stop(); err != nil {
			logger.Error("stop node", "err", err)
		}
	}()
	// The share pool: keyholders' shares in, soft batches and the
	// keys this validator proposes out.
	svc, err := decrypt.NewService(n.App(), decrypt.ServiceConfig{
		Feed: n.Feed(), Logger: logger,
		Pool: decrypt.PoolConfig{Metrics: decrypt.NewMetrics(prometheus.DefaultRegisterer, n.Moniker())},
	})
	if err != nil {
		return err
	}
	defer svc.Close()
	n.Feed().SetSoft(decrypt.FeedSource{Pool: svc.Pool})
	logger.Warn("validator started", "moniker", n.Moniker(), "home", home)
	if noAPI {
		<-ctx.Done()
		return nil
	}
	be, err := sequencer.New(sequencer.Config{App: n.App(), Mempool: n.Mempool(), BlockStore: n.BlockStore(), Logger: logger, Soft: svc.Pool,
		JournalDir: n.CometConfig().DBDir()})
	if err != nil {
		return err
	}
	defer be.Close()
	srv, err := server.New(be, server.Config{
		Addr: apiAddr, Logger: logger, RollupFeed: n.Feed(), Keyholder: decrypt.WithCeremonies(svc, n.Submit),
		IPRate: ipRate, SenderRate: senderRate,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "veil node: %s serving the wallet API at http://%s\n", n.Moniker(), apiAddr)
	if err := srv.ListenAndServe(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// checkDataDirs returns the validator's data directories, or fails with a
// clear error where CometBFT would panic: it
// panics when it cannot write the validator's sign state, as on a missing
// or read-only data directory. It also refuses a home that lost its sign
// state but kept its chain: with a fresh sign state the validator would
// sign again at heights it has signed, possibly for another block.
func checkDataDirs(home string) ([]string, error) {
	cfg, err := node.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	dirs := []string{cfg.DBDir()}
	if d := filepath.Dir(cfg.PrivValidatorStateFile()); d != dirs[0] {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("node: data directory %s is missing: restore it (it holds the chain and the validator's sign state, which stops it signing twice); only for a validator that has never signed, create it empty", dir)
		case err != nil:
			return nil, fmt.Errorf("node: data directory: %w", err)
		case !fi.IsDir():
			return nil, fmt.Errorf("node: data directory %s is not a directory", dir)
		}
		f, err := os.CreateTemp(dir, ".veil-write-check-*")
		if err != nil {
			return nil, fmt.Errorf("node: data directory %s is not writable: the node writes its chain and sign state there (%w)", dir, err)
		}
		f.Close()
		if err := os.Remove(f.Name()); err != nil {
			return nil, fmt.Errorf("node: data directory %s: %w", dir, err)
		}
	}
	state := cfg.PrivValidatorStateFile()
	if _, err := os.Stat(state); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(cfg.DBDir(), "blockstore.db")); err == nil {
			return nil, fmt.Errorf("node: the validator's sign state %s is missing but its chain is not: with a fresh sign state it could sign twice at a height it has signed; restore the file from a backup", state)
		}
	}
	return dirs, nil
}
