package ordering

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/mempool"
)

// Vote extension format, version 1: a validator's first-seen reports of
// envelopes it has not yet seen recorded on chain.
//
//	u8       version (1)
//	uvarint  n
//	n ×      short id (6 bytes) ‖ uvarint Δ
//
// Times are Unix milliseconds; entry i's time is the sum of the first i+1
// deltas (the first delta is the absolute time). Entries are sorted by
// (time, id) and ids are distinct, so an extension has one encoding.
// Arrivals a fraction of a millisecond apart give one-byte deltas, so a
// report costs 7 bytes plus a few bytes per extension (BenchmarkVoteExtension).
const (
	extVersion = 1
	// MaxVoteExtensionSize is the hard cap on an extension: a reporter
	// sends its oldest unrecorded sightings first and the rest at the next
	// height. CometBFT's QA saw multi-round heights with 16–32 KB
	// extensions; 1,000 new envelopes take about 7 KB.
	MaxVoteExtensionSize = 16 << 10
	// maxReportTime bounds a report's time (year 2255 in Unix ms) so
	// sums and comparisons never overflow.
	maxReportTime = math.MaxInt64 / 2
)

// ErrVoteExtension reports a malformed vote extension or 0xF0 system
// transaction.
var ErrVoteExtension = errors.New("ordering: malformed vote extension")

// Sighted is one entry of a vote extension.
type Sighted struct {
	ID   ShortID
	Time int64 // Unix milliseconds
}

// EncodeVoteExtension encodes reports, which must be sorted by (time, id)
// with distinct ids and fit MaxVoteExtensionSize (the reporter sees to it).
func EncodeVoteExtension(rs []Sighted) []byte {
	b := make([]byte, 0, 3+8*len(rs))
	b = append(b, extVersion)
	b = binary.AppendUvarint(b, uint64(len(rs)))
	var prev int64
	for _, r := range rs {
		b = append(b, r.ID[:]...)
		b = binary.AppendUvarint(b, uint64(r.Time-prev))
		prev = r.Time
	}
	return b
}

// ParseVoteExtension decodes an extension strictly: version, size cap,
// canonical order, distinct ids, minimal varints, no trailing bytes.
func ParseVoteExtension(b []byte) ([]Sighted, error) {
	if len(b) > MaxVoteExtensionSize {
		return nil, fmt.Errorf("%w: %d bytes, cap %d", ErrVoteExtension, len(b), MaxVoteExtensionSize)
	}
	if len(b) < 2 || b[0] != extVersion {
		return nil, fmt.Errorf("%w: no version %d header", ErrVoteExtension, extVersion)
	}
	n, rest, err := uvarint(b[1:])
	if err != nil {
		return nil, err
	}
	if n > uint64(len(rest))/(ShortIDSize+1) {
		return nil, fmt.Errorf("%w: %d entries in %d bytes", ErrVoteExtension, n, len(rest))
	}
	out := make([]Sighted, n)
	seen := make(map[ShortID]struct{}, n)
	var t int64
	for i := range out {
		if len(rest) < ShortIDSize {
			return nil, fmt.Errorf("%w: entry %d truncated", ErrVoteExtension, i)
		}
		copy(out[i].ID[:], rest)
		var d uint64
		if d, rest, err = uvarint(rest[ShortIDSize:]); err != nil {
			return nil, err
		}
		if d > uint64(maxReportTime-t) {
			return nil, fmt.Errorf("%w: entry %d time out of range", ErrVoteExtension, i)
		}
		t += int64(d)
		out[i].Time = t
		if _, dup := seen[out[i].ID]; dup {
			return nil, fmt.Errorf("%w: duplicate id %x", ErrVoteExtension, out[i].ID)
		}
		seen[out[i].ID] = struct{}{}
		if i > 0 && d == 0 && bytes.Compare(out[i-1].ID[:], out[i].ID[:]) > 0 {
			return nil, fmt.Errorf("%w: entries %d and %d out of order", ErrVoteExtension, i-1, i)
		}
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrVoteExtension, len(rest))
	}
	return out, nil
}

// uvarint reads a minimally encoded uvarint.
func uvarint(b []byte) (uint64, []byte, error) {
	v, k := binary.Uvarint(b)
	if k <= 0 {
		return 0, nil, fmt.Errorf("%w: bad varint", ErrVoteExtension)
	}
	if k > 1 && b[k-1] == 0 {
		return 0, nil, fmt.Errorf("%w: non-minimal varint", ErrVoteExtension)
	}
	return v, b[k:], nil
}

