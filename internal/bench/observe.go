package bench

import (
	"context"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

// observer records when each envelope was submitted, and when each
// height committed, soft-decrypted and firm-decrypted as validator 0 (or
// the target node) saw it.
type observer struct {
	wg sync.WaitGroup

	mu        sync.Mutex
	start     time.Time
	sub       map[common.Hash]time.Time
	heightOf  map[common.Hash]int64
	commitAt  map[int64]time.Time
	txsAt     map[int64]int
	softAt    map[int64]time.Time
	firmAt    map[int64]time.Time
	releases  map[int64]int
	releaseAt map[int64]time.Time
	commitTip int64
	changed   chan struct{} // closed and replaced on every event
}

func newObserver() *observer {
	return &observer{
		sub: map[common.Hash]time.Time{}, heightOf: map[common.Hash]int64{},
		commitAt: map[int64]time.Time{}, txsAt: map[int64]int{},
		softAt: map[int64]time.Time{}, firmAt: map[int64]time.Time{},
		releases: map[int64]int{}, releaseAt: map[int64]time.Time{},
		changed: make(chan struct{}),
	}
}

// observe starts following t: in process for a devnet, through the
// wallet API otherwise.
func observe(ctx context.Context, t *Target, c *client.Client) (*observer, error) {
	o := newObserver()
	if t.Devnet != nil {
		if t.Releases != nil {
			th := threshold.DefaultThreshold(len(t.Devnet.Shares))
			f := func(r decrypt.Release, _ int64) { o.released(r.Height, th, time.Now()) }
			t.Releases.f.Store(&f)
			context.AfterFunc(ctx, func() { t.Releases.f.Store(nil) })
		}
		o.followDevnet(ctx, t.Devnet, !t.Plain)
		return o, nil
	}
	blk, err := c.Block(ctx, 0)
	if err != nil {
		return nil, err
	}
	o.followNode(ctx, c, int64(blk.Height)+1, t.Rollups)
	return o, nil
}

func (o *observer) wait() { o.wg.Wait() }

func (o *observer) notifyLocked() {
	close(o.changed)
	o.changed = make(chan struct{})
}

func (o *observer) committed(h int64, at time.Time, hashes []common.Hash) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.commitAt[h]; ok {
		return
	}
	o.commitAt[h], o.txsAt[h] = at, len(hashes)
	o.commitTip = max(o.commitTip, h)
	for _, x := range hashes {
		o.heightOf[x] = h
	}
	o.notifyLocked()
}

// released counts a member's release for height; the t-th one's time is
// when the height's shares were out (and verified by every node's pool,
// which PoolSink does before the release returns).
func (o *observer) released(h int64, t int, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.releases[h]++
	if o.releases[h] == t {
		o.releaseAt[h] = at
	}
}

func (o *observer) decrypted(level api.DecryptionLevel, h int64, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.softAt
	if level == api.LevelFirm {
		m = o.firmAt
	}
	if _, ok := m[h]; !ok {
		m[h] = at
		o.notifyLocked()
	}
}

// followDevnet subscribes to validator 0's commits (which carry firm
// decryptions) and, when decryption runs, waits on its share pool for
// each height's soft batch.
func (o *observer) followDevnet(ctx context.Context, d *devnet.Devnet, soft bool) {
	sub := d.Network.Nodes[0].App().Subscribe(4096)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer sub.Close()
		for {
			var blk ordering.CommittedBlock
			select {
			case <-ctx.Done():
				return
			case b, ok := <-sub.C():
				if !ok {
					return
				}
				blk = b
			}
			now := time.Now()
			hashes := make([]common.Hash, len(blk.Txs))
			for i, tx := range blk.Txs {
				hashes[i] = common.Hash(tx.Hash)
			}
			o.committed(blk.Height, now, hashes)
			for _, f := range blk.Firm {
				o.decrypted(api.LevelFirm, f.Height, now)
			}
			if !soft || len(blk.Txs) == 0 {
				continue
			}
			pool := d.Pool(0)
			if pool == nil {
				continue
			}
			o.wg.Add(1)
			go func(h int64) {
				defer o.wg.Done()
				if _, err := pool.Wait(ctx, h); err == nil {
					o.decrypted(api.LevelSoft, h, time.Now())
				}
			}(blk.Height)
		}
	}()
}

