package contracts

import (
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/veilseq/veil/contracts/bindings"
)

// DeployRegistry sends the creation of a CommitteeRegistry owned by owner
// and returns its address; the caller waits for the transaction.
func DeployRegistry(opts *bind.TransactOpts, backend bind.ContractBackend, owner common.Address) (common.Address, *types.Transaction, error) {
	return bind.DeployContract(opts, common.FromHex(bindings.CommitteeRegistryMetaData.Bin), backend,
		bindings.NewCommitteeRegistry().PackConstructor(owner))
}

// DeployInbox sends the creation of a BatchInbox for the sequencer chain
// chainID that takes eon keys from registry.
func DeployInbox(opts *bind.TransactOpts, backend bind.ContractBackend, registry common.Address, chainID string) (common.Address, *types.Transaction, error) {
	if len(chainID) == 0 || len(chainID) > MaxChainID {
		return common.Address{}, nil, fmt.Errorf("%w: chain id of %d bytes, must be 1..%d", ErrBadArgs, len(chainID), MaxChainID)
	}
	return bind.DeployContract(opts, common.FromHex(bindings.BatchInboxMetaData.Bin), backend,
		bindings.NewBatchInbox().PackConstructor(registry, []byte(chainID)))
}
