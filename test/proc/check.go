package proc

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/threshold"
)

// Sent records the envelopes the network accepted, with their legs. Every
// leg's data is unique across a Sent, so the feed's legs can be matched
// to the envelopes.
type Sent struct {
	mu   sync.Mutex
	legs map[common.Hash][]client.Leg
	// tried holds every leg handed to an envelope, accepted or not, by
	// data: a submission cut off by Stop, or one whose answer was lost,
	// may still have been admitted.
	tried map[string]uint64
}

// loadRuns numbers StartLoad calls, so leg data is unique in the test
// binary.
var loadRuns atomic.Int64

// Add records other's envelopes in s too.
func (s *Sent) Add(other *Sent) {
	other.mu.Lock()
	defer other.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	maps.Copy(s.legs, other.legs)
	maps.Copy(s.tried, other.tried)
}

func (s *Sent) init() {
	if s.legs == nil {
		s.legs, s.tried = map[common.Hash][]client.Leg{}, map[string]uint64{}
	}
}

// Len returns the number of accepted envelopes.
func (s *Sent) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.legs)
}

// Hashes returns the accepted envelopes' hashes.
func (s *Sent) Hashes() []common.Hash {
	s.mu.Lock()
	defer s.mu.Unlock()
	hs := make([]common.Hash, 0, len(s.legs))
	for h := range s.legs {
		hs = append(hs, h)
	}
	return hs
}

// Load is traffic running against one validator's API.
type Load struct {
	n      *Net
	via    int
	cancel context.CancelFunc
	done   chan error
	tr     *devnet.Traffic
}

