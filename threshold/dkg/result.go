package dkg

import (
	"fmt"
	"slices"

	"go.dedis.ch/kyber/v4"
	"go.dedis.ch/kyber/v4/share"
	kdkg "go.dedis.ch/kyber/v4/share/dkg/pedersen"

	"github.com/veilseq/veil/threshold"
)

// Result is a finished run as seen by one member: the eon key with every
// member's public share, this member's secret share, and the qualified
// dealers whose polynomials were summed. Every honest member of a run gets
// the same eon key and qualified set. A Result is immutable; it prints
// without its secret share.
type Result struct {
	pk        *threshold.EonPublicKey
	sk        *threshold.SecretKeyShare
	qualified []int
}

// newResult converts kyber's result (0-based indices; the share of kyber
// index i is the polynomial at x = i+1) to veil's (1-based index i, share
// at x = i). Public shares are the public polynomial at x = 1..n. It checks
// that this member's share matches its public share.
func newResult(eon uint64, t, n, index int, res *kdkg.Result) (*Result, error) {
	if res == nil || res.Key == nil || res.Key.Share == nil || len(res.Key.Commits) != t {
		return nil, fmt.Errorf("dkg: kyber returned an incomplete result")
	}
	if int(res.Key.Share.I) != index-1 {
		return nil, fmt.Errorf("dkg: kyber returned the share of index %d, want %d", res.Key.Share.I+1, index)
	}
	s := newSuite()
	poly := share.NewPubPoly(s, s.Point().Base(), res.Key.Commits)
	members := make([]kyber.Point, n)
	for i := range members {
		members[i] = poly.Eval(uint32(i)).V // x = i+1: member i+1
	}
	pk, err := threshold.NewEonPublicKey(eon, t, poly.Commit(), members)
	if err != nil {
		return nil, fmt.Errorf("dkg: eon key: %w", err)
	}
	sk, err := threshold.NewSecretKeyShare(eon, index, res.Key.Share.V)
	if err != nil {
		return nil, fmt.Errorf("dkg: secret share: %w", err)
	}
	if err := threshold.CheckSecretKeyShare(pk, sk); err != nil {
		return nil, fmt.Errorf("dkg: own share does not match the public polynomial: %w", err)
	}
	q := make([]int, len(res.QUAL))
	for i, node := range res.QUAL {
		q[i] = int(node.Index) + 1
	}
	slices.Sort(q)
	return &Result{
		pk:        pk,
		sk:        sk,
		qualified: q,
	}, nil
}

// EonPublicKey returns the eon key P = s·g2 with every member's public share
// P_i = s_i·g2, ready to register on chain.
func (r *Result) EonPublicKey() *threshold.EonPublicKey { return r.pk }

// SecretShare returns this member's secret share s_i. Store it encrypted.
func (r *Result) SecretShare() *threshold.SecretKeyShare { return r.sk }

// Qualified returns the 1-based indices of the dealers whose polynomials
// make up the key, in increasing order.
func (r *Result) Qualified() []int { return slices.Clone(r.qualified) }

// String describes the result without its secret share.
func (r *Result) String() string {
	return fmt.Sprintf("dkg.Result{eon: %d, member: %d, t: %d, n: %d, qualified: %v}",
		r.pk.Eon(), r.sk.Index(), r.pk.Threshold(), r.pk.N(), r.qualified)
}

// GoString is String, so %#v does not print the secret either.
func (r *Result) GoString() string { return r.String() }

// Format prints String for every verb.
func (r *Result) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }
