package contracts

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/veilseq/veil/contracts/bindings"
)

// ErrEonMismatch reports a registry that already holds an eon under
// another key, threshold or activation height than the one asked for.
var ErrEonMismatch = errors.New("contracts: registry holds another record for the eon")

// KeyholderAddresses returns registry member addresses for a committee
// whose members have no L1 accounts, as on a devnet: member i's address
// is the last 20 bytes of keccak256 of its keyholder's Ed25519 public key
// (genesis eon.keyholders), as an Ethereum address is of a secp256k1 key.
// Nobody holds a key for these addresses; they name the members, which is
// all the contracts use member addresses for (no function checks them).
func KeyholderAddresses(keyholders []ed25519.PublicKey) ([]common.Address, error) {
	out := make([]common.Address, len(keyholders))
	for i, k := range keyholders {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: keyholder %d key of %d bytes", ErrBadArgs, i+1, len(k))
		}
		out[i] = common.BytesToAddress(crypto.Keccak256(k)[12:])
	}
	return out, nil
}

// EnsureEon registers args on the registry at registry unless it already
// holds the eon. It returns the registerEon transaction it sent (the
// caller waits for it), or nil when the registry already holds the eon
// with args' key, threshold and activation height; ErrEonMismatch when it
// holds the eon otherwise. opts must be the registry owner's.
func EnsureEon(ctx context.Context, opts *bind.TransactOpts, backend bind.ContractBackend, registry common.Address, args EonArgs) (*types.Transaction, error) {
	abi := bindings.NewCommitteeRegistry()
	reg := abi.Instance(backend, registry)
	count, err := bind.Call(reg, &bind.CallOpts{Context: ctx}, abi.PackEonCount(), abi.UnpackEonCount)
	if err != nil {
		return nil, fmt.Errorf("contracts: registry %s: %w", registry, err)
	}
	if count > 0 {
		latest, err := bind.Call(reg, &bind.CallOpts{Context: ctx}, abi.PackLatestEon(), abi.UnpackLatestEon)
		if err != nil {
			return nil, fmt.Errorf("contracts: registry %s: %w", registry, err)
		}
		if latest >= args.Eon {
			got, err := bind.Call(reg, &bind.CallOpts{Context: ctx}, abi.PackGetEon(args.Eon), abi.UnpackGetEon)
			if err != nil {
				return nil, fmt.Errorf("%w: eon %d is not registered and eon %d already is, so it cannot be: %v", ErrEonMismatch, args.Eon, latest, err)
			}
			if !bytes.Equal(got.PublicKey, args.PublicKey) || got.Threshold != args.Threshold || got.ActivationHeight != args.ActivationHeight {
				return nil, fmt.Errorf("%w: eon %d (threshold %d from height %d, another key or not)", ErrEonMismatch, args.Eon, got.Threshold, got.ActivationHeight)
			}
			return nil, nil
		}
	}
	return bind.Transact(reg, opts, args.Pack())
}

// SimulatedChainConfig is the chain go-ethereum's simulated backend
// should run for the contracts: the dev chain at the Prague fork, the
// contracts' target (solc evmVersion prague) and the first fork with the
// EIP-2537 precompiles. The backend's default enables later forks too,
// which reprice precompiles and storage; BENCHMARKS.md's gas is Prague's.
func SimulatedChainConfig() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.OsakaTime = nil
	c.BogotaTime = nil
	c.BlobScheduleConfig = &params.BlobScheduleConfig{
		Cancun: params.DefaultCancunBlobConfig,
		Prague: params.DefaultPragueBlobConfig,
	}
	return &c
}
