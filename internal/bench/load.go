package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/devnet"
)

// KeepUpHeights is how far validator 0's soft-decrypted tip may trail its
// commit tip at the end of a step's submission window for the network to
// count as keeping up.
const KeepUpHeights = 2

// Target is a network under load: its wallet API, funded wallets, and
// the rollups the envelopes go to.
type Target struct {
	URL     string
	Wallets []*ecdsa.PrivateKey
	Rollups []uint64
	// Devnet, when set, is observed in process (commit subscription,
	// validator 0's share pool, block store); otherwise through the API.
	Devnet *devnet.Devnet
	// Plain seals envelopes with devnet.SealPlain (same size and format,
	// payload in the clear).
	Plain bool
	// Releases, if set, is the tap installed as the devnet's
	// Config.OnRelease: the load then measures commit→key release.
	Releases *ReleaseTap
}

// ReleaseTap forwards a devnet's keyholder releases to the load observing
// it (devnet.Config.OnRelease is fixed before the devnet starts; the load
// comes later).
type ReleaseTap struct {
	f atomic.Pointer[func(decrypt.Release, int64)]
}

// OnRelease is the function to set as devnet.Config.OnRelease.
func (t *ReleaseTap) OnRelease(r decrypt.Release, committed int64) {
	if f := t.f.Load(); f != nil {
		(*f)(r, committed)
	}
}

// DevnetTarget returns d as a target; plain selects plaintext envelopes.
func DevnetTarget(d *devnet.Devnet, plain bool) *Target {
	ids := make([]uint64, len(devnet.DemoRollups))
	for i, r := range devnet.DemoRollups {
		ids[i] = r.ID
	}
	return &Target{URL: d.APIURL(), Wallets: d.Wallets, Rollups: ids, Devnet: d, Plain: plain}
}

// Load submits envelopes from a target's wallets and observes them
// through the pipeline. Steps run one after the other on one Load; each
// wallet's nonces continue from step to step.
type Load struct {
	t      *Target
	c      *client.Client
	nonces []uint64
	obs    *observer
	stop   context.CancelFunc
	// Payload, if set, makes the legs of wallet w's i-th envelope;
	// default one ~330-byte transfer to the target's rollups in turn.
	Payload func(w, i int) []client.Leg
}

// NewLoad dials t, reads each wallet's next nonce and starts observing
// commits and decryptions. Close stops it.
func NewLoad(ctx context.Context, t *Target) (*Load, error) {
	if len(t.Wallets) == 0 || len(t.Rollups) == 0 {
		return nil, errors.New("bench: a target needs wallets and rollups")
	}
	c, err := client.Dial(t.URL)
	if err != nil {
		return nil, err
	}
	l := &Load{t: t, c: c, nonces: make([]uint64, len(t.Wallets))}
	for w, key := range t.Wallets {
		acct, err := c.Account(ctx, client.Address(key))
		if err != nil {
			return nil, fmt.Errorf("bench: wallet %d: %w", w, err)
		}
		l.nonces[w] = acct.PendingNonce
	}
	octx, cancel := context.WithCancel(context.Background())
	l.stop = cancel
	l.obs, err = observe(octx, t, c)
	if err != nil {
		cancel()
		return nil, err
	}
	return l, nil
}

// Close stops observing.
func (l *Load) Close() {
	l.stop()
	l.obs.wait()
}

func (l *Load) legs(w, i int) []client.Leg {
	if l.Payload != nil {
		return l.Payload(w, i)
	}
	r := l.t.Rollups[i%len(l.t.Rollups)]
	return []client.Leg{{Rollup: r, Data: fmt.Appendf(nil, `{"transfer":%d,"amount":5,"memo":"%0200d"}`, i, i)}}
}

