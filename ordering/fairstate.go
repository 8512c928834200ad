package ordering

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmtcrypto "github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/encoding"
	cmttypes "github.com/cometbft/cometbft/types"
)

// Fair-ordering state. The reports that decide eligibility live in the
// replicated state, so every validator computes the same ready set from
// committed blocks alone:
//
//	'V'  —                 validator set: address, power, public key
//	'o'  short id (6 B)    Sighting: first and last recording height, reports
//
// Block H embeds the extensions of height H−1 (the 0xF0 system
// transaction); the rule judges block H on the sightings committed at
// H−1 with those reports merged, and FinalizeBlock(H) writes the merge.
// A report is kept once per validator (its first time); a later report
// of the same id by the same validator only refreshes the record. A
// record goes when its envelope is included, or when no validator has
// reported it for pruneHeights heights (an honest validator holding the
// envelope re-reports it every refreshHeights heights, so only envelopes
// nobody holds any more — included under a colliding id, expired,
// replaced, evicted, or invented by a faulty validator — are pruned).
const (
	tagValidators = 'V'
	tagSighting   = 'o'

	pruneHeights   = 16
	refreshHeights = 8

	// Reports further than this from the block's time are dropped when
	// merged (a faulty clock or a faulty validator); the rest of the
	// extension counts.
	reportMaxFuture = 5 * time.Second
	reportMaxAge    = 10 * time.Minute
)

func keySighting(id ShortID) []byte { return append([]byte{tagSighting}, id[:]...) }

// validator is one member of the validator set as the state keeps it.
type validator struct {
	address []byte
	power   int64
	keyType string
	pubKey  []byte
	key     cmtcrypto.PubKey // parsed; nil if the type is unsupported
}

// valSet is the validator set sorted by address; a validator's index in
// it is its index in Evidence.Powers and in sighting records.
type valSet struct {
	vals  []validator
	total int64
}

func (vs *valSet) index(addr []byte) int {
	i, ok := slices.BinarySearchFunc(vs.vals, addr, func(v validator, a []byte) int { return bytes.Compare(v.address, a) })
	if !ok {
		return -1
	}
	return i
}

func (vs *valSet) powers() []int64 {
	p := make([]int64, len(vs.vals))
	for i, v := range vs.vals {
		p[i] = v.power
	}
	return p
}

// valSetFromUpdates builds the set CometBFT starts with (InitChain).
func valSetFromUpdates(us []abci.ValidatorUpdate) (*valSet, error) {
	vs := &valSet{}
	for _, u := range us {
		if u.Power <= 0 {
			continue
		}
		k, err := encoding.PubKeyFromTypeAndBytes(u.PubKeyType, u.PubKeyBytes)
		if err != nil {
			return nil, fmt.Errorf("ordering: validator key: %w", err)
		}
		vs.vals = append(vs.vals, validator{address: k.Address(), power: u.Power, keyType: u.PubKeyType, pubKey: u.PubKeyBytes, key: k})
		vs.total += u.Power
	}
	slices.SortFunc(vs.vals, func(a, b validator) int { return bytes.Compare(a.address, b.address) })
	if len(vs.vals) > 1<<16-1 {
		return nil, errors.New("ordering: validator set too large")
	}
	return vs, nil
}

func (vs *valSet) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint16(b, uint16(len(vs.vals)))
	for _, v := range vs.vals {
		b = append(b, byte(len(v.address)))
		b = append(b, v.address...)
		b = binary.BigEndian.AppendUint64(b, uint64(v.power))
		b = append(b, byte(len(v.keyType)))
		b = append(b, v.keyType...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(v.pubKey)))
		b = append(b, v.pubKey...)
	}
	return b
}

func decodeValSet(b []byte) (*valSet, error) {
	bad := fmt.Errorf("%w: validator set", errCorrupt)
	if len(b) < 3 || b[0] != recordVersion {
		return nil, bad
	}
	n := int(binary.BigEndian.Uint16(b[1:]))
	b = b[3:]
	vs := &valSet{}
	take := func(k int) []byte {
		if k > len(b) {
			return nil
		}
		v := b[:k:k]
		b = b[k:]
		return v
	}
	for range n {
		var v validator
		if l := take(1); l != nil {
			v.address = take(int(l[0]))
		}
		p := take(8)
		l := take(1)
		if v.address == nil || p == nil || l == nil {
			return nil, bad
		}
		v.power = int64(binary.BigEndian.Uint64(p))
		t := take(int(l[0]))
		kl := take(2)
		if t == nil || kl == nil {
			return nil, bad
		}
		v.keyType = string(t)
		if v.pubKey = take(int(binary.BigEndian.Uint16(kl))); v.pubKey == nil || v.power <= 0 {
			return nil, bad
		}
		v.key, _ = encoding.PubKeyFromTypeAndBytes(v.keyType, v.pubKey)
		vs.vals = append(vs.vals, v)
		vs.total += v.power
	}
	if len(b) != 0 {
		return nil, bad
	}
	return vs, nil
}

func loadValSet(g getter) (*valSet, error) {
	b, err := g.get(keyTag(tagValidators))
	if err != nil || b == nil {
		return &valSet{}, err
	}
	return decodeValSet(b)
}

func (s *Sighting) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, uint64(s.First))
	b = binary.BigEndian.AppendUint64(b, uint64(s.Last))
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.Reports)))
	for _, r := range s.Reports {
		b = binary.BigEndian.AppendUint16(b, uint16(r.Validator))
		b = binary.BigEndian.AppendUint64(b, uint64(r.Time))
	}
	return b
}

func decodeSighting(b []byte) (*Sighting, error) {
	if len(b) < 19 || b[0] != recordVersion || (len(b)-19)%10 != 0 || int(binary.BigEndian.Uint16(b[17:])) != (len(b)-19)/10 {
		return nil, fmt.Errorf("%w: sighting", errCorrupt)
	}
	s := &Sighting{First: int64(binary.BigEndian.Uint64(b[1:])), Last: int64(binary.BigEndian.Uint64(b[9:]))}
	for p := b[19:]; len(p) > 0; p = p[10:] {
		r := Report{Validator: int(binary.BigEndian.Uint16(p)), Time: int64(binary.BigEndian.Uint64(p[2:]))}
		if n := len(s.Reports); n > 0 && s.Reports[n-1].Validator >= r.Validator {
			return nil, fmt.Errorf("%w: sighting reports out of order", errCorrupt)
		}
		s.Reports = append(s.Reports, r)
	}
	return s, nil
}

// loadSightings reads every committed sighting.
func (a *App) loadSightings() (map[ShortID]*Sighting, error) {
	it, err := a.db.Iterator([]byte{tagSighting}, []byte{tagSighting + 1})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := make(map[ShortID]*Sighting)
	for ; it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != 1+ShortIDSize {
			return nil, fmt.Errorf("%w: sighting key", errCorrupt)
		}
		s, err := decodeSighting(it.Value())
		if err != nil {
			return nil, err
		}
		out[ShortID(k[1:])] = s
	}
	return out, it.Error()
}

// signedReports is one validator's verified extension.
type signedReports struct {
	validator int
	reports   []Sighted
}

// checkCommit verifies an embedded extended commit of height−1 against
// the validator set: every vote names a distinct validator with its
// power; every vote for the block carries an extension that parses and
// whose signature verifies under CometBFT's vote-extension sign bytes
// (the canonical extension with chain id, height and round); other votes
// carry none; the votes for the block hold more than 2/3 of the power.
// With sanitize (the proposer's own LocalLastCommit) bad votes are
// dropped instead of failing the commit. It returns the reports and
// whether self's extension is among them.
func checkCommit(vs *valSet, chainID string, height int64, c *abci.ExtendedCommitInfo, self []byte, sanitize bool) ([]signedReports, bool, error) {
	var out []signedReports
	var power int64
	own := false
	seen := make(map[int]bool, len(c.Votes))
	kept := c.Votes[:0:0]
	for i, v := range c.Votes {
		bad := func(why string, args ...any) error {
			return fmt.Errorf("%w: vote %d (%X): "+why, append([]any{ErrVoteExtension, i, v.Validator.Address}, args...)...)
		}
		var err error
		idx := vs.index(v.Validator.Address)
		switch {
		case idx < 0:
			err = bad("not a validator")
		case seen[idx]:
			err = bad("validator listed twice")
		case vs.vals[idx].power != v.Validator.Power:
			err = bad("power %d, the validator has %d", v.Validator.Power, vs.vals[idx].power)
		case v.BlockIdFlag != cmtproto.BlockIDFlagCommit:
			if len(v.VoteExtension) != 0 || len(v.ExtensionSignature) != 0 {
				err = bad("extension on a vote not for the block")
			}
		}
		var rs []Sighted
		if err == nil && v.BlockIdFlag == cmtproto.BlockIDFlagCommit {
			rs, err = ParseVoteExtension(v.VoteExtension)
			if err == nil {
				sb := cmttypes.VoteExtensionSignBytes(chainID, &cmtproto.Vote{Height: height - 1, Round: c.Round, Extension: v.VoteExtension})
				if k := vs.vals[idx].key; k == nil || !k.VerifySignature(sb, v.ExtensionSignature) {
					err = bad("extension signature does not verify")
				}
			}
		}
		if err != nil {
			if sanitize {
				continue
			}
			return nil, false, err
		}
		seen[idx] = true
		kept = append(kept, v)
		if v.BlockIdFlag == cmtproto.BlockIDFlagCommit {
			power += v.Validator.Power
			out = append(out, signedReports{validator: idx, reports: rs})
			own = own || (self != nil && bytes.Equal(v.Validator.Address, self))
		}
	}
	if 3*power <= 2*vs.total {
		return nil, false, fmt.Errorf("%w: extensions carry %d of %d voting power", ErrVoteExtension, power, vs.total)
	}
	if sanitize {
		c.Votes = kept
	}
	return out, own || self == nil, nil
}

// mergeReports adds verified reports to seen as block height records
// them, returning the ids it changed and how many reports it dropped
// for times too far from the block time ref.
func mergeReports(seen map[ShortID]*Sighting, srs []signedReports, height int64, ref time.Time) (map[ShortID]bool, int) {
	lo, hi := ref.Add(-reportMaxAge).UnixMilli(), ref.Add(reportMaxFuture).UnixMilli()
	touched := make(map[ShortID]bool)
	dropped := 0
	for _, sr := range srs {
		for _, r := range sr.reports {
			if r.Time < lo || r.Time > hi {
				dropped++
				continue
			}
			s := seen[r.ID]
			if s == nil {
				s = &Sighting{First: height}
				seen[r.ID] = s
			}
			s.Last = height
			touched[r.ID] = true
			i, found := slices.BinarySearchFunc(s.Reports, sr.validator, func(x Report, v int) int { return x.Validator - v })
			if !found {
				s.Reports = slices.Insert(s.Reports, i, Report{Validator: sr.validator, Time: r.Time})
			}
		}
	}
	return touched, dropped
}

// fairBlock is a block's fair-ordering input, as PrepareProposal,
// ProcessProposal and FinalizeBlock each derive it.
type fairBlock struct {
	ev      *Evidence
	touched map[ShortID]bool
	// recorded is what this validator's embedded extension reports: nil
	// when the App has no validator address (everything counts as
	// recorded), empty when the block left the extension out.
	recorded map[ShortID]bool
}

// evidence loads the committed sightings and validator set and merges
// the reports of commit (nil at the initial height).
func (a *App) evidence(st committed, height int64, t time.Time, commit *abci.ExtendedCommitInfo, sanitize bool) (*fairBlock, error) {
	vs, err := loadValSet(dbGetter{a.db})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	seen, err := a.loadSightings()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	fb := &fairBlock{ev: &Evidence{Height: height, Powers: vs.powers(), Seen: seen, Seed: st.appHash}}
	if a.fair.self != nil {
		fb.recorded = make(map[ShortID]bool)
	}
	if commit == nil {
		return fb, nil
	}
	srs, _, err := checkCommit(vs, st.chain.ChainID, height, commit, a.fair.self, sanitize)
	if err != nil {
		return nil, err
	}
	var dropped int
	fb.touched, dropped = mergeReports(seen, srs, height, t)
	if self := a.fair.self; self != nil {
		idx := vs.index(self)
		for _, sr := range srs {
			if sr.validator == idx {
				for _, r := range sr.reports {
					fb.recorded[r.ID] = true
				}
			}
		}
	}
	if dropped > 0 {
		a.log.Info("dropped reports far from the block time", "height", height, "reports", dropped)
	}
	return fb, nil
}

// hasRoom is Block.Room: fewer than max_block_txs envelopes and at most
// half of max_block_bytes used by them.
func hasRoom(p Params, envelopes int, envBytes int64) bool {
	return envelopes < int(p.MaxBlockTxs) && 2*envBytes <= int64(p.MaxBlockBytes)
}

// writeFair writes block height's sightings: merged reports, minus the
// included envelopes and the records nobody refreshed for pruneHeights.
func writeFair(o *overlay, fb *fairBlock, included []CommittedTx, height int64) {
	gone := make(map[ShortID]bool)
	for _, tx := range included {
		gone[ShortIDOf(tx.Hash)] = true
	}
	for id, s := range fb.ev.Seen {
		switch {
		case gone[id] || height-s.Last >= pruneHeights:
			o.del(keySighting(id))
		case fb.touched[id]:
			o.set(keySighting(id), s.encode())
		}
	}
}
