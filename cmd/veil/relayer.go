package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/threshold"
)

func init() { subcommands = append(subcommands, newRelayerCmd) }

type relayerFlags struct {
	l1       string
	key      string
	inbox    string
	batches  string
	node     string
	maxPerTx int
	once     bool
}

func newRelayerCmd() *cobra.Command {
	var f relayerFlags
	cmd := &cobra.Command{
		Use:   "relayer",
		Short: "Post the committee's signed batch roots to the L1 BatchInbox",
		Long: `Posts signed batch roots to the BatchInbox at --inbox on the L1 node at
--l1, paying with the key in --key (a hex secp256k1 key, as geth writes
with --nodekey). It resumes from the inbox's lastHeight and posts several
heights per transaction.

Batches come from a veil node with --node URL: the relayer follows the
committee-signed batch roots the node serves (ListSignedRoots), which its
keyholders sign once each height is firm. Or from --batches, a file of
JSON lines
  {"height": 7, "root": "0x…", "eon": 1, "signature": "0x…(48 bytes)"}
(a backfill). Give exactly one of the two. The inbox verifies every
signature, so the node is trusted for liveness only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runRelayer(ctx, cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.l1, "l1", "", "L1 JSON-RPC endpoint (http, ws or ipc)")
	fl.StringVar(&f.key, "key", "", "file holding the hex private key that pays for posting")
	fl.StringVar(&f.inbox, "inbox", "", "BatchInbox address")
	fl.StringVar(&f.batches, "batches", "", "file of signed batches, one JSON object a line")
	fl.StringVar(&f.node, "node", "", "veil node API URL to follow signed batch roots from (e.g. http://127.0.0.1:26670)")
	fl.IntVar(&f.maxPerTx, "max-per-tx", 64, "heights per transaction (at most 256)")
	fl.BoolVar(&f.once, "once", false, "post what is available and exit")
	cmd.MarkFlagsOneRequired("batches", "node")
	cmd.MarkFlagsMutuallyExclusive("batches", "node")
	for _, name := range []string{"l1", "key", "inbox"} {
		_ = cmd.MarkFlagRequired(name)
	}
	cmd.AddCommand(newRelayerDeployCmd(), newRelayerRegisterEonCmd(), newRelayerPosterCmd())
	return cmd
}

func runRelayer(ctx context.Context, cmd *cobra.Command, f relayerFlags) error {
	key, err := crypto.LoadECDSA(f.key)
	if err != nil {
		return fmt.Errorf("key: %w", err)
	}
	if !common.IsHexAddress(f.inbox) {
		return fmt.Errorf("--inbox %q is not an address", f.inbox)
	}
	var src relayer.Source
	if f.node != "" {
		c, err := client.Dial(f.node)
		if err != nil {
			return fmt.Errorf("--node: %w", err)
		}
		src = relayer.NewClientSource(c)
	} else {
		fs, err := readBatches(f.batches)
		if err != nil {
			return err
		}
		src = fs
	}
	client, err := ethclient.DialContext(ctx, f.l1)
	if err != nil {
		return fmt.Errorf("l1: %w", err)
	}
	defer client.Close()
	r, err := relayer.New(client, src, relayer.Config{
		Inbox:    common.HexToAddress(f.inbox),
		Key:      key,
		MaxPerTx: f.maxPerTx,
		Logger:   slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)),
		OnPosted: func(p relayer.Posted) {
			fmt.Fprintf(cmd.OutOrStdout(), "heights %d..%d (%d) in L1 block %d, tx %s, gas %d\n",
				p.From, p.To, p.Heights, p.L1Block, p.Tx, p.GasUsed)
		},
	})
	if err != nil {
		return err
	}
	if f.once {
		_, err := r.Once(ctx)
		return err
	}
	if err := r.Run(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// fileSource serves batches read from a file.
type fileSource struct{ batches []relayer.Batch }

func (s *fileSource) Next(_ context.Context, after uint64, max int) ([]relayer.Batch, error) {
	var out []relayer.Batch
	for _, b := range s.batches {
		if b.Height > after && len(out) < max {
			out = append(out, b)
		}
	}
	return out, nil
}

func readBatches(path string) (*fileSource, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return parseBatches(fh, path)
}

// parseBatches reads signed batches as JSON lines ({"height", "root",
// "eon", "signature"}), heights strictly increasing; name prefixes errors.
func parseBatches(r io.Reader, path string) (*fileSource, error) {
	var src fileSource
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v struct {
			Height    uint64        `json:"height"`
			Root      common.Hash   `json:"root"`
			Eon       uint64        `json:"eon"`
			Signature hexutil.Bytes `json:"signature"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		sig, err := threshold.ParseSignature(v.Signature)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: signature: %w", path, line, err)
		}
		if n := len(src.batches); n > 0 && src.batches[n-1].Height >= v.Height {
			return nil, fmt.Errorf("%s:%d: heights must increase", path, line)
		}
		src.batches = append(src.batches, relayer.Batch{Height: v.Height, Root: v.Root, Eon: v.Eon, Signature: sig})
	}
	return &src, sc.Err()
}

func newRelayerDeployCmd() *cobra.Command {
	var l1, key, owner, chain string
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy a CommitteeRegistry and a BatchInbox and print their addresses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			k, err := crypto.LoadECDSA(key)
			if err != nil {
				return fmt.Errorf("key: %w", err)
			}
			client, err := ethclient.DialContext(ctx, l1)
			if err != nil {
				return fmt.Errorf("l1: %w", err)
			}
			defer client.Close()
			id, err := client.ChainID(ctx)
			if err != nil {
				return err
			}
			opts := bind.NewKeyedTransactor(k, id)
			opts.Context = ctx
			o := crypto.PubkeyToAddress(k.PublicKey)
			if owner != "" {
				if !common.IsHexAddress(owner) {
					return fmt.Errorf("--owner %q is not an address", owner)
				}
				o = common.HexToAddress(owner)
			}
			reg, tx, err := contracts.DeployRegistry(opts, client, o)
			if err != nil {
				return err
			}
			if _, err := bind.WaitDeployed(ctx, client, tx.Hash()); err != nil {
				return fmt.Errorf("registry: %w", err)
			}
			inbox, tx, err := contracts.DeployInbox(opts, client, reg, chain)
			if err != nil {
				return err
			}
			if _, err := bind.WaitDeployed(ctx, client, tx.Hash()); err != nil {
				return fmt.Errorf("inbox: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "registry %s (owner %s)\ninbox    %s (chain %s)\n", reg, o, inbox, chain)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&l1, "l1", "", "L1 JSON-RPC endpoint")
	fl.StringVar(&key, "key", "", "file holding the hex private key that deploys")
	fl.StringVar(&owner, "owner", "", "registry owner (default: the deployer)")
	fl.StringVar(&chain, "chain-id", "", "the sequencer's chain ID the inbox accepts")
	for _, name := range []string{"l1", "key", "chain-id"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}
