package decrypt

import (
	"context"
	"crypto/ed25519"
	"crypto/sha3"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	cmtmempool "github.com/cometbft/cometbft/mempool"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold/dkg"
)

// The DKG ceremony, member side.
//
// A ceremony runs over the chain (ordering/dkg.go): a member posts its
// DKG messages through any node's KeyholderService.SubmitDKGMessage, and
// reads every member's messages back in chain order through
// ListDKGMessages. Agreement comes from the chain's total order, and
// timeliness from deadline heights: RunCeremony feeds the log to a
// threshold/dkg Participant and calls Advance for a phase once the node's
// committed height reaches the phase's deadline, having handled every
// message committed up to it, so every member closes each phase on the
// same messages. When the run ends it returns the result; the caller
// stores the secret share, and RunCeremony posts the member's consent to
// the eon registration the result determines, then waits for the chain
// to register the eon.
//
// A member's DKG key is derived from its Ed25519 member key, the chain
// id and the eon (CeremonyKey), so joining needs no other secret, and a
// restarted member derives it again. Its polynomial is derived the same
// way from the member key and the ceremony's session, so a restarted
// member deals the same polynomial: the chain keeps its first deal, which
// is consistent with the share the restarted run keeps for itself.

// CeremonyKey derives member's DKG key for eon on chainID: a G2
// encryption key drawn from SHAKE-256 of the member key's seed, the chain
// id and the eon, paired with the member key as its signing half.
func CeremonyKey(member ed25519.PrivateKey, chainID string, eon uint64) (*dkg.PrivateKey, error) {
	if len(member) != ed25519.PrivateKeySize {
		return nil, errors.New("decrypt: member key is not an Ed25519 private key")
	}
	h := sha3.NewSHAKE256()
	h.Write([]byte("veil/dkg-member-key/v1\x00"))
	h.Write(member.Seed())
	h.Write([]byte{byte(len(chainID))})
	h.Write([]byte(chainID))
	h.Write(binary.BigEndian.AppendUint64(nil, eon))
	return dkg.NewLongtermKey(h, member)
}

// CeremonyJoin returns what member contributes to a ceremony opening for
// eon: its DKG public key and its join signature (ordering.DKGJoin).
func CeremonyJoin(member ed25519.PrivateKey, chainID string, eon uint64) (*dkg.PublicKey, []byte, error) {
	key, err := CeremonyKey(member, chainID, eon)
	if err != nil {
		return nil, nil, err
	}
	join, err := ordering.DKGJoin(chainID, eon, key, member)
	return key.Public(), join, err
}

// CeremonyClient is a member's view of a node's KeyholderService DKG
// calls. CeremonyNodes implements it over Connect.
type CeremonyClient interface {
	// SubmitDKGMessage posts a ceremony transaction.
	SubmitDKGMessage(ctx context.Context, tx []byte) error
	// ListDKGMessages reads eon's ceremony and its log from index from;
	// it returns an error wrapping api.ErrNotFound while none is open.
	ListDKGMessages(ctx context.Context, eon uint64, from uint32) (api.DKGCeremony, error)
}

// CeremonyConfig configures one member's run of a ceremony.
type CeremonyConfig struct {
	// ChainID is the chain's id. Required.
	ChainID string
	// Eon is the eon the ceremony produces. Required.
	Eon uint64
	// MemberKey is the member's Ed25519 member key, the key the opening
	// lists for it. Required.
	MemberKey ed25519.PrivateKey
	// Client reaches the nodes. Required.
	Client CeremonyClient
	// Store receives the run's result before the member consents: store
	// the secret share (encrypted) here. An error ends the run without a
	// consent. Optional.
	Store func(*dkg.Result) error
	// Progress receives one line per step, for an operator. Optional.
	Progress func(string)
	// Poll is how often the log is read. Default 200 ms.
	Poll time.Duration
}

// CeremonyOutcome is a member's finished run.
type CeremonyOutcome struct {
	// Member is the member's 1-based index; Result its DKG result.
	Member int
	Result *dkg.Result
	// Registration is the registration the member consented to; the chain
	// registered it (with every consent it gathered) by the time
	// RunCeremony returned.
	Registration *ordering.EonRegistration
	// Disqualified are the dealers left out of the key.
	Disqualified []int
}

// ErrCeremony reports a ceremony this member could not complete: not a
// member, the run failed (too few qualified dealers), or the eon was not
// registered by the consent deadline.
var ErrCeremony = errors.New("decrypt: DKG ceremony failed")

