package test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/rollupfeed"
)

// received is what one subscriber saw of one rollup.
type received struct {
	heights []int64
	legs    []rollupfeed.BatchLeg
	batches []*client.Batch
}

// follow subscribes to rollup from height 1 through height until(),
// once it is known (until returns −1 before),
// checking that heights come one by one. Every resumeEvery-th batch (by
// a fixed random sequence) it drops the subscription and resumes from
// the next height, as a rollup restarting would; 0 never does.
func follow(ctx context.Context, c *client.Client, rollup uint64, level api.DecryptionLevel, until func() int64, rng *rand.Rand) (*received, error) {
	r := &received{}
	next := int64(1)
	done := func() bool { u := until(); return u >= 0 && next > u }
	for !done() {
		sctx, cancel := context.WithCancel(ctx)
		stopAfter := -1
		if rng != nil {
			stopAfter = 1 + rng.IntN(6)
		}
		n := 0
		for b, err := range c.Subscribe(sctx, rollup, next, level, client.WithRetryDelay(20*time.Millisecond, 200*time.Millisecond)) {
			if err != nil {
				cancel()
				return r, err
			}
			if b.Height != next {
				cancel()
				return r, errors.New("gap or duplicate: got height " + itoa(b.Height) + ", want " + itoa(next))
			}
			if b.Level != level {
				cancel()
				return r, errors.New("batch at the wrong level")
			}
			next++
			r.heights = append(r.heights, b.Height)
			r.legs = append(r.legs, b.Legs...)
			r.batches = append(r.batches, b)
			n++
			if done() || n == stopAfter {
				break
			}
		}
		cancel()
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
	}
	return r, nil
}

func itoa(h int64) string { return strconv.FormatInt(h, 10) }

