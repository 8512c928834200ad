package ordering

import (
	"errors"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/rollupfeed"
)

// CommittedBlock is what subscribers receive once a block's state is
// durably committed and queryable.
type CommittedBlock struct {
	Height  int64
	Time    time.Time
	AppHash []byte
	// Txs are the block's included envelopes in block order.
	Txs []CommittedTx
	// Firm holds the firm decryption of each earlier block whose keys
	// this block recorded, oldest first (see FirmBlock).
	Firm []FirmBlock
	// FirmRoots are the batch roots this block recorded, by height: this
	// height's own (an empty batch) when the block has no envelopes, and
	// the height of each entry of Firm. AppHash commits to them.
	FirmRoots []rollupfeed.FirmRoot
	// PrevAppHash is the app hash before this block and ChangesRoot the
	// root of its state writes: with FirmRoots, the inputs of AppHash.
	PrevAppHash []byte
	ChangesRoot []byte
}

// FirmProof returns the proof that AppHash commits to FirmRoots; nil
// when the block recorded no batch root.
func (b CommittedBlock) FirmProof() *rollupfeed.FirmProof {
	if len(b.FirmRoots) == 0 {
		return nil
	}
	return &rollupfeed.FirmProof{RecordedAt: b.Height, PrevAppHash: b.PrevAppHash, ChangesRoot: b.ChangesRoot, Roots: b.FirmRoots}
}

// FirmBlock is the firm decryption of one committed block's envelopes:
// FinalizeBlock of the block at RecordedAt applied the keys, so every
// field is a function of chain data, the same on every node.
type FirmBlock struct {
	Height     int64 // the block whose envelopes these are
	RecordedAt int64 // the block that recorded their keys
	// Txs are the block's envelopes in block order, as many as it has.
	Txs []FirmTx
	// Escaped: the block was resolved by the escape hatch (escape.go),
	// not by the committee's keys. The committee, offline, cannot sign
	// its batch root, so the feed does not wait for a signature on it.
	Escaped bool
}

// DecryptedTxs returns the block's transactions as rollupfeed.BuildBlock
// takes them. It is the one mapping from firm results to batches: the
// application computes the batch root it commits to from it, and the feed
// builds the batches it serves from it, so the two cannot differ.
//
// A plaintext that decrypted but did not open for its destination list
// (Err wraps rollupfeed.ErrBadBundle or ErrBundleMismatch) is passed with
// Err cleared, so BuildBlock fails it again with the same error; a
// transaction without error and without plaintext gets an empty one.
func (fb FirmBlock) DecryptedTxs() []rollupfeed.DecryptedTx {
	txs := make([]rollupfeed.DecryptedTx, len(fb.Txs))
	for i, tx := range fb.Txs {
		txs[i] = rollupfeed.DecryptedTx{Hash: tx.Hash, Index: tx.Index, Rollups: tx.Rollups, Plaintext: tx.Plaintext, Err: tx.Err}
		if tx.Err != nil && tx.Plaintext != nil && (errors.Is(tx.Err, rollupfeed.ErrBadBundle) || errors.Is(tx.Err, rollupfeed.ErrBundleMismatch)) {
			txs[i].Err = nil
		}
		if txs[i].Err == nil && txs[i].Plaintext == nil {
			txs[i].Plaintext = []byte{}
		}
	}
	return txs
}

// FirmTx is one envelope's firm result.
type FirmTx struct {
	Hash  common.Hash
	Index uint32
	// Rollups is the envelope's clear destination list.
	Rollups []uint64
	// Plaintext is the decrypted payload; nil when it did not decrypt.
	// A plaintext that does not open for Rollups is kept, with Err set.
	Plaintext []byte
	// Err is set when the transaction was marked TxDecryptFailed: the
	// payload did not decrypt (wrapping threshold's error), or its
	// plaintext did not open for Rollups (rollupfeed.ErrBadBundle,
	// rollupfeed.ErrBundleMismatch).
	Err error
}

// CommitHook is called by Commit with each block, after FinalizeBlock and
// before the application's state for it is written. It runs on
// CometBFT's consensus path, so it must be quick; an error stops the node
// (Commit fails). Since the block's state is not yet durable when it
// runs, a crash can make it see the same block again after a restart:
// it must be idempotent. That order is what lets a hook persist firm
// plaintexts without gaps: pending envelopes are deleted by the block
// that records their keys, so a hook that ran after the write could lose
// them to a crash.
type CommitHook func(CommittedBlock) error

// SetCommitHook installs h (nil removes it). Install it before the node
// starts, so that no block is committed without it.
func (a *App) SetCommitHook(h CommitHook) { a.commitHook.Store(&h) }

// CommittedTx is one included envelope.
type CommittedTx struct {
	Hash  mempool.Hash
	Index uint32
	// Envelope is shared between subscribers and the admission cache:
	// read it, never modify it.
	Envelope *mempool.Envelope
}

// ErrSlowSubscriber ends a subscription whose buffer was full when a block
// committed. Consensus never waits for a subscriber; one that falls behind
// is dropped and catches up through the query methods (Block, Tx) from the
// last height it saw.
var ErrSlowSubscriber = errors.New("ordering: subscriber fell behind")

// errUnsubscribed is Err after Close.
var errUnsubscribed = errors.New("ordering: unsubscribed")

// Subscription delivers committed blocks in height order, each exactly
// once, until it is closed or dropped. Every block committed after
// Subscribe returns is delivered unless the subscription is dropped.
type Subscription struct {
	c   chan CommittedBlock
	hub *hub
	err error // set under hub.mu when c is closed
}

// C is closed when the subscription ends; Err then says why.
func (s *Subscription) C() <-chan CommittedBlock { return s.c }

// Err is nil while the subscription is live, ErrSlowSubscriber if it was
// dropped, and a closed-by-caller error after Close.
func (s *Subscription) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// Close ends the subscription. It is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.end(s, errUnsubscribed)
}

type hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed error // why closeAll ended everything; later subscriptions start ended
}

func (h *hub) subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &Subscription{c: make(chan CommittedBlock, buffer), hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = make(map[*Subscription]struct{})
	}
	h.subs[s] = struct{}{}
	if h.closed != nil {
		h.end(s, h.closed)
	}
	return s
}

// end closes s's channel; h.mu is held.
func (h *hub) end(s *Subscription, why error) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	s.err = why
	close(s.c)
}

func (h *hub) publish(b CommittedBlock) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- b:
		default:
			h.end(s, ErrSlowSubscriber)
		}
	}
}

func (h *hub) closeAll(why error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = why
	for s := range h.subs {
		h.end(s, why)
	}
}
