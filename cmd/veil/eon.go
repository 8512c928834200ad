package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

func init() { subcommands = append(subcommands, newEonCmd) }

func newEonCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eon",
		Short: "Committee key epochs: show the current and next eon, submit a next-eon registration",
	}
	cmd.AddCommand(newEonShowCmd(), newEonRegisterCmd())
	return cmd
}

func newEonShowCmd() *cobra.Command {
	var api string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the current eon and, during a rotation, the next one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := client.Dial(api)
			if err != nil {
				return err
			}
			p, err := c.Params(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "current eon %d: %d of %d, current since height %d (latest height %d)\n",
				p.Eon.ID, p.EonKey.Threshold(), p.EonKey.N(), p.Eon.ActivationHeight, p.LatestHeight)
			if p.NextEon != nil {
				fmt.Fprintf(out, "next eon %d: %d of %d, activates at height %d; new envelopes are sealed to it\n",
					p.NextEon.ID, p.NextEonKey.Threshold(), p.NextEonKey.N(), p.NextEon.ActivationHeight)
			} else {
				fmt.Fprintln(out, "no next eon registered")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&api, "api", "http://127.0.0.1:26670", "wallet API base URL")
	return cmd
}

func newEonRegisterCmd() *cobra.Command {
	var file, node string
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Submit a signed next-eon registration (system transaction 0xF3) to a node's mempool",
		Long: `Reads a registration (hex, or raw bytes) as ordering.EonRegistration.Marshal
encodes it: the next eon's key, threshold and members, consented by every
new member and approved by at least t members of the current eon. It
checks the structure here and submits it through the node's CometBFT RPC
(broadcast_tx_sync), whose CheckTx verifies it in full; the node's
rejection names what to fix (wrong eon id, activation too soon, too few
approvals, ...). Building and signing the registration is the DKG
ceremony's job; in a devnet, veil devnet --rotate-every does it all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			tx, err := decodeRegistration(raw)
			if err != nil {
				return err
			}
			reg, err := ordering.ParseEonRegistration(tx)
			if err != nil {
				return err
			}
			rpc, err := rpchttp.New(node)
			if err != nil {
				return err
			}
			res, err := rpc.BroadcastTxSync(cmd.Context(), tx)
			if err != nil {
				return fmt.Errorf("submit to %s: %w", node, err)
			}
			if err := ordering.ResultError(res.Code, res.Codespace, res.Log); err != nil {
				return fmt.Errorf("node refused the registration: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "eon %d registration (%d members, t = %d, activation height %d) accepted into the mempool: tx %X\n",
				reg.Eon, len(reg.Members), reg.Threshold, reg.ActivationHeight, res.Hash)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&file, "file", "", "registration file: hex (0x optional) or raw bytes")
	f.StringVar(&node, "node", "http://127.0.0.1:26657", "CometBFT RPC address of a node")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// decodeRegistration accepts a registration as hex (with or without 0x,
// surrounding whitespace ignored) or as the raw transaction.
func decodeRegistration(b []byte) ([]byte, error) {
	if len(b) > 0 && b[0] == ordering.SysTxEonRegistration {
		return b, nil
	}
	s := strings.TrimPrefix(strings.TrimSpace(string(bytes.TrimSpace(b))), "0x")
	tx, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("registration file is neither raw 0xF3 bytes nor hex: %w", err)
	}
	return tx, nil
}

// rotateLoop registers a new eon every `every` blocks of d (veil devnet
// --rotate-every) until ctx is done. A rotation waits while the previous
// one has not activated.
func rotateLoop(ctx context.Context, out io.Writer, log *slog.Logger, d *devnet.Devnet, every int64) {
	app := d.Network.Nodes[0].App()
	last, _ := app.LastCommit()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
		h, _ := app.LastCommit()
		if h < last+every {
			continue
		}
		if _, pending, err := app.NextEon(); err != nil || pending {
			continue
		}
		rot, err := d.Rotate(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("eon rotation failed", "err", err)
			}
			continue
		}
		last = rot.RegisteredAt
		fmt.Fprintf(out, "veil devnet: eon %d registered at height %d, current from height %d\n", rot.Eon, rot.RegisteredAt, rot.ActivationHeight)
	}
}
