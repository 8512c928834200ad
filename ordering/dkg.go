package ordering

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/threshold/dkg"
)

// The DKG ceremony on chain.
//
// The chain is the DKG's broadcast channel: a totally ordered log gives
// threshold/dkg the agreement it needs (every member handles the same
// first message per sender and type), and block heights give it
// timeliness without clocks (every member closes a phase once the chain
// passes the phase's deadline height, so all close it on the same
// messages). Three system transactions carry a ceremony, all admitted by
// CheckTx against the committed state, so a member hands them to any
// node:
//
//	0xF4  SysTxDKGOpen     opens a ceremony for the next eon
//	0xF5  SysTxDKGMessage  one member's DKG message (deal, response, justification)
//	0xF6  SysTxDKGConsent  one member's consent to the resulting eon registration
//
// Opening, approved by t of the current committee like an eon
// registration (0xF3):
//
//	u8   0xF4
//	u64  eon id, which must be the current eon + 1
//	u64  session, chosen by the opener; differs from the eon's earlier ceremonies
//	u16  threshold t of the new committee
//	u16  phase length P in blocks (1..MaxDKGPhaseBlocks)
//	u16  committee size n
//	n ×  129 B dkg.PublicKey: G2 encryption key ‖ Ed25519 member key
//	n ×  64 B join: the member's Ed25519 signature over DKGJoinMessage
//	u16  approvals m
//	m ×  u16 member index in the current eon (strictly increasing) ‖ 64 B Ed25519 signature
//
// Approvals sign "veil/dkg-ceremony/v1\x00" ‖ 'O' ‖ u8 len(chain id) ‖
// chain id ‖ the opening from its tag through the joins. A join binds
// a member's fresh G2 key to its Ed25519 member key (so nobody else can
// substitute a key and read the member's deals):
// "veil/dkg-join/v1\x00" ‖ u8 len(chain id) ‖ chain id ‖ u64 eon ‖ the
// 129-byte public key.
//
// Message: u8 0xF5 ‖ a threshold/dkg message (its own encoding, signed
// by the sender's Ed25519 member key). With O the height of the block
// that included the opening, a message of phase k (deal 1, response 2,
// justification 3) is valid in blocks O+1 … O+k·P, so a member calls
// Participant.Advance for phase k once block O+k·P is committed. The
// chain keeps the first message per (sender, type): an identical second
// is a replay (ErrDKGDuplicate); a different one is equivocation, also
// rejected, the first standing.
//
// Consent: u8 0xF6 ‖ u16 member ‖ an eon registration's signed body (the
// 0xF3 encoding from its tag through the transcript digest) ‖ 64 B
// consent signature (the 0xF3 consent). The body must name the
// ceremony's eon, threshold and Ed25519 member keys in order, and the
// activation height O + 4·P + rotation lead; its transcript digest is
// DKGTranscriptDigest of the messages the member's run used. Consents are
// valid in blocks O+1 … O+4·P, one per member. The block that brings the
// t-th consent over one body registers the eon exactly as an 0xF3 would
// (eons.go), absent consents left empty: honest members compute the same
// body, and t consents include one from an honest member as long as at
// most n−t members are faulty (the DKG's own assumption; t ≥ n−t+1 for
// the default threshold), so no body a faulty minority made up can
// gather them.

