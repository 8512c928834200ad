package ordering

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/mempool"
)

// fairChain drives one fair-ordering App through heights with vote
// extensions signed by four test validators of power 1.
type fairChain struct {
	t    *testing.T
	w    *world
	app  *App
	vals []ed25519.PrivKey
}

func newFairChain(t *testing.T, wallets int) *fairChain {
	t.Helper()
	w := newWorld(t, wallets)
	c := &fairChain{t: t, w: w}
	var updates []abci.ValidatorUpdate
	for i := range 4 {
		k := ed25519.GenPrivKeyFromSecret([]byte{byte(i)})
		c.vals = append(c.vals, k)
		updates = append(updates, abci.ValidatorUpdate{Power: 1, PubKeyType: ed25519.KeyType, PubKeyBytes: k.PubKey().Bytes()})
	}
	a, err := New(Config{DB: dbm.NewMemDB(), Rule: FairOrder{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	appState, err := w.genesis.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, InitialHeight: 1, AppStateBytes: appState, Validators: updates}); err != nil {
		t.Fatal(err)
	}
	c.app = a
	return c
}

// ms is a report time: offset milliseconds after block 1's time.
func ms(offset int64) int64 { return blockTime(1).UnixMilli() + offset }

// commit builds the extended commit of height h with the given
// extensions, validator i signing exts[i]; a nil extension is an absent
// vote.
func (c *fairChain) commit(h int64, exts ...[]byte) abci.ExtendedCommitInfo {
	ci := abci.ExtendedCommitInfo{Round: 0}
	for i, k := range c.vals {
		v := abci.ExtendedVoteInfo{Validator: abci.Validator{Address: k.PubKey().Address(), Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagAbsent}
		if i < len(exts) && exts[i] != nil {
			sig, err := k.Sign(cmttypes.VoteExtensionSignBytes(testChain, &cmtproto.Vote{Height: h, Round: 0, Extension: exts[i]}))
			if err != nil {
				c.t.Fatal(err)
			}
			v.BlockIdFlag, v.VoteExtension, v.ExtensionSignature = cmtproto.BlockIDFlagCommit, exts[i], sig
		}
		ci.Votes = append(ci.Votes, v)
	}
	slices.SortFunc(ci.Votes, func(a, b abci.ExtendedVoteInfo) int { return string2cmp(a.Validator.Address, b.Validator.Address) })
	return ci
}

func string2cmp(a, b []byte) int { return bytes.Compare(a, b) }

// ext encodes reports given as (tx, time) pairs.
func ext(pairs ...any) []byte {
	var rs []Sighted
	for i := 0; i < len(pairs); i += 2 {
		rs = append(rs, Sighted{ID: ShortIDOf(mempool.Hash(keccak(pairs[i].([]byte)))), Time: pairs[i+1].(int64)})
	}
	slices.SortFunc(rs, func(a, b Sighted) int {
		if a.Time != b.Time {
			return int(a.Time - b.Time)
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return EncodeVoteExtension(rs)
}

func (c *fairChain) height() int64 { h, _ := c.app.LastCommit(); return h + 1 }

func (c *fairChain) prepare(commit abci.ExtendedCommitInfo, mempoolTxs ...[]byte) [][]byte {
	c.t.Helper()
	h := c.height()
	res, err := c.app.PrepareProposal(context.Background(), &abci.PrepareProposalRequest{Height: h, Time: blockTime(h), Txs: mempoolTxs, MaxTxBytes: 1 << 20, LocalLastCommit: commit})
	if err != nil {
		c.t.Fatal(err)
	}
	return res.Txs
}

func (c *fairChain) process(txs [][]byte) bool {
	c.t.Helper()
	h := c.height()
	res, err := c.app.ProcessProposal(context.Background(), &abci.ProcessProposalRequest{Height: h, Time: blockTime(h), Txs: txs})
	if err != nil {
		c.t.Fatal(err)
	}
	return res.Status == abci.PROCESS_PROPOSAL_STATUS_ACCEPT
}

// step proposes from the mempool, checks the proposal is accepted, and
// commits it, returning the block's envelopes.
func (c *fairChain) step(commit abci.ExtendedCommitInfo, mempoolTxs ...[]byte) [][]byte {
	c.t.Helper()
	txs := c.prepare(commit, mempoolTxs...)
	if !c.process(txs) {
		c.t.Fatalf("height %d: own proposal rejected", c.height())
	}
	finalize(c.t, c.app, txs...)
	var envs [][]byte
	for _, tx := range txs {
		if !IsSystemTx(tx) {
			envs = append(envs, tx)
		}
	}
	return envs
}

// TestFairAcrossHeights: an envelope reaching the quorum at a later
// height is ordered after one that reached it earlier, even with an
// earlier first-seen time; unless it had been seen by more than a third
// before the other was ready, in which case the other waits for it.
func TestFairAcrossHeights(t *testing.T) {
	for _, tc := range []struct {
		name string
		// reports of B at height 1 (A is reported by validators 0–2 at +100)
		early []int64
		// blocks 2 and 3, by letter
		want2, want3 string
	}{
		{"B seen by one validator first: A goes first", []int64{50, no, no, no}, "A", "B"},
		{"B seen by two validators first: A waits for B", []int64{50, 60, no, no}, "", "BA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFairChain(t, 2)
			A, B := c.w.tx(0, 0, 10), c.w.tx(1, 0, 10)
			name := func(envs [][]byte) string {
				s := ""
				for _, e := range envs {
					switch {
					case slices.Equal(e, A):
						s += "A"
					case slices.Equal(e, B):
						s += "B"
					}
				}
				return s
			}
			if got := c.step(abci.ExtendedCommitInfo{}, A, B); len(got) != 0 {
				t.Fatalf("block 1 holds %d envelopes before any report", len(got))
			}
			exts := make([][]byte, 4)
			for v := range 4 {
				var pairs []any
				if v < 3 {
					pairs = append(pairs, A, ms(100))
				}
				if tc.early[v] != no {
					pairs = append(pairs, B, ms(tc.early[v]))
				}
				exts[v] = ext(pairs...)
			}
			if got := name(c.step(c.commit(1, exts...), A, B)); got != tc.want2 {
				t.Fatalf("block 2: %q, want %q", got, tc.want2)
			}
			// Height 2: the rest of the validators report B.
			for v := range 4 {
				if tc.early[v] == no {
					exts[v] = ext(B, ms(70))
				} else {
					exts[v] = ext()
				}
			}
			if got := name(c.step(c.commit(2, exts...), A, B)); got != tc.want3 {
				t.Fatalf("block 3: %q, want %q", got, tc.want3)
			}
		})
	}
}

// TestFairProposalChecks: ProcessProposal rejects blocks whose embedded
// extensions or order break the rule, with a reason and never an error.
func TestFairProposalChecks(t *testing.T) {
	c := newFairChain(t, 3)
	A, B, X := c.w.tx(0, 0, 10), c.w.tx(1, 0, 10), c.w.tx(2, 0, 10)
	c.step(abci.ExtendedCommitInfo{})
	all := ext(A, ms(100), B, ms(200))
	good := c.commit(1, all, all, all, ext(X, ms(5)))
	block := c.prepare(good, B, X, A)
	if len(block) != 3 || !slices.Equal(block[1], A) || !slices.Equal(block[2], B) {
		t.Fatalf("prepared %d txs, want 0xF0, A, B", len(block))
	}
	sys := func(ci abci.ExtendedCommitInfo, omitted ...ShortID) []byte {
		e := EmbeddedExtensions{Commit: ci, Omitted: omitted}
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	outsider := ed25519.GenPrivKeyFromSecret([]byte("not a validator"))
	firstCommit := func(ci abci.ExtendedCommitInfo) int {
		for i, v := range ci.Votes {
			if v.BlockIdFlag == cmtproto.BlockIDFlagCommit {
				return i
			}
		}
		t.Fatal("no vote for the block")
		return 0
	}
	forged := c.commit(1, all, all, all, nil)
	forged.Votes[firstCommit(forged)].ExtensionSignature[0] ^= 1
	// A non-validator's signed extension in place of a validator's.
	stranger := c.commit(1, all, all, all, nil)
	sig, _ := outsider.Sign(cmttypes.VoteExtensionSignBytes(testChain, &cmtproto.Vote{Height: 1, Extension: all}))
	i := firstCommit(stranger)
	stranger.Votes[i].Validator.Address, stranger.Votes[i].ExtensionSignature = outsider.PubKey().Address(), sig
	oldHeight := c.commit(0, all, all, all, nil)
	malformed := c.commit(1, all, all, []byte{1, 9}, nil)
	future := c.commit(1, all, all, ext(A, ms(3_600_000), B, ms(200)), nil)
	weak := c.commit(1, all, all, nil, nil)
	for _, tc := range []struct {
		name string
		txs  [][]byte
		ok   bool
	}{
		{"own proposal", block, true},
		{"no vote extensions", block[1:], false},
		{"extensions not first", [][]byte{A, block[0], B}, false},
		{"two 0xF0 transactions", [][]byte{block[0], block[0], A, B}, false},
		{"reversed order", [][]byte{block[0], B, A}, false},
		{"ineligible envelope", [][]byte{block[0], A, B, X}, false},
		{"undeclared omission", [][]byte{block[0], A}, false},
		{"declared omission", [][]byte{sys(good, ShortIDOf(mempool.Hash(keccak(B)))), A}, true},
		{"forged signature", [][]byte{sys(forged), A, B}, false},
		{"signed by a non-validator", [][]byte{sys(stranger), A, B}, false},
		{"extension of another height", [][]byte{sys(oldHeight), A, B}, false},
		{"malformed extension", [][]byte{sys(malformed), A, B}, false},
		{"under two thirds of the power", [][]byte{sys(weak), A, B}, false},
		{"garbage 0xF0", [][]byte{{SysTxVoteExtensions, 1, 0xff}, A, B}, false},
		// A report an hour in the future is dropped: A then has two
		// reports of four, may not be included, and holds back B, which
		// validators 0 and 1 saw after it.
		{"far-future report dropped", [][]byte{sys(future), A, B}, false},
		{"far-future report dropped, B held back", [][]byte{sys(future), B}, false},
		{"far-future report dropped, both wait", [][]byte{sys(future)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.process(tc.txs); got != tc.ok {
				t.Errorf("accepted = %v, want %v", got, tc.ok)
			}
		})
	}
	// The decided block is finalized and the reports recorded: A and B
	// are included, X waits with one report.
	finalize(t, c.app, block...)
	for _, tx := range [][]byte{A, B} {
		if rec, err := c.app.Tx(keccak(tx)); err != nil || rec.Height != 2 {
			t.Errorf("record %+v, %v", rec, err)
		}
	}
	if rec, err := c.app.Tx(keccak(A)); err != nil || rec.Index != 0 {
		t.Errorf("A's index among the envelopes: %+v, %v", rec, err)
	}
}

// TestFairVoteExtensions: a validator reports what CheckTx stamped,
// once, and again when the next block left its extension out;
// VerifyVoteExtension checks format and size only.
func TestFairVoteExtensions(t *testing.T) {
	w := newWorld(t, 2)
	now := blockTime(1)
	self := ed25519.GenPrivKeyFromSecret([]byte{0}).PubKey().Address()
	a, err := New(Config{DB: dbm.NewMemDB(), Rule: FairOrder{}, ValidatorAddress: self, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	appState, _ := w.genesis.Marshal()
	if _, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, InitialHeight: 1, AppStateBytes: appState}); err != nil {
		t.Fatal(err)
	}
	A := w.tx(0, 0, 10)
	if err := checkTx(t, a, A, false); err != nil {
		t.Fatal(err)
	}
	if err := checkTx(t, a, []byte{SysTxVoteExtensions, 1, 0, 0}, false); !errors.Is(err, mempool.ErrMalformed) {
		t.Errorf("system tx in CheckTx: %v, want ErrMalformed", err)
	}
	extend := func(h int64, txs ...[]byte) []Sighted {
		t.Helper()
		res, err := a.ExtendVote(context.Background(), &abci.ExtendVoteRequest{Height: h, Txs: txs})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ParseVoteExtension(res.VoteExtension)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	want := []Sighted{{ShortIDOf(mempool.Hash(keccak(A))), now.UnixMilli()}}
	if got := extend(1); !slices.Equal(got, want) {
		t.Fatalf("height 1: %v, want %v", got, want)
	}
	if got := extend(1); !slices.Equal(got, want) {
		t.Fatalf("height 1, next round: %v, want %v", got, want)
	}
	// Block 2 leaves this validator's extension out: report again at 2.
	if got := extend(2, []byte{SysTxVoteExtensions, 1, 0, 0}); !slices.Equal(got, want) {
		t.Fatalf("height 2 after omission: %v, want %v", got, want)
	}
	// Block 2 commits with it this time (a later round): nothing new at 3.
	a.fair.rep.resolve(3, nil)
	if got := extend(3); len(got) != 0 {
		t.Fatalf("height 3: %v, want nothing", got)
	}

	for _, tc := range []struct {
		name string
		ext  []byte
		want abci.VerifyVoteExtensionStatus
	}{
		{"valid", ext(A, ms(1)), abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT},
		{"no reports", ext(), abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT},
		{"far-future time (content: judged later)", ext(A, ms(1<<40)), abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT},
		{"empty bytes", nil, abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT},
		{"malformed", []byte{1, 5, 1}, abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT},
		{"duplicate id", EncodeVoteExtension([]Sighted{{sid('a'), 1}, {sid('a'), 2}}), abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT},
		{"oversized", append(ext(), make([]byte, MaxVoteExtensionSize)...), abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT},
	} {
		res, err := a.VerifyVoteExtension(context.Background(), &abci.VerifyVoteExtensionRequest{Height: 1, VoteExtension: tc.ext})
		if err != nil || res.Status != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.name, res.Status, err, tc.want)
		}
	}
}

// TestEnvelopeHeldByOneValidatorNotStarved is the regression test of an
// envelope that expired pending: CometBFT's mempool reactor drops the
// transactions a peer sends while it is block-syncing and never sends
// them again, so an envelope submitted while the other validators caught
// up reached its submitter's validator alone. Its one report never made
// a quorum and, before the backstop, it waited until it expired. Now it
// becomes eligible BackstopHeights heights after the report was
// recorded: a proposer without it declares it omitted, the holder
// includes it.
func TestEnvelopeHeldByOneValidatorNotStarved(t *testing.T) {
	c := newFairChain(t, 2)
	X := c.w.tx(0, 0, 10)
	c.step(abci.ExtendedCommitInfo{})
	// Validator 2 holds X and reports it at height 1 and again every
	// refreshHeights heights; nobody else ever receives it.
	holder := func(h int64) []byte {
		if (h-1)%refreshHeights == 0 {
			return ext(X, ms(10))
		}
		return ext()
	}
	others := func(int64) []byte { return ext() }
	first := c.height() // the block recording X's report
	for h := c.height(); ; h = c.height() {
		commit := c.commit(h-1, others(h-1), others(h-1), holder(h-1), others(h-1))
		if h-first > BackstopHeights {
			// A proposer that never received X declares it omitted.
			txs := c.prepare(commit)
			e, err := ParseEmbeddedExtensions(txs[0])
			if err != nil || !slices.Equal(e.Omitted, []ShortID{ShortIDOf(mempool.Hash(keccak(X)))}) {
				t.Fatalf("height %d: proposal without X omits %v (%v), want X", h, e.Omitted, err)
			}
			if !c.process(txs) {
				t.Fatalf("height %d: proposal declaring X omitted rejected", h)
			}
		}
		got := c.step(commit, X)
		if h-first <= BackstopHeights {
			if len(got) != 0 {
				t.Fatalf("height %d: X included with one report before the backstop", h)
			}
			continue
		}
		if len(got) != 1 || !slices.Equal(got[0], X) {
			t.Fatalf("height %d: X not included once the backstop made it eligible", h)
		}
		return
	}
}

// TestReportRecordedOnlyIfCarried: a block may embed an earlier round's
// extension than the last one this validator sent; a stamp first sent in
// the later round is not recorded and is reported at the next height,
// not refreshHeights later.
func TestReportRecordedOnlyIfCarried(t *testing.T) {
	c := newFairChain(t, 2)
	now := blockTime(1)
	c.app.fair.self = c.vals[0].PubKey().Address()
	c.app.fair.clock = func() time.Time { return now }
	A, B := c.w.tx(0, 0, 10), c.w.tx(1, 0, 10)
	c.step(abci.ExtendedCommitInfo{})
	extend := func(h int64, txs ...[]byte) []byte {
		t.Helper()
		res, err := c.app.ExtendVote(context.Background(), &abci.ExtendVoteRequest{Height: h, Txs: txs})
		if err != nil {
			t.Fatal(err)
		}
		return res.VoteExtension
	}
	if err := checkTx(t, c.app, A, false); err != nil {
		t.Fatal(err)
	}
	round0 := extend(2)
	if err := checkTx(t, c.app, B, false); err != nil {
		t.Fatal(err)
	}
	if round1 := extend(2); slices.Equal(round1, round0) {
		t.Fatal("round 1 carries no new stamp")
	}
	// Height 2 commits on round 0's precommits: block 3 embeds round0.
	c.step(c.commit(1, ext(), ext(), ext(), ext()))
	block3 := c.prepare(c.commit(2, round0, ext(), ext(), ext()))
	if !c.process(block3) {
		t.Fatal("block 3 rejected")
	}
	rs, err := ParseVoteExtension(extend(3, block3...))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Sighted{{ShortIDOf(mempool.Hash(keccak(B))), now.UnixMilli()}}; !slices.Equal(rs, want) {
		t.Fatalf("height 3 reports %v, want only B %v", rs, want)
	}
	finalize(t, c.app, block3...)
	// Block 4 embeds the extension of 3 (B): A and B are both recorded.
	block4 := c.prepare(c.commit(3, EncodeVoteExtension(rs), ext(), ext(), ext()))
	if rs, _ := ParseVoteExtension(extend(4, block4...)); len(rs) != 0 {
		t.Fatalf("height 4 reports %v, want nothing", rs)
	}
}
