package decrypt

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/veilseq/veil/threshold"
)

// sharesDomain separates key share submissions from anything else a
// keyholder key signs.
const sharesDomain = "veil/keyshares/v1\x00"

// SharesMessage is what a member signs to submit shares:
//
//	"veil/keyshares/v1\x00" ‖ u8 len(chainID) ‖ chainID ‖ u64 eon ‖
//	u64 height ‖ u32 member ‖ SHA-256(shares[0] ‖ shares[1] ‖ …)
//
// Chain, eon, height and member are all inside, so a signed submission
// is valid for exactly one block of one chain from one member; a replay
// is a duplicate (ErrDuplicate) and nothing else.
func SharesMessage(chainID string, eon uint64, height int64, member int, shares [][]byte) []byte {
	return memberMessage(sharesDomain, chainID, eon, height, member, shares)
}

// memberMessage is what a member signs to submit items under domain:
//
//	domain ‖ u8 len(chainID) ‖ chainID ‖ u64 eon ‖ u64 height ‖
//	u32 member ‖ SHA-256(items[0] ‖ items[1] ‖ …)
func memberMessage(domain, chainID string, eon uint64, height int64, member int, items [][]byte) []byte {
	h := sha256.New()
	for _, s := range items {
		h.Write(s)
	}
	b := make([]byte, 0, len(domain)+1+len(chainID)+8+8+4+sha256.Size)
	b = append(b, domain...)
	b = append(b, byte(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, eon)
	b = binary.BigEndian.AppendUint64(b, uint64(height))
	b = binary.BigEndian.AppendUint32(b, uint32(member))
	return h.Sum(b)
}

// EncodeShares encodes a release's shares for the wire.
func EncodeShares(shares []*threshold.KeyShare) ([][]byte, error) {
	out := make([][]byte, len(shares))
	for i, s := range shares {
		b, err := s.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// ErrMalformedShares reports shares that do not decode.
var ErrMalformedShares = errors.New("decrypt: malformed key shares")

// DecodeShares parses a submission's shares and checks that each is the
// given member's (index equal to member; so no duplicated or foreign
// indices).
func DecodeShares(member int, raw [][]byte) ([]*threshold.KeyShare, error) {
	out := make([]*threshold.KeyShare, len(raw))
	for i, b := range raw {
		s, err := threshold.ParseKeyShare(b)
		if err != nil {
			return nil, fmt.Errorf("%w: share %d: %v", ErrMalformedShares, i, err)
		}
		if s.Index != member {
			return nil, fmt.Errorf("%w: share %d has member index %d, the submission is from member %d", ErrMalformedShares, i, s.Index, member)
		}
		out[i] = s
	}
	return out, nil
}

// SignRelease signs a release for the wire.
func SignRelease(key ed25519.PrivateKey, chainID string, r *Release) (shares [][]byte, sig []byte, err error) {
	shares, err = EncodeShares(r.Shares)
	if err != nil {
		return nil, nil, err
	}
	return shares, ed25519.Sign(key, SharesMessage(chainID, r.Eon, r.Height, r.Member, shares)), nil
}
