package feed

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
)

const chain = "feed-test"

type tx struct {
	hash    common.Hash
	rollups []uint64
	legs    []rollupfeed.Leg
}

func mkTx(n byte, legs ...rollupfeed.Leg) tx {
	_, rollups, _ := rollupfeed.EncodePlaintext(legs)
	return tx{hash: common.Hash{n}, rollups: rollups, legs: legs}
}

// committed is block h as the application commits it: its envelopes,
// the firm blocks whose keys it records, and the batch roots it records
// with the inputs of its app hash.
func committed(h int64, txs []tx, firm ...ordering.FirmBlock) ordering.CommittedBlock {
	b := ordering.CommittedBlock{Height: h, Firm: firm, PrevAppHash: bytes.Repeat([]byte{1}, 32), ChangesRoot: bytes.Repeat([]byte{2}, 32)}
	for i, t := range txs {
		b.Txs = append(b.Txs, ordering.CommittedTx{Hash: mempool.Hash(t.hash), Index: uint32(i), Envelope: &mempool.Envelope{Rollups: t.rollups}})
	}
	for _, fb := range firm {
		blk, err := rollupfeed.BuildBlock(fb.Height, chain, fb.DecryptedTxs())
		if err != nil {
			panic(err)
		}
		b.FirmRoots = append(b.FirmRoots, rollupfeed.FirmRoot{Height: fb.Height, Root: blk.Root})
	}
	if len(txs) == 0 {
		b.FirmRoots = append(b.FirmRoots, rollupfeed.FirmRoot{Height: h, Root: rollupfeed.EmptyRoot})
	}
	b.AppHash = rollupfeed.AppHash(b.PrevAppHash, h, b.ChangesRoot, b.FirmRoots)
	return b
}

func firmOf(t *testing.T, h, at int64, txs []tx) ordering.FirmBlock {
	fb := ordering.FirmBlock{Height: h, RecordedAt: at}
	for i, x := range txs {
		pt, _, err := rollupfeed.EncodePlaintext(x.legs)
		if err != nil {
			t.Fatal(err)
		}
		fb.Txs = append(fb.Txs, ordering.FirmTx{Hash: x.hash, Index: uint32(i), Rollups: x.rollups, Plaintext: pt})
	}
	return fb
}

