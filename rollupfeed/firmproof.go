package rollupfeed

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Firm proofs: how the CometBFT commit covers batch roots.
//
// The sequencer's application (package ordering) computes the batch root
// of every height whose firm batch becomes known in a block K: K itself
// when K has no envelopes, and every height whose decryption keys K
// records. Its app hash binds them in a separate term:
//
//	firm_roots(K) = SHA-256("veil/firm-roots/v1\x00" ‖ u32 n ‖ n × (u64 height ‖ batch_root[32]))
//	AppHash(K)    = SHA-256("veil/app-hash/v2\x00" ‖ AppHash(K−1)[32] ‖ u64 K ‖ changes_root(K)[32] ‖ firm_roots(K)[32])
//
// with heights strictly increasing. CometBFT puts AppHash(K) in the
// header of block K+1, which the validators sign. A FirmProof carries the
// three other inputs (AppHash(K−1), changes_root(K) and the roots), so a
// light client recomputes AppHash(K) from a batch root and checks it
// against a signed header without reading the application state.

// Domains of the two hashes.
const (
	appHashDomain   = "veil/app-hash/v2\x00"
	firmRootsDomain = "veil/firm-roots/v1\x00"
)

// ErrNotFirm reports a firm proof that does not commit to the batch root
// claimed.
var ErrNotFirm = errors.New("rollupfeed: batch root not in the firm proof")

// FirmRoot is one height's batch root as the application recorded it.
type FirmRoot struct {
	Height int64       `json:"height"`
	Root   common.Hash `json:"root"`
}

// FirmRootsHash is firm_roots over roots, which must be in strictly
// increasing height order.
func FirmRootsHash(roots []FirmRoot) [32]byte {
	h := sha256.New()
	h.Write([]byte(firmRootsDomain))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(roots))))
	for _, r := range roots {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(r.Height)))
		h.Write(r.Root[:])
	}
	return [32]byte(h.Sum(nil))
}

// AppHash is the sequencer's app hash after block height, given the app
// hash before it (nil: 32 zero bytes, before genesis), the Merkle root of
// the block's state writes and the batch roots it recorded.
func AppHash(prev []byte, height int64, changesRoot []byte, roots []FirmRoot) []byte {
	h := sha256.New()
	h.Write([]byte(appHashDomain))
	if len(prev) == 0 {
		prev = make([]byte, sha256.Size)
	}
	h.Write(prev)
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(height)))
	h.Write(changesRoot)
	fr := FirmRootsHash(roots)
	h.Write(fr[:])
	return h.Sum(nil)
}

// FirmProof is what a light client needs, besides a signed header, to
// check a firm batch root: the inputs of AppHash(RecordedAt).
type FirmProof struct {
	// RecordedAt is the block whose app hash commits to Roots; the
	// header of RecordedAt+1 carries that app hash.
	RecordedAt int64 `json:"recorded_at"`
	// PrevAppHash is AppHash(RecordedAt−1), 32 bytes.
	PrevAppHash []byte `json:"prev_app_hash"`
	// ChangesRoot is the Merkle root of block RecordedAt's state writes,
	// 32 bytes.
	ChangesRoot []byte `json:"changes_root"`
	// Roots are the batch roots block RecordedAt recorded, by height.
	Roots []FirmRoot `json:"roots"`
}

// AppHash recomputes AppHash(p.RecordedAt).
func (p *FirmProof) AppHash() []byte {
	return AppHash(p.PrevAppHash, p.RecordedAt, p.ChangesRoot, p.Roots)
}

// Validate checks the proof's shape: a positive RecordedAt, 32-byte
// hashes, and roots of heights 1..RecordedAt in strictly increasing
// order.
func (p *FirmProof) Validate() error {
	if p.RecordedAt < 1 || p.RecordedAt > maxHeight {
		return fmt.Errorf("%w: firm proof recorded at height %d", ErrMalformed, p.RecordedAt)
	}
	if len(p.PrevAppHash) != sha256.Size || len(p.ChangesRoot) != sha256.Size {
		return fmt.Errorf("%w: firm proof hashes of %d and %d bytes, want 32", ErrMalformed, len(p.PrevAppHash), len(p.ChangesRoot))
	}
	last := int64(0)
	for i, r := range p.Roots {
		if r.Height <= last || r.Height > p.RecordedAt {
			return fmt.Errorf("%w: firm proof root %d at height %d (after %d, recorded at %d)", ErrMalformed, i, r.Height, last, p.RecordedAt)
		}
		last = r.Height
	}
	return nil
}

// Check reports whether p commits to root as the batch root of height:
// ErrMalformed if p is malformed, ErrNotFirm if it records another root
// for height or none. It does not check the app hash against a header.
func (p *FirmProof) Check(height int64, root common.Hash) error {
	if err := p.Validate(); err != nil {
		return err
	}
	for _, r := range p.Roots {
		if r.Height != height {
			continue
		}
		if r.Root != root {
			return fmt.Errorf("%w: height %d has root %s in the proof, not %s", ErrNotFirm, height, r.Root, root)
		}
		return nil
	}
	return fmt.Errorf("%w: block %d recorded no root for height %d", ErrNotFirm, p.RecordedAt, height)
}

// maxHeight bounds heights in decoded proofs (as the feed does).
const maxHeight = 1 << 62

const firmProofVersion = 1

// MarshalBinary encodes the proof:
//
//	u8 1 ‖ u64 recorded_at ‖ prev_app_hash[32] ‖ changes_root[32] ‖ u32 n ‖ n × (u64 height ‖ root[32])
func (p *FirmProof) MarshalBinary() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 1+8+64+4+40*len(p.Roots))
	b = append(b, firmProofVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(p.RecordedAt))
	b = append(b, p.PrevAppHash...)
	b = append(b, p.ChangesRoot...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.Roots)))
	for _, r := range p.Roots {
		b = binary.BigEndian.AppendUint64(b, uint64(r.Height))
		b = append(b, r.Root[:]...)
	}
	return b, nil
}

// ParseFirmProof decodes MarshalBinary's encoding; the result is valid
// (Validate).
func ParseFirmProof(b []byte) (*FirmProof, error) {
	const head = 1 + 8 + 64 + 4
	if len(b) < head || b[0] != firmProofVersion {
		return nil, fmt.Errorf("%w: firm proof of %d bytes", ErrMalformed, len(b))
	}
	n := binary.BigEndian.Uint32(b[73:])
	if uint64(len(b)-head) != 40*uint64(n) {
		return nil, fmt.Errorf("%w: firm proof with %d roots in %d bytes", ErrMalformed, n, len(b)-head)
	}
	at := binary.BigEndian.Uint64(b[1:])
	if at > maxHeight {
		return nil, fmt.Errorf("%w: firm proof recorded at height %d", ErrMalformed, at)
	}
	p := &FirmProof{
		RecordedAt:  int64(at),
		PrevAppHash: bytes.Clone(b[9:41]),
		ChangesRoot: bytes.Clone(b[41:73]),
		Roots:       make([]FirmRoot, n),
	}
	rest := b[head:]
	for i := range p.Roots {
		h := binary.BigEndian.Uint64(rest)
		if h > maxHeight {
			return nil, fmt.Errorf("%w: firm proof root at height %d", ErrMalformed, h)
		}
		p.Roots[i] = FirmRoot{Height: int64(h), Root: common.Hash(rest[8:40])}
		rest = rest[40:]
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}
