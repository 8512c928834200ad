package feed

import (
	"bytes"
	"errors"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common"
)

// TestSignatures: signatures are stored per height, the firm level of a
// feed that requires them waits for them in height order, and they
// survive reopening the feed.
func TestSignatures(t *testing.T) {
	db := dbm.NewMemDB()
	f := newFeed(t, db, nil)
	for h := int64(1); h <= 4; h++ {
		mustCommit(t, f, committed(h, nil))
	}
	firmBefore := f.Tip(Firm)
	f.RequireSignatures()
	if f.Tip(Firm) != 0 {
		t.Fatalf("firm tip %d before any signature", f.Tip(Firm))
	}
	sig := func(h int64) SignedRoot {
		root, ok, err := f.FirmRoot(h)
		if err != nil || !ok {
			t.Fatalf("root of %d: %v %v", h, ok, err)
		}
		return SignedRoot{Height: h, Root: root, Eon: 1, Signature: bytes.Repeat([]byte{byte(h)}, 48)}
	}
	if err := f.SetSignature(sig(2)); err != nil {
		t.Fatal(err)
	}
	if f.Tip(Firm) != 0 || f.SignedTip() != 0 {
		t.Fatalf("tip %d with height 1 unsigned", f.Tip(Firm))
	}
	if err := f.SetSignature(sig(1)); err != nil {
		t.Fatal(err)
	}
	if f.SignedTip() != 2 || f.Tip(Firm) != min(2, firmBefore) {
		t.Fatalf("signed tip %d firm tip %d", f.SignedTip(), f.Tip(Firm))
	}
	bad := sig(3)
	bad.Root = common.Hash{9}
	if err := f.SetSignature(bad); err == nil {
		t.Fatal("signature over another root stored")
	}
	if err := f.SetSignature(SignedRoot{Height: 9, Signature: make([]byte, 48)}); !errors.Is(err, ErrNotYet) {
		t.Fatalf("height not firm: %v", err)
	}
	short := sig(3)
	short.Signature = short.Signature[:47]
	if err := f.SetSignature(short); err == nil {
		t.Fatal("short signature stored")
	}
	if _, err := f.Signature(3); !errors.Is(err, ErrNoSignature) {
		t.Fatalf("unsigned height: %v", err)
	}
	again := sig(1)
	again.Signature = make([]byte, 48)
	if err := f.SetSignature(again); err != nil {
		t.Fatal(err)
	}
	f.Close()

	f = newFeed(t, db, nil)
	if f.SignedTip() != 2 {
		t.Fatalf("reopened: signed tip %d", f.SignedTip())
	}
	got, err := f.SignedRoots(1, 10)
	if err != nil || len(got) != 2 || got[0].Height != 1 || !bytes.Equal(got[0].Signature, sig(1).Signature) || got[1].Root != sig(2).Root {
		t.Fatalf("signed roots %+v, %v", got, err)
	}
	if got, _ := f.SignedRoots(3, 10); len(got) != 0 {
		t.Fatalf("from an unsigned height: %+v", got)
	}
	if _, err := f.SignedRoots(0, 1); !errors.Is(err, ErrHeight) {
		t.Fatalf("height 0: %v", err)
	}
}
