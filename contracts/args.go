package contracts

import (
	"errors"
	"fmt"
	"math"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// Limits the contracts enforce, mirrored here so callers fail before
// spending gas.
const (
	// MaxBatch is the most heights one PostBatches call takes.
	MaxBatch = 256
	// MaxChainID is the longest chain ID an inbox accepts (CometBFT's limit).
	MaxChainID = 50
	// MaxMembers is the largest committee the registry records.
	MaxMembers = threshold.MaxMembers
)

// ErrBadArgs reports arguments the contracts would reject.
var ErrBadArgs = errors.New("contracts: bad arguments")

// EonArgs are CommitteeRegistry.registerEon's arguments.
type EonArgs struct {
	Eon              uint64
	ActivationHeight uint64
	Threshold        uint16
	Members          []common.Address // member i of the eon key is Members[i-1]
	PublicKey        []byte           // P, EIP-2537 G2 encoding
}

// NewEonArgs returns the registration of pk, active from activation, with
// members[i-1] the L1 address of member i.
func NewEonArgs(pk *threshold.EonPublicKey, activation uint64, members []common.Address) (EonArgs, error) {
	if len(members) != pk.N() {
		return EonArgs{}, fmt.Errorf("%w: %d member addresses for a committee of %d", ErrBadArgs, len(members), pk.N())
	}
	return EonArgs{
		Eon:              pk.Eon(),
		ActivationHeight: activation,
		Threshold:        uint16(pk.Threshold()), // at most MaxMembers
		Members:          members,
		PublicKey:        pk.EIP2537(),
	}, nil
}

// Pack returns the registerEon calldata.
func (a EonArgs) Pack() []byte {
	return bindings.NewCommitteeRegistry().PackRegisterEon(a.Eon, a.ActivationHeight, a.Threshold, a.Members, a.PublicKey)
}

// LegProof converts a rollupfeed leg proof into verifyLeg's argument.
func LegProof(p *rollupfeed.LegProof) (bindings.BatchInboxLegProof, error) {
	if p == nil {
		return bindings.BatchInboxLegProof{}, fmt.Errorf("%w: nil proof", ErrBadArgs)
	}
	if p.Path.Index > math.MaxUint32 || p.Path.Size > math.MaxUint32 {
		return bindings.BatchInboxLegProof{}, fmt.Errorf("%w: leg path index %d of %d", ErrBadArgs, p.Path.Index, p.Path.Size)
	}
	return bindings.BatchInboxLegProof{
		LegIndex:   uint32(p.Path.Index),
		LegCount:   uint32(p.Path.Size),
		LegPath:    hashes(p.Path.Hashes),
		EntryIndex: p.Entry.Path.Index,
		EntryCount: p.Entry.Path.Size,
		EntryPath:  hashes(p.Entry.Path.Hashes),
	}, nil
}

func hashes(hs []common.Hash) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// SumSignatures returns Σσ_i, the aggregate signature PostBatches checks
// for the heights whose signatures are sigs (see BatchInbox.postBatches for
// why a sum over distinct messages is sound). Each signature must already
// be valid for its height; a sum hides which one is not.
func SumSignatures(sigs []*threshold.Signature) (*threshold.Signature, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: no signatures", ErrBadArgs)
	}
	var acc bls12381.G1Jac
	for i, s := range sigs {
		if s == nil {
			return nil, fmt.Errorf("%w: nil signature %d", ErrBadArgs, i)
		}
		b, err := s.MarshalBinary()
		if err != nil {
			return nil, err
		}
		var p bls12381.G1Affine
		if _, err := p.SetBytes(b); err != nil {
			return nil, fmt.Errorf("%w: signature %d: %v", ErrBadArgs, i, err)
		}
		acc.AddMixed(&p)
	}
	var sum bls12381.G1Affine
	sum.FromJacobian(&acc)
	b := sum.Bytes()
	sig, err := threshold.ParseSignature(b[:])
	if err != nil {
		// Only the identity, for signatures summing to zero.
		return nil, fmt.Errorf("%w: signatures sum to %v", ErrBadArgs, err)
	}
	return sig, nil
}
