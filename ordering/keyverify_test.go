package ordering

import (
	"bytes"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

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
	full, known := w.newApp(dbm.NewMemDB()), w.newApp(dbm.NewMemDB())
	finalize(t, full, txs...)
	finalize(t, known, txs...)
	full.SetKeySource(newDealerKeys(t, full))
	src := &verifiedDealer{dealerKeys: newDealerKeys(t, known), known: map[common.Hash]*threshold.DecryptionKey{}}
	known.SetKeySource(src)
	keys, _ := src.DecryptionKeys(1)
	pend, err := known.PendingEnvelopes(1)
	if err != nil {
		t.Fatal(err)
	}

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