// TestRollupFeed sends transfers and bundles across the demo rollups and
// follows both rollups' feeds, firm and soft, one subscriber dropping and
// resuming at random heights: each
// rollup gets exactly its legs, once, in block order; every bundle is on
// both rollups at the same height; the batches verify and tampered ones
// do not.
func TestRollupFeed(t *testing.T) {
	const total, wallets = 60, 4
	d := startDevnet(t, wallets)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a, b := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID

	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	// Bad requests fail at once with codes a user can act on.
	for _, tc := range []struct {
		rollup uint64
		from   int64
		code   connect.Code
	}{{999, 1, connect.CodeNotFound}, {a, 0, connect.CodeInvalidArgument}, {a, -5, connect.CodeInvalidArgument}, {a, 1<<62 + 1, connect.CodeInvalidArgument}} {
		for _, err := range c.Subscribe(ctx, tc.rollup, tc.from, api.LevelFirm) {
			if connect.CodeOf(err) != tc.code {
				t.Fatalf("subscribe rollup %d from %d: %v, want %v", tc.rollup, tc.from, err, tc.code)
			}
			if tc.rollup == 999 && !strings.Contains(err.Error(), "1001") {
				t.Errorf("unknown rollup error does not list the registered ones: %v", err)
			}
			break
		}
	}
	if _, err := c.GetBatch(ctx, a, 1<<40, api.LevelFirm); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("batch beyond the tip: %v", err)
	}

	// Traffic, recording each accepted envelope's legs.
	var mu sync.Mutex
	last := map[int][]client.Leg{} // by wallet: the legs being submitted
	sent := map[common.Hash][]client.Leg{}
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: total}
	traffic.Payload = func(w, i int) []client.Leg {
		legs := devnet.DemoLegs(w, i)
		mu.Lock()
		defer mu.Unlock()
		last[w] = legs
		return legs
	}

	type result struct {
		name string
		r    *received
		err  error
	}
	results := make(chan result, 4)
	// Subscribers start before the traffic so they follow live; the
	// counts they wait for are known when the traffic is done.
	target := int64(-1) // under mu
	start := func(name string, rollup uint64, level api.DecryptionLevel, rng *rand.Rand) {
		until := func() int64 {
			mu.Lock()
			defer mu.Unlock()
			return target
		}
		go func() {
			r, err := follow(ctx, c, rollup, level, until, rng)
			results <- result{name, r, err}
		}()
	}
	start("firm a", a, api.LevelFirm, nil)
	start("firm b (resuming)", b, api.LevelFirm, rand.New(rand.NewPCG(1, 2)))
	start("soft a", a, api.LevelSoft, nil)

	traffic.OnSubmit = func(w int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		sent[h] = last[w]
	}
	if err := traffic.Run(ctx); err != nil {
		t.Fatalf("traffic: %v", err)
	}
	// Each accepted envelope is firm, unless the restart lost it from the
	// API node's mempool before gossip (then it is nowhere).
	want := map[uint64]map[string]bool{a: {}, b: {}}
	var bundles int
	var top int64
	for h, legs := range sent {
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		st, err := c.Wait(wctx, h, client.UntilFirm)
		wcancel()
		if err != nil {
			if st, serr := c.Status(ctx, h); serr == nil && (st.State == api.TxIncluded || st.State == api.TxDecrypted) {
				t.Fatalf("%s: included but not firm: %v", h, err)
			}
			st2, serr := c.Status(ctx, h)
			t.Logf("%s: not committed (%v) status %+v %v submitted %d", h, err, st2, serr, traffic.Submitted())
			continue
		}
		top = max(top, int64(st.Height))
		for _, l := range legs {
			want[l.Rollup][string(l.Data)] = true
		}
		if len(legs) > 1 {
			bundles++
		}
	}
	if bundles == 0 {
		t.Fatal("traffic sent no bundles")
	}
	mu.Lock()
	target = top
	mu.Unlock()

	got := map[string]*received{}
	for range 3 {
		res := <-results
		if res.err != nil {
			t.Fatalf("%s: %v", res.name, res.err)
		}
		got[res.name] = res.r
	}

	check := func(name string, rollup uint64, r *received) {
		seen := map[string]bool{}
		for i, l := range r.legs {
			if l.Rollup != rollup {
				t.Fatalf("%s: leg for rollup %d", name, l.Rollup)
			}
			if i > 0 {
				p := r.legs[i-1]
				if l.Height < p.Height || (l.Height == p.Height && l.TxIndex <= p.TxIndex) {
					t.Fatalf("%s: leg %d at %d/%d after %d/%d", name, i, l.Height, l.TxIndex, p.Height, p.TxIndex)
				}
			}
			if seen[string(l.Data)] || !want[rollup][string(l.Data)] {
				t.Fatalf("%s: unexpected or repeated leg %q", name, l.Data)
			}
			seen[string(l.Data)] = true
		}
		if len(seen) != len(want[rollup]) {
			t.Fatalf("%s: %d legs, want %d", name, len(seen), len(want[rollup]))
		}
		for i, h := range r.heights {
			if h != int64(i+1) {
				t.Fatalf("%s: heights %v", name, r.heights)
			}
		}
	}
	check("firm a", a, got["firm a"])
	check("firm b", b, got["firm b (resuming)"])
	check("soft a", a, got["soft a"])
	if !slices.EqualFunc(got["firm a"].legs, got["soft a"].legs, func(x, y rollupfeed.BatchLeg) bool {
		return string(x.Data) == string(y.Data) && x.Height == y.Height && x.TxIndex == y.TxIndex
	}) {
		t.Error("soft and firm legs of rollup a differ")
	}

	// Every bundle is on both rollups, at the same height and position.
	where := map[common.Hash]rollupfeed.BatchLeg{}
	for _, l := range got["firm b (resuming)"].legs {
		where[l.Manifest.BundleID] = l
	}
	var checked int
	for _, l := range got["firm a"].legs {
		if len(l.Manifest.Legs) == 1 {
			continue
		}
		o, ok := where[l.Manifest.BundleID]
		if !ok || o.Height != l.Height || o.TxIndex != l.TxIndex || o.Manifest.Commitment() != l.Manifest.Commitment() {
			t.Fatalf("bundle %s: on rollup a at %d, on b: %v %+v", l.Manifest.BundleID, l.Height, ok, o)
		}
		checked++
	}
	if checked != bundles {
		t.Fatalf("%d bundles on rollup a, %d sent", checked, bundles)
	}
	// GetBundle returns both legs, verified.
	for _, l := range got["firm a"].legs {
		if len(l.Manifest.Legs) == 2 {
			bu, err := c.GetBundle(ctx, l.Manifest.BundleID)
			if err != nil || len(bu.Legs) != 2 || bu.Height != l.Height {
				t.Fatalf("GetBundle: %+v, %v", bu, err)
			}
			break
		}
	}

	// Tampered batches fail verification.
	var sample *client.Batch
	for _, bt := range got["firm a"].batches {
		if len(bt.Legs) >= 2 {
			sample = bt
			break
		}
	}
	if sample == nil {
		t.Fatal("no batch with two legs")
	}
	if err := client.VerifyBatch(sample); err != nil {
		t.Fatal(err)
	}
	tamper := map[string]func(*rollupfeed.Batch){
		"changed leg":   func(x *rollupfeed.Batch) { x.Legs[0].Data = append([]byte("x"), x.Legs[0].Data...) },
		"dropped leg":   func(x *rollupfeed.Batch) { x.Legs = x.Legs[1:] },
		"reordered":     func(x *rollupfeed.Batch) { x.Legs[0], x.Legs[1] = x.Legs[1], x.Legs[0] },
		"wrong height":  func(x *rollupfeed.Batch) { x.Height++ },
		"another leg's": func(x *rollupfeed.Batch) { x.Legs[1] = x.Legs[0] },
	}
	for name, f := range tamper {
		enc, _ := sample.MarshalBinary()
		cp, err := rollupfeed.ParseBatch(enc)
		if err != nil {
			t.Fatal(err)
		}
		f(cp)
		if err := client.VerifyBatch(&client.Batch{Level: sample.Level, Root: sample.Root, Batch: cp}); err == nil {
			t.Errorf("%s: tampered batch verifies", name)
		}
	}
}
