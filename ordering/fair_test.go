package ordering

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// sid names a test envelope by one letter.
func sid(c byte) ShortID { return ShortID{c} }

// reports builds a sighting from per-validator times; missing (−1)
// means the validator has not reported.
func sighting(first int64, times ...int64) *Sighting {
	s := &Sighting{First: first, Last: first}
	for v, t := range times {
		if t >= 0 {
			s.Reports = append(s.Reports, Report{Validator: v, Time: t})
		}
	}
	return s
}

const no = -1

// TestFairJudge runs the rule's definitions over table cases: four
// validators of power 1 unless the case says otherwise (f = 1, quorum
// 3), judged at height 10.
func TestFairJudge(t *testing.T) {
	type want struct {
		eligible, ready bool
		time            int64
	}
	for _, tc := range []struct {
		name   string
		powers []int64
		seen   map[ShortID]*Sighting
		want   map[ShortID]want
	}{
		{
			name: "all report: median of four is the lower middle",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9, 100, 110, 120, 130)},
			want: map[ShortID]want{sid('a'): {true, true, 110}},
		},
		{
			name: "skewed clocks: one validator a minute behind, one ahead",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9, 100_000-60_000, 100_001, 100_002, 100_000+60_000)},
			want: map[ShortID]want{sid('a'): {true, true, 100_001}},
		},
		{
			name: "byzantine extreme early time moves the median to an honest one",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9, 0, 500, 510, 520)},
			want: map[ShortID]want{sid('a'): {true, true, 500}},
		},
		{
			name: "byzantine extreme late time",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9, 500, 510, 520, math.MaxInt32)},
			want: map[ShortID]want{sid('a'): {true, true, 510}},
		},
		{
			name: "exactly the quorum: three of four",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9, 100, no, 300, 200)},
			want: map[ShortID]want{sid('a'): {true, true, 200}},
		},
		{
			name:   "exactly two thirds is not a quorum",
			powers: []int64{1, 1, 1},
			seen:   map[ShortID]*Sighting{sid('a'): sighting(9, 100, 200, no)},
			want:   map[ShortID]want{sid('a'): {false, false, 0}},
		},
		{
			name: "missing reports: one of four waits and holds nothing back",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 100, 100, 100, no),
				sid('b'): sighting(9, no, 50, no, no),
			},
			want: map[ShortID]want{sid('a'): {true, true, 100}, sid('b'): {}},
		},
		{
			name: "two of four seen earlier holds back a later eligible one",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 100, 100, 100, no),
				sid('b'): sighting(9, 50, 60, no, no),
			},
			want: map[ShortID]want{sid('a'): {true, false, 100}, sid('b'): {}},
		},
		{
			name: "two of four seen later holds back nothing",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 100, 100, 100, no),
				sid('b'): sighting(9, 150, 160, no, no),
			},
			want: map[ShortID]want{sid('a'): {true, true, 100}, sid('b'): {}},
		},
		{
			name: "a blocker lapses after BlockerHeights",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 100, 100, 100, no),
				sid('b'): sighting(10-BlockerHeights, 50, 60, no, no),
			},
			want: map[ShortID]want{sid('a'): {true, true, 100}, sid('b'): {}},
		},
		{
			name:   "weighted: a heavy validator alone is not a quorum",
			powers: []int64{5, 1, 1, 1},
			seen:   map[ShortID]*Sighting{sid('a'): sighting(9, 100, no, no, no)},
			want:   map[ShortID]want{sid('a'): {}},
		},
		{
			name:   "weighted median follows power",
			powers: []int64{5, 1, 1, 1},
			seen:   map[ShortID]*Sighting{sid('a'): sighting(9, 300, 100, 200, no)},
			want:   map[ShortID]want{sid('a'): {true, true, 300}},
		},
		{
			name: "ties keep equal fair times",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 100, 100, 100, 100),
				sid('b'): sighting(9, 100, 100, 100, 100),
			},
			want: map[ShortID]want{sid('a'): {true, true, 100}, sid('b'): {true, true, 100}},
		},
		{
			name: "backstop: one report waits BackstopHeights",
			seen: map[ShortID]*Sighting{sid('a'): sighting(10-BackstopHeights, no, no, 100, no)},
			want: map[ShortID]want{sid('a'): {}},
		},
		{
			name: "backstop: one report older than BackstopHeights is eligible at its time",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9-BackstopHeights, no, no, 100, no)},
			want: map[ShortID]want{sid('a'): {true, true, 100}},
		},
		{
			name: "backstop: two of four take the latest time, not the median",
			seen: map[ShortID]*Sighting{sid('a'): sighting(9-BackstopHeights, 100, no, 300, no)},
			want: map[ShortID]want{sid('a'): {true, true, 300}},
		},
		{
			name: "backstop: an early faulty report does not move it ahead of an honest one",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 200, 200, 200, no),
				sid('b'): sighting(9-BackstopHeights, 0, no, no, 250),
			},
			want: map[ShortID]want{sid('a'): {true, true, 200}, sid('b'): {true, true, 250}},
		},
		{
			name: "backstop: a young blocker still holds back a stale one seen later",
			seen: map[ShortID]*Sighting{
				sid('a'): sighting(9, 50, 60, no, no),
				sid('b'): sighting(9-BackstopHeights, no, no, 100, no),
			},
			want: map[ShortID]want{sid('a'): {}, sid('b'): {true, false, 100}},
		},
		{
			name: "backstop: no valid report, no eligibility",
			seen: map[ShortID]*Sighting{sid('a'): {First: 0, Reports: []Report{{7, 1}}}},
			want: map[ShortID]want{sid('a'): {}},
		},
		{
			name: "reports from unknown validators count for nothing",
			seen: map[ShortID]*Sighting{sid('a'): {First: 9, Reports: []Report{{0, 1}, {1, 1}, {7, 1}, {-1, 1}}}},
			want: map[ShortID]want{sid('a'): {}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			powers := tc.powers
			if powers == nil {
				powers = []int64{1, 1, 1, 1}
			}
			ev := &Evidence{Height: 10, Powers: powers, Seen: tc.seen}
			got := ev.Judge()
			for id, w := range tc.want {
				g := got[id]
				if g.Eligible != w.eligible || g.Ready != w.ready || (w.eligible && g.Time != w.time) {
					t.Errorf("%c: got %+v, want %+v", id[0], g, w)
				}
				var total int64
				for _, p := range powers {
					total += p
				}
				if quorum := 3*g.Power > 2*total; g.Backstop != (g.Eligible && !quorum) {
					t.Errorf("%c: backstop %v, eligible %v with power %d of %d", id[0], g.Backstop, g.Eligible, g.Power, total)
				}
			}
		})
	}
}