// The 0xF0 system transaction: the vote extensions a proposal used and
// the ready envelopes it declares omitted.
//
//	u8       SysTxVoteExtensions (0xF0)
//	u8       version (1)
//	uvarint  length ‖ abci.ExtendedCommitInfo (protobuf): the proposer's
//	         LocalLastCommit, extension signatures included
//	uvarint  m ‖ m short ids, strictly ascending
//	optional, present only when k ≥ 1:
//	uvarint  k (1..MaxSkipped) ‖ k × (uvarint n ‖ n bytes: an envelope as
//	         submitted), in strictly ascending order of short id
//
// The optional tail is the block's skipped envelopes (Block.Skipped): ready
// envelopes it leaves out because they can no longer be included, with
// the bytes that let every validator check so.
const sysTxExtVersion = 1

// MaxSkipped bounds the skipped envelopes one 0xF0 transaction carries.
const MaxSkipped = 16

// EmbeddedExtensions is a decoded 0xF0 system transaction.
type EmbeddedExtensions struct {
	Commit  abci.ExtendedCommitInfo
	Omitted []ShortID
	// Skipped are envelopes (as submitted) the block shows can no longer
	// be included; see Block.Skipped.
	Skipped [][]byte
}

// Marshal encodes e as a 0xF0 system transaction.
func (e *EmbeddedExtensions) Marshal() ([]byte, error) {
	commit, err := e.Commit.Marshal()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 2+binary.MaxVarintLen64*2+len(commit)+ShortIDSize*len(e.Omitted))
	b = append(b, SysTxVoteExtensions, sysTxExtVersion)
	b = binary.AppendUvarint(b, uint64(len(commit)))
	b = append(b, commit...)
	b = binary.AppendUvarint(b, uint64(len(e.Omitted)))
	for _, id := range e.Omitted {
		b = append(b, id[:]...)
	}
	if len(e.Skipped) > 0 {
		b = binary.AppendUvarint(b, uint64(len(e.Skipped)))
		for _, env := range e.Skipped {
			b = binary.AppendUvarint(b, uint64(len(env)))
			b = append(b, env...)
		}
	}
	return b, nil
}

// parseSkipped decodes the optional skipped-envelope tail of a 0xF0
// transaction: empty, or k ≥ 1 length-prefixed envelopes filling it.
// The App checks the envelopes themselves.
func parseSkipped(b []byte) ([][]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	k, b, err := uvarint(b)
	if err != nil {
		return nil, err
	}
	if k == 0 || k > MaxSkipped {
		return nil, fmt.Errorf("%w: %d skipped envelopes, want 1..%d", ErrVoteExtension, k, MaxSkipped)
	}
	out := make([][]byte, k)
	for i := range out {
		var n uint64
		if n, b, err = uvarint(b); err != nil {
			return nil, err
		}
		if n == 0 || n > mempool.MaxEnvelopeSize || n > uint64(len(b)) {
			return nil, fmt.Errorf("%w: skipped envelope %d of %d bytes", ErrVoteExtension, i, n)
		}
		out[i], b = b[:n:n], b[n:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrVoteExtension, len(b))
	}
	return out, nil
}

// ParseEmbeddedExtensions decodes a 0xF0 system transaction. It checks
// the framing only; the App checks the commit against the validator set.
func ParseEmbeddedExtensions(b []byte) (*EmbeddedExtensions, error) {
	if len(b) < 2 || b[0] != SysTxVoteExtensions || b[1] != sysTxExtVersion {
		return nil, fmt.Errorf("%w: not a version %d 0xF0 transaction", ErrVoteExtension, sysTxExtVersion)
	}
	n, rest, err := uvarint(b[2:])
	if err != nil {
		return nil, err
	}
	if n > uint64(len(rest)) {
		return nil, fmt.Errorf("%w: commit truncated", ErrVoteExtension)
	}
	e := &EmbeddedExtensions{}
	if err := e.Commit.Unmarshal(rest[:n]); err != nil {
		return nil, fmt.Errorf("%w: commit: %v", ErrVoteExtension, err)
	}
	// The protobuf decoder accepts more than one encoding of a message;
	// insist on the canonical one so the transaction has one form.
	if again, err := e.Commit.Marshal(); err != nil || !bytes.Equal(again, rest[:n]) {
		return nil, fmt.Errorf("%w: commit not canonically encoded", ErrVoteExtension)
	}
	m, rest, err := uvarint(rest[n:])
	if err != nil {
		return nil, err
	}
	if m > uint64(len(rest))/ShortIDSize {
		return nil, fmt.Errorf("%w: omitted list length", ErrVoteExtension)
	}
	tail := rest[m*ShortIDSize:]
	rest = rest[:m*ShortIDSize]
	if e.Skipped, err = parseSkipped(tail); err != nil {
		return nil, err
	}
	if m > 0 {
		e.Omitted = make([]ShortID, m)
	}
	for i := range e.Omitted {
		copy(e.Omitted[i][:], rest[i*ShortIDSize:])
		if i > 0 && bytes.Compare(e.Omitted[i-1][:], e.Omitted[i][:]) >= 0 {
			return nil, fmt.Errorf("%w: omitted ids not strictly ascending", ErrVoteExtension)
		}
	}
	return e, nil
}
