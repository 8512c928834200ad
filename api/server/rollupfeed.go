package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/rollupfeed/feed"
)

// RollupFeedBackend is what the server needs to serve RollupFeedService;
// *feed.Feed implements it. Errors are the feed package's sentinels.
type RollupFeedBackend interface {
	Subscribe(rollup uint64, from int64, level feed.Level) (*feed.Subscription, error)
	Batch(level feed.Level, rollup uint64, height int64) (*rollupfeed.Batch, common.Hash, error)
	Bundle(id common.Hash) (*feed.BundleInfo, error)
	// Signature returns a height's committee signature, or an error
	// wrapping feed.ErrNoSignature.
	Signature(height int64) (*feed.SignedRoot, error)
	SignedRoots(from int64, limit int) ([]feed.SignedRoot, error)
	FirmEvidenceBackend
}

var _ RollupFeedBackend = (*feed.Feed)(nil)

// ResumeHeightKey is the trailer a RESOURCE_EXHAUSTED SubscribeBatches
// error carries: the height to subscribe again from.
const ResumeHeightKey = "veil-resume-height"

type rollupFeedService struct{ s *Server }

var _ veilv1connect.RollupFeedServiceHandler = (*rollupFeedService)(nil)

func levelFromProto(l veilv1.DecryptionLevel) (feed.Level, error) {
	switch l {
	case veilv1.DecryptionLevel_DECRYPTION_LEVEL_UNSPECIFIED, veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM:
		return feed.Firm, nil
	case veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT:
		return feed.Soft, nil
	}
	return 0, badRequest("level %v: must be SOFT or FIRM", l)
}

func levelToProto(l feed.Level) veilv1.DecryptionLevel {
	if l == feed.Soft {
		return veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT
	}
	return veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM
}

// feedError maps the feed's errors to Connect codes.
func (f *rollupFeedService) feedError(procedure string, err error) error {
	var slow *feed.SlowError
	switch {
	case errors.As(err, &slow):
		ce := connect.NewError(connect.CodeResourceExhausted,
			fmt.Errorf("the subscriber fell behind; subscribe again from height %d", slow.Resume))
		ce.Meta().Set(ResumeHeightKey, strconv.FormatInt(slow.Resume, 10))
		return ce
	case errors.Is(err, feed.ErrHeight), errors.Is(err, feed.ErrLevel):
		return connect.NewError(connect.CodeInvalidArgument, feedMsg(err))
	case errors.Is(err, feed.ErrUnknownRollup), errors.Is(err, feed.ErrUnknownBundle):
		return connect.NewError(connect.CodeNotFound, feedMsg(err))
	case errors.Is(err, feed.ErrNotYet):
		return connect.NewError(connect.CodeFailedPrecondition, feedMsg(err))
	case errors.Is(err, feed.ErrClosed):
		return connect.NewError(connect.CodeUnavailable, errors.New("the node's feed stopped; subscribe again later"))
	}
	return f.s.toConnect(procedure, err)
}

// BatchToProto converts a batch and its root.
func BatchToProto(level feed.Level, b *rollupfeed.Batch, root common.Hash) (*veilv1.Batch, error) {
	enc, err := b.MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := &veilv1.Batch{RollupId: b.Rollup, Height: b.Height, Level: levelToProto(level), BatchRoot: root[:], Encoded: enc}
	for i := range b.Legs {
		out.Legs = append(out.Legs, legToProto(&b.Legs[i]))
	}
	return out, nil
}

func legToProto(l *rollupfeed.BatchLeg) *veilv1.Leg {
	return &veilv1.Leg{TxIndex: l.TxIndex, BundleId: api.FormatHash(l.Manifest.BundleID), Data: l.Data, BundleRollups: l.Manifest.Rollups()}
}

func (f *rollupFeedService) SubscribeBatches(ctx context.Context, req *connect.Request[veilv1.SubscribeBatchesRequest], stream *connect.ServerStream[veilv1.SubscribeBatchesResponse]) error {
	level, err := levelFromProto(req.Msg.GetLevel())
	if err != nil {
		return err
	}
	sub, err := f.s.cfg.RollupFeed.Subscribe(req.Msg.GetRollupId(), req.Msg.GetFromHeight(), level)
	if err != nil {
		return f.feedError("SubscribeBatches", err)
	}
	defer sub.Close()
	for {
		select {
		case d, ok := <-sub.C():
			if !ok {
				return f.feedError("SubscribeBatches", sub.Err())
			}
			b, err := BatchToProto(d.Level, d.Batch, d.Root)
			if err == nil {
				err = f.addSignature(d.Level, b)
			}
			if err == nil {
				err = f.addFirmProof(ctx, d.Level, b)
			}
			if err != nil {
				return f.s.toConnect("SubscribeBatches", err)
			}
			if err := stream.Send(&veilv1.SubscribeBatchesResponse{Batch: b}); err != nil {
				return err // the client went away
			}
		case <-ctx.Done():
			return connect.NewError(connect.CodeCanceled, ctx.Err())
		case <-f.s.draining:
			return connect.NewError(connect.CodeUnavailable,
				errors.New("server shutting down; subscribe again from the next height on another node or later"))
		}
	}
}

