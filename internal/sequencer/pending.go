package sequencer

import (
	"context"
	"fmt"

	"github.com/cometbft/cometbft/crypto/merkle"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
)

var _ server.PendingBackend = (*Backend)(nil)

// PendingEnvelopes implements server.PendingBackend from the committed
// state's table of envelopes awaiting keys, with the block's signed header
// and each envelope's Merkle proof from the block store, so a keyholder
// can check the block is committed without trusting this node.
func (b *Backend) PendingEnvelopes(_ context.Context, height uint64) (api.PendingBlock, error) {
	last, _ := b.cfg.App.LastCommit()
	if height > uint64(last) {
		return api.PendingBlock{}, fmt.Errorf("%w: block %d is not committed yet (latest %d)", api.ErrNotFound, height, last)
	}
	txs, err := b.cfg.App.PendingEnvelopes(int64(height))
	if err != nil {
		return api.PendingBlock{}, b.internal("pending envelopes", err)
	}
	out := api.PendingBlock{Height: height, LatestHeight: uint64(last), Envelopes: make([]api.PendingEnvelope, len(txs))}
	for i, tx := range txs {
		out.Envelopes[i] = api.PendingEnvelope{Hash: tx.Hash, Index: tx.Index, Envelope: tx.Envelope.Encode()}
	}
	if len(txs) == 0 {
		return out, nil
	}
	// The proofs are best effort: a pruned block store serves the
	// envelopes without them, and a keyholder that checks refuses them.
	if err := b.provePending(int64(height), &out); err != nil {
		b.cfg.Logger.Warn("pending envelopes served without proofs", "height", height, "err", err)
		out.SignedHeader = nil
		for i := range out.Envelopes {
			out.Envelopes[i].TxProof = nil
		}
	}
	return out, nil
}

// provePending adds the block's signed header and each envelope's proof.
func (b *Backend) provePending(height int64, out *api.PendingBlock) error {
	bs := b.cfg.BlockStore
	blk, _ := bs.LoadBlock(height)
	if blk == nil {
		return fmt.Errorf("block %d not in the block store", height)
	}
	commit := bs.LoadBlockCommit(height)
	if commit == nil {
		commit = bs.LoadSeenCommit(height)
	}
	if commit == nil {
		return fmt.Errorf("no commit for block %d", height)
	}
	sh := cmttypes.SignedHeader{Header: &blk.Header, Commit: commit}
	raw, err := sh.ToProto().Marshal()
	if err != nil {
		return err
	}
	// One tree for all proofs (Txs.Proof would rebuild it per envelope).
	leaves := make([][]byte, len(blk.Txs))
	pos := make(map[[32]byte]int, len(blk.Txs))
	for i, tx := range blk.Txs {
		leaves[i] = tx.Hash()
		pos[crypto.Keccak256Hash(tx)] = i
	}
	root, proofs := merkle.ProofsFromByteSlices(leaves)
	for i, e := range out.Envelopes {
		j, ok := pos[e.Hash]
		if !ok {
			return fmt.Errorf("envelope %s not among block %d's transactions", api.FormatHash(e.Hash), height)
		}
		p := cmttypes.TxProof{RootHash: root, Data: blk.Txs[j], Proof: *proofs[j]}.ToProto()
		if out.Envelopes[i].TxProof, err = p.Marshal(); err != nil {
			return err
		}
	}
	out.SignedHeader = raw
	return nil
}
