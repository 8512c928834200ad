package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
)

func init() { subcommands = append(subcommands, newTxCmd) }

// defaultNode is the API address a node serves by default; VEIL_NODE
// overrides it.
const defaultNode = "http://127.0.0.1:26670"

// nodeFlags are the flags of every command that talks to a node.
type nodeFlags struct {
	node    string
	grpc    bool
	timeout time.Duration
}

func (f *nodeFlags) register(cmd *cobra.Command) {
	node := os.Getenv("VEIL_NODE")
	if node == "" {
		node = defaultNode
	}
	cmd.Flags().StringVar(&f.node, "node", node, "node API URL; $VEIL_NODE sets the default")
	cmd.Flags().BoolVar(&f.grpc, "grpc", false, "speak gRPC (h2c for http:// URLs) instead of Connect")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this long (0: never)")
}

func (f *nodeFlags) dial(cmd *cobra.Command) (*client.Client, context.Context, context.CancelFunc, error) {
	var opts []client.Option
	if f.grpc {
		opts = append(opts, client.WithGRPC())
	}
	c, err := client.Dial(f.node, opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		return c, ctx, func() { cancel(); stop() }, nil
	}
	return c, ctx, stop, nil
}

func newTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tx",
		Short: "Send encrypted transactions and follow them",
	}
	cmd.AddCommand(newTxSendCmd(), newTxStatusCmd())
	return cmd
}

type txSendFlags struct {
	nodeFlags
	rollups []string
	data    []string
	key     string
	fee     uint64
	nonce   string
	expiry  uint64
	wait    bool
	until   string
	lock    bool
}

