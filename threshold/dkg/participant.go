package dkg

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha3"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"

	"go.dedis.ch/kyber/v4"
	kdkg "go.dedis.ch/kyber/v4/share/dkg/pedersen"

	"github.com/veilseq/veil/threshold"
)

// Config describes one run of the DKG from one member's point of view. All
// members of a run must agree on Eon, Threshold, Members (in order) and
// Session; those four define the run's session id, which every message
// carries and signs.
type Config struct {
	// Eon is the eon whose key the run produces.
	Eon uint64
	// Threshold is t, the number of shares that decrypt; 0 means
	// threshold.DefaultThreshold(len(Members)). It must be in [1, n]; the
	// run tolerates n−t absent or faulty dealers.
	Threshold int
	// Members are the long-term public keys of the committee, in order:
	// Members[i] is member i+1. Keys must be distinct.
	Members []*PublicKey
	// Self is this member's long-term private key; its public key must be
	// in Members.
	Self *PrivateKey
	// Session distinguishes runs of the same eon by the same committee, for
	// example a retry after a failed run: a message of one run is rejected
	// by every other. The ceremony chooses it (say, the height at which it
	// scheduled the run); it may be empty if an eon's DKG runs only once.
	Session []byte
	// Rand is the source of this member's secret polynomial; nil means
	// crypto/rand. The polynomial is derived from 32 bytes of Rand hashed
	// with the member's private key and the session id, so a weak Rand
	// alone does not reveal it. kyber's ECIES draws its ephemeral keys from
	// crypto/rand regardless; they change deal ciphertexts, never key
	// material.
	Rand io.Reader
}

// Phase is the protocol phase a Participant is in: the kind of message it is
// waiting for.
type Phase int

// Phases, in order. A participant leaves a phase on its own once every
// message the phase can bring has arrived, or when the caller calls
// Advance.
const (
	// PhaseDeal waits for the other members' deals.
	PhaseDeal Phase = iota + 1
	// PhaseResponse waits for the other members' responses.
	PhaseResponse
	// PhaseJustification waits for justifications from dealers that were
	// complained about.
	PhaseJustification
	// PhaseDone: the run ended, with a Result or an error.
	PhaseDone
)

func (p Phase) String() string {
	switch p {
	case PhaseDeal:
		return "deal"
	case PhaseResponse:
		return "response"
	case PhaseJustification:
		return "justification"
	case PhaseDone:
		return "done"
	default:
		return fmt.Sprintf("Phase(%d)", int(p))
	}
}

// Participant is one member's state in a run. It is a pure state machine:
// messages and timeouts in (Handle, Advance), messages to broadcast and
// finally a Result out; it does no I/O, reads no clock and starts no
// goroutine. It is not safe for concurrent use.
type Participant struct {
	eon     uint64
	n, t    int
	index   int // 1-based
	session [sessionSize]byte
	members []*PublicKey
	self    *PrivateKey
	gen     *kdkg.DistKeyGenerator

	phase Phase
	seen  map[seenKey][]byte // encoding of each (type, sender) accepted

	deals      map[int]*kdkg.DealBundle // by 1-based sender
	responses  map[int]*kdkg.ResponseBundle
	justifs    map[int]*kdkg.JustificationBundle
	complaints map[int]int  // dealer → complaints in the responses processed
	awaited    map[int]bool // dealers whose justification can still matter

	result *Result
	err    error
}

type seenKey struct {
	typ    MessageType
	sender int
}

