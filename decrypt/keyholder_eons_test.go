package decrypt

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// staticFeed serves fixed committed blocks.
type staticFeed map[int64]Block

func (f staticFeed) LastCommitted(context.Context) (int64, error) {
	return int64(len(f)), nil
}

func (f staticFeed) Block(_ context.Context, h int64) (Block, error) { return f[h], nil }

func (f staticFeed) WaitCommit(ctx context.Context, _ int64) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestKeyholderReleasesEveryEon: a keyholder holding shares of two eons
// releases, for a block with both eons' envelopes, one release per eon
// with that eon's member index; a dropped eon is no longer released.
func TestKeyholderReleasesEveryEon(t *testing.T) {
	c1 := newCommittee(t)
	pk2, sks2, err := threshold.DealKeys(seeded(9), 2, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	mixed := c1.block(t, 1, 2)
	h := mempool.Envelope{ChainID: "test", Eon: 2, Nonce: 5, Fee: 1, Expiry: 100, Rollups: []uint64{1}}
	e, err := mempool.Seal(c1.rng, threshold.NewEncrypter(pk2), h, []byte("eon 2"), c1.key)
	if err != nil {
		t.Fatal(err)
	}
	mixed.Txs = append(mixed.Txs, Tx{Hash: e.Hash(), Index: 2, Envelope: e})
	later := c1.block(t, 2, 1)
	sink := &recordingSink{}
	kh, err := NewKeyholder(KeyholderConfig{Share: c1.sks[1], Feed: staticFeed{1: mixed}, Sinks: []Sink{sink}})
	if err != nil {
		t.Fatal(err)
	}
	kh.AddShare(sks2[2]) // member 2 of eon 1 is member 3 of eon 2
	eons := kh.Eons()
	slices.Sort(eons)
	if !slices.Equal(eons, []uint64{1, 2}) {
		t.Fatalf("eons %v", eons)
	}
	if err := kh.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 2 {
		t.Fatalf("%d releases, want one per eon", len(sink.got))
	}
	slices.SortFunc(sink.got, func(a, b Release) int { return int(a.Eon) - int(b.Eon) })
	if r := sink.got[0]; r.Eon != 1 || r.Member != 2 || len(r.Shares) != 2 {
		t.Fatalf("eon 1 release %+v", r)
	}
	if r := sink.got[1]; r.Eon != 2 || r.Member != 3 || len(r.Shares) != 1 {
		t.Fatalf("eon 2 release %+v", r)
	}
	if err := threshold.VerifyKeyShares(rand.Reader, pk2, 3, identities(mixed.Txs, []int{2}), sink.got[1].Shares); err != nil {
		t.Fatalf("eon 2 shares: %v", err)
	}

	kh.DropShare(1)
	if eons := kh.Eons(); !slices.Equal(eons, []uint64{2}) {
		t.Fatalf("eons after dropping 1: %v", eons)
	}
	sink.got = nil
	kh2, _ := NewKeyholder(KeyholderConfig{Share: sks2[2], Feed: staticFeed{1: later}, Sinks: []Sink{sink}})
	if err := kh2.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 0 {
		t.Fatalf("released %d times for an eon it holds no share of", len(sink.got))
	}
}
