package devnet

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/threshold"
)

// runningKeyholder is one member's key release and batch signing loops.
type runningKeyholder struct {
	kh     *decrypt.Keyholder
	signer *decrypt.Signer
	feed   *decrypt.AppFeed
	// sigFeed is the signer's own: a feed's commit notifications wake
	// one waiter each.
	sigFeed *decrypt.AppFeed
	cancel  context.CancelFunc
	done    chan struct{}
}

// startDecryption starts every validator's decryption service and every
// member's keyholder.
func (d *Devnet) startDecryption() error {
	n := len(d.Network.Nodes)
	d.dmu.Lock()
	d.services = make([]*decrypt.Service, n)
	d.keyholders = make([]*runningKeyholder, n)
	d.dmu.Unlock()
	for i := range n {
		if err := d.startNodeDecryption(i); err != nil {
			return err
		}
	}
	return nil
}

func (d *Devnet) stopDecryption() error {
	for i := range d.services {
		d.stopNodeDecryption(i)
	}
	return nil
}

// startNodeDecryption starts validator i's decryption service and, unless
// it is offline, member i+1's keyholder.
func (d *Devnet) startNodeDecryption(i int) error {
	svc, err := decrypt.NewService(d.Network.Nodes[i].App(), decrypt.ServiceConfig{
		Feed: d.Network.Nodes[i].Feed(), Logger: d.cfg.Logger.With("node", i),
		Pool: decrypt.PoolConfig{Metrics: d.decryptMetrics(i)},
	})
	if err != nil {
		return err
	}
	d.Network.Nodes[i].Feed().SetSoft(decrypt.FeedSource{Pool: svc.Pool})
	d.dmu.Lock()
	d.services[i] = svc
	d.dmu.Unlock()
	if d.cfg.Keyholders[i+1] == KeyholderOffline {
		return nil
	}
	return d.StartKeyholder(i + 1)
}

func (d *Devnet) stopNodeDecryption(i int) {
	d.StopKeyholder(i + 1)
	d.dmu.Lock()
	svc := d.services[i]
	d.services[i] = nil
	d.dmu.Unlock()
	if svc != nil {
		svc.Close()
	}
}

// StartKeyholder starts member's keyholder (1-based), following its own
// validator and submitting to every validator's pools: key shares after
// commit, and partial signatures on the batch roots its validator has
// firm. It resumes after the last height it released and signed.
func (d *Devnet) StartKeyholder(member int) error {
	i := member - 1
	if i < 0 || i >= len(d.Shares) {
		return fmt.Errorf("devnet: no member %d", member)
	}
	d.StopKeyholder(member)
	sinks := make([]decrypt.Sink, len(d.Network.Nodes))
	sigSinks := make([]decrypt.SignatureSink, len(d.Network.Nodes))
	for j := range sinks {
		ps := &poolSink{d: d, node: j, garbage: d.cfg.Keyholders[member] == KeyholderGarbage, share: d.Shares[i]}
		sinks[j], sigSinks[j] = ps, ps
	}
	feed := decrypt.NewAppFeed(d.Network.Nodes[i].App())
	var onRelease func(decrypt.Release, int64)
	if d.cfg.OnRelease != nil {
		onRelease = d.cfg.OnRelease
	}
	kh, err := decrypt.NewKeyholder(decrypt.KeyholderConfig{
		Share:     d.Shares[i],
		Shares:    d.rotatedShares(i),
		Feed:      feed,
		Sinks:     sinks,
		StateFile: ProgressPath(d.homes()[i]),
		OnRelease: onRelease,
		Logger:    d.cfg.Logger.With("keyholder", member),
	})
	if err != nil {
		feed.Close()
		return err
	}
	sigFeed := decrypt.NewAppFeed(d.Network.Nodes[i].App())
	signer, err := decrypt.NewSigner(decrypt.SignerConfig{
		Share:     d.Shares[i],
		Shares:    d.rotatedShares(i),
		ChainID:   d.Network.Nodes[i].App().ChainID(),
		Roots:     sigFeed,
		Feed:      sigFeed,
		Sinks:     sigSinks,
		EonAt:     decrypt.AppEonAt(d.Network.Nodes[i].App()),
		StateFile: SignedPath(d.homes()[i]),
		Retry:     100 * time.Millisecond,
		Logger:    d.cfg.Logger.With("signer", member),
	})
	if err != nil {
		feed.Close()
		sigFeed.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	rk := &runningKeyholder{kh: kh, signer: signer, feed: feed, sigFeed: sigFeed, cancel: cancel, done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := kh.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			d.cfg.Logger.Warn("keyholder stopped", "member", member, "err", err)
		}
	})
	wg.Go(func() {
		if err := signer.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			d.cfg.Logger.Warn("batch signer stopped", "member", member, "err", err)
		}
	})
	go func() {
		wg.Wait()
		close(rk.done)
	}()
	d.dmu.Lock()
	d.keyholders[i] = rk
	d.dmu.Unlock()
	return nil
}