// fairCands makes candidates whose short ids are their letters.
func fairCand(letter byte, sender byte, nonce uint64) Candidate {
	var h mempool.Hash
	h[0] = letter
	h[31] = sender
	return Candidate{Hash: h, Envelope: &mempool.Envelope{Sender: common.Address{sender}, Nonce: nonce}}
}

func names(cs []Candidate) string {
	var b []byte
	for _, c := range cs {
		b = append(b, c.Hash[0])
	}
	return string(b)
}

// TestFairOrderAndVerify: Order offers ready envelopes by fair time with
// each sender's nonces ascending; Verify accepts exactly the canonical
// order of the block's set and the exact omissions.
func TestFairOrderAndVerify(t *testing.T) {
	all := sighting(9, 100, 100, 100, 100)
	at := func(t int64) *Sighting { return sighting(9, t, t, t, no) }
	ev := &Evidence{Height: 10, Powers: []int64{1, 1, 1, 1}, Seed: []byte("seed"), Seen: map[ShortID]*Sighting{
		sid('a'): at(300), // sender 1 nonce 1, seen before its nonce 0
		sid('b'): at(200), // sender 2
		sid('c'): at(400), // sender 1 nonce 0
		sid('d'): at(100), // sender 3
		sid('x'): sighting(9, 50, no, no, no),
		sid('t'): all, sid('u'): all, // a tie
	}}
	cands := []Candidate{fairCand('a', 1, 1), fairCand('b', 2, 0), fairCand('c', 1, 0), fairCand('d', 3, 0), fairCand('x', 4, 0), fairCand('t', 5, 0), fairCand('u', 6, 0)}
	r := FairOrder{}
	got := r.Order(Proposal{Candidates: cands, Evidence: ev})
	// t and u tie at 100 with d; the seeded hash orders them, the same on
	// every node. Sender 1's nonce 0 (c, 400) pulls nonce 1 (a) after it.
	tie := names(fairSort([]Candidate{cands[3], cands[5], cands[6]}, ev, ev.Judge()))
	if want := tie + "bca"; names(got) != want {
		t.Fatalf("order %s, want %s", names(got), want)
	}
	if err := r.Verify(Block{Txs: got, Evidence: ev}); err != nil {
		t.Fatalf("canonical block: %v", err)
	}
	// A prefix of the canonical order verifies too (a full block); a
	// subset that leaves out an earlier envelope does not: its later
	// envelopes would be ordered ahead of it (the fence).
	if err := r.Verify(Block{Txs: got[:4], Evidence: ev}); err != nil {
		t.Errorf("prefix: %v", err)
	}
	sub := []Candidate{got[1], got[3], got[4]}
	if err := r.Verify(Block{Txs: sub, Evidence: ev}); !errors.Is(err, ErrOvertake) {
		t.Errorf("subset past a left-out envelope: %v, want ErrOvertake", err)
	}
	rev := slices.Clone(got)
	slices.Reverse(rev)
	if err := r.Verify(Block{Txs: rev, Evidence: ev}); !errors.Is(err, ErrUnfair) {
		t.Errorf("reversed: %v, want ErrUnfair", err)
	}
	if err := r.Verify(Block{Txs: append(slices.Clone(got), fairCand('x', 4, 0)), Evidence: ev}); !errors.Is(err, ErrNotReady) {
		t.Errorf("ineligible included: %v, want ErrNotReady", err)
	}
	// With room, leaving out b must be declared.
	without := []Candidate{}
	for _, c := range got {
		if c.Hash[0] != 'b' {
			without = append(without, c)
		}
	}
	if err := r.Verify(Block{Txs: without, Evidence: ev, Room: true}); !errors.Is(err, ErrOmission) {
		t.Errorf("undeclared omission: %v, want ErrOmission", err)
	}
	// Declaring b omitted does not let the block order c and a (seen
	// after b) ahead of it: the declared-omission sandwich.
	if err := r.Verify(Block{Txs: without, Evidence: ev, Room: true, Omitted: []ShortID{sid('b')}}); !errors.Is(err, ErrOvertake) {
		t.Errorf("declared omission with later envelopes: %v, want ErrOvertake", err)
	}
	// Leaving b out, a block may hold what was seen before it, declaring
	// the rest omitted...
	before := got[:3]
	if err := r.Verify(Block{Txs: before, Evidence: ev, Room: true, Omitted: []ShortID{sid('a'), sid('b'), sid('c')}}); err != nil {
		t.Errorf("declared omission, earlier envelopes only: %v", err)
	}
	// ...or step over b by showing it can no longer be included.
	if err := r.Verify(Block{Txs: without, Evidence: ev, Room: true, Omitted: []ShortID{sid('b')}, Skipped: []ShortID{sid('b')}}); err != nil {
		t.Errorf("b skipped: %v", err)
	}
	for name, skipped := range map[string][]ShortID{
		"not ready":    {sid('x')},
		"included":     {sid('c')},
		"out of order": {sid('b'), sid('a')},
	} {
		if err := r.Verify(Block{Txs: without, Evidence: ev, Room: true, Omitted: []ShortID{sid('b')}, Skipped: skipped}); !errors.Is(err, ErrSkipped) {
			t.Errorf("skipped %s: %v, want ErrSkipped", name, err)
		}
	}
	if err := r.Verify(Block{Txs: without, Evidence: ev, Room: false, Omitted: []ShortID{sid('b')}}); !errors.Is(err, ErrOmission) {
		t.Errorf("declaration without room: %v, want ErrOmission", err)
	}
	if err := r.Verify(Block{Txs: got}); !errors.Is(err, ErrNoEvidence) {
		t.Errorf("no evidence: %v", err)
	}
}