const (
	// SysTxDKGOpen tags a DKG ceremony opening.
	SysTxDKGOpen byte = 0xF4
	// SysTxDKGMessage tags a DKG message of an open ceremony.
	SysTxDKGMessage byte = 0xF5
	// SysTxDKGConsent tags a member's consent to the ceremony's result.
	SysTxDKGConsent byte = 0xF6

	// MaxDKGPhaseBlocks bounds a ceremony's phase length.
	MaxDKGPhaseBlocks = 1000

	// dkgPhases: deal, response, justification, then consent.
	dkgPhases = 4

	// Ceremony state: 'G' eon → the eon's latest ceremony (dkgCeremony);
	// 'g' eon ‖ session ‖ u32 seq → u64 height ‖ the tx (its messages and
	// consents in chain order); 'q' eon ‖ session ‖ kind ‖ u16 sender →
	// u32 seq ‖ SHA-256 of the tx (the first of each kind per sender;
	// kind is the DKG message type, or dkgKindConsent).
	tagDKG      = 'G'
	tagDKGLog   = 'g'
	tagDKGFirst = 'q'

	dkgKindConsent = 0xC0

	dkgOpenDomain  = "veil/dkg-ceremony/v1\x00"
	dkgJoinDomain  = "veil/dkg-join/v1\x00"
	dkgTransDomain = "veil/dkg-transcript/v1\x00"
	roleOpen       = 'O'
	dkgOpenHeader  = 1 + 8 + 8 + 2 + 2 + 2
)

// DKG ceremony errors, to be matched with errors.Is.
var (
	// ErrDKGCeremony reports an invalid ceremony opening, or a message or
	// consent for no open ceremony.
	ErrDKGCeremony = errors.New("ordering: invalid DKG ceremony")
	// ErrDKGMessage reports a malformed or unauthenticated DKG message or
	// consent, or one from a non-member.
	ErrDKGMessage = errors.New("ordering: invalid DKG message")
	// ErrDKGDuplicate reports a second message of one kind from one
	// member: a replay if identical, equivocation if not; the first
	// stands either way.
	ErrDKGDuplicate = errors.New("ordering: DKG message already posted")
	// ErrDKGLate reports a message for a phase whose deadline height has
	// passed, or one of a ceremony whose eon is registered.
	ErrDKGLate = errors.New("ordering: DKG phase closed")
	// ErrDKGSignature reports a DKG message or consent whose signature
	// does not verify under the member key of the member it names.
	ErrDKGSignature = errors.New("ordering: DKG signature does not verify")
	// ErrDKGNotMember reports a DKG message or consent naming a member
	// the ceremony does not have.
	ErrDKGNotMember = errors.New("ordering: not a member of the DKG ceremony")
)

// DKGOpening is a SysTxDKGOpen transaction.
type DKGOpening struct {
	Eon         uint64
	Session     uint64
	Threshold   int
	PhaseBlocks int
	// Members are the new committee's DKG keys, member i at Members[i−1].
	// The Ed25519 half of each is the member's keyholder key.
	Members []*dkg.PublicKey
	// Joins are the members' signatures over DKGJoinMessage, in member
	// order.
	Joins [][]byte
	// Approvals are the current eon's members' signatures, in increasing
	// member order.
	Approvals []EonApproval
}

// DKGJoinMessage is what a member signs, with its Ed25519 member key, to
// join the ceremony for eon with the DKG key pub.
func DKGJoinMessage(chainID string, eon uint64, pub *dkg.PublicKey) []byte {
	raw, _ := pub.MarshalBinary()
	b := append([]byte(dkgJoinDomain), byte(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, eon)
	return append(b, raw...)
}

// DKGJoin signs member's join of the ceremony for eon: key is the
// member's DKG key, whose Ed25519 half is the member key.
func DKGJoin(chainID string, eon uint64, key *dkg.PrivateKey, member ed25519.PrivateKey) ([]byte, error) {
	if !bytes.Equal(key.Public().SigningKey(), member.Public().(ed25519.PublicKey)) {
		return nil, fmt.Errorf("%w: the DKG key's signing half is not the member key", ErrDKGCeremony)
	}
	return ed25519.Sign(member, DKGJoinMessage(chainID, eon, key.Public())), nil
}

func (o *DKGOpening) body() []byte {
	b := make([]byte, 0, dkgOpenHeader+len(o.Members)*(dkg.PublicKeySize+ed25519.SignatureSize))
	b = append(b, SysTxDKGOpen)
	b = binary.BigEndian.AppendUint64(b, o.Eon)
	b = binary.BigEndian.AppendUint64(b, o.Session)
	b = binary.BigEndian.AppendUint16(b, uint16(o.Threshold))
	b = binary.BigEndian.AppendUint16(b, uint16(o.PhaseBlocks))
	b = binary.BigEndian.AppendUint16(b, uint16(len(o.Members)))
	for _, m := range o.Members {
		raw, _ := m.MarshalBinary()
		b = append(b, raw...)
	}
	for _, j := range o.Joins {
		b = append(b, j...)
	}
	return b
}

func (o *DKGOpening) signedBytes(chainID string) []byte {
	b := append([]byte(dkgOpenDomain), roleOpen, byte(len(chainID)))
	b = append(b, chainID...)
	return append(b, o.body()...)
}

// Approve signs the opening as member (1-based) of the current eon,
// keeping the approvals in member order. Add every join first: the
// approval covers them.
func (o *DKGOpening) Approve(chainID string, member int, key ed25519.PrivateKey) {
	o.Approvals = insertApproval(o.Approvals, EonApproval{Member: member, Signature: ed25519.Sign(key, o.signedBytes(chainID))})
}

// insertApproval puts a into approvals in member order, replacing an
// earlier approval by the same member.
func insertApproval(approvals []EonApproval, a EonApproval) []EonApproval {
	i := 0
	for i < len(approvals) && approvals[i].Member < a.Member {
		i++
	}
	if i < len(approvals) && approvals[i].Member == a.Member {
		approvals[i] = a
		return approvals
	}
	return append(approvals[:i], append([]EonApproval{a}, approvals[i:]...)...)
}

// Marshal encodes the opening as a SysTxDKGOpen transaction.
func (o *DKGOpening) Marshal() ([]byte, error) {
	if len(o.Members) == 0 || len(o.Joins) != len(o.Members) {
		return nil, fmt.Errorf("%w: %d joins for %d members", ErrDKGCeremony, len(o.Joins), len(o.Members))
	}
	for i, j := range o.Joins {
		if len(j) != ed25519.SignatureSize {
			return nil, fmt.Errorf("%w: member %d has not joined", ErrDKGCeremony, i+1)
		}
	}
	b := binary.BigEndian.AppendUint16(o.body(), uint16(len(o.Approvals)))
	for _, a := range o.Approvals {
		if len(a.Signature) != ed25519.SignatureSize {
			return nil, fmt.Errorf("%w: approval of member %d is %d bytes", ErrDKGCeremony, a.Member, len(a.Signature))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(a.Member))
		b = append(b, a.Signature...)
	}
	return b, nil
}

// ParseDKGOpening decodes a SysTxDKGOpen transaction. It checks the
// structure and the keys' encodings, not the signatures.
func ParseDKGOpening(b []byte) (*DKGOpening, error) {
	bad := func(format string, args ...any) (*DKGOpening, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrDKGCeremony}, args...)...)
	}
	if len(b) < dkgOpenHeader || b[0] != SysTxDKGOpen {
		return bad("%d bytes without the header", len(b))
	}
	o := &DKGOpening{
		Eon:         binary.BigEndian.Uint64(b[1:]),
		Session:     binary.BigEndian.Uint64(b[9:]),
		Threshold:   int(binary.BigEndian.Uint16(b[17:])),
		PhaseBlocks: int(binary.BigEndian.Uint16(b[19:])),
	}
	n := int(binary.BigEndian.Uint16(b[21:]))
	if n < 1 || n > threshold.MaxMembers {
		return bad("committee of %d members, want 1..%d", n, threshold.MaxMembers)
	}
	if o.Threshold < 1 || o.Threshold > n {
		return bad("threshold %d for %d members", o.Threshold, n)
	}
	if o.PhaseBlocks < 1 || o.PhaseBlocks > MaxDKGPhaseBlocks {
		return bad("phase of %d blocks, want 1..%d", o.PhaseBlocks, MaxDKGPhaseBlocks)
	}
	need := dkgOpenHeader + n*(dkg.PublicKeySize+ed25519.SignatureSize) + 2
	if len(b) < need {
		return bad("%d bytes, a committee of %d needs at least %d", len(b), n, need)
	}
	p := b[dkgOpenHeader:]
	o.Members = make([]*dkg.PublicKey, n)
	for i := range o.Members {
		k, err := dkg.ParsePublicKey(p[:dkg.PublicKeySize])
		if err != nil {
			return bad("member %d key: %v", i+1, err)
		}
		o.Members[i] = k
		p = p[dkg.PublicKeySize:]
	}
	o.Joins = make([][]byte, n)
	for i := range o.Joins {
		o.Joins[i] = bytes.Clone(p[:ed25519.SignatureSize])
		p = p[ed25519.SignatureSize:]
	}
	approvals, err := parseApprovals(p)
	if err != nil {
		return bad("%v", err)
	}
	o.Approvals = approvals
	return o, nil
}

