package feed_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/rollupfeed/feed"
)

const benchChain = "feed-bench"

// benchBlock is height h's transactions: n envelopes across rollups
// 1..rollups, a fifth of them bundles of two or three legs, legs of about
// 200 bytes (the devnet's demo payload size), as firm inputs.
func benchBlock(tb testing.TB, h int64, n, rollups int) []ordering.FirmTx {
	rng := rand.New(rand.NewPCG(uint64(h), 9))
	txs := make([]ordering.FirmTx, n)
	for i := range txs {
		pick := func() uint64 { return uint64(1 + rng.IntN(rollups)) }
		var legs []rollupfeed.Leg
		if i%5 == 4 {
			seen := map[uint64]bool{}
			for range 2 + rng.IntN(2) {
				if r := pick(); !seen[r] {
					seen[r] = true
					legs = append(legs, rollupfeed.Leg{Rollup: r})
				}
			}
		} else {
			legs = []rollupfeed.Leg{{Rollup: pick()}}
		}
		for j := range legs {
			legs[j].Data = fmt.Appendf(nil, `{"transfer":%d,"height":%d,"memo":"%0170d"}`, i, h, j)
		}
		pt, ids, err := rollupfeed.EncodePlaintext(legs)
		if err != nil {
			tb.Fatal(err)
		}
		id := crypto.Keccak256Hash(binary.BigEndian.AppendUint64(nil, uint64(h)), binary.BigEndian.AppendUint32(nil, uint32(i)))
		txs[i] = ordering.FirmTx{Hash: id, Index: uint32(i), Rollups: ids, Plaintext: pt}
	}
	return txs
}

