package ordering

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/vdf"
)

// testEscapeBlocks is K in the escape-hatch tests.
const testEscapeBlocks = 3

var (
	testTLOnce   sync.Once
	testTLParams *vdf.Params
)

// testTimeLock returns parameters with the smallest delay, so a test
// solves a puzzle in about a millisecond.
func testTimeLock(t testing.TB) *vdf.Params {
	t.Helper()
	testTLOnce.Do(func() {
		p, err := vdf.GenerateParams(context.Background(), testChain, vdf.MinDelay)
		if err != nil {
			panic(err)
		}
		testTLParams = p
	})
	return testTLParams
}

// withEscapeHatch turns the world's escape hatch on.
func (w *world) withEscapeHatch() *world {
	w.genesis.EscapeHatch = &GenesisEscapeHatch{Blocks: testEscapeBlocks, VDFParams: testTimeLock(w.t).Bytes()}
	return w
}

// lockedTx is a time-locked envelope from wallet i; mods run before
// signing (and after locking).
func (w *world) lockedTx(i int, nonce uint64, mods ...func(*mempool.Envelope)) []byte {
	w.t.Helper()
	h := mempool.Envelope{ChainID: testChain, Eon: 1, Nonce: nonce, Fee: testMinFee, Expiry: 50, Rollups: []uint64{7}}
	e, err := mempool.SealTimeLocked(w.rng, w.enc, testTimeLock(w.t), h, []byte("transfer 5 to bob"), w.keys[i])
	if err != nil {
		w.t.Fatal(err)
	}
	for _, m := range mods {
		m(e)
	}
	if err := e.Sign(w.keys[i]); err != nil {
		w.t.Fatal(err)
	}
	return e.Encode()
}

// testSolver solves every time-locked envelope of a pending block.
type testSolver struct {
	t testing.TB
	a *App
}

func (s testSolver) EscapeSolutions(height int64) ([]EscapeSolution, bool) {
	txs, err := s.a.PendingEnvelopes(height)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []EscapeSolution
	for _, p := range txs {
		pz := TimeLocked(p)
		if pz == nil {
			continue
		}
		_, y, proof, err := vdf.Solve(testTimeLock(s.t), pz)
		if err != nil && !errors.Is(err, vdf.ErrPuzzle) {
			s.t.Fatal(err)
		}
		out = append(out, EscapeSolution{Index: p.Index, Y: y, Proof: proof})
	}
	return out, true
}

