package main

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/internal/devnet"
)

func init() { subcommands = append(subcommands, newTestnetCmd) }

func newTestnetCmd() *cobra.Command {
	var (
		out, chainID, hosts string
		validators, wallets int
		blockTime           time.Duration
	)
	cmd := &cobra.Command{
		Use:   "testnet",
		Short: "Write one validator home per host for a new network",
		Long: `testnet writes a new network into --output: one CometBFT home per validator
(node0, node1, …) with its keys, the shared genesis (the committee's eon key
from a DKG run here among the members, funded wallets, the demo rollups) and
each keyholder's secret key share, plus funded wallet keys under wallets/.
Copy each home to its host and run veil node start --home there.

Without --hosts the homes use free loopback ports on this machine.

The DKG runs in this process, so whoever runs testnet has seen every
member's share: a trusted setup for test networks. A production committee
runs the DKG among its members' own keyholders.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var hostList []string
			if hosts != "" {
				hostList = strings.Split(hosts, ",")
			}
			if err := devnet.Create(devnet.Config{
				Dir: out, Validators: validators, Wallets: wallets, ChainID: chainID,
				TimeoutCommit: blockTime, Rand: rand.Reader,
			}, hostList); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "veil testnet: %d validator homes for chain %s in %s\n", validators, chainID, out)
			for i := range validators {
				fmt.Fprintf(w, "  veil node start --home %s\n", filepath.Join(out, fmt.Sprintf("node%d", i)))
			}
			fmt.Fprintln(w, "Each home holds its keyholder's secret key share under keyholder/ (mode 0600): move it only over a secure channel.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "output", "", "directory to write the network into (must not exist)")
	f.IntVar(&validators, "validators", 4, "number of validators and committee members")
	f.IntVar(&wallets, "wallets", 8, "funded wallets to create")
	f.StringVar(&chainID, "chain-id", "veil-testnet", "chain id")
	f.StringVar(&hosts, "hosts", "", "comma-separated host names or IPs, one per validator, for separate machines")
	f.DurationVar(&blockTime, "block-time", 500*time.Millisecond, "CometBFT timeout_commit")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}
