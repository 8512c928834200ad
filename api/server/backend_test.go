package server_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
)

// fakeBackend is a Backend in memory: enough to exercise the API layer's
// mapping, limits and streaming. The node's own implementation is tested
// end to end elsewhere.
type fakeBackend struct {
	mu        sync.Mutex
	params    api.Params
	statuses  map[common.Hash]api.TxStatus
	watchers  map[common.Hash][]chan struct{}
	blocks    map[uint64]api.Block
	submitErr error // returned by Submit when set
	submitted [][]byte
	statusErr error // returned by TxStatus when set
}

var _ server.Backend = (*fakeBackend)(nil)

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		params: api.Params{
			ChainID:            "veil-test",
			EnvelopeVersion:    mempool.Version,
			Eon:                api.Eon{ID: 3, PublicKey: []byte{1, 2, 3}, Threshold: 3, CommitteeSize: 4, ActivationHeight: 10},
			Rollups:            []api.Rollup{{ID: 1, Name: "alpha"}, {ID: 2}},
			MinFee:             5,
			MaxEnvelopeBytes:   mempool.MaxEnvelopeSize,
			MaxCiphertextBytes: mempool.MaxCiphertextSize,
			LatestHeight:       42,
			MaxExpiryBlocks:    100,
		},
		statuses: make(map[common.Hash]api.TxStatus),
		watchers: make(map[common.Hash][]chan struct{}),
		blocks:   make(map[uint64]api.Block),
	}
}

func (b *fakeBackend) Params(context.Context) (api.Params, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.params, nil
}

func (b *fakeBackend) Account(_ context.Context, addr common.Address) (api.Account, error) {
	return api.Account{Address: addr, Balance: 1000, Nonce: 7, PendingNonce: 9}, nil
}

func (b *fakeBackend) Submit(_ context.Context, envelope []byte) (common.Hash, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.submitErr != nil {
		return common.Hash{}, b.submitErr
	}
	b.submitted = append(b.submitted, envelope)
	env, err := mempool.Decode(envelope)
	if err != nil {
		return common.Hash{}, err
	}
	h := common.Hash(env.Hash())
	b.setLocked(api.TxStatus{Hash: h, State: api.TxPending})
	return h, nil
}

func (b *fakeBackend) TxStatus(_ context.Context, h common.Hash) (api.TxStatus, error) {
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

func (b *fakeBackend) WatchTx(ctx context.Context, h common.Hash) (<-chan struct{}, error) {
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

// set records a status and notifies the watchers of its hash.
func (b *fakeBackend) set(st api.TxStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.setLocked(st)
}

func (b *fakeBackend) setLocked(st api.TxStatus) {
	b.statuses[st.Hash] = st
	b.notifyLocked(st.Hash)
}

// notify wakes the watchers of h without changing anything.
func (b *fakeBackend) notify(h common.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.notifyLocked(h)
}

func (b *fakeBackend) notifyLocked(h common.Hash) {
	for _, w := range b.watchers[h] {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (b *fakeBackend) Block(_ context.Context, height uint64) (api.Block, error) {
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

// testKey is a fixed secp256k1 key: tests are deterministic.
func testKey(i int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(common.LeftPadBytes([]byte{byte(i + 1)}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// envelope returns a signed, structurally valid envelope from key i with
// the given nonce. Its ciphertext is filler: the API layer does not
// decrypt.
func envelope(i int, nonce uint64) []byte {
	e := &mempool.Envelope{
		ChainID:    "veil-test",
		Eon:        3,
		Nonce:      nonce,
		Fee:        10,
		Expiry:     100,
		Rollups:    []uint64{1},
		Ciphertext: []byte(fmt.Sprintf("ciphertext %d/%d", i, nonce)),
	}
	if err := e.Sign(testKey(i)); err != nil {
		panic(err)
	}
	return e.Encode()
}

// clock is a manual clock for the rate limiters.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
