package ordering

import (
	"bytes"
	"errors"
	"flag"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// dealerKeys recomputes the keys of the world's one-member committee.
type dealerKeys struct {
	t  testing.TB
	a  *App
	sk *threshold.SecretKeyShare
	pk *threshold.EonPublicKey
}

func newDealerKeys(t testing.TB, a *App) *dealerKeys {
	pk, sks, err := threshold.DealKeys(seeded(1), 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &dealerKeys{t: t, a: a, sk: sks[0], pk: pk}
}

func (d *dealerKeys) DecryptionKeys(height int64) ([]*threshold.DecryptionKey, bool) {
	txs, err := d.a.PendingEnvelopes(height)
	if err != nil || len(txs) == 0 {
		return nil, false
	}
	ids := identities(txs)
	keys, err := threshold.AggregateKeys(d.pk, ids, map[int][]*threshold.KeyShare{1: d.sk.KeyShares(ids)})
	if err != nil {
		d.t.Fatal(err)
	}
	return keys, true
}

func TestKeyRecordDecryptsFirm(t *testing.T) {
	w := newWorld(t, 4)
	a := w.newApp(dbm.NewMemDB())
	good0, good1 := w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee)
	mauled := w.tx(2, 0, testMinFee, func(e *mempool.Envelope) { e.Ciphertext[len(e.Ciphertext)-1] ^= 1 })
	badU := w.tx(3, 0, testMinFee, func(e *mempool.Envelope) { e.Ciphertext[5] ^= 0x55 })
	finalize(t, a, good0, good1, mauled, badU)

	pend, err := a.PendingEnvelopes(1)
	if err != nil || len(pend) != 4 {
		t.Fatalf("pending envelopes at 1: %d, %v", len(pend), err)
	}
	if hs, err := a.PendingHeights(10); err != nil || len(hs) != 1 || hs[0] != 1 {
		t.Fatalf("pending heights %v, %v", hs, err)
	}

	// Without a key source the proposer records nothing.
	if txs := prepare(t, a, 1<<20); len(txs) != 0 {
		t.Fatalf("proposal without a key source has %d txs", len(txs))
	}
	src := newDealerKeys(t, a)
	a.SetKeySource(src)
	txs := prepare(t, a, 1<<20)
	if len(txs) != 1 || txs[0][0] != SysTxDecryptionKeys {
		t.Fatalf("proposal %d txs, want one key record", len(txs))
	}
	rec := txs[0]
	if !process(t, a, rec) {
		t.Fatal("valid key record rejected")
	}

	keys, _ := src.DecryptionKeys(1)
	swapped := append([]*threshold.DecryptionKey{keys[1], keys[0]}, keys[2:]...)
	wrongOrder, _ := KeyRecord{Height: 1, Keys: swapped}.Marshal()
	short, _ := KeyRecord{Height: 1, Keys: keys[:3]}.Marshal()
	unknown, _ := KeyRecord{Height: 7, Keys: keys}.Marshal()
	for name, txs := range map[string][][]byte{
		"keys out of order":     {wrongOrder},
		"too few keys":          {short},
		"uncommitted height":    {unknown},
		"same block twice":      {rec, rec},
		"unknown system tag":    {{0xF7, 1, 2}},
		"truncated key record":  {rec[:len(rec)-1]},
		"record among garbage":  {rec, {0xF1}},
		"empty record of block": {{0xF1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
	} {
		if process(t, a, txs...) {
			t.Errorf("%s: proposal accepted", name)
		}
	}

	res := finalize(t, a, rec)
	if res.TxResults[0].Code != 0 || len(res.TxResults[0].Events) != 1 || res.TxResults[0].Events[0].Type != EventKeys {
		t.Fatalf("key record result %+v", res.TxResults[0])
	}
	want := map[string]TxStatus{"good0": TxDecrypted, "good1": TxDecrypted, "mauled": TxDecryptFailed, "bad U": TxDecryptFailed}
	for name, tx := range map[string][]byte{"good0": good0, "good1": good1, "mauled": mauled, "bad U": badU} {
		r, err := a.Tx(keccak(tx))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want[name] {
			t.Errorf("%s: status %v, want %v", name, r.Status, want[name])
		}
	}
	if hs, _ := a.PendingDecryptions(1); len(hs) != 0 {
		t.Errorf("block 1 still has %d pending decryptions", len(hs))
	}
	if p, _ := a.PendingEnvelopes(1); len(p) != 0 {
		t.Errorf("block 1 still has %d pending envelopes", len(p))
	}
	if process(t, a, rec) {
		t.Error("a record for an already keyed block was accepted")
	}
	// Fees stay charged whatever the plaintext.
	for i := range 4 {
		if acc := account(t, a, w.addr(i)); acc.Balance != testBalance-testMinFee {
			t.Errorf("wallet %d balance %d", i, acc.Balance)
		}
	}
}

func TestKeyRecordRoundTrip(t *testing.T) {
	w := newWorld(t, 1)
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a, w.tx(0, 0, testMinFee))
	keys, _ := newDealerKeys(t, a).DecryptionKeys(1)
	b, err := KeyRecord{Height: 1, Keys: keys}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseKeyRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r.Marshal()
	if !bytes.Equal(again, b) {
		t.Fatal("round trip changed the record")
	}
}

var rewriteKeyRecordCorpus = flag.Bool("rewrite-keyrecord-corpus", false, "regenerate testdata/fuzz/FuzzParseKeyRecord from real records")

// FuzzParseKeyRecord: parsing never panics, and a record that parses
// marshals back to the same bytes.
func FuzzParseKeyRecord(f *testing.F) {
	w := newWorld(f, 2)
	a := w.newApp(dbm.NewMemDB())
	finalize(f, a, w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee))
	keys, _ := newDealerKeys(f, a).DecryptionKeys(1)
	valid, err := KeyRecord{Height: 1, Keys: keys}.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	keyRecordSeeds(f, "FuzzParseKeyRecord", valid, valid[:len(valid)-1], []byte{0xF1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0xF1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseKeyRecord(b)
		if err != nil {
			return
		}
		again, err := r.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("parse → marshal changed %x", b)
		}
	})
}

