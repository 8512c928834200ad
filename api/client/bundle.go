package client

import (
	"github.com/veilseq/veil/rollupfeed"
)

// The bundle format is defined by package rollupfeed, which opens
// plaintexts on the node side; these names let a wallet build
// transactions without importing it.

// Leg is one rollup's part of a transaction.
type Leg = rollupfeed.Leg

// BundleVersion is the bundle encoding version EncodeBundle writes.
const BundleVersion = rollupfeed.BundleVersion

// MaxBundleLegs is the most legs a bundle holds: one per destination
// rollup of an envelope.
const MaxBundleLegs = rollupfeed.MaxBundleLegs

// ErrBadBundle is wrapped by every DecodeBundle error.
var ErrBadBundle = rollupfeed.ErrBadBundle

// EncodeBundle encodes legs as the plaintext of a multi-rollup envelope
// (rollupfeed.EncodeBundle documents the layout). Seal calls it for a
// transaction of several legs.
func EncodeBundle(legs []Leg) ([]byte, error) { return rollupfeed.EncodeBundle(legs) }

// DecodeBundle parses a bundle (rollupfeed.DecodeBundle). The legs' data
// alias b.
func DecodeBundle(b []byte) ([]Leg, error) { return rollupfeed.DecodeBundle(b) }

// encodeLegs returns the plaintext for legs and their rollup ids, sorted:
// one leg's data as is, several as a bundle.
func encodeLegs(legs []Leg) ([]byte, []uint64, error) {
	return rollupfeed.EncodePlaintext(legs)
}
