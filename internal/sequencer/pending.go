package sequencer

import (
	"context"
	"fmt"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
)

var _ server.PendingBackend = (*Backend)(nil)

// PendingEnvelopes implements server.PendingBackend from the committed
// state's table of envelopes awaiting keys.
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
	return out, nil
}
