package ordering

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/threshold/dkg"
)

// dkgWorld is a chain whose genesis eon 1 is a 2-of-3 committee, with a
// 3-of-4 ceremony for eon 2 prepared (not yet submitted).
type dkgWorld struct {
	t       testing.TB
	w       *world
	a       *App
	c1      *committee
	keys    []ed25519.PrivateKey
	dkgKeys []*dkg.PrivateKey
	open    *DKGOpening
	openTx  []byte
	parts   []*dkg.Participant
	fed     uint32 // log entries handed to the participants
	used    map[[2]int]*dkg.Message
}

func newDKGWorld(t testing.TB, n, thr int) *dkgWorld {
	w, c1 := rotationWorld(t)
	d := &dkgWorld{t: t, w: w, a: w.newApp(dbm.NewMemDB()), c1: c1, used: make(map[[2]int]*dkg.Message)}
	finalize(t, d.a) // 1
	rng := seeded(77)
	d.open = &DKGOpening{Eon: 2, Session: 7, Threshold: thr, PhaseBlocks: 2}
	for range n {
		_, k, _ := ed25519.GenerateKey(rng)
		dk, err := dkg.NewLongtermKey(rng, k)
		if err != nil {
			t.Fatal(err)
		}
		join, err := DKGJoin(testChain, 2, dk, k)
		if err != nil {
			t.Fatal(err)
		}
		d.keys, d.dkgKeys = append(d.keys, k), append(d.dkgKeys, dk)
		d.open.Members = append(d.open.Members, dk.Public())
		d.open.Joins = append(d.open.Joins, join)
	}
	d.open.Approve(testChain, 1, c1.keys[0])
	d.open.Approve(testChain, 3, c1.keys[2])
	var err error
	if d.openTx, err = d.open.Marshal(); err != nil {
		t.Fatal(err)
	}
	return d
}

// block proposes txs through PrepareProposal, checks that the proposal
// holds exactly them and that ProcessProposal accepts it, and commits it.
func (d *dkgWorld) block(txs ...[]byte) {
	d.t.Helper()
	got := prepare(d.t, d.a, 1<<22, txs...)
	if len(got) != len(txs) {
		d.t.Fatalf("proposal holds %d of %d transactions", len(got), len(txs))
	}
	if !process(d.t, d.a, got...) {
		d.t.Fatal("proposal rejected")
	}
	for i, r := range finalize(d.t, d.a, got...).TxResults {
		if r.Code != 0 {
			d.t.Fatalf("tx %d failed: %s", i, r.Log)
		}
	}
}

func (d *dkgWorld) start() [][]byte {
	d.t.Helper()
	if err := checkTx(d.t, d.a, d.openTx, false); err != nil {
		d.t.Fatal(err)
	}
	d.block(d.openTx) // 2
	var out [][]byte
	for _, k := range d.dkgKeys {
		p, msgs, err := dkg.NewParticipant(d.open.DKGConfig(testChain, k))
		if err != nil {
			d.t.Fatal(err)
		}
		d.parts = append(d.parts, p)
		out = append(out, d.wire(msgs)...)
	}
	return out
}

func (d *dkgWorld) wire(msgs []*dkg.Message) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		raw, _ := m.MarshalBinary()
		d.used[[2]int{int(m.Type()), m.Sender()}] = m
		out = append(out, append([]byte{SysTxDKGMessage}, raw...))
	}
	return out
}

// feed hands the log's new messages to every participant and returns
// what they send in reply.
func (d *dkgWorld) feed() [][]byte {
	d.t.Helper()
	v, err := d.a.DKGCeremony(2, d.fed)
	if err != nil {
		d.t.Fatal(err)
	}
	var out [][]byte
	for _, e := range v.Entries {
		d.fed = e.Index + 1
		if e.Tx[0] != SysTxDKGMessage {
			continue
		}
		m, err := dkg.ParseMessage(e.Tx[1:])
		if err != nil {
			d.t.Fatal(err)
		}
		for _, p := range d.parts {
			msgs, err := p.Handle(m)
			if err != nil && !errors.Is(err, dkg.ErrDuplicate) {
				d.t.Fatalf("member %d: %v", p.Index(), err)
			}
			out = append(out, d.wire(msgs)...)
		}
	}
	return out
}