func TestEscapeHatchResolvesWithheldBlock(t *testing.T) {
	w := newWorld(t, 4).withEscapeHatch()
	a := w.newApp(dbm.NewMemDB())
	var firm []FirmBlock
	a.SetCommitHook(func(b CommittedBlock) error { firm = append(firm, b.Firm...); return nil })

	locked := w.lockedTx(0, 0)
	mauled := w.lockedTx(1, 0, func(e *mempool.Envelope) { e.Ciphertext[len(e.Ciphertext)-1] ^= 1 })
	badPuzzle := w.lockedTx(2, 0, func(e *mempool.Envelope) { e.TimeLock[len(e.TimeLock)-1] ^= 1 })
	plain := w.tx(3, 0, testMinFee)
	finalize(t, a, locked, mauled, badPuzzle, plain) // height 1

	src := testSolver{t, a}
	sols, _ := src.EscapeSolutions(1)
	if len(sols) != 3 {
		t.Fatalf("%d solutions, want 3", len(sols))
	}
	rec := EscapeRecord{Height: 1, Solutions: sols}.Marshal()

	// Heights 2 and 3 are too early: no proposal holds a record, and a
	// record is rejected.
	a.SetEscapeSource(src)
	for h := int64(2); h <= testEscapeBlocks; h++ {
		if txs := prepare(t, a, 1<<20); len(txs) != 0 {
			t.Fatalf("height %d: proposal holds %d txs before the delay", h, len(txs))
		}
		if process(t, a, rec) {
			t.Fatalf("height %d: record accepted before the delay", h)
		}
		finalize(t, a)
	}

	// Height 4 = 1 + K: the proposer resolves block 1.
	txs := prepare(t, a, 1<<20)
	if len(txs) != 1 || !bytes.Equal(txs[0], rec) {
		t.Fatalf("proposal %d txs, want the escape record", len(txs))
	}
	if !process(t, a, rec) {
		t.Fatal("valid escape record rejected")
	}

	wrongY := append([]EscapeSolution(nil), sols...)
	wrongY[0].Y = vdf.HashToElement([]byte("not the solution"))
	keys, _ := newDealerKeys(t, a).DecryptionKeys(1)
	keyRec, err := KeyRecord{Height: 1, Keys: keys}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for name, txs := range map[string][][]byte{
		"bad proof":            {EscapeRecord{Height: 1, Solutions: wrongY}.Marshal()},
		"solution left out":    {EscapeRecord{Height: 1, Solutions: sols[1:]}.Marshal()},
		"no solutions":         {EscapeRecord{Height: 1}.Marshal()},
		"plain envelope index": {EscapeRecord{Height: 1, Solutions: append(append([]EscapeSolution(nil), sols...), EscapeSolution{Index: 3, Y: sols[0].Y, Proof: sols[0].Proof})}.Marshal()},
		"same block twice":     {rec, rec},
		"keys and escape":      {keyRec, rec},
		"uncommitted height":   {EscapeRecord{Height: 9, Solutions: sols}.Marshal()},
		"truncated":            {rec[:len(rec)-1]},
	} {
		if process(t, a, txs...) {
			t.Errorf("%s: proposal accepted", name)
		}
	}

	res := finalize(t, a, rec) // height 4
	if r := res.TxResults[0]; r.Code != 0 || len(r.Events) != 1 || r.Events[0].Type != EventEscape {
		t.Fatalf("escape record result %+v", r)
	}
	want := []struct {
		tx     []byte
		status TxStatus
		err    error
	}{
		{locked, TxDecrypted, nil},
		{mauled, TxDecryptFailed, nil},
		{badPuzzle, TxDecryptFailed, vdf.ErrPuzzle},
		{plain, TxUndecryptable, ErrUndecryptable},
	}
	if len(firm) != 1 || firm[0].Height != 1 || firm[0].RecordedAt != 4 || !firm[0].Escaped || len(firm[0].Txs) != 4 {
		t.Fatalf("firm blocks %+v", firm)
	}
	for j, w := range want {
		r, err := a.Tx(keccak(w.tx))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != w.status {
			t.Errorf("tx %d: status %v, want %v", j, r.Status, w.status)
		}
		if ft := firm[0].Txs[j]; (w.err != nil && !errors.Is(ft.Err, w.err)) || (w.status == TxDecrypted) != (ft.Err == nil) {
			t.Errorf("tx %d: firm error %v", j, ft.Err)
		}
	}
	if !bytes.Equal(firm[0].Txs[0].Plaintext, []byte("transfer 5 to bob")) {
		t.Errorf("escaped plaintext %q", firm[0].Txs[0].Plaintext)
	}
	if _, _, ok, err := a.FirmRoot(1); !ok || err != nil {
		t.Fatalf("no firm root for the escaped block: %v", err)
	}
	// Keys arriving late for the resolved block are rejected, and so is
	// a second resolution.
	if process(t, a, keyRec) {
		t.Error("key record for an escaped block accepted")
	}
	if process(t, a, rec) {
		t.Error("second escape record accepted")
	}
	for i := range 4 {
		if acc := account(t, a, w.addr(i)); acc.Balance != testBalance-testMinFee {
			t.Errorf("wallet %d balance %d", i, acc.Balance)
		}
	}
}

// TestEscapeHatchEmptyRecord: a withheld block without time-locked
// envelopes is resolved by an empty record, with no solver at all.
func TestEscapeHatchEmptyRecord(t *testing.T) {
	w := newWorld(t, 1).withEscapeHatch()
	a := w.newApp(dbm.NewMemDB())
	plain := w.tx(0, 0, testMinFee)
	finalize(t, a, plain)
	for range testEscapeBlocks - 1 {
		finalize(t, a)
	}
	txs := prepare(t, a, 1<<20)
	if len(txs) != 1 || !bytes.Equal(txs[0], EscapeRecord{Height: 1}.Marshal()) {
		t.Fatalf("proposal %x, want the empty escape record", txs)
	}
	if !process(t, a, txs...) {
		t.Fatal("empty record rejected")
	}
	finalize(t, a, txs...)
	if r, err := a.Tx(keccak(plain)); err != nil || r.Status != TxUndecryptable {
		t.Fatalf("status %v, %v", r.Status, err)
	}
	if hs, _ := a.PendingHeights(10); len(hs) != 0 {
		t.Fatalf("still pending: %v", hs)
	}
}