// parseApprovals decodes u16 m ‖ m × (u16 member ‖ signature), members
// strictly increasing, with nothing after.
func parseApprovals(p []byte) ([]EonApproval, error) {
	m := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if m > maxApprovals || len(p) != m*(2+ed25519.SignatureSize) {
		return nil, fmt.Errorf("%d approvals in %d bytes", m, len(p))
	}
	out := make([]EonApproval, m)
	for i := range out {
		a := EonApproval{Member: int(binary.BigEndian.Uint16(p)), Signature: bytes.Clone(p[2 : 2+ed25519.SignatureSize])}
		if i > 0 && a.Member <= out[i-1].Member {
			if a.Member == out[i-1].Member {
				return nil, fmt.Errorf("member %d of the current eon signs twice (duplicate signer)", a.Member)
			}
			return nil, errors.New("approvals not in increasing member order")
		}
		out[i] = a
		p = p[2+ed25519.SignatureSize:]
	}
	return out, nil
}

// DKGConfig returns the dkg.Config of the ceremony for the member with
// DKG key self: its session binds the chain id and the opening's
// session, so messages of another chain or ceremony are refused.
func (o *DKGOpening) DKGConfig(chainID string, self *dkg.PrivateKey) dkg.Config {
	return dkg.Config{Eon: o.Eon, Threshold: o.Threshold, Members: o.Members, Self: self, Session: o.session(chainID)}
}

func (o *DKGOpening) session(chainID string) []byte {
	b := append([]byte(chainID), 0)
	return binary.BigEndian.AppendUint64(b, o.Session)
}

// SessionID is the session id every DKG message of the ceremony carries.
func (o *DKGOpening) SessionID(chainID string) [32]byte {
	return dkg.SessionID(o.DKGConfig(chainID, nil))
}

// MemberKeys returns the members' Ed25519 keys in member order.
func (o *DKGOpening) MemberKeys() []ed25519.PublicKey {
	keys := make([]ed25519.PublicKey, len(o.Members))
	for i, m := range o.Members {
		keys[i] = m.SigningKey()
	}
	return keys
}

// Deadline is the last height whose block may carry a message of phase
// (1 deal, 2 response, 3 justification, 4 consent) of the ceremony opened
// at height opened.
func (o *DKGOpening) Deadline(opened int64, phase int) int64 {
	return opened + int64(phase*o.PhaseBlocks)
}

// Activation is the activation height of the eon the ceremony opened at
// height opened registers: the consent deadline plus the rotation lead.
func (o *DKGOpening) Activation(opened int64, params Params) int64 {
	return o.Deadline(opened, dkgPhases) + params.RotationLead()
}

// checkOpeningApprovals checks an opening's approvals on its raw bytes,
// before its keys are decoded: decoding n G2 points costs far more than
// the approvals' signatures, so a transaction t members did not sign
// costs only those.
func checkOpeningApprovals(g getter, chainID string, height int64, tx []byte) error {
	if len(tx) < dkgOpenHeader || tx[0] != SysTxDKGOpen {
		return fmt.Errorf("%w: %d bytes without the header", ErrDKGCeremony, len(tx))
	}
	n := int(binary.BigEndian.Uint16(tx[21:]))
	body := dkgOpenHeader + n*(dkg.PublicKeySize+ed25519.SignatureSize)
	if n < 1 || n > threshold.MaxMembers || len(tx) < body+2 {
		return fmt.Errorf("%w: %d bytes for a committee of %d", ErrDKGCeremony, len(tx), n)
	}
	approvals, err := parseApprovals(tx[body:])
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDKGCeremony, err)
	}
	cur, err := currentEonAt(g, height)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	msg := append([]byte(dkgOpenDomain), roleOpen, byte(len(chainID)))
	msg = append(append(msg, chainID...), tx[:body]...)
	return verifyApprovals(g, cur, approvals, msg, ErrDKGCeremony)
}

// verify checks the opening against state g for inclusion at height,
// but for its approvals (checkOpeningApprovals).
func (o *DKGOpening) verify(g getter, chainID string, height int64) error {
	cur, err := currentEonAt(g, height)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if o.Eon != cur.ID+1 {
		return fmt.Errorf("%w: opens eon %d, the current eon is %d so the next must be %d", ErrDKGCeremony, o.Eon, cur.ID, cur.ID+1)
	}
	if next, ok, err := loadEon(g, o.Eon); err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	} else if ok {
		return fmt.Errorf("%w: eon %d is already registered (activates at height %d)", ErrDKGCeremony, o.Eon, next.ActivationHeight)
	}
	prev, ok, err := loadDKGCeremony(g, o.Eon)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if ok {
		if end := prev.Open.Deadline(prev.Opened, dkgPhases); height <= end {
			return fmt.Errorf("%w: eon %d's ceremony opened at height %d runs until height %d", ErrDKGCeremony, o.Eon, prev.Opened, end)
		}
		if prev.Open.Session == o.Session {
			return fmt.Errorf("%w: session %d was eon %d's previous ceremony; choose another", ErrDKGCeremony, o.Session, o.Eon)
		}
	}
	enc := make(map[string]bool, len(o.Members))
	sig := make(map[string]bool, len(o.Members))
	for i, m := range o.Members {
		raw, _ := m.MarshalBinary()
		e, s := string(raw[1:1+g2PointSize]), string(m.SigningKey())
		if enc[e] || sig[s] {
			return fmt.Errorf("%w: member %d repeats another member's key", ErrDKGCeremony, i+1)
		}
		enc[e], sig[s] = true, true
		if !ed25519.Verify(m.SigningKey(), DKGJoinMessage(chainID, o.Eon, m), o.Joins[i]) {
			return fmt.Errorf("%w: member %d's join does not verify under its member key", ErrDKGCeremony, i+1)
		}
	}
	return nil
}

// verifyApprovals checks that at least t of eon cur's members signed msg,
// with the keys cur registered.
func verifyApprovals(g getter, cur Eon, approvals []EonApproval, msg []byte, sentinel error) error {
	curPK, err := threshold.ParseEonPublicKey(cur.PublicKey)
	if err != nil {
		return fmt.Errorf("%w: eon %d key: %v", ErrInternal, cur.ID, err)
	}
	keys, err := loadKeyholders(g, cur.ID)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if len(keys) == 0 {
		return fmt.Errorf("%w: eon %d registered no member keys, so it cannot approve a successor", sentinel, cur.ID)
	}
	if len(approvals) < curPK.Threshold() {
		return fmt.Errorf("%w: %d approvals from eon %d, it needs %d (its threshold)", sentinel, len(approvals), cur.ID, curPK.Threshold())
	}
	for _, a := range approvals {
		if a.Member < 1 || a.Member > len(keys) {
			return fmt.Errorf("%w: approval by member %d, eon %d has members 1..%d (non-member signer)", sentinel, a.Member, cur.ID, len(keys))
		}
		if !ed25519.Verify(keys[a.Member-1], msg, a.Signature) {
			return fmt.Errorf("%w: approval of eon %d's member %d does not verify", sentinel, cur.ID, a.Member)
		}
	}
	return nil
}

