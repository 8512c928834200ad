package relayer

import (
	"context"
	"fmt"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/rollupfeed/feed"
	"github.com/veilseq/veil/threshold"
)

// maxList is the most signed roots one ListSignedRoots call returns.
const maxList = 1024

// ClientSource follows the committee-signed batch roots a veil node
// serves (RollupFeedService.ListSignedRoots): what `veil relayer --node`
// posts. It trusts the node for nothing the inbox does not check again:
// a root or signature the node made up fails the inbox's pairing check
// and the relayer stops with ErrRejected.
type ClientSource struct{ c *client.Client }

var _ Source = (*ClientSource)(nil)

// NewClientSource returns a source over c.
func NewClientSource(c *client.Client) *ClientSource { return &ClientSource{c: c} }

// Next implements Source.
func (s *ClientSource) Next(ctx context.Context, after uint64, max int) ([]Batch, error) {
	roots, err := s.c.ListSignedRoots(ctx, int64(after)+1, min(max, maxList))
	if err != nil {
		return nil, err
	}
	out := make([]Batch, len(roots))
	for i, r := range roots {
		out[i] = Batch{Height: uint64(r.Height), Root: r.Root, Eon: r.Eon, Signature: r.Signature}
	}
	return out, nil
}

// SignedRoots is what FeedSource reads; *feed.Feed implements it.
type SignedRoots interface {
	SignedRoots(from int64, limit int) ([]feed.SignedRoot, error)
}

var _ SignedRoots = (*feed.Feed)(nil)

// FeedSource reads the signed roots of a node's rollup feed in the same
// process (a devnet, or a relayer embedded in a node).
type FeedSource struct{ f SignedRoots }

var _ Source = (*FeedSource)(nil)

// NewFeedSource returns a source over a node's feed.
func NewFeedSource(f SignedRoots) *FeedSource { return &FeedSource{f: f} }

// Next implements Source.
func (s *FeedSource) Next(_ context.Context, after uint64, max int) ([]Batch, error) {
	roots, err := s.f.SignedRoots(int64(after)+1, min(max, maxList))
	if err != nil {
		return nil, err
	}
	out := make([]Batch, len(roots))
	for i, r := range roots {
		sig, err := threshold.ParseSignature(r.Signature)
		if err != nil {
			return nil, fmt.Errorf("relayer: signature of height %d: %w", r.Height, err)
		}
		out[i] = Batch{Height: uint64(r.Height), Root: r.Root, Eon: r.Eon, Signature: sig}
	}
	return out, nil
}
