package dkg

import (
	"bytes"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"

	"go.dedis.ch/kyber/v4"

	"github.com/veilseq/veil/threshold"
)

// behaviour is what a member does in a simulated run. Faulty members run an
// honest Participant whose outgoing messages the network tampers with and
// re-signs with the member's key, so they are validly signed lies.
type behaviour int

const (
	honest behaviour = iota
	// absent never sends anything.
	absent
	// badDealJustified sends invalid shares to a few members and, when they
	// complain, reveals the correct ones: it stays qualified.
	badDealJustified
	// badDealSilent sends invalid shares to a few members and then nothing.
	badDealSilent
	// badJustification sends invalid shares to a few members and answers
	// their complaints with wrong shares.
	badJustification
	// badDealToMany sends invalid shares to every member: t or more
	// complaints disqualify it before any justification.
	badDealToMany
)

func (b behaviour) String() string {
	return [...]string{"honest", "absent", "badDealJustified", "badDealSilent", "badJustification", "badDealToMany"}[b]
}

// qualifies reports whether a dealer with behaviour b ends up qualified.
func (b behaviour) qualifies() bool { return b == honest || b == badDealJustified }

// sim is an in-memory network of participants with synchronous broadcast:
// every message is delivered to every other member before any timeout.
type sim struct {
	tb       testing.TB
	n, t     int
	eon      uint64
	keys     []*PrivateKey
	pubs     []*PublicKey
	behave   []behaviour
	parts    []*Participant // nil for absent members
	queue    []*Message
	rng      *mrand.Rand
	sent     []*Message // every message put on the wire, for corpora
	timeouts int
}

// seededReader is a deterministic io.Reader for tests.
type seededReader struct{ r *mrand.ChaCha8 }

func newReader(seed uint64) *seededReader {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return &seededReader{mrand.NewChaCha8(s)}
}

