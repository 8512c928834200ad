package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/rpcproxy"
)

func init() { subcommands = append(subcommands, newRPCProxyCmd) }

func newRPCProxyCmd() *cobra.Command {
	var (
		cfg                       rpcproxy.Config
		listen, keyFile, logLevel string
		rollups                   []string
	)
	cmd := &cobra.Command{
		Use:   "rpc-proxy",
		Short: "Serve Ethereum JSON-RPC that encrypts transactions into veil",
		Long: `rpc-proxy lets an unmodified Ethereum wallet (MetaMask, Rabby, cast, ethers,
go-ethereum) submit through veil: point the wallet's RPC URL at
http://LISTEN/ROLLUP_ID. eth_sendRawTransaction's signed transaction is
encrypted here, on your side, into an envelope for that rollup and submitted
to the veil node; the wallet gets the transaction's own hash back. Every
other method goes to the rollup's own RPC. veil_getStatus(txHash) and
veil_sendBundle([raw, ...]) (one transaction per rollup, all-or-nothing)
are veil's additions.

Run it where you trust the machine: it sees your transactions in the clear
before they are encrypted. The envelopes are signed by --key, whose veil
account pays their fees.`,
		Example: `  veil rpc-proxy --node http://127.0.0.1:26670 --key wallet.key \
    --rollup 1001:31337=http://127.0.0.1:8546 --rollup 1002=http://127.0.0.1:8547`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			if cfg.Key, err = client.LoadKey(keyFile); err != nil {
				return err
			}
			for _, r := range rollups {
				parsed, err := parseRollupFlag(r)
				if err != nil {
					return err
				}
				cfg.Rollups = append(cfg.Rollups, parsed)
			}
			cfg.Logger = logger
			p, err := rpcproxy.New(cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
				fmt.Fprintf(cmd.ErrOrStderr(), "\nWARNING: rpc-proxy is listening on %s, not loopback.\n"+
					"Anyone who can reach it sees transactions in the clear before they are encrypted,\n"+
					"and spends the fees of %s. Bind it to 127.0.0.1 unless you mean this.\n\n",
					ln.Addr(), client.Address(cfg.Key))
			}
			w := cmd.OutOrStdout()
			for _, r := range cfg.Rollups {
				fmt.Fprintf(w, "veil rpc-proxy: rollup %d (chain id %d) at http://%s/%d → upstream %s\n", r.ID, max(r.ChainID, r.ID), ln.Addr(), r.ID, r.Upstream)
			}
			srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	node := os.Getenv("VEIL_NODE")
	if node == "" {
		node = defaultNode
	}
	f.StringVar(&cfg.Sequencer, "node", node, "veil node's wallet API URL; $VEIL_NODE sets the default")
	f.StringVar(&keyFile, "key", "", "key file that signs envelopes and pays their fees (required)")
	f.StringArrayVar(&rollups, "rollup", nil, "a rollup to serve: ID[:CHAINID]=RPC_URL (repeatable; chain id defaults to ID)")
	f.StringVar(&listen, "listen", "127.0.0.1:8545", "listen address (loopback unless you mean otherwise)")
	f.Uint64Var(&cfg.Fee, "fee", 0, "fee per envelope (default: the chain's minimum)")
	f.StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	_ = cmd.MarkFlagRequired("key")
	_ = cmd.MarkFlagRequired("rollup")
	return cmd
}

// parseRollupFlag reads ID[:CHAINID]=URL.
func parseRollupFlag(s string) (rpcproxy.Rollup, error) {
	ids, url, ok := strings.Cut(s, "=")
	if !ok || url == "" {
		return rpcproxy.Rollup{}, fmt.Errorf("--rollup %q: want ID[:CHAINID]=RPC_URL", s)
	}
	idStr, chainStr, hasChain := strings.Cut(ids, ":")
	id, err := strconv.ParseUint(idStr, 10, 64)
	if err != nil {
		return rpcproxy.Rollup{}, fmt.Errorf("--rollup %q: rollup id: %v", s, err)
	}
	r := rpcproxy.Rollup{ID: id, Upstream: url}
	if hasChain {
		if r.ChainID, err = strconv.ParseUint(chainStr, 10, 64); err != nil {
			return rpcproxy.Rollup{}, fmt.Errorf("--rollup %q: chain id: %v", s, err)
		}
	}
	return r, nil
}
