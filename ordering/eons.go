package ordering

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// Eon rotation.
//
// The committee of eon e hands over to eon e+1 with one system
// transaction, SysTxEonRegistration, which anyone may submit to a node's
// mempool (CheckTx verifies it in full) and a proposer includes:
//
//	u8   0xF3
//	u64  eon id, which must be the current eon + 1
//	u64  activation height: the first block in which e+1 is current
//	u16  threshold t
//	u16  committee size n
//	n ×  u16 member index (1..n, in order) ‖ 32 B Ed25519 member key ‖ 96 B G2 public share P_i
//	96 B eon public key P
//	32 B DKG transcript digest
//	n ×  64 B consent: member i's Ed25519 signature (its member key)
//	u16  approvals m
//	m ×  u16 member index in eon e (strictly increasing) ‖ 64 B Ed25519 signature
//
// Every signature is over domain-separated bytes (signedBytes):
// "veil/eon-registration/v1\x00" ‖ role ‖ u8 len(chain id) ‖ chain id ‖
// the transaction from its tag through the transcript digest; role is 'C'
// for a new member's consent (which also proves possession of the member
// key) and 'A' for an outgoing member's approval.
//
// Rules, checked against the state the block is built on:
//
//   - the id is current + 1 and no successor is registered yet;
//   - activation height ≥ inclusion height + Params.RotationLead();
//   - P and the P_i form a consistent key (threshold.ParseEonPublicKey:
//     the shares lie on one polynomial of degree < t through P);
//   - member keys are distinct, and each member's consent verifies;
//   - at least t_e distinct members of eon e approve, with the member
//     keys eon e registered (governance by the outgoing committee).
//
// From the block after the registration both eons accept envelopes, so
// wallets can encrypt to e+1 ahead of the switch; at the activation
// height e+1 becomes current and e retired: its envelopes are refused
// from then on, while key records (0xF1) for blocks holding e's
// envelopes stay valid, verified against e's key.

// SysTxEonRegistration tags a next-eon registration.
const SysTxEonRegistration byte = 0xF3

// DefaultRotationLead is the rotation lead when Params.RotationLeadBlocks
// is zero.
const DefaultRotationLead = 10

// ErrEonRegistration reports a malformed or invalid eon registration.
var ErrEonRegistration = errors.New("ordering: invalid eon registration")

const (
	regDomain      = "veil/eon-registration/v1\x00"
	regMemberSize  = 2 + ed25519.PublicKeySize + g2PointSize
	regFixedHeader = 1 + 8 + 8 + 2 + 2
	g2PointSize    = 96
	roleConsent    = 'C'
	roleApproval   = 'A'
	maxApprovals   = threshold.MaxMembers
)

// EonMember is one member of a registered committee.
type EonMember struct {
	// Key is the member's Ed25519 keyholder key: it signs the member's
	// key share submissions and its consent to the registration.
	Key ed25519.PublicKey
	// Share is the member's G2 public share P_i, compressed.
	Share [g2PointSize]byte
}

// EonApproval is an outgoing member's signature on a registration.
type EonApproval struct {
	Member    int
	Signature []byte
}

// EonRegistration is a SysTxEonRegistration transaction.
type EonRegistration struct {
	Eon              uint64
	ActivationHeight int64
	Threshold        int
	// Members are the new committee, member i at Members[i−1].
	Members []EonMember
	// Key is the eon public key P, compressed.
	Key              [g2PointSize]byte
	TranscriptDigest [32]byte
	// Consents are the members' signatures, in member order.
	Consents [][]byte
	// Approvals are the outgoing eon's members' signatures, in
	// increasing member order.
	Approvals []EonApproval
}

// NewEonRegistration starts a registration of pk (for pk.Eon()) with
// the members' Ed25519 keys in member order; add the signatures with
// Consent and Approve.
func NewEonRegistration(pk *threshold.EonPublicKey, memberKeys []ed25519.PublicKey, activation int64, digest [32]byte) (*EonRegistration, error) {
	if len(memberKeys) != pk.N() {
		return nil, fmt.Errorf("%w: %d member keys for %d members", ErrEonRegistration, len(memberKeys), pk.N())
	}
	enc, _ := pk.MarshalBinary()
	r := &EonRegistration{Eon: pk.Eon(), ActivationHeight: activation, Threshold: pk.Threshold(), TranscriptDigest: digest}
	// version ‖ eon ‖ t ‖ n ‖ P ‖ P_1 … P_n
	off := 1 + 8 + 2 + 2
	copy(r.Key[:], enc[off:])
	r.Members = make([]EonMember, pk.N())
	for i := range r.Members {
		r.Members[i].Key = memberKeys[i]
		copy(r.Members[i].Share[:], enc[off+g2PointSize*(i+1):])
	}
	r.Consents = make([][]byte, pk.N())
	return r, nil
}

// EonPublicKey parses the committee's key: P, t and the P_i, checking
// that the shares are consistent with P.
func (r *EonRegistration) EonPublicKey() (*threshold.EonPublicKey, error) {
	n := len(r.Members)
	b := make([]byte, 0, 13+g2PointSize*(n+1))
	b = append(b, 1)
	b = binary.BigEndian.AppendUint64(b, r.Eon)
	b = binary.BigEndian.AppendUint16(b, uint16(r.Threshold))
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, r.Key[:]...)
	for _, m := range r.Members {
		b = append(b, m.Share[:]...)
	}
	pk, err := threshold.ParseEonPublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: eon key and public shares: %v", ErrEonRegistration, err)
	}
	return pk, nil
}

// body is the signed part of the encoding.
func (r *EonRegistration) body() []byte {
	b := make([]byte, 0, regFixedHeader+regMemberSize*len(r.Members)+g2PointSize+32)
	b = append(b, SysTxEonRegistration)
	b = binary.BigEndian.AppendUint64(b, r.Eon)
	b = binary.BigEndian.AppendUint64(b, uint64(r.ActivationHeight))
	b = binary.BigEndian.AppendUint16(b, uint16(r.Threshold))
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.Members)))
	for i, m := range r.Members {
		b = binary.BigEndian.AppendUint16(b, uint16(i+1))
		b = append(b, m.Key...)
		b = append(b, m.Share[:]...)
	}
	b = append(b, r.Key[:]...)
	return append(b, r.TranscriptDigest[:]...)
}

func (r *EonRegistration) signedBytes(chainID string, role byte) []byte {
	b := append([]byte(regDomain), role, byte(len(chainID)))
	b = append(b, chainID...)
	return append(b, r.body()...)
}

// Consent signs the registration as member (1-based) of the new eon.
func (r *EonRegistration) Consent(chainID string, member int, key ed25519.PrivateKey) error {
	if member < 1 || member > len(r.Members) {
		return fmt.Errorf("%w: no member %d", ErrEonRegistration, member)
	}
	if len(r.Consents) != len(r.Members) {
		r.Consents = make([][]byte, len(r.Members))
	}
	r.Consents[member-1] = ed25519.Sign(key, r.signedBytes(chainID, roleConsent))
	return nil
}

// Approve signs the registration as member (1-based) of the outgoing
// eon, keeping the approvals in member order.
func (r *EonRegistration) Approve(chainID string, member int, key ed25519.PrivateKey) {
	r.Approvals = insertApproval(r.Approvals, EonApproval{Member: member, Signature: ed25519.Sign(key, r.signedBytes(chainID, roleApproval))})
}

// Marshal encodes the registration as a SysTxEonRegistration
// transaction.
func (r *EonRegistration) Marshal() ([]byte, error) {
	if len(r.Consents) != len(r.Members) {
		return nil, fmt.Errorf("%w: %d consents for %d members", ErrEonRegistration, len(r.Consents), len(r.Members))
	}
	for i, m := range r.Members {
		if len(m.Key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: member %d key is %d bytes", ErrEonRegistration, i+1, len(m.Key))
		}
		if len(r.Consents[i]) != ed25519.SignatureSize {
			return nil, fmt.Errorf("%w: member %d has not consented", ErrEonRegistration, i+1)
		}
	}
	b := r.body()
	for _, c := range r.Consents {
		b = append(b, c...)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.Approvals)))
	for _, a := range r.Approvals {
		if len(a.Signature) != ed25519.SignatureSize {
			return nil, fmt.Errorf("%w: approval of member %d is %d bytes", ErrEonRegistration, a.Member, len(a.Signature))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(a.Member))
		b = append(b, a.Signature...)
	}
	return b, nil
}

// ParseEonRegistration decodes a SysTxEonRegistration transaction. It
// checks the structure (sizes, member indices in order, approvals in
// strictly increasing order, no duplicate signer), not the signatures or
// the key.
func ParseEonRegistration(b []byte) (*EonRegistration, error) {
	bad := func(format string, args ...any) (*EonRegistration, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrEonRegistration}, args...)...)
	}
	if len(b) < regFixedHeader || b[0] != SysTxEonRegistration {
		return bad("%d bytes without the header", len(b))
	}
	r := &EonRegistration{
		Eon:              binary.BigEndian.Uint64(b[1:]),
		ActivationHeight: int64(binary.BigEndian.Uint64(b[9:])),
		Threshold:        int(binary.BigEndian.Uint16(b[17:])),
	}
	n := int(binary.BigEndian.Uint16(b[19:]))
	if n < 1 || n > threshold.MaxMembers {
		return bad("committee of %d members, want 1..%d", n, threshold.MaxMembers)
	}
	if r.Threshold < 1 || r.Threshold > n {
		return bad("threshold %d for %d members", r.Threshold, n)
	}
	if r.ActivationHeight < 1 || r.ActivationHeight > 1<<62 {
		return bad("activation height %d", r.ActivationHeight)
	}
	need := regFixedHeader + regMemberSize*n + g2PointSize + 32 + ed25519.SignatureSize*n + 2
	if len(b) < need {
		return bad("%d bytes, a committee of %d needs at least %d", len(b), n, need)
	}
	p := b[regFixedHeader:]
	r.Members = make([]EonMember, n)
	for i := range r.Members {
		if idx := int(binary.BigEndian.Uint16(p)); idx != i+1 {
			return bad("member %d listed as index %d", i+1, idx)
		}
		r.Members[i].Key = ed25519.PublicKey(bytes.Clone(p[2 : 2+ed25519.PublicKeySize]))
		copy(r.Members[i].Share[:], p[2+ed25519.PublicKeySize:])
		p = p[regMemberSize:]
	}
	copy(r.Key[:], p)
	copy(r.TranscriptDigest[:], p[g2PointSize:])
	p = p[g2PointSize+32:]
	r.Consents = make([][]byte, n)
	for i := range r.Consents {
		r.Consents[i] = bytes.Clone(p[:ed25519.SignatureSize])
		p = p[ed25519.SignatureSize:]
	}
	approvals, err := parseApprovals(p)
	if err != nil {
		return bad("%v", err)
	}
	r.Approvals = approvals
	return r, nil
}

// RotationLead is the fewest blocks between a registration's inclusion
// and its activation.
func (p Params) RotationLead() int64 {
	if p.RotationLeadBlocks == 0 {
		return DefaultRotationLead
	}
	return int64(p.RotationLeadBlocks)
}

// Verify checks the registration against state g (the state the
// including block is built on) for inclusion at height.
func (r *EonRegistration) verify(g getter, chainID string, params Params, height int64) (*threshold.EonPublicKey, error) {
	cur, err := currentEonAt(g, height)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if r.Eon != cur.ID+1 {
		return nil, fmt.Errorf("%w: registers eon %d, the current eon is %d so the next must be %d", ErrEonRegistration, r.Eon, cur.ID, cur.ID+1)
	}
	if next, ok, err := loadEon(g, r.Eon); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	} else if ok {
		return nil, fmt.Errorf("%w: eon %d is already registered (activates at height %d)", ErrEonRegistration, r.Eon, next.ActivationHeight)
	}
	if lead := params.RotationLead(); r.ActivationHeight < height+lead {
		return nil, fmt.Errorf("%w: activation height %d is too soon: included at %d, it must be at least %d (rotation lead %d blocks)", ErrEonRegistration, r.ActivationHeight, height, height+lead, lead)
	}
	pk, err := r.EonPublicKey()
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(r.Members))
	for i, m := range r.Members {
		if seen[string(m.Key)] {
			return nil, fmt.Errorf("%w: member %d repeats another member's key", ErrEonRegistration, i+1)
		}
		seen[string(m.Key)] = true
	}
	consent := r.signedBytes(chainID, roleConsent)
	for i, m := range r.Members {
		if !ed25519.Verify(m.Key, consent, r.Consents[i]) {
			return nil, fmt.Errorf("%w: member %d's consent does not verify under its member key", ErrEonRegistration, i+1)
		}
	}
	if err := verifyApprovals(g, cur, r.Approvals, r.signedBytes(chainID, roleApproval), ErrEonRegistration); err != nil {
		return nil, err
	}
	return pk, nil
}

// apply writes an accepted registration: the eon, pending until its
// activation but accepting envelopes from the next block, and its
// members' keys.
func (r *EonRegistration) apply(o *overlay, height int64) {
	pk, _ := r.EonPublicKey() // verified before apply
	pkBytes, _ := pk.MarshalBinary()
	o.set(keyU64(tagEon, r.Eon), Eon{
		ID: r.Eon, PublicKey: pkBytes, Status: mempool.EonActive,
		ActivationHeight: r.ActivationHeight, AcceptFrom: height + 1,
	}.encode())
	var keys []byte
	for _, m := range r.Members {
		keys = append(keys, m.Key...)
	}
	o.set(keyU64(tagKeyholders, r.Eon), keys)
}

// currentEonAt is the eon current for a block at height on state g: the
// stored current eon, or its successor once the successor's activation
// height is reached (the block that activates it writes the switch).
func currentEonAt(g getter, height int64) (Eon, error) {
	id, err := loadU64(g, keyTag(tagEonNow), "current eon")
	if err != nil {
		return Eon{}, err
	}
	e, ok, err := loadEon(g, id)
	if err != nil {
		return Eon{}, err
	}
	if !ok {
		return Eon{}, fmt.Errorf("%w: current eon %d has no record", errCorrupt, id)
	}
	next, ok, err := loadEon(g, id+1)
	if err != nil {
		return Eon{}, err
	}
	if ok && next.ActivationHeight <= height {
		return next, nil
	}
	return e, nil
}

// activateEon runs at the start of FinalizeBlock: at the next eon's
// activation height it becomes current and the outgoing eon retired.
func activateEon(o *overlay, height int64) error {
	id, err := loadU64(o, keyTag(tagEonNow), "current eon")
	if err != nil {
		return err
	}
	next, ok, err := loadEon(o, id+1)
	if err != nil || !ok || next.ActivationHeight > height {
		return err
	}
	old, ok, err := loadEon(o, id)
	if err != nil {
		return err
	}
	if ok {
		old.Status = mempool.EonRetired
		o.set(keyU64(tagEon, id), old.encode())
	}
	o.set(keyTag(tagEonNow), encodeU64(id+1))
	return nil
}

func loadKeyholders(g getter, eon uint64) ([]ed25519.PublicKey, error) {
	b, err := g.get(keyU64(tagKeyholders, eon))
	if err != nil || b == nil {
		return nil, err
	}
	if len(b)%ed25519.PublicKeySize != 0 {
		return nil, fmt.Errorf("%w: keyholder keys of eon %d", errCorrupt, eon)
	}
	keys := make([]ed25519.PublicKey, 0, len(b)/ed25519.PublicKeySize)
	for i := 0; i < len(b); i += ed25519.PublicKeySize {
		keys = append(keys, ed25519.PublicKey(bytes.Clone(b[i:i+ed25519.PublicKeySize])))
	}
	return keys, nil
}

// checkEonTx verifies a registration for inclusion at height on state g.
func checkEonTx(g getter, st committed, height int64, tx []byte) (*EonRegistration, error) {
	r, err := ParseEonRegistration(tx)
	if err != nil {
		return nil, err
	}
	if _, err := r.verify(g, st.chain.ChainID, st.params, height); err != nil {
		return nil, err
	}
	return r, nil
}

// checkEonTxCommitted verifies a registration against the committed
// state, for the mempool.
func (a *App) checkEonTxCommitted(tx []byte) error {
	return a.withCommittedView(func(v *view) error {
		_, err := checkEonTx(v.g, committed{chain: v.chain, params: v.params}, v.height+1, tx)
		return err
	})
}

// checkEonTxs verifies a proposal's registrations in order: each valid,
// and a second for the same eon finds it registered.
func (a *App) checkEonTxs(st committed, height int64, txs [][]byte) error {
	o := newOverlay(dbGetter{a.db})
	for i, tx := range txs {
		if !IsSystemTx(tx) || tx[0] != SysTxEonRegistration {
			continue
		}
		r, err := checkEonTx(o, st, height, tx)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		r.apply(o, height)
	}
	return nil
}

// proposeEonTx picks the first registration among the mempool's
// transactions that is valid for this block, if any.
func (a *App) proposeEonTx(st committed, height int64, mempoolTxs [][]byte) ([]byte, error) {
	for _, tx := range mempoolTxs {
		if !IsSystemTx(tx) || tx[0] != SysTxEonRegistration {
			continue
		}
		a.mu.RLock()
		_, err := checkEonTx(dbGetter{a.db}, st, height, tx)
		a.mu.RUnlock()
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err == nil {
			return tx, nil
		}
	}
	return nil, nil
}

// EventEon is emitted for an applied eon registration.
const (
	EventEon       = "veil.eon"
	AttrActivation = "activation_height"
)

// applyEonTxs runs in FinalizeBlock: it applies the block's
// registrations and fills their results.
func (a *App) applyEonTxs(ex *blockExec, st committed, txs [][]byte, results []*abci.ExecTxResult) error {
	for i, tx := range txs {
		if !IsSystemTx(tx) || tx[0] != SysTxEonRegistration {
			continue
		}
		r, err := checkEonTx(ex.o, st, ex.height, tx)
		if errors.Is(err, ErrInternal) {
			return err
		}
		if err != nil {
			a.log.Error("invalid eon registration in a decided block", "height", ex.height, "index", i, "err", err)
			results[i] = &abci.ExecTxResult{Code: CodeInternal, Codespace: Codespace, Log: "eon registration not applied"}
			continue
		}
		r.apply(ex.o, ex.height)
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: []abci.Event{{Type: EventEon, Attributes: []abci.EventAttribute{
			{Key: AttrEon, Value: fmt.Sprint(r.Eon), Index: true},
			{Key: AttrActivation, Value: fmt.Sprint(r.ActivationHeight)},
		}}}}
	}
	return nil
}

// NextEon returns the registered successor of the current eon, if any.
func (a *App) NextEon() (Eon, bool, error) {
	var e Eon
	var ok bool
	err := a.read(func(g getter, _ committed) error {
		id, err := loadU64(g, keyTag(tagEonNow), "current eon")
		if err != nil {
			return err
		}
		e, ok, err = loadEon(g, id+1)
		return err
	})
	return e, ok, err
}

// CheckEonRegistration checks a registration against the committed
// state for inclusion in the next block, as CheckTx does.
func (a *App) CheckEonRegistration(tx []byte) error { return a.checkEonTxCommitted(tx) }