func (s *seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

func testKeys(tb testing.TB, n int, seed uint64) ([]*PrivateKey, []*PublicKey) {
	tb.Helper()
	r := newReader(seed)
	keys := make([]*PrivateKey, n)
	pubs := make([]*PublicKey, n)
	for i := range n {
		var err error
		keys[i], pubs[i], err = GenerateLongtermKey(r)
		if err != nil {
			tb.Fatal(err)
		}
	}
	return keys, pubs
}

func newSim(tb testing.TB, n int, behave []behaviour, seed uint64) *sim {
	tb.Helper()
	if behave == nil {
		behave = make([]behaviour, n)
	}
	s := &sim{
		tb:     tb,
		n:      n,
		t:      threshold.DefaultThreshold(n),
		eon:    7,
		behave: behave,
		parts:  make([]*Participant, n),
		rng:    mrand.New(mrand.NewPCG(seed, 1)),
	}
	s.keys, s.pubs = testKeys(tb, n, seed)
	for i := range n {
		if behave[i] == absent {
			continue
		}
		p, out, err := NewParticipant(Config{
			Eon:     s.eon,
			Members: s.pubs,
			Self:    s.keys[i],
			Rand:    newReader(seed*1000 + uint64(i)),
		})
		if err != nil {
			tb.Fatalf("member %d: %v", i+1, err)
		}
		s.parts[i] = p
		s.send(i+1, out)
	}
	return s
}

// send puts a member's messages on the wire, after its behaviour has had
// its way with them.
func (s *sim) send(from int, msgs []*Message) {
	for _, m := range msgs {
		m = s.tamper(from, m)
		if m == nil {
			continue
		}
		// Through the wire format, as a transport would.
		b, err := m.MarshalBinary()
		if err != nil {
			s.tb.Fatal(err)
		}
		if m, err = ParseMessage(b); err != nil {
			s.tb.Fatalf("member %d sent an unparsable %v: %v", from, m.Type(), err)
		}
		s.sent = append(s.sent, m)
		s.queue = append(s.queue, m)
	}
}

func (s *sim) tamper(from int, m *Message) *Message {
	b := s.behave[from-1]
	switch {
	case b == honest:
		return m
	case m.Type() == TypeDeal:
		victims := 1
		if b == badDealToMany {
			victims = s.n - 1
		} else if s.t > 3 {
			victims = (s.t - 1) / 2
		}
		return corruptDeal(s.tb, m, s.keys[from-1], victims)
	case b == badDealSilent:
		return nil
	case b == badJustification && m.Type() == TypeJustification:
		return corruptJustification(s.tb, m, s.keys[from-1])
	}
	return m
}

// resign returns a copy of m with its payload changed by mutate and a
// valid signature by key.
func resign(tb testing.TB, m *Message, key *PrivateKey, mutate func(payload []byte)) *Message {
	tb.Helper()
	payload := bytes.Clone(m.raw[headerSize : len(m.raw)-signatureSize])
	mutate(payload)
	out, err := signMessage(m.typ, m.eon, m.session, m.sender, payload, key)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// corruptDeal garbles the encrypted shares of the first victims recipients;
// their decryption fails and they complain.
func corruptDeal(tb testing.TB, m *Message, key *PrivateKey, victims int) *Message {
	return resign(tb, m, key, func(p []byte) {
		off := 2 + len(m.commits)*g2UncompressedSize + 2
		for k := range min(victims, len(m.deals)) {
			p[off+k*(2+eciesSize)+2+eciesSize-1] ^= 1
		}
	})
}

// corruptJustification replaces every revealed share by a wrong one.
func corruptJustification(tb testing.TB, m *Message, key *PrivateKey) *Message {
	return resign(tb, m, key, func(p []byte) {
		for k := range m.indices {
			s := p[2+k*(2+scalarSize)+2:][:scalarSize]
			clear(s)
			s[scalarSize-1] = 1
		}
	})
}

// run delivers messages in random order until the queue is empty, then
// times out every unfinished participant at once, until the honest ones are
// done.
func (s *sim) run() {
	for {
		for len(s.queue) > 0 {
			i := s.rng.IntN(len(s.queue))
			m := s.queue[i]
			s.queue = slices.Delete(s.queue, i, i+1)
			for j, p := range s.parts {
				if p == nil || j+1 == m.Sender() {
					continue
				}
				out, err := p.Handle(m)
				if err != nil && s.behave[j] == honest {
					s.tb.Fatalf("honest member %d rejected %v: %v", j+1, m, err)
				}
				s.send(j+1, out)
			}
		}
		if s.honestDone() {
			return
		}
		if s.timeouts++; s.timeouts > 3 {
			s.tb.Fatalf("honest members unfinished after %d timeouts", s.timeouts-1)
		}
		for j, p := range s.parts {
			if p == nil || p.Phase() == PhaseDone {
				continue
			}
			out, err := p.Advance()
			if err != nil && s.behave[j] == honest {
				s.tb.Fatalf("honest member %d: advance: %v", j+1, err)
			}
			s.send(j+1, out)
		}
	}
}

func (s *sim) honestDone() bool {
	for j, p := range s.parts {
		if s.behave[j] == honest && p.Phase() != PhaseDone {
			return false
		}
	}
	return true
}

// honestResults returns the results of the honest members, by index.
func (s *sim) honestResults() map[int]*Result {
	s.tb.Helper()
	out := make(map[int]*Result)
	for j, p := range s.parts {
		if s.behave[j] != honest {
			continue
		}
		r, err := p.Result()
		if err != nil {
			s.tb.Fatalf("honest member %d: %v", j+1, err)
		}
		out[j+1] = r
	}
	return out
}

// check verifies the outcome of a run: the honest members agree on the eon
// key, its public shares and the qualified set; each secret share matches
// its public share; and sets of t shares interpolate, at x = member index,
// to a secret s with s·g2 = P.
func (s *sim) check() {
	tb := s.tb
	tb.Helper()
	results := s.honestResults()
	var want []int
	for j, b := range s.behave {
		if b.qualifies() {
			want = append(want, j+1)
		}
	}
	var first *Result
	for i, r := range results {
		if got := r.Qualified(); !slices.Equal(got, want) {
			tb.Errorf("member %d: qualified %v, want %v", i, got, want)
		}
		if first == nil {
			first = r
		} else if !r.EonPublicKey().Equal(first.EonPublicKey()) {
			tb.Errorf("member %d has another eon key", i)
		}
		pk, sk := r.EonPublicKey(), r.SecretShare()
		if sk.Index() != i || sk.Eon() != s.eon || pk.Eon() != s.eon || pk.Threshold() != s.t || pk.N() != s.n {
			tb.Errorf("member %d: share %v, key eon %d t %d n %d", i, sk, pk.Eon(), pk.Threshold(), pk.N())
		}
		if err := threshold.CheckSecretKeyShare(first.EonPublicKey(), sk); err != nil {
			tb.Errorf("member %d: share against the common key: %v", i, err)
		}
	}
	indices := slices.Sorted(func(yield func(int) bool) {
		for i := range results {
			if !yield(i) {
				return
			}
		}
	})
	if len(indices) < s.t {
		tb.Fatalf("only %d honest members for t = %d", len(indices), s.t)
	}
	suite := newSuite()
	master := eonKeyPoint(tb, first.EonPublicKey(), 0)
	// The shares work with the threshold package: every member's partial
	// signature verifies against its public share, and t of them aggregate
	// to a signature under the eon key.
	msg := []byte("batch root")
	var partials []*threshold.PartialSignature
	for _, i := range indices {
		ps := results[i].SecretShare().SignPartial(msg)
		if err := threshold.VerifyPartial(first.EonPublicKey(), msg, ps); err != nil {
			tb.Errorf("member %d: partial signature: %v", i, err)
		}
		partials = append(partials, ps)
	}
	sig, err := threshold.AggregateSignatures(first.EonPublicKey(), partials[len(partials)-s.t:])
	if err != nil {
		tb.Fatal(err)
	}
	if err := threshold.VerifySignature(first.EonPublicKey(), msg, sig); err != nil {
		tb.Errorf("aggregated signature: %v", err)
	}

	for trial := range 3 {
		subset := slices.Clone(indices)
		s.rng.Shuffle(len(subset), func(a, b int) { subset[a], subset[b] = subset[b], subset[a] })
		subset = subset[:s.t]
		shares := make(map[int]kyber.Scalar, s.t)
		for _, i := range subset {
			shares[i] = secretScalar(tb, results[i].SecretShare())
		}
		secret := interpolateAtZero(shares)
		if !suite.Point().Mul(secret, nil).Equal(master) {
			tb.Errorf("trial %d: shares of %v do not interpolate to the eon secret", trial, subset)
		}
		if s.t > 1 {
			delete(shares, subset[0])
			if suite.Point().Mul(interpolateAtZero(shares), nil).Equal(master) {
				tb.Errorf("trial %d: t−1 shares interpolate to the eon secret", trial)
			}
		}
	}
}

// interpolateAtZero is Lagrange interpolation at 0 of shares s_i at x = i,
// written independently of kyber's index convention.
func interpolateAtZero(shares map[int]kyber.Scalar) kyber.Scalar {
	suite := newSuite()
	sum := suite.Scalar().Zero()
	for i, si := range shares {
		num, den := suite.Scalar().One(), suite.Scalar().One()
		for j := range shares {
			if j == i {
				continue
			}
			xj := suite.Scalar().SetInt64(int64(j))
			num.Mul(num, xj)
			den.Mul(den, suite.Scalar().Sub(xj, suite.Scalar().SetInt64(int64(i))))
		}
		l := suite.Scalar().Div(num, den)
		sum.Add(sum, l.Mul(l, si))
	}
	return sum
}

// eonKeyPoint reads P (i = 0) or P_i from the eon key's encoding:
// version(1) ‖ eon(8) ‖ t(2) ‖ n(2) ‖ P(96) ‖ P_1(96) ‖ … ‖ P_n(96).
func eonKeyPoint(tb testing.TB, pk *threshold.EonPublicKey, i int) kyber.Point {
	tb.Helper()
	b, err := pk.MarshalBinary()
	if err != nil {
		tb.Fatal(err)
	}
	off := 13 + i*g2CompressedSize
	p, ok := decodeG2Compressed(b[off : off+g2CompressedSize])
	if !ok {
		tb.Fatalf("eon key encoding: bad point %d", i)
	}
	return p
}

// secretScalar reads s_i from the share's encoding:
// version(1) ‖ eon(8) ‖ index(2) ‖ s(32).
func secretScalar(tb testing.TB, sk *threshold.SecretKeyShare) kyber.Scalar {
	tb.Helper()
	b, err := sk.MarshalBinary()
	if err != nil {
		tb.Fatal(err)
	}
	s, ok := decodeScalar(b[11:])
	if !ok {
		tb.Fatal("secret share encoding: bad scalar")
	}
	return s
}

// faults returns behaviours for n members with f = ⌊(n−1)/3⌋ faulty
// dealers cycling through the given kinds, spread over the indices.
func faults(n int, kinds ...behaviour) []behaviour {
	b := make([]behaviour, n)
	f := (n - 1) / 3
	for k := range f {
		b[(k*n)/f+k%2] = kinds[k%len(kinds)]
	}
	return b
}

func TestDKG(t *testing.T) {
	every := []behaviour{badDealJustified, absent, badJustification, badDealSilent, badDealToMany}
	cases := []struct {
		name   string
		n      int
		behave []behaviour
	}{
		{"n=1", 1, nil},
		{"n=2", 2, nil},
		{"n=4/honest", 4, nil},
		{"n=4/absent", 4, faults(4, absent)},
		{"n=4/badDealJustified", 4, faults(4, badDealJustified)},
		{"n=4/badDealSilent", 4, faults(4, badDealSilent)},
		{"n=4/badJustification", 4, faults(4, badJustification)},
		{"n=4/badDealToMany", 4, faults(4, badDealToMany)},
		{"n=7/honest", 7, nil},
		{"n=7/f=2", 7, faults(7, badDealJustified, absent)},
		{"n=7/f=2/bad", 7, faults(7, badJustification, badDealSilent)},
		{"n=16/honest", 16, nil},
		{"n=16/f=5", 16, faults(16, every...)},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.n > 7 {
				t.Skip("large committee")
			}
			s := newSim(t, c.n, c.behave, uint64(i+1))
			s.run()
			s.check()
			allHonest := !slices.ContainsFunc(s.behave, func(b behaviour) bool { return b != honest })
			if allHonest && s.timeouts != 0 {
				t.Errorf("a run without faults needed %d timeouts", s.timeouts)
			}
			t.Logf("%s: %d timeouts, %d messages", fmt.Sprint(s.behave), s.timeouts, len(s.sent))
		})
	}
}

