package test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	gethnode "github.com/ethereum/go-ethereum/node"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// simL1 is go-ethereum's simulated backend at Prague with a
// CommitteeRegistry and a BatchInbox for chainID, mining every 50 ms.
type simL1 struct {
	sim    *simulated.Backend
	key    *ecdsa.PrivateKey
	opts   *bind.TransactOpts
	reg    common.Address
	inbox  common.Address
	abi    *bindings.BatchInbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newSimL1(t *testing.T, chainID string) *simL1 {
	t.Helper()
	key, err := crypto.ToECDSA(append(make([]byte, 31), 9))
	if err != nil {
		t.Fatal(err)
	}
	cc := contracts.SimulatedChainConfig()
	l := &simL1{key: key, abi: bindings.NewBatchInbox()}
	l.sim = simulated.NewBackend(types.GenesisAlloc{crypto.PubkeyToAddress(key.PublicKey): {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}},
		func(_ *gethnode.Config, ec *ethconfig.Config) { ec.Genesis.Config = cc },
		simulated.WithBlockGasLimit(60_000_000))
	l.opts = bind.NewKeyedTransactor(key, cc.ChainID)
	if l.reg, _, err = contracts.DeployRegistry(l.opts, l.sim.Client(), crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	l.sim.Commit()
	if l.inbox, _, err = contracts.DeployInbox(l.opts, l.sim.Client(), l.reg, chainID); err != nil {
		t.Fatal(err)
	}
	l.sim.Commit()
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.wg.Go(func() {
		for ctx.Err() == nil {
			l.sim.Commit()
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	t.Cleanup(func() {
		l.cancel()
		l.wg.Wait()
		_ = l.sim.Close()
	})
	return l
}

// registerDevnetEon registers the devnet's eon as its validators' state
// records it.
func (l *simL1) registerDevnetEon(t *testing.T, ctx context.Context, d *devnet.Devnet, pk *threshold.EonPublicKey) {
	t.Helper()
	app := d.Network.Nodes[0].App()
	eon, err := app.Eon(pk.Eon())
	if err != nil {
		t.Fatal(err)
	}
	khs, err := app.Keyholders(pk.Eon())
	if err != nil {
		t.Fatal(err)
	}
	members, err := contracts.KeyholderAddresses(khs)
	if err != nil {
		t.Fatal(err)
	}
	args, err := contracts.NewEonArgs(pk, uint64(max(eon.ActivationHeight, 1)), members)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := contracts.EnsureEon(ctx, l.opts, l.sim.Client(), l.reg, args)
	if err != nil {
		t.Fatal(err)
	}
	if tx != nil {
		if _, err := bind.WaitMined(ctx, l.sim.Client(), tx.Hash()); err != nil {
			t.Fatal(err)
		}
	}
}

func (l *simL1) call(t *testing.T, data []byte) []byte {
	t.Helper()
	out, err := l.abi.Instance(l.sim.Client(), l.inbox).CallRaw(&bind.CallOpts{}, data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCommitteeSignsFirmRoots runs a 4-member, t = 3 committee with one
// keyholder sending garbage partial signatures: every firm batch carries
// the committee's signature and it verifies against the eon key; every
// node records the garbage as misbehaviour; a relayer following the node
// over the SDK posts the real roots to a BatchInbox on a simulated L1,
// which accepts the signatures (postBatch for one height by hand, then
// postBatches) and then proves a real leg.
func TestCommitteeSignsFirmRoots(t *testing.T) {
	cfg := devnetConfig(t.TempDir(), 4)
	cfg.Keyholders = map[int]devnet.KeyholderFault{2: devnet.KeyholderGarbage}
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pk, chainID := params.EonKey, params.ChainID

	txs := send(t, ctx, d, 16)
	var top int64
	var some common.Hash
	for h, height := range txs {
		if height > top {
			top, some = height, h
		}
	}
	for i := range d.Network.Nodes {
		waitFor(t, ctx, "signatures up to the last transaction's height", func() bool {
			return d.Network.Nodes[i].Feed().SignedTip() >= top+1
		})
	}

	// Every firm batch of both rollups carries a signature that verifies.
	for _, r := range devnet.DemoRollups {
		n := int64(0)
		for b, err := range c.Subscribe(ctx, r.ID, 1, api.LevelFirm) {
			if err != nil {
				t.Fatal(err)
			}
			if err := client.VerifySignedBatch(b, pk, chainID); err != nil {
				t.Fatalf("rollup %d height %d: %v", r.ID, b.Height, err)
			}
			if err := rollupfeed.VerifyBatchSignature(pk, chainID, b.Height, b.Root, b.Signature); err != nil {
				t.Fatal(err)
			}
			if n++; b.Height >= top+1 {
				break
			}
		}
	}
	// A signature does not carry over to another height or root.
	b, err := c.GetBatch(ctx, devnet.DemoRollups[0].ID, top, api.LevelFirm)
	if err != nil {
		t.Fatal(err)
	}
	if err := rollupfeed.VerifyBatchSignature(pk, chainID, top+1, b.Root, b.Signature); err == nil {
		t.Fatal("signature verifies for another height")
	}
	if soft, err := c.GetBatch(ctx, devnet.DemoRollups[0].ID, top, api.LevelSoft); err != nil || soft.Signature != nil {
		t.Fatalf("soft batch: signature %v, %v", soft.Signature, err)
	}

	// With an honest member stopped, the garbage member's partials are
	// needed: every node checks them, records them as misbehaviour, and
	// signs nothing with t − 1 valid partials, while empty heights keep
	// turning firm. Restarted, the member signs the backlog.
	stopped := d.Network.Nodes[0].Feed().SignedTip()
	d.StopKeyholder(4)
	for i := range d.Network.Nodes {
		waitFor(t, ctx, "firm heights with a member stopped", func() bool {
			return d.Signatures(i).Firm() >= stopped+5 && len(d.Signatures(i).Evidence()) > 0
		})
	}
	for i := range d.Network.Nodes {
		f := d.Network.Nodes[i].Feed()
		if f.SignedTip() > stopped+1 { // at most one height in flight when it stopped
			t.Fatalf("node %d signed up to %d with two valid partials (stopped at %d)", i, f.SignedTip(), stopped)
		}
		for _, e := range d.Signatures(i).Evidence() {
			if e.Member != 2 {
				t.Fatalf("node %d: evidence against member %d: %+v", i, e.Member, e)
			}
		}
	}
	if err := d.StartKeyholder(4); err != nil {
		t.Fatal(err)
	}
	resume := d.Signatures(0).Firm()
	for i := range d.Network.Nodes {
		waitFor(t, ctx, "the backlog signed", func() bool { return d.Network.Nodes[i].Feed().SignedTip() >= resume })
	}

	// Over the network: a submission signed with a key that is not the
	// member's, or from a non-member, is refused before it is looked at.
	_, stranger, _ := ed25519.GenerateKey(nil)
	kc := decrypt.NewClient(d.APIURL(), chainID, stranger, nil)
	rs := &decrypt.RootSignatures{Eon: pk.Eon(), Member: 1, Entries: []decrypt.RootSignature{{Height: 1, Root: b.Root, Partial: d.Shares[0].SignPartial([]byte("x"))}}}
	if _, err := kc.SubmitBatchSignatures(ctx, rs); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("stranger's key: %v", err)
	}
	rs.Member = 9
	if _, err := kc.SubmitBatchSignatures(ctx, rs); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("non-member: %v", err)
	}

	// The relayer follows the node and the inbox accepts what it posts.
	l1 := newSimL1(t, chainID)
	l1.registerDevnetEon(t, ctx, d, pk)
	// One height by hand through postBatch, the rest by the relayer
	// (postBatches).
	first, err := c.ListSignedRoots(ctx, 1, 1)
	if err != nil || len(first) != 1 {
		t.Fatalf("first signed root: %v", err)
	}
	tx, err := bind.Transact(l1.abi.Instance(l1.sim.Client(), l1.inbox), l1.opts,
		l1.abi.PackPostBatch(1, first[0].Root, first[0].Eon, first[0].Signature.EIP2537()))
	if err != nil {
		t.Fatal(err)
	}
	if rc, err := bind.WaitMined(ctx, l1.sim.Client(), tx.Hash()); err != nil || rc.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("postBatch of height 1: %+v, %v", rc, err)
	}
	var mu sync.Mutex
	var posts []relayer.Posted
	rl, err := relayer.New(l1.sim.Client(), relayer.NewClientSource(c), relayer.Config{
		Inbox: l1.inbox, Key: l1.key, Poll: 50 * time.Millisecond, ReceiptPoll: 50 * time.Millisecond,
		Backoff: 50 * time.Millisecond, MaxPerTx: 32,
		OnPosted: func(p relayer.Posted) { mu.Lock(); posts = append(posts, p); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rl.Once(ctx); err != nil {
			t.Fatal(err)
		}
		last, err := rl.LastHeight(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if int64(last) >= top+1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c.ListSignedRoots(ctx, 0, 10); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("ListSignedRoots from 0: %v", err)
	}
	if far, err := c.ListSignedRoots(ctx, 1<<40, 10); err != nil || len(far) != 0 {
		t.Fatalf("ListSignedRoots beyond the tip: %d, %v", len(far), err)
	}
	roots, err := c.ListSignedRoots(ctx, 1, 1024)
	if err != nil || int64(len(roots)) < top+1 {
		t.Fatalf("%d signed roots, %v", len(roots), err)
	}
	for _, r := range roots[:top+1] {
		got, err := l1.abi.UnpackBatchRoot(l1.call(t, l1.abi.PackBatchRoot(uint64(r.Height))))
		if err != nil || common.Hash(got) != r.Root {
			t.Fatalf("inbox root of %d: %x, %v; want %s", r.Height, got, err, r.Root)
		}
	}
	mu.Lock()
	if len(posts) == 0 || posts[0].From != 2 {
		t.Fatalf("posts %+v", posts)
	}
	mu.Unlock()

	// A real leg proves on-chain against the posted root.
	bundle, err := c.GetBundle(ctx, some)
	if err != nil || bundle.Level != api.LevelFirm || len(bundle.Legs) == 0 {
		t.Fatalf("bundle: %+v, %v", bundle, err)
	}
	if err := rollupfeed.VerifyBatchSignature(pk, chainID, bundle.Height, bundle.Root, bundle.Signature); err != nil || bundle.Eon != pk.Eon() {
		t.Fatalf("bundle's signature (eon %d): %v", bundle.Eon, err)
	}
	for _, leg := range bundle.Legs {
		proof, err := contracts.LegProof(&leg.Proof)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := l1.abi.UnpackVerifyLeg(l1.call(t, l1.abi.PackVerifyLeg(leg.Leg.Rollup, uint64(bundle.Height), leg.Leg.Leaf(), proof)))
		if err != nil || !ok {
			t.Fatalf("verifyLeg of a real leg at %d: %v %v", bundle.Height, ok, err)
		}
	}
}

// BenchmarkFirmToSignature measures, on validator 0 of a 4-member t = 3
// devnet under 20 envelopes/s for 15 s, the time from a height turning firm at the
// node (its signature pool has the root) to its aggregated signature being
// stored, polling every millisecond (so ±1 ms). Run with -benchtime=1x.
func BenchmarkFirmToSignature(b *testing.B) {
	for b.Loop() {
		d, err := devnet.Start(context.Background(), devnetConfig(b.TempDir(), 4))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		firmAt, signedAt := map[int64]time.Time{}, map[int64]time.Time{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			var firm, signed int64
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
				now := time.Now()
				for f := d.Signatures(0).Firm(); firm < f; firm++ {
					firmAt[firm+1] = now
				}
				for s := d.Network.Nodes[0].Feed().SignedTip(); signed < s; signed++ {
					signedAt[signed+1] = now
				}
			}
		})
		tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: 300, Rate: 20}
		if err := tr.Run(ctx); err != nil {
			b.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		close(stop)
		wg.Wait()
		cancel()
		if err := d.Stop(); err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		for h, s := range signedAt {
			if f, ok := firmAt[h]; ok && h > 5 { // skip start-up
				lat = append(lat, s.Sub(f))
			}
		}
		if len(lat) == 0 {
			b.Fatalf("no signed heights: %d firm, %d signed", len(firmAt), len(signedAt))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat)), "heights")
	}
}

// TestRemoteKeyholderSignsRoots runs member 4 as `veil keyholder
// --genesis` does, apart from the devnet, with member 3 offline: validator
// 0 signs a firm root only with member 4's partial, taken from a root it
// fetched over the API (GetFirmRoot), checked against the genesis
// validators' commit, and pushed signed with its member key.
func TestRemoteKeyholderSignsRoots(t *testing.T) {
	dir := t.TempDir()
	cfg := devnetConfig(dir, 4)
	cfg.Keyholders = map[int]devnet.KeyholderFault{3: devnet.KeyholderOffline, 4: devnet.KeyholderOffline}
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	key, err := keystore.LoadIdentity(devnet.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	home := d.KeyholderHome(4)
	s, err := keystore.Load(keystore.SecretsPath(home), key)
	if err != nil {
		t.Fatal(err)
	}
	vals, chainID, err := client.LoadGenesisValidators(filepath.Join(dir, "node0", "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	khCtx, stopKH := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- decrypt.RunRemote(khCtx, decrypt.RemoteConfig{
			ChainID: chainID, Share: s.Share, MemberKey: s.MemberKey,
			Nodes: []string{d.APIURL()}, Validators: vals,
			StateFile: keystore.ProgressPath(home), Poll: 50 * time.Millisecond,
		})
	}()
	txs := send(t, ctx, d, 8)
	var top int64
	for _, h := range txs {
		top = max(top, h)
	}
	f := d.Network.Nodes[0].Feed()
	waitFor(t, ctx, "validator 0 to sign past the last transaction", func() bool { return f.SignedTip() > top })
	if ev := d.Signatures(0).Evidence(); len(ev) != 0 {
		t.Fatalf("evidence against honest members: %+v", ev)
	}
	if f1 := d.Network.Nodes[1].Feed(); f1.SignedTip() > 0 {
		t.Fatalf("validator 1 signed up to %d with two members' partials", f1.SignedTip())
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	roots, err := c.ListSignedRoots(ctx, 1, int(top))
	if err != nil || int64(len(roots)) != top {
		t.Fatalf("%d signed roots, %v", len(roots), err)
	}
	pk, err := threshold.ParseEonPublicKey(mustEonKey(t, d))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roots {
		if err := rollupfeed.VerifyBatchSignature(pk, chainID, r.Height, r.Root, r.Signature); err != nil {
			t.Fatal(err)
		}
		fr, err := c.GetFirmRoot(ctx, r.Height)
		if err != nil || fr.Root != r.Root || client.VerifyFirmRoot(fr, vals, chainID) != nil {
			t.Fatalf("firm root of %d: %+v, %v", r.Height, fr, err)
		}
	}
	if _, err := c.GetFirmRoot(ctx, 1<<40); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("firm root beyond the tip: %v", err)
	}
	stopKH()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RunRemote: %v", err)
	}
	if b, err := os.ReadFile(keystore.ProgressPath(home) + ".signed"); err != nil || len(b) == 0 {
		t.Fatalf("signer progress: %q, %v", b, err)
	}
}

func mustEonKey(t *testing.T, d *devnet.Devnet) []byte {
	t.Helper()
	e, err := d.Network.Nodes[0].App().Eon(d.Shares[0].Eon())
	if err != nil {
		t.Fatal(err)
	}
	return e.PublicKey
}
