package decrypt

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// batchSigsDomain separates batch signature submissions from anything
// else a keyholder key signs.
const batchSigsDomain = "veil/batchsigs/v1\x00"

// maxSigHeight bounds the heights of signature entries (as the feed's).
const maxSigHeight = 1 << 62

// RootSignature is one member's partial signature on one height's batch
// root: threshold.SignPartial over rollupfeed.BatchMessage(chain id,
// Height, Root).
type RootSignature struct {
	Height  int64
	Root    common.Hash
	Partial *threshold.PartialSignature
}

// RootSignatures is one member's partial signatures for some heights of
// one eon, in increasing height order.
type RootSignatures struct {
	Eon     uint64
	Member  int
	Entries []RootSignature
}

// SignatureSink receives a keyholder's partial batch signatures: a node's
// SignaturePool in process (SignaturePoolSink), or a node's
// KeyholderService over the network (Client).
type SignatureSink interface {
	// SubmitBatchSignatures returns the node's signed tip after the
	// submission (SignaturePool.SignedTip), also with ErrSigDuplicate;
	// 0 when it is unknown.
	SubmitBatchSignatures(ctx context.Context, s *RootSignatures) (signedTip int64, err error)
}

// RootSource gives the batch root of a firm height as the local node
// committed it. ok is false while the height is not firm. The rollup
// feed (*feed.Feed) implements it from the blocks it builds; AppRoots
// from the application's state.
type RootSource interface {
	FirmRoot(height int64) (root common.Hash, ok bool, err error)
}

// BatchSignaturesMessage is what a member signs to submit partial batch
// signatures:
//
//	"veil/batchsigs/v1\x00" ‖ u8 len(chainID) ‖ chainID ‖ u64 eon ‖
//	u64 first height ‖ u32 member ‖ SHA-256(entry[0] ‖ entry[1] ‖ …)
//
// with entry = u64 height ‖ root ‖ u16 len(partial) ‖ partial. As for
// SharesMessage, a signed submission is valid for one chain, eon and
// member only, and a replay is a duplicate.
func BatchSignaturesMessage(chainID string, eon uint64, member int, entries []api.BatchSignatureEntry) []byte {
	items := make([][]byte, len(entries))
	var first int64
	for i, e := range entries {
		if i == 0 {
			first = int64(e.Height)
		}
		b := binary.BigEndian.AppendUint64(nil, e.Height)
		b = append(b, e.Root...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(e.Partial)))
		items[i] = append(b, e.Partial...)
	}
	return memberMessage(batchSigsDomain, chainID, eon, first, member, items)
}

// EncodeRootSignatures encodes a submission's entries for the wire.
func EncodeRootSignatures(s *RootSignatures) ([]api.BatchSignatureEntry, error) {
	out := make([]api.BatchSignatureEntry, len(s.Entries))
	for i, e := range s.Entries {
		b, err := e.Partial.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out[i] = api.BatchSignatureEntry{Height: uint64(e.Height), Root: e.Root.Bytes(), Partial: b}
	}
	return out, nil
}

// ErrMalformedSignatures reports signature entries that do not decode.
var ErrMalformedSignatures = errors.New("decrypt: malformed batch signature entries")

// DecodeRootSignatures parses a submission's entries: heights in
// 1..2^62 and strictly increasing, 32-byte roots, partial signatures that
// decode and carry the member's index.
func DecodeRootSignatures(member int, raw []api.BatchSignatureEntry) ([]RootSignature, error) {
	out := make([]RootSignature, len(raw))
	for i, e := range raw {
		if e.Height == 0 || e.Height > maxSigHeight {
			return nil, fmt.Errorf("%w: entry %d: height %d, must be 1..2^62", ErrMalformedSignatures, i, e.Height)
		}
		if i > 0 && e.Height <= raw[i-1].Height {
			return nil, fmt.Errorf("%w: entry %d: height %d after %d, heights must increase", ErrMalformedSignatures, i, e.Height, raw[i-1].Height)
		}
		if len(e.Root) != common.HashLength {
			return nil, fmt.Errorf("%w: entry %d: batch root of %d bytes, want 32", ErrMalformedSignatures, i, len(e.Root))
		}
		ps, err := threshold.ParsePartialSignature(e.Partial)
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: partial signature: %v", ErrMalformedSignatures, i, err)
		}
		if ps.Index != member {
			return nil, fmt.Errorf("%w: entry %d: partial signature of member %d, the submission is from member %d", ErrMalformedSignatures, i, ps.Index, member)
		}
		out[i] = RootSignature{Height: int64(e.Height), Root: common.BytesToHash(e.Root), Partial: ps}
	}
	return out, nil
}

// SignRootSignatures encodes and signs a submission for the wire.
func SignRootSignatures(key ed25519.PrivateKey, chainID string, s *RootSignatures) ([]api.BatchSignatureEntry, []byte, error) {
	entries, err := EncodeRootSignatures(s)
	if err != nil {
		return nil, nil, err
	}
	return entries, ed25519.Sign(key, BatchSignaturesMessage(chainID, s.Eon, s.Member, entries)), nil
}

// SignRoots signs each height's batch root with the member's eon share.
func SignRoots(sk *threshold.SecretKeyShare, chainID string, heights []int64, roots []common.Hash) (*RootSignatures, error) {
	out := &RootSignatures{Eon: sk.Eon(), Member: sk.Index(), Entries: make([]RootSignature, len(heights))}
	for i, h := range heights {
		msg, err := rollupfeed.BatchMessage(chainID, h, roots[i])
		if err != nil {
			return nil, err
		}
		out.Entries[i] = RootSignature{Height: h, Root: roots[i], Partial: sk.SignPartial(msg[:])}
	}
	return out, nil
}