// TestDKGDeterministic checks that key material depends only on the Config:
// two runs with the same keys and readers give the same eon key.
func TestDKGDeterministic(t *testing.T) {
	a, b := newSim(t, 4, nil, 42), newSim(t, 4, nil, 42)
	a.run()
	b.run()
	ra, rb := a.honestResults(), b.honestResults()
	if !ra[1].EonPublicKey().Equal(rb[1].EonPublicKey()) {
		t.Fatal("same config, different eon keys")
	}
	c := newSim(t, 4, nil, 43)
	c.run()
	if c.honestResults()[1].EonPublicKey().Equal(ra[1].EonPublicKey()) {
		t.Fatal("different randomness, same eon key")
	}
}

func TestIndexMapping(t *testing.T) {
	// kyber's share of node i is its polynomial at x = i+1; veil's member i
	// holds the share at x = i. Member i's secret share must therefore match
	// the i-th public share of the eon key (s_i·g2 = P_i), and check()'s
	// interpolation at x = index recovers the eon secret.
	s := newSim(t, 4, nil, 9)
	s.run()
	s.check()
	for i, r := range s.honestResults() {
		if got := r.SecretShare().Index(); got != i {
			t.Errorf("member %d: SecretShare().Index() = %d", i, got)
		}
		si := secretScalar(t, r.SecretShare())
		if !newSuite().Point().Mul(si, nil).Equal(eonKeyPoint(t, r.EonPublicKey(), i)) {
			t.Errorf("member %d: s_i·g2 is not P_%d", i, i)
		}
		if i > 1 && newSuite().Point().Mul(si, nil).Equal(eonKeyPoint(t, r.EonPublicKey(), i-1)) {
			t.Errorf("member %d: share matches P_%d", i, i-1)
		}
	}
}

func TestTimeoutWithoutMessages(t *testing.T) {
	// A member alone after the deal phase: every other dealer is absent, so
	// t valid deals never arrive and the run fails cleanly.
	s := newSim(t, 4, []behaviour{honest, absent, absent, absent}, 5)
	p := s.parts[0]
	for range 3 {
		if _, err := p.Advance(); err != nil {
			if !errors.Is(err, ErrFailed) {
				t.Fatalf("advance: %v", err)
			}
			break
		}
	}
	if p.Phase() != PhaseDone {
		t.Fatalf("phase %v", p.Phase())
	}
	if _, err := p.Result(); !errors.Is(err, ErrFailed) {
		t.Fatalf("Result: %v, want ErrFailed", err)
	}
	if out, err := p.Advance(); out != nil || err != nil {
		t.Fatalf("Advance after the end: %v, %v", out, err)
	}
}
