package threshold_test

import (
	"crypto/sha3"
	"io"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// seeded returns a deterministic randomness source: SHAKE256 of the seed.
func seeded(seed string) io.Reader {
	h := sha3.NewSHAKE256()
	h.Write([]byte(seed))
	return h
}

func deal(tb testing.TB, seed string, eon uint64, t, n int) (*threshold.EonPublicKey, []*threshold.SecretKeyShare) {
	tb.Helper()
	pk, sks, err := threshold.DealKeys(seeded(seed), eon, t, n)
	if err != nil {
		tb.Fatal(err)
	}
	return pk, sks
}

func testIdentity(chainID string, eon uint64, i int) threshold.Identity {
	var sender [20]byte
	var prefix [32]byte
	sender[0] = byte(i)
	prefix[0], prefix[1] = byte(i>>8), byte(i)
	return threshold.DeriveIdentity(chainID, eon, sender, prefix)
}

func testIdentities(eon uint64, m int) []threshold.Identity {
	ids := make([]threshold.Identity, m)
	for i := range ids {
		ids[i] = testIdentity("veil-test", eon, i)
	}
	return ids
}

// sharesOf returns members' key shares for ids, keyed by member index.
func sharesOf(sks []*threshold.SecretKeyShare, ids []threshold.Identity, members ...int) map[int][]*threshold.KeyShare {
	out := make(map[int][]*threshold.KeyShare, len(members))
	for _, i := range members {
		out[i] = sks[i-1].KeyShares(ids)
	}
	return out
}
