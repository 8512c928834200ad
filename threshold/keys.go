package threshold

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	"go.dedis.ch/kyber/v4"
	"go.dedis.ch/kyber/v4/pairing/bls12381/gnark"
)

// MaxMembers bounds the committee size. It bounds the work an untrusted eon
// key encoding can cause (one G2 subgroup check per member) and fits the
// 16-bit member index of the wire format.
const MaxMembers = 1024

// Suite returns the kyber suite the DKG must use: BLS12-381 with public keys
// (and therefore Pedersen DKG commitments) in G2 and scalars in Fr.
func Suite() *gnark.SuiteBLS12381 { return gnark.NewSuiteBLS12381() }

// DefaultThreshold returns ⌊2n/3⌋+1, the smallest t such that any t members
// include an honest majority of the members' two-thirds when fewer than a
// third are faulty, and the default for a committee of n.
func DefaultThreshold(n int) int { return 2*n/3 + 1 }

// linesG2 are the precomputed Miller-loop lines of a fixed G2 point.
type linesG2 = [2][len(bls12381.LoopCounter) - 1]bls12381.LineEvaluationAff

// fixedG2 is a G2 point whose Miller-loop lines are computed on first use.
// Every pairing in this package has a fixed second argument (g2, P or P_i),
// so precomputing its lines once saves the G2 arithmetic of every later
// Miller loop.
type fixedG2 struct {
	p     bls12381.G2Affine
	once  sync.Once
	lines *linesG2
}

func newFixedG2(p bls12381.G2Affine) *fixedG2 { return &fixedG2{p: p} }

func (f *fixedG2) getLines() *linesG2 {
	f.once.Do(func() {
		l := bls12381.PrecomputeLines(f.p)
		f.lines = &l
	})
	return f.lines
}

// EonPublicKey is a committee's public key for one eon: the eon key
// P = s·g2, the threshold t, and each member's public share P_i = s_i·g2.
// It is immutable and safe for concurrent use.
type EonPublicKey struct {
	eon       uint64
	threshold int
	master    *fixedG2
	members   []*fixedG2 // members[i] is member i+1
	negMaster *fixedG2   // −P, for pairing checks
	enc       []byte     // canonical encoding, computed once
}

// NewEonPublicKey builds an eon key from a DKG's result: master is the eon
// key P and members[i] the public share of member i+1, all in G2 of Suite.
// It rejects t outside [1, n], points outside G2 (or the identity), and
// member shares that do not interpolate to P with a polynomial of degree
// below t.
func NewEonPublicKey(eon uint64, threshold int, master kyber.Point, members []kyber.Point) (*EonPublicKey, error) {
	m, err := g2FromKyber(master)
	if err != nil {
		return nil, fmt.Errorf("eon key: %w", err)
	}
	ms := make([]bls12381.G2Affine, len(members))
	for i, p := range members {
		if ms[i], err = g2FromKyber(p); err != nil {
			return nil, fmt.Errorf("public share of member %d: %w", i+1, err)
		}
	}
	return newEonPublicKey(eon, threshold, m, ms)
}

func newEonPublicKey(eon uint64, t int, master bls12381.G2Affine, members []bls12381.G2Affine) (*EonPublicKey, error) {
	n := len(members)
	if n < 1 || n > MaxMembers || t < 1 || t > n {
		return nil, ErrThreshold
	}
	pk := &EonPublicKey{
		eon:       eon,
		threshold: t,
		master:    newFixedG2(master),
		members:   make([]*fixedG2, n),
	}
	var neg bls12381.G2Affine
	neg.Neg(&master)
	pk.negMaster = newFixedG2(neg)
	for i := range members {
		pk.members[i] = newFixedG2(members[i])
	}
	pk.enc = pk.encode()
	if err := pk.checkConsistent(); err != nil {
		return nil, err
	}
	return pk, nil
}

// Eon returns the eon number.
func (pk *EonPublicKey) Eon() uint64 { return pk.eon }

// Threshold returns t, the number of members whose shares decrypt or sign.
func (pk *EonPublicKey) Threshold() int { return pk.threshold }

// N returns the committee size.
func (pk *EonPublicKey) N() int { return len(pk.members) }

// Equal reports whether two eon keys are identical.
func (pk *EonPublicKey) Equal(other *EonPublicKey) bool {
	return pk != nil && other != nil && string(pk.enc) == string(other.enc)
}

// member returns the public share of member index (1-based).
func (pk *EonPublicKey) member(index int) (*fixedG2, error) {
	if index < 1 || index > len(pk.members) {
		return nil, ErrIndex
	}
	return pk.members[index-1], nil
}

// eonKeySize is the encoded size of an eon key with n members.
func eonKeySize(n int) int { return 1 + 8 + 2 + 2 + g2Size*(n+1) }

// MarshalBinary encodes the key as
//
//	version(1) ‖ eon(8) ‖ t(2) ‖ n(2) ‖ P(96) ‖ P_1(96) ‖ … ‖ P_n(96).
func (pk *EonPublicKey) MarshalBinary() ([]byte, error) {
	return append([]byte(nil), pk.enc...), nil
}

func (pk *EonPublicKey) encode() []byte {
	b := make([]byte, 0, eonKeySize(len(pk.members)))
	b = append(b, version1)
	b = binary.BigEndian.AppendUint64(b, pk.eon)
	b = binary.BigEndian.AppendUint16(b, uint16(pk.threshold))
	b = binary.BigEndian.AppendUint16(b, uint16(len(pk.members)))
	b = appendG2(b, &pk.master.p)
	for _, m := range pk.members {
		b = appendG2(b, &m.p)
	}
	return b
}

// ParseEonPublicKey decodes and validates an encoding made by
// MarshalBinary, with the checks of NewEonPublicKey.
func ParseEonPublicKey(b []byte) (*EonPublicKey, error) {
	r := reader{b: b}
	r.version()
	eon := r.u64()
	t := int(r.u16())
	n := int(r.u16())
	if r.err == nil && (n < 1 || n > MaxMembers || t < 1 || t > n) {
		return nil, ErrThreshold
	}
	if r.err == nil && len(b) != eonKeySize(n) {
		return nil, fmt.Errorf("%w: eon key length", ErrMalformed)
	}
	master := r.g2()
	members := make([]bls12381.G2Affine, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		members = append(members, r.g2())
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return newEonPublicKey(eon, t, master, members)
}

// checkConsistent checks that (0, P), (1, P_1), …, (n, P_n) lie on one
// polynomial of degree below t, so any t verified shares aggregate to a key
// that verifies against P. It uses the dual-code test of SCRAPE (Cascudo and
// David, ACNS 2017, §4): for the Reed–Solomon code of dimension t on the
// points 0..n, Σ vᵢ·m(i)·Pᵢ = 0 for every polynomial m of degree ≤ n−t,
// where vᵢ = 1/∏_{j≠i}(i−j); for a random m a vector outside the code
// passes with probability 1/r. m is derived by hashing the key's encoding,
// so the key is fixed before m is known. Cost: one G2 MSM of n+1 points.
func (pk *EonPublicKey) checkConsistent() error {
	n, t := len(pk.members), pk.threshold
	coeffs, err := fr.Hash(pk.enc, []byte("VEIL-V01-EON-KEY-CONSISTENCY"), n-t+1)
	if err != nil {
		return ErrInconsistentKey
	}
	// denom[i] = ∏_{j≠i, 0≤j≤n} (i−j) = (−1)^{n−i}·i!·(n−i)!.
	fact := make([]fr.Element, n+1)
	fact[0].SetOne()
	for i := 1; i <= n; i++ {
		var x fr.Element
		x.SetUint64(uint64(i))
		fact[i].Mul(&fact[i-1], &x)
	}
	denom := make([]fr.Element, n+1)
	for i := 0; i <= n; i++ {
		denom[i].Mul(&fact[i], &fact[n-i])
		if (n-i)%2 == 1 {
			denom[i].Neg(&denom[i])
		}
	}
	v := fr.BatchInvert(denom)
	scalars := make([]fr.Element, n+1)
	points := make([]bls12381.G2Affine, n+1)
	for i := 0; i <= n; i++ {
		// m(i) by Horner.
		var x, mi fr.Element
		x.SetUint64(uint64(i))
		for k := len(coeffs) - 1; k >= 0; k-- {
			mi.Mul(&mi, &x).Add(&mi, &coeffs[k])
		}
		scalars[i].Mul(&v[i], &mi)
		if i == 0 {
			points[i] = pk.master.p
		} else {
			points[i] = pk.members[i-1].p
		}
	}
	var sum bls12381.G2Jac
	if _, err := sum.MultiExp(points, scalars, ecc.MultiExpConfig{}); err != nil {
		return ErrInconsistentKey
	}
	if !sum.Z.IsZero() {
		return ErrInconsistentKey
	}
	return nil
}

// SecretKeyShare is one member's share s_i of an eon's secret key. It never
// prints: String, GoString and Format redact the secret.
type SecretKeyShare struct {
	eon   uint64
	index int
	s     fr.Element
}

// NewSecretKeyShare wraps a DKG's share: index is the member's 1-based
// index and s its secret share, a scalar of Suite.
func NewSecretKeyShare(eon uint64, index int, s kyber.Scalar) (*SecretKeyShare, error) {
	if index < 1 || index > MaxMembers {
		return nil, ErrIndex
	}
	v, err := scalarFromKyber(s)
	if err != nil {
		return nil, err
	}
	return &SecretKeyShare{eon: eon, index: index, s: v}, nil
}

// Index returns the member's 1-based index.
func (sk *SecretKeyShare) Index() int { return sk.index }

// Eon returns the eon the share belongs to.
func (sk *SecretKeyShare) Eon() uint64 { return sk.eon }

// CheckSecretKeyShare reports whether sk is the share of member sk.Index()
// of pk: same eon and s_i·g2 = P_i.
func CheckSecretKeyShare(pk *EonPublicKey, sk *SecretKeyShare) error {
	if sk.eon != pk.eon {
		return ErrWrongEon
	}
	m, err := pk.member(sk.index)
	if err != nil {
		return err
	}
	var p bls12381.G2Affine
	p.ScalarMultiplicationBase(sk.s.BigInt(new(big.Int)))
	if !p.Equal(&m.p) {
		return ErrInvalidShare
	}
	return nil
}

const secretShareSize = 1 + 8 + 2 + scalarSize

// MarshalBinary encodes the share as version(1) ‖ eon(8) ‖ index(2) ‖ s(32).
// The result is secret.
func (sk *SecretKeyShare) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, secretShareSize)
	b = append(b, version1)
	b = binary.BigEndian.AppendUint64(b, sk.eon)
	b = binary.BigEndian.AppendUint16(b, uint16(sk.index))
	s := sk.s.Bytes()
	return append(b, s[:]...), nil
}

// ParseSecretKeyShare decodes an encoding made by MarshalBinary.
func ParseSecretKeyShare(b []byte) (*SecretKeyShare, error) {
	r := reader{b: b}
	r.version()
	eon := r.u64()
	index := int(r.u16())
	s := r.scalar()
	if err := r.done(); err != nil {
		return nil, err
	}
	if index < 1 || index > MaxMembers {
		return nil, ErrIndex
	}
	return &SecretKeyShare{eon: eon, index: index, s: s}, nil
}

// String describes the share without its secret. String, GoString and
// Format have value receivers so that copies of the struct (and struct
// fields of this type) are redacted too.
func (sk SecretKeyShare) String() string {
	return fmt.Sprintf("threshold.SecretKeyShare{eon: %d, index: %d, secret: REDACTED}", sk.eon, sk.index)
}

// GoString is String, so %#v does not print the secret either.
func (sk SecretKeyShare) GoString() string { return sk.String() }

// Format prints String for every verb, so no verb (%x, %v, %+v, …) reaches
// the secret.
func (sk SecretKeyShare) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(sk.String())) }