// NewParticipant starts this member's side of a run. It returns the
// participant and the messages to broadcast to all other members: its deal
// (in a committee of one, the whole run happens here).
func NewParticipant(cfg Config) (*Participant, []*Message, error) {
	n := len(cfg.Members)
	if n < 1 || n > threshold.MaxMembers {
		return nil, nil, fmt.Errorf("%w: %d members, want 1 to %d", ErrConfig, n, threshold.MaxMembers)
	}
	t := cfg.Threshold
	if t == 0 {
		t = threshold.DefaultThreshold(n)
	}
	if t < 1 || t > n {
		return nil, nil, fmt.Errorf("%w: threshold %d for %d members", ErrConfig, t, n)
	}
	if cfg.Self == nil {
		return nil, nil, fmt.Errorf("%w: no private key", ErrConfig)
	}
	index := 0
	encKeys := make(map[string]bool, n)
	sigKeys := make(map[string]bool, n)
	for i, m := range cfg.Members {
		if m == nil {
			return nil, nil, fmt.Errorf("%w: member %d has no key", ErrConfig, i+1)
		}
		e, s := string(m.raw[1:1+g2CompressedSize]), string(m.sig)
		if encKeys[e] || sigKeys[s] {
			// kyber finds members by key; two members sharing a key would
			// receive each other's deals.
			return nil, nil, fmt.Errorf("%w: member %d reuses another member's key", ErrConfig, i+1)
		}
		encKeys[e], sigKeys[s] = true, true
		if m.Equal(cfg.Self.pub) {
			index = i + 1
		}
	}
	if index == 0 {
		return nil, nil, fmt.Errorf("%w: own key is not among the members", ErrConfig)
	}
	rnd := cfg.Rand
	if rnd == nil {
		rnd = rand.Reader
	}

	p := &Participant{
		eon:        cfg.Eon,
		n:          n,
		t:          t,
		index:      index,
		session:    sessionID(cfg.Eon, t, cfg.Members, cfg.Session),
		members:    slices.Clone(cfg.Members),
		self:       cfg.Self,
		phase:      PhaseDeal,
		seen:       make(map[seenKey][]byte),
		deals:      make(map[int]*kdkg.DealBundle),
		responses:  make(map[int]*kdkg.ResponseBundle),
		justifs:    make(map[int]*kdkg.JustificationBundle),
		complaints: make(map[int]int),
		awaited:    make(map[int]bool),
	}

	// The polynomial's randomness: SHAKE256 of 32 fresh bytes, hedged with
	// the private key and bound to the session.
	var fresh [32]byte
	if _, err := io.ReadFull(rnd, fresh[:]); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	x, err := cfg.Self.enc.MarshalBinary()
	if err != nil {
		return nil, nil, err
	}
	h := sha3.NewSHAKE256()
	h.Write([]byte("veil/dkg/v1 polynomial\x00"))
	h.Write(p.session[:])
	h.Write(x)
	h.Write(fresh[:])
	stream := xof{h}

	nodes := make([]kdkg.Node, n)
	for i, m := range cfg.Members {
		nodes[i] = kdkg.Node{Index: uint32(i), Public: m.enc}
	}
	p.gen, err = kdkg.NewDistKeyHandler(&kdkg.Config{
		Suite:          seededSuite{SuiteBLS12381: newSuite(), stream: stream},
		Longterm:       cfg.Self.enc,
		NewNodes:       nodes,
		Threshold:      uint32(t),
		Reader:         stream,
		UserReaderOnly: true,
		Nonce:          p.session[:],
		Auth:           unsigned{},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	bundle, err := p.gen.Deals()
	if err != nil {
		return nil, nil, err
	}
	payload, err := encodeDeal(bundle)
	if err != nil {
		return nil, nil, err
	}
	deal, err := p.emit(TypeDeal, payload)
	if err != nil {
		return nil, nil, err
	}
	out, err := p.progress([]*Message{deal})
	return p, out, err
}

// sessionID binds a run's parameters: SHA-256 of a domain tag, the eon, t,
// n, every member's key in order, and Config.Session, each length-prefixed
// where variable. It is kyber's session nonce too.
func sessionID(eon uint64, t int, members []*PublicKey, session []byte) [sessionSize]byte {
	h := sha256.New()
	h.Write([]byte("veil/dkg/v1 session\x00"))
	var b []byte
	b = binary.BigEndian.AppendUint64(b, eon)
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	b = binary.BigEndian.AppendUint16(b, uint16(len(members)))
	h.Write(b)
	for _, m := range members {
		h.Write(m.raw)
	}
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(session))))
	h.Write(session)
	var id [sessionSize]byte
	h.Sum(id[:0])
	return id
}

// Index returns this member's 1-based index.
func (p *Participant) Index() int { return p.index }

// Phase returns the phase the participant is in. A transport arms a timer
// for each phase and calls Advance when it fires.
func (p *Participant) Phase() Phase { return p.phase }

// Handle processes a message from another member and returns the messages
// to broadcast in reply, if any. It returns an error if the message is
// rejected, leaving the participant unchanged (see the Err values;
// ErrDuplicate is harmless, and is also what an echo of this member's own
// message gets), and an error wrapping ErrFailed if the run ended without a
// key. Messages of a later phase are kept until the participant gets there;
// messages of a closed phase are rejected with ErrLate.
func (p *Participant) Handle(m *Message) ([]*Message, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil message", ErrMalformed)
	}
	if m.eon != p.eon {
		return nil, fmt.Errorf("%w: eon %d, want %d", ErrWrongEon, m.eon, p.eon)
	}
	if m.session != p.session {
		return nil, ErrWrongSession
	}
	if m.sender > p.n {
		return nil, fmt.Errorf("%w: index %d of %d", ErrUnknownSender, m.sender, p.n)
	}
	if !m.verify(p.members[m.sender-1]) {
		return nil, fmt.Errorf("%w: %v from member %d", ErrBadSignature, m.typ, m.sender)
	}
	key := seenKey{m.typ, m.sender}
	if prev, ok := p.seen[key]; ok {
		if string(prev) == string(m.raw) {
			return nil, ErrDuplicate
		}
		return nil, fmt.Errorf("%w: %v from member %d", ErrEquivocation, m.typ, m.sender)
	}
	if m.sender == p.index {
		// Signed with our key but not sent by this participant: an earlier
		// run with the same key and session, or a stolen key.
		return nil, fmt.Errorf("%w: %v in this member's own name", ErrEquivocation, m.typ)
	}
	if p.closed(m.typ) {
		return nil, fmt.Errorf("%w: %v from member %d in phase %v", ErrLate, m.typ, m.sender, p.phase)
	}
	if err := p.accept(m); err != nil {
		return nil, fmt.Errorf("%w: %v from member %d: %w", ErrInvalid, m.typ, m.sender, err)
	}
	p.seen[key] = m.raw
	return p.progress(nil)
}

// closed reports whether messages of type typ can no longer be used.
func (p *Participant) closed(typ MessageType) bool {
	switch typ {
	case TypeDeal:
		return p.phase > PhaseDeal
	case TypeResponse:
		return p.phase > PhaseResponse
	default:
		return p.phase > PhaseJustification
	}
}

// accept checks an authenticated message against the session, converts it
// to kyber's bundle (0-based indices) and stores it for its phase.
func (p *Participant) accept(m *Message) error {
	from := uint32(m.sender - 1)
	switch m.typ {
	case TypeDeal:
		if len(m.commits) != p.t {
			return fmt.Errorf("%d commitments, want %d", len(m.commits), p.t)
		}
		b := &kdkg.DealBundle{DealerIndex: from, SessionID: p.session[:]}
		for _, d := range m.deals {
			if d.to > p.n {
				return fmt.Errorf("deal for member %d of %d", d.to, p.n)
			}
			b.Deals = append(b.Deals, kdkg.Deal{ShareIndex: uint32(d.to - 1), EncryptedShare: d.ct})
		}
		b.Public = make([]kyber.Point, len(m.commits))
		for i, c := range m.commits {
			pt, ok := decodeG2Uncompressed(c)
			if !ok {
				return fmt.Errorf("commitment %d is not a point of G2", i)
			}
			b.Public[i] = pt
		}
		p.deals[m.sender] = b
	case TypeResponse:
		b := &kdkg.ResponseBundle{ShareIndex: from, SessionID: p.session[:]}
		for _, d := range m.indices {
			if d > p.n {
				return fmt.Errorf("complaint about member %d of %d", d, p.n)
			}
			b.Responses = append(b.Responses, kdkg.Response{DealerIndex: uint32(d - 1), Status: kdkg.Complaint})
		}
		p.responses[m.sender] = b
	case TypeJustification:
		b := &kdkg.JustificationBundle{DealerIndex: from, SessionID: p.session[:]}
		for i, h := range m.indices {
			if h > p.n {
				return fmt.Errorf("justification for member %d of %d", h, p.n)
			}
			s, _ := decodeScalar(m.shares[i]) // canonical: checked by ParseMessage
			b.Justifications = append(b.Justifications, kdkg.Justification{ShareIndex: uint32(h - 1), Share: s})
		}
		p.justifs[m.sender] = b
	}
	return nil
}

