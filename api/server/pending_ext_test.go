package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/apitest"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/internal/memhttp"
	"github.com/veilseq/veil/api/server"
)

// pendingBackend serves GetPendingEnvelopes from a fixed chain of three
// committed blocks where block 2 holds two envelopes awaiting keys.
type pendingBackend struct{ *apitest.Backend }

func (pendingBackend) PendingEnvelopes(_ context.Context, height uint64) (api.PendingBlock, error) {
	const latest = 3
	if height > latest {
		return api.PendingBlock{}, fmt.Errorf("%w: block %d is not committed yet", api.ErrNotFound, height)
	}
	b := api.PendingBlock{Height: height, LatestHeight: latest}
	if height == 2 {
		b.Envelopes = []api.PendingEnvelope{
			{Hash: common.Hash{1}, Index: 0, Envelope: []byte("first"), TxProof: []byte("proof 1")},
			{Hash: common.Hash{2}, Index: 3, Envelope: []byte("second"), TxProof: []byte("proof 2")},
		}
		b.SignedHeader = []byte("header")
	}
	return b, nil
}

func (pendingBackend) KeyholderEvidence(context.Context) ([]api.KeyholderEvidence, error) {
	return []api.KeyholderEvidence{{Eon: 1, Height: 2, Member: 3, Reason: "bad shares"}}, nil
}

// TestGetPendingEnvelopes also covers GetKeyholderEvidence, the other
// optional method for committee operators.
func TestGetPendingEnvelopes(t *testing.T) {
	dial := func(t *testing.T, be server.Backend) *client.Client {
		s, err := server.New(be, unlimited())
		if err != nil {
			t.Fatal(err)
		}
		mem := memhttp.New(t, s.Handler())
		c, err := client.Dial(mem.URL(), client.WithHTTPClient(mem.Client()))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	c := dial(t, pendingBackend{apitest.New(testParams())})
	b, err := c.PendingEnvelopes(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b.Height != 2 || b.LatestHeight != 3 || len(b.Envelopes) != 2 || b.Envelopes[1].Hash != (common.Hash{2}) ||
		b.Envelopes[1].Index != 3 || !bytes.Equal(b.Envelopes[1].Envelope, []byte("second")) ||
		string(b.SignedHeader) != "header" || string(b.Envelopes[1].TxProof) != "proof 2" {
		t.Fatalf("got %+v", b)
	}
	if b, err := c.PendingEnvelopes(ctx, 1); err != nil || len(b.Envelopes) != 0 {
		t.Fatalf("block 1: %+v, %v", b, err)
	}
	if _, err := c.PendingEnvelopes(ctx, 4); !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("uncommitted block: %v", err)
	}
	if _, err := c.PendingEnvelopes(ctx, 0); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("height 0: %v", err)
	}
	ev, err := c.KeyholderEvidence(ctx)
	if err != nil || len(ev) != 1 || ev[0] != (api.KeyholderEvidence{Eon: 1, Height: 2, Member: 3, Reason: "bad shares"}) {
		t.Fatalf("evidence %+v, %v", ev, err)
	}
	// A backend that does not serve them says so.
	plain := dial(t, apitest.New(testParams()))
	if _, err := plain.PendingEnvelopes(ctx, 1); connect.CodeOf(err) != connect.CodeUnimplemented {
		t.Fatalf("plain backend: %v", err)
	}
	if _, err := plain.KeyholderEvidence(ctx); connect.CodeOf(err) != connect.CodeUnimplemented {
		t.Fatalf("plain backend: %v", err)
	}
}
