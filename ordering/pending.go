package ordering

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// pendingIndex follows the envelopes the node's Pool admitted and has not
// yet dropped (admitted by CheckTx; gone when evicted, when a re-check
// fails, or when committed) with their CometBFT mempool keys, which the
// Pool does not know.
type pendingIndex struct {
	mu   sync.Mutex
	keys map[mempool.Hash][32]byte // SHA-256 of the tx bytes: CometBFT's mempool key
}

// add records hash and drops evicted, returning the evicted envelopes'
// mempool keys.
func (p *pendingIndex) add(hash mempool.Hash, key [32]byte, evicted []mempool.Hash) [][32]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.keys == nil {
		p.keys = make(map[mempool.Hash][32]byte)
	}
	var keys [][32]byte
	for _, h := range evicted {
		if k, ok := p.keys[h]; ok {
			keys = append(keys, k)
			delete(p.keys, h)
		}
	}
	p.keys[hash] = key
	return keys
}

func (p *pendingIndex) remove(hashes ...mempool.Hash) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range hashes {
		delete(p.keys, h)
	}
}

func (p *pendingIndex) has(h mempool.Hash) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.keys[h]
	return ok
}

// Pending reports whether an envelope is waiting in this node's mempool:
// admitted by this node and neither evicted, invalidated nor committed.
func (a *App) Pending(hash common.Hash) bool { return a.pooled.has(mempool.Hash(hash)) }

// PendingNonce returns the nonce a sender's next envelope should carry
// given its committed next nonce: the first nonce from committed on that
// has no envelope pending on this node.
func (a *App) PendingNonce(addr common.Address, committed uint64) uint64 {
	return a.pool.PendingNonce(addr, committed)
}
