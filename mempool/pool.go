package mempool

import (
	"container/heap"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
)

// PoolConfig configures a Pool.
type PoolConfig struct {
	// MaxTxs and MaxBytes bound the pool. Defaults 10,000 and 64 MiB.
	MaxTxs   int
	MaxBytes int
	// NonceWindow is how far past the sender's next nonce an envelope may
	// be admitted. Default 64.
	NonceWindow uint64
	// ReplaceBumpPercent is how much an envelope with the same sender and
	// nonce must raise the fee to replace a pending one. Default 10.
	ReplaceBumpPercent uint64
}

func (c *PoolConfig) validate() {
	if c.MaxTxs <= 0 {
		c.MaxTxs = 10_000
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 64 << 20
	}
	if c.NonceWindow == 0 {
		c.NonceWindow = 64
	}
	if c.ReplaceBumpPercent == 0 {
		c.ReplaceBumpPercent = 10
	}
}

// Pool is a node's index of pending envelopes: the admission rules that
// span several pending envelopes live here (nonce window, replace-by-fee,
// fees owed by a sender's pending envelopes, capacity). CometBFT's mempool
// holds and gossips the bytes; the Pool decides what may enter and what is
// pushed out.
//
// Rules:
//   - Nonce: from the sender's next on-chain nonce up to NonceWindow−1
//     past it; gaps inside the window wait for the missing nonces.
//   - Replace-by-fee: an envelope with the same sender and nonce as a
//     pending one replaces it iff its fee is at least
//     old × (100 + ReplaceBumpPercent) / 100 and strictly greater. The
//     replaced envelope is evicted.
//   - Balance: the fees of all a sender's pending envelopes, this one
//     included (a replaced one excluded), must not exceed its balance.
//   - Capacity: when full, an envelope whose fee is strictly greater than
//     the lowest pending fee evicts the lowest-fee envelopes (the newest
//     first among equal fees) until it fits; otherwise ErrPoolFull.
//   - Identity: one pending envelope per identity.
//
// It is safe for concurrent use.
type Pool struct {
	cfg PoolConfig

	mu       sync.Mutex
	byHash   map[Hash]*poolEntry
	bySender map[common.Address]map[uint64]*poolEntry
	byIdent  map[IdentityKey]*poolEntry
	byFee    feeHeap
	bytes    int
	seq      uint64
	evicted  map[Hash]struct{}
}

type poolEntry struct {
	hash  Hash
	env   *Envelope
	size  int
	seq   uint64
	index int // in byFee
}

// NewPool returns an empty pool.
func NewPool(cfg PoolConfig) *Pool {
	cfg.validate()
	return &Pool{
		cfg:      cfg,
		byHash:   make(map[Hash]*poolEntry),
		bySender: make(map[common.Address]map[uint64]*poolEntry),
		byIdent:  make(map[IdentityKey]*poolEntry),
		evicted:  make(map[Hash]struct{}),
	}
}

// Admit applies the chain and pool rules to env and adds it. It returns
// the hashes of envelopes it evicted (a replaced same-nonce envelope, or
// the lowest fees when full); the caller removes those from the network
// mempool (CometBFT drops them at its next re-check, where Recheck reports
// ErrEvicted).
func (p *Pool) Admit(env *Envelope, st State) (evicted []Hash, err error) {
	envs, err := p.AdmitEvicting(env, st)
	for _, e := range envs {
		evicted = append(evicted, e.Hash())
	}
	return evicted, err
}