// consents returns each finished member's consent.
func (d *dkgWorld) consents() [][]byte {
	d.t.Helper()
	var used []*dkg.Message
	for _, m := range d.used {
		used = append(used, m)
	}
	digest := DKGTranscriptDigest(testChain, d.openTx, used)
	v, _ := d.a.DKGCeremony(2, 0)
	params, _ := d.a.Params()
	var out [][]byte
	for i, p := range d.parts {
		res, err := p.Result()
		if err != nil {
			d.t.Fatalf("member %d: %v", i+1, err)
		}
		reg, err := NewEonRegistration(res.EonPublicKey(), d.open.MemberKeys(), d.open.Activation(v.Opened, params), digest)
		if err != nil {
			d.t.Fatal(err)
		}
		tx, err := NewDKGConsent(testChain, reg, i+1, d.keys[i])
		if err != nil {
			d.t.Fatal(err)
		}
		out = append(out, tx)
	}
	return out
}

// TestDKGCeremonyOnChain runs a 3-of-4 ceremony through the block
// pipeline: opening, deals, responses, then consents; the third consent
// registers eon 2 with the ceremony's activation height.
func TestDKGCeremonyOnChain(t *testing.T) {
	d := newDKGWorld(t, 4, 3)
	deals := d.start()
	d.block(deals...) // 3
	responses := d.feed()
	if len(responses) != 4 {
		t.Fatalf("%d responses", len(responses))
	}
	d.block(responses...) // 4
	d.feed()
	consents := d.consents()
	d.block(consents[0], consents[2]) // 5
	if _, ok, _ := d.a.NextEon(); ok {
		t.Fatal("registered with 2 consents of t = 3")
	}
	res := prepare(t, d.a, 1<<22, consents[3])
	if !process(t, d.a, res...) {
		t.Fatal("third consent rejected")
	}
	fin := finalize(t, d.a, res...) // 6
	if evs := fin.TxResults[0].Events; len(evs) != 2 || evs[1].Type != EventEon {
		t.Fatalf("events %+v", evs)
	}
	next, ok, err := d.a.NextEon()
	if err != nil || !ok || next.ID != 2 || next.ActivationHeight != 2+4*2+testLead {
		t.Fatalf("next eon %+v %v %v", next, ok, err)
	}
	pk, _ := d.parts[0].Result()
	enc, _ := pk.EonPublicKey().MarshalBinary()
	if !bytes.Equal(next.PublicKey, enc) {
		t.Fatal("registered key differs from the DKG's")
	}
	keys, err := d.a.Keyholders(2)
	if err != nil || len(keys) != 4 || !keys[1].Equal(d.keys[1].Public()) {
		t.Fatalf("keyholders %v %v", keys, err)
	}
	if err := checkTx(t, d.a, consents[1], false); !errors.Is(err, ErrDKGLate) {
		t.Fatalf("consent after registration: %v", err)
	}
}

// TestDKGMessageRejects: each bad DKG transaction is refused by CheckTx
// with a reason, and a proposal carrying a replay is rejected.
func TestDKGMessageRejects(t *testing.T) {
	d := newDKGWorld(t, 4, 3)
	if err := checkTx(t, d.a, []byte{SysTxDKGMessage, 1, 2}, false); !errors.Is(err, ErrDKGMessage) {
		t.Fatalf("malformed before any ceremony: %v", err)
	}
	deals := d.start()
	d.block(deals[0], deals[1]) // 3
	mutate := func(tx []byte, f func([]byte)) []byte {
		b := bytes.Clone(tx)
		f(b)
		return b
	}
	other := func(session uint64, rnd uint64) []byte {
		o := *d.open
		o.Session = session
		cfg := o.DKGConfig(testChain, d.dkgKeys[2])
		cfg.Rand = seeded(rnd)
		_, msgs, err := dkg.NewParticipant(cfg)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := msgs[0].MarshalBinary()
		return append([]byte{SysTxDKGMessage}, raw...)
	}
	cases := []struct {
		name string
		tx   []byte
		err  error
		want string
	}{
		{"replay", deals[0], ErrDKGDuplicate, "replay"},
		{"equivocation", func() []byte {
			o := *d.open
			cfg := o.DKGConfig(testChain, d.dkgKeys[0])
			cfg.Rand = seeded(5)
			_, msgs, _ := dkg.NewParticipant(cfg)
			raw, _ := msgs[0].MarshalBinary()
			return append([]byte{SysTxDKGMessage}, raw...)
		}(), ErrDKGDuplicate, "equivocation"},
		{"non-member", mutate(deals[2], func(b []byte) { b[1+43], b[1+42] = 9, 0 }), ErrDKGNotMember, "non-member"},
		{"bad signature", mutate(deals[2], func(b []byte) { b[len(b)-1] ^= 1 }), ErrDKGSignature, "does not verify"},
		{"wrong session", other(8, 1), ErrDKGMessage, "another session"},
		{"malformed", deals[2][:60], ErrDKGMessage, "malformed"},
		{"unknown eon", mutate(deals[2], func(b []byte) { b[1+9] = 9 }), ErrDKGLate, "no ceremony is open for eon"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTx(t, d.a, tc.tx, false)
			if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %v mentioning %q", err, tc.err, tc.want)
			}
		})
	}
	if process(t, d.a, deals[2], deals[2]) {
		t.Fatal("proposal with a deal twice accepted")
	}
	if got := prepare(t, d.a, 1<<22, deals[2], deals[2], deals[3]); len(got) != 2 {
		t.Fatalf("proposer kept %d of a deal, its replay and another deal", len(got))
	}
	finalize(t, d.a) // 4: the last block for deals
	finalize(t, d.a) // 5
	if err := checkTx(t, d.a, deals[2], false); !errors.Is(err, ErrDKGLate) || !strings.Contains(err.Error(), "closed at height 4") {
		t.Fatalf("late deal: %v", err)
	}
}