// followNode polls the node's blocks from height from and subscribes to
// the soft and firm feeds of each rollup: a height counts as decrypted
// at a level when the first rollup's batch of it arrives.
func (o *observer) followNode(ctx context.Context, c *client.Client, from int64, rollups []uint64) {
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		next := from
		for ctx.Err() == nil {
			blk, err := c.Block(ctx, uint64(next))
			if err != nil {
				select {
				case <-ctx.Done():
				case <-time.After(10 * time.Millisecond):
				}
				continue
			}
			hashes := make([]common.Hash, len(blk.Txs))
			for i, tx := range blk.Txs {
				hashes[i] = tx.Hash
			}
			o.committed(next, time.Now(), hashes)
			next++
		}
	}()
	for _, r := range rollups {
		for _, level := range []api.DecryptionLevel{api.LevelSoft, api.LevelFirm} {
			o.wg.Add(1)
			go func() {
				defer o.wg.Done()
				for b, err := range c.Subscribe(ctx, r, from, level) {
					if err != nil {
						return
					}
					o.decrypted(level, b.Height, time.Now())
				}
			}()
		}
	}
}

// reset forgets the previous step's envelopes (heights stay known).
func (o *observer) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sub = map[common.Hash]time.Time{}
}

func (o *observer) begin(at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.start = at
}

func (o *observer) submitted(h common.Hash, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sub[h] = at
}

// counts returns the step's envelopes submitted and committed so far.
func (o *observer) counts() (submitted, committed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for h := range o.sub {
		if _, ok := o.heightOf[h]; ok {
			committed++
		}
	}
	return len(o.sub), committed
}

// tips returns the commit tip and the soft tip: the highest height up to
// which every height with envelopes is soft-decrypted.
func (o *observer) tips() (commit, soft int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.commitTip, o.softTipLocked()
}

func (o *observer) softTipLocked() int64 {
	hs := make([]int64, 0, len(o.commitAt))
	for h := range o.commitAt {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	var tip int64
	for i, h := range hs {
		if i > 0 && h != hs[i-1]+1 {
			break // a gap the subscription has not filled yet
		}
		if _, ok := o.softAt[h]; !ok && o.txsAt[h] > 0 {
			break
		}
		tip = h
	}
	return tip
}

// waitUntil blocks until cond (called under o.mu) holds or ctx ends.
func (o *observer) waitUntil(ctx context.Context, cond func() bool) bool {
	for {
		o.mu.Lock()
		ok, ch := cond(), o.changed
		o.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-ch:
		}
	}
}

// waitCommitted waits for every submitted envelope to commit and returns
// the last one's commit time (or now, if ctx ended first).
func (o *observer) waitCommitted(ctx context.Context) time.Time {
	var last time.Time
	o.waitUntil(ctx, func() bool {
		last = o.start
		for h := range o.sub {
			height, ok := o.heightOf[h]
			if !ok {
				return false
			}
			if at := o.commitAt[height]; at.After(last) {
				last = at
			}
		}
		return true
	})
	if ctx.Err() != nil {
		return time.Now()
	}
	return last
}

// waitDecrypted waits for every committed envelope's height to be soft-
// and firm-decrypted.
func (o *observer) waitDecrypted(ctx context.Context) {
	o.waitUntil(ctx, func() bool {
		for h := range o.sub {
			height, ok := o.heightOf[h]
			if !ok {
				continue
			}
			if _, ok := o.softAt[height]; !ok {
				return false
			}
			if _, ok := o.firmAt[height]; !ok {
				return false
			}
		}
		return true
	})
}

// heights returns the heights that hold the step's envelopes.
func (o *observer) heights() []int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen := map[int64]bool{}
	for h := range o.sub {
		if height, ok := o.heightOf[h]; ok {
			seen[height] = true
		}
	}
	hs := make([]int64, 0, len(seen))
	for h := range seen {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return hs
}

// summarize computes a step's figures from what was observed.
func (o *observer) summarize(start, end, lastCommit time.Time) *Step {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := &Step{Submitted: len(o.sub), SubmitWindowS: end.Sub(start).Seconds()}
	if s.SubmitWindowS > 0 {
		s.SubmittedPerSec = float64(s.Submitted) / s.SubmitWindowS
	}
	var subCommit, subSoft, subFirm, commitSoft, commitFirm, commitRelease []time.Duration
	heights := map[int64]int{}
	for h, at := range o.sub {
		height, ok := o.heightOf[h]
		if !ok {
			continue
		}
		s.Committed++
		heights[height]++
		subCommit = append(subCommit, o.commitAt[height].Sub(at))
		if t, ok := o.softAt[height]; ok {
			subSoft = append(subSoft, t.Sub(at))
		}
		if t, ok := o.firmAt[height]; ok {
			subFirm = append(subFirm, t.Sub(at))
		}
	}
	for height := range heights {
		c := o.commitAt[height]
		if t, ok := o.softAt[height]; ok {
			commitSoft = append(commitSoft, t.Sub(c))
		}
		if t, ok := o.firmAt[height]; ok {
			commitFirm = append(commitFirm, t.Sub(c))
		}
		if t, ok := o.releaseAt[height]; ok {
			commitRelease = append(commitRelease, t.Sub(c))
		}
	}
	// Block interval over the heights committed in the window.
	var intervals []time.Duration
	for h, at := range o.commitAt {
		if at.Before(start) || at.After(lastCommit) {
			continue
		}
		if prev, ok := o.commitAt[h-1]; ok {
			intervals = append(intervals, at.Sub(prev))
			s.Blocks++
		}
	}
	s.CommitWindowS = lastCommit.Sub(start).Seconds()
	if s.Committed > 0 && s.CommitWindowS > 0 {
		s.OverallPerSec = float64(s.Committed) / s.CommitWindowS
		s.CommittedPerSec = s.OverallPerSec
		s.MeanBlockTxs = float64(s.Committed) / float64(len(heights))
	}
	// The steady rate: the step's envelopes in the blocks after its first
	// one, up to the last block committed before submission ended, over
	// the time between those blocks. Below saturation it is the offered
	// rate; above, the rate the network commits at.
	var in []int64
	for height := range heights {
		if !o.commitAt[height].After(end) {
			in = append(in, height)
		}
	}
	slices.Sort(in)
	if len(in) >= 3 {
		first, last := o.commitAt[in[0]], o.commitAt[in[len(in)-1]]
		n := 0
		for _, height := range in[1:] {
			n += heights[height]
		}
		if span := last.Sub(first).Seconds(); span > 0 {
			s.CommittedPerSec = float64(n) / span
			s.SteadyWindowS = span
		}
	}
	s.SubmitToCommit = percentiles(subCommit)
	s.SubmitToSoft = percentiles(subSoft)
	s.SubmitToFirm = percentiles(subFirm)
	s.CommitToSoft = percentiles(commitSoft)
	s.CommitToFirm = percentiles(commitFirm)
	s.CommitToRelease = percentiles(commitRelease)
	s.BlockInterval = percentiles(intervals)
	return s
}

// percentiles returns the nearest-rank p50, p90 and p99 of ds in
// milliseconds.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(q int) float64 {
		i := (len(ds)*q + 99) / 100
		return float64(ds[max(i-1, 0)].Microseconds()) / 1000
	}
	return Percentiles{N: len(ds), P50: at(50), P90: at(90), P99: at(99)}
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// voteExtensionBytes sums the 0xF0 system transactions (the extended
// commit the proposer used: the validators' vote extensions with their
// signatures) of validator 0's blocks at heights and the one after each.
func voteExtensionBytes(d *devnet.Devnet, heights []int64) (perBlock, perTx float64) {
	if len(heights) == 0 {
		return 0, 0
	}
	bs := d.Network.Nodes[0].BlockStore()
	var total, txs, blocks int
	for h := heights[0]; h <= heights[len(heights)-1]+1; h++ {
		b, _ := bs.LoadBlock(h)
		if b == nil {
			continue
		}
		blocks++
		for _, tx := range b.Txs {
			switch {
			case len(tx) > 0 && tx[0] == ordering.SysTxVoteExtensions:
				total += len(tx)
			case len(tx) > 0 && tx[0] < 0xF0:
				txs++
			}
		}
	}
	if blocks > 0 {
		perBlock = float64(total) / float64(blocks)
	}
	if txs > 0 {
		perTx = float64(total) / float64(txs)
	}
	return perBlock, perTx
}
