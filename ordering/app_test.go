package ordering

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/mempool"
)

// txSpec describes one envelope of a test block.
type txSpec struct {
	wallet     int
	nonce, fee uint64
	mods       []func(*mempool.Envelope)
	raw        func(tx []byte) []byte // post-signing tampering
}

func withExpiry(x uint64) func(*mempool.Envelope) { return func(e *mempool.Envelope) { e.Expiry = x } }
func withEon(x uint64) func(*mempool.Envelope)    { return func(e *mempool.Envelope) { e.Eon = x } }
func withChain(c string) func(*mempool.Envelope)  { return func(e *mempool.Envelope) { e.ChainID = c } }
func withRollups(ids ...uint64) func(*mempool.Envelope) {
	return func(e *mempool.Envelope) { e.Rollups = ids }
}
func withPrefix(b byte) func(*mempool.Envelope) {
	return func(e *mempool.Envelope) { e.Prefix = [32]byte{b} }
}

// TestBlockRules runs one block per case through ProcessProposal and
// FinalizeBlock and checks each envelope's verdict and the accounts after.
// Wallets 0 and 1 hold testBalance, wallet 2 holds 100, wallet 3 nothing.
func TestBlockRules(t *testing.T) {
	w := newWorld(t, 4)
	w.genesis.Accounts[2].Balance = 100
	w.genesis.Accounts = w.genesis.Accounts[:3]
	flipSig := func(tx []byte) []byte {
		tx = slices.Clone(tx)
		tx[len(tx)-40] ^= 1 // inside s
		return tx
	}
	same := w.tx(0, 0, 10)

	cases := []struct {
		name string
		txs  []txSpec
		want []error // per envelope; nil: included
	}{
		{"one envelope", []txSpec{{wallet: 0, nonce: 0, fee: 10}}, []error{nil}},
		{"fee equal to balance", []txSpec{{wallet: 2, nonce: 0, fee: 100}}, []error{nil}},
		{"consecutive nonces", []txSpec{{0, 0, 10, nil, nil}, {0, 1, 20, nil, nil}, {1, 0, 30, nil, nil}}, []error{nil, nil, nil}},
		{"nonce gap", []txSpec{{wallet: 0, nonce: 1, fee: 10}}, []error{mempool.ErrNonceGap}},
		{"nonce out of order", []txSpec{{0, 1, 10, nil, nil}, {0, 0, 10, nil, nil}}, []error{mempool.ErrNonceGap, nil}},
		{"nonce reused", []txSpec{{0, 0, 10, nil, nil}, {0, 0, 11, nil, nil}}, []error{nil, mempool.ErrNonceTooLow}},
		{"fee over balance", []txSpec{{wallet: 2, nonce: 0, fee: 101}}, []error{mempool.ErrInsufficientBalance}},
		{"balance spent by earlier envelope", []txSpec{{2, 0, 60, nil, nil}, {2, 1, 60, nil, nil}}, []error{nil, mempool.ErrInsufficientBalance}},
		{"unfunded sender", []txSpec{{wallet: 3, nonce: 0, fee: 10}}, []error{mempool.ErrInsufficientBalance}},
		{"fee below minimum", []txSpec{{wallet: 0, nonce: 0, fee: testMinFee - 1}}, []error{mempool.ErrFeeTooLow}},
		{"expired", []txSpec{{0, 0, 10, mods(withExpiry(0)), nil}}, []error{mempool.ErrExpired}},
		{"expiry at the block", []txSpec{{0, 0, 10, mods(withExpiry(1)), nil}}, []error{nil}},
		{"expiry at the window's end", []txSpec{{0, 0, 10, mods(withExpiry(1 + testWindow)), nil}}, []error{nil}},
		{"expiry past the window", []txSpec{{0, 0, 10, mods(withExpiry(2 + testWindow)), nil}}, []error{mempool.ErrExpiryTooFar}},
		{"unknown rollup", []txSpec{{0, 0, 10, mods(withRollups(7, 9)), nil}}, []error{mempool.ErrUnknownRollup}},
		{"two registered rollups", []txSpec{{0, 0, 10, mods(withRollups(7, 8)), nil}}, []error{nil}},
		{"unknown eon", []txSpec{{0, 0, 10, mods(withEon(2)), nil}}, []error{mempool.ErrUnknownEon}},
		{"wrong chain", []txSpec{{0, 0, 10, mods(withChain("other-chain")), nil}}, []error{mempool.ErrWrongChain}},
		{"bad signature", []txSpec{{0, 0, 10, nil, flipSig}}, []error{mempool.ErrBadSignature}},
		{"garbage", []txSpec{{0, 0, 10, nil, func([]byte) []byte { return []byte("not an envelope") }}}, []error{mempool.ErrMalformed}},
		{"identity reused", []txSpec{{0, 0, 10, mods(withPrefix(1)), nil}, {0, 1, 10, mods(withPrefix(1)), nil}}, []error{nil, mempool.ErrDuplicate}},
		{"identity of another sender", []txSpec{{0, 0, 10, mods(withPrefix(1)), nil}, {1, 0, 10, mods(withPrefix(1)), nil}}, []error{nil, nil}},
		{"same envelope twice", []txSpec{{0, 0, 10, nil, func([]byte) []byte { return same }}, {0, 0, 10, nil, func([]byte) []byte { return same }}}, []error{nil, mempool.ErrDuplicate}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			txs := make([][]byte, len(tc.txs))
			for i, s := range tc.txs {
				txs[i] = w.tx(s.wallet, s.nonce, s.fee, s.mods...)
				if s.raw != nil {
					txs[i] = s.raw(txs[i])
				}
			}
			a := w.newApp(dbm.NewMemDB())
			before := make([]Account, len(w.keys))
			for i := range w.keys {
				before[i] = account(t, a, w.addr(i))
			}
			_, hash0 := a.LastCommit()

			allValid := true
			for _, e := range tc.want {
				allValid = allValid && e == nil
			}
			if got := process(t, a, txs...); got != allValid {
				t.Errorf("ProcessProposal accepted = %v, want %v", got, allValid)
			}

			res := finalize(t, a, txs...)
			wantAcc := slices.Clone(before)
			var fees uint64
			included := map[[32]byte]bool{}
			for i, want := range tc.want {
				r := res.TxResults[i]
				got := ResultError(r.Code, r.Codespace, r.Log)
				if !errors.Is(got, want) || (want == nil) != (got == nil) {
					t.Errorf("tx %d: result %v, want %v", i, got, want)
				}
				if want == nil {
					s := tc.txs[i]
					wantAcc[s.wallet].Balance -= s.fee
					wantAcc[s.wallet].Nonce++
					fees += s.fee
					included[keccak(txs[i])] = true
					rec, err := a.Tx(keccak(txs[i]))
					if err != nil || rec.Height != 1 || rec.Index != uint32(i) || rec.Status != TxIncluded {
						t.Errorf("tx %d: record %+v, %v", i, rec, err)
					}
					if len(r.Events) != 1 || r.Events[0].Type != EventTx {
						t.Errorf("tx %d: events %v", i, r.Events)
					}
				} else if _, err := a.Tx(keccak(txs[i])); !included[keccak(txs[i])] && !errors.Is(err, ErrNotFound) {
					t.Errorf("tx %d: rejected envelope has a record (%v)", i, err)
				}
			}
			for i := range w.keys {
				if got := account(t, a, w.addr(i)); got != wantAcc[i] {
					t.Errorf("wallet %d: %+v, want %+v", i, got, wantAcc[i])
				}
			}
			blk, err := a.Block(1)
			if err != nil {
				t.Fatal(err)
			}
			if blk.Fees != fees {
				t.Errorf("block fees %d, want %d", blk.Fees, fees)
			}
			if _, hash1 := a.LastCommit(); bytes.Equal(hash0, hash1) {
				t.Error("app hash did not change")
			}
		})
	}
}

func mods(m ...func(*mempool.Envelope)) []func(*mempool.Envelope) { return m }

// TestEonStatusAtHeight: an eon is pending before its activation height and
// its stored status from then on.
func TestEonStatusAtHeight(t *testing.T) {
	for _, tc := range []struct {
		eon    Eon
		height int64
		want   mempool.EonStatus
	}{
		{Eon{Status: mempool.EonActive, ActivationHeight: 10}, 9, mempool.EonPending},
		{Eon{Status: mempool.EonActive, ActivationHeight: 10}, 10, mempool.EonActive},
		{Eon{Status: mempool.EonRetired, ActivationHeight: 1}, 10, mempool.EonRetired},
		{Eon{Status: mempool.EonPending, ActivationHeight: 1}, 10, mempool.EonPending},
	} {
		db := dbm.NewMemDB()
		if err := db.Set(keyU64(tagEon, 3), tc.eon.encode()); err != nil {
			t.Fatal(err)
		}
		v := newView(dbGetter{db}, tc.height-1, chainRecord{}, Params{})
		if got := v.EonStatus(3); got != tc.want {
			t.Errorf("%+v at %d: %v, want %v", tc.eon, tc.height, got, tc.want)
		}
		if got := v.EonStatus(4); got != mempool.EonUnknown {
			t.Errorf("absent eon: %v", got)
		}
	}
}