// TestDKGOpeningRejects: bad openings are refused with a reason.
func TestDKGOpeningRejects(t *testing.T) {
	d := newDKGWorld(t, 4, 3)
	reopen := func(f func(o *DKGOpening)) []byte {
		o := *d.open
		o.Members = slices.Clone(o.Members)
		o.Joins = slices.Clone(o.Joins)
		o.Approvals = nil
		f(&o)
		if o.Approvals == nil {
			o.Approve(testChain, 1, d.c1.keys[0])
			o.Approve(testChain, 2, d.c1.keys[1])
		}
		b, err := o.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		tx   []byte
		want string
	}{
		{"wrong eon", reopen(func(o *DKGOpening) { o.Eon = 3 }), "the next must be 2"},
		{"too few approvals", reopen(func(o *DKGOpening) { o.Approve(testChain, 1, d.c1.keys[0]) }), "it needs 2"},
		{"substituted key", reopen(func(o *DKGOpening) { o.Members[1] = o.Members[0] }), "repeats another member's key"},
		{"bad join", reopen(func(o *DKGOpening) { o.Joins[2] = o.Joins[3] }), "member 3's join"},
		{"approval by a stranger", reopen(func(o *DKGOpening) {
			o.Approve(testChain, 1, d.c1.keys[0])
			o.Approve(testChain, 2, d.keys[0])
		}), "member 2 does not verify"},
		{"phase too long", reopen(func(o *DKGOpening) { o.PhaseBlocks = MaxDKGPhaseBlocks + 1 }), "phase of"},
		{"undecodable key, unapproved", func() []byte {
			// Approvals are checked before any key is decoded.
			body := len(d.openTx) - 2 - 66*len(d.open.Approvals)
			b := append(bytes.Clone(d.openTx[:body]), 0, 0)
			b[dkgOpenHeader+5] ^= 0xff
			return b
		}(), "0 approvals from eon 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTx(t, d.a, tc.tx, false)
			if !errors.Is(err, ErrDKGCeremony) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrDKGCeremony mentioning %q", err, tc.want)
			}
		})
	}
	d.start()
	again := reopen(func(o *DKGOpening) { o.Session = 8 })
	if err := checkTx(t, d.a, again, false); !errors.Is(err, ErrDKGCeremony) || !strings.Contains(err.Error(), "runs until height") {
		t.Fatalf("second ceremony while one runs: %v", err)
	}
}

var rewriteDKGCorpus = flag.Bool("rewrite-dkg-corpus", false, "regenerate testdata/fuzz/FuzzParseDKGOpening and FuzzParseDKGConsent")

func dkgSeeds(valid []byte, header int) [][]byte {
	return [][]byte{valid, valid[:len(valid)-1], valid[:header], valid[:1], append(bytes.Clone(valid), 0)}
}

func writeSeeds(f *testing.F, name string, seeds [][]byte) {
	f.Helper()
	fuzzcorpus.Seed(f, name, *rewriteDKGCorpus, "rewrite-dkg-corpus", seeds...)
}

// FuzzParseDKGOpening: parsing never panics, and an opening that parses
// marshals back to the same bytes.
func FuzzParseDKGOpening(f *testing.F) {
	d := newDKGWorld(f, 3, 2)
	writeSeeds(f, "FuzzParseDKGOpening", dkgSeeds(d.openTx, dkgOpenHeader))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := ParseDKGOpening(b)
		if err != nil {
			return
		}
		again, err := o.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("parse → marshal changed %x", b)
		}
	})
}

// FuzzParseDKGConsent: parsing never panics, and a consent that parses
// encodes back to the same bytes.
func FuzzParseDKGConsent(f *testing.F) {
	_, c1 := rotationWorld(f)
	c2 := dealCommittee(f, 2, 2, 3, 21)
	reg := registration(f, c2, c1, 9, 1, 2)
	valid, err := NewDKGConsent(testChain, reg, 2, c2.keys[1])
	if err != nil {
		f.Fatal(err)
	}
	writeSeeds(f, "FuzzParseDKGConsent", dkgSeeds(valid, 3+regFixedHeader))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseDKGConsent(b)
		if err != nil {
			return
		}
		again := binary16(c.Member)
		again = append(again, c.Registration.body()...)
		again = append(again, c.Signature...)
		if !bytes.Equal(again, b) {
			t.Fatalf("parse → encode changed %x", b)
		}
	})
}

func binary16(member int) []byte { return []byte{SysTxDKGConsent, byte(member >> 8), byte(member)} }

// BenchmarkDKGCeremony runs a fault-free ceremony through the block
// pipeline, one block per phase, and reports its bytes on chain
// (opening, messages and the t consents that register the eon) and its
// blocks from the opening to the registration.
func BenchmarkDKGCeremony(b *testing.B) {
	for _, size := range []struct{ n, t int }{{4, 3}, {16, 11}} {
		b.Run(fmt.Sprintf("n=%d", size.n), func(b *testing.B) {
			var bytesOnChain, blocks int
			for range b.N {
				d := newDKGWorld(b, size.n, size.t)
				msgs := d.start()
				opened, _ := d.a.LastCommit()
				total := len(d.openTx)
				for len(msgs) > 0 {
					for _, m := range msgs {
						total += len(m)
					}
					d.block(msgs...)
					msgs = d.feed()
				}
				consents := d.consents()[:size.t]
				for _, c := range consents {
					total += len(c)
				}
				d.block(consents...)
				if _, ok, _ := d.a.NextEon(); !ok {
					b.Fatal("not registered")
				}
				h, _ := d.a.LastCommit()
				bytesOnChain, blocks = total, int(h-opened)
			}
			b.ReportMetric(float64(bytesOnChain), "bytes-on-chain")
			b.ReportMetric(float64(blocks), "blocks")
		})
	}
}

// TestDKGTxsBeforeEnvelopes: a proposer short of room keeps a ceremony
// message (its phase closes at a fixed height) over an envelope.
func TestDKGTxsBeforeEnvelopes(t *testing.T) {
	d := newDKGWorld(t, 4, 3)
	deals := d.start()
	env := d.w.tx(0, 0, testMinFee)
	room := protoTxSize(len(deals[0])) + protoTxSize(len(env)) - 1
	got := prepare(t, d.a, room, env, deals[0])
	if len(got) != 1 || !bytes.Equal(got[0], deals[0]) {
		t.Fatalf("proposal of %d txs, want the deal alone", len(got))
	}
	if got := prepare(t, d.a, 1<<22, env, deals[0]); len(got) != 2 {
		t.Fatalf("proposal with room: %d txs", len(got))
	}
}

// FuzzCheckDKGTx: CheckTx of any ceremony transaction against a chain
// with a ceremony open never panics, and refuses what it refuses with a
// DKG error.
func FuzzCheckDKGTx(f *testing.F) {
	d := newDKGWorld(f, 3, 2)
	deals := d.start()
	_, c1 := rotationWorld(f)
	reg := registration(f, dealCommittee(f, 2, 2, 3, 21), c1, 9, 1, 2)
	consent, err := NewDKGConsent(testChain, reg, 1, d.keys[0])
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, tx := range [][]byte{d.openTx, deals[0], consent} {
		seeds = append(seeds, dkgSeeds(tx, 24)...)
	}
	writeSeeds(f, "FuzzCheckDKGTx", seeds)
	f.Fuzz(func(t *testing.T, tx []byte) {
		if !isDKGTx(tx) {
			return
		}
		err := checkTx(t, d.a, tx, false)
		if err != nil && !errors.Is(err, ErrDKGCeremony) && !errors.Is(err, ErrDKGMessage) && !errors.Is(err, ErrDKGDuplicate) &&
			!errors.Is(err, ErrDKGLate) && !errors.Is(err, ErrDKGSignature) && !errors.Is(err, ErrDKGNotMember) {
			t.Fatalf("refused with %v", err)
		}
	})
}