// A backstopped envelope left out fences nothing: only the validator
// that holds it can include it.
func TestFenceIgnoresBackstop(t *testing.T) {
	ev := &Evidence{Height: 20, Powers: []int64{1, 1, 1, 1}, Seed: []byte("seed"), Seen: map[ShortID]*Sighting{
		sid('k'): sighting(1, 50, no, no, no),
		sid('b'): sighting(19, 200, 200, 200, no),
	}}
	st := ev.Judge()
	if !st[sid('k')].Backstop || !st[sid('k')].Ready || !st[sid('b')].Ready {
		t.Fatalf("statuses %+v", st)
	}
	r := FairOrder{}
	blk := Block{Txs: []Candidate{fairCand('b', 2, 0)}, Evidence: ev, Room: true, Omitted: []ShortID{sid('k')}}
	if err := r.Verify(blk); err != nil {
		t.Fatalf("backstopped envelope left out: %v", err)
	}
	if _, ok := r.Fence(ev, st, blk.Txs, nil); ok {
		t.Fatal("a backstopped envelope fences")
	}
}

// TestFairSortCanonical: the order depends only on the set (any
// permutation sorts the same), and each sender's nonces ascend in it.
func TestFairSortCanonical(t *testing.T) {
	ev := &Evidence{Height: 10, Powers: []int64{1, 1, 1}, Seed: []byte{1}, Seen: map[ShortID]*Sighting{}}
	var cands []Candidate
	for i := range 24 {
		c := fairCand(byte('A'+i), byte(i%4), uint64(i/4))
		ev.Seen[ShortIDOf(c.Hash)] = sighting(9, int64((i*7919)%50), int64((i*104729)%50), int64(i%5))
		cands = append(cands, c)
	}
	st := ev.Judge()
	full := fairSort(cands, ev, st)
	rng := seeded(3)
	for range 20 {
		perm := slices.Clone(cands)
		for i := len(perm) - 1; i > 0; i-- {
			j := int(rng.Uint64() % uint64(i+1))
			perm[i], perm[j] = perm[j], perm[i]
		}
		if got := fairSort(perm, ev, st); names(got) != names(full) {
			t.Fatalf("permutation sorts to %s, want %s", names(got), names(full))
		}
	}
	last := map[common.Address]int64{}
	for _, c := range full {
		if n, ok := last[c.Envelope.Sender]; ok && int64(c.Envelope.Nonce) <= n {
			t.Fatalf("sender %x: nonce %d after %d", c.Envelope.Sender[:1], c.Envelope.Nonce, n)
		}
		last[c.Envelope.Sender] = int64(c.Envelope.Nonce)
	}
}

