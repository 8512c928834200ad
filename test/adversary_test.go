package test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtmempool "github.com/cometbft/cometbft/mempool"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/examples/amm"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// The adversary tests give one validator of four (a quarter of the
// power, under the f < T/3 the protocol assumes) everything a faulty
// operator has: its node's mempool as CheckTx admits each envelope, the
// proposals it builds (which it rewrites at will) and its keyholder's
// secret share. docs/threat-model.md ("Adversary tests") states what each
// test proves.

// ammRollup is the example AMM's rollup id on the adversary devnet.
const ammRollup = 1003

// ammStart is the pool every adversary test starts from.
var ammStart = amm.Pool{X: 10_000_000, Y: 10_000_000, FeeBps: 30}

// frontBuy is about the size of the adversary's buy ahead of a victim.
const frontBuy = 400_000

// watch is the network-wide record the wrapped validators and keyholders
// write. seq orders events across goroutines: an event with a smaller
// seq happened first.
type watch struct {
	seq atomic.Int64

	mu       sync.Mutex
	seen     map[common.Hash]map[int]int64 // envelope → validator → seq of its first admission
	verdicts []verdict
	releases []release
}

// verdict is a validator's ProcessProposal answer.
type verdict struct {
	validator int
	height    int64
	proposer  []byte
	accept    bool
}

// release is a keyholder release and the releasing node's last commit.
type release struct {
	seq       int64
	r         decrypt.Release
	committed int64
}

func newWatch() *watch { return &watch{seen: make(map[common.Hash]map[int]int64)} }

func (w *watch) saw(validator int, h common.Hash) {
	s := w.seq.Add(1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[h] == nil {
		w.seen[h] = make(map[int]int64)
	}
	if _, ok := w.seen[h][validator]; !ok {
		w.seen[h][validator] = s
	}
}

func (w *watch) onRelease(r decrypt.Release, committed int64) {
	s := w.seq.Add(1)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.releases = append(w.releases, release{seq: s, r: r, committed: committed})
}

// sightings returns the seqs at which validators first admitted h.
func (w *watch) sightings(h common.Hash) map[int]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[int]int64, len(w.seen[h]))
	for v, s := range w.seen[h] {
		out[v] = s
	}
	return out
}

// observer wraps an honest validator's application: it changes nothing
// and records admissions and proposal verdicts.
type observer struct {
	abci.Application
	w *watch
	i int
}

func (o *observer) CheckTx(ctx context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	res, err := o.Application.CheckTx(ctx, req)
	if err == nil && res.Code == 0 && req.Type != abci.CHECK_TX_TYPE_RECHECK {
		o.w.saw(o.i, crypto.Keccak256Hash(req.Tx))
	}
	return res, err
}

func (o *observer) ProcessProposal(ctx context.Context, req *abci.ProcessProposalRequest) (*abci.ProcessProposalResponse, error) {
	res, err := o.Application.ProcessProposal(ctx, req)
	if err == nil {
		o.w.mu.Lock()
		o.w.verdicts = append(o.w.verdicts, verdict{validator: o.i, height: req.Height, proposer: bytes.Clone(req.ProposerAddress),
			accept: res.Status == abci.PROCESS_PROPOSAL_STATUS_ACCEPT})
		o.w.mu.Unlock()
	}
	return res, err
}

// Attack modes of the adversary's proposals.
const (
	attackReorder = "reorder" // its front-run moved (or inserted) just before the victim
	attackCensor  = "censor"  // the victim dropped, without declaring it omitted
	// attackOmit drops the victim and its sale, declaring both omitted,
	// and keeps its buy: the known gap TestDeclaredOmissionCannotOrderLaterEnvelopeFirst shows.
	attackOmit = "declared-omission"
)

// attack is one proposal the adversary rewrote.
type attack struct {
	height int64
	mode   string
	victim common.Hash
}

// reaction is the adversary's answer to one victim envelope.
type reaction struct {
	victim      common.Hash
	seenSeq     int64 // when its CheckTx admitted the victim
	submitSeq   int64 // when it submitted its own swaps
	front, back *mempool.Envelope
}

