package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/contracts/bindings"
)

type posterFlags struct {
	l1, key, inbox, poster string
	remove                 bool
}

func newRelayerPosterCmd() *cobra.Command {
	var f posterFlags
	cmd := &cobra.Command{
		Use:   "poster",
		Short: "Add a relayer to (or remove it from) a BatchInbox's poster allowlist",
		Long: `Adds --poster to the poster allowlist of the BatchInbox at --inbox, or
removes it with --remove, sent from the key in --key, which must own the
inbox's CommitteeRegistry.

While the allowlist is empty anyone may post, and so anyone holding the
committee's signature on a later height can make the heights before it
unpostable (heights only increase). Once it names a relayer, only listed
relayers post. Removing the last one makes posting permissionless again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l1, k, err := dialWithKey(cmd.Context(), f.l1, f.key)
			if err != nil {
				return err
			}
			defer l1.Close()
			return setPoster(cmd.Context(), cmd.OutOrStdout(), l1, k, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.l1, "l1", "", "L1 JSON-RPC endpoint")
	fl.StringVar(&f.key, "key", "", "file holding the registry owner's hex private key")
	fl.StringVar(&f.inbox, "inbox", "", "BatchInbox address")
	fl.StringVar(&f.poster, "poster", "", "the relayer's address")
	fl.BoolVar(&f.remove, "remove", false, "remove the poster instead of adding it")
	for _, name := range []string{"l1", "key", "inbox", "poster"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// setPoster adds f.poster to the inbox's allowlist, or removes it, and
// reports the allowlist's size after.
func setPoster(ctx context.Context, out io.Writer, l1 eonBackend, k *ecdsa.PrivateKey, f posterFlags) error {
	for name, v := range map[string]string{"--inbox": f.inbox, "--poster": f.poster} {
		if !common.IsHexAddress(v) {
			return fmt.Errorf("%s %q is not an address", name, v)
		}
	}
	abi := bindings.NewBatchInbox()
	inbox := abi.Instance(l1, common.HexToAddress(f.inbox))
	poster := common.HexToAddress(f.poster)
	data, verb := abi.PackAddPoster(poster), "added to"
	if f.remove {
		data, verb = abi.PackRemovePoster(poster), "removed from"
	}
	id, err := l1.ChainID(ctx)
	if err != nil {
		return err
	}
	opts := bind.NewKeyedTransactor(k, id)
	opts.Context = ctx
	// Transact estimates gas first, so a refused call (not the owner, a
	// poster already listed or not listed) fails here with its reason.
	tx, err := bind.Transact(inbox, opts, data)
	if err != nil {
		return err
	}
	r, err := bind.WaitMined(ctx, l1, tx.Hash())
	if err != nil {
		return err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return fmt.Errorf("transaction %s reverted", tx.Hash())
	}
	n, err := bind.Call(inbox, &bind.CallOpts{Context: ctx}, abi.PackPosterCount(), abi.UnpackPosterCount)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s the poster allowlist of %s (%d listed; %s), tx %s\n", poster, verb, f.inbox, n, postingMode(n), tx.Hash())
	return nil
}

func postingMode(listed uint64) string {
	if listed == 0 {
		return "anyone may post"
	}
	return "only listed posters post"
}