func TestEmbeddedExtensionsSkippedCodec(t *testing.T) {
	e := EmbeddedExtensions{Omitted: []ShortID{sid('a')}, Skipped: [][]byte{{1, 2}, {3}}}
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseEmbeddedExtensions(b)
	if err != nil || len(got.Skipped) != 2 || !bytes.Equal(got.Skipped[0], []byte{1, 2}) || !slices.Equal(got.Omitted, e.Omitted) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// Without skipped envelopes the encoding is the one before they
	// existed: no tail.
	plain, _ := (&EmbeddedExtensions{Omitted: e.Omitted}).Marshal()
	if !bytes.HasPrefix(b, plain) || len(b) == len(plain) {
		t.Fatal("skipped tail does not follow the version-1 fields")
	}
	many := make([][]byte, MaxSkipped+1)
	for i := range many {
		many[i] = []byte{byte(i)}
	}
	tooMany, _ := (&EmbeddedExtensions{Skipped: many}).Marshal()
	for name, bad := range map[string][]byte{
		"zero count":    append(slices.Clone(plain), 0),
		"empty entry":   append(slices.Clone(plain), 1, 0),
		"truncated":     b[:len(b)-1],
		"trailing":      append(slices.Clone(b), 7),
		"too many":      tooMany,
		"entry too big": append(slices.Clone(plain), 1, 0xff, 0xff, 0xff, 0x0f),
	} {
		if _, err := ParseEmbeddedExtensions(bad); !errors.Is(err, ErrVoteExtension) {
			t.Errorf("%s: %v, want ErrVoteExtension", name, err)
		}
	}
}

