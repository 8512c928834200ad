package ordering

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/threshold/dkg"
)

// DKGCeremony is the latest ceremony of an eon as the chain holds it.
type DKGCeremony struct {
	// Open is the opening; OpenTx its transaction bytes.
	Open   *DKGOpening
	OpenTx []byte
	// Opened is the height of the block that included the opening.
	Opened int64
	// Count is the number of messages and consents in its log.
	Count uint32
}

// DKGLogEntry is one transaction of a ceremony's log: a SysTxDKGMessage
// or SysTxDKGConsent, with the height of the block that included it.
type DKGLogEntry struct {
	Index  uint32
	Height int64
	Tx     []byte
}

// DKGCeremonyView is a ceremony and part of its log as of one commit.
type DKGCeremonyView struct {
	DKGCeremony
	// Entries are the log from the requested index on.
	Entries []DKGLogEntry
	// Committed is the last committed height: the log is complete up to
	// it, so every phase whose deadline is at most Committed is closed.
	Committed int64
	// Registered reports that the eon is registered (by this ceremony or
	// otherwise).
	Registered bool
	// Activation is the activation height the ceremony's registration
	// must name (DKGOpening.Activation).
	Activation int64
}

func keyDKGLog(eon, session uint64, seq uint32) []byte {
	k := keyU64(tagDKGLog, eon)
	k = binary.BigEndian.AppendUint64(k, session)
	return binary.BigEndian.AppendUint32(k, seq)
}

func keyDKGFirst(eon, session uint64, kind byte, sender int) []byte {
	k := keyU64(tagDKGFirst, eon)
	k = binary.BigEndian.AppendUint64(k, session)
	return binary.BigEndian.AppendUint16(append(k, kind), uint16(sender))
}

// encode: version ‖ u64 opened ‖ u32 count ‖ opening tx.
func (c DKGCeremony) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(c.Opened))
	b = binary.BigEndian.AppendUint32(b, c.Count)
	return append(b, c.OpenTx...)
}

func loadDKGCeremony(g getter, eon uint64) (DKGCeremony, bool, error) {
	b, err := g.get(keyU64(tagDKG, eon))
	if err != nil || b == nil {
		return DKGCeremony{}, false, err
	}
	if len(b) < 13 || b[0] != recordVersion {
		return DKGCeremony{}, false, fmt.Errorf("%w: DKG ceremony of eon %d", errCorrupt, eon)
	}
	c := DKGCeremony{Opened: int64(binary.BigEndian.Uint64(b[1:])), Count: binary.BigEndian.Uint32(b[9:]), OpenTx: b[13:]}
	if c.Open, err = ParseDKGOpening(c.OpenTx); err != nil {
		return DKGCeremony{}, false, fmt.Errorf("%w: DKG ceremony of eon %d: %v", errCorrupt, eon, err)
	}
	return c, true, nil
}

func isDKGTx(tx []byte) bool {
	return len(tx) > 0 && (tx[0] == SysTxDKGOpen || tx[0] == SysTxDKGMessage || tx[0] == SysTxDKGConsent)
}

// dkgTx is a checked ceremony transaction, ready to apply.
type dkgTx struct {
	tx   []byte
	open *DKGOpening // SysTxDKGOpen
	// message or consent:
	cer    DKGCeremony
	kind   byte
	sender int
	reg    *EonRegistration // consent: the registration the t-th consent completes
}

// checkDKGTx verifies a ceremony transaction for inclusion at height on
// state g.
func checkDKGTx(g getter, st committed, height int64, tx []byte) (*dkgTx, error) {
	switch tx[0] {
	case SysTxDKGOpen:
		if err := checkOpeningApprovals(g, st.chain.ChainID, height, tx); err != nil {
			return nil, err
		}
		o, err := ParseDKGOpening(tx)
		if err != nil {
			return nil, err
		}
		if err := o.verify(g, st.chain.ChainID, height); err != nil {
			return nil, err
		}
		return &dkgTx{tx: tx, open: o}, nil
	case SysTxDKGMessage:
		return checkDKGMessage(g, st, height, tx)
	default:
		return checkDKGConsent(g, st, height, tx)
	}
}