// populate commits heights blocks of n envelopes each to a new feed on
// an in-memory store, each height's keys recorded in the next block, and
// returns the feed with every height firm.
func populate(tb testing.TB, heights int64, n, rollups int) *feed.Feed {
	ids := make([]uint64, rollups)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	f, err := feed.New(feed.Config{DB: dbm.NewMemDB(), ChainID: benchChain, Rollups: func() ([]uint64, error) { return ids, nil }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.Close)
	var prev []ordering.FirmTx
	for h := int64(1); h <= heights+2; h++ {
		var txs []ordering.FirmTx
		if h <= heights {
			txs = benchBlock(tb, h, n, rollups)
		}
		// What the application hands the feed: the block, the firm
		// inputs it recorded and their batch roots under its app hash.
		b := ordering.CommittedBlock{Height: h, PrevAppHash: make([]byte, 32), ChangesRoot: make([]byte, 32)}
		for _, tx := range txs {
			b.Txs = append(b.Txs, ordering.CommittedTx{Hash: mempool.Hash(tx.Hash), Index: tx.Index, Envelope: &mempool.Envelope{Rollups: tx.Rollups}})
		}
		if prev != nil {
			fb := ordering.FirmBlock{Height: h - 1, RecordedAt: h, Txs: prev}
			blk, err := rollupfeed.BuildBlock(h-1, benchChain, fb.DecryptedTxs())
			if err != nil {
				tb.Fatal(err)
			}
			b.Firm = []ordering.FirmBlock{fb}
			b.FirmRoots = append(b.FirmRoots, rollupfeed.FirmRoot{Height: h - 1, Root: blk.Root})
		}
		if len(txs) == 0 {
			b.FirmRoots = append(b.FirmRoots, rollupfeed.FirmRoot{Height: h, Root: rollupfeed.EmptyRoot})
		}
		b.AppHash = rollupfeed.AppHash(b.PrevAppHash, h, b.ChangesRoot, b.FirmRoots)
		if err := f.OnCommit(b); err != nil {
			tb.Fatal(err)
		}
		prev = txs
	}
	if f.Tip(feed.Firm) < heights {
		tb.Fatalf("firm tip %d, want %d", f.Tip(feed.Firm), heights)
	}
	return f
}

// BenchmarkFeedSubscribers streams every firm batch of a populated store
// (200 heights of 100 envelopes, 3 rollups) to 1, 10 and 100 concurrent
// subscribers, spread over the rollups, and reports the aggregate
// delivery rate: with each subscriber verifying each batch as a rollup
// would (on the same cores as the feed), and without, which is the
// feed's own serving rate. The store holds
// more heights than the feed's block cache, so blocks are rebuilt from
// their stored inputs as subscribers reach them.
//
//	go test ./rollupfeed/feed -run '^$' -bench FeedSubscribers -benchtime 3x
func BenchmarkFeedSubscribers(b *testing.B) {
	const heights, perBlock, rollups = 200, 100, 3
	f := populate(b, heights, perBlock, rollups)
	for _, verify := range []bool{true, false} {
		for _, subs := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("verify=%v/subscribers=%d", verify, subs), func(b *testing.B) {
				var batches, legs int64
				for b.Loop() {
					var wg sync.WaitGroup
					var mu sync.Mutex
					for i := range subs {
						wg.Add(1)
						go func() {
							defer wg.Done()
							n, l, err := drain(f, uint64(1+i%rollups), heights, verify)
							if err != nil {
								b.Error(err)
							}
							mu.Lock()
							batches, legs = batches+n, legs+l
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
				s := b.Elapsed().Seconds()
				b.ReportMetric(float64(batches)/s, "batches/s")
				b.ReportMetric(float64(legs)/s, "legs/s")
			})
		}
	}
}

// drain reads rollup's firm batches 1..heights, verifying each if
// verify.
func drain(f *feed.Feed, rollup uint64, heights int64, verify bool) (batches, legs int64, err error) {
	s, err := f.Subscribe(rollup, 1, feed.Firm)
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	for d := range s.C() {
		if verify {
			if err := rollupfeed.VerifyBatch(d.Batch, d.Root); err != nil {
				return batches, legs, err
			}
		}
		batches++
		legs += int64(len(d.Batch.Legs))
		if d.Batch.Height == heights {
			return batches, legs, nil
		}
	}
	return batches, legs, s.Err()
}

// BenchmarkVerifyBatchByLegs verifies one rollup's batch holding 1, 10,
// 100 and 1,000 legs, in blocks of 3 and of 64 rollups, and reports the
// proof's size: the batch's inclusion path, and what the batch encoding
// adds per leg to the legs' data.
//
//	go test ./rollupfeed/feed -run '^$' -bench VerifyBatchByLegs
func BenchmarkVerifyBatchByLegs(b *testing.B) {
	for _, rollups := range []int{3, 64} {
		for _, legs := range []int{1, 10, 100, 1000} {
			// Rollup 1 gets legs single-rollup envelopes; each other
			// rollup one, so the batch tree has every rollup.
			var txs []rollupfeed.DecryptedTx
			add := func(r uint64, data []byte) {
				i := len(txs)
				txs = append(txs, rollupfeed.DecryptedTx{Hash: crypto.Keccak256Hash(binary.BigEndian.AppendUint32(nil, uint32(i))), Index: uint32(i), Rollups: []uint64{r}, Plaintext: data})
			}
			for i := range legs {
				add(1, fmt.Appendf(nil, `{"transfer":%d,"memo":"%0180d"}`, i, i))
			}
			for r := 2; r <= rollups; r++ {
				add(uint64(r), []byte("other rollup"))
			}
			blk, err := rollupfeed.BuildBlock(1, benchChain, txs)
			if err != nil {
				b.Fatal(err)
			}
			batch := blk.Batch(1)
			enc, _ := batch.MarshalBinary()
			path, _ := batch.Path.MarshalBinary()
			data := 0
			for _, l := range batch.Legs {
				data += len(l.Data)
			}
			b.Run(fmt.Sprintf("rollups=%d/legs=%d", rollups, legs), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := rollupfeed.VerifyBatch(batch, blk.Root); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(legs), "ns/leg")
				b.ReportMetric(float64(len(path)), "path-B")
				b.ReportMetric(float64(len(enc)-data)/float64(legs), "overhead-B/leg")
			})
		}
	}
}