// StartLoad sends envelopes from every wallet through validator via's API
// at rate envelopes per second in total, recording each accepted one in
// sent, until Stop. Transfers alternate between the demo rollups; every
// fifth envelope is a bundle across both.
//
// A validator's mempool is memory-only: envelopes it accepted but had not
// yet gossiped die with it. Send through a validator the test does not
// kill, or Stop the load and Settle before killing its validator.
func (n *Net) StartLoad(via int, rate float64, sent *Sent) *Load {
	run := loadRuns.Add(1)
	sent.mu.Lock()
	sent.init()
	sent.mu.Unlock()
	a, b := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID
	var mu sync.Mutex
	last := map[int][]client.Leg{}
	tr := &devnet.Traffic{
		URL: n.URLs[via], Wallets: n.wallets, Rate: rate,
		Payload: func(w, i int) []client.Leg {
			data := func(r uint64) []byte { return fmt.Appendf(nil, "run%d/wallet%d/tx%d/rollup%d", run, w, i, r) }
			legs := []client.Leg{{Rollup: a, Data: data(a)}}
			switch {
			case i%5 == 4:
				legs = append(legs, client.Leg{Rollup: b, Data: data(b)})
			case i%2 == 1:
				legs = []client.Leg{{Rollup: b, Data: data(b)}}
			}
			mu.Lock()
			last[w] = legs
			mu.Unlock()
			sent.mu.Lock()
			for _, l := range legs {
				sent.tried[string(l.Data)] = l.Rollup
			}
			sent.mu.Unlock()
			return legs
		},
		OnSubmit: func(w int, h common.Hash, _ time.Time) {
			mu.Lock()
			legs := last[w]
			mu.Unlock()
			sent.mu.Lock()
			sent.legs[h] = legs
			sent.mu.Unlock()
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Load{n: n, via: via, cancel: cancel, done: make(chan error, 1), tr: tr}
	go func() { l.done <- tr.Run(ctx) }()
	n.t.Cleanup(func() { cancel(); <-l.done })
	return l
}

// Stop ends the load and waits for submissions in flight. It returns the
// number of envelopes accepted and refused.
func (l *Load) Stop() (accepted, refused int64) {
	l.n.t.Helper()
	l.cancel()
	if err := <-l.done; err != nil {
		l.n.t.Fatalf("load through node%d: %v", l.via, err)
	}
	l.done <- nil // for the cleanup
	return l.tr.Submitted(), l.tr.Rejected()
}

// Settle waits until validator i reports every envelope in sent included
// in a committed block, and returns the highest height among them.
func (n *Net) Settle(i int, sent *Sent) uint64 {
	n.t.Helper()
	return n.waitAll(i, sent, client.UntilIncluded)
}

func (n *Net) waitAll(i int, sent *Sent, until client.Until) uint64 {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	var top uint64
	for _, h := range sent.Hashes() {
		st, err := n.clients[i].Wait(ctx, h, until)
		if err != nil {
			n.t.Fatalf("node%d: envelope %s not %v: %v (last status %+v)", i, api.FormatHash(h), until, err, st)
		}
		top = max(top, st.Height)
	}
	return top
}

// Report sums up what Check verified.
type Report struct {
	Envelopes int    // accepted envelopes, each committed once and decrypted
	Legs      int    // their legs, each delivered once by every feed
	Height    uint64 // the heights checked, 1..Height
}

// Check verifies, on the validators given (all by default), what the
// network did with the envelopes in sent:
//
//   - every accepted envelope is committed and decrypted, firm (its
//     status on the first validator given: its keys are on chain);
//   - every validator has the same block hash at every height, and no
//     envelope hash is in two positions of the chain;
//   - every validator's feed serves, at every height and for every demo
//     rollup, a verified soft batch and a firm batch with the same batch
//     root, its firm proof checked against the genesis validators and
//     its committee signature against the key of the eon active at that
//     height;
//   - every subscription Start opened (each node, each demo rollup,
//     soft and firm, from height 1, reconnecting across the node's
//     restarts) yielded every height once, in order, with that root;
//   - each leg of an accepted envelope is in its rollup's feed exactly
//     once, and the feed holds nothing else: no leg twice, none that was
//     not sent (a submission whose answer never came, as when Stop cut it
//     off, may or may not be delivered; once at most).
//
// It waits for the validators to catch up first.
func (n *Net) Check(sent *Sent, nodes ...int) Report {
	n.t.Helper()
	if len(nodes) == 0 {
		for i := range n.nodes {
			nodes = append(nodes, i)
		}
	}
	t := n.t
	top := n.waitAll(nodes[0], sent, client.UntilSoft)
	n.waitAll(nodes[0], sent, client.UntilFirm) // the keys are on chain
	for _, i := range nodes {
		n.WaitHeight(i, top)
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	// Trust anchors: the genesis validators for firm proofs, the eon key
	// for the committee's signatures.
	vals, chainID, err := client.LoadGenesisValidators(filepath.Join(n.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	eons := n.eonKeys(ctx, nodes[0])

	// The chain: same blocks everywhere, each envelope once.
	pos := map[common.Hash]uint64{}
	for h := uint64(1); h <= top; h++ {
		var want common.Hash
		for k, i := range nodes {
			b, err := n.clients[i].Block(ctx, h)
			if err != nil {
				t.Fatalf("node%d block %d: %v", i, h, err)
			}
			if k == 0 {
				want = b.Hash
				for _, tx := range b.Txs {
					if at, dup := pos[tx.Hash]; dup {
						t.Fatalf("envelope %s committed twice: heights %d and %d", api.FormatHash(tx.Hash), at, h)
					}
					pos[tx.Hash] = h
				}
			} else if b.Hash != want {
				t.Fatalf("height %d: node%d has block %s, node%d has %s", h, nodes[0], want, i, b.Hash)
			}
		}
	}
	sent.mu.Lock()
	wantLegs := map[string]uint64{} // leg data → rollup
	for h, legs := range sent.legs {
		if _, ok := pos[h]; !ok {
			sent.mu.Unlock()
			t.Fatalf("accepted envelope %s is not in blocks 1..%d", api.FormatHash(h), top)
		}
		for _, l := range legs {
			wantLegs[string(l.Data)] = l.Rollup
		}
	}
	tried := maps.Clone(sent.tried)
	envelopes := len(sent.legs)
	sent.mu.Unlock()

	// The feeds: same batch roots everywhere, each leg once.
	seen := map[string]int64{}
	roots := map[uint64][]common.Hash{} // by rollup, index height-1
	for _, r := range devnet.DemoRollups {
		for h := int64(1); h <= int64(top); h++ {
			var want common.Hash
			for k, i := range nodes {
				b, err := n.batch(ctx, i, r.ID, h, api.LevelSoft)
				if err != nil {
					t.Fatalf("node%d soft batch of rollup %d at %d: %v", i, r.ID, h, err)
				}
				f, err := n.batch(ctx, i, r.ID, h, api.LevelFirm)
				if err != nil {
					t.Fatalf("node%d firm batch of rollup %d at %d: %v", i, r.ID, h, err)
				}
				if f.Root != b.Root {
					t.Fatalf("node%d at %d: firm batch root %s, soft %s", i, h, f.Root, b.Root)
				}
				if err := client.VerifyFirm(f, vals, chainID); err != nil {
					t.Fatalf("node%d firm batch of rollup %d at %d: %v", i, r.ID, h, err)
				}
				if eon := eons.at(h); f.Eon != eon.ID {
					t.Fatalf("node%d firm batch of rollup %d at %d: signed by eon %d, eon %d is active there", i, r.ID, h, f.Eon, eon.ID)
				} else if err := client.VerifySignedBatch(f, eon.key, chainID); err != nil {
					t.Fatalf("node%d firm batch of rollup %d at %d: %v", i, r.ID, h, err)
				}
				if k > 0 {
					if b.Root != want {
						t.Fatalf("height %d: node%d has batch root %s, node%d has %s", h, nodes[0], want, i, b.Root)
					}
					continue
				}
				want = b.Root
				roots[r.ID] = append(roots[r.ID], b.Root)
				for _, l := range b.Legs {
					if at, dup := seen[string(l.Data)]; dup {
						t.Fatalf("rollup %d: leg %q delivered twice: heights %d and %d", r.ID, l.Data, at, h)
					}
					seen[string(l.Data)] = h
					if tried[string(l.Data)] != r.ID {
						t.Fatalf("rollup %d at %d: leg %q was not sent to it", r.ID, h, l.Data)
					}
				}
			}
		}
	}
	for d := range wantLegs {
		if _, ok := seen[d]; !ok {
			t.Fatalf("leg %q never delivered in heights 1..%d", d, top)
		}
	}
	n.checkSubscribers(roots, int64(top))
	return Report{Envelopes: envelopes, Legs: len(seen), Height: top}
}

// subscriber is one SDK subscription to a node's feed, open from Start
// on across the node's restarts, recording the batches it yields.
type subscriber struct {
	node   int
	rollup uint64
	level  api.DecryptionLevel

	mu      sync.Mutex
	batches []*client.Batch
	err     error
}

// subscribe opens a subscription at each level to every rollup on every
// node, from height 1, until the test ends.
func (n *Net) subscribe(vals *cmttypes.ValidatorSet, chainID string) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	n.t.Cleanup(func() { cancel(); wg.Wait() })
	for i, c := range n.clients {
		for _, r := range devnet.DemoRollups {
			for _, level := range []api.DecryptionLevel{api.LevelSoft, api.LevelFirm} {
				s := &subscriber{node: i, rollup: r.ID, level: level}
				n.subs = append(n.subs, s)
				wg.Go(func() {
					for b, err := range c.Subscribe(ctx, r.ID, 1, level, client.WithTrust(vals, chainID), client.WithRetryDelay(50*time.Millisecond, time.Second)) {
						s.mu.Lock()
						if err != nil {
							s.err = err
						} else {
							s.batches = append(s.batches, b)
						}
						s.mu.Unlock()
					}
				})
			}
		}
	}
}

// checkSubscribers waits until every subscription has yielded heights
// 1..top and checks that each yielded every height once, in order, with
// the root the nodes serve.
func (n *Net) checkSubscribers(roots map[uint64][]common.Hash, top int64) {
	n.t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for _, s := range n.subs {
		for {
			s.mu.Lock()
			got, err := int64(len(s.batches)), s.err
			s.mu.Unlock()
			if err != nil {
				n.t.Fatalf("node%d: %v subscription to rollup %d: %v", s.node, s.level, s.rollup, err)
			}
			if got >= top {
				break
			}
			if time.Now().After(deadline) {
				n.t.Fatalf("node%d: %v subscription to rollup %d yielded %d of %d heights", s.node, s.level, s.rollup, got, top)
			}
			time.Sleep(50 * time.Millisecond)
		}
		s.mu.Lock()
		for k, b := range s.batches[:top] {
			if b.Height != int64(k+1) || b.Root != roots[s.rollup][k] || b.Level != s.level {
				s.mu.Unlock()
				n.t.Fatalf("node%d: %v subscription to rollup %d: batch %d is %v height %d root %s, want height %d root %s",
					s.node, s.level, s.rollup, k, b.Level, b.Height, b.Root, k+1, roots[s.rollup][k])
			}
		}
		s.mu.Unlock()
	}
}

// batch fetches a batch, waiting while the node has not reached the
// height at level yet.
func (n *Net) batch(ctx context.Context, i int, rollup uint64, h int64, level api.DecryptionLevel) (*client.Batch, error) {
	for {
		b, err := n.clients[i].GetBatch(ctx, rollup, h, level)
		if err == nil || !retryableFeed(err) {
			return b, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// retryableFeed reports whether a feed error may go away by waiting: the
// height is not decrypted yet (FailedPrecondition) or the node is
// restarting (Unavailable).
func retryableFeed(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeFailedPrecondition, connect.CodeUnavailable:
		return true
	}
	return false
}

// eonKey is an eon's public key and activation height.
type eonKey struct {
	ID         uint64
	key        *threshold.EonPublicKey
	activation int64
}

// eonList is the eons a test has seen, by increasing id.
type eonList []eonKey

// at returns the eon active at height h.
func (l eonList) at(h int64) eonKey {
	var e eonKey
	for _, k := range l {
		if k.activation <= h {
			e = k
		}
	}
	return e
}

// eonKeys returns every eon the network has had: those seen at Start and
// by NewEon, and the current and next eon of node i.
func (n *Net) eonKeys(ctx context.Context, i int) eonList {
	n.t.Helper()
	p, err := n.clients[i].Params(ctx)
	if err != nil {
		n.t.Fatal(err)
	}
	n.noteEons(p)
	n.eonMu.Lock()
	defer n.eonMu.Unlock()
	ids := slices.Sorted(maps.Keys(n.eons))
	out := make(eonList, len(ids))
	for k, id := range ids {
		out[k] = n.eons[id]
	}
	return out
}

// noteEons records p's current and next eon.
func (n *Net) noteEons(p *client.Params) {
	n.eonMu.Lock()
	defer n.eonMu.Unlock()
	if n.eons == nil {
		n.eons = map[uint64]eonKey{}
	}
	n.eons[p.Eon.ID] = eonKey{ID: p.Eon.ID, key: p.EonKey, activation: int64(p.Eon.ActivationHeight)}
	if p.NextEon != nil {
		n.eons[p.NextEon.ID] = eonKey{ID: p.NextEon.ID, key: p.NextEonKey, activation: int64(p.NextEon.ActivationHeight)}
	}
}
