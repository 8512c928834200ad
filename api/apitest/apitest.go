// Package apitest provides an in-memory server.Backend for tests of code
// that talks to the API (the SDK, the CLI, tools built on them): enough of
// a node to serve every method, with statuses the test drives. It admits
// any well-formed, correctly signed envelope; the real admission rules are
// the node's.
package apitest

import (
	"context"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
)

// Backend is a fake node. Its methods are safe for concurrent use.
type Backend struct {
	mu        sync.Mutex
	params    api.Params
	accounts  map[common.Address]api.Account
	statuses  map[common.Hash]api.TxStatus
	watchers  map[common.Hash][]chan struct{}
	blocks    map[uint64]api.Block
	submitErr error
	statusErr error
	submitted []*mempool.Envelope
	onSubmit  func(*mempool.Envelope)
}

var _ server.Backend = (*Backend)(nil)

// New returns a backend serving p.
func New(p api.Params) *Backend {
	return &Backend{
		params:   p,
		accounts: make(map[common.Address]api.Account),
		statuses: make(map[common.Hash]api.TxStatus),
		watchers: make(map[common.Hash][]chan struct{}),
		blocks:   make(map[uint64]api.Block),
	}
}

// SetSubmitErr makes Submit fail with err (nil: admit again).
func (b *Backend) SetSubmitErr(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.submitErr = err
}

// SetStatusErr makes TxStatus fail with err (nil: answer again).
func (b *Backend) SetStatusErr(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.statusErr = err
}

// OnSubmit calls f, outside the backend's lock, with every admitted
// envelope.
func (b *Backend) OnSubmit(f func(*mempool.Envelope)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onSubmit = f
}

// SetAccount records an account.
func (b *Backend) SetAccount(a api.Account) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accounts[a.Address] = a
}

// SetBlock records a block.
func (b *Backend) SetBlock(blk api.Block) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.blocks[blk.Height] = blk
}

// Submitted returns the envelopes admitted so far.
func (b *Backend) Submitted() []*mempool.Envelope {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*mempool.Envelope(nil), b.submitted...)
}

// Set records a status and notifies the hash's watchers.
func (b *Backend) Set(st api.TxStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.setLocked(st)
}

// Notify wakes the hash's watchers without changing anything.
func (b *Backend) Notify(h common.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.notifyLocked(h)
}

func (b *Backend) setLocked(st api.TxStatus) {
	b.statuses[st.Hash] = st
	b.notifyLocked(st.Hash)
}

func (b *Backend) notifyLocked(h common.Hash) {
	for _, w := range b.watchers[h] {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// Params implements server.Backend.
func (b *Backend) Params(context.Context) (api.Params, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.params, nil
}

// Account implements server.Backend: recorded accounts, or an empty one.
func (b *Backend) Account(_ context.Context, addr common.Address) (api.Account, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accounts[addr]
	if !ok {
		a = api.Account{Address: addr}
	}
	return a, nil
}

// Submit implements server.Backend: it admits any envelope that decodes
// and carries its sender's signature, and marks it pending.
func (b *Backend) Submit(_ context.Context, raw []byte) (common.Hash, error) {
	b.mu.Lock()
	if b.submitErr != nil {
		defer b.mu.Unlock()
		return common.Hash{}, b.submitErr
	}
	b.mu.Unlock()
	env, err := mempool.Decode(raw)
	if err != nil {
		return common.Hash{}, err
	}
	if err := env.VerifySignature(); err != nil {
		return common.Hash{}, err
	}
	h := common.Hash(env.Hash())
	b.mu.Lock()
	b.submitted = append(b.submitted, env)
	b.setLocked(api.TxStatus{Hash: h, State: api.TxPending})
	f := b.onSubmit
	b.mu.Unlock()
	if f != nil {
		f(env)
	}
	return h, nil
}

// TxStatus implements server.Backend.
func (b *Backend) TxStatus(_ context.Context, h common.Hash) (api.TxStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.statusErr != nil {
		return api.TxStatus{}, b.statusErr
	}
	st, ok := b.statuses[h]
	if !ok {
		return api.TxStatus{}, api.ErrNotFound
	}
	st.ObservedHeight = b.params.LatestHeight
	return st, nil
}

// WatchTx implements server.Backend with one coalescing channel per
// watcher, dropped when ctx ends.
func (b *Backend) WatchTx(ctx context.Context, h common.Hash) (<-chan struct{}, error) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	b.watchers[h] = append(b.watchers[h], ch)
	b.mu.Unlock()
	context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		ws := b.watchers[h]
		for i, w := range ws {
			if w == ch {
				b.watchers[h] = append(ws[:i:i], ws[i+1:]...)
				break
			}
		}
	})
	return ch, nil
}

// Block implements server.Backend.
func (b *Backend) Block(_ context.Context, height uint64) (api.Block, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if height == 0 {
		height = b.params.LatestHeight
	}
	blk, ok := b.blocks[height]
	if !ok {
		return api.Block{}, api.ErrNotFound
	}
	return blk, nil
}