func (f *rollupFeedService) GetBatch(ctx context.Context, req *connect.Request[veilv1.GetBatchRequest]) (*connect.Response[veilv1.GetBatchResponse], error) {
	level, err := levelFromProto(req.Msg.GetLevel())
	if err != nil {
		return nil, err
	}
	b, root, err := f.s.cfg.RollupFeed.Batch(level, req.Msg.GetRollupId(), req.Msg.GetHeight())
	if err != nil {
		return nil, f.feedError("GetBatch", err)
	}
	pb, err := BatchToProto(level, b, root)
	if err == nil {
		err = f.addSignature(level, pb)
	}
	if err == nil {
		err = f.addFirmProof(ctx, level, pb)
	}
	if err != nil {
		return nil, f.s.toConnect("GetBatch", err)
	}
	return connect.NewResponse(&veilv1.GetBatchResponse{Batch: pb}), nil
}

func (f *rollupFeedService) GetBundle(ctx context.Context, req *connect.Request[veilv1.GetBundleRequest]) (*connect.Response[veilv1.GetBundleResponse], error) {
	id, err := api.ParseHash(req.Msg.GetBundleId())
	if err != nil {
		return nil, badRequest("bundle_id: %v", unprefixed(err))
	}
	info, err := f.s.cfg.RollupFeed.Bundle(id)
	if err != nil {
		return nil, f.feedError("GetBundle", err)
	}
	res := &veilv1.GetBundleResponse{Level: levelToProto(info.Level), Height: info.Height, BatchRoot: info.Root[:]}
	if info.Failed != nil {
		res.Failed = info.Failed.Error()
	}
	if info.Level == feed.Firm {
		sr, err := f.signature(info.Height)
		if err != nil {
			return nil, f.s.toConnect("GetBundle", err)
		}
		if sr != nil {
			res.Eon, res.Signature = sr.Eon, sr.Signature
		}
		if res.FirmProof, err = f.firmProof(ctx, info.Height); err != nil {
			return nil, f.s.toConnect("GetBundle", err)
		}
	}
	for i := range info.Legs {
		l := &info.Legs[i]
		enc, err := l.Leg.MarshalBinary()
		if err != nil {
			return nil, f.s.toConnect("GetBundle", err)
		}
		proof, err := l.Proof.MarshalBinary()
		if err != nil {
			return nil, f.s.toConnect("GetBundle", err)
		}
		res.Legs = append(res.Legs, &veilv1.ProvenLeg{Leg: legToProto(&l.Leg), Encoded: enc, Proof: proof})
	}
	return connect.NewResponse(res), nil
}

// feedMsg is err's message without the package prefix.
func feedMsg(err error) error { return errors.New(strings.TrimPrefix(err.Error(), "feed: ")) }

// signature returns a height's signed root, nil if it has none.
func (f *rollupFeedService) signature(height int64) (*feed.SignedRoot, error) {
	sr, err := f.s.cfg.RollupFeed.Signature(height)
	if errors.Is(err, feed.ErrNoSignature) {
		return nil, nil
	}
	return sr, err
}

// addSignature sets a firm batch's committee signature, when the height
// has one (always, on a feed that requires signatures).
func (f *rollupFeedService) addSignature(level feed.Level, b *veilv1.Batch) error {
	if level != feed.Firm {
		return nil
	}
	sr, err := f.signature(b.GetHeight())
	if err != nil || sr == nil {
		return err
	}
	b.Eon, b.Signature = sr.Eon, sr.Signature
	return nil
}

// Bounds of ListSignedRoots' limit.
const (
	defaultSignedRoots = 64
	maxSignedRoots     = 1024
)

func (f *rollupFeedService) ListSignedRoots(_ context.Context, req *connect.Request[veilv1.ListSignedRootsRequest]) (*connect.Response[veilv1.ListSignedRootsResponse], error) {
	limit := int(req.Msg.GetLimit())
	if limit == 0 {
		limit = defaultSignedRoots
	}
	limit = min(limit, maxSignedRoots)
	roots, err := f.s.cfg.RollupFeed.SignedRoots(req.Msg.GetFromHeight(), limit)
	if err != nil {
		return nil, f.feedError("ListSignedRoots", err)
	}
	res := &veilv1.ListSignedRootsResponse{Roots: make([]*veilv1.SignedRoot, len(roots))}
	for i, r := range roots {
		res.Roots[i] = &veilv1.SignedRoot{Height: r.Height, BatchRoot: r.Root[:], Eon: r.Eon, Signature: r.Signature}
	}
	return connect.NewResponse(res), nil
}

func (f *rollupFeedService) GetFirmRoot(ctx context.Context, req *connect.Request[veilv1.GetFirmRootRequest]) (*connect.Response[veilv1.GetFirmRootResponse], error) {
	h := req.Msg.GetHeight()
	ev, err := f.s.cfg.RollupFeed.FirmEvidence(ctx, h)
	if err != nil {
		return nil, f.feedError("GetFirmRoot", err)
	}
	res := &veilv1.GetFirmRootResponse{Height: h}
	for _, r := range ev.Proof.Roots {
		if r.Height == h {
			res.BatchRoot = r.Root.Bytes()
		}
	}
	if res.BatchRoot == nil {
		return nil, f.s.toConnect("GetFirmRoot", fmt.Errorf("feed: the firm proof of height %d does not hold its root", h))
	}
	if res.FirmProof, err = FirmProofToProto(ev); err != nil {
		return nil, f.s.toConnect("GetFirmRoot", err)
	}
	return connect.NewResponse(res), nil
}