// RunCeremony runs the member's side of eon's ceremony to completion:
// it waits for the opening, deals, follows the log, closes phases at
// their deadline heights, stores the result, consents, and returns once
// the chain has registered the eon. It returns an error wrapping
// ErrCeremony, with the reason, if the run cannot succeed, and ctx's
// error if ctx ends first.
func RunCeremony(ctx context.Context, cfg CeremonyConfig) (*CeremonyOutcome, error) {
	if cfg.ChainID == "" || cfg.Client == nil || len(cfg.MemberKey) != ed25519.PrivateKeySize {
		return nil, errors.New("decrypt: CeremonyConfig needs ChainID, Client and MemberKey")
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 200 * time.Millisecond
	}
	if cfg.Progress == nil {
		cfg.Progress = func(string) {}
	}
	r := &ceremonyRun{cfg: cfg, used: make(map[[2]int]*dkg.Message), own: make(map[dkg.MessageType]bool)}
	return r.run(ctx)
}

type ceremonyRun struct {
	cfg    CeremonyConfig
	open   *ordering.DKGOpening
	opened int64
	openTx []byte
	self   int
	p      *dkg.Participant
	fed    uint32
	// used are the messages the run used, by (type, sender): others'
	// that Handle accepted, and this member's own once on chain.
	used map[[2]int]*dkg.Message
	own  map[dkg.MessageType]bool // types this member emitted
	view api.DKGCeremony
}

func (r *ceremonyRun) say(format string, args ...any) {
	r.cfg.Progress(fmt.Sprintf(format, args...))
}

func (r *ceremonyRun) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(r.cfg.Poll):
		return nil
	}
}

func (r *ceremonyRun) run(ctx context.Context) (*CeremonyOutcome, error) {
	if err := r.join(ctx); err != nil {
		return nil, err
	}
	for r.p.Phase() != dkg.PhaseDone {
		if err := r.step(ctx); err != nil {
			return nil, err
		}
		if r.p.Phase() != dkg.PhaseDone {
			if err := r.wait(ctx); err != nil {
				return nil, err
			}
		}
	}
	res, err := r.p.Result()
	if err != nil {
		return nil, fmt.Errorf("%w: eon %d: %w", ErrCeremony, r.open.Eon, err)
	}
	out := &CeremonyOutcome{Member: r.self, Result: res}
	q := res.Qualified()
	for i := range r.open.Members {
		if !slices.Contains(q, i+1) {
			out.Disqualified = append(out.Disqualified, i+1)
		}
	}
	r.say("DKG done: qualified dealers %v, disqualified %v; eon key %s", q, out.Disqualified, keyPrefix(res))
	if r.cfg.Store != nil {
		if err := r.cfg.Store(res); err != nil {
			return nil, fmt.Errorf("decrypt: storing the eon %d share: %w", r.open.Eon, err)
		}
		r.say("secret share of eon %d stored", r.open.Eon)
	}
	reg, err := r.consent(ctx, res)
	if err != nil {
		return nil, err
	}
	out.Registration = reg
	return out, nil
}

func keyPrefix(res *dkg.Result) string {
	b, _ := res.EonPublicKey().MarshalBinary()
	return fmt.Sprintf("%x…", b[13:21])
}

