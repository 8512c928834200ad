package ordering

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

const testLead = 3

// committee is a dealt eon with its members' Ed25519 keys.
type committee struct {
	pk   *threshold.EonPublicKey
	sks  []*threshold.SecretKeyShare
	keys []ed25519.PrivateKey
}

func dealCommittee(t testing.TB, eon uint64, thr, n int, seed uint64) *committee {
	t.Helper()
	pk, sks, err := threshold.DealKeys(seeded(seed), eon, thr, n)
	if err != nil {
		t.Fatal(err)
	}
	c := &committee{pk: pk, sks: sks}
	rng := seeded(seed + 1000)
	for range n {
		_, priv, err := ed25519.GenerateKey(rng)
		if err != nil {
			t.Fatal(err)
		}
		c.keys = append(c.keys, priv)
	}
	return c
}

func (c *committee) pubs() []ed25519.PublicKey {
	out := make([]ed25519.PublicKey, len(c.keys))
	for i, k := range c.keys {
		out[i] = k.Public().(ed25519.PublicKey)
	}
	return out
}

// decryptionKeys aggregates the committee's keys for envelopes.
func (c *committee) decryptionKeys(t testing.TB, txs []PendingTx) []*threshold.DecryptionKey {
	t.Helper()
	ids := identities(txs)
	shares := make(map[int][]*threshold.KeyShare)
	for _, sk := range c.sks {
		shares[sk.Index()] = sk.KeyShares(ids)
	}
	keys, err := threshold.AggregateKeys(c.pk, ids, shares)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// rotationWorld is a chain whose genesis eon 1 is a 2-of-3 committee
// with registered member keys.
func rotationWorld(t testing.TB) (*world, *committee) {
	w := newWorld(t, 4)
	c1 := dealCommittee(t, 1, 2, 3, 11)
	enc, _ := c1.pk.MarshalBinary()
	w.pk, w.enc = c1.pk, threshold.NewEncrypter(c1.pk)
	w.genesis.Eon = GenesisEon{ID: 1, PublicKey: enc}
	for _, k := range c1.pubs() {
		w.genesis.Eon.Keyholders = append(w.genesis.Eon.Keyholders, hexutil.Bytes(k))
	}
	w.genesis.Params.RotationLeadBlocks = testLead
	return w, c1
}

// registration builds eon next's registration, consented by every new
// member and approved by the listed outgoing members.
func registration(t testing.TB, next, outgoing *committee, activation int64, approvers ...int) *EonRegistration {
	t.Helper()
	r, err := NewEonRegistration(next.pk, next.pubs(), activation, [32]byte{0xd1, 0x6e})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range next.keys {
		if err := r.Consent(testChain, i+1, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range approvers {
		r.Approve(testChain, m, outgoing.keys[m-1])
	}
	return r
}

func marshalReg(t testing.TB, r *EonRegistration) []byte {
	t.Helper()
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sealFor builds wallet i's envelope to eon pk.
func (w *world) sealFor(i int, pk *threshold.EonPublicKey, nonce uint64) []byte {
	w.t.Helper()
	h := mempool.Envelope{ChainID: testChain, Eon: pk.Eon(), Nonce: nonce, Fee: testMinFee, Expiry: 50, Rollups: []uint64{7}}
	e, err := mempool.Seal(w.rng, threshold.NewEncrypter(pk), h, []byte("transfer 5 to bob"), w.keys[i])
	if err != nil {
		w.t.Fatal(err)
	}
	return e.Encode()
}

func TestEonRegistrationRoundTrip(t *testing.T) {
	_, c1 := rotationWorld(t)
	c2 := dealCommittee(t, 2, 3, 4, 21)
	r := registration(t, c2, c1, 10, 2, 1, 3)
	b := marshalReg(t, r)
	got, err := ParseEonRegistration(b)
	if err != nil {
		t.Fatal(err)
	}
	again := marshalReg(t, got)
	if !bytes.Equal(again, b) {
		t.Fatal("round trip changed the encoding")
	}
	if got.Approvals[0].Member != 1 || got.Approvals[2].Member != 3 {
		t.Fatalf("approvals not in member order: %+v", got.Approvals)
	}
	pk, err := got.EonPublicKey()
	if err != nil || !pk.Equal(c2.pk) {
		t.Fatalf("eon key: %v", err)
	}
}

// TestEonRegistrationRejects: each bad registration is refused by
// CheckTx with a reason naming what is wrong.
func TestEonRegistrationRejects(t *testing.T) {
	w, c1 := rotationWorld(t)
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a) // height 1; the next block is 2
	c2 := dealCommittee(t, 2, 2, 3, 21)
	good := 2 + testLead
	stranger := dealCommittee(t, 1, 2, 3, 31)

	cases := []struct {
		name string
		tx   func() []byte
		want string
	}{
		{"wrong id", func() []byte {
			c3 := dealCommittee(t, 3, 2, 3, 41)
			return marshalReg(t, registration(t, c3, c1, int64(good), 1, 2))
		}, "the next must be 2"},
		{"activation too soon", func() []byte {
			return marshalReg(t, registration(t, c2, c1, int64(good-1), 1, 2))
		}, "too soon"},
		{"too few approvals", func() []byte {
			return marshalReg(t, registration(t, c2, c1, int64(good), 1))
		}, "it needs 2"},
		{"non-member signer", func() []byte {
			r := registration(t, c2, c1, int64(good), 1, 2)
			r.Approve(testChain, 9, stranger.keys[0])
			return marshalReg(t, r)
		}, "non-member signer"},
		{"approval by the wrong key", func() []byte {
			r := registration(t, c2, c1, int64(good), 1)
			r.Approve(testChain, 2, stranger.keys[1])
			return marshalReg(t, r)
		}, "member 2 does not verify"},
		{"duplicate signer", func() []byte {
			r := registration(t, c2, c1, int64(good), 1, 2)
			r.Approvals[1] = EonApproval{Member: 1, Signature: r.Approvals[0].Signature}
			return marshalReg(t, r)
		}, "duplicate signer"},
		{"inconsistent shares", func() []byte {
			r := registration(t, c2, c1, int64(good), 1, 2)
			r.Members[0].Share, r.Members[1].Share = r.Members[1].Share, r.Members[0].Share
			for i, k := range c2.keys {
				_ = r.Consent(testChain, i+1, k)
			}
			r.Approvals = nil
			r.Approve(testChain, 1, c1.keys[0])
			r.Approve(testChain, 2, c1.keys[1])
			return marshalReg(t, r)
		}, "eon key and public shares"},
		{"missing consent", func() []byte {
			r := registration(t, c2, c1, int64(good), 1, 2)
			r.Consents[2] = r.Consents[1]
			return marshalReg(t, r)
		}, "member 3's consent"},
		{"signed for another chain", func() []byte {
			r, _ := NewEonRegistration(c2.pk, c2.pubs(), int64(good), [32]byte{})
			for i, k := range c2.keys {
				_ = r.Consent("other-chain", i+1, k)
			}
			r.Approve("other-chain", 1, c1.keys[0])
			r.Approve("other-chain", 2, c1.keys[1])
			return marshalReg(t, r)
		}, "consent does not verify"},
		{"repeated member key", func() []byte {
			keys := c2.pubs()
			keys[2] = keys[0]
			r, _ := NewEonRegistration(c2.pk, keys, int64(good), [32]byte{})
			for i, k := range []ed25519.PrivateKey{c2.keys[0], c2.keys[1], c2.keys[0]} {
				_ = r.Consent(testChain, i+1, k)
			}
			r.Approve(testChain, 1, c1.keys[0])
			r.Approve(testChain, 2, c1.keys[1])
			return marshalReg(t, r)
		}, "repeats another member's key"},
		{"truncated", func() []byte {
			b := marshalReg(t, registration(t, c2, c1, int64(good), 1, 2))
			return b[:len(b)-1]
		}, "approvals in"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTx(t, a, tc.tx(), false)
			if !errors.Is(err, ErrEonRegistration) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrEonRegistration mentioning %q", err, tc.want)
			}
		})
	}
	if err := checkTx(t, a, marshalReg(t, registration(t, c2, c1, int64(good), 1, 2)), false); err != nil {
		t.Fatalf("valid registration: %v", err)
	}
	if err := checkTx(t, a, []byte{0xF2, 1, 2}, false); !errors.Is(err, mempool.ErrMalformed) {
		t.Fatalf("another system tag in CheckTx: %v", err)
	}
}

// TestEonRotation runs a rotation through the block pipeline: the
// registration enters from the mempool, both eons' envelopes are
// included until the switch, the old eon's are refused after it with
// the current eon named, and keys for a block holding both eons are
// recorded after the switch.
func TestEonRotation(t *testing.T) {
	w, c1 := rotationWorld(t)
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a) // 1
	c2 := dealCommittee(t, 2, 2, 3, 21)
	activation := int64(2 + testLead + 1) // 6
	reg := marshalReg(t, registration(t, c2, c1, activation, 1, 3))

	if err := checkTx(t, a, reg, false); err != nil {
		t.Fatal(err)
	}
	if err := checkTx(t, a, w.sealFor(0, c2.pk, 0), false); !errors.Is(err, mempool.ErrUnknownEon) {
		t.Fatalf("eon 2 before its registration: %v", err)
	}
	e1 := w.sealFor(0, c1.pk, 0)
	txs := prepare(t, a, 1<<20, reg, e1)
	if len(txs) != 2 || !bytes.Equal(txs[1], reg) {
		t.Fatalf("proposal does not carry the registration: %d txs", len(txs))
	}
	if !process(t, a, txs...) {
		t.Fatal("proposal with the registration rejected")
	}
	if process(t, a, slices.Concat(txs, [][]byte{reg})...) {
		t.Fatal("a proposal registering eon 2 twice was accepted")
	}
	res := finalize(t, a, txs...) // 2
	if res.TxResults[1].Code != 0 || res.TxResults[1].Events[0].Type != EventEon {
		t.Fatalf("registration result %+v", res.TxResults[1])
	}
	if err := checkTx(t, a, reg, true); !errors.Is(err, ErrEonRegistration) {
		t.Fatalf("recheck after inclusion: %v", err)
	}
	cur, _ := a.CurrentEon()
	next, ok, err := a.NextEon()
	if err != nil || !ok || cur.ID != 1 || next.ID != 2 || next.ActivationHeight != activation {
		t.Fatalf("current %d, next %+v %v %v", cur.ID, next, ok, err)
	}
	if ks, err := a.Keyholders(2); err != nil || len(ks) != 3 || !ks[0].Equal(c2.pubs()[0]) {
		t.Fatalf("eon 2 member keys %v %v", ks, err)
	}

	// Heights 3..5: both eons accepted; 5 holds one envelope of each.
	finalize(t, a, w.sealFor(1, c2.pk, 0)) // 3, pre-encrypted to eon 2
	finalize(t, a)                         // 4
	mixed := [][]byte{w.sealFor(2, c1.pk, 0), w.sealFor(3, c2.pk, 0)}
	if !process(t, a, mixed...) {
		t.Fatal("block with both eons rejected before the switch")
	}
	finalize(t, a, mixed...) // 5
	if cur, _ := a.CurrentEon(); cur.ID != 1 {
		t.Fatalf("current eon %d before the activation height", cur.ID)
	}

	// Height 6 switches.
	late := w.sealFor(0, c1.pk, 1)
	err = checkTx(t, a, late, false)
	if !errors.Is(err, mempool.ErrEonNotActive) || !strings.Contains(err.Error(), "the current eon is 2") {
		t.Fatalf("old eon at the activation height: %v", err)
	}
	if process(t, a, late) {
		t.Fatal("block with a retired eon's envelope accepted")
	}
	finalize(t, a, w.sealFor(0, c2.pk, 1)) // 6
	if cur, _ := a.CurrentEon(); cur.ID != 2 {
		t.Fatalf("current eon %d after the activation height", cur.ID)
	}
	if old, _ := a.Eon(1); old.Status != mempool.EonRetired {
		t.Fatalf("eon 1 status %v after the switch", old.Status)
	}

	// Keys of the mixed block are recorded after the switch, each eon's
	// against its own key.
	pend, err := a.PendingEnvelopes(5)
	if err != nil || len(pend) != 2 {
		t.Fatalf("pending at 5: %d %v", len(pend), err)
	}
	keys := make([]*threshold.DecryptionKey, 2)
	keys[0] = c1.decryptionKeys(t, pend[:1])[0]
	keys[1] = c2.decryptionKeys(t, pend[1:])[0]
	rec, _ := KeyRecord{Height: 5, Keys: keys}.Marshal()
	if !process(t, a, rec) {
		t.Fatal("key record of the mixed block rejected after the switch")
	}
	res = finalize(t, a, rec) // 7
	if res.TxResults[0].Code != 0 {
		t.Fatalf("key record result %+v", res.TxResults[0])
	}
	for _, p := range pend {
		r, err := a.Tx(p.Hash)
		if err != nil || r.Status != TxDecrypted {
			t.Fatalf("tx %s: %v %v", p.Hash, r.Status, err)
		}
	}
}

