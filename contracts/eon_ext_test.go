package contracts_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/threshold"
)

// EnsureEon registers an eon once; asked again with the same record it
// sends nothing, and asked with another record for a registered eon (or
// for an eon below the latest) it fails with ErrEonMismatch.
func TestEnsureEon(t *testing.T) {
	c := newChain(t)
	ctx := context.Background()
	cm := dealCommittee(t, 2, 1)
	args := must(contracts.NewEonArgs(cm.pk, 5, members(4)))
	ensure := func(a contracts.EonArgs) (*types.Transaction, error) {
		return contracts.EnsureEon(ctx, c.opts(c.owner), c.client, c.registry.Address(), a)
	}
	tx, err := ensure(args)
	if err != nil || tx == nil {
		t.Fatalf("first EnsureEon: %v, %v", tx, err)
	}
	c.backend.Commit()
	if r, err := c.client.TransactionReceipt(ctx, tx.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("registerEon: %v, %v", r, err)
	}
	if tx, err := ensure(args); err != nil || tx != nil {
		t.Fatalf("EnsureEon of a registered eon: %v, %v", tx, err)
	}
	other := must(contracts.NewEonArgs(dealCommittee(t, 2, 9).pk, 5, members(4)))
	later := args
	later.ActivationHeight = 6
	lower := must(contracts.NewEonArgs(dealCommittee(t, 1, 1).pk, 1, members(4)))
	for name, a := range map[string]contracts.EonArgs{"other key": other, "other activation": later, "below the latest": lower} {
		if _, err := ensure(a); !errors.Is(err, contracts.ErrEonMismatch) {
			t.Errorf("%s: %v, want ErrEonMismatch", name, err)
		}
	}
	// Only the owner registers.
	next := must(contracts.NewEonArgs(dealCommittee(t, 3, 1).pk, 50, members(4)))
	if _, err := contracts.EnsureEon(ctx, c.opts(c.stranger), c.client, c.registry.Address(), next); err == nil {
		c.backend.Commit()
		if n, _ := bind.Call(c.registry, nil, c.regABI.PackEonCount(), c.regABI.UnpackEonCount); n != 1 {
			t.Fatal("a stranger registered an eon")
		}
	}
}

func TestKeyholderAddresses(t *testing.T) {
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
	got, err := contracts.KeyholderAddresses([]ed25519.PublicKey{pub})
	if err != nil || got[0] != common.BytesToAddress(crypto.Keccak256(pub)[12:]) {
		t.Fatalf("KeyholderAddresses = %v, %v", got, err)
	}
	if _, err := contracts.KeyholderAddresses([]ed25519.PublicKey{pub[:31]}); !errors.Is(err, contracts.ErrBadArgs) {
		t.Fatalf("short key: %v", err)
	}
}

func ExampleKeyholderAddresses() {
	seed := make([]byte, ed25519.SeedSize)
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	addrs, err := contracts.KeyholderAddresses([]ed25519.PublicKey{pub})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(addrs), addrs[0] != common.Address{})
	// Output: 1 true
}

// ExampleEnsureEon deploys a registry on a simulated chain and registers
// an eon on it, twice: the second call finds it registered.
func ExampleEnsureEon() {
	ctx := context.Background()
	owner, _ := crypto.ToECDSA(append(make([]byte, 31), 1))
	from := crypto.PubkeyToAddress(owner.PublicKey)
	sim := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}},
		func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = contracts.SimulatedChainConfig() })
	defer sim.Close()
	l1 := sim.Client()
	opts := bind.NewKeyedTransactor(owner, contracts.SimulatedChainConfig().ChainID)
	registry, _, err := contracts.DeployRegistry(opts, l1, from)
	if err != nil {
		panic(err)
	}
	sim.Commit()

	pk, _, err := threshold.DealKeys(rand.NewChaCha8([32]byte{}), 1, 2, 3)
	if err != nil {
		panic(err)
	}
	args, err := contracts.NewEonArgs(pk, 1, []common.Address{{1}, {2}, {3}})
	if err != nil {
		panic(err)
	}
	for range 2 {
		tx, err := contracts.EnsureEon(ctx, opts, l1, registry, args)
		if err != nil {
			panic(err)
		}
		sim.Commit()
		fmt.Println("sent registerEon:", tx != nil)
	}
	// Output:
	// sent registerEon: true
	// sent registerEon: false
}
