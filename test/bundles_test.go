package test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// thirdRollup is registered besides the demo rollups for the bundle test.
var thirdRollup = ordering.Rollup{ID: 1003, Name: "demo-c"}

// bundleShapes are the destination sets the bundle test's bundles cycle
// through: every pair of the three rollups, and all three.
func bundleShapes() [][]uint64 {
	a, b, c := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID, thirdRollup.ID
	return [][]uint64{{a, b}, {a, c}, {b, c}, {a, b, c}}
}

// waitFinal waits until each hash is decrypted (or failed to) on the
// node and returns its record.
func waitFinal(ctx context.Context, t testing.TB, app *ordering.App, hashes []common.Hash) map[common.Hash]ordering.TxRecord {
	t.Helper()
	out := make(map[common.Hash]ordering.TxRecord, len(hashes))
	for _, h := range hashes {
		for {
			r, err := app.Tx(h)
			if err == nil && (r.Status == ordering.TxDecrypted || r.Status == ordering.TxDecryptFailed) {
				out[h] = r
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s not final: %+v %v", h, r, err)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return out
}

// startDevnetConfig starts a devnet with cfg (devnetConfig's, adjusted)
// and stops it when the test ends.
func startDevnetConfig(t testing.TB, cfg devnet.Config) *devnet.Devnet {
	t.Helper()
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop devnet: %v", err)
		}
	})
	return d
}

// TestRollupFeedBundles sends 1,000 envelopes through the wallet API, 200
// of them bundles across three rollups, and a few whose plaintext is not
// a valid bundle, while one subscriber per rollup follows the firm feed,
// two of them dropping and resuming at random heights. Each rollup gets
// exactly its legs, once, at the block position of their envelope; every
// bundle is on all its rollups at the same height and position; the
// malformed envelopes are failed, deliver nothing, and change nothing
// else.
func TestRollupFeedBundles(t *testing.T) {
	const total, wallets, malformed = 1000, 20, 12
	cfg := devnetConfig(t.TempDir(), wallets+1) // the last wallet sends the malformed envelopes
	cfg.ExtraRollups = []ordering.Rollup{thirdRollup}
	d := startDevnetConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	rollups := []uint64{devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID, thirdRollup.ID}
	shapes := bundleShapes()

	// The k-th envelope generated is a bundle when k%5 == 4; a wallet
	// whose submission was refused resends the same legs.
	var mu sync.Mutex
	var k atomic.Int64
	pending := map[int][]client.Leg{}
	sent := map[common.Hash][]client.Leg{}
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets[:wallets], Count: total, Rate: 100} // about what the devnet sustains
	traffic.Payload = func(w, _ int) []client.Leg {
		mu.Lock()
		defer mu.Unlock()
		if legs := pending[w]; legs != nil {
			return legs
		}
		n := k.Add(1) - 1
		var legs []client.Leg
		if n%5 == 4 {
			for _, r := range shapes[(n/5)%int64(len(shapes))] {
				legs = append(legs, client.Leg{Rollup: r, Data: fmt.Appendf(nil, "bundle %d leg %d", n, r)})
			}
		} else {
			r := rollups[n%3]
			legs = []client.Leg{{Rollup: r, Data: fmt.Appendf(nil, "tx %d to %d", n, r)}}
		}
		pending[w] = legs
		return legs
	}
	traffic.OnSubmit = func(w int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		sent[h] = pending[w]
		delete(pending, w)
	}

	// Subscribers follow from height 1, live; the height they stop at is
	// known once everything is final.
	target := int64(-1)
	until := func() int64 { mu.Lock(); defer mu.Unlock(); return target }
	type result struct {
		rollup uint64
		r      *received
		err    error
	}
	results := make(chan result, len(rollups))
	for i, r := range rollups {
		var rng *mrand.Rand
		if i > 0 {
			rng = mrand.New(mrand.NewPCG(uint64(i), 7))
		}
		go func() {
			got, err := follow(ctx, c, r, api.LevelFirm, until, rng)
			results <- result{r, got, err}
		}()
	}

	// The malformed envelopes, from their own wallet, during the traffic:
	// a plaintext that is no bundle, and a bundle naming other rollups
	// than its header.
	bad := make(chan []common.Hash, 1)
	go func() { bad <- sendMalformed(ctx, t, c, d.Wallets[wallets], malformed) }()

	start := time.Now()
	if err := traffic.Run(ctx); err != nil {
		t.Fatalf("traffic: %v", err)
	}
	badHashes := <-bad
	t.Logf("%d envelopes accepted in %v (%d refused and resent)", traffic.Submitted(), time.Since(start).Round(time.Millisecond), traffic.Rejected())

	hashes := slices.Collect(func(yield func(common.Hash) bool) {
		for h := range sent {
			if !yield(h) {
				return
			}
		}
	})
	hashes = append(hashes, badHashes...)
	recs := waitFinal(ctx, t, d.Network.Nodes[0].App(), hashes)
	var top int64
	for _, r := range recs {
		top = max(top, r.Height)
	}
	mu.Lock()
	target = top
	nBundles := 0
	for _, legs := range sent {
		if len(legs) > 1 {
			nBundles++
		}
	}
	mu.Unlock()
	if len(sent) != total || nBundles < total/5-wallets {
		t.Fatalf("%d envelopes sent, %d bundles", len(sent), nBundles)
	}
	t.Logf("%d envelopes (%d bundles, %d malformed) final by height %d after %v", len(sent), nBundles, len(badHashes), top, time.Since(start).Round(time.Millisecond))

	got := map[uint64]*received{}
	for range rollups {
		res := <-results
		if res.err != nil {
			t.Fatalf("rollup %d: %v", res.rollup, res.err)
		}
		got[res.rollup] = res.r
	}

	// Each rollup: exactly its legs, once, where their envelope stands in
	// the block, with a manifest naming the envelope's rollups.
	where := map[common.Hash]map[uint64]rollupfeed.BatchLeg{}
	for _, r := range rollups {
		want := map[string]bool{}
		for _, legs := range sent {
			for _, l := range legs {
				if l.Rollup == r {
					want[string(l.Data)] = true
				}
			}
		}
		seen := map[string]bool{}
		for i, l := range got[r].legs {
			if l.Rollup != r || seen[string(l.Data)] || !want[string(l.Data)] {
				t.Fatalf("rollup %d: unexpected or repeated leg %q (rollup %d)", r, l.Data, l.Rollup)
			}
			seen[string(l.Data)] = true
			id := l.Manifest.BundleID
			rec, ok := recs[id]
			if !ok || rec.Height != l.Height || rec.Index != l.TxIndex {
				t.Fatalf("rollup %d: leg %q at %d/%d, its envelope is at %+v", r, l.Data, l.Height, l.TxIndex, rec)
			}
			if i > 0 {
				p := got[r].legs[i-1]
				if l.Height < p.Height || l.Height == p.Height && l.TxIndex <= p.TxIndex {
					t.Fatalf("rollup %d: leg %d out of block order", r, i)
				}
			}
			var sentRollups []uint64
			for _, sl := range sent[id] {
				sentRollups = append(sentRollups, sl.Rollup)
			}
			if !slices.Equal(l.Manifest.Rollups(), sentRollups) {
				t.Fatalf("rollup %d: manifest names %v, the envelope went to %v", r, l.Manifest.Rollups(), sentRollups)
			}
			if where[id] == nil {
				where[id] = map[uint64]rollupfeed.BatchLeg{}
			}
			where[id][r] = l
		}
		if len(seen) != len(want) {
			t.Fatalf("rollup %d: %d legs, want %d", r, len(seen), len(want))
		}
		for i, h := range got[r].heights {
			if h != int64(i+1) {
				t.Fatalf("rollup %d: heights not 1, 2, … without gap or repeat", r)
			}
		}
	}

	// Every bundle is on all its rollups, at one height and position,
	// under one manifest.
	for id, legs := range sent {
		if len(legs) < 2 {
			continue
		}
		var first *rollupfeed.BatchLeg
		for _, sl := range legs {
			l, ok := where[id][sl.Rollup]
			if !ok {
				t.Fatalf("bundle %s: no leg on rollup %d", id, sl.Rollup)
			}
			if first == nil {
				first = &l
				continue
			}
			if l.Height != first.Height || l.TxIndex != first.TxIndex || l.Manifest.Commitment() != first.Manifest.Commitment() {
				t.Fatalf("bundle %s: legs at %d/%d and %d/%d", id, first.Height, first.TxIndex, l.Height, l.TxIndex)
			}
		}
	}

	// The malformed envelopes were ordered and decrypted, and failed in
	// the feed: no leg anywhere, GetBundle says why.
	for _, h := range badHashes {
		if _, ok := where[h]; ok {
			t.Fatalf("malformed %s delivered a leg", h)
		}
		bu, err := c.GetBundle(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if bu.Failed == "" || len(bu.Legs) != 0 || bu.Height != recs[h].Height {
			t.Fatalf("malformed %s: %+v", h, bu)
		}
	}
}

