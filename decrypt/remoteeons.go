package decrypt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
)

// RemoteEons answers EonAt over nodes' public APIs: it learns each eon's
// activation height from GetEncryptionParams (the current eon and, during
// a rotation, the registered next one) and names, for a height, the
// latest eon known to be active at it. A process keyholder's batch signer
// uses it (NewRemoteSigner) to sign each height with the share of the eon
// active there, as the nodes' signature pools and the L1 registry
// require.
//
// An answer for height h is final only once a node reports h committed:
// an eon active at h is registered before h, so parameters read at or
// above h name it as current or next, or name a later eon, whose
// predecessor it then is. RemoteEons therefore asks the nodes again
// whenever a height lies above the highest committed height it has seen.
//
// Trust: the eon records come from the nodes, unproven. A lying node can
// at most make the signer sign a root it checked (RemoteRoots) under the
// share of another eon it holds; nodes and the L1 registry refuse such a
// signature, so the height goes unsigned by this member, as if it were
// down.
type RemoteEons struct {
	cs      []*client.Client
	chainID string
	timeout time.Duration

	mu   sync.Mutex
	eons eonRecords
}

// NewRemoteEons returns an eon source over cs for chain chainID.
func NewRemoteEons(cs []*client.Client, chainID string) *RemoteEons {
	return &RemoteEons{cs: cs, chainID: chainID, timeout: 10 * time.Second}
}

// EonAt implements EonAt.
func (r *RemoteEons) EonAt(height int64) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.eons.latest < height {
		if err := r.refresh(height); err != nil {
			return 0, err
		}
	}
	eon, ok := r.eons.at(height)
	if !ok {
		return 0, fmt.Errorf("decrypt: no eon known at height %d", height)
	}
	return eon, nil
}

// refresh reads the nodes' parameters in order until one has committed
// height.
func (r *RemoteEons) refresh(height int64) error {
	var errs []error
	for _, c := range r.cs {
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		p, err := c.Params(ctx)
		cancel()
		if err == nil && p.ChainID != r.chainID {
			err = fmt.Errorf("the node serves chain %q, the keyholder's secrets are for chain %q", p.ChainID, r.chainID)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.eons.note(p.Params)
		if r.eons.latest >= height {
			return nil
		}
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("no node has committed it yet"))
	}
	return fmt.Errorf("decrypt: eon of height %d: %w", height, errors.Join(errs...))
}

// eonRecords are the eon activation heights nodes reported, and the
// highest committed height among those reports.
type eonRecords struct {
	activation map[uint64]int64
	latest     int64
}

// note records a node's parameters.
func (e *eonRecords) note(p api.Params) {
	if e.activation == nil {
		e.activation = make(map[uint64]int64)
	}
	e.activation[p.Eon.ID] = int64(p.Eon.ActivationHeight)
	if p.NextEon != nil {
		e.activation[p.NextEon.ID] = int64(p.NextEon.ActivationHeight)
	}
	e.latest = max(e.latest, int64(p.LatestHeight))
}

// at returns the latest known eon whose activation height reaches
// height. Below every known activation it is the eon before the earliest
// known one (eons are numbered in order): a keyholder that starts after a
// rotation has never seen the outgoing eon's record.
func (e *eonRecords) at(height int64) (uint64, bool) {
	var (
		best, first uint64
		found, any  bool
	)
	for id, act := range e.activation {
		if act <= height && (!found || id > best) {
			best, found = id, true
		}
		if !any || id < first {
			first, any = id, true
		}
	}
	switch {
	case found:
		return best, true
	case any && first > 0:
		return first - 1, true
	}
	return 0, false
}