// join waits for the opening, checks this member is in it with the key
// CeremonyKey derives, and posts its deal.
func (r *ceremonyRun) join(ctx context.Context) error {
	var o *ordering.DKGOpening
	rejoin, waiting := false, false
	for {
		v, err := r.cfg.Client.ListDKGMessages(ctx, r.cfg.Eon, 0)
		if err != nil && !errors.Is(err, api.ErrNotFound) {
			return err
		}
		if err == nil {
			if o, err = ordering.ParseDKGOpening(v.Opening); err != nil {
				return fmt.Errorf("decrypt: the node's opening: %w", err)
			}
			if v.Registered {
				return fmt.Errorf("%w: eon %d is registered already", ErrCeremony, r.cfg.Eon)
			}
			// A ceremony past its deal phase is this member's only if
			// it is still running and holds the member's deal (a
			// restart); otherwise it is one it missed, or an ended run:
			// wait for the next opening.
			if v.CommittedHeight < o.Deadline(v.OpenedHeight, 1) {
				r.view = v
				break
			}
			dealt := false
			if v.CommittedHeight < o.Deadline(v.OpenedHeight, 4) {
				if dealt, err = r.dealtIn(ctx, o, v); err != nil {
					return err
				}
			}
			if dealt {
				r.view, rejoin = v, true
				break
			}
			if !waiting {
				r.say("eon %d's ceremony opened at height %d is past its deal phase without this member's deal; waiting for another opening", o.Eon, v.OpenedHeight)
				waiting = true
			}
		}
		if err := r.wait(ctx); err != nil {
			return err
		}
	}
	r.open, r.opened, r.openTx = o, r.view.OpenedHeight, r.view.Opening
	me := r.cfg.MemberKey.Public().(ed25519.PublicKey)
	for i, k := range o.MemberKeys() {
		if k.Equal(me) {
			r.self = i + 1
		}
	}
	if r.self == 0 {
		return fmt.Errorf("%w: eon %d's ceremony (session %d) does not list this member key", ErrCeremony, o.Eon, o.Session)
	}
	key, err := CeremonyKey(r.cfg.MemberKey, r.cfg.ChainID, o.Eon)
	if err != nil {
		return err
	}
	if !key.Public().Equal(o.Members[r.self-1]) {
		return fmt.Errorf("%w: the ceremony lists another DKG key for member %d than this member key derives on chain %q", ErrCeremony, r.self, r.cfg.ChainID)
	}
	cfg := o.DKGConfig(r.cfg.ChainID, key)
	cfg.Rand = polynomialSeed(r.cfg.MemberKey, dkg.SessionID(cfg))
	p, msgs, err := dkg.NewParticipant(cfg)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCeremony, err)
	}
	r.p = p
	if rejoin {
		// The chain holds this member's deal: the participant deals the
		// same polynomial again and reads the rest from the log.
		r.own[dkg.TypeDeal] = true
		r.say("rejoining eon %d's ceremony (session %d) as member %d: its deal is on chain", o.Eon, o.Session, r.self)
		return nil
	}
	r.say("joined eon %d's ceremony (session %d) as member %d of %d, t = %d; opened at height %d, phases of %d blocks close at heights %d, %d, %d; consents until %d",
		o.Eon, o.Session, r.self, len(o.Members), o.Threshold, r.opened, o.PhaseBlocks,
		o.Deadline(r.opened, 1), o.Deadline(r.opened, 2), o.Deadline(r.opened, 3), o.Deadline(r.opened, 4))
	return r.post(ctx, msgs)
}

// dealtIn reports whether the log of the ceremony in v holds a deal
// signed with this member's key.
func (r *ceremonyRun) dealtIn(ctx context.Context, o *ordering.DKGOpening, v api.DKGCeremony) (bool, error) {
	self := 0
	me := r.cfg.MemberKey.Public().(ed25519.PublicKey)
	for i, k := range o.MemberKeys() {
		if k.Equal(me) {
			self = i + 1
		}
	}
	for from := uint32(0); self != 0; {
		for _, e := range v.Entries {
			if len(e.Tx) > 0 && e.Tx[0] == ordering.SysTxDKGMessage {
				if m, err := dkg.ParseMessage(e.Tx[1:]); err == nil && m.Type() == dkg.TypeDeal && m.Sender() == self {
					return true, nil
				}
			}
			from = e.Index + 1
		}
		if from >= v.Count || len(v.Entries) == 0 {
			break
		}
		var err error
		if v, err = r.cfg.Client.ListDKGMessages(ctx, o.Eon, from); err != nil {
			return false, err
		}
	}
	return false, nil
}

// polynomialSeed is the Config.Rand of a member's run: SHAKE-256 of the
// member key's seed and the session id (see the package comment on
// restarts).
func polynomialSeed(member ed25519.PrivateKey, session [32]byte) *sha3.SHAKE {
	h := sha3.NewSHAKE256()
	h.Write([]byte("veil/dkg-polynomial-seed/v1\x00"))
	h.Write(member.Seed())
	h.Write(session[:])
	return h
}

// post submits this member's messages. One already on chain (a restart)
// is fine.
func (r *ceremonyRun) post(ctx context.Context, msgs []*dkg.Message) error {
	for _, m := range msgs {
		raw, _ := m.MarshalBinary()
		r.own[m.Type()] = true
		err := r.cfg.Client.SubmitDKGMessage(ctx, append([]byte{ordering.SysTxDKGMessage}, raw...))
		switch {
		case err == nil:
			r.say("posted %v (%d bytes)", m.Type(), len(raw))
		case errors.Is(err, api.ErrDKGDuplicate):
			r.say("%v already on chain", m.Type())
		case errors.Is(err, api.ErrDKGClosed):
			return fmt.Errorf("%w: the chain refused this member's %v: %w", ErrCeremony, m.Type(), err)
		default:
			return fmt.Errorf("decrypt: posting %v: %w", m.Type(), err)
		}
	}
	return nil
}