func TestVoteExtensionCodec(t *testing.T) {
	rs := []Sighted{{sid('a'), 1_700_000_000_000}, {sid('b'), 1_700_000_000_000}, {sid('a' - 1), 1_700_000_000_003}}
	b := EncodeVoteExtension(rs)
	got, err := ParseVoteExtension(b)
	if err != nil || !slices.Equal(got, rs) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	bad := map[string][]byte{
		"empty":          {},
		"version":        {2, 0},
		"truncated":      b[:len(b)-1],
		"trailing":       append(slices.Clone(b), 0),
		"out of order":   EncodeVoteExtension([]Sighted{rs[1], rs[0]}),
		"duplicate id":   EncodeVoteExtension([]Sighted{{sid('a'), 5}, {sid('a'), 6}}),
		"oversized":      append([]byte{1, 0}, make([]byte, MaxVoteExtensionSize)...),
		"count too high": {1, 0xff, 0xff, 0x03},
		"non-minimal":    {1, 0x80, 0x00},
		"far future":     append(append([]byte{1, 1}, make([]byte, ShortIDSize)...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	}
	for name, b := range bad {
		if _, err := ParseVoteExtension(b); !errors.Is(err, ErrVoteExtension) {
			t.Errorf("%s: %v, want ErrVoteExtension", name, err)
		}
	}
}

// FuzzVoteExtension: any bytes either fail with ErrVoteExtension or parse
// to reports that encode back to the same bytes.
func FuzzVoteExtension(f *testing.F) {
	f.Add(EncodeVoteExtension(nil))
	f.Add(EncodeVoteExtension([]Sighted{{sid('a'), 1_700_000_000_000}, {sid('b'), 1_700_000_000_001}}))
	f.Add([]byte{1, 2, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := ParseVoteExtension(b)
		if err != nil {
			if !errors.Is(err, ErrVoteExtension) {
				t.Fatalf("error %v does not wrap ErrVoteExtension", err)
			}
			return
		}
		if again := EncodeVoteExtension(rs); !bytes.Equal(again, b) {
			t.Fatalf("round trip: %x became %x", b, again)
		}
	})
}

// FuzzEmbeddedExtensions: 0xF0 transactions parse or fail cleanly and
// round-trip when they parse.
func FuzzEmbeddedExtensions(f *testing.F) {
	e := EmbeddedExtensions{Omitted: []ShortID{sid('a'), sid('b')}}
	e.Commit.Round = 2
	good, _ := e.Marshal()
	f.Add(good)
	e.Skipped = [][]byte{{1, 2, 3}, bytes.Repeat([]byte{9}, 200)}
	withSkipped, _ := e.Marshal()
	f.Add(withSkipped)
	f.Add(append(slices.Clone(good), 0))    // zero skipped: not canonical
	f.Add(append(slices.Clone(good), 1, 0)) // an empty skipped envelope
	f.Add([]byte{SysTxVoteExtensions, 1, 0, 0})
	f.Add([]byte{SysTxVoteExtensions, 1, 2, 0x08, 0x01, 1, 'a', 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEmbeddedExtensions(b)
		if err != nil {
			return
		}
		again, err := e.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip: %x became %x (%v)", b, again, err)
		}
	})
}

func TestSightingRecord(t *testing.T) {
	s := sighting(3, 5, no, 7)
	s.Last = 4
	got, err := decodeSighting(s.encode())
	if err != nil || fmt.Sprint(got) != fmt.Sprint(s) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	for _, b := range [][]byte{nil, {1}, append(s.encode(), 0)} {
		if _, err := decodeSighting(b); !errors.Is(err, errCorrupt) {
			t.Errorf("%x: %v", b, err)
		}
	}
}