// findCeremony loads eon's latest ceremony.
func findCeremony(g getter, eon uint64) (DKGCeremony, error) {
	c, ok, err := loadDKGCeremony(g, eon)
	if err != nil {
		return DKGCeremony{}, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if !ok {
		return DKGCeremony{}, fmt.Errorf("%w: no ceremony is open for eon %d", ErrDKGLate, eon)
	}
	return c, nil
}

// stillOpen checks that ceremony c takes a transaction of phase (1..4)
// at height: its eon not registered, the phase's deadline not passed.
// It runs after the sender is authenticated, so a forged transaction is
// refused as such whatever the phase.
func stillOpen(g getter, c DKGCeremony, height int64, phase int) error {
	eon := c.Open.Eon
	if _, ok, err := loadEon(g, eon); err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	} else if ok {
		return fmt.Errorf("%w: eon %d is registered already", ErrDKGLate, eon)
	}
	if d := c.Open.Deadline(c.Opened, phase); height > d {
		return fmt.Errorf("%w: phase %d of eon %d's ceremony closed at height %d; this block is %d", ErrDKGLate, phase, eon, d, height)
	}
	return nil
}

func checkDKGMessage(g getter, st committed, height int64, tx []byte) (*dkgTx, error) {
	m, err := dkg.ParseMessage(tx[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDKGMessage, err)
	}
	c, err := findCeremony(g, m.Eon())
	if err != nil {
		return nil, err
	}
	o := c.Open
	if m.Session() != o.SessionID(st.chain.ChainID) {
		return nil, fmt.Errorf("%w: message for another session than eon %d's ceremony %d", ErrDKGMessage, o.Eon, o.Session)
	}
	if max := maxDKGMessageSize(len(o.Members), o.Threshold); len(tx)-1 > max {
		return nil, fmt.Errorf("%w: %d bytes, this ceremony's messages are at most %d", ErrDKGMessage, len(tx)-1, max)
	}
	if m.Sender() > len(o.Members) {
		return nil, fmt.Errorf("%w: sender %d, the ceremony has members 1..%d (non-member)", ErrDKGNotMember, m.Sender(), len(o.Members))
	}
	if !m.Verify(o.Members[m.Sender()-1]) {
		return nil, fmt.Errorf("%w: %v from member %d does not verify under its member key", ErrDKGSignature, m.Type(), m.Sender())
	}
	if err := checkFirst(g, o, byte(m.Type()), m.Sender(), tx, m.Type().String()); err != nil {
		return nil, err
	}
	if err := stillOpen(g, c, height, int(m.Type())); err != nil {
		return nil, err
	}
	return &dkgTx{tx: tx, cer: c, kind: byte(m.Type()), sender: m.Sender()}, nil
}

// checkFirst rejects a second transaction of one kind from one sender.
func checkFirst(g getter, o *DKGOpening, kind byte, sender int, tx []byte, what string) error {
	prev, err := g.get(keyDKGFirst(o.Eon, o.Session, kind, sender))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if prev == nil {
		return nil
	}
	if len(prev) != 4+sha256.Size {
		return fmt.Errorf("%w: %v", ErrInternal, errCorrupt)
	}
	seq := binary.BigEndian.Uint32(prev)
	if h := sha256.Sum256(tx); string(h[:]) == string(prev[4:]) {
		return fmt.Errorf("%w: member %d's %s is entry %d of the log already (replay)", ErrDKGDuplicate, sender, what, seq)
	}
	return fmt.Errorf("%w: member %d posted a different %s as entry %d (equivocation); the first stands", ErrDKGDuplicate, sender, what, seq)
}

func checkDKGConsent(g getter, st committed, height int64, tx []byte) (*dkgTx, error) {
	cs, err := ParseDKGConsent(tx)
	if err != nil {
		return nil, err
	}
	r := cs.Registration
	c, err := findCeremony(g, r.Eon)
	if err != nil {
		return nil, err
	}
	o := c.Open
	if r.Threshold != o.Threshold || len(r.Members) != len(o.Members) {
		return nil, fmt.Errorf("%w: consent to t = %d of %d, the ceremony has t = %d of %d", ErrDKGMessage, r.Threshold, len(r.Members), o.Threshold, len(o.Members))
	}
	keys := o.MemberKeys()
	for i, m := range r.Members {
		if !m.Key.Equal(keys[i]) {
			return nil, fmt.Errorf("%w: consent names another key for member %d than the ceremony", ErrDKGMessage, i+1)
		}
	}
	if want := o.Activation(c.Opened, st.params); r.ActivationHeight != want {
		return nil, fmt.Errorf("%w: consent to activation height %d, the ceremony's is %d", ErrDKGMessage, r.ActivationHeight, want)
	}
	if !ed25519.Verify(keys[cs.Member-1], r.signedBytes(st.chain.ChainID, roleConsent), cs.Signature) {
		return nil, fmt.Errorf("%w: member %d's consent does not verify under its member key", ErrDKGSignature, cs.Member)
	}
	if err := checkFirst(g, o, dkgKindConsent, cs.Member, tx, "consent"); err != nil {
		return nil, err
	}
	if err := stillOpen(g, c, height, dkgPhases); err != nil {
		return nil, err
	}
	// Last: the consistency check of the key costs the most.
	if _, err := r.EonPublicKey(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDKGMessage, err)
	}
	// Consents so far to the same body; this one may complete t.
	body := sha256.Sum256(r.body())
	r.Consents = make([][]byte, len(r.Members))
	for i := range r.Consents {
		r.Consents[i] = make([]byte, ed25519.SignatureSize)
	}
	r.Consents[cs.Member-1] = cs.Signature
	agree := 1
	for i := range r.Members {
		if i == cs.Member-1 {
			continue
		}
		seq, err := g.get(keyDKGFirst(o.Eon, o.Session, dkgKindConsent, i+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInternal, err)
		}
		if seq == nil {
			continue
		}
		e, err := g.get(keyDKGLog(o.Eon, o.Session, binary.BigEndian.Uint32(seq)))
		if err != nil || len(e) < 8 {
			return nil, fmt.Errorf("%w: ceremony log of eon %d: %v", ErrInternal, o.Eon, err)
		}
		other, err := ParseDKGConsent(e[8:])
		if err != nil {
			return nil, fmt.Errorf("%w: %v: %v", ErrInternal, errCorrupt, err)
		}
		if sha256.Sum256(other.Registration.body()) == body {
			r.Consents[i] = other.Signature
			agree++
		}
	}
	d := &dkgTx{tx: tx, cer: c, kind: dkgKindConsent, sender: cs.Member}
	if agree == o.Threshold {
		d.reg = r
	}
	return d, nil
}

// apply writes a checked transaction included at height.
func (d *dkgTx) apply(o *overlay, height int64) {
	if d.open != nil {
		o.set(keyU64(tagDKG, d.open.Eon), DKGCeremony{OpenTx: d.tx, Opened: height}.encode())
		return
	}
	c, op := d.cer, d.cer.Open
	seq := c.Count
	h := sha256.Sum256(d.tx)
	o.set(keyDKGLog(op.Eon, op.Session, seq), append(binary.BigEndian.AppendUint64(nil, uint64(height)), d.tx...))
	o.set(keyDKGFirst(op.Eon, op.Session, d.kind, d.sender), append(binary.BigEndian.AppendUint32(nil, seq), h[:]...))
	c.Count++
	o.set(keyU64(tagDKG, op.Eon), c.encode())
	if d.reg != nil {
		d.reg.apply(o, height)
	}
}

// checkDKGTxCommitted verifies a ceremony transaction against the
// committed state, for the mempool.
func (a *App) checkDKGTxCommitted(tx []byte) error {
	return a.withCommittedView(func(v *view) error {
		_, err := checkDKGTx(v.g, committed{chain: v.chain, params: v.params}, v.height+1, tx)
		return err
	})
}

// CheckDKGTx checks a ceremony transaction (SysTxDKGOpen, SysTxDKGMessage
// or SysTxDKGConsent) against the committed state for inclusion in the
// next block, as CheckTx does.
func (a *App) CheckDKGTx(tx []byte) error {
	if !isDKGTx(tx) {
		return fmt.Errorf("%w: not a DKG ceremony transaction", ErrDKGMessage)
	}
	return a.checkDKGTxCommitted(tx)
}

// checkDKGTxs verifies a proposal's ceremony transactions in order, each
// against the state the earlier ones leave.
func (a *App) checkDKGTxs(st committed, height int64, txs [][]byte) error {
	o := newOverlay(dbGetter{a.db})
	for i, tx := range txs {
		if !isDKGTx(tx) {
			continue
		}
		d, err := checkDKGTx(o, st, height, tx)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		d.apply(o, height)
	}
	return nil
}

// appendDKGTxs adds the mempool's valid ceremony transactions to a
// proposal, in mempool order, within the byte budget.
func (a *App) appendDKGTxs(st committed, height int64, mempoolTxs, txs [][]byte, used *int64, maxBytes int64) ([][]byte, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	o := newOverlay(dbGetter{a.db})
	for _, tx := range mempoolTxs {
		if !isDKGTx(tx) {
			continue
		}
		size := protoTxSize(len(tx))
		if *used+size > maxBytes {
			continue
		}
		d, err := checkDKGTx(o, st, height, tx)
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err != nil {
			continue
		}
		d.apply(o, height)
		txs = append(txs, tx)
		*used += size
	}
	return txs, nil
}

// Events of ceremony transactions.
const (
	// EventDKG is emitted for an applied ceremony transaction.
	EventDKG = "veil.dkg"
	// AttrDKGKind is "open", "deal", "response", "justification" or
	// "consent".
	AttrDKGKind = "kind"
	// AttrDKGSender is the member's 1-based index (not for "open").
	AttrDKGSender = "member"
)

// applyDKGTxs runs in FinalizeBlock, after applyEonTxs.
func (a *App) applyDKGTxs(ex *blockExec, st committed, txs [][]byte, results []*abci.ExecTxResult) error {
	for i, tx := range txs {
		if !isDKGTx(tx) {
			continue
		}
		d, err := checkDKGTx(ex.o, st, ex.height, tx)
		if errors.Is(err, ErrInternal) {
			return err
		}
		if err != nil {
			// Accepted by ProcessProposal: only an eon registered by an
			// 0xF3 in the same block, a bug or a faulty supermajority
			// gets here. Change nothing, the same on every node.
			a.log.Error("DKG transaction not applied", "height", ex.height, "index", i, "err", err)
			results[i] = &abci.ExecTxResult{Code: Code(err), Codespace: Codespace, Log: err.Error()}
			continue
		}
		d.apply(ex.o, ex.height)
		ev := abci.Event{Type: EventDKG}
		switch {
		case d.open != nil:
			ev.Attributes = []abci.EventAttribute{{Key: AttrEon, Value: fmt.Sprint(d.open.Eon), Index: true}, {Key: AttrDKGKind, Value: "open"}}
		default:
			kind := "consent"
			if d.kind != dkgKindConsent {
				kind = dkg.MessageType(d.kind).String()
			}
			ev.Attributes = []abci.EventAttribute{{Key: AttrEon, Value: fmt.Sprint(d.cer.Open.Eon), Index: true}, {Key: AttrDKGKind, Value: kind}, {Key: AttrDKGSender, Value: fmt.Sprint(d.sender)}}
		}
		events := []abci.Event{ev}
		if d.reg != nil {
			events = append(events, abci.Event{Type: EventEon, Attributes: []abci.EventAttribute{
				{Key: AttrEon, Value: fmt.Sprint(d.reg.Eon), Index: true},
				{Key: AttrActivation, Value: fmt.Sprint(d.reg.ActivationHeight)},
			}})
		}
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: events}
	}
	return nil
}

// maxDKGLogPage bounds the entries one DKGCeremony call returns.
const maxDKGLogPage = 256

// DKGCeremony returns eon's latest ceremony with its log from entry from
// on (at most a page; ask again from the next index), as of the last
// commit. It returns ErrNotFound if the eon has no ceremony.
func (a *App) DKGCeremony(eon uint64, from uint32) (DKGCeremonyView, error) {
	var v DKGCeremonyView
	err := a.read(func(g getter, st committed) error {
		c, ok, err := loadDKGCeremony(g, eon)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: no DKG ceremony for eon %d", ErrNotFound, eon)
		}
		v.DKGCeremony, v.Committed = c, st.height
		v.Activation = c.Open.Activation(c.Opened, st.params)
		if _, v.Registered, err = loadEon(g, eon); err != nil {
			return err
		}
		for i := from; i < c.Count && len(v.Entries) < maxDKGLogPage; i++ {
			e, err := g.get(keyDKGLog(eon, c.Open.Session, i))
			if err != nil {
				return err
			}
			if len(e) < 9 {
				return fmt.Errorf("%w: DKG log entry %d of eon %d", errCorrupt, i, eon)
			}
			v.Entries = append(v.Entries, DKGLogEntry{Index: i, Height: int64(binary.BigEndian.Uint64(e)), Tx: e[8:]})
		}
		return nil
	})
	return v, err
}
