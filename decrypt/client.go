package decrypt

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"strconv"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
)

// Client is a Sink that submits a keyholder's releases to a node's
// KeyholderService, signed with the member's keyholder key.
type Client struct {
	c       veilv1connect.KeyholderServiceClient
	key     ed25519.PrivateKey
	chainID string
}

var (
	_ Sink          = (*Client)(nil)
	_ SignatureSink = (*Client)(nil)
)

// NewClient returns a client of the node at baseURL (for example
// http://127.0.0.1:26670). httpClient may be nil for http.DefaultClient.
func NewClient(baseURL, chainID string, key ed25519.PrivateKey, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{c: veilv1connect.NewKeyholderServiceClient(httpClient, baseURL), key: key, chainID: chainID}
}

// SubmitKeyShares implements Sink.
func (c *Client) SubmitKeyShares(ctx context.Context, r *Release) error {
	shares, sig, err := SignRelease(c.key, c.chainID, r)
	if err != nil {
		return err
	}
	_, err = c.c.SubmitKeyShares(ctx, connect.NewRequest(&veilv1.SubmitKeySharesRequest{
		Eon: r.Eon, Height: uint64(r.Height), Member: uint32(r.Member), Shares: shares, Signature: sig,
	}))
	return err
}

// SubmitBatchSignatures implements SignatureSink.
func (c *Client) SubmitBatchSignatures(ctx context.Context, s *RootSignatures) (int64, error) {
	entries, sig, err := SignRootSignatures(c.key, c.chainID, s)
	if err != nil {
		return 0, err
	}
	req := &veilv1.SubmitBatchSignaturesRequest{Eon: s.Eon, Member: uint32(s.Member), Signature: sig,
		Entries: make([]*veilv1.BatchSignatureShare, len(entries))}
	for i, e := range entries {
		req.Entries[i] = &veilv1.BatchSignatureShare{Height: e.Height, BatchRoot: e.Root, PartialSignature: e.Partial}
	}
	resp, err := c.c.SubmitBatchSignatures(ctx, connect.NewRequest(req))
	if err != nil {
		var tip int64
		if ce := new(connect.Error); errors.As(err, &ce) {
			tip, _ = strconv.ParseInt(ce.Meta().Get(api.SignedTipKey), 10, 64)
		}
		return max(tip, 0), err
	}
	return resp.Msg.GetSignedTip(), nil
}