func newFeed(t *testing.T, db dbm.DB, mod func(*Config)) *Feed {
	t.Helper()
	cfg := Config{DB: db, ChainID: chain, Rollups: func() ([]uint64, error) { return []uint64{1, 2}, nil }}
	if mod != nil {
		mod(&cfg)
	}
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

func mustCommit(t *testing.T, f *Feed, b ordering.CommittedBlock) {
	t.Helper()
	if err := f.OnCommit(b); err != nil {
		t.Fatal(err)
	}
}

// TestFirmOrderAndReplay: heights turn firm in order whatever order their
// keys are recorded in, subscribers get one verified batch per height,
// and a reopened feed serves the same batches.
func TestFirmOrderAndReplay(t *testing.T) {
	db := dbm.NewMemDB()
	f := newFeed(t, db, nil)
	block2 := []tx{mkTx(1, rollupfeed.Leg{Rollup: 1, Data: []byte("a")}, rollupfeed.Leg{Rollup: 2, Data: []byte("b")}), mkTx(2, rollupfeed.Leg{Rollup: 1, Data: []byte("c")})}
	block3 := []tx{mkTx(3, rollupfeed.Leg{Rollup: 2, Data: []byte("d")})}
	mustCommit(t, f, committed(1, nil))
	mustCommit(t, f, committed(2, block2))
	mustCommit(t, f, committed(3, block3))
	if f.Tip(Firm) != 1 || f.Committed() != 3 {
		t.Fatalf("firm tip %d committed %d", f.Tip(Firm), f.Committed())
	}
	mustCommit(t, f, committed(4, nil, firmOf(t, 3, 4, block3))) // 3 before 2
	if f.Tip(Firm) != 1 {
		t.Fatalf("firm tip %d with height 2 unkeyed", f.Tip(Firm))
	}
	mustCommit(t, f, committed(5, nil, firmOf(t, 2, 5, block2)))
	// Height 2's root is in AppHash(5), which the header of 6 carries.
	if f.Tip(Firm) != 1 || f.Tip(Soft) != 5 {
		t.Fatalf("tips firm %d soft %d, want 1 and 5", f.Tip(Firm), f.Tip(Soft))
	}
	mustCommit(t, f, committed(6, nil))
	if f.Tip(Firm) != 5 || f.Tip(Soft) != 6 {
		t.Fatalf("tips firm %d soft %d, want 5 and 6", f.Tip(Firm), f.Tip(Soft))
	}
	for h, at := range map[int64]int64{1: 1, 2: 5, 3: 4, 4: 4, 5: 5} {
		ev, err := f.FirmEvidence(context.Background(), h)
		if err != nil || ev.Proof.RecordedAt != at || ev.Header != nil {
			t.Fatalf("evidence of %d: %+v, %v", h, ev, err)
		}
		blk, err := f.Block(Firm, h)
		if err != nil {
			t.Fatal(err)
		}
		if err := ev.Check(h, blk.Root); err != nil {
			t.Errorf("evidence of %d: %v", h, err)
		}
		if err := ev.Check(h, common.Hash{9}); !errors.Is(err, rollupfeed.ErrNotFirm) {
			t.Errorf("evidence of %d for another root: %v", h, err)
		}
	}
	if _, err := f.FirmEvidence(context.Background(), 6); !errors.Is(err, ErrNotYet) {
		t.Errorf("evidence beyond the firm tip: %v", err)
	}

	legs := map[uint64][]string{}
	for _, rollup := range []uint64{1, 2} {
		s, err := f.Subscribe(rollup, 1, Firm)
		if err != nil {
			t.Fatal(err)
		}
		for h := int64(1); h <= 5; h++ {
			d := <-s.C()
			if d.Batch.Height != h || d.Batch.Rollup != rollup {
				t.Fatalf("rollup %d: got height %d, want %d", rollup, d.Batch.Height, h)
			}
			if err := rollupfeed.VerifyBatch(d.Batch, d.Root); err != nil {
				t.Fatalf("rollup %d height %d: %v", rollup, h, err)
			}
			for _, l := range d.Batch.Legs {
				legs[rollup] = append(legs[rollup], string(l.Data))
			}
		}
		s.Close()
		if _, ok := <-s.C(); ok {
			t.Fatal("delivery after Close")
		}
		if !errors.Is(s.Err(), ErrUnsubscribed) {
			t.Fatalf("err after Close: %v", s.Err())
		}
	}
	if got := legs[1]; len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Errorf("rollup 1 legs %q", got)
	}
	if got := legs[2]; len(got) != 2 || got[0] != "b" || got[1] != "d" {
		t.Errorf("rollup 2 legs %q", got)
	}

	info, err := f.Bundle(common.Hash{1})
	if err != nil || info.Height != 2 || len(info.Legs) != 2 || info.Level != Firm {
		t.Fatalf("bundle: %+v, %v", info, err)
	}
	for _, l := range info.Legs {
		if err := rollupfeed.VerifyLeg(&l.Leg, &l.Proof, info.Root); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Bundle(common.Hash{9}); !errors.Is(err, ErrUnknownBundle) {
		t.Errorf("unknown bundle: %v", err)
	}

	b2, _ := f.Block(Firm, 2)
	f.Close()
	again := newFeed(t, db, nil)
	if again.Tip(Firm) != 5 {
		t.Fatalf("reopened firm tip %d", again.Tip(Firm))
	}
	r2, err := again.Block(Firm, 2)
	if err != nil || r2.Root != b2.Root {
		t.Fatalf("reopened block 2: %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	f := newFeed(t, dbm.NewMemDB(), nil)
	var unknown *UnknownRollupError
	if _, err := f.Subscribe(3, 1, Firm); !errors.As(err, &unknown) || len(unknown.Registered) != 2 || !errors.Is(err, ErrUnknownRollup) {
		t.Errorf("unknown rollup: %v", err)
	}
	for _, h := range []int64{0, -1, MaxHeight + 1} {
		if _, err := f.Subscribe(1, h, Firm); !errors.Is(err, ErrHeight) {
			t.Errorf("height %d: %v", h, err)
		}
	}
	if _, err := f.Subscribe(1, 1, Level(7)); !errors.Is(err, ErrLevel) {
		t.Errorf("level 7: %v", err)
	}
	if _, _, err := f.Batch(Firm, 1, 5); !errors.Is(err, ErrNotYet) {
		t.Errorf("batch beyond the tip: %v", err)
	}
	// Beyond the tip, a subscription waits.
	s, err := f.Subscribe(1, 2, Firm)
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, f, committed(1, nil))
	mustCommit(t, f, committed(2, nil))
	mustCommit(t, f, committed(3, nil))
	if d := <-s.C(); d.Batch.Height != 2 || d.Batch.Absence == nil {
		t.Fatalf("first delivery %+v", d.Batch)
	}
	s.Close()
}

// TestSlowSubscriber: a consumer that stops reading is dropped with the
// height to resume from, and everything below it was delivered.
func TestSlowSubscriber(t *testing.T) {
	f := newFeed(t, dbm.NewMemDB(), func(c *Config) { c.Buffer, c.MaxLag = 2, 3 })
	s, err := f.Subscribe(1, 1, Firm)
	if err != nil {
		t.Fatal(err)
	}
	for h := int64(1); h <= 10; h++ {
		mustCommit(t, f, committed(h, nil))
	}
	var got []int64
	for d := range s.C() {
		got = append(got, d.Batch.Height)
	}
	var slow *SlowError
	if !errors.As(s.Err(), &slow) || !errors.Is(s.Err(), ErrSlow) {
		t.Fatalf("err %v, want a SlowError", s.Err())
	}
	for i, h := range got {
		if h != int64(i+1) {
			t.Fatalf("delivered heights %v", got)
		}
	}
	if slow.Resume != int64(len(got)+1) {
		t.Fatalf("resume %d after %d deliveries", slow.Resume, len(got))
	}
}

type fakeSoft struct{ res map[int64]chan []SoftTx }

func (s *fakeSoft) Wait(ctx context.Context, h int64) ([]SoftTx, error) {
	select {
	case r := <-s.res[h]:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestSoftBeforeFirm: a height decrypted by the pool is soft before its
// keys are recorded, with the root the firm block then has.
func TestSoftBeforeFirm(t *testing.T) {
	soft := &fakeSoft{res: map[int64]chan []SoftTx{2: make(chan []SoftTx, 1)}}
	f := newFeed(t, dbm.NewMemDB(), func(c *Config) { c.Soft = soft })
	block2 := []tx{mkTx(1, rollupfeed.Leg{Rollup: 1, Data: []byte("x")})}
	s, err := f.Subscribe(1, 1, Soft)
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, f, committed(1, nil))
	mustCommit(t, f, committed(2, block2))
	if d := <-s.C(); d.Batch.Height != 1 {
		t.Fatalf("height %d", d.Batch.Height)
	}
	soft.res[2] <- []SoftTx{{Hash: common.Hash{1}, Index: 0, Plaintext: []byte("x")}}
	d := <-s.C()
	if d.Batch.Height != 2 || len(d.Batch.Legs) != 1 || f.Tip(Firm) != 1 {
		t.Fatalf("soft delivery %+v, firm tip %d", d.Batch, f.Tip(Firm))
	}
	mustCommit(t, f, committed(3, nil, firmOf(t, 2, 3, block2)))
	mustCommit(t, f, committed(4, nil))
	fb, err := f.Block(Firm, 2)
	if err != nil || fb.Root != d.Root {
		t.Fatalf("firm root differs from soft: %v", err)
	}
	if d := <-s.C(); d.Batch.Height != 3 {
		t.Fatalf("height %d after firm", d.Batch.Height)
	}
	s.Close()
}

// TestRootMismatch: a block whose recorded roots are not the feed's is
// refused, and nothing of it is stored.
func TestRootMismatch(t *testing.T) {
	f := newFeed(t, dbm.NewMemDB(), nil)
	block1 := []tx{mkTx(1, rollupfeed.Leg{Rollup: 1, Data: []byte("x")})}
	mustCommit(t, f, committed(1, block1))
	for name, mod := range map[string]func(*ordering.CommittedBlock){
		"changed root": func(b *ordering.CommittedBlock) { b.FirmRoots[0].Root[0] ^= 1 },
		"missing root": func(b *ordering.CommittedBlock) { b.FirmRoots = b.FirmRoots[1:] },
		"extra root": func(b *ordering.CommittedBlock) {
			b.FirmRoots = append([]rollupfeed.FirmRoot{{Height: 1, Root: rollupfeed.EmptyRoot}}, b.FirmRoots...)
		},
	} {
		b := committed(2, nil, firmOf(t, 1, 2, block1))
		mod(&b)
		if err := f.OnCommit(b); !errors.Is(err, ErrRootMismatch) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if f.Committed() != 1 {
		t.Fatalf("committed %d after refused blocks", f.Committed())
	}
	mustCommit(t, f, committed(2, nil, firmOf(t, 1, 2, block1)))
	mustCommit(t, f, committed(3, nil))
	if f.Tip(Firm) != 2 {
		t.Fatalf("firm tip %d", f.Tip(Firm))
	}
}

func TestRecordRoundTrip(t *testing.T) {
	txs := []rollupfeed.DecryptedTx{
		{Hash: common.Hash{1}, Index: 0, Rollups: []uint64{1, 2}, Plaintext: []byte("p")},
		{Hash: common.Hash{2}, Index: 3, Rollups: []uint64{5}, Err: errors.New("threshold: decryption failed")},
		{Hash: common.Hash{3}, Index: 4, Rollups: []uint64{5}, Plaintext: []byte{}},
		{Hash: common.Hash{4}, Index: 5, Rollups: []uint64{1}},
	}
	b := encodeRecord(txs)
	got, err := decodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[1].Err.Error() != "threshold: decryption failed" || got[2].Plaintext == nil || got[3].Plaintext != nil || !bytes.Equal(got[0].Plaintext, []byte("p")) {
		t.Fatalf("decoded %+v", got)
	}
	for n := range len(b) {
		if _, err := decodeRecord(b[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: parsed", n)
		}
	}
}

var rewriteCorpus = flag.Bool("rewrite-corpus", false, "regenerate testdata/fuzz/FuzzDecodeRecord")

// FuzzDecodeRecord: decoding never panics, and a record that decodes
// encodes back to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	seeds := [][]byte{
		encodeRecord(nil),
		encodeRecord([]rollupfeed.DecryptedTx{{Hash: common.Hash{1}, Rollups: []uint64{1, 2}, Plaintext: []byte("p")}}),
		encodeRecord([]rollupfeed.DecryptedTx{{Hash: common.Hash{2}, Index: 7, Rollups: []uint64{9}, Err: errors.New("bad")}, {Hash: common.Hash{3}, Index: 8, Rollups: []uint64{9}}}),
		{0, 0, 0, 1},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzDecodeRecord", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzDecodeRecord/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzDecodeRecord: run go test -run FuzzDecodeRecord -rewrite-corpus")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		txs, err := decodeRecord(b)
		if err != nil {
			return
		}
		if again := encodeRecord(txs); !bytes.Equal(again, b) {
			t.Fatalf("decode → encode changed %x to %x", b, again)
		}
	})
}
