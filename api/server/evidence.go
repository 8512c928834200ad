package server

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
)

// EvidenceBackend is implemented by a Backend whose node verifies key
// shares and serves GetKeyholderEvidence. A Backend without it answers
// UNIMPLEMENTED.
type EvidenceBackend interface {
	// KeyholderEvidence returns the failed submissions, oldest first, at
	// most MaxEvidence of them (the most recent).
	KeyholderEvidence(ctx context.Context) ([]api.KeyholderEvidence, error)
}

// MaxEvidence bounds GetKeyholderEvidence's answer.
const MaxEvidence = 1000

var errNoEvidence = errors.New("this node does not verify key shares")

func (v *service) GetKeyholderEvidence(ctx context.Context, _ *connect.Request[veilv1.GetKeyholderEvidenceRequest]) (*connect.Response[veilv1.GetKeyholderEvidenceResponse], error) {
	eb, ok := v.s.backend.(EvidenceBackend)
	if !ok {
		return nil, connect.NewError(connect.CodeUnimplemented, errNoEvidence)
	}
	ev, err := eb.KeyholderEvidence(ctx)
	if err != nil {
		return nil, v.s.toConnect("GetKeyholderEvidence", err)
	}
	ev = ev[max(0, len(ev)-MaxEvidence):]
	out := &veilv1.GetKeyholderEvidenceResponse{Evidence: make([]*veilv1.KeyholderEvidence, len(ev))}
	for i, e := range ev {
		out.Evidence[i] = &veilv1.KeyholderEvidence{Eon: e.Eon, Height: e.Height, Member: e.Member, Reason: e.Reason}
	}
	return connect.NewResponse(out), nil
}
