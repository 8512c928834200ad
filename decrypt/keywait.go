package decrypt

import (
	"context"

	"github.com/veilseq/veil/ordering"
)

var _ ordering.KeyWaiter = (*Pool)(nil)

// WaitDecryptionKeys implements ordering.KeyWaiter: it blocks until every
// eon of the block at height has its keys aggregated, and reports true.
// It reports false at once when the pool has not seen the block or no
// member has submitted shares for it yet (a committee that is not
// releasing gives a proposer nothing to wait for), and when ctx ends.
func (p *Pool) WaitDecryptionKeys(ctx context.Context, height int64) bool {
	p.mu.Lock()
	b := p.blocks[height]
	if b == nil || !b.known {
		p.mu.Unlock()
		return false
	}
	arriving := false
	for _, g := range b.groups {
		arriving = arriving || len(g.submitted) > 0
	}
	keyed := b.keyed
	p.mu.Unlock()
	select {
	case <-keyed:
		return true
	default:
	}
	if !arriving {
		return false
	}
	select {
	case <-keyed:
		return true
	case <-ctx.Done():
		return false
	}
}
