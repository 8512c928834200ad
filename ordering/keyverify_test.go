package ordering

import (
	"bytes"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// verifiedDealer is a key source that also says which keys it verified:
// the dealer's keys of the envelopes it was told about.
type verifiedDealer struct {
	*dealerKeys
	known map[common.Hash]*threshold.DecryptionKey
}

func (d *verifiedDealer) VerifiedKey(h common.Hash) (*threshold.DecryptionKey, []byte, bool) {
	k := d.known[h]
	if k == nil {
		return nil, nil, false
	}
	enc, _ := k.MarshalBinary()
	return k, enc, true
}

// TestKnownKeyRecords checks that a key record equal to the keys a node
// verified is accepted without full verification, that anything else is
// verified in full (and rejected when wrong), and that the outcome, the
// statuses and the app hash are those of a node that verifies everything.
func TestKnownKeyRecords(t *testing.T) {
	w := newWorld(t, 3)
	txs := [][]byte{w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee), w.tx(2, 0, testMinFee, func(e *mempool.Envelope) { e.Ciphertext[len(e.Ciphertext)-1] ^= 1 })}
	full, known, src, keys, pend := knownFixture(t, w, txs)

	// Only the first two keys are known: the record is verified in full.
	for j, p := range pend[:2] {
		src.known[p.Hash] = keys[j]
	}
	rec := prepare(t, known, 1<<20)
	if len(rec) != 1 {
		t.Fatalf("proposal has %d txs, want one key record", len(rec))
	}
	if c := known.KeyRecordChecks(); c.Known != 0 || c.Verified != 3 {
		t.Fatalf("partly known record: checks %+v, want one full verification", c)
	}

	// All known: ProcessProposal and FinalizeBlock compare bytes.
	src.known[pend[2].Hash] = keys[2]
	if !process(t, known, rec...) {
		t.Fatal("known record rejected")
	}
	swapped, _ := KeyRecord{Height: 1, Keys: []*threshold.DecryptionKey{keys[1], keys[0], keys[2]}}.Marshal()
	if process(t, known, swapped) {
		t.Fatal("record with keys out of order accepted")
	}
	if c := known.KeyRecordChecks(); c.Known != 3 || c.Verified != 6 {
		t.Fatalf("checks %+v, want one known and the swapped record verified in full", c)
	}
	a, b := finalize(t, full, rec...), finalize(t, known, rec...)
	if c := known.KeyRecordChecks(); c.Known != 6 {
		t.Fatalf("FinalizeBlock verified a known record in full: %+v", c)
	}
	sameFirm(t, "known keys", full, a, known, b, txs)
}

// sameFirm checks that app b, which took a shortcut (what), finalized
// to the same app hash (resA, resB) and transaction statuses as app a.
func sameFirm(t *testing.T, what string, a *App, resA *abci.FinalizeBlockResponse, b *App, resB *abci.FinalizeBlockResponse, txs [][]byte) {
	t.Helper()
	if !bytes.Equal(resA.AppHash, resB.AppHash) {
		t.Fatalf("%s changed the app hash", what)
	}
	for i, tx := range txs {
		ra, _ := a.Tx(keccak(tx))
		rb, _ := b.Tx(keccak(tx))
		if ra.Status != rb.Status {
			t.Errorf("tx %d: status %v with %s, %v without", i, rb.Status, what, ra.Status)
		}
	}
}

// FuzzKnownKeyRecord: whatever the bytes, a node that compares recorded
// keys with the keys it verified decides exactly as a node that decodes
// and verifies them, and never panics.
func FuzzKnownKeyRecord(f *testing.F) {
	w := newWorld(f, 2)
	full, known, src, keys, pend := knownFixture(f, w, [][]byte{w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee)})
	for j, p := range pend {
		src.known[p.Hash] = keys[j]
	}
	valid, _ := KeyRecord{Height: 1, Keys: keys}.Marshal()
	swapped, _ := KeyRecord{Height: 1, Keys: []*threshold.DecryptionKey{keys[1], keys[0]}}.Marshal()
	keyRecordSeeds(f, "FuzzKnownKeyRecord", valid, swapped, valid[:len(valid)-1], []byte{0xF1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0xF1})
	f.Fuzz(func(t *testing.T, b []byte) {
		rk, _, errK := known.checkKeyRecord(newOverlay(dbGetter{known.db}), b)
		rf, _, errF := full.checkKeyRecord(newOverlay(dbGetter{full.db}), b)
		if (errK == nil) != (errF == nil) {
			t.Fatalf("known keys: %v, full verification: %v", errK, errF)
		}
		for j := range rk.Keys {
			if !rk.Keys[j].Equal(rf.Keys[j]) {
				t.Fatalf("key %d differs", j)
			}
		}
	})
}

// knownFixture finalizes txs at height 1 on two apps: full verifies key
// records in full, known has a key source that verified none of the keys
// yet (src.known fills it). keys are the block's keys, pend its envelopes.
func knownFixture(tb testing.TB, w *world, txs [][]byte) (full, known *App, src *verifiedDealer, keys []*threshold.DecryptionKey, pend []PendingTx) {
	tb.Helper()
	full, known = w.newApp(dbm.NewMemDB()), w.newApp(dbm.NewMemDB())
	finalize(tb, full, txs...)
	finalize(tb, known, txs...)
	full.SetKeySource(newDealerKeys(tb, full))
	src = &verifiedDealer{dealerKeys: newDealerKeys(tb, known), known: map[common.Hash]*threshold.DecryptionKey{}}
	known.SetKeySource(src)
	keys, _ = src.DecryptionKeys(1)
	pend, err := known.PendingEnvelopes(1)
	if err != nil {
		tb.Fatal(err)
	}
	return full, known, src, keys, pend
}

// keyRecordSeeds adds a key-record fuzzer's seeds, writes them as its
// corpus under -rewrite-keyrecord-corpus, and requires the corpus.
func keyRecordSeeds(f *testing.F, name string, seeds ...[]byte) {
	f.Helper()
	fuzzcorpus.Seed(f, name, *rewriteKeyRecordCorpus, "rewrite-keyrecord-corpus", seeds...)
}