// step reads the log's new entries, handles them, and closes the
// phases whose deadline the chain has passed.
func (r *ceremonyRun) step(ctx context.Context) error {
	for {
		v, err := r.cfg.Client.ListDKGMessages(ctx, r.open.Eon, r.fed)
		if err != nil {
			return err
		}
		if !sameCeremony(v, r.openTx) {
			return fmt.Errorf("%w: eon %d's ceremony was replaced by another opening", ErrCeremony, r.open.Eon)
		}
		r.view = v
		for _, e := range v.Entries {
			r.fed = e.Index + 1
			if err := r.handle(ctx, e); err != nil {
				return err
			}
		}
		if r.fed >= v.Count {
			break
		}
		if len(v.Entries) == 0 {
			// The node has not served the whole log: close no phase on
			// part of it; read again at the next poll.
			return nil
		}
	}
	for ph := r.p.Phase(); ph < dkg.PhaseDone; ph = r.p.Phase() {
		d := r.open.Deadline(r.opened, int(ph))
		if r.view.CommittedHeight < d {
			return nil
		}
		if typ := dkg.MessageType(ph); r.own[typ] {
			if _, ok := r.used[[2]int{int(typ), r.self}]; !ok {
				// The others close the phase without it; going on would
				// give this member a view of the run nobody shares.
				return fmt.Errorf("%w: this member's %v did not reach the chain by height %d", ErrCeremony, typ, d)
			}
		}
		r.say("%v phase closed at height %d", ph, d)
		msgs, err := r.p.Advance()
		if err != nil && !errors.Is(err, dkg.ErrFailed) {
			return err
		}
		if err := r.post(ctx, msgs); err != nil {
			return err
		}
	}
	return nil
}

func sameCeremony(v api.DKGCeremony, openTx []byte) bool {
	return string(v.Opening) == string(openTx)
}

// handle feeds one log entry to the participant.
func (r *ceremonyRun) handle(ctx context.Context, e api.DKGLogEntry) error {
	if len(e.Tx) == 0 || e.Tx[0] != ordering.SysTxDKGMessage {
		return nil
	}
	m, err := dkg.ParseMessage(e.Tx[1:])
	if err != nil {
		return fmt.Errorf("decrypt: log entry %d: %w", e.Index, err)
	}
	key := [2]int{int(m.Type()), m.Sender()}
	if m.Sender() == r.self {
		if _, ok := r.used[key]; !ok && r.own[m.Type()] {
			r.used[key] = m
		}
		return nil
	}
	if r.p.Phase() == dkg.PhaseDone {
		return nil
	}
	msgs, err := r.p.Handle(m)
	switch {
	case err == nil:
		r.used[key] = m
	case errors.Is(err, dkg.ErrFailed):
		r.used[key] = m
		return nil
	default:
		// Rejected alike by every member (the chain admitted it, so it
		// is signed and of the session): an invalid deal, a late
		// message. Its sender is dealt with as absent.
		r.say("member %d's %v at height %d not used: %v", m.Sender(), m.Type(), e.Height, err)
		return nil
	}
	if m.Type() == dkg.TypeResponse && len(msgs) > 0 {
		r.say("complaints were made: justification phase")
	}
	return r.post(ctx, msgs)
}

