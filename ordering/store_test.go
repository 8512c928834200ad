package ordering

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble"
	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
)

// quietLogger silences pebble's routine WAL recovery messages.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)           {}
func (quietLogger) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }

func pebbleDB(t testing.TB, dir string) dbm.DB {
	t.Helper()
	db, err := dbm.NewPebbleDBWithOpts("app", dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// testBlocks is a short history touching every table: several senders,
// a failing envelope in a decided block, and an empty block.
func testBlocks(w *world) [][][]byte {
	return [][][]byte{
		{w.tx(0, 0, 10), w.tx(1, 0, 15), w.tx(0, 1, 12)},
		{},
		{w.tx(2, 0, 11), w.tx(2, 0, 11), w.tx(1, 1, 10, withRollups(7, 8))},
		{w.tx(0, 2, 10)},
	}
}

func runBlocks(t testing.TB, a *App, blocks [][][]byte) [][]byte {
	t.Helper()
	var hashes [][]byte
	for _, txs := range blocks {
		hashes = append(hashes, finalize(t, a, txs...).AppHash)
	}
	return hashes
}

// TestAppHashDeterminism: two independent apps (different database
// backends) fed the same genesis and blocks agree on every app hash; a
// different block gives a different hash, and the order of genesis
// entries does not matter.
func TestAppHashDeterminism(t *testing.T) {
	w := newWorld(t, 3)
	blocks := testBlocks(w)

	a := w.newApp(dbm.NewMemDB())
	b := w.newApp(pebbleDB(t, t.TempDir()))
	_, ga := a.LastCommit()
	_, gb := b.LastCommit()
	if !bytes.Equal(ga, gb) {
		t.Fatalf("genesis hashes differ: %x vs %x", ga, gb)
	}
	ha, hb := runBlocks(t, a, blocks), runBlocks(t, b, blocks)
	for i := range ha {
		if !bytes.Equal(ha[i], hb[i]) {
			t.Errorf("height %d: %x vs %x", i+1, ha[i], hb[i])
		}
		if i > 0 && bytes.Equal(ha[i], ha[i-1]) {
			t.Errorf("height %d: hash unchanged by a block", i+1)
		}
	}

	// Same genesis listed in another order.
	slices.Reverse(w.genesis.Accounts)
	slices.Reverse(w.genesis.Rollups)
	c := w.newApp(dbm.NewMemDB())
	if _, gc := c.LastCommit(); !bytes.Equal(gc, ga) {
		t.Errorf("genesis hash depends on listing order")
	}
	// One fee differs in the last block.
	alt := slices.Clone(blocks)
	alt[3] = [][]byte{w.tx(0, 2, 11)}
	hc := runBlocks(t, c, alt)
	if !bytes.Equal(hc[2], ha[2]) || bytes.Equal(hc[3], ha[3]) {
		t.Errorf("hashes should agree up to height 3 and differ at 4")
	}
}

// TestRestartFromDB: an app reopened over its database reports the last
// commit to CometBFT's handshake, serves the same state, and continues
// with the same hashes as an app that never stopped.
func TestRestartFromDB(t *testing.T) {
	w := newWorld(t, 3)
	blocks := testBlocks(w)
	dir := t.TempDir()

	a := w.newApp(pebbleDB(t, dir))
	runBlocks(t, a, blocks[:3])
	h, hash := a.LastCommit()
	acc := account(t, a, w.addr(0))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	b := w.openApp(pebbleDB(t, dir))
	info, err := b.Info(context.Background(), &abci.InfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.LastBlockHeight != h || !bytes.Equal(info.LastBlockAppHash, hash) {
		t.Fatalf("Info after restart: height %d hash %x, want %d %x", info.LastBlockHeight, info.LastBlockAppHash, h, hash)
	}
	if got := account(t, b, w.addr(0)); got != acc {
		t.Errorf("account after restart %+v, want %+v", got, acc)
	}

	twin := w.newApp(dbm.NewMemDB())
	want := runBlocks(t, twin, blocks)
	got := runBlocks(t, b, blocks[3:])
	if !bytes.Equal(got[0], want[3]) {
		t.Errorf("hash after restart %x, want %x", got[0], want[3])
	}
}

// TestCrashBeforeCommit: a block finalized but not committed leaves no
// trace; CometBFT replays it after the restart and gets the same hash.
func TestCrashBeforeCommit(t *testing.T) {
	w := newWorld(t, 3)
	blocks := testBlocks(w)
	dir := t.TempDir()
	a := w.newApp(pebbleDB(t, dir))
	runBlocks(t, a, blocks[:1])
	res, err := a.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: 2, Time: blockTime(2), Txs: blocks[2], ProposerAddress: []byte{0xaa}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil { // the crash
		t.Fatal(err)
	}

	b := w.openApp(pebbleDB(t, dir))
	if h, _ := b.LastCommit(); h != 1 {
		t.Fatalf("height after crash %d, want 1", h)
	}
	again := finalize(t, b, blocks[2]...)
	if !bytes.Equal(again.AppHash, res.AppHash) {
		t.Errorf("replayed block hash %x, want %x", again.AppHash, res.AppHash)
	}
}

// TestInitChainAgain: a restart before the first block's commit makes
// CometBFT call InitChain again; the genesis state is rewritten, not
// added to.
func TestInitChainAgain(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	a := w.newApp(pebbleDB(t, dir))
	_, hash := a.LastCommit()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b := w.openApp(pebbleDB(t, dir))
	if info, _ := b.Info(context.Background(), &abci.InfoRequest{}); info.LastBlockHeight != 0 {
		t.Fatalf("Info height %d before the first block", info.LastBlockHeight)
	}
	// CheckTx works against the genesis state already.
	if err := checkTx(t, b, w.tx(0, 0, 10), false); err != nil {
		t.Errorf("CheckTx at genesis: %v", err)
	}
	appState, _ := w.genesis.Marshal()
	res, err := b.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, InitialHeight: 1, AppStateBytes: appState})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.AppHash, hash) {
		t.Errorf("second InitChain hash %x, want %x", res.AppHash, hash)
	}
	if got := account(t, b, w.addr(0)); got.Balance != testBalance {
		t.Errorf("balance %d after second InitChain", got.Balance)
	}
	finalize(t, b)
	if _, err := b.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, AppStateBytes: appState}); err == nil {
		t.Error("InitChain accepted after the first block")
	}
}