// seal builds count envelopes, wallet i%W's in nonce order, on every
// core: wallets seal on their own machines, so sealing is not part of a
// step's window.
func (l *Load) seal(ctx context.Context, count int) ([][][]byte, error) {
	params, err := l.c.Params(ctx)
	if err != nil {
		return nil, err
	}
	sealFn := client.Seal
	if l.t.Plain {
		sealFn = devnet.SealPlain
	}
	W := len(l.t.Wallets)
	queues := make([][][]byte, W)
	for w := range queues {
		queues[w] = make([][]byte, (count-w+W-1)/W)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				w, k := i%W, i/W
				env, err := sealFn(rand.Reader, params, l.t.Wallets[w], client.Tx{Legs: l.legs(w, i), Nonce: l.nonces[w] + uint64(k)})
				if err != nil {
					errs <- fmt.Errorf("bench: wallet %d: seal: %w", w, err)
					return
				}
				queues[w][k] = env.Encode()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	for w, q := range queues {
		l.nonces[w] += uint64(len(q))
	}
	return queues, nil
}

// StepConfig is one step of offered load.
type StepConfig struct {
	// Count envelopes are offered, at Rate a second in total (0: open
	// loop, as fast as the wallets' concurrent submissions go).
	Count int
	Rate  float64
	// Drain bounds the wait for the step's envelopes to commit and
	// decrypt after the last submission. Default 30 s.
	Drain time.Duration
	// Progress, if set, is called about every 250 ms during submission
	// with the envelopes submitted and committed so far.
	Progress func(submitted, committed int)
}

// Step offers one step of load and measures it.
func (l *Load) Step(ctx context.Context, sc StepConfig) (*Step, error) {
	if sc.Count <= 0 {
		return nil, errors.New("bench: a step needs a positive count")
	}
	if sc.Drain == 0 {
		sc.Drain = 30 * time.Second
	}
	// A step starts on an empty pipeline: what an earlier, overloaded
	// step left pending commits first (within the drain bound).
	if err := l.settle(ctx, sc.Drain); err != nil {
		return nil, err
	}
	queues, err := l.seal(ctx, sc.Count)
	if err != nil {
		return nil, err
	}
	o := l.obs
	o.reset()

	// Open-loop schedule: the i-th envelope overall (wallet i%W's
	// (i/W)-th) is due at start + i/Rate. A wallet submits its envelopes
	// in nonce order, one at a time; one that fell behind (a slow
	// response while a block commits) sends its overdue envelopes back
	// to back, so stalls do not lower the offered rate.
	W := len(queues)
	work0 := readWork(l.t.Devnet)
	mBusy0, mTotal0 := machineCPU()
	cpu0 := processCPU()
	start := time.Now()
	o.begin(start)
	var wg sync.WaitGroup
	var rejected atomic.Int64
	var firstErr error
	var errOnce sync.Once
	for w, q := range queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, raw := range q {
				if sc.Rate > 0 {
					due := start.Add(time.Duration(float64(k*W+w) / sc.Rate * float64(time.Second)))
					if d := time.Until(due); d > 0 {
						select {
						case <-time.After(d):
						case <-ctx.Done():
							return
						}
					}
				}
				at := time.Now()
				h, err := l.c.SubmitRaw(ctx, raw)
				if err != nil {
					// A refused envelope leaves a nonce gap: the
					// wallet's later envelopes would be refused too.
					rejected.Add(int64(len(q)))
					errOnce.Do(func() { firstErr = fmt.Errorf("wallet %d: %w", w, err) })
					return
				}
				o.submitted(h, at)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-tick.C:
			if sc.Progress != nil {
				s, c := o.counts()
				sc.Progress(s, c)
			}
		}
	}
	end := time.Now()
	commitTip, softTip := o.tips()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Drain: every submitted envelope committed (and, where decryption
	// runs, soft-decrypted), or the drain bound passes.
	dctx, cancel := context.WithTimeout(ctx, sc.Drain)
	defer cancel()
	// The CPU window closes once the step's work is done: its envelopes
	// committed and, where decryption runs, decrypted soft and firm.
	lastCommit := o.waitCommitted(dctx)
	if !l.t.Plain {
		o.waitDecrypted(dctx)
	}
	cpu1, cpuEnd := processCPU(), time.Now()
	mBusy1, mTotal1 := machineCPU()
	work1 := readWork(l.t.Devnet)
	s := o.summarize(start, end, lastCommit)
	s.OfferedRate = sc.Rate
	s.Rejected = int(rejected.Load())
	if firstErr != nil {
		s.FirstRejection = firstErr.Error()
	}
	s.CommitTipAtEnd, s.SoftTipAtEnd = commitTip, softTip
	s.KeepsUp = l.t.Plain || commitTip-softTip <= KeepUpHeights
	if s.Committed > 0 && l.t.Devnet != nil { // a remote node's CPU is not this process's
		s.CPUPerTxUS = (cpu1 - cpu0).Seconds() * 1e6 / float64(s.Committed)
		s.CPUCores = (cpu1 - cpu0).Seconds() / cpuEnd.Sub(start).Seconds()
		s.MachineCores = machineCores(mBusy0, mTotal0, mBusy1, mTotal1, runtime.NumCPU())
		if !l.t.Plain {
			s.Work = work1.perTx(work0, s.Committed)
		}
	}
	if l.t.Devnet != nil {
		s.VoteExtBytesPerBlock, s.VoteExtBytesPerTx = voteExtensionBytes(l.t.Devnet, o.heights())
	}
	return s, nil
}

// settle waits, up to bound, until no wallet has envelopes pending, then
// reads each wallet's next nonce.
func (l *Load) settle(ctx context.Context, bound time.Duration) error {
	deadline := time.Now().Add(bound)
	for {
		pending := false
		for w, key := range l.t.Wallets {
			acct, err := l.c.Account(ctx, client.Address(key))
			if err != nil {
				return fmt.Errorf("bench: wallet %d: %w", w, err)
			}
			l.nonces[w] = acct.PendingNonce
			pending = pending || acct.PendingNonce > acct.Nonce
		}
		if !pending || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