// sendMalformed seals n envelopes from key addressed to two rollups whose
// plaintexts do not open for that header: half are not bundles at all,
// half are bundles naming other rollups. It returns their hashes.
func sendMalformed(ctx context.Context, t *testing.T, c *client.Client, key *ecdsa.PrivateKey, n int) []common.Hash {
	params, err := c.Params(ctx)
	if err != nil {
		t.Error(err)
		return nil
	}
	enc := threshold.NewEncrypter(params.EonKey)
	a, b := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID
	var hashes []common.Hash
	for i := range n {
		plaintext := fmt.Appendf(nil, "not a bundle %d", i)
		if i%2 == 1 {
			plaintext, _ = client.EncodeBundle([]client.Leg{{Rollup: a, Data: []byte("x")}, {Rollup: thirdRollup.ID, Data: []byte("y")}})
		}
		env, err := mempool.Seal(rand.Reader, enc, mempool.Envelope{
			ChainID: params.ChainID, Eon: params.Eon.ID, Nonce: uint64(i), Fee: params.MinFee,
			Expiry: params.LatestHeight + client.DefaultExpiryBlocks, Rollups: []uint64{a, b},
		}, plaintext, key)
		if err != nil {
			t.Error(err)
			return nil
		}
		h, err := c.Submit(ctx, env)
		if err != nil {
			t.Errorf("malformed %d: %v", i, err)
			return nil
		}
		hashes = append(hashes, h)
	}
	return hashes
}