// TestEonRegistrationNeedsMemberKeys: an eon without registered member
// keys cannot approve a successor.
func TestEonRegistrationNeedsMemberKeys(t *testing.T) {
	w, c1 := rotationWorld(t)
	w.genesis.Eon.Keyholders = nil
	a := w.newApp(dbm.NewMemDB())
	c2 := dealCommittee(t, 2, 2, 3, 21)
	err := checkTx(t, a, marshalReg(t, registration(t, c2, c1, 1+testLead, 1, 2)), false)
	if !errors.Is(err, ErrEonRegistration) || !strings.Contains(err.Error(), "registered no member keys") {
		t.Fatalf("got %v", err)
	}
}

func TestParamsRotationLeadEncoding(t *testing.T) {
	p := DefaultParams()
	if got, err := decodeParams(p.encode()); err != nil || got != p || len(p.encode()) != 29 {
		t.Fatalf("params without a lead: %+v %v", got, err)
	}
	p.RotationLeadBlocks = 7
	if got, err := decodeParams(p.encode()); err != nil || got != p || got.RotationLead() != 7 {
		t.Fatalf("params with a lead: %+v %v", got, err)
	}
	if (Params{}).RotationLead() != DefaultRotationLead {
		t.Fatal("zero lead is not the default")
	}
	e := Eon{ID: 2, PublicKey: []byte{1, 2}, Status: mempool.EonActive, ActivationHeight: 9, AcceptFrom: 4}
	if got, err := decodeEon(2, e.encode()); err != nil || got.AcceptFrom != 4 || got.statusAt(4) != mempool.EonActive || got.statusAt(3) != mempool.EonPending {
		t.Fatalf("eon v2 record: %+v %v", got, err)
	}
}

