package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/internal/node"
)

func init() { subcommands = append(subcommands, newInitCmd) }

func newInitCmd() *cobra.Command {
	var (
		c     node.InitConfig
		peers string
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a validator home with fresh keys, to join a network",
		Long: `init creates a validator home in CometBFT's layout (config/, data/) with a
fresh node key and validator key, and prints what the network's coordinator
needs: the node id (for peer addresses) and the validator public key (for
the genesis validator set). Install the network's genesis.json with
--genesis, or copy it into config/ later, then run veil node start --home.

To lay out a whole new network at once, use veil testnet.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if peers != "" {
				c.Peers = strings.Split(peers, ",")
			}
			id, err := node.InitHome(c)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "veil init: validator home in %s\n", c.Home)
			fmt.Fprintf(w, "  node id:         %s\n", id.NodeID)
			fmt.Fprintf(w, "  validator key:   %s (%s)\n", id.ValidatorPK, id.KeyType)
			fmt.Fprintf(w, "  validator addr:  %s\n", id.Address)
			if c.Genesis == "" {
				fmt.Fprintf(w, "Next: put the network's genesis.json in %s/config/, then veil node start --home %s\n", c.Home, c.Home)
			} else {
				fmt.Fprintf(w, "Next: veil node start --home %s\n", c.Home)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Home, "home", "", "directory to create (required)")
	f.StringVar(&c.Moniker, "moniker", "", "validator name (default: host name)")
	f.StringVar(&c.Genesis, "genesis", "", "the network's genesis.json to install")
	f.StringVar(&peers, "peers", "", "comma-separated persistent peers, id@host:port")
	f.StringVar(&c.ExternalAddress, "external-address", "", "host:port other validators dial")
	_ = cmd.MarkFlagRequired("home")
	return cmd
}