// TestKeyRecordFailsBadBundle: a payload that decrypts but does not open
// for its destination list is TxDecryptFailed, the others of the block
// are unaffected, and the commit hook receives every firm result.
func TestKeyRecordFailsBadBundle(t *testing.T) {
	w := newWorld(t, 3)
	a := w.newApp(dbm.NewMemDB())
	var got []FirmBlock
	a.SetCommitHook(func(b CommittedBlock) error { got = append(got, b.Firm...); return nil })
	seal := func(i int, rollups []uint64, plaintext []byte) []byte {
		h := mempool.Envelope{ChainID: testChain, Eon: 1, Nonce: 0, Fee: testMinFee, Expiry: 50, Rollups: rollups}
		e, err := mempool.Seal(w.rng, w.enc, h, plaintext, w.keys[i])
		if err != nil {
			t.Fatal(err)
		}
		return e.Encode()
	}
	bundle, err := rollupfeed.EncodeBundle([]rollupfeed.Leg{{Rollup: 7, Data: []byte("a")}, {Rollup: 8, Data: []byte("b")}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := rollupfeed.EncodeBundle([]rollupfeed.Leg{{Rollup: 7, Data: []byte("a")}, {Rollup: 9, Data: []byte("b")}})
	if err != nil {
		t.Fatal(err)
	}
	good := seal(0, []uint64{7, 8}, bundle)
	notBundle := seal(1, []uint64{7, 8}, []byte("not a bundle"))
	mismatch := seal(2, []uint64{7, 8}, other)
	finalize(t, a, good, notBundle, mismatch)
	a.SetKeySource(newDealerKeys(t, a))
	txs := prepare(t, a, 1<<20)
	if len(txs) != 1 {
		t.Fatalf("proposal %d txs, want one key record", len(txs))
	}
	finalize(t, a, txs...)

	want := []struct {
		tx     []byte
		status TxStatus
		err    error
	}{{good, TxDecrypted, nil}, {notBundle, TxDecryptFailed, rollupfeed.ErrBadBundle}, {mismatch, TxDecryptFailed, rollupfeed.ErrBundleMismatch}}
	if len(got) != 1 || got[0].Height != 1 || got[0].RecordedAt != 2 || len(got[0].Txs) != 3 {
		t.Fatalf("firm blocks %+v", got)
	}
	for j, w := range want {
		r, err := a.Tx(keccak(w.tx))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != w.status {
			t.Errorf("tx %d: status %v, want %v", j, r.Status, w.status)
		}
		ft := got[0].Txs[j]
		if ft.Hash != keccak(w.tx) || ft.Index != uint32(j) || !errors.Is(ft.Err, w.err) || ft.Plaintext == nil {
			t.Errorf("tx %d: firm result %+v", j, ft)
		}
	}
	if !bytes.Equal(got[0].Txs[0].Plaintext, bundle) {
		t.Error("firm plaintext differs from the sealed bundle")
	}
}

// softDealer is a key source that also holds soft results: the ones it
// got by decrypting with the keys it hands out.
type softDealer struct {
	*dealerKeys
	results map[common.Hash]threshold.DecryptResult
	keys    map[common.Hash]*threshold.DecryptionKey
	hits    int
}

func (s *softDealer) SoftResult(h common.Hash, key *threshold.DecryptionKey) (threshold.DecryptResult, bool) {
	k, ok := s.keys[h]
	if !ok || !k.Equal(key) {
		return threshold.DecryptResult{}, false
	}
	s.hits++
	return s.results[h], true
}

// TestFirmReusesSoftResults checks that FinalizeBlock takes the results a
// SoftResults source already holds for the recorded keys, and that doing
// so changes nothing: the app hash and every status equal those of a node
// that decrypted everything itself.
func TestFirmReusesSoftResults(t *testing.T) {
	w := newWorld(t, 3)
	txs := [][]byte{w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee), w.tx(2, 0, testMinFee, func(e *mempool.Envelope) { e.Ciphertext[len(e.Ciphertext)-1] ^= 1 })}
	plain, soft := w.newApp(dbm.NewMemDB()), w.newApp(dbm.NewMemDB())
	finalize(t, plain, txs...)
	finalize(t, soft, txs...)

	src := &softDealer{dealerKeys: newDealerKeys(t, soft), results: map[common.Hash]threshold.DecryptResult{}, keys: map[common.Hash]*threshold.DecryptionKey{}}
	keys, _ := src.DecryptionKeys(1)
	pend, err := soft.PendingEnvelopes(1)
	if err != nil {
		t.Fatal(err)
	}
	// The source has opened the first two envelopes only.
	for j, p := range pend[:2] {
		pt, err := threshold.Decrypt(keys[j], p.Envelope.Ciphertext, p.Envelope.Header())
		src.results[p.Hash], src.keys[p.Hash] = threshold.DecryptResult{Plaintext: pt, Err: err}, keys[j]
	}
	soft.SetKeySource(src)
	plain.SetKeySource(newDealerKeys(t, plain))
	rec := prepare(t, soft, 1<<20)
	if len(rec) != 1 {
		t.Fatalf("proposal has %d txs, want one key record", len(rec))
	}
	a, b := finalize(t, plain, rec...), finalize(t, soft, rec...)
	if src.hits != 2 {
		t.Errorf("soft results used %d times, want 2", src.hits)
	}
	sameFirm(t, "soft results", plain, a, soft, b, txs)
}
