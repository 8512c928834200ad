package main

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/bench"
)

func init() { subcommands = append(subcommands, newBenchCmd) }

func newBenchCmd() *cobra.Command {
	var (
		cfg       bench.Config
		keys      []string
		jsonPath  string
		mdPath    string
		plainFlag bool
		rollups   []uint
		profile   string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load a fresh devnet (or a node) and report throughput, latency and CPU per transaction",
		Long: `bench starts a fresh in-process devnet (--validators validators, as many
keyholders), drives --wallets wallets at --rate envelopes a second for
--duration, and measures committed envelopes per second, submit→commit
and submit→soft/firm-decrypted latency (p50/p90/p99), process CPU per
committed envelope, and the vote-extension bytes the blocks carry.

Without --rate it steps the offered rate up (×1.5 from 50/s) until the
committed rate stops rising, falls under 85% of the offered rate, or soft
decryption falls behind (validator 0's soft-decrypted tip more than 2
heights behind its commit tip at the end of a step) — stepping down
(÷1.5) instead while the first steps do — then halves the interval
between the highest rate that did not saturate and the lowest that did
until it is within 10% (at most --max-steps steps in all). The best step
that kept up is the result; the report also names
the highest rate at which the latency targets held.

With --plaintext-too (default) it runs the same search on a second devnet
with plaintext envelopes of the same size and format and no keyholders,
for the encrypted/plaintext ratio and the CPU per transaction of consensus
and admission. It then times the per-transaction threshold crypto in this
process at the devnet's shape and reports the bound:
cores ÷ (plaintext CPU per tx + crypto per tx), and which step dominates.

With --node URL it loads that wallet API with the funded wallets in --key
files instead (no bound: the node's CPU is not this process's).

The Markdown summary goes to stdout (and --md FILE); --json FILE writes
the full report. Progress goes to stderr.`,
		Example: `  veil bench
  veil bench --rate 200 --duration 20s --json bench.json --md bench.md
  veil bench --node http://127.0.0.1:26670 --key w1.key --key w2.key --rollup 1001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if cfg.Node != "" {
				ks, err := loadKeys(keys)
				if err != nil {
					return err
				}
				cfg.Keys = ks
				for _, r := range rollups {
					cfg.Rollups = append(cfg.Rollups, uint64(r))
				}
			} else if len(keys) > 0 {
				return errors.New("--key is for --node; a devnet funds its own wallets")
			}
			cfg.PlaintextToo = plainFlag && cfg.Node == ""
			cfg.Progress = cmd.ErrOrStderr()
			cfg.Command = "veil " + strings.Join(os.Args[1:], " ")
			if profile != "" {
				f, err := os.Create(profile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			r, err := bench.Run(ctx, cfg)
			if err != nil {
				return err
			}
			if err := r.WriteMarkdown(cmd.OutOrStdout()); err != nil {
				return err
			}
			if mdPath != "" {
				f, err := os.Create(mdPath)
				if err != nil {
					return err
				}
				if err := errors.Join(r.WriteMarkdown(f), f.Close()); err != nil {
					return err
				}
			}
			if jsonPath != "" {
				b, err := json.MarshalIndent(r, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.DurationVar(&cfg.Step, "duration", 10*time.Second, "how long each step offers load")
	f.Float64Var(&cfg.Rate, "rate", 0, "envelopes a second offered in one step (0: step up to the saturation point)")
	f.IntVar(&cfg.MaxSteps, "max-steps", 10, "most steps of the rate search")
	f.IntVar(&cfg.Wallets, "wallets", 64, "wallets submitting concurrently (devnet)")
	f.IntVar(&cfg.Validators, "validators", 4, "devnet validators and keyholders")
	f.DurationVar(&cfg.TimeoutCommit, "timeout-commit", 300*time.Millisecond, "devnet block interval")
	f.BoolVar(&plainFlag, "plaintext-too", true, "also run a plaintext devnet for the ratio and the bound (devnet mode)")
	f.StringVar(&cfg.Node, "node", "", "load this wallet API instead of a devnet (needs --key and --rollup)")
	f.StringArrayVar(&keys, "key", nil, "funded wallet key file for --node (repeat)")
	f.UintSliceVar(&rollups, "rollup", nil, "rollup id to submit to with --node (repeat)")
	f.StringVar(&cfg.Dir, "dir", "", "devnet state directory (default: a temporary one, removed)")
	f.StringVar(&jsonPath, "json", "", "write the full report as JSON to FILE")
	f.StringVar(&mdPath, "md", "", "write the Markdown summary to FILE")
	f.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the whole run (devnets included) to FILE")
	return cmd
}

// loadKeys reads wallet key files; a pattern with * expands.
func loadKeys(paths []string) ([]*ecdsa.PrivateKey, error) {
	var out []*ecdsa.PrivateKey
	for _, p := range paths {
		matches, err := filepath.Glob(p)
		if err != nil || len(matches) == 0 {
			matches = []string{p}
		}
		for _, m := range matches {
			k, err := client.LoadKey(m)
			if err != nil {
				return nil, fmt.Errorf("--key %s: %w", m, err)
			}
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--node needs at least one funded wallet --key")
	}
	return out, nil
}
