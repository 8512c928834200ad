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

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/internal/devnet"
)

func init() { subcommands = append(subcommands, newDevnetCmd) }

func newDevnetCmd() *cobra.Command {
	var (
		cfg      devnet.Config
		rate     float64
		noDemo   bool
		noLedger bool
		logLevel string
		l1       l1Flags
		rotate   int64
	)
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a whole veil network on this machine",
		Long: `devnet runs n validators in one process on loopback, with the committee's
first eon key from a DKG among them in this process, the wallet API on the
first validator, and a demo wallet sending encrypted transactions to two
demo rollups. Every --rotate-every blocks the members run a DKG ceremony
on chain over the nodes' KeyholderService (what veil dkg does between
operators) and the network switches to the new eon. It prints a
status line every second; Ctrl-C stops it cleanly. Run it again to resume
from its directory, or pass --reset to start over.

With --l1 (default simulated: go-ethereum's simulated backend in this
process) the devnet settles on an L1: it deploys CommitteeRegistry and
BatchInbox (or uses --inbox, or a new inbox on --registry), registers its
eon, makes its relayer the only poster of an inbox it deploys (when its
key owns the registry), and posts every firm, committee-signed batch
root, printing a line per post. --l1 URL uses any
JSON-RPC endpoint (e.g. geth --dev) and pays with the key in --l1-key;
--l1 none turns settlement off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			cfg.Logger = logger
			cfg.API = server.Config{IPRate: -1, SenderRate: -1}
			cfg.Metrics = true
			cfg.Ledgers = !noLedger
			out := cmd.OutOrStdout()
			posts := make(chan relayer.Posted, 16)
			if err := l1.apply(&cfg.L1, func(p relayer.Posted) {
				select {
				case posts <- p:
				case <-ctx.Done():
				}
			}); err != nil {
				return err
			}
			fmt.Fprintf(out, "veil devnet: starting %d validators in %s\n", max(cfg.Validators, 1), cfg.Dir)
			d, err := devnet.Start(ctx, cfg)
			if err != nil {
				return err
			}
			defer func() {
				fmt.Fprintln(out, "\nveil devnet: stopping")
				if err := d.Stop(); err != nil {
					logger.Error("stop", "err", err)
				}
			}()
			fmt.Fprintf(out, "veil devnet: chain %s, %d validators, data in %s\n", d.ChainID(), len(d.Network.Nodes), d.Dir())
			fmt.Fprintf(out, "veil devnet: wallet API at %s\n", d.APIURL())
			fmt.Fprintf(out, "  curl -s -H 'Content-Type: application/json' -d '{}' %s/veil.v1.SequencerService/GetEncryptionParams\n", d.APIURL())
			if rpc := d.Network.Nodes[0].RPCAddress(); rpc != "" {
				fmt.Fprintf(out, "veil devnet: CometBFT RPC of node0 at %s\n", rpc)
			}
			if l := d.L1(); l != nil {
				where := cfg.L1.Endpoint
				if l.Simulated() {
					where = "simulated in process"
				}
				fmt.Fprintf(out, "veil devnet: L1 %s: registry %s, inbox %s, relayer %s\n", where, l.Registry(), l.Inbox(), l.Poster())
			}
			var traffic *devnet.Traffic
			if !noDemo {
				traffic = &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Rate: rate}
				if ls := d.Ledgers(); ls != nil {
					traffic.Payload = ls.Payload // signed ledger transfers and swaps
				}
				fmt.Fprintf(out, "veil devnet: demo wallets sending %.0f encrypted tx/s to rollups %d and %d (every fifth a bundle to both)\n",
					rate, devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID)
				go func() {
					if err := traffic.Run(ctx); err != nil {
						logger.Error("demo traffic stopped", "err", err)
					}
				}()
			}
			if rotate > 0 {
				go rotateLoop(ctx, out, logger, d, rotate)
			}
			return statusLoop(ctx, out, d, traffic, posts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Dir, "dir", ".devnet", "directory for the network's state")
	f.BoolVar(&cfg.Reset, "reset", false, "delete the directory and start a new network")
	f.IntVar(&cfg.Validators, "validators", 4, "validators (and committee members) of a new network")
	f.StringVar(&cfg.APIAddr, "api", "127.0.0.1:26670", "wallet API listen address")
	f.DurationVar(&cfg.TimeoutCommit, "block-time", 300*time.Millisecond, "CometBFT timeout_commit of a new network")
	f.Float64Var(&rate, "demo-rate", 20, "demo transactions per second")
	f.BoolVar(&noDemo, "no-demo", false, "send no demo traffic")
	f.BoolVar(&noLedger, "no-rollups", false, "run no example token ledgers on the demo rollups")
	f.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	f.Int64Var(&rotate, "rotate-every", 400, "hand the committee over to a new eon every N blocks, through a DKG ceremony on chain among the members (veil dkg's protocol); 0: never")
	f.Uint64Var(&cfg.EscapeHatchBlocks, "escape-hatch-blocks", 0,
		"give a new network the time-lock escape hatch with this K (devnet parameters, T = 2^18); 0: none")
	f.StringVar(&l1.endpoint, "l1", devnet.L1Simulated, "L1 to settle on: simulated, none, or a JSON-RPC URL")
	f.StringVar(&l1.key, "l1-key", "", "file holding the hex private key that deploys and posts (required with an L1 URL)")
	f.StringVar(&l1.inbox, "inbox", "", "use this deployed BatchInbox (and its registry)")
	f.StringVar(&l1.registry, "registry", "", "deploy the inbox against this CommitteeRegistry")
	return cmd
}

// l1Flags are veil devnet's L1 flags.
type l1Flags struct{ endpoint, key, inbox, registry string }

// apply fills c from the flags, with onPosted called for each post.
func (f l1Flags) apply(c *devnet.L1Config, onPosted func(relayer.Posted)) error {
	c.Endpoint = f.endpoint
	if f.endpoint == devnet.L1None {
		return nil
	}
	if f.key != "" {
		k, err := crypto.LoadECDSA(f.key)
		if err != nil {
			return fmt.Errorf("--l1-key: %w", err)
		}
		c.Key = k
	}
	for _, a := range []struct {
		flag, v string
		to      *common.Address
	}{{"inbox", f.inbox, &c.Inbox}, {"registry", f.registry, &c.Registry}} {
		if a.v == "" {
			continue
		}
		if !common.IsHexAddress(a.v) {
			return fmt.Errorf("--%s %q is not an address", a.flag, a.v)
		}
		*a.to = common.HexToAddress(a.v)
	}
	c.OnPosted = onPosted
	return nil
}

// ledgerEvery is how often, in seconds, statusLoop prints the example
// ledgers' balances.
const ledgerEvery = 10

// statusLoop prints one status line a second, the example ledgers'
// balances every ledgerEvery seconds, and a line per L1 post, until ctx is
// done.
func statusLoop(ctx context.Context, out io.Writer, d *devnet.Devnet, traffic *devnet.Traffic, posts <-chan relayer.Posted) error {
	app := d.Network.Nodes[0].App()
	sub := app.Subscribe(1024)
	defer sub.Close()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var committed, window, ticks int
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-posts:
			fmt.Fprintf(out, "\r\033[KL1: heights %d..%d posted in L1 block %d, tx %s, gas %d\n", p.From, p.To, p.L1Block, p.Tx, p.GasUsed)
		case b, ok := <-sub.C():
			if !ok {
				sub = app.Subscribe(1024)
				continue
			}
			committed += len(b.Txs)
			window += len(b.Txs)
		case <-tick.C:
			height, _ := app.LastCommit()
			pending := d.Network.Nodes[0].Mempool().Size()
			undecrypted := 0
			for h := max(height-20, 1); h <= height; h++ {
				if hs, err := app.PendingDecryptions(h); err == nil {
					undecrypted += len(hs)
				}
			}
			var soft uint64
			if p := d.Pool(0); p != nil {
				soft = p.Stats().SoftTxs
			}
			// Firm: committed this session and no longer awaiting keys.
			firm := committed - undecrypted
			line := fmt.Sprintf("height %d | %d tx/s | committed %d | mempool %d | decrypted soft %d firm %d | awaiting keys (last 20 blocks) %d | up %s",
				height, window, committed, pending, soft, max(firm, 0), undecrypted, time.Since(start).Truncate(time.Second))
			if traffic != nil {
				line += fmt.Sprintf(" | demo sent %d, refused %d", traffic.Submitted(), traffic.Rejected())
			}
			if ticks++; d.Ledgers() != nil && ticks%ledgerEvery == 0 {
				for _, l := range d.Ledgers().Status() {
					fmt.Fprintf(out, "\r\033[K%s\n", l)
				}
			}
			fmt.Fprintf(out, "\r\033[K%s", line)
			window = 0
		}
	}
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, errors.New("--log-level: want debug, info, warn or error")
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