// AdmitEvicting is Admit returning the evicted envelopes themselves, for
// a caller that keeps what it dropped (the ordering App: a replaced
// envelope the chain still accepts may be one a block must include).
func (p *Pool) AdmitEvicting(env *Envelope, st State) (evicted []*Envelope, err error) {
	if err := checkStatic(env, st); err != nil {
		return nil, err
	}
	hash := env.Hash()
	size := len(env.Ciphertext) + len(env.TimeLock) + 256

	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.byHash[hash]; ok {
		return nil, fmt.Errorf("%w: already pending", ErrDuplicate)
	}
	balance, next := st.Account(env.Sender)
	switch {
	case env.Nonce < next:
		return nil, fmt.Errorf("%w: nonce %d, the sender's next nonce is %d", ErrNonceTooLow, env.Nonce, next)
	case env.Nonce-next >= p.cfg.NonceWindow:
		return nil, fmt.Errorf("%w: nonce %d, the sender's next nonce is %d and at most %d may be pending", ErrNonceGap, env.Nonce, next, p.cfg.NonceWindow)
	}
	if other, ok := p.byIdent[env.IdentityKey()]; ok && other.env.Nonce != env.Nonce {
		return nil, fmt.Errorf("%w: a pending envelope already uses this identity prefix (draw a fresh random prefix)", ErrDuplicate)
	}

	replaced := p.bySender[env.Sender][env.Nonce]
	if replaced != nil {
		min := replaced.env.Fee + replaced.env.Fee*p.cfg.ReplaceBumpPercent/100
		if env.Fee <= replaced.env.Fee || env.Fee < min {
			return nil, fmt.Errorf("%w: pending nonce %d pays %d, a replacement must pay at least %d", ErrReplacementUnderpriced, env.Nonce, replaced.env.Fee, max(min, replaced.env.Fee+1))
		}
	}
	owed := env.Fee
	for _, e := range p.bySender[env.Sender] {
		if e != replaced {
			owed += e.env.Fee
			if owed < e.env.Fee { // overflow
				owed = ^uint64(0)
			}
		}
	}
	if owed > balance {
		return nil, fmt.Errorf("%w: pending fees would total %d, balance %d", ErrInsufficientBalance, owed, balance)
	}

	// Make room. Count the replaced entry as already gone.
	count, bytes := len(p.byHash), p.bytes
	if replaced != nil {
		count, bytes = count-1, bytes-replaced.size
	}
	var victims []*poolEntry
	if count+1 > p.cfg.MaxTxs || bytes+size > p.cfg.MaxBytes {
		cands := p.byFee.cheapest(replaced)
		for count+1 > p.cfg.MaxTxs || bytes+size > p.cfg.MaxBytes {
			v := cands.next()
			if v == nil || v.env.Fee >= env.Fee {
				return nil, fmt.Errorf("%w: %d pending envelopes; pay more than the lowest pending fee %d to enter", ErrPoolFull, len(p.byHash), p.lowestFee())
			}
			victims = append(victims, v)
			count, bytes = count-1, bytes-v.size
		}
	}

	if replaced != nil {
		p.remove(replaced, true)
		evicted = append(evicted, replaced.env)
	}
	for _, v := range victims {
		p.remove(v, true)
		evicted = append(evicted, v.env)
	}
	p.seq++
	e := &poolEntry{hash: hash, env: env, size: size, seq: p.seq}
	p.byHash[hash] = e
	if p.bySender[env.Sender] == nil {
		p.bySender[env.Sender] = make(map[uint64]*poolEntry)
	}
	p.bySender[env.Sender][env.Nonce] = e
	p.byIdent[env.IdentityKey()] = e
	heap.Push(&p.byFee, e)
	p.bytes += size
	delete(p.evicted, hash)
	return evicted, nil
}

// Recheck reports whether a pending envelope is still admissible after a
// block: it fails with ErrEvicted if the pool pushed it out, and with the
// chain rule it now breaks (nonce used, expired, eon rotated, balance) —
// in which case it is also removed from the pool.
func (p *Pool) Recheck(hash Hash, st State) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.byHash[hash]
	if !ok {
		if _, gone := p.evicted[hash]; gone {
			delete(p.evicted, hash)
			return fmt.Errorf("%w: replaced or pushed out by higher fees", ErrEvicted)
		}
		return fmt.Errorf("%w: not pending on this node", ErrEvicted)
	}
	env := e.env
	err := checkStatic(env, st)
	if err == nil {
		balance, next := st.Account(env.Sender)
		switch {
		case env.Nonce < next:
			err = fmt.Errorf("%w: nonce %d, the sender's next nonce is %d", ErrNonceTooLow, env.Nonce, next)
		case env.Fee > balance:
			err = fmt.Errorf("%w: fee %d, balance %d", ErrInsufficientBalance, env.Fee, balance)
		}
	}
	if err != nil {
		p.remove(e, false)
	}
	return err
}

