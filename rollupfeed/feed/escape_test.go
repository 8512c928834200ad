package feed

import (
	"bytes"
	"testing"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/veilseq/veil/rollupfeed"
)

// TestEscapedHeightsNeedNoSignature: a block recording an escape-hatch
// resolution releases the firm heights up to the firm tip from waiting
// for the committee's signature; SignedRoots skips them; later heights
// wait again, and the mark survives reopening.
func TestEscapedHeightsNeedNoSignature(t *testing.T) {
	db := dbm.NewMemDB()
	f := newFeed(t, db, nil)
	f.RequireSignatures()
	a := mkTx(1, rollupfeed.Leg{Rollup: 1, Data: []byte("a")})
	mustCommit(t, f, committed(1, nil))
	mustCommit(t, f, committed(2, []tx{a}))
	mustCommit(t, f, committed(3, nil))
	sig := func(h int64) SignedRoot {
		root, ok, err := f.FirmRoot(h)
		if err != nil || !ok {
			t.Fatalf("root of %d: %v %v", h, ok, err)
		}
		return SignedRoot{Height: h, Root: root, Eon: 1, Signature: bytes.Repeat([]byte{byte(h)}, 48)}
	}
	if err := f.SetSignature(sig(1)); err != nil {
		t.Fatal(err)
	}
	if f.SignedTip() != 1 {
		t.Fatalf("signed tip %d", f.SignedTip())
	}
	esc := firmOf(t, 2, 4, []tx{a})
	esc.Escaped = true
	mustCommit(t, f, committed(4, nil, esc))
	mustCommit(t, f, committed(5, nil))
	if f.SignedTip() != 4 || f.NeedsSignature(4) || !f.NeedsSignature(5) {
		t.Fatalf("signed tip %d, needs(4) %v needs(5) %v", f.SignedTip(), f.NeedsSignature(4), f.NeedsSignature(5))
	}
	if got := f.Tip(Firm); got != min(4, f.provenTip) {
		t.Fatalf("firm tip %d", got)
	}
	// Height 1's signature is served; 2–4 are skipped, and 5 waits.
	got, err := f.SignedRoots(1, 10)
	if err != nil || len(got) != 1 || got[0].Height != 1 {
		t.Fatalf("signed roots %+v, %v", got, err)
	}
	if err := f.SetSignature(sig(5)); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.SignedRoots(2, 10); len(got) != 1 || got[0].Height != 5 {
		t.Fatalf("signed roots after the gap %+v", got)
	}
	f.Close()
	f = newFeed(t, db, nil)
	if f.NeedsSignature(4) || f.SignedTip() != 5 {
		t.Fatalf("reopened: needs(4) %v signed tip %d", f.NeedsSignature(4), f.SignedTip())
	}
}