// adversary wraps the faulty validator's application. It sees every
// envelope its node admits; for each one bound for the AMM from its
// target (the victim's address, which it is told) it at once submits a sandwich (a buy in the victim's direction,
// then the sale of what the buy returns) to its own node; and in each
// proposal of its own that holds a victim it rewrites the block by the
// next of its modes, in turn (attackReorder, attackCensor, attackOmit);
// and its vote extensions report its own swaps early and the victims
// late (ExtendVote).
// It is told the victim's direction (x for y) out of band,
// the most a side channel could give it; it never has the plaintext
// before the keys are out, which the test checks.
type adversary struct {
	observer
	key      *ecdsa.PrivateKey
	victims  chan victimSighting
	proposed chan int64

	// target is the victim's address: the adversary is told whom to
	// sandwich, and each envelope's sender is in the clear.
	target common.Address

	mu        sync.Mutex
	self      []byte                    // its validator address, from its first proposal
	front     map[common.Hash][]byte    // victim → its buy's envelope bytes
	back      map[common.Hash][]byte    // victim → its sale's envelope bytes
	mine      map[ordering.ShortID]bool // its own swaps
	targets   map[ordering.ShortID]bool // the victims it answered
	reactions []reaction
	attacks   []attack
	modes     []string // attack modes, used in turn
	lies      int      // vote extensions it falsified
}

type victimSighting struct {
	env *mempool.Envelope
	seq int64
}

func newAdversary(w *watch, i int, modes ...string) *adversary {
	return &adversary{
		observer: observer{w: w, i: i},
		victims:  make(chan victimSighting, 16),
		proposed: make(chan int64, 64),
		front:    make(map[common.Hash][]byte),
		back:     make(map[common.Hash][]byte),
		mine:     make(map[ordering.ShortID]bool),
		targets:  make(map[ordering.ShortID]bool),
		modes:    modes,
	}
}

func (a *adversary) CheckTx(ctx context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	res, err := a.observer.CheckTx(ctx, req)
	if err != nil || res.Code != 0 || req.Type == abci.CHECK_TX_TYPE_RECHECK {
		return res, err
	}
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	env, derr := mempool.Decode(req.Tx)
	if derr == nil && key != nil && env.Sender == a.target && slices.Contains(env.Rollups, ammRollup) {
		select {
		case a.victims <- victimSighting{env: env, seq: a.w.seq.Add(1)}:
		default:
		}
	}
	return res, err
}

func (a *adversary) PrepareProposal(ctx context.Context, req *abci.PrepareProposalRequest) (*abci.PrepareProposalResponse, error) {
	res, err := a.Application.PrepareProposal(ctx, req)
	if err != nil {
		return res, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.self = bytes.Clone(req.ProposerAddress)
	select {
	case a.proposed <- req.Height:
	default:
	}
	for iv, tx := range res.Txs {
		h := crypto.Keccak256Hash(tx)
		front, ok := a.front[h]
		if !ok {
			continue
		}
		mode := a.modes[len(a.attacks)%len(a.modes)]
		var txs [][]byte
		switch mode {
		case attackReorder:
			txs = placeBefore(res.Txs, iv, front)
		case attackCensor:
			txs = slices.Delete(slices.Clone(res.Txs), iv, iv+1)
		case attackOmit:
			txs = omitDeclared(res.Txs, tx, a.back[h])
		}
		a.attacks = append(a.attacks, attack{height: req.Height, mode: mode, victim: h})
		return &abci.PrepareProposalResponse{Txs: txs}, nil
	}
	return res, nil
}

// placeBefore returns txs with front at index i (moved there if the
// block holds it, inserted otherwise) and, if the 0xF0 transaction
// declared front omitted, that declaration taken out: a block that is
// exactly fair but for front's position.
func placeBefore(txs [][]byte, i int, front []byte) [][]byte {
	out := make([][]byte, 0, len(txs)+1)
	for j, tx := range txs {
		if j == i {
			out = append(out, front)
		}
		if bytes.Equal(tx, front) {
			continue
		}
		out = append(out, tx)
	}
	if len(out) > 0 && len(out[0]) > 0 && out[0][0] == ordering.SysTxVoteExtensions {
		if e, err := ordering.ParseEmbeddedExtensions(out[0]); err == nil {
			id := ordering.ShortIDOf(crypto.Keccak256Hash(front))
			e.Omitted = slices.DeleteFunc(e.Omitted, func(s ordering.ShortID) bool { return s == id })
			if b, err := e.Marshal(); err == nil {
				out[0] = b
			}
		}
	}
	return out
}

// ExtendVote lies in the adversary's vote extensions: it reports its own
// swaps a second before it saw them and each victim a second after,
// the faulty first-seen times the fair-ordering rule must absorb.
func (a *adversary) ExtendVote(ctx context.Context, req *abci.ExtendVoteRequest) (*abci.ExtendVoteResponse, error) {
	res, err := a.Application.ExtendVote(ctx, req)
	if err != nil || len(res.VoteExtension) == 0 {
		return res, err
	}
	rs, perr := ordering.ParseVoteExtension(res.VoteExtension)
	if perr != nil {
		return res, err
	}
	a.mu.Lock()
	lied := false
	for i := range rs {
		switch {
		case a.mine[rs[i].ID]:
			rs[i].Time -= 1000
			lied = true
		case a.targets[rs[i].ID]:
			rs[i].Time += 1000
			lied = true
		}
	}
	a.lies += btoi(lied)
	a.mu.Unlock()
	slices.SortFunc(rs, func(x, y ordering.Sighted) int {
		return cmp.Or(cmp.Compare(x.Time, y.Time), bytes.Compare(x.ID[:], y.ID[:]))
	})
	return &abci.ExtendVoteResponse{VoteExtension: ordering.EncodeVoteExtension(rs)}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// omitDeclared returns txs without the victim and the sale, both
// declared omitted in the 0xF0 transaction: a block FairOrder accepts
// when the block has room (see TestDeclaredOmissionCannotOrderLaterEnvelopeFirst).
func omitDeclared(txs [][]byte, victim, sale []byte) [][]byte {
	// The block's envelopes are all ready (the honest builder chose
	// them), so each one taken out must be declared.
	var dropped [][]byte
	out := slices.DeleteFunc(slices.Clone(txs), func(tx []byte) bool {
		if bytes.Equal(tx, victim) || bytes.Equal(tx, sale) {
			dropped = append(dropped, tx)
			return true
		}
		return false
	})
	if len(out) == 0 || len(out[0]) == 0 || out[0][0] != ordering.SysTxVoteExtensions {
		return out
	}
	e, err := ordering.ParseEmbeddedExtensions(out[0])
	if err != nil {
		return out
	}
	for _, tx := range dropped {
		e.Omitted = append(e.Omitted, ordering.ShortIDOf(crypto.Keccak256Hash(tx)))
	}
	slices.SortFunc(e.Omitted, func(a, b ordering.ShortID) int { return bytes.Compare(a[:], b[:]) })
	if b, err := e.Marshal(); err == nil {
		out[0] = b
	}
	return out
}

func (a *adversary) ProcessProposal(ctx context.Context, req *abci.ProcessProposalRequest) (*abci.ProcessProposalResponse, error) {
	res, err := a.observer.ProcessProposal(ctx, req)
	a.mu.Lock()
	own := a.self != nil && bytes.Equal(req.ProposerAddress, a.self)
	a.mu.Unlock()
	if err == nil && own {
		// It stands by its own proposals, whatever the rule says.
		return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_ACCEPT}, nil
	}
	return res, err
}

// run answers each victim with a sandwich submitted to the adversary's
// own node, until ctx ends.
func (a *adversary) run(ctx context.Context, t *testing.T, d *devnet.Devnet, params *client.Params, node int) {
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	nonce := uint64(0)
	for {
		var v victimSighting
		select {
		case <-ctx.Done():
			return
		case v = <-a.victims:
		}
		buy := frontBuy + nonce // distinct leg data in every round
		got, err := ammStart.Quote(amm.XForY, buy)
		if err != nil {
			t.Errorf("adversary quote: %v", err)
			return
		}
		height, _ := d.Network.Nodes[node].App().LastCommit()
		front, err := trySealSwap(params, key, nonce, uint64(height)+40, amm.Swap{Trader: client.Address(key), Dir: amm.XForY, In: buy})
		if err != nil {
			t.Errorf("adversary seal: %v", err)
			return
		}
		back, err := trySealSwap(params, key, nonce+1, uint64(height)+40, amm.Swap{Trader: client.Address(key), Dir: amm.YForX, In: got})
		if err != nil {
			t.Errorf("adversary seal: %v", err)
			return
		}
		nonce += 2
		victim := common.Hash(v.env.Hash())
		a.mu.Lock()
		a.front[victim], a.back[victim] = front.Encode(), back.Encode()
		a.mine[ordering.ShortIDOf(front.Hash())], a.mine[ordering.ShortIDOf(back.Hash())] = true, true
		a.targets[ordering.ShortIDOf(victim)] = true
		a.mu.Unlock()
		s := a.w.seq.Add(1)
		for _, e := range []*mempool.Envelope{front, back} {
			if _, err := d.Network.Nodes[node].Submit(e.Encode()); err != nil {
				t.Errorf("adversary submit: %v", err)
				return
			}
		}
		a.mu.Lock()
		a.reactions = append(a.reactions, reaction{victim: victim, seenSeq: v.seq, submitSeq: s, front: front, back: back})
		a.mu.Unlock()
	}
}

func (a *adversary) reactionTo(victim common.Hash) (reaction, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.reactions {
		if r.victim == victim {
			return r, true
		}
	}
	return reaction{}, false
}

// sealSwap seals one AMM swap for the AMM rollup and remembers its leg
// data (swapData).
func sealSwap(t *testing.T, p *client.Params, key *ecdsa.PrivateKey, nonce, expiry uint64, s amm.Swap) *mempool.Envelope {
	t.Helper()
	env, err := trySealSwap(p, key, nonce, expiry, s)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func trySealSwap(p *client.Params, key *ecdsa.PrivateKey, nonce, expiry uint64, s amm.Swap) (*mempool.Envelope, error) {
	env, err := client.Seal(rand.Reader, p, key, client.Tx{Legs: []client.Leg{{Rollup: ammRollup, Data: s.Encode()}}, Nonce: nonce, Expiry: expiry})
	if err != nil {
		return nil, err
	}
	sealed.Lock()
	sealed.m[common.Hash(env.Hash())] = s.Encode()
	sealed.Unlock()
	return env, nil
}

// adversaryDevnet starts four validators with validator adv wrapped by
// the adversary (attacking by modes) and the others by observers, and
// sets the adversary going; the adversary's keyholder withholds its
// shares (it keeps its secret share to itself).
func adversaryDevnet(t *testing.T, ctx context.Context, adv int, modes ...string) (*devnet.Devnet, *watch, *adversary, *client.Client, *client.Params) {
	w := newWatch()
	cfg := devnetConfig(t.TempDir(), 4)
	cfg.ExtraRollups = []ordering.Rollup{{ID: ammRollup, Name: "amm"}}
	cfg.Keyholders = map[int]devnet.KeyholderFault{adv + 1: devnet.KeyholderOffline}
	cfg.OnRelease = w.onRelease
	a := newAdversary(w, adv, modes...)
	cfg.WrapApp = make(map[int]func(abci.Application) abci.Application)
	for i := range cfg.Validators {
		cfg.WrapApp[i] = func(app abci.Application) abci.Application {
			if i == adv {
				a.Application = app
				return a
			}
			return &observer{Application: app, w: w, i: i}
		}
	}
	d := startDevnetConfig(t, cfg)
	// The adversary's wallet exists only once the devnet does.
	a.mu.Lock()
	a.key = d.Wallets[2]
	a.mu.Unlock()
	a.target = client.Address(d.Wallets[0])
	c, params := dialParams(t, ctx, d)
	advCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.run(advCtx, t, d, params, adv)
	}()
	t.Cleanup(func() { stop(); wg.Wait() })
	return d, w, a, c, params
}

// dialParams dials the devnet's API and fetches its encryption
// parameters.
func dialParams(t *testing.T, ctx context.Context, d *devnet.Devnet) (*client.Client, *client.Params) {
	t.Helper()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c, params
}

// committedAt returns a transaction's committed position on validator
// node.
func committedAt(t *testing.T, d *devnet.Devnet, node int, h common.Hash) ordering.TxRecord {
	t.Helper()
	r, err := d.Network.Nodes[node].App().Tx(h)
	if err != nil {
		t.Fatalf("%s not committed on validator %d: %v", h, node, err)
	}
	return r
}

func before(a, b ordering.TxRecord) bool {
	return a.Height < b.Height || a.Height == b.Height && a.Index < b.Index
}

// round is one victim and the adversary's answer to it.
type round struct {
	other, victim *mempool.Envelope
	victimSwap    amm.Swap
	react         reaction
}

// rejectedModes counts the adversary's rewritten proposals every honest
// validator that processed them rejected, by mode.
func rejectedModes(w *watch, a *adversary, adv int) map[string]int {
	out := map[string]int{}
	a.mu.Lock()
	attacks := slices.Clone(a.attacks)
	a.mu.Unlock()
	for _, at := range attacks {
		if v := honestVerdicts(w, a, adv, at.height); len(v) > 0 && !slices.Contains(v, true) {
			out[at.mode]++
		}
	}
	return out
}

// sandwichRounds sends victims (each after an honest trader's swap), one
// round at a time, until done says so or the rounds run out, and returns
// the rounds and the highest height any of their swaps committed at.
// Each round's victim is sent two heights after an adversary proposal,
// so that it is ready (reported in the next height's votes) when the
// adversary's next turn comes round.
func sandwichRounds(t *testing.T, ctx context.Context, d *devnet.Devnet, c *client.Client, params *client.Params, a *adversary, done func([]round) bool) ([]round, int64) {
	t.Helper()
	victimKey, otherKey := d.Wallets[0], d.Wallets[1]
	var rounds []round
	app := d.Network.Nodes[0].App()
	maxRounds := 8
	if heavy() {
		maxRounds = 24
	}
	var last, top int64
	for r := 0; r < maxRounds && !done(rounds); r++ {
		// The adversary's latest proposal, if it is recent enough to
		// align on; else its next one.
		var p int64
		for drained := false; !drained; {
			select {
			case q := <-a.proposed:
				p = max(p, q)
			default:
				drained = true
			}
		}
		if h, _ := app.LastCommit(); p <= last || h > p+1 {
			select {
			case p = <-a.proposed:
			case <-ctx.Done():
				t.Fatal("the adversary never proposed")
			}
		}
		last = p
		waitFor(t, ctx, "two heights after the adversary's proposal", func() bool { h, _ := app.LastCommit(); return h >= p+2 })
		h, _ := app.LastCommit()
		acct, err := c.Account(ctx, client.Address(victimKey))
		if err != nil {
			t.Fatal(err)
		}
		otherAcct, err := c.Account(ctx, client.Address(otherKey))
		if err != nil {
			t.Fatal(err)
		}
		// An honest trader's swap a moment before the victim: the
		// no-adversary price must account for it.
		other := sealSwap(t, params, otherKey, otherAcct.PendingNonce, uint64(h)+40,
			amm.Swap{Trader: client.Address(otherKey), Dir: amm.YForX, In: 30_000 + uint64(r)})
		vs := amm.Swap{Trader: client.Address(victimKey), Dir: amm.XForY, In: 250_000 + uint64(r), MinOut: 1}
		victim := sealSwap(t, params, victimKey, acct.PendingNonce, uint64(h)+40, vs)
		for _, e := range []*mempool.Envelope{other, victim} {
			if _, err := c.Submit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		// The victim also goes straight to the other honest validators
		// (a wallet may submit to several nodes), so that all of them
		// see it before the adversary's answer can reach them: the
		// hypothesis of the ordering guarantee (see sawFirst).
		for i, n := range d.Network.Nodes {
			if i == 0 || i == a.i {
				continue
			}
			if _, err := n.Submit(victim.Encode()); err != nil && !errors.Is(err, cmtmempool.ErrTxInCache) {
				t.Fatalf("submit to validator %d: %v", i, err)
			}
		}
		var react reaction
		waitFor(t, ctx, "the adversary's sandwich", func() bool {
			var ok bool
			react, ok = a.reactionTo(victim.Hash())
			return ok
		})
		final := waitFinal(ctx, t, app, []common.Hash{other.Hash(), victim.Hash(), react.front.Hash(), react.back.Hash()})
		for h, rec := range final {
			if rec.Status != ordering.TxDecrypted {
				t.Fatalf("round %d: %s is %v", r, h, rec.Status)
			}
		}
		rounds = append(rounds, round{other: other, victim: victim, victimSwap: vs, react: react})
		t.Logf("round %d: adversary proposed %d, victim sent at %d, committed at %d", r, p, h, final[victim.Hash()].Height)
		top = max(top, final[victim.Hash()].Height, final[react.front.Hash()].Height, final[react.back.Hash()].Height)
	}
	return rounds, top
}

// TestAdversarialValidatorCannotSandwich runs the sandwich adversary
// (see adversary) against victims on the example AMM until its proposals
// have tried both attacks, and checks, for every victim:
//   - each rewritten proposal was rejected by every honest validator
//     that processed it, and the chain went on without it;
//   - the victim committed before the adversary's buy and sale;
//   - the victim's execution price, from the firm feed, equals the price
//     of the pool replayed without the adversary's swaps;
//   - the adversary could first compute the victim's key (its own share
//     plus every share released anywhere) only after the victim's height
//     had committed, and after it had committed to its own swaps.
func TestAdversarialValidatorCannotSandwich(t *testing.T) {
	const adv = 3
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, w, a, c, params := adversaryDevnet(t, ctx, adv, attackReorder, attackCensor)
	rounds, top := sandwichRounds(t, ctx, d, c, params, a, func(rounds []round) bool {
		m := rejectedModes(w, a, adv)
		n := 0
		for _, r := range rounds {
			if sawFirst(w, adv, r.victim.Hash(), r.react.front.Hash()) {
				n++
			}
		}
		return n >= 2 && m[attackReorder] > 0 && m[attackCensor] > 0 && !heavy()
	})

	// Every rewritten proposal was rejected by every honest validator
	// that saw it, and each mode was tried.
	a.mu.Lock()
	attacks := slices.Clone(a.attacks)
	a.mu.Unlock()
	modes := map[string]int{}
	for _, at := range attacks {
		v := honestVerdicts(w, a, adv, at.height)
		if len(v) == 0 {
			t.Errorf("no honest validator processed the %s proposal at height %d", at.mode, at.height)
			continue
		}
		if slices.Contains(v, true) {
			t.Fatalf("an honest validator accepted the adversary's %s proposal at height %d", at.mode, at.height)
		}
		modes[at.mode]++
	}
	// The same validator's untouched proposals pass: the rejections are
	// the rule's answer to the rewriting, not to the proposer.
	accepted := 0
	a.mu.Lock()
	self := a.self
	a.mu.Unlock()
	w.mu.Lock()
	for _, v := range w.verdicts {
		if v.validator != adv && v.accept && bytes.Equal(v.proposer, self) {
			accepted++
		}
	}
	w.mu.Unlock()
	if accepted == 0 {
		t.Fatal("no honest validator accepted any of the adversary's proposals")
	}
	a.mu.Lock()
	lies := a.lies
	a.mu.Unlock()
	if lies == 0 {
		t.Fatal("the adversary never falsified a vote extension")
	}
	t.Logf("%d rounds; rejected adversary proposals by mode: %v; honest acceptances of its other proposals: %d; falsified vote extensions: %d",
		len(rounds), modes, accepted, lies)
	if modes[attackReorder] == 0 || modes[attackCensor] == 0 {
		t.Fatalf("the adversary's turns never held a victim for both attacks (%v in %d rounds)", modes, len(rounds))
	}

	legs := ammLegs(t, ctx, c, top)
	pk := params.EonKey
	own := d.Shares[adv]
	conclusive := 0
	for i, r := range rounds {
		vh, fh := common.Hash(r.victim.Hash()), common.Hash(r.react.front.Hash())
		// The ordering guarantee covers rounds in which every honest
		// validator admitted the victim before any admitted the buy;
		// in the others the network raced the adversary and the rule
		// may order the two either way.
		if !sawFirst(w, adv, vh, fh) {
			t.Logf("round %d: honest sightings overlap (victim %v, buy %v): order and price not checked", i, w.sightings(vh), w.sightings(fh))
		} else {
			checkOrderAndPrice(t, d, i, r, legs)
			conclusive++
		}

		// Knowledge: the first moment the adversary holds t shares of the
		// victim's identity (its own, any time, and every share released
		// anywhere) comes after the victim's height committed.
		id := r.victim.Identity()
		seq, committed, key := firstKnowledge(t, w, pk, adv+1, own.KeyShare(id), id)
		if key == nil {
			t.Fatalf("round %d: the victim's key never became computable", i)
		}
		pt, err := threshold.Decrypt(key, r.victim.Ciphertext, r.victim.Header())
		if err != nil || !bytes.Equal(pt, r.victimSwap.Encode()) {
			t.Fatalf("round %d: the shares the adversary gathered do not open the victim: %v", i, err)
		}
		vr := committedAt(t, d, 1, vh)
		if committed < vr.Height {
			t.Fatalf("round %d: the adversary could compute the victim's key with only height %d committed, the victim is at %d", i, committed, vr.Height)
		}
		if r.react.submitSeq > seq || r.react.seenSeq > seq {
			t.Fatalf("round %d: the adversary acted (seq %d) after it could know the plaintext (seq %d)", i, r.react.submitSeq, seq)
		}
		if res, ok := d.Pool(adv).Result(vr.Height); !ok || res.AvailableAt < vr.Height {
			t.Fatalf("round %d: the adversary's node could decrypt height %d at commit %v", i, vr.Height, res)
		}
		t.Logf("round %d: key computable at seq %d, with height %d committed; the adversary acted at seq %d", i, seq, committed, r.react.submitSeq)
	}
	if conclusive == 0 {
		t.Fatal("no round in which every honest validator saw the victim first")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, rel := range w.releases {
		if rel.r.Height > rel.committed {
			t.Fatalf("member %d released height %d with %d committed", rel.r.Member, rel.r.Height, rel.committed)
		}
	}
}

// sawFirst reports whether every honest validator admitted the victim
// before any honest validator admitted the buy.
func sawFirst(w *watch, adv int, victim, buy common.Hash) bool {
	vs, fs := w.sightings(victim), w.sightings(buy)
	var lastV, firstF int64 = 0, 1 << 62
	for v := range 4 {
		if v == adv {
			continue
		}
		if vs[v] == 0 || fs[v] == 0 {
			return false
		}
		lastV, firstF = max(lastV, vs[v]), min(firstF, fs[v])
	}
	return lastV < firstF
}

// checkOrderAndPrice checks round i: the victim committed before both
// of the adversary's swaps, and it paid what the pool without them pays.
func checkOrderAndPrice(t *testing.T, d *devnet.Devnet, i int, r round, legs []rollupfeed.BatchLeg) {
	t.Helper()
	vh, fh, bh := common.Hash(r.victim.Hash()), common.Hash(r.react.front.Hash()), common.Hash(r.react.back.Hash())
	// Committed order: the victim before both of the adversary's swaps.
	vr, fr, br := committedAt(t, d, 1, vh), committedAt(t, d, 1, fh), committedAt(t, d, 1, bh)
	if !before(vr, fr) || !before(vr, br) {
		t.Fatalf("round %d: victim at %d/%d, adversary's buy at %d/%d, sale at %d/%d", i,
			vr.Height, vr.Index, fr.Height, fr.Index, br.Height, br.Index)
	}

	// Price: what the firm feed executed equals the pool replayed
	// without this victim's sandwich.
	front, back := r.react.front, r.react.back
	theirs := func(data []byte) bool {
		return bytes.Equal(data, swapData(t, front)) || bytes.Equal(data, swapData(t, back))
	}
	_, got := replay(t, legs, r.victimSwap.Encode(), func([]byte) bool { return false })
	fair, _ := replay(t, legs, r.victimSwap.Encode(), theirs)
	want, err := fair.Quote(amm.XForY, r.victimSwap.In)
	if err != nil || got.Err != nil || got.Out != want {
		t.Fatalf("round %d: victim got %d (%v), the pool without the adversary pays %d (%v)", i, got.Out, got.Err, want, err)
	}
	sandwiched := fair
	if _, err := sandwiched.Swap(&amm.Swap{Dir: amm.XForY, In: frontBuy}); err != nil {
		t.Fatal(err)
	}
	worse, _ := sandwiched.Quote(amm.XForY, r.victimSwap.In)
	if worse >= want {
		t.Fatalf("round %d: the buy would not have hurt the victim (%d vs %d)", i, worse, want)
	}

	t.Logf("round %d: victim %d/%d, buy %d/%d, sale %d/%d; victim paid %d out, %d if sandwiched", i, vr.Height, vr.Index, fr.Height, fr.Index, br.Height, br.Index, got.Out, worse)
}

// honestVerdicts returns the honest validators' verdicts on the
// adversary's proposals at height.
func honestVerdicts(w *watch, a *adversary, adv int, height int64) []bool {
	a.mu.Lock()
	self := a.self
	a.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []bool
	for _, v := range w.verdicts {
		if v.validator != adv && v.height == height && bytes.Equal(v.proposer, self) {
			out = append(out, v.accept)
		}
	}
	return out
}

// firstKnowledge replays the keyholder releases in the order they
// happened and returns the first at which the adversary (member, holding
// ownShare) has t verified shares of id, the releasing node's committed
// height then, and the key those shares give.
func firstKnowledge(t *testing.T, w *watch, pk *threshold.EonPublicKey, member int, ownShare *threshold.KeyShare, id threshold.Identity) (int64, int64, *threshold.DecryptionKey) {
	t.Helper()
	w.mu.Lock()
	rels := slices.Clone(w.releases)
	w.mu.Unlock()
	sort.Slice(rels, func(i, j int) bool { return rels[i].seq < rels[j].seq })
	shares := map[int][]*threshold.KeyShare{member: {ownShare}}
	for _, rel := range rels {
		if rel.r.Eon != pk.Eon() || shares[rel.r.Member] != nil {
			continue
		}
		for _, s := range rel.r.Shares {
			if threshold.VerifyKeyShares(rand.Reader, pk, rel.r.Member, []threshold.Identity{id}, []*threshold.KeyShare{s}) == nil {
				shares[rel.r.Member] = []*threshold.KeyShare{s}
				break
			}
		}
		if len(shares) >= pk.Threshold() {
			keys, err := threshold.AggregateKeys(pk, []threshold.Identity{id}, shares)
			if err != nil {
				t.Fatal(err)
			}
			return rel.seq, rel.committed, keys[0]
		}
	}
	return 0, 0, nil
}

// ammLegs returns the AMM's legs of heights 1..top in committed order,
// from the firm feed, each batch checked against its root.
func ammLegs(t *testing.T, ctx context.Context, c *client.Client, top int64) []rollupfeed.BatchLeg {
	t.Helper()
	var out []rollupfeed.BatchLeg
	for h := int64(1); h <= top; h++ {
		var b *client.Batch
		var err error
		// A height is firm in the feed once its keys are recorded and
		// the committee has signed its root: wait for it.
		waitFor(t, ctx, fmt.Sprintf("firm batch %d", h), func() bool {
			b, err = c.GetBatch(ctx, ammRollup, h, api.LevelFirm)
			return connect.CodeOf(err) != connect.CodeFailedPrecondition
		})
		if err == nil {
			err = client.VerifyBatch(b)
		}
		if err != nil {
			t.Fatalf("firm batch %d: %v", h, err)
		}
		out = append(out, b.Legs...)
	}
	return out
}

// replay applies legs to ammStart in order, except those skip names
// (by leg data), up to the leg with data stop: it returns the pool just
// before that leg and the receipt the leg gets there.
func replay(t *testing.T, legs []rollupfeed.BatchLeg, stop []byte, skip func([]byte) bool) (amm.Pool, amm.Receipt) {
	t.Helper()
	pool := ammStart
	for i := range legs {
		l := legs[i]
		if bytes.Equal(l.Data, stop) {
			before := pool
			r := pool.Apply(&rollupfeed.Batch{Height: l.Height, Rollup: ammRollup, Legs: []rollupfeed.BatchLeg{l}})
			return before, r[0]
		}
		if !skip(l.Data) {
			pool.Apply(&rollupfeed.Batch{Height: l.Height, Rollup: ammRollup, Legs: []rollupfeed.BatchLeg{l}})
		}
	}
	t.Fatalf("leg %x not in the feed", stop)
	return amm.Pool{}, amm.Receipt{}
}

// sealed maps each envelope sealSwap made to its leg data.
var sealed = struct {
	sync.Mutex
	m map[common.Hash][]byte
}{m: make(map[common.Hash][]byte)}

// swapData returns the AMM leg an envelope sealSwap made carries.
func swapData(t *testing.T, e *mempool.Envelope) []byte {
	t.Helper()
	sealed.Lock()
	defer sealed.Unlock()
	data, ok := sealed.m[common.Hash(e.Hash())]
	if !ok {
		t.Fatalf("envelope %x was not sealed by sealSwap", e.Hash())
	}
	return data
}

// heavy reports whether VEIL_HEAVY asks for the long variants.
func heavy() bool { return os.Getenv("VEIL_HEAVY") != "" }