// TestEscapeHatchWaitsForSolutions: a block with a time-locked envelope
// is not resolved before the node has its solutions, and a keyed block
// is never resolved.
func TestEscapeHatchWaitsForSolutions(t *testing.T) {
	w := newWorld(t, 2).withEscapeHatch()
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a, w.lockedTx(0, 0))
	for range testEscapeBlocks - 1 {
		finalize(t, a)
	}
	if txs := prepare(t, a, 1<<20); len(txs) != 0 {
		t.Fatalf("proposal without solutions holds %d txs", len(txs))
	}
	// With keys the block is keyed, not escaped.
	a.SetKeySource(newDealerKeys(t, a))
	a.SetEscapeSource(testSolver{t, a})
	txs := prepare(t, a, 1<<20)
	if len(txs) != 1 || txs[0][0] != SysTxDecryptionKeys {
		t.Fatalf("proposal %d txs, want the key record only", len(txs))
	}
	sols, _ := testSolver{t, a}.EscapeSolutions(1)
	rec := EscapeRecord{Height: 1, Solutions: sols}.Marshal()
	if !process(t, a, rec) {
		t.Fatal("valid escape record rejected")
	}
	// Once the keys are recorded, the block's solutions are refused.
	finalize(t, a, txs...)
	if process(t, a, rec) {
		t.Fatal("escape record for a keyed block accepted")
	}
}

func TestEscapeHatchOff(t *testing.T) {
	w := newWorld(t, 1)
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a, w.tx(0, 0, testMinFee))
	for range 5 {
		finalize(t, a)
	}
	if h, err := a.EscapeHatch(); h != nil || err != nil {
		t.Fatalf("escape hatch %v, %v", h, err)
	}
	if process(t, a, EscapeRecord{Height: 1}.Marshal()) {
		t.Fatal("escape record accepted on a chain without the hatch")
	}
}

// TestEscapeHatchDeterministic: two nodes applying the same blocks reach
// the same app hash.
func TestEscapeHatchDeterministic(t *testing.T) {
	w := newWorld(t, 2).withEscapeHatch()
	a, b := w.newApp(dbm.NewMemDB()), w.newApp(dbm.NewMemDB())
	blocks := [][][]byte{{w.lockedTx(0, 0), w.tx(1, 0, testMinFee)}}
	for range testEscapeBlocks - 1 {
		blocks = append(blocks, nil)
	}
	for _, txs := range blocks {
		finalize(t, a, txs...)
		finalize(t, b, txs...)
	}
	a.SetEscapeSource(testSolver{t, a})
	rec := prepare(t, a, 1<<20)
	if len(rec) != 1 {
		t.Fatalf("proposal %d txs", len(rec))
	}
	ra, rb := finalize(t, a, rec...), finalize(t, b, rec...)
	if !bytes.Equal(ra.AppHash, rb.AppHash) {
		t.Fatal("app hashes differ")
	}
}

func TestGenesisEscapeHatch(t *testing.T) {
	for name, e := range map[string]*GenesisEscapeHatch{
		"zero blocks": {Blocks: 0, VDFParams: testTimeLock(t).Bytes()},
		"no params":   {Blocks: 3},
		"bad params":  {Blocks: 3, VDFParams: testTimeLock(t).Bytes()[:40]},
	} {
		w := newWorld(t, 1)
		w.genesis.EscapeHatch = e
		if _, err := w.genesis.Marshal(); !errors.Is(err, ErrGenesis) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

var rewriteEscapeCorpus = flag.Bool("rewrite-escape-corpus", false, "regenerate testdata/fuzz/FuzzParseEscapeRecord from real records")

// FuzzParseEscapeRecord: parsing never panics, and a record that parses
// marshals back to the same bytes.
func FuzzParseEscapeRecord(f *testing.F) {
	pz, err := vdf.Lock(testTimeLock(f), make([]byte, vdf.KeySize), seeded(3))
	if err != nil {
		f.Fatal(err)
	}
	_, y, proof, err := vdf.Solve(testTimeLock(f), pz)
	if err != nil {
		f.Fatal(err)
	}
	valid := EscapeRecord{Height: 5, Solutions: []EscapeSolution{{Index: 1, Y: y, Proof: proof}, {Index: 4, Y: y, Proof: proof}}}.Marshal()
	seeds := [][]byte{valid, valid[:len(valid)-1], EscapeRecord{Height: 1}.Marshal(), {0xF2}}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteEscapeCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzParseEscapeRecord", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzParseEscapeRecord/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzParseEscapeRecord: run go test -run FuzzParseEscapeRecord -rewrite-escape-corpus")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseEscapeRecord(b)
		if err != nil {
			return
		}
		if again := r.Marshal(); !bytes.Equal(again, b) {
			t.Fatalf("parse → marshal changed %x", b)
		}
	})
}

