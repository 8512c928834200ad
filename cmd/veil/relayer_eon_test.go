package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
)

// autoCommit mines a block after each transaction.
type autoCommit struct {
	simulated.Client
	sim *simulated.Backend
}

func (a autoCommit) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := a.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	a.sim.Commit()
	return nil
}

// simulatedL1 runs a simulated Prague chain that mines each transaction,
// with the owner and stranger keys funded and a registry (the owner's)
// and an inbox for chainID deployed.
func simulatedL1(t *testing.T, chainID string) (l1 autoCommit, owner, stranger *ecdsa.PrivateKey, reg, inbox common.Address) {
	t.Helper()
	owner, _ = crypto.ToECDSA(append(make([]byte, 31), 1))
	stranger, _ = crypto.ToECDSA(append(make([]byte, 31), 2))
	alloc := types.GenesisAlloc{}
	for _, k := range []common.Address{crypto.PubkeyToAddress(owner.PublicKey), crypto.PubkeyToAddress(stranger.PublicKey)} {
		alloc[k] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 100)}
	}
	sim := simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = contracts.SimulatedChainConfig() })
	t.Cleanup(func() { _ = sim.Close() })
	l1 = autoCommit{Client: sim.Client(), sim: sim}
	opts := bind.NewKeyedTransactor(owner, contracts.SimulatedChainConfig().ChainID)
	reg, _, err := contracts.DeployRegistry(opts, l1, crypto.PubkeyToAddress(owner.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if inbox, _, err = contracts.DeployInbox(opts, l1, reg, chainID); err != nil {
		t.Fatal(err)
	}
	return l1, owner, stranger, reg, inbox
}

// register-eon reads a devnet genesis, derives the members from its
// keyholders, registers the eon once, and finds it registered the second
// time; a key that does not own the registry is refused.
func TestRegisterEonFromGenesis(t *testing.T) {
	dir := t.TempDir()
	if err := devnet.Create(devnet.Config{Dir: dir, Validators: 4}, nil); err != nil {
		t.Fatal(err)
	}
	genesis := filepath.Join(dir, "node0", "config", "genesis.json")
	args, err := eonFromGenesis(genesis, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cmttypes.GenesisDocFromFile(genesis)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ordering.ParseGenesis(doc.AppState)
	if err != nil {
		t.Fatal(err)
	}
	khs := make([]ed25519.PublicKey, len(g.Eon.Keyholders))
	for i, k := range g.Eon.Keyholders {
		khs[i] = ed25519.PublicKey(k)
	}
	want, _ := contracts.KeyholderAddresses(khs)
	if args.Eon != 1 || args.ActivationHeight != 1 || args.Threshold != 3 || len(args.Members) != 4 || args.Members[3] != want[3] {
		t.Fatalf("args %+v", args)
	}

	l1, owner, stranger, reg, inbox := simulatedL1(t, doc.ChainID)
	ctx := context.Background()

	// A stranger's registration reverts on chain.
	var out bytes.Buffer
	if err := registerEon(ctx, &out, l1, stranger, registerEonFlags{registry: reg.Hex()}, args); err == nil {
		t.Fatal("a stranger registered an eon")
	}
	// The owner registers, naming the registry through the inbox.
	if err := registerEon(ctx, &out, l1, owner, registerEonFlags{inbox: inbox.Hex()}, args); err != nil {
		t.Fatal(err)
	}
	if err := registerEon(ctx, &out, l1, owner, registerEonFlags{registry: reg.Hex()}, args); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "eon 1 registered on") || !strings.HasPrefix(lines[1], "eon 1 already registered") {
		t.Fatalf("output:\n%s", out.String())
	}
	abi := bindings.NewCommitteeRegistry()
	got, err := bind.Call(abi.Instance(l1, reg), nil, abi.PackGetEon(1), abi.UnpackGetEon)
	if err != nil || got.Threshold != 3 || got.Members[0] != want[0] {
		t.Fatalf("getEon %+v, %v", got, err)
	}
}

func TestParseAddresses(t *testing.T) {
	got, err := parseAddresses("0x0000000000000000000000000000000000000001, 0x0000000000000000000000000000000000000002")
	if err != nil || len(got) != 2 || got[1] != common.BytesToAddress([]byte{2}) {
		t.Fatalf("%v, %v", got, err)
	}
	if got, err := parseAddresses(""); got != nil || err != nil {
		t.Fatalf("empty: %v, %v", got, err)
	}
	if _, err := parseAddresses("0x0000000000000000000000000000000000000001,nope"); err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("bad entry: %v", err)
	}
}
