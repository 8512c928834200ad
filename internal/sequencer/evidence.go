package sequencer

import (
	"context"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
)

var _ server.EvidenceBackend = (*Backend)(nil)

// evidenceSource is a Soft source that also records misbehaviour (the
// node's decrypt.Pool).
type evidenceSource interface {
	Evidence() []decrypt.Evidence
}

// KeyholderEvidence implements server.EvidenceBackend from the node's
// share pool (Config.Soft); a node without one has no evidence.
func (b *Backend) KeyholderEvidence(context.Context) ([]api.KeyholderEvidence, error) {
	src, ok := b.cfg.Soft.(evidenceSource)
	if !ok {
		return nil, nil
	}
	ev := src.Evidence()
	ev = ev[max(0, len(ev)-server.MaxEvidence):]
	out := make([]api.KeyholderEvidence, len(ev))
	for i, e := range ev {
		out[i] = api.KeyholderEvidence{Eon: e.Eon, Height: uint64(e.Height), Member: uint32(e.Member), Reason: e.Reason}
	}
	return out, nil
}