// BenchmarkEscapeVerify is ProcessProposal of a block holding one 0xF2
// record with n solutions (vdf.Open of each, in parallel), with the
// verification cache emptied each time (FinalizeBlock then reuses the
// result). The cost of a verification does not depend on T.
func BenchmarkEscapeVerify(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			w := newWorld(b, n).withEscapeHatch()
			w.genesis.Params.MaxBlockTxs = uint32(n)
			a := w.newApp(dbm.NewMemDB())
			var txs [][]byte
			for i := range n {
				txs = append(txs, w.lockedTx(i, 0))
			}
			finalize(b, a, txs...)
			for range testEscapeBlocks - 1 {
				finalize(b, a)
			}
			a.SetEscapeSource(testSolver{b, a})
			rec := prepare(b, a, 1<<30)
			if len(rec) != 1 {
				b.Fatalf("proposal %d txs", len(rec))
			}
			b.ReportMetric(float64(len(rec[0])), "record-bytes")
			for b.Loop() {
				a.escape.verified = nil
				if !process(b, a, rec...) {
					b.Fatal("rejected")
				}
			}
		})
	}
}

// TestEscapeHatchSkipsUnsolvedBlocks: a block still being solved does not
// hold back a younger one the proposer can resolve.
func TestEscapeHatchSkipsUnsolvedBlocks(t *testing.T) {
	w := newWorld(t, 2).withEscapeHatch()
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a, w.lockedTx(0, 0)) // 1: needs a solution
	plain := w.tx(1, 0, testMinFee)
	finalize(t, a, plain) // 2: resolvable with an empty record
	for range testEscapeBlocks - 1 {
		finalize(t, a)
	}
	txs := prepare(t, a, 1<<20) // no escape source: block 1 waits
	if len(txs) != 1 || !bytes.Equal(txs[0], EscapeRecord{Height: 2}.Marshal()) {
		t.Fatalf("proposal %x, want the empty record of block 2", txs)
	}
	finalize(t, a, txs...)
	if r, err := a.Tx(keccak(plain)); err != nil || r.Status != TxUndecryptable {
		t.Fatalf("block 2 envelope %v, %v", r.Status, err)
	}
	if hs, _ := a.PendingHeights(10); len(hs) != 1 || hs[0] != 1 {
		t.Fatalf("pending %v", hs)
	}
}

// TestEscapeHatchRecordsPerProposal: a proposal resolves at most
// maxEscapeRecordsPerBlock blocks; more is rejected.
func TestEscapeHatchRecordsPerProposal(t *testing.T) {
	const n = maxEscapeRecordsPerBlock + 1
	w := newWorld(t, n).withEscapeHatch()
	a := w.newApp(dbm.NewMemDB())
	var all [][]byte
	for i := range n {
		finalize(t, a, w.tx(i, 0, testMinFee))
		all = append(all, EscapeRecord{Height: int64(i + 1)}.Marshal())
	}
	for range testEscapeBlocks {
		finalize(t, a)
	}
	txs := prepare(t, a, 1<<20)
	if len(txs) != maxEscapeRecordsPerBlock {
		t.Fatalf("proposal holds %d records, want %d", len(txs), maxEscapeRecordsPerBlock)
	}
	if process(t, a, all...) {
		t.Fatalf("proposal with %d records accepted", n)
	}
	finalize(t, a, txs...)
	if txs := prepare(t, a, 1<<20); len(txs) != 1 || !bytes.Equal(txs[0], all[n-1]) {
		t.Fatalf("next proposal %d txs", len(txs))
	}
}
