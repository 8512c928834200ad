package client

import (
	"context"
	"fmt"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/internal/convert"
)

// PendingEnvelopes returns the envelopes of the committed block at height
// whose decryption keys are not recorded yet, in block order (what a
// keyholder releases shares for). A height the node has not committed is
// an error matching api.ErrNotFound. The envelopes are as the node sent
// them: decode them and check their hashes before trusting them.
func (c *Client) PendingEnvelopes(ctx context.Context, height uint64) (api.PendingBlock, error) {
	res, err := c.rpc.GetPendingEnvelopes(ctx, connect.NewRequest(&veilv1.GetPendingEnvelopesRequest{Height: height}))
	if err != nil {
		return api.PendingBlock{}, convert.FromConnect(err)
	}
	m := res.Msg
	out := api.PendingBlock{Height: m.GetHeight(), LatestHeight: m.GetLatestHeight(), SignedHeader: m.GetSignedHeader(),
		Envelopes: make([]api.PendingEnvelope, len(m.GetEnvelopes()))}
	if out.Height != height {
		return api.PendingBlock{}, fmt.Errorf("client: asked for block %d, the node answered block %d", height, out.Height)
	}
	for i, e := range m.GetEnvelopes() {
		h, err := api.ParseHash(e.GetTxHash())
		if err != nil {
			return api.PendingBlock{}, fmt.Errorf("client: node's answer: envelope %d: %w", i, err)
		}
		out.Envelopes[i] = api.PendingEnvelope{Hash: h, Index: e.GetIndex(), Envelope: e.GetEnvelope(), TxProof: e.GetTxProof()}
	}
	return out, nil
}