// TestInactiveEonRejected: an envelope for a retired eon is not
// includable (ErrEonNotActive), checked against a stored retired eon.
func TestInactiveEonRejected(t *testing.T) {
	w := newWorld(t, 1)
	db := dbm.NewMemDB()
	a := w.newApp(db)
	// Register eon 2 as retired, as a rotation would leave it.
	if err := db.Set(keyU64(tagEon, 2), Eon{ID: 2, Status: mempool.EonRetired, ActivationHeight: 1}.encode()); err != nil {
		t.Fatal(err)
	}
	tx := w.tx(0, 0, 10, withEon(2))
	if process(t, a, tx) {
		t.Error("block with a retired eon's envelope accepted")
	}
	if err := checkTx(t, a, tx, false); !errors.Is(err, mempool.ErrEonNotActive) {
		t.Errorf("CheckTx: %v, want ErrEonNotActive", err)
	}
}

func TestCheckTxAndRecheck(t *testing.T) {
	w := newWorld(t, 2)
	a := w.newApp(dbm.NewMemDB())

	first := w.tx(0, 0, 10)
	if err := checkTx(t, a, first, false); err != nil {
		t.Fatalf("valid envelope: %v", err)
	}
	if err := checkTx(t, a, first, false); !errors.Is(err, mempool.ErrDuplicate) {
		t.Errorf("resubmitted: %v, want ErrDuplicate", err)
	}
	if err := checkTx(t, a, []byte{1, 2, 3}, false); !errors.Is(err, mempool.ErrMalformed) {
		t.Errorf("garbage: %v, want ErrMalformed", err)
	}
	if err := checkTx(t, a, w.tx(1, 5, 1), false); !errors.Is(err, mempool.ErrFeeTooLow) {
		t.Errorf("low fee: %v, want ErrFeeTooLow", err)
	}

	// Replace-by-fee evicts the first envelope from the network mempool.
	var evicted [][32]byte
	a.SetEvictHandler(func(keys [][32]byte) { evicted = append(evicted, keys...) })
	replacement := w.tx(0, 0, 20)
	if err := checkTx(t, a, replacement, false); err != nil {
		t.Fatalf("replacement: %v", err)
	}
	if len(evicted) != 1 || evicted[0] != sha256.Sum256(first) {
		t.Errorf("evicted %x, want the first envelope's key", evicted)
	}
	if a.Pending(keccak(first)) || !a.Pending(keccak(replacement)) {
		t.Error("Pending does not follow the replacement")
	}
	if got := a.PendingNonce(w.addr(0), 0); got != 1 {
		t.Errorf("PendingNonce %d, want 1", got)
	}

	pending := w.tx(1, 0, 10)
	if err := checkTx(t, a, pending, false); err != nil {
		t.Fatal(err)
	}
	// Another node's envelope for wallet 1's nonce 0 is committed: the
	// local one can no longer be included.
	finalize(t, a, replacement, w.tx(1, 0, 30))
	if err := checkTx(t, a, pending, true); !errors.Is(err, mempool.ErrNonceTooLow) {
		t.Errorf("recheck after nonce used: %v, want ErrNonceTooLow", err)
	}
	if a.Pending(keccak(replacement)) || a.Pending(keccak(pending)) {
		t.Error("committed or invalidated envelope still pending")
	}
	if err := checkTx(t, a, w.tx(0, 1, 10), false); err != nil {
		t.Errorf("next nonce after commit: %v", err)
	}
	// A re-check consults the Pool only: bytes it never admitted are
	// dropped without being decoded.
	if err := checkTx(t, a, []byte{1, 2, 3}, true); !errors.Is(err, mempool.ErrEvicted) {
		t.Errorf("recheck of unknown bytes: %v, want ErrEvicted", err)
	}
}

