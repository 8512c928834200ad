package devnet

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
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
}

// Rotate hands the committee over to a new eon: it runs the next eon's
// DKG among the same members in memory (RunDKG's loop), stores each
// member's new share encrypted beside its current secrets, gives the
// running keyholders their new shares, and submits the eon registration
// (consented by every member, approved by all of the current eon's)
// through validator 0's mempool. It returns once a block has included the
// registration; the new eon becomes current at the returned activation
// height. Membership does not change: the devnet's members serve again.
func (d *Devnet) Rotate(ctx context.Context) (Rotation, error) {
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
	params, err := app.Params()
	if err != nil {
		return Rotation{}, err
	}
	eon := cur.ID + 1
	n := len(d.memberKeys)
	results, digest, err := runDKG(d.cfg.Rand, eon, n)
	if err != nil {
		return Rotation{}, err
	}
	shares := make([]*threshold.SecretKeyShare, n)
	for i, r := range results {
		shares[i] = r.SecretShare()
	}
	if err := d.saveRotated(eon, shares); err != nil {
		return Rotation{}, err
	}
	d.dmu.Lock()
	if d.rotated == nil {
		d.rotated = make(map[uint64][]*threshold.SecretKeyShare)
	}
	d.rotated[eon] = shares
	for i, rk := range d.keyholders {
		if rk != nil {
			rk.kh.AddShare(shares[i])
			rk.signer.AddShare(shares[i])
		}
	}
	d.dmu.Unlock()

	// A few blocks of slack for the registration to reach a block.
	last, _ := app.LastCommit()
	activation := last + 1 + params.RotationLead() + 3
	tx, err := d.registration(results[0].EonPublicKey(), activation, digest)
	if err != nil {
		return Rotation{}, err
	}
	if _, err := d.Network.Nodes[0].Submit(tx); err != nil {
		return Rotation{}, fmt.Errorf("devnet: submit eon %d registration: %w", eon, err)
	}
	for {
		if next, ok, err := app.NextEon(); err != nil {
			return Rotation{}, err
		} else if ok && next.ID == eon {
			return Rotation{Eon: eon, ActivationHeight: next.ActivationHeight, RegisteredAt: next.AcceptFrom - 1}, nil
		}
		if h, _ := app.LastCommit(); h >= activation-params.RotationLead() {
			return Rotation{}, fmt.Errorf("devnet: eon %d registration not included by height %d", eon, h)
		}
		select {
		case <-ctx.Done():
			return Rotation{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// registration builds the signed registration of pk: each member
// consents with its member key and approves as a member of the current
// eon (the same people, with the same keys).
func (d *Devnet) registration(pk *threshold.EonPublicKey, activation int64, digest [32]byte) ([]byte, error) {
	pubs := make([]ed25519.PublicKey, len(d.memberKeys))
	for i, k := range d.memberKeys {
		pubs[i] = k.Public().(ed25519.PublicKey)
	}
	reg, err := ordering.NewEonRegistration(pk, pubs, activation, digest)
	if err != nil {
		return nil, err
	}
	for i, k := range d.memberKeys {
		if err := reg.Consent(d.cfg.ChainID, i+1, k); err != nil {
			return nil, err
		}
		reg.Approve(d.cfg.ChainID, i+1, k)
	}
	return reg.Marshal()
}

// rotatedShares returns member index i's shares of the rotated eons.
func (d *Devnet) rotatedShares(i int) []*threshold.SecretKeyShare {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	var out []*threshold.SecretKeyShare
	for _, shares := range d.rotated {
		out = append(out, shares[i])
	}
	return out
}

// saveRotated stores each member's share of eon in its keyholder home.
func (d *Devnet) saveRotated(eon uint64, shares []*threshold.SecretKeyShare) error {
	key, err := devnetIdentity(d.cfg.Dir)
	if err != nil {
		return err
	}
	for i, home := range d.homes() {
		s := &keystore.Secrets{ChainID: d.cfg.ChainID, Share: shares[i], MemberKey: d.memberKeys[i]}
		if err := keystore.Save(keystore.EonSecretsPath(KeyholderHome(home), eon), s, key); err != nil {
			return err
		}
	}
	return nil
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
	for eon, shares := range rotated {
		for i, s := range shares {
			if s == nil {
				return fmt.Errorf("devnet: member %d has no share of eon %d", i+1, eon)
			}
		}
	}
	d.dmu.Lock()
	d.rotated = rotated
	d.dmu.Unlock()
	return nil
}
