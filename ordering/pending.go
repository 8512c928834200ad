package ordering

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// pendingIndex follows the envelopes the node's Pool admitted and has not
// yet dropped: admitted by CheckTx, gone when evicted, when a re-check
// fails, or when committed. It keeps what the Pool does not expose: each
// envelope's CometBFT mempool key, and the pending nonces per sender.
type pendingIndex struct {
	mu       sync.Mutex
	byHash   map[mempool.Hash]pendingEntry
	bySender map[common.Address]map[uint64]mempool.Hash
}

type pendingEntry struct {
	key    [32]byte // SHA-256 of the tx bytes: CometBFT's mempool key
	sender common.Address
	nonce  uint64
}

// add records hash and drops evicted, returning the evicted envelopes'
// mempool keys.
func (p *pendingIndex) add(hash mempool.Hash, key [32]byte, env *mempool.Envelope, evicted []mempool.Hash) [][32]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byHash == nil {
		p.byHash = make(map[mempool.Hash]pendingEntry)
		p.bySender = make(map[common.Address]map[uint64]mempool.Hash)
	}
	var keys [][32]byte
	for _, h := range evicted {
		if e, ok := p.byHash[h]; ok {
			keys = append(keys, e.key)
			p.removeLocked(h, e)
		}
	}
	p.byHash[hash] = pendingEntry{key: key, sender: env.Sender, nonce: env.Nonce}
	if p.bySender[env.Sender] == nil {
		p.bySender[env.Sender] = make(map[uint64]mempool.Hash)
	}
	p.bySender[env.Sender][env.Nonce] = hash
	return keys
}

func (p *pendingIndex) remove(hashes ...mempool.Hash) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range hashes {
		if e, ok := p.byHash[h]; ok {
			p.removeLocked(h, e)
		}
	}
}

func (p *pendingIndex) removeLocked(h mempool.Hash, e pendingEntry) {
	delete(p.byHash, h)
	if m := p.bySender[e.sender]; m != nil && m[e.nonce] == h {
		delete(m, e.nonce)
		if len(m) == 0 {
			delete(p.bySender, e.sender)
		}
	}
}

func (p *pendingIndex) has(h mempool.Hash) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.byHash[h]
	return ok
}

// next returns the first nonce from n on with no pending envelope.
func (p *pendingIndex) next(addr common.Address, n uint64) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.bySender[addr]
	for {
		if _, ok := m[n]; !ok {
			return n
		}
		n++
	}
}

// Pending reports whether an envelope is waiting in this node's mempool:
// admitted by this node and neither evicted, invalidated nor committed.
func (a *App) Pending(hash common.Hash) bool { return a.pooled.has(mempool.Hash(hash)) }

// PendingNonce returns the nonce a sender's next envelope should carry
// given its committed next nonce: the first nonce from committed on that
// has no envelope pending on this node.
func (a *App) PendingNonce(addr common.Address, committed uint64) uint64 {
	return a.pooled.next(addr, committed)
}