// Advance closes the current phase with the messages that have arrived:
// the caller's timeout. Members that stayed silent are treated as kyber
// treats them: a missing deal draws a complaint, a missing justification
// disqualifies its dealer. After the run has ended Advance does nothing.
func (p *Participant) Advance() ([]*Message, error) {
	var out []*Message
	var err error
	switch p.phase {
	case PhaseDeal:
		out, err = p.closeDeals()
	case PhaseResponse:
		out, err = p.closeResponses()
	case PhaseJustification:
		err = p.closeJustifications()
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p.progress(out)
}

// progress closes every phase that is complete, appending what it emits to
// out.
func (p *Participant) progress(out []*Message) ([]*Message, error) {
	for {
		var more []*Message
		var err error
		switch {
		case p.phase == PhaseDeal && len(p.deals) == p.n-1:
			more, err = p.closeDeals()
		case p.phase == PhaseResponse && len(p.responses) == p.n-1:
			more, err = p.closeResponses()
		case p.phase == PhaseJustification && p.justificationsComplete():
			err = p.closeJustifications()
		case p.phase == PhaseDone:
			return out, p.err
		default:
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
}

// justificationsComplete reports whether every dealer whose justification
// can still change the outcome has sent one: dealers other than this member
// with at least one complaint, fewer than t (kyber disqualifies those at t),
// and a deal this member received (kyber disqualifies the rest).
func (p *Participant) justificationsComplete() bool {
	for d := range p.awaited {
		if _, ok := p.justifs[d]; !ok {
			return false
		}
	}
	return true
}

func (p *Participant) closeDeals() ([]*Message, error) {
	bundles := make([]*kdkg.DealBundle, 0, len(p.deals))
	for _, s := range slices.Sorted(maps.Keys(p.deals)) {
		bundles = append(bundles, p.deals[s])
	}
	resp, err := p.gen.ProcessDeals(bundles)
	if err != nil {
		return nil, p.fail(err)
	}
	var complaints []int
	if resp != nil {
		for _, r := range resp.Responses {
			if r.Status == kdkg.Complaint {
				complaints = append(complaints, int(r.DealerIndex)+1)
			}
		}
	}
	slices.Sort(complaints)
	p.count(complaints)
	p.phase = PhaseResponse
	// An empty response is sent too: once every member's response is in,
	// the phase can close without waiting for a timeout.
	m, err := p.emit(TypeResponse, encodeResponse(complaints))
	if err != nil {
		return nil, p.fail(err)
	}
	return []*Message{m}, nil
}

func (p *Participant) count(dealers []int) {
	for _, d := range dealers {
		p.complaints[d]++
	}
}

func (p *Participant) closeResponses() ([]*Message, error) {
	bundles := make([]*kdkg.ResponseBundle, 0, len(p.responses))
	for _, s := range slices.Sorted(maps.Keys(p.responses)) {
		b := p.responses[s]
		bundles = append(bundles, b)
		for _, r := range b.Responses {
			p.complaints[int(r.DealerIndex)+1]++
		}
	}
	res, jb, err := p.gen.ProcessResponses(bundles)
	if err != nil {
		return nil, p.fail(err)
	}
	if res != nil {
		return nil, p.finish(res)
	}
	p.phase = PhaseJustification
	for d, c := range p.complaints {
		if _, dealt := p.deals[d]; dealt && d != p.index && c < p.t {
			p.awaited[d] = true
		}
	}
	if jb == nil {
		return nil, nil
	}
	payload, err := encodeJustification(jb)
	if err != nil {
		return nil, p.fail(err)
	}
	m, err := p.emit(TypeJustification, payload)
	if err != nil {
		return nil, p.fail(err)
	}
	return []*Message{m}, nil
}

func (p *Participant) closeJustifications() error {
	bundles := make([]*kdkg.JustificationBundle, 0, len(p.justifs))
	for _, s := range slices.Sorted(maps.Keys(p.justifs)) {
		bundles = append(bundles, p.justifs[s])
	}
	res, err := p.gen.ProcessJustifications(bundles)
	if err != nil {
		return p.fail(err)
	}
	return p.finish(res)
}

// emit signs one of this member's messages and records it as seen, so that
// an echo of it is a duplicate.
func (p *Participant) emit(typ MessageType, payload []byte) (*Message, error) {
	m, err := signMessage(typ, p.eon, p.session, p.index, payload, p.self)
	if err != nil {
		return nil, err
	}
	p.seen[seenKey{typ, p.index}] = m.raw
	return m, nil
}

func (p *Participant) fail(err error) error {
	p.phase = PhaseDone
	p.err = fmt.Errorf("%w: %w", ErrFailed, err)
	return p.err
}

func (p *Participant) finish(res *kdkg.Result) error {
	r, err := newResult(p.eon, p.t, p.n, p.index, res)
	if err != nil {
		return p.fail(err)
	}
	p.phase = PhaseDone
	p.result = r
	return nil
}

// Result returns the run's outcome once Phase is PhaseDone: the Result, or
// the error that ended the run (wrapping ErrFailed). Before that it returns
// ErrNotFinished.
func (p *Participant) Result() (*Result, error) {
	if p.phase != PhaseDone {
		return nil, fmt.Errorf("%w: phase %v", ErrNotFinished, p.phase)
	}
	if p.err != nil {
		return nil, p.err
	}
	return p.result, nil
}

// String describes the participant without its secrets.
func (p *Participant) String() string {
	return fmt.Sprintf("dkg.Participant{eon: %d, member: %d of %d, t: %d, phase: %v}", p.eon, p.index, p.n, p.t, p.phase)
}

// GoString is String: the participant holds secrets that must not print.
func (p *Participant) GoString() string { return p.String() }

// Format prints String for every verb.
func (p *Participant) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }
