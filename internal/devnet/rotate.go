package devnet

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/threshold/dkg"
)

// RotationLeadBlocks is the devnet's rotation_lead_blocks: long enough
// (about 5 s of 250 ms blocks) that wallets refetching their parameters
// every few seconds move to the next eon before it activates.
const RotationLeadBlocks = 20

// Rotation is an eon registration Rotate submitted and the chain
// committed.
type Rotation struct {
	Eon              uint64
	ActivationHeight int64
	// RegisteredAt is the height of the block that included it.
	RegisteredAt int64
	// Disqualified are the dealers the ceremony left out of the key.
	Disqualified []int
}

// DKGPhaseBlocks is the phase length of the devnet's DKG ceremonies:
// every phase gives members six blocks (about 2 s of 300 ms blocks) to
// get their messages on chain.
const DKGPhaseBlocks = 6

// RotateConfig makes members misbehave in a rotation's ceremony, for
// fault tests. Indices are 1-based.
type RotateConfig struct {
	// Absent members take no part: they post nothing.
	Absent []int
	// BadDeal members post a deal whose share for one other member does
	// not decrypt, then stay silent: the member complains and the dealer,
	// not justifying, is disqualified.
	BadDeal []int
	// Restart members stop right after posting their deal and run again
	// once the deal phase has closed: they rejoin from the chain's log.
	Restart []int
}

// Rotate hands the committee over to a new eon through a DKG ceremony
// run over the network, as RotateWith with every member honest.
func (d *Devnet) Rotate(ctx context.Context) (Rotation, error) {
	return d.RotateWith(ctx, RotateConfig{})
}

// RotateWith hands the committee over to a new eon through a DKG
// ceremony on chain. The current members approve an opening that lists
// every member's join (ordering.DKGOpening, submitted through the API's
// KeyholderService); each member then runs decrypt.RunCeremony against
// the API only: it posts its messages with SubmitDKGMessage, reads every
// member's in chain order with ListDKGMessages, stores its new share
// encrypted beside its current secrets (and hands it to its running
// keyholder), and consents; the chain registers the eon at the t-th
// consent. It returns once the eon is registered; it becomes current at
// the returned activation height. Membership does not change.
func (d *Devnet) RotateWith(ctx context.Context, rc RotateConfig) (Rotation, error) {
	app := d.Network.Nodes[0].App()
	cur, err := app.CurrentEon()
	if err != nil {
		return Rotation{}, err
	}
	if next, ok, err := app.NextEon(); err != nil {
		return Rotation{}, err
	} else if ok {
		return Rotation{}, fmt.Errorf("devnet: eon %d is already registered, activating at %d", next.ID, next.ActivationHeight)
	}
	eon := cur.ID + 1
	nodes, err := decrypt.NewCeremonyNodes(nil, d.APIURL())
	if err != nil {
		return Rotation{}, err
	}
	opening, err := d.opening(eon)
	if err != nil {
		return Rotation{}, err
	}
	if err := nodes.SubmitDKGMessage(ctx, opening); err != nil {
		return Rotation{}, fmt.Errorf("devnet: open eon %d's ceremony: %w", eon, err)
	}

	n := len(d.memberKeys)
	errs := make([]error, n)
	outs := make([]*decrypt.CeremonyOutcome, n)
	var wg sync.WaitGroup
	for i := range n {
		member := i + 1
		switch {
		case slices.Contains(rc.Absent, member):
			continue
		case slices.Contains(rc.BadDeal, member):
			wg.Go(func() { errs[i] = d.badDeal(ctx, nodes, eon, member) })
			continue
		}
		cfg := decrypt.CeremonyConfig{
			ChainID: d.cfg.ChainID, Eon: eon, MemberKey: d.memberKeys[i], Client: nodes,
			Poll:  50 * time.Millisecond,
			Store: func(r *dkg.Result) error { return d.storeRotated(i, r.SecretShare()) },
			Progress: func(line string) {
				d.cfg.Logger.Info("dkg", "member", member, "eon", eon, "step", line)
			},
		}
		if slices.Contains(rc.Restart, member) {
			wg.Go(func() { outs[i], errs[i] = restarted(ctx, nodes, cfg) })
			continue
		}
		wg.Go(func() { outs[i], errs[i] = decrypt.RunCeremony(ctx, cfg) })
	}
	wg.Wait()
	next, ok, err := app.NextEon()
	if err != nil {
		return Rotation{}, err
	}
	if !ok || next.ID != eon {
		return Rotation{}, fmt.Errorf("devnet: eon %d not registered: %w", eon, errors.Join(errs...))
	}
	rot := Rotation{Eon: eon, ActivationHeight: next.ActivationHeight, RegisteredAt: next.AcceptFrom - 1}
	for _, o := range outs {
		if o != nil {
			rot.Disqualified = o.Disqualified
			break
		}
	}
	return rot, nil
}

// restarted runs a member that stops once its deal is posted and runs
// again after the deal phase has closed.
func restarted(ctx context.Context, nodes *decrypt.CeremonyNodes, cfg decrypt.CeremonyConfig) (*decrypt.CeremonyOutcome, error) {
	first, stop := context.WithCancel(ctx)
	progress := cfg.Progress
	cfg.Progress = func(line string) {
		progress(line)
		if strings.HasPrefix(line, "posted deal") {
			stop()
		}
	}
	if _, err := decrypt.RunCeremony(first, cfg); !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("devnet: the run to restart ended with %v", err)
	}
	cfg.Progress = progress
	for {
		v, err := nodes.ListDKGMessages(ctx, cfg.Eon, 0)
		if err != nil {
			return nil, err
		}
		o, err := ordering.ParseDKGOpening(v.Opening)
		if err != nil {
			return nil, err
		}
		if v.CommittedHeight >= o.Deadline(v.OpenedHeight, 1) {
			return decrypt.RunCeremony(ctx, cfg)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// opening builds eon's ceremony opening: every member joins with the
// key its member key derives, and every member of the current eon (the
// same people) approves.
func (d *Devnet) opening(eon uint64) ([]byte, error) {
	last, _ := d.Network.Nodes[0].App().LastCommit()
	n := len(d.memberKeys)
	o := &ordering.DKGOpening{Eon: eon, Session: uint64(last), Threshold: threshold.DefaultThreshold(n), PhaseBlocks: DKGPhaseBlocks}
	for _, k := range d.memberKeys {
		pub, join, err := decrypt.CeremonyJoin(k, d.cfg.ChainID, eon)
		if err != nil {
			return nil, err
		}
		o.Members = append(o.Members, pub)
		o.Joins = append(o.Joins, join)
	}
	for i, k := range d.memberKeys {
		o.Approve(d.cfg.ChainID, i+1, k)
	}
	return o.Marshal()
}

// badDeal posts member's deal with the share for another member
// corrupted, re-signed so the chain admits it, and nothing else.
func (d *Devnet) badDeal(ctx context.Context, nodes *decrypt.CeremonyNodes, eon uint64, member int) error {
	var v api.DKGCeremony
	for {
		var err error
		if v, err = nodes.ListDKGMessages(ctx, eon, 0); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	o, err := ordering.ParseDKGOpening(v.Opening)
	if err != nil {
		return err
	}
	mk := d.memberKeys[member-1]
	key, err := decrypt.CeremonyKey(mk, d.cfg.ChainID, eon)
	if err != nil {
		return err
	}
	_, msgs, err := dkg.NewParticipant(o.DKGConfig(d.cfg.ChainID, key))
	if err != nil {
		return err
	}
	raw, _ := msgs[0].MarshalBinary()
	// header(44) ‖ t(2) ‖ t commitments(192) ‖ count(2) ‖ recipient(2) ‖
	// ECIES ciphertext: flip a byte of the first recipient's AES-GCM
	// ciphertext, then sign again (Ed25519ctx "veil/dkg/v1").
	signed := raw[:len(raw)-ed25519.SignatureSize]
	signed[44+2+192*o.Threshold+2+2+100] ^= 1
	sig, err := mk.Sign(nil, signed, &ed25519.Options{Context: "veil/dkg/v1"})
	if err != nil {
		return err
	}
	return nodes.SubmitDKGMessage(ctx, append(append([]byte{ordering.SysTxDKGMessage}, signed...), sig...))
}

// storeRotated stores member index i's share of a new eon encrypted in
// its keyholder home and gives it to its running keyholder.
func (d *Devnet) storeRotated(i int, share *threshold.SecretKeyShare) error {
	key, err := devnetIdentity(d.cfg.Dir)
	if err != nil {
		return err
	}
	s := &keystore.Secrets{ChainID: d.cfg.ChainID, Share: share, MemberKey: d.memberKeys[i]}
	if err := keystore.Save(keystore.EonSecretsPath(KeyholderHome(d.homes()[i]), share.Eon()), s, key); err != nil {
		return err
	}
	d.dmu.Lock()
	defer d.dmu.Unlock()
	if d.rotated == nil {
		d.rotated = make(map[uint64][]*threshold.SecretKeyShare)
	}
	if d.rotated[share.Eon()] == nil {
		d.rotated[share.Eon()] = make([]*threshold.SecretKeyShare, len(d.memberKeys))
	}
	d.rotated[share.Eon()][i] = share
	if rk := d.keyholders[i]; rk != nil {
		rk.kh.AddShare(share)
		rk.signer.AddShare(share)
	}
	return nil
}

// rotatedShares returns member index i's shares of the rotated eons.
func (d *Devnet) rotatedShares(i int) []*threshold.SecretKeyShare {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	var out []*threshold.SecretKeyShare
	for _, shares := range d.rotated {
		if shares[i] != nil {
			out = append(out, shares[i])
		}
	}
	return out
}

// loadRotated reads the members' shares of rotated eons, so a restarted
// devnet's keyholders release for them again.
func (d *Devnet) loadRotated(key keystore.Key) error {
	rotated := make(map[uint64][]*threshold.SecretKeyShare)
	for i, home := range d.homes() {
		eons, err := keystore.LoadEons(KeyholderHome(home), key)
		if err != nil {
			return fmt.Errorf("devnet: %w", err)
		}
		for _, s := range eons {
			if s.Member() != i+1 {
				return fmt.Errorf("devnet: %s holds member %d of eon %d", KeyholderHome(home), s.Member(), s.Eon())
			}
			if rotated[s.Eon()] == nil {
				rotated[s.Eon()] = make([]*threshold.SecretKeyShare, len(d.homes()))
			}
			rotated[s.Eon()][i] = s.Share
		}
	}
	// A member absent from an eon's ceremony has no share of it.
	d.dmu.Lock()
	d.rotated = rotated
	d.dmu.Unlock()
	return nil
}
