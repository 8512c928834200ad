package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

type registerEonFlags struct {
	l1, key, registry, inbox string
	genesis, node            string
	members                  string
}

func newRelayerRegisterEonCmd() *cobra.Command {
	var f registerEonFlags
	cmd := &cobra.Command{
		Use:   "register-eon",
		Short: "Register the chain's current eon on an L1 CommitteeRegistry",
		Long: `Registers an eon (id, activation height, threshold, member addresses, eon
key) on the CommitteeRegistry at --registry (or the one the BatchInbox at
--inbox uses), sent from the registry owner's key in --key. Does nothing
if the registry already holds the same eon, and fails if it holds another
record for it.

The eon comes from the chain's genesis file (--genesis, the genesis eon,
active from the chain's initial height) or from a running node (--node,
its GetEncryptionParams: the eon new envelopes are encrypted to, with its
activation height).

Member addresses are the committee members' L1 addresses in member order
(--members 0xA,0xB,...). Without --members, a genesis file's keyholder
keys give them: the last 20 bytes of keccak256 of each keyholder's
Ed25519 key (what veil devnet registers; nobody holds a key for these
addresses, and no contract function checks them).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRegisterEon(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.l1, "l1", "", "L1 JSON-RPC endpoint")
	fl.StringVar(&f.key, "key", "", "file holding the registry owner's hex private key")
	fl.StringVar(&f.registry, "registry", "", "CommitteeRegistry address")
	fl.StringVar(&f.inbox, "inbox", "", "BatchInbox address, to use its registry")
	fl.StringVar(&f.genesis, "genesis", "", "the chain's CometBFT genesis.json")
	fl.StringVar(&f.node, "node", "", "veil node API URL (e.g. http://127.0.0.1:26670)")
	fl.StringVar(&f.members, "members", "", "members' L1 addresses in member order, comma-separated")
	for _, name := range []string{"l1", "key"} {
		_ = cmd.MarkFlagRequired(name)
	}
	cmd.MarkFlagsOneRequired("registry", "inbox")
	cmd.MarkFlagsMutuallyExclusive("registry", "inbox")
	cmd.MarkFlagsOneRequired("genesis", "node")
	cmd.MarkFlagsMutuallyExclusive("genesis", "node")
	return cmd
}

func runRegisterEon(cmd *cobra.Command, f registerEonFlags) error {
	ctx := cmd.Context()
	members, err := parseAddresses(f.members)
	if err != nil {
		return err
	}
	var args contracts.EonArgs
	if f.genesis != "" {
		args, err = eonFromGenesis(f.genesis, members)
	} else {
		args, err = eonFromNode(ctx, f.node, members)
	}
	if err != nil {
		return err
	}
	l1, k, err := dialWithKey(ctx, f.l1, f.key)
	if err != nil {
		return err
	}
	defer l1.Close()
	return registerEon(ctx, cmd.OutOrStdout(), l1, k, f, args)
}

// dialWithKey loads the hex key in keyFile and dials the L1 at url.
func dialWithKey(ctx context.Context, url, keyFile string) (*ethclient.Client, *ecdsa.PrivateKey, error) {
	k, err := crypto.LoadECDSA(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("key: %w", err)
	}
	l1, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("l1: %w", err)
	}
	return l1, k, nil
}

// eonBackend is what register-eon needs of an L1 node.
type eonBackend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
}

// registerEon sends args to the registry f names from k, unless it holds
// them already, waits for the transaction and reports on out.
func registerEon(ctx context.Context, out io.Writer, l1 eonBackend, k *ecdsa.PrivateKey, f registerEonFlags, args contracts.EonArgs) error {
	registry, err := registryAddress(ctx, l1, f)
	if err != nil {
		return err
	}
	id, err := l1.ChainID(ctx)
	if err != nil {
		return err
	}
	opts := bind.NewKeyedTransactor(k, id)
	opts.Context = ctx
	tx, err := contracts.EnsureEon(ctx, opts, l1, registry, args)
	if err != nil {
		return err
	}
	if tx == nil {
		fmt.Fprintf(out, "eon %d already registered on %s\n", args.Eon, registry)
		return nil
	}
	r, err := bind.WaitMined(ctx, l1, tx.Hash())
	if err != nil {
		return err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return fmt.Errorf("registerEon transaction %s reverted (is %s the registry's owner?)", tx.Hash(), crypto.PubkeyToAddress(k.PublicKey))
	}
	fmt.Fprintf(out, "eon %d registered on %s: threshold %d of %d, from height %d, tx %s, gas %d\n",
		args.Eon, registry, args.Threshold, len(args.Members), args.ActivationHeight, tx.Hash(), r.GasUsed)
	return nil
}

// parseAddresses parses a comma-separated address list; "" gives nil.
func parseAddresses(s string) ([]common.Address, error) {
	if s == "" {
		return nil, nil
	}
	var out []common.Address
	for i, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		if !common.IsHexAddress(a) {
			return nil, fmt.Errorf("--members: entry %d (%q) is not an address", i+1, a)
		}
		out = append(out, common.HexToAddress(a))
	}
	return out, nil
}

// eonFromGenesis is the registration of a genesis file's eon; members
// default to its keyholders' derived addresses.
func eonFromGenesis(path string, members []common.Address) (contracts.EonArgs, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("--genesis: %w", err)
	}
	g, err := ordering.ParseGenesis(doc.AppState)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("--genesis %s: %w", path, err)
	}
	pk, err := threshold.ParseEonPublicKey(g.Eon.PublicKey)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("--genesis %s: eon key: %w", path, err)
	}
	if members == nil {
		if len(g.Eon.Keyholders) == 0 {
			return contracts.EonArgs{}, errors.New("the genesis eon lists no keyholders: give the members' addresses with --members")
		}
		khs := make([]ed25519.PublicKey, len(g.Eon.Keyholders))
		for i, k := range g.Eon.Keyholders {
			khs[i] = ed25519.PublicKey(k)
		}
		if members, err = contracts.KeyholderAddresses(khs); err != nil {
			return contracts.EonArgs{}, err
		}
	}
	return contracts.NewEonArgs(pk, uint64(max(doc.InitialHeight, 1)), members)
}

// eonFromNode is the registration of the eon a node's wallets encrypt to.
func eonFromNode(ctx context.Context, url string, members []common.Address) (contracts.EonArgs, error) {
	if members == nil {
		return contracts.EonArgs{}, errors.New("--node gives no member addresses: list them with --members")
	}
	c, err := client.Dial(url)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("--node: %w", err)
	}
	p, err := c.Params(ctx)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("--node %s: %w", url, err)
	}
	return contracts.NewEonArgs(p.EonKey, max(p.Eon.ActivationHeight, 1), members)
}

// registryAddress is --registry, or the registry of the inbox at --inbox.
func registryAddress(ctx context.Context, l1 bind.ContractBackend, f registerEonFlags) (common.Address, error) {
	if f.registry != "" {
		if !common.IsHexAddress(f.registry) {
			return common.Address{}, fmt.Errorf("--registry %q is not an address", f.registry)
		}
		return common.HexToAddress(f.registry), nil
	}
	if !common.IsHexAddress(f.inbox) {
		return common.Address{}, fmt.Errorf("--inbox %q is not an address", f.inbox)
	}
	abi := bindings.NewBatchInbox()
	reg, err := bind.Call(abi.Instance(l1, common.HexToAddress(f.inbox)), &bind.CallOpts{Context: ctx}, abi.PackRegistry(), abi.UnpackRegistry)
	if err != nil {
		return common.Address{}, fmt.Errorf("--inbox %s: %w", f.inbox, err)
	}
	return reg, nil
}