// DKGConsent is a SysTxDKGConsent transaction.
type DKGConsent struct {
	Member       int
	Registration *EonRegistration
	Signature    []byte
}

// NewDKGConsent signs reg as member (1-based) of the new eon and encodes
// the consent transaction.
func NewDKGConsent(chainID string, reg *EonRegistration, member int, key ed25519.PrivateKey) ([]byte, error) {
	if member < 1 || member > len(reg.Members) {
		return nil, fmt.Errorf("%w: no member %d", ErrDKGMessage, member)
	}
	b := binary.BigEndian.AppendUint16([]byte{SysTxDKGConsent}, uint16(member))
	b = append(b, reg.body()...)
	return append(b, ed25519.Sign(key, reg.signedBytes(chainID, roleConsent))...), nil
}

// ParseDKGConsent decodes a SysTxDKGConsent transaction's structure.
func ParseDKGConsent(b []byte) (*DKGConsent, error) {
	if len(b) < 3+regFixedHeader+ed25519.SignatureSize || b[0] != SysTxDKGConsent {
		return nil, fmt.Errorf("%w: consent of %d bytes", ErrDKGMessage, len(b))
	}
	body := b[3 : len(b)-ed25519.SignatureSize]
	// The body is an 0xF3 without its signatures: parse it as one with
	// empty consents and no approvals.
	n := int(binary.BigEndian.Uint16(body[19:]))
	full := make([]byte, 0, len(body)+n*ed25519.SignatureSize+2)
	full = append(full, body...)
	full = append(full, make([]byte, n*ed25519.SignatureSize+2)...)
	reg, err := ParseEonRegistration(full)
	if err != nil {
		return nil, fmt.Errorf("%w: consent body: %v", ErrDKGMessage, err)
	}
	c := &DKGConsent{
		Member:       int(binary.BigEndian.Uint16(b[1:])),
		Registration: reg,
		Signature:    bytes.Clone(b[len(b)-ed25519.SignatureSize:]),
	}
	if c.Member < 1 || c.Member > n {
		return nil, fmt.Errorf("%w: consent of member %d of %d", ErrDKGNotMember, c.Member, n)
	}
	return c, nil
}

// DKGTranscriptDigest is the transcript digest a ceremony's registration
// carries: SHA-256 over a domain tag, the chain id, the opening and the
// DKG messages a member's run used, each length-prefixed, the messages
// ordered by type then sender. Every honest member's run uses the same
// messages (the first per sender and type, in the phases the run went
// through), so all compute the same digest, and anyone can replay the
// chain's ceremony log to check it.
func DKGTranscriptDigest(chainID string, opening []byte, used []*dkg.Message) [32]byte {
	msgs := slices.Clone(used)
	slices.SortFunc(msgs, func(a, b *dkg.Message) int {
		return cmp.Or(cmp.Compare(a.Type(), b.Type()), cmp.Compare(a.Sender(), b.Sender()))
	})
	h := sha256.New()
	h.Write([]byte(dkgTransDomain))
	h.Write([]byte{byte(len(chainID))})
	h.Write([]byte(chainID))
	write := func(b []byte) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		h.Write(b)
	}
	write(opening)
	for _, m := range msgs {
		raw, _ := m.MarshalBinary()
		write(raw)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// maxDKGMessageSize bounds a DKG message of a ceremony of n members with
// threshold t: the size of a full deal, the largest kind.
func maxDKGMessageSize(n, t int) int {
	const header, sig, commitment, encShare = 44, 64, 192, 2 + 144
	return header + 2 + t*commitment + 2 + (n-1)*encShare + sig
}
