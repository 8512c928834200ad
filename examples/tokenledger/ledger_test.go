package tokenledger

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/rollupfeed"
)

const rollupA, rollupB = 1001, 1002

// testKey returns a fixed key, different for each n.
func testKey(t testing.TB, n byte) *ecdsa.PrivateKey {
	t.Helper()
	seed := crypto.Keccak256([]byte("tokenledger test key"), []byte{n})
	k, err := crypto.ToECDSA(seed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

func transfer(t testing.TB, key *ecdsa.PrivateKey, rollup uint64, to common.Address, amount, nonce uint64) []byte {
	t.Helper()
	tr := &Transfer{Rollup: rollup, To: to, Amount: amount, Nonce: nonce}
	if err := tr.Sign(key); err != nil {
		t.Fatal(err)
	}
	return tr.Encode()
}

func swap(t testing.TB, a, b *ecdsa.PrivateKey, amountA, amountB, nonceA, nonceB uint64, expiry int64) *Swap {
	t.Helper()
	s := &Swap{
		A:      Side{Rollup: rollupA, From: addr(a), Amount: amountA, Nonce: nonceA},
		B:      Side{Rollup: rollupB, From: addr(b), Amount: amountB, Nonce: nonceB},
		Expiry: expiry,
	}
	for _, k := range []*ecdsa.PrivateKey{a, b} {
		if err := s.Sign(k); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// build commits txs (each a list of legs) at height with rollupfeed's own
// block builder, as a node would.
func build(t testing.TB, height int64, txs ...[]client.Leg) *rollupfeed.Block {
	t.Helper()
	in := make([]rollupfeed.DecryptedTx, len(txs))
	for i, legs := range txs {
		pt, rollups, err := rollupfeed.EncodePlaintext(legs)
		if err != nil {
			t.Fatal(err)
		}
		id := crypto.Keccak256Hash(binary.BigEndian.AppendUint64(nil, uint64(height)), []byte{byte(i)})
		in[i] = rollupfeed.DecryptedTx{Hash: id, Index: uint32(i), Rollups: rollups, Plaintext: pt}
	}
	b, err := rollupfeed.BuildBlock(height, "tokenledger-test", in)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func one(rollup uint64, data []byte) []client.Leg { return []client.Leg{{Rollup: rollup, Data: data}} }

// applyNext applies rollup's batch of blk to s, checking it verifies.
func applyNext(t *testing.T, s *State, blk *rollupfeed.Block) []Receipt {
	t.Helper()
	batch := blk.Batch(s.Rollup)
	if err := rollupfeed.VerifyBatch(batch, blk.Root); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Apply(batch)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func wantErrs(t *testing.T, rs []Receipt, want ...error) {
	t.Helper()
	if len(rs) != len(want) {
		t.Fatalf("%d receipts, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		if want[i] == nil && r.Err != nil || want[i] != nil && !errors.Is(r.Err, want[i]) {
			t.Errorf("leg %d: %v, want %v", i, r.Err, want[i])
		}
	}
}

func TestTransfers(t *testing.T) {
	alice, bob, mallory := testKey(t, 1), testKey(t, 2), testKey(t, 3)
	s := NewState(rollupA, 1, map[common.Address]uint64{addr(alice): 100, addr(bob): 5})

	forged := transfer(t, alice, rollupA, addr(bob), 10, 7)
	forged[2+8+common.AddressLength-1] ^= 1 // redirect the money: the signature no longer recovers to alice
	stolen := transfer(t, mallory, rollupA, addr(mallory), 10, 0)
	rs := applyNext(t, s, build(t, 1,
		one(rollupA, transfer(t, alice, rollupA, addr(bob), 30, 0)),
		one(rollupA, transfer(t, alice, rollupA, addr(bob), 30, 0)), // replayed
		one(rollupA, transfer(t, alice, rollupB, addr(bob), 30, 1)), // signed for the other ledger
		one(rollupA, transfer(t, bob, rollupA, addr(alice), 36, 0)), // more than bob holds
		one(rollupA, transfer(t, bob, rollupA, addr(alice), 0, 0)),
		one(rollupA, forged),
		one(rollupA, stolen),
		one(rollupA, []byte("not a ledger transaction")),
		one(rollupA, transfer(t, bob, rollupA, addr(alice), 35, 0)), // bob's first transfer: nonce 0 unused
	))
	wantErrs(t, rs, nil, ErrNonceUsed, ErrWrongRollup, ErrInsufficient, ErrZeroAmount, ErrInsufficient, ErrInsufficient, ErrMalformed, nil)
	if a, b := s.Balance(addr(alice)), s.Balance(addr(bob)); a != 105 || b != 0 {
		t.Fatalf("alice %d bob %d, want 105 and 0", a, b)
	}
	if s.Supply() != 105 || s.Stats != (Stats{Transfers: 2, Failed: 7}) || s.Height != 1 {
		t.Fatalf("supply %d stats %+v height %d", s.Supply(), s.Stats, s.Height)
	}
	if rs[0].Kind != KindTransfer || rs[7].Kind != 0 {
		t.Fatalf("kinds %v %v", rs[0].Kind, rs[7].Kind)
	}

	// Batches must come in order, for this rollup.
	for _, b := range []*rollupfeed.Batch{build(t, 1).Batch(rollupA), build(t, 3).Batch(rollupA), build(t, 2).Batch(rollupB)} {
		if _, err := s.Apply(b); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("batch rollup %d height %d: %v", b.Rollup, b.Height, err)
		}
	}
	if s.Height != 1 {
		t.Fatal("a refused batch moved the height")
	}
}

// TestNonceWindow: a nonce is spent once, in any order within the
// window below the highest one used, and refused below it.
func TestNonceWindow(t *testing.T) {
	var a Account
	steps := []struct {
		nonce uint64
		want  error
	}{
		{5, nil}, {5, ErrNonceUsed}, {0, nil}, {3, nil}, {0, ErrNonceUsed}, {6, nil},
		{100, nil}, {37, nil}, {36, ErrNonceTooOld}, {99, nil}, {100, ErrNonceUsed},
		{1 << 40, nil}, {1<<40 - NonceWindow + 1, nil}, {1<<40 - NonceWindow, ErrNonceTooOld},
		{1 << 63, nil}, {1<<64 - 1, ErrNonceTooOld},
	}
	for i, st := range steps {
		err := a.checkNonce(st.nonce)
		if st.want == nil && err != nil || st.want != nil && !errors.Is(err, st.want) {
			t.Fatalf("step %d nonce %d: %v, want %v", i, st.nonce, err, st.want)
		}
		if err == nil {
			a.useNonce(st.nonce)
		}
	}
}

// TestSwap: a swap executes on both ledgers, from one bundle. And what a
// swap does not guarantee: B's side can fail on B (insufficient balance)
// while A's side executes on A, because neither ledger sees the other's
// state.
func TestSwap(t *testing.T) {
	alice, bob := testKey(t, 1), testKey(t, 2)
	for _, tc := range []struct {
		name           string
		bobHolds       uint64 // on ledger B, which his side spends 20 of
		onB            error
		aliceGetsOnB   uint64
		bobKeepsOnB    uint64
		aliceKeepsOnA  uint64
		bobReceivesOnA uint64
	}{
		{"both sides execute", 50, nil, 20, 30, 60, 40},
		{"residual risk: only A's side executes", 5, ErrInsufficient, 0, 5, 60, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			la := NewState(rollupA, 1, map[common.Address]uint64{addr(alice): 100})
			lb := NewState(rollupB, 1, map[common.Address]uint64{addr(bob): tc.bobHolds})
			blk := build(t, 1, swap(t, alice, bob, 40, 20, 0, 0, 10).Legs())
			wantErrs(t, applyNext(t, la, blk), nil)
			wantErrs(t, applyNext(t, lb, blk), tc.onB)
			if la.Balance(addr(alice)) != tc.aliceKeepsOnA || la.Balance(addr(bob)) != tc.bobReceivesOnA ||
				lb.Balance(addr(alice)) != tc.aliceGetsOnB || lb.Balance(addr(bob)) != tc.bobKeepsOnB {
				t.Fatalf("ledger a %d/%d, ledger b %d/%d", la.Balance(addr(alice)), la.Balance(addr(bob)), lb.Balance(addr(alice)), lb.Balance(addr(bob)))
			}
			if la.Stats.Swaps != 1 {
				t.Fatal("swap not counted")
			}
		})
	}
}

// TestSwapRefused: each way a swap leg can fail its checks, on both
// ledgers where the check is common to both.
func TestSwapRefused(t *testing.T) {
	alice, bob, mallory := testKey(t, 1), testKey(t, 2), testKey(t, 3)
	genesis := map[common.Address]uint64{addr(alice): 100, addr(bob): 100}
	good := func() *Swap { return swap(t, alice, bob, 10, 10, 0, 0, 10) }
	unsigned := good()
	unsigned.SigB = [SigSize]byte{}
	forgedB := good()
	forgedB.B.From = addr(mallory) // bob's signature does not cover this
	if err := forgedB.Sign(alice); err != nil {
		t.Fatal(err)
	}
	otherTerms := swap(t, alice, bob, 10, 1, 0, 0, 10)
	for _, tc := range []struct {
		name   string
		legs   []client.Leg
		height int64
		onA    error // what ledger A says; B says the same unless onB is set
		onB    error
	}{
		{"alone on A", one(rollupA, good().Encode()), 1, ErrSwapNotBundled, nil},
		{"alone on B", one(rollupB, good().Encode()), 1, nil, ErrSwapNotBundled},
		{"other terms on the other leg", []client.Leg{{Rollup: rollupA, Data: good().Encode()}, {Rollup: rollupB, Data: otherTerms.Encode()}}, 1, ErrSwapNotBundled, ErrSwapNotBundled},
		{"expired", good().Legs(), 11, ErrSwapExpired, ErrSwapExpired},
		{"B did not sign", unsigned.Legs(), 1, ErrBadSignature, ErrBadSignature},
		{"B's side rewritten", forgedB.Legs(), 1, ErrBadSignature, ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blk := build(t, tc.height, tc.legs)
			for _, side := range []struct {
				rollup uint64
				want   error
			}{{rollupA, tc.onA}, {rollupB, tc.onB}} {
				if side.want == nil {
					continue // no leg for this ledger
				}
				s := NewState(side.rollup, tc.height, genesis)
				wantErrs(t, applyNext(t, s, blk), side.want)
				if s.Balance(addr(alice)) != 100 || s.Balance(addr(bob)) != 100 {
					t.Fatalf("rollup %d: a refused swap moved balances", side.rollup)
				}
			}
		})
	}
}

// TestLedgerResume: the state file holds the state and height together,
// so a reopened ledger goes on at the next height and refuses the last
// one again.
func TestLedgerResume(t *testing.T) {
	alice, bob := testKey(t, 1), testKey(t, 2)
	cfg := Config{Path: filepath.Join(t.TempDir(), "ledger.json"), Rollup: rollupA, Genesis: map[common.Address]uint64{addr(alice): 100}}
	l, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b1 := build(t, 1, one(rollupA, transfer(t, alice, rollupA, addr(bob), 10, 0))).Batch(rollupA)
	if _, err := l.Apply(b1); err != nil {
		t.Fatal(err)
	}
	l2, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if l2.Height() != 1 || l2.State().Balance(addr(bob)) != 10 {
		t.Fatalf("reopened at height %d with bob %d", l2.Height(), l2.State().Balance(addr(bob)))
	}
	if _, err := l2.Apply(b1); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("batch applied twice: %v", err)
	}
	if _, err := l2.Apply(build(t, 2).Batch(rollupA)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Config{Path: cfg.Path, Rollup: rollupB}); err == nil {
		t.Fatal("opened rollup A's file as rollup B's ledger")
	}
}