// TestInitialHeight: a chain may start above height 1.
func TestInitialHeight(t *testing.T) {
	w := newWorld(t, 1)
	a := w.openApp(dbm.NewMemDB())
	appState, _ := w.genesis.Marshal()
	if _, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, InitialHeight: 40, AppStateBytes: appState}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: 1}); err == nil {
		t.Error("block 1 accepted on a chain starting at 40")
	}
	res, err := a.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: 40, Time: blockTime(40), Txs: [][]byte{w.tx(0, 0, 10, withExpiry(41))}})
	if err != nil {
		t.Fatal(err)
	}
	if res.TxResults[0].Code != 0 {
		t.Errorf("envelope rejected: %s", res.TxResults[0].Log)
	}
}

func TestQuery(t *testing.T) {
	w := newWorld(t, 2)
	a := w.newApp(dbm.NewMemDB())
	tx := w.tx(0, 0, 10)
	finalize(t, a, tx)

	for _, tc := range []struct {
		path string
		code uint32
		want any // decoded and compared when non-nil
	}{
		{"/params", QueryOK, &Params{MinFee: testMinFee, MaxBlockTxs: 100, MaxBlockBytes: 1 << 20, ExpiryWindow: testWindow}},
		{"/eon", QueryOK, nil},
		{"/eon/1", QueryOK, nil},
		{"/eon/2", QueryNotFound, nil},
		{"/eon/x", QueryBadRequest, nil},
		{"/account/" + w.addr(0).Hex(), QueryOK, &Account{Balance: testBalance - 10, Nonce: 1}},
		{"/account/" + common.Address{1}.Hex(), QueryOK, &Account{}},
		{"/account/0x12", QueryBadRequest, nil},
		{"/rollup/7", QueryOK, &Rollup{ID: 7, Name: "alpha"}},
		{"/rollup/9", QueryNotFound, nil},
		{"/rollups", QueryOK, &[]Rollup{{ID: 7, Name: "alpha"}, {ID: 8, Name: "beta"}}},
		{"/tx/" + keccak(tx).Hex(), QueryOK, &TxRecord{Hash: keccak(tx), Height: 1, Index: 0, Status: TxIncluded}},
		{"/tx/" + common.Hash{}.Hex(), QueryNotFound, nil},
		{"/tx/zz", QueryBadRequest, nil},
		{"/block/1", QueryOK, nil},
		{"/block/2", QueryNotFound, nil},
		{"/block/0", QueryNotFound, nil},
		{"/block/99999999999999999999", QueryBadRequest, nil},
		{"/pending/1", QueryOK, &[]common.Hash{keccak(tx)}},
		{"/nothing", QueryBadRequest, nil},
		{"", QueryBadRequest, nil},
		{"/account", QueryBadRequest, nil},
	} {
		res, err := a.Query(context.Background(), &abci.QueryRequest{Path: tc.path})
		if err != nil {
			t.Fatal(err)
		}
		if res.Code != tc.code {
			t.Errorf("%s: code %d (%s), want %d", tc.path, res.Code, res.Log, tc.code)
			continue
		}
		if res.Height != 1 {
			t.Errorf("%s: height %d", tc.path, res.Height)
		}
		if tc.want != nil {
			got := newLike(tc.want)
			if err := json.Unmarshal(res.Value, got); err != nil {
				t.Errorf("%s: %v", tc.path, err)
			} else if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: %v, want %v", tc.path, got, tc.want)
			}
		}
	}
	if res, _ := a.Query(context.Background(), &abci.QueryRequest{Path: "/params", Height: 5}); res.Code != QueryBadRequest {
		t.Errorf("query at another height: code %d", res.Code)
	}

	blk, err := a.Block(1)
	if err != nil {
		t.Fatal(err)
	}
	_, hash := a.LastCommit()
	if blk.Height != 1 || !blk.Time.Equal(blockTime(1)) || len(blk.Txs) != 1 || blk.Txs[0] != keccak(tx) || !bytes.Equal(blk.AppHash, hash) {
		t.Errorf("block summary %+v", blk)
	}
	eon, err := a.CurrentEon()
	if err != nil || eon.ID != 1 || eon.Status != 2 || eon.ActivationHeight != 1 || !bytes.Equal(eon.PublicKey, w.genesis.Eon.PublicKey) {
		t.Errorf("current eon %+v, %v", eon, err)
	}
}