var rewriteEonRegCorpus = flag.Bool("rewrite-eonreg-corpus", false, "regenerate testdata/fuzz/FuzzParseEonRegistration")

// FuzzParseEonRegistration: parsing never panics, and a registration
// that parses marshals back to the same bytes.
func FuzzParseEonRegistration(f *testing.F) {
	_, c1 := rotationWorld(f)
	c2 := dealCommittee(f, 2, 2, 3, 21)
	valid := marshalReg(f, registration(f, c2, c1, 9, 1, 2))
	seeds := [][]byte{valid, valid[:len(valid)-1], valid[:regFixedHeader], {0xF3}, append(bytes.Clone(valid), 0)}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteEonRegCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzParseEonRegistration", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzParseEonRegistration/*"); len(files) == 0 {
		f.Fatal("no seed corpus: run go test -run FuzzParseEonRegistration -rewrite-eonreg-corpus")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseEonRegistration(b)
		if err != nil {
			return
		}
		again, err := r.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("parse → marshal changed %x", b)
		}
	})
}

// TestEonRegistrationInvalidInDecidedBlock: a registration that reaches
// FinalizeBlock invalid (a faulty supermajority) fails with an internal
// code and registers nothing.
func TestEonRegistrationInvalidInDecidedBlock(t *testing.T) {
	w, c1 := rotationWorld(t)
	a := w.newApp(dbm.NewMemDB())
	c2 := dealCommittee(t, 2, 2, 3, 21)
	bad := marshalReg(t, registration(t, c2, c1, 2, 1, 2)) // activation too soon
	res := finalize(t, a, bad)
	if res.TxResults[0].Code != CodeInternal {
		t.Fatalf("result %+v", res.TxResults[0])
	}
	if _, ok, err := a.NextEon(); ok || err != nil {
		t.Fatalf("next eon registered from an invalid registration: %v", err)
	}
}

// BenchmarkEonRegistrationCheck is what CheckTx spends on a registration
// of a 16-member committee approved by 11 of 16: parsing, the key's
// consistency check, 16 consents and 11 approvals.
func BenchmarkEonRegistrationCheck(b *testing.B) {
	w := newWorld(b, 1)
	c1 := dealCommittee(b, 1, 11, 16, 11)
	enc, _ := c1.pk.MarshalBinary()
	w.genesis.Eon = GenesisEon{ID: 1, PublicKey: enc}
	for _, k := range c1.pubs() {
		w.genesis.Eon.Keyholders = append(w.genesis.Eon.Keyholders, hexutil.Bytes(k))
	}
	a := w.newApp(dbm.NewMemDB())
	c2 := dealCommittee(b, 2, 11, 16, 21)
	tx := marshalReg(b, registration(b, c2, c1, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
	for b.Loop() {
		if err := a.CheckEonRegistration(tx); err != nil {
			b.Fatal(err)
		}
	}
}