// Remove drops envelopes, e.g. once they are committed.
func (p *Pool) Remove(hashes ...Hash) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range hashes {
		if e, ok := p.byHash[h]; ok {
			p.remove(e, false)
		}
		delete(p.evicted, h)
	}
}

// PendingNonce returns the nonce a sender's next new envelope should
// carry: the first nonce from next (the on-chain next nonce) up that has
// no pending envelope.
func (p *Pool) PendingNonce(sender common.Address, next uint64) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	pending := p.bySender[sender]
	for pending[next] != nil {
		next++
	}
	return next
}

// Len returns the number of pending envelopes.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byHash)
}

// Bytes returns the pool's accounted size.
func (p *Pool) Bytes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

func (p *Pool) remove(e *poolEntry, evicted bool) {
	delete(p.byHash, e.hash)
	if m := p.bySender[e.env.Sender]; m != nil && m[e.env.Nonce] == e {
		delete(m, e.env.Nonce)
		if len(m) == 0 {
			delete(p.bySender, e.env.Sender)
		}
	}
	if p.byIdent[e.env.IdentityKey()] == e {
		delete(p.byIdent, e.env.IdentityKey())
	}
	heap.Remove(&p.byFee, e.index)
	p.bytes -= e.size
	if evicted {
		p.evicted[e.hash] = struct{}{}
		// The evicted set only answers Recheck; bound it by the pool size.
		if len(p.evicted) > 4*p.cfg.MaxTxs {
			clear(p.evicted)
		}
	}
}

func (p *Pool) lowestFee() uint64 {
	if len(p.byFee) == 0 {
		return 0
	}
	return p.byFee[0].env.Fee
}

// feeHeap orders entries by fee ascending, then newest first, so the root
// is the next eviction victim.
type feeHeap []*poolEntry

func (h feeHeap) Len() int { return len(h) }
func (h feeHeap) Less(i, j int) bool {
	if h[i].env.Fee != h[j].env.Fee {
		return h[i].env.Fee < h[j].env.Fee
	}
	return h[i].seq > h[j].seq
}
func (h feeHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *feeHeap) Push(x any) {
	e := x.(*poolEntry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *feeHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// cheapest returns the entries other than skip in eviction order, lazily.
// Eviction is rare (a full pool, and usually one victim), so copying the
// heap's slice is cheaper than keeping a second index.
func (h feeHeap) cheapest(skip *poolEntry) *heapCopy {
	c := &heapCopy{entries: make([]*poolEntry, 0, len(h))}
	for _, e := range h {
		if e != skip {
			c.entries = append(c.entries, e)
		}
	}
	heap.Init(c)
	return c
}

// heapCopy is a feeHeap that does not touch entries' indexes.
type heapCopy struct{ entries []*poolEntry }

func (h *heapCopy) next() *poolEntry {
	if len(h.entries) == 0 {
		return nil
	}
	return heap.Pop(h).(*poolEntry)
}

func (h *heapCopy) Len() int           { return len(h.entries) }
func (h *heapCopy) Less(i, j int) bool { return feeHeap(h.entries).Less(i, j) }
func (h *heapCopy) Swap(i, j int)      { h.entries[i], h.entries[j] = h.entries[j], h.entries[i] }
func (h *heapCopy) Push(x any)         { h.entries = append(h.entries, x.(*poolEntry)) }
func (h *heapCopy) Pop() any {
	e := h.entries[len(h.entries)-1]
	h.entries = h.entries[:len(h.entries)-1]
	return e
}
