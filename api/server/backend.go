package server

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
)

// Backend is what the server needs from a node. The node implements it;
// the server owns everything that is about the API rather than the chain
// (parsing, limits, error codes).
//
// Errors: return (wrapped) mempool sentinels for admission failures and
// api.ErrNotFound for an unknown transaction or block; the server maps them
// to Connect codes and shows their message to the client, so messages must
// say what to fix and must not contain secrets. Any other error is logged
// and reported as an internal error without its text.
//
// Methods are called concurrently and must honour ctx.
type Backend interface {
	// Params returns the encryption parameters of the latest committed
	// state.
	Params(ctx context.Context) (api.Params, error)

	// Account returns addr's balance and nonces. An address the chain has
	// never seen is an empty account, not an error.
	Account(ctx context.Context, addr common.Address) (api.Account, error)

	// Submit runs admission on an encoded envelope and, if it passes, adds
	// it to the mempool and returns its transaction hash. The server has
	// already checked that the bytes decode (mempool.Decode); the backend
	// does everything else.
	Submit(ctx context.Context, envelope []byte) (common.Hash, error)

	// TxStatus returns the current status of the transaction, or
	// api.ErrNotFound if the node does not know it.
	TxStatus(ctx context.Context, hash common.Hash) (api.TxStatus, error)

	// WatchTx subscribes to changes of the transaction's status, including
	// its first appearance if the node does not know it yet. The returned
	// channel receives a value after every change; the server then reads
	// the status with TxStatus, so the backend may coalesce notifications
	// (send without blocking on a channel with a buffer of one) and may
	// notify spuriously. The backend stops notifying and may close the
	// channel once ctx is done; closing it earlier ends the watch.
	//
	// The server subscribes before it reads the current status, so a
	// change between the two is never missed.
	WatchTx(ctx context.Context, hash common.Hash) (<-chan struct{}, error)

	// Block returns the committed block at height, or the latest committed
	// block when height is 0, or api.ErrNotFound.
	Block(ctx context.Context, height uint64) (api.Block, error)
}