func newLike(v any) any {
	switch v.(type) {
	case *Params:
		return new(Params)
	case *Account:
		return new(Account)
	case *Rollup:
		return new(Rollup)
	case *TxRecord:
		return new(TxRecord)
	case *[]Rollup:
		return new([]Rollup)
	case *[]common.Hash:
		return new([]common.Hash)
	}
	panic(fmt.Sprintf("newLike: %T", v))
}

func TestSubscribe(t *testing.T) {
	w := newWorld(t, 2)
	a := w.newApp(dbm.NewMemDB())
	sub := a.Subscribe(8)
	slow := a.Subscribe(1)
	tx0, tx1 := w.tx(0, 0, 10), w.tx(1, 0, 10)
	finalize(t, a, tx0, tx1)
	finalize(t, a)

	b1, b2 := <-sub.C(), <-sub.C()
	if b1.Height != 1 || len(b1.Txs) != 2 || b1.Txs[0].Hash != keccak(tx0) || b1.Txs[1].Index != 1 || b1.Txs[1].Envelope.Sender != w.addr(1) {
		t.Errorf("first block %+v", b1)
	}
	if b2.Height != 2 || len(b2.Txs) != 0 {
		t.Errorf("second block %+v", b2)
	}
	if err := sub.Err(); err != nil {
		t.Errorf("live subscription: %v", err)
	}

	if b := <-slow.C(); b.Height != 1 {
		t.Errorf("slow subscriber got %d", b.Height)
	}
	if _, ok := <-slow.C(); ok {
		t.Error("slow subscriber not dropped")
	}
	if !errors.Is(slow.Err(), ErrSlowSubscriber) {
		t.Errorf("slow subscriber: %v", slow.Err())
	}

	sub.Close()
	sub.Close()
	if _, ok := <-sub.C(); ok || sub.Err() == nil {
		t.Error("closed subscription still open")
	}

	live := a.Subscribe(1)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Subscription{live, a.Subscribe(1)} {
		if _, ok := <-s.C(); ok || s.Err() == nil {
			t.Error("subscription open after Close")
		}
	}
}