// consent waits until this member's own messages are on chain (or their
// phase closed), posts its consent to the registration the result
// determines, and waits for the chain to register the eon.
func (r *ceremonyRun) consent(ctx context.Context, res *dkg.Result) (*ordering.EonRegistration, error) {
	o := r.open
	last := o.Deadline(r.opened, 3)
	for {
		pending := false
		for typ := range r.own {
			if _, ok := r.used[[2]int{int(typ), r.self}]; !ok && r.view.CommittedHeight < o.Deadline(r.opened, int(typ)) {
				pending = true
			}
		}
		if !pending || r.view.CommittedHeight >= last {
			break
		}
		if err := r.wait(ctx); err != nil {
			return nil, err
		}
		if err := r.step(ctx); err != nil {
			return nil, err
		}
	}
	used := make([]*dkg.Message, 0, len(r.used))
	for _, m := range r.used {
		used = append(used, m)
	}
	digest := ordering.DKGTranscriptDigest(r.cfg.ChainID, r.openTx, used)
	reg, err := ordering.NewEonRegistration(res.EonPublicKey(), o.MemberKeys(), r.view.ActivationHeight, digest)
	if err != nil {
		return nil, err
	}
	tx, err := ordering.NewDKGConsent(r.cfg.ChainID, reg, r.self, r.cfg.MemberKey)
	if err != nil {
		return nil, err
	}
	switch err := r.cfg.Client.SubmitDKGMessage(ctx, tx); {
	case err == nil:
		r.say("consented to eon %d's registration (activation height %d, transcript %x…)", o.Eon, reg.ActivationHeight, digest[:6])
	case errors.Is(err, api.ErrDKGDuplicate):
		r.say("consent already on chain")
	case errors.Is(err, api.ErrDKGClosed) && strings.Contains(err.Error(), "registered"):
	default:
		return nil, fmt.Errorf("decrypt: posting the consent: %w", err)
	}
	end := o.Deadline(r.opened, 4)
	for {
		v, err := r.cfg.Client.ListDKGMessages(ctx, o.Eon, r.fed)
		if err != nil {
			return nil, err
		}
		if v.Registered {
			r.say("eon %d registered; it activates at height %d", o.Eon, reg.ActivationHeight)
			return reg, nil
		}
		if v.CommittedHeight > end {
			return nil, fmt.Errorf("%w: eon %d not registered by the consent deadline (height %d): the members' consents did not reach t = %d over one registration", ErrCeremony, o.Eon, end, o.Threshold)
		}
		if err := r.wait(ctx); err != nil {
			return nil, err
		}
	}
}

// CeremonyService is a node's Service that also carries DKG ceremonies:
// the api/server DKGBackend.
type CeremonyService struct {
	*Service
	submit func(tx []byte) (common.Hash, error)
}

// WithCeremonies returns s serving the DKG calls of KeyholderService too;
// submit hands a checked transaction to the node's mempool (the node's
// Submit).
func WithCeremonies(s *Service, submit func(tx []byte) (common.Hash, error)) *CeremonyService {
	return &CeremonyService{Service: s, submit: submit}
}

// SubmitDKGMessage implements server.DKGBackend: the node's CheckTx
// verifies the transaction in full (signatures, membership, phase,
// duplicates) and its verdict is mapped to the API's errors.
func (c *CeremonyService) SubmitDKGMessage(_ context.Context, tx []byte) ([]byte, error) {
	if len(tx) == 0 || tx[0] < ordering.SysTxDKGOpen || tx[0] > ordering.SysTxDKGConsent {
		return nil, fmt.Errorf("%w: the first byte must be 0xF4 (opening), 0xF5 (message) or 0xF6 (consent)", api.ErrDKGInvalid)
	}
	h, err := c.submit(tx)
	if err == nil {
		return h[:], nil
	}
	why := strings.TrimPrefix(err.Error(), "ordering: ")
	for _, m := range []struct{ from, to error }{
		{ordering.ErrDKGSignature, api.ErrUnauthenticated},
		{ordering.ErrDKGNotMember, api.ErrPermissionDenied},
		{ordering.ErrDKGDuplicate, api.ErrDKGDuplicate},
		{cmtmempool.ErrTxInCache, api.ErrDKGDuplicate},
		{ordering.ErrDKGLate, api.ErrDKGClosed},
		{ordering.ErrDKGMessage, api.ErrDKGInvalid},
		{ordering.ErrDKGCeremony, api.ErrDKGInvalid},
	} {
		if errors.Is(err, m.from) {
			return nil, fmt.Errorf("%w: %s", m.to, why)
		}
	}
	return nil, err
}

// ListDKGMessages implements server.DKGBackend.
func (c *CeremonyService) ListDKGMessages(_ context.Context, eon uint64, from uint32) (api.DKGCeremony, error) {
	v, err := c.app.DKGCeremony(eon, from)
	if errors.Is(err, ordering.ErrNotFound) {
		return api.DKGCeremony{}, fmt.Errorf("%w: eon %d has no DKG ceremony", api.ErrNotFound, eon)
	}
	if err != nil {
		return api.DKGCeremony{}, err
	}
	out := api.DKGCeremony{
		Opening: v.OpenTx, OpenedHeight: v.Opened, Count: v.Count, CommittedHeight: v.Committed,
		Registered: v.Registered, ActivationHeight: v.Activation,
		Entries: make([]api.DKGLogEntry, len(v.Entries)),
	}
	for i, e := range v.Entries {
		out.Entries[i] = api.DKGLogEntry{Index: e.Index, Height: e.Height, Tx: e.Tx}
	}
	return out, nil
}
