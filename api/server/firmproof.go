package server

import (
	"context"
	"fmt"

	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/rollupfeed/feed"
)

// FirmEvidenceBackend is the part of RollupFeedBackend that serves the
// proofs that the validators' commit covers firm batch roots.
type FirmEvidenceBackend interface {
	// FirmEvidence returns a firm height's proof; an error wrapping
	// feed.ErrNotYet above the firm tip.
	FirmEvidence(ctx context.Context, height int64) (*feed.FirmEvidence, error)
}

// FirmProofToProto converts a height's firm evidence.
func FirmProofToProto(ev *feed.FirmEvidence) (*veilv1.FirmProof, error) {
	p := ev.Proof
	out := &veilv1.FirmProof{RecordedAt: p.RecordedAt, PrevAppHash: p.PrevAppHash, ChangesRoot: p.ChangesRoot}
	for _, r := range p.Roots {
		out.Roots = append(out.Roots, &veilv1.FirmRoot{Height: r.Height, Root: r.Root.Bytes()})
	}
	if ev.Header != nil {
		b, err := ev.Header.ToProto().Marshal()
		if err != nil {
			return nil, fmt.Errorf("signed header of %d: %w", ev.Header.Height, err)
		}
		out.SignedHeader = b
	}
	return out, nil
}

// firmProof returns the proof of a firm height.
func (f *rollupFeedService) firmProof(ctx context.Context, height int64) (*veilv1.FirmProof, error) {
	ev, err := f.s.cfg.RollupFeed.FirmEvidence(ctx, height)
	if err != nil {
		return nil, err
	}
	return FirmProofToProto(ev)
}

// addFirmProof sets a firm batch's proof.
func (f *rollupFeedService) addFirmProof(ctx context.Context, level feed.Level, b *veilv1.Batch) error {
	if level != feed.Firm {
		return nil
	}
	p, err := f.firmProof(ctx, b.GetHeight())
	if err != nil {
		return err
	}
	b.FirmProof = p
	return nil
}
