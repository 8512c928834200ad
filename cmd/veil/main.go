// Command veil is the one binary of the veil shared sequencer: validator
// node, keyholder, DKG ceremony, local devnet, wallet and rollup tooling.
//
// It contains no protocol logic: each subcommand parses flags and wires the
// packages together.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "veil:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "veil",
		Short:         "veil: an encrypted-mempool, fair-ordering shared sequencer",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, add := range subcommands {
		root.AddCommand(add())
	}
	return root
}

// subcommands is filled by each subcommand's file in its init function, so
// the files stay independent of one another.
var subcommands []func() *cobra.Command
