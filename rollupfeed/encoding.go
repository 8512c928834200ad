package rollupfeed

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/common"
)

// Binary encodings of legs, proofs and batches, for storage and the wire.
// They are not hashed (the commitments are defined on the canonical leg
// encoding and the fixed-width entry, see the package documentation), but
// they are canonical all the same: every decoder accepts exactly what its
// encoder writes, so bytes round-trip. Integers are big-endian.

// BatchEncodingVersion is the version byte MarshalBinary writes first in
// a batch encoding.
const BatchEncodingVersion = 1

const (
	proofInclusion = 1
	proofAbsence   = 2

	hasBelow = 1
	hasAbove = 2
)

// minLegSize is the smallest leg encoding: one manifest leg, no data.
const minLegSize = 8 + 4 + 8 + common.HashLength + 1 + 8 + common.HashLength + 4

// MarshalBinary encodes the leg:
//
//	u64 height ‖ u32 tx index ‖ u64 rollup ‖
//	[32] bundle id ‖ u8 N ‖ N × (u64 rollup ‖ [32] data hash) ‖
//	u32 data length ‖ data
func (l *BatchLeg) MarshalBinary() ([]byte, error) {
	if err := l.checkEncodable(); err != nil {
		return nil, err
	}
	return l.appendBinary(nil), nil
}

func (l *BatchLeg) checkEncodable() error {
	if l.Height < 1 {
		return fmt.Errorf("%w: leg height %d", ErrMalformed, l.Height)
	}
	if len(l.Manifest.Legs) == 0 || len(l.Manifest.Legs) > MaxBundleLegs {
		return fmt.Errorf("%w: manifest of %d legs", ErrMalformed, len(l.Manifest.Legs))
	}
	if uint64(len(l.Data)) > math.MaxUint32 {
		return fmt.Errorf("%w: %d bytes of data", ErrMalformed, len(l.Data))
	}
	return nil
}

func (l *BatchLeg) appendBinary(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(l.Height))
	b = binary.BigEndian.AppendUint32(b, l.TxIndex)
	b = binary.BigEndian.AppendUint64(b, l.Rollup)
	b = l.Manifest.appendEncoding(b)
	b = binary.BigEndian.AppendUint32(b, uint32(len(l.Data)))
	return append(b, l.Data...)
}

// ParseBatchLeg decodes what BatchLeg.MarshalBinary writes. The leg's data
// aliases b.
func ParseBatchLeg(b []byte) (*BatchLeg, error) {
	r := reader{b: b}
	l := r.leg()
	if err := r.done(); err != nil {
		return nil, err
	}
	return &l, nil
}

// MarshalBinary encodes the path: u64 index ‖ u64 size ‖ u8 n ‖ n × [32].
func (p *AuditPath) MarshalBinary() ([]byte, error) {
	if err := p.checkEncodable(); err != nil {
		return nil, err
	}
	return p.appendBinary(nil), nil
}

func (p *AuditPath) checkEncodable() error {
	if p.Index >= p.Size || len(p.Hashes) > MaxPathLen {
		return fmt.Errorf("%w: path for leaf %d of %d with %d hashes", ErrMalformed, p.Index, p.Size, len(p.Hashes))
	}
	return nil
}

func (p *AuditPath) appendBinary(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, p.Index)
	b = binary.BigEndian.AppendUint64(b, p.Size)
	b = append(b, byte(len(p.Hashes)))
	for _, h := range p.Hashes {
		b = append(b, h[:]...)
	}
	return b
}

// ParseAuditPath decodes what AuditPath.MarshalBinary writes. It checks
// the shape only as far as the encoding goes (index below size, at most
// 64 hashes); verification checks the rest.
func ParseAuditPath(b []byte) (*AuditPath, error) {
	r := reader{b: b}
	p := r.path()
	if err := r.done(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (e *Entry) appendBinary(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, e.Rollup)
	b = append(b, e.Root[:]...)
	return binary.BigEndian.AppendUint32(b, e.Legs)
}

// MarshalBinary encodes the proof: leg path ‖ entry (u64 rollup ‖ [32]
// root ‖ u32 leg count) ‖ entry path.
func (p *LegProof) MarshalBinary() ([]byte, error) {
	if err := p.Path.checkEncodable(); err != nil {
		return nil, err
	}
	if err := p.Entry.Path.checkEncodable(); err != nil {
		return nil, err
	}
	b := p.Path.appendBinary(nil)
	b = p.Entry.Entry.appendBinary(b)
	return p.Entry.Path.appendBinary(b), nil
}

// ParseLegProof decodes what LegProof.MarshalBinary writes.
func ParseLegProof(b []byte) (*LegProof, error) {
	r := reader{b: b}
	var p LegProof
	p.Path = r.path()
	p.Entry = r.entryProof()
	if err := r.done(); err != nil {
		return nil, err
	}
	return &p, nil
}

// MarshalBinary encodes the batch:
//
//	u8 version (= 1) ‖ u64 height ‖ u64 rollup ‖ u32 leg count N ‖
//	N × leg (BatchLeg.MarshalBinary) ‖ proof
//
// where proof is 0x01 ‖ audit path (N > 0), or 0x02 ‖ u8 flags ‖
// [below: entry ‖ audit path if flags&1] ‖ [above: … if flags&2] (N = 0).
func (b *Batch) MarshalBinary() ([]byte, error) {
	if b.Height < 1 {
		return nil, fmt.Errorf("%w: batch height %d", ErrMalformed, b.Height)
	}
	if uint64(len(b.Legs)) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d legs", ErrMalformed, len(b.Legs))
	}
	if (len(b.Legs) > 0) != (b.Path != nil) || (b.Path != nil) == (b.Absence != nil) {
		return nil, fmt.Errorf("%w: a batch carries an inclusion path when it has legs, an absence proof when not", ErrMalformed)
	}
	out := []byte{BatchEncodingVersion}
	out = binary.BigEndian.AppendUint64(out, uint64(b.Height))
	out = binary.BigEndian.AppendUint64(out, b.Rollup)
	out = binary.BigEndian.AppendUint32(out, uint32(len(b.Legs)))
	for i := range b.Legs {
		if err := b.Legs[i].checkEncodable(); err != nil {
			return nil, err
		}
		out = b.Legs[i].appendBinary(out)
	}
	if b.Path != nil {
		if err := b.Path.checkEncodable(); err != nil {
			return nil, err
		}
		out = append(out, proofInclusion)
		return b.Path.appendBinary(out), nil
	}
	var flags byte
	if b.Absence.Below != nil {
		flags |= hasBelow
	}
	if b.Absence.Above != nil {
		flags |= hasAbove
	}
	out = append(out, proofAbsence, flags)
	for _, p := range []*EntryProof{b.Absence.Below, b.Absence.Above} {
		if p == nil {
			continue
		}
		if err := p.Path.checkEncodable(); err != nil {
			return nil, err
		}
		out = p.Entry.appendBinary(out)
		out = p.Path.appendBinary(out)
	}
	return out, nil
}

