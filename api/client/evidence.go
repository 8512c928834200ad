package client

import (
	"context"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/internal/convert"
)

// KeyholderEvidence returns the committee members' key share submissions
// that failed verification on the node, oldest first (the most recent
// 1,000 at most).
func (c *Client) KeyholderEvidence(ctx context.Context) ([]api.KeyholderEvidence, error) {
	res, err := c.rpc.GetKeyholderEvidence(ctx, connect.NewRequest(&veilv1.GetKeyholderEvidenceRequest{}))
	if err != nil {
		return nil, convert.FromConnect(err)
	}
	out := make([]api.KeyholderEvidence, len(res.Msg.GetEvidence()))
	for i, e := range res.Msg.GetEvidence() {
		out[i] = api.KeyholderEvidence{Eon: e.GetEon(), Height: e.GetHeight(), Member: e.GetMember(), Reason: e.GetReason()}
	}
	return out, nil
}
