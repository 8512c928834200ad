package rollupfeed

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/veilseq/veil/mempool"
)

// Leg is one rollup's part of a transaction: what a wallet puts in and
// what OpenPlaintext takes out.
type Leg struct {
	Rollup uint64
	Data   []byte
}

// BundleVersion is the bundle encoding version EncodeBundle writes.
const BundleVersion = 1

// MaxBundleLegs is the most legs a bundle holds: one per destination
// rollup of an envelope.
const MaxBundleLegs = mempool.MaxRollups

// EncodeBundle encodes legs as the plaintext of a multi-rollup envelope.
//
// Which plaintext format an envelope carries follows from its clear
// header: an envelope addressed to one rollup carries that rollup's data as
// is; one addressed to several carries a bundle whose legs name exactly the
// header's rollups, in the same (increasing) order (EncodePlaintext picks
// the format, OpenPlaintext checks it). The bundle is encrypted as one
// ciphertext, so its legs are included together or not at all.
//
// Layout, version 1 (integers big-endian, so the encoding is unique):
//
//	u8   version (= 1)
//	u8   leg count N (1..16)
//	N ×  u64 rollup id (strictly increasing)
//	     u32 data length L, then L bytes of data
//
// Nothing follows the last leg.
func EncodeBundle(legs []Leg) ([]byte, error) {
	if len(legs) == 0 || len(legs) > MaxBundleLegs {
		return nil, fmt.Errorf("rollupfeed: a bundle has 1..%d legs, not %d", MaxBundleLegs, len(legs))
	}
	n := 2
	for i, l := range legs {
		if i > 0 && l.Rollup <= legs[i-1].Rollup {
			return nil, fmt.Errorf("rollupfeed: bundle legs must name distinct rollups in increasing order (leg %d: rollup %d after %d)",
				i, l.Rollup, legs[i-1].Rollup)
		}
		if len(l.Data) > mempool.MaxCiphertextSize {
			return nil, fmt.Errorf("rollupfeed: leg for rollup %d holds %d bytes, more than any envelope carries", l.Rollup, len(l.Data))
		}
		n += 12 + len(l.Data)
	}
	b := make([]byte, 0, n)
	b = append(b, BundleVersion, byte(len(legs)))
	for _, l := range legs {
		b = binary.BigEndian.AppendUint64(b, l.Rollup)
		b = binary.BigEndian.AppendUint32(b, uint32(len(l.Data)))
		b = append(b, l.Data...)
	}
	return b, nil
}

// DecodeBundle parses a bundle. It accepts exactly the encodings
// EncodeBundle produces; every error wraps ErrBadBundle. The legs' data
// alias b.
func DecodeBundle(b []byte) ([]Leg, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the 2-byte header", ErrBadBundle, len(b))
	}
	if b[0] != BundleVersion {
		return nil, fmt.Errorf("%w: version %d, this reader reads version %d", ErrBadBundle, b[0], BundleVersion)
	}
	n := int(b[1])
	if n == 0 || n > MaxBundleLegs {
		return nil, fmt.Errorf("%w: %d legs, must be 1..%d", ErrBadBundle, n, MaxBundleLegs)
	}
	legs := make([]Leg, 0, n)
	rest := b[2:]
	for i := range n {
		if len(rest) < 12 {
			return nil, fmt.Errorf("%w: leg %d truncated", ErrBadBundle, i)
		}
		id := binary.BigEndian.Uint64(rest)
		size := binary.BigEndian.Uint32(rest[8:])
		rest = rest[12:]
		if uint64(size) > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: leg %d claims %d bytes, %d remain", ErrBadBundle, i, size, len(rest))
		}
		if i > 0 && id <= legs[i-1].Rollup {
			return nil, fmt.Errorf("%w: leg %d: rollup %d after %d (must increase)", ErrBadBundle, i, id, legs[i-1].Rollup)
		}
		legs = append(legs, Leg{Rollup: id, Data: rest[:size:size]})
		rest = rest[size:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrBadBundle, len(rest))
	}
	return legs, nil
}

// EncodePlaintext returns the plaintext an envelope carrying legs encrypts
// and the destination rollups its clear header must list: one leg's data
// as is, several legs as a bundle. Legs may come in any order; they are
// sorted by rollup. It is the inverse of OpenPlaintext.
func EncodePlaintext(legs []Leg) (plaintext []byte, rollups []uint64, err error) {
	switch len(legs) {
	case 0:
		return nil, nil, fmt.Errorf("rollupfeed: a transaction needs at least one leg (rollup and data)")
	case 1:
		return legs[0].Data, []uint64{legs[0].Rollup}, nil
	}
	sorted := slices.Clone(legs)
	slices.SortStableFunc(sorted, func(a, b Leg) int { return cmp.Compare(a.Rollup, b.Rollup) })
	plaintext, err = EncodeBundle(sorted)
	if err != nil {
		return nil, nil, err
	}
	rollups = make([]uint64, len(sorted))
	for i, l := range sorted {
		rollups[i] = l.Rollup
	}
	return plaintext, rollups, nil
}

// OpenPlaintext splits the plaintext of an envelope whose clear header
// lists rollups into its legs. One rollup: the plaintext is that rollup's
// data, whatever its bytes. Several: the plaintext must be a bundle
// (ErrBadBundle) whose legs name exactly those rollups in the same order
// (ErrBundleMismatch). A transaction whose plaintext does not open is
// failed: none of its legs is delivered. The legs' data alias plaintext.
func OpenPlaintext(rollups []uint64, plaintext []byte) ([]Leg, error) {
	if err := checkRollups(rollups); err != nil {
		return nil, err
	}
	if len(rollups) == 1 {
		return []Leg{{Rollup: rollups[0], Data: plaintext}}, nil
	}
	legs, err := DecodeBundle(plaintext)
	if err != nil {
		return nil, err
	}
	if len(legs) != len(rollups) {
		return nil, fmt.Errorf("%w: %d legs for %d rollups", ErrBundleMismatch, len(legs), len(rollups))
	}
	for i, l := range legs {
		if l.Rollup != rollups[i] {
			return nil, fmt.Errorf("%w: leg %d is for rollup %d, the header names %d", ErrBundleMismatch, i, l.Rollup, rollups[i])
		}
	}
	return legs, nil
}

// checkRollups checks a clear header's destination list: 1..16 ids,
// strictly increasing (what mempool admits).
func checkRollups(rollups []uint64) error {
	if len(rollups) == 0 || len(rollups) > MaxBundleLegs {
		return fmt.Errorf("%w: %d destination rollups, must be 1..%d", ErrBundleMismatch, len(rollups), MaxBundleLegs)
	}
	for i := 1; i < len(rollups); i++ {
		if rollups[i] <= rollups[i-1] {
			return fmt.Errorf("%w: destination rollups not strictly increasing (%d after %d)", ErrBundleMismatch, rollups[i], rollups[i-1])
		}
	}
	return nil
}