// ParseBatch decodes what Batch.MarshalBinary writes. Legs' data alias b.
// It checks structure only; VerifyBatch checks the batch against a root.
func ParseBatch(b []byte) (*Batch, error) {
	r := reader{b: b}
	if v := r.u8(); r.err == nil && v != BatchEncodingVersion {
		return nil, fmt.Errorf("%w: batch version %d, this reader reads %d", ErrMalformed, v, BatchEncodingVersion)
	}
	batch := &Batch{Height: r.height(), Rollup: r.u64()}
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(r.b)/minLegSize) {
		return nil, fmt.Errorf("%w: %d legs in %d bytes", ErrMalformed, n, len(r.b))
	}
	batch.Legs = make([]BatchLeg, 0, n)
	for range n {
		if r.err != nil {
			break
		}
		batch.Legs = append(batch.Legs, r.leg())
	}
	switch kind := r.u8(); {
	case r.err != nil:
	case kind == proofInclusion && n > 0:
		p := r.path()
		batch.Path = &p
	case kind == proofAbsence && n == 0:
		flags := r.u8()
		if r.err == nil && flags > hasBelow|hasAbove {
			r.fail("absence flags %#x", flags)
		}
		batch.Absence = &AbsenceProof{}
		if flags&hasBelow != 0 {
			p := r.entryProof()
			batch.Absence.Below = &p
		}
		if flags&hasAbove != 0 {
			p := r.entryProof()
			batch.Absence.Above = &p
		}
	default:
		r.fail("proof kind %d for a batch of %d legs", kind, n)
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return batch, nil
}

// reader decodes big-endian fields; the first error sticks and later
// reads return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail("truncated: %d bytes needed, %d remain", n, len(r.b))
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() byte {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if v := r.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (r *reader) hash() (h common.Hash) {
	copy(h[:], r.take(common.HashLength))
	return h
}

func (r *reader) height() int64 {
	h := r.u64()
	if r.err == nil && (h < 1 || h > math.MaxInt64) {
		r.fail("height %d, must be 1..2^63-1", h)
	}
	return int64(h)
}

func (r *reader) leg() BatchLeg {
	l := BatchLeg{Height: r.height(), TxIndex: r.u32(), Rollup: r.u64()}
	l.Manifest.BundleID = r.hash()
	n := int(r.u8())
	if r.err == nil && (n == 0 || n > MaxBundleLegs) {
		r.fail("manifest of %d legs, must be 1..%d", n, MaxBundleLegs)
	}
	if r.err == nil {
		l.Manifest.Legs = make([]LegHash, n)
	}
	for i := range l.Manifest.Legs {
		l.Manifest.Legs[i] = LegHash{Rollup: r.u64(), Hash: r.hash()}
		if i > 0 && r.err == nil && l.Manifest.Legs[i].Rollup <= l.Manifest.Legs[i-1].Rollup {
			r.fail("manifest rollup %d after %d (must increase)", l.Manifest.Legs[i].Rollup, l.Manifest.Legs[i-1].Rollup)
		}
	}
	size := r.u32()
	if r.err == nil && uint64(size) > uint64(len(r.b)) {
		r.fail("leg data of %d bytes, %d remain", size, len(r.b))
	}
	l.Data = r.take(int(size))
	if l.Data == nil {
		l.Data = []byte{}
	}
	return l
}

func (r *reader) path() AuditPath {
	p := AuditPath{Index: r.u64(), Size: r.u64()}
	n := int(r.u8())
	if r.err == nil && (p.Index >= p.Size || n > MaxPathLen) {
		r.fail("path for leaf %d of %d with %d hashes", p.Index, p.Size, n)
	}
	if r.err == nil && n > 0 {
		p.Hashes = make([]common.Hash, n)
	}
	for i := range p.Hashes {
		p.Hashes[i] = r.hash()
	}
	return p
}

func (r *reader) entryProof() EntryProof {
	e := Entry{Rollup: r.u64(), Root: r.hash(), Legs: r.u32()}
	return EntryProof{Entry: e, Path: r.path()}
}

func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes", len(r.b))
	}
	return r.err
}