func newTxSendCmd() *cobra.Command {
	var f txSendFlags
	cmd := &cobra.Command{
		Use:   "send --rollup ID --data HEX|@FILE [--rollup ID --data ...] --key FILE",
		Short: "Encrypt, sign and submit a transaction; print its hash",
		Long: `Fetches the node's encryption parameters and the sender's next nonce,
encrypts the payload locally to the committee's eon key, signs the envelope
with the key file and submits it. The plaintext never leaves this process.

Each --rollup pairs with the --data at the same position. Data is hex
(0x optional) or @FILE for a file's bytes (@- for standard input). Several
rollups make one atomic bundle: all legs are included together or none.

With --timelock the payload's content key is also time-locked under the
chain's escape-hatch parameters (about 300 more bytes): if the committee
withholds the keys of the block that includes it, the chain decrypts it
from the solved puzzle instead of marking it undecryptable.

Prints the transaction hash; with --wait, then follows the transaction
until --until (included, soft or firm) and prints where it landed.`,
		Example: `  veil tx send --rollup 1 --data 0xdeadbeef --key wallet.key --wait
  veil tx send --rollup 1 --data @sell.bin --rollup 2 --data @buy.bin --key wallet.key --fee 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTxSend(cmd, f) },
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.rollups, "rollup", nil, "destination rollup id (repeat for a bundle)")
	fl.StringArrayVar(&f.data, "data", nil, "payload for the rollup at the same position: HEX or @FILE")
	fl.StringVarP(&f.key, "key", "k", "", "sender's key file (see veil keys new)")
	fl.Uint64Var(&f.fee, "fee", 0, "fee (default: the chain's minimum)")
	fl.StringVar(&f.nonce, "nonce", "", "nonce (default: the sender's next, from the node)")
	fl.Uint64Var(&f.expiry, "expiry", 0, "last height to include it at (default: latest height + 100, within the chain's window)")
	fl.BoolVar(&f.wait, "wait", false, "wait for the transaction (see --until)")
	fl.StringVar(&f.until, "until", "soft", "with --wait: included, soft or firm")
	fl.BoolVar(&f.lock, "timelock", false, "also time-lock the content key (the escape hatch; the chain must have one)")
	_ = cmd.MarkFlagRequired("rollup")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

func runTxSend(cmd *cobra.Command, f txSendFlags) error {
	if len(f.rollups) != len(f.data) {
		return fmt.Errorf("%d --rollup and %d --data: give one --data per --rollup", len(f.rollups), len(f.data))
	}
	until, err := parseUntil(f.until)
	if err != nil {
		return err
	}
	legs := make([]client.Leg, len(f.rollups))
	for i, r := range f.rollups {
		id, err := strconv.ParseUint(r, 10, 64)
		if err != nil {
			return fmt.Errorf("--rollup %q: want a rollup id (a decimal number)", r)
		}
		data, err := readData(f.data[i], cmd.InOrStdin())
		if err != nil {
			return fmt.Errorf("--data for rollup %d: %w", id, err)
		}
		legs[i] = client.Leg{Rollup: id, Data: data}
	}
	key, err := client.LoadKey(f.key)
	if err != nil {
		return err
	}
	c, ctx, cancel, err := f.dial(cmd)
	if err != nil {
		return err
	}
	defer cancel()

	params, err := c.Params(ctx)
	if err != nil {
		return fmt.Errorf("fetch encryption parameters: %w", err)
	}
	tx := client.Tx{Legs: legs, Fee: f.fee, Expiry: f.expiry, TimeLock: f.lock}
	if f.nonce != "" {
		if tx.Nonce, err = strconv.ParseUint(f.nonce, 10, 64); err != nil {
			return fmt.Errorf("--nonce %q: want a decimal number", f.nonce)
		}
	} else {
		acct, err := c.Account(ctx, client.Address(key))
		if err != nil {
			return fmt.Errorf("fetch the sender's nonce: %w", err)
		}
		tx.Nonce = acct.PendingNonce
	}
	env, err := client.Seal(rand.Reader, params, key, tx)
	if err != nil {
		return err
	}
	hash, err := c.Submit(ctx, env)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintln(out, api.FormatHash(hash))
	if !f.wait {
		return nil
	}
	st, err := c.Wait(ctx, hash, until)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, describe(st))
	return nil
}

func newTxStatusCmd() *cobra.Command {
	var (
		f     nodeFlags
		wait  bool
		until string
	)
	cmd := &cobra.Command{
		Use:   "status HASH",
		Short: "Print a transaction's status",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			hash, err := api.ParseHash(args[0])
			if err != nil {
				return err
			}
			u, err := parseUntil(until)
			if err != nil {
				return err
			}
			c, ctx, cancel, err := f.dial(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			var st api.TxStatus
			if wait {
				st, err = c.Wait(ctx, hash, u)
			} else {
				st, err = c.Status(ctx, hash)
			}
			if err != nil {
				var txErr *client.TxError
				if errors.As(err, &txErr) {
					fmt.Fprintln(cmd.OutOrStdout(), describe(txErr.Status))
				}
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), describe(st))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the transaction (see --until)")
	cmd.Flags().StringVar(&until, "until", "soft", "with --wait: included, soft or firm")
	return cmd
}

// describe renders a status on one line.
func describe(st api.TxStatus) string {
	var b strings.Builder
	b.WriteString(st.State.String())
	if st.State == api.TxDecrypted {
		fmt.Fprintf(&b, " (%s)", st.Level)
	}
	if st.Included() {
		fmt.Fprintf(&b, " at height %d, index %d", st.Height, st.Index)
	}
	if st.Reason != "" {
		fmt.Fprintf(&b, ": %s", st.Reason)
	}
	return b.String()
}

func parseUntil(s string) (client.Until, error) {
	for _, u := range []client.Until{client.UntilIncluded, client.UntilSoft, client.UntilFirm} {
		if s == u.String() {
			return u, nil
		}
	}
	return 0, fmt.Errorf("--until %q: want included, soft or firm", s)
}

// maxDataFile bounds what @FILE reads: more than any envelope carries.
const maxDataFile = 1 << 20

// readData reads a --data value: hex, @FILE, or @- for stdin.
func readData(v string, stdin io.Reader) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		var r io.Reader
		if name == "-" {
			r = stdin
		} else {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r = f
		}
		b, err := io.ReadAll(io.LimitReader(r, maxDataFile+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxDataFile {
			return nil, fmt.Errorf("%s is larger than %d bytes", name, maxDataFile)
		}
		return b, nil
	}
	s := v
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not hex (use @FILE for a file): %w", err)
	}
	return b, nil
}