func TestPrepareProposal(t *testing.T) {
	w := newWorld(t, 3)
	a := w.newApp(dbm.NewMemDB())

	a0, a1 := w.tx(0, 0, 10), w.tx(0, 1, 10)
	b0 := w.tx(1, 0, 10)
	low := w.tx(2, 0, 1)
	txs := [][]byte{a1, []byte("junk"), b0, low, a0}
	got := prepare(t, a, 1<<20, txs...)
	// Wallet 0's slots (0 and 4) go to its nonces in order; junk and the
	// underpriced envelope are left out.
	want := [][]byte{a0, b0, a1}
	if !slices.EqualFunc(got, want, bytes.Equal) {
		t.Fatalf("proposal order wrong: got %d txs", len(got))
	}
	if !process(t, a, got...) {
		t.Error("own proposal rejected")
	}

	// The request's byte limit counts CometBFT's framing.
	one := protoTxSize(len(a0))
	if got := prepare(t, a, one+protoTxSize(len(b0))-1, a0, b0); len(got) != 1 {
		t.Errorf("byte limit: %d txs, want 1", len(got))
	}
}

func TestBlockLimits(t *testing.T) {
	w := newWorld(t, 1)
	w.genesis.Params.MaxBlockTxs = 2
	a := w.newApp(dbm.NewMemDB())
	txs := [][]byte{w.tx(0, 0, 10), w.tx(0, 1, 10), w.tx(0, 2, 10)}
	if got := prepare(t, a, 1<<20, txs...); len(got) != 2 {
		t.Errorf("prepared %d txs, want max_block_txs = 2", len(got))
	}
	if process(t, a, txs...) {
		t.Error("block over max_block_txs accepted")
	}

	w = newWorld(t, 1)
	w.genesis.Params.MaxBlockBytes = 1024
	a = w.newApp(dbm.NewMemDB())
	big := w.tx(0, 0, 10, func(e *mempool.Envelope) { e.Ciphertext = append(e.Ciphertext, make([]byte, 1024)...) })
	if process(t, a, big) {
		t.Error("block over max_block_bytes accepted")
	}
	if got := prepare(t, a, 1<<20, big); len(got) != 0 {
		t.Error("oversized envelope proposed")
	}
}

// TestProposalRuleVerify: a rule's verdict decides ProcessProposal.
func TestProposalRuleVerify(t *testing.T) {
	w := newWorld(t, 1)
	db := dbm.NewMemDB()
	a, err := New(Config{DB: db, Rule: rejectAll{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	appState, _ := w.genesis.Marshal()
	if _, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, AppStateBytes: appState}); err != nil {
		t.Fatal(err)
	}
	if process(t, a, w.tx(0, 0, 10)) {
		t.Error("rule rejected the order but the block was accepted")
	}
}

type rejectAll struct{ ArrivalOrder }

func (rejectAll) Verify(Block) error { return errors.New("no") }

func TestVoteExtensions(t *testing.T) {
	w := newWorld(t, 1)
	a := w.newApp(dbm.NewMemDB())
	ext, err := a.ExtendVote(context.Background(), &abci.ExtendVoteRequest{Height: 1})
	if err != nil || len(ext.VoteExtension) != 0 {
		t.Fatalf("ExtendVote: %v, %d bytes", err, len(ext.VoteExtension))
	}
	for _, tc := range []struct {
		ext  []byte
		want abci.VerifyVoteExtensionStatus
	}{
		{nil, abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT},
		{[]byte{1}, abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT},
	} {
		res, err := a.VerifyVoteExtension(context.Background(), &abci.VerifyVoteExtensionRequest{Height: 1, VoteExtension: tc.ext})
		if err != nil || res.Status != tc.want {
			t.Errorf("extension %x: %v %v, want %v", tc.ext, res.Status, err, tc.want)
		}
	}
}