// StopKeyholder stops member's keyholder (1-based) if it runs, as a
// keyholder process stopping would; it returns the last height it
// released, or 0.
func (d *Devnet) StopKeyholder(member int) int64 {
	i := member - 1
	d.dmu.Lock()
	if i < 0 || i >= len(d.keyholders) || d.keyholders[i] == nil {
		d.dmu.Unlock()
		return 0
	}
	rk := d.keyholders[i]
	d.keyholders[i] = nil
	d.dmu.Unlock()
	rk.cancel()
	<-rk.done
	rk.feed.Close()
	rk.sigFeed.Close()
	return rk.kh.Released()
}

// Pool returns validator i's share pool.
func (d *Devnet) Pool(i int) *decrypt.Pool {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	if d.services[i] == nil {
		return nil
	}
	return d.services[i].Pool
}

// poolSink submits a devnet keyholder's releases to a validator's pool in
// process (the network path, signed over KeyholderService, is what
// `veil keyholder` uses).
type poolSink struct {
	d       *Devnet
	node    int
	garbage bool
	share   *threshold.SecretKeyShare
}

var errNodeDown = errors.New("devnet: validator restarting")

func (s *poolSink) SubmitKeyShares(ctx context.Context, r *decrypt.Release) error {
	p := s.d.Pool(s.node)
	if p == nil {
		return errNodeDown
	}
	if s.garbage {
		// Well-formed shares of the wrong identities: they decode and
		// carry the right index, and fail verification.
		ids := make([]threshold.Identity, len(r.Shares))
		for j := range ids {
			var prefix [32]byte
			prefix[0], prefix[1] = byte(j), byte(j>>8)
			ids[j] = threshold.DeriveIdentity("garbage", r.Eon, [20]byte{}, prefix)
		}
		bad := *r
		bad.Shares = s.share.KeyShares(ids)
		r = &bad
	}
	return decrypt.PoolSink{Pool: p}.SubmitKeyShares(ctx, r)
}

// SignedPath is where a home's keyholder records the last height whose
// batch root signature every validator has taken.
func SignedPath(home string) string { return filepath.Join(home, "keyholder", "signed") }

// Signatures returns validator i's batch signature pool.
func (d *Devnet) Signatures(i int) *decrypt.SignaturePool {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	if d.services[i] == nil {
		return nil
	}
	return d.services[i].Sigs
}

// SubmitBatchSignatures submits to validator i's signature pool; a
// garbage keyholder's partials are well-formed, carry its index, and
// sign another root, so they fail verification.
func (s *poolSink) SubmitBatchSignatures(ctx context.Context, rs *decrypt.RootSignatures) (int64, error) {
	p := s.d.Signatures(s.node)
	if p == nil {
		return 0, errNodeDown
	}
	if s.garbage {
		heights := make([]int64, len(rs.Entries))
		wrong := make([]common.Hash, len(rs.Entries))
		for j, e := range rs.Entries {
			heights[j], wrong[j] = e.Height, common.Hash{0xba, 0xd}
		}
		bad, err := decrypt.SignRoots(s.share, s.d.Network.Nodes[s.node].App().ChainID(), heights, wrong)
		if err != nil {
			return 0, err
		}
		for j := range bad.Entries {
			bad.Entries[j].Root = rs.Entries[j].Root
		}
		rs = bad
	}
	return decrypt.SignaturePoolSink{Pool: p}.SubmitBatchSignatures(ctx, rs)
}

// KeyholderReleased returns the last height member's keyholder (1-based)
// released, 0 if it is not running.
func (d *Devnet) KeyholderReleased(member int) int64 {
	d.dmu.Lock()
	defer d.dmu.Unlock()
	i := member - 1
	if i < 0 || i >= len(d.keyholders) || d.keyholders[i] == nil {
		return 0
	}
	return d.keyholders[i].kh.Released()
}
