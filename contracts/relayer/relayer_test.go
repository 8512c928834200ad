package relayer_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

const chainID = "veil-relay"

// autoMine mines a block after every transaction, as an L1 would
// eventually; flaky makes the first sends fail.
type autoMine struct {
	simulated.Client
	backend *simulated.Backend

	mu       sync.Mutex
	failNext int
	failWith error
	sends    int
}

func (a *autoMine) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	a.mu.Lock()
	if a.failNext > 0 {
		a.failNext--
		a.mu.Unlock()
		return a.failWith
	}
	a.sends++
	a.mu.Unlock()
	if err := a.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	a.backend.Commit()
	return nil
}

type env struct {
	l1     *autoMine
	owner  *ecdsa.PrivateKey
	poster *ecdsa.PrivateKey
	inbox  common.Address
	pk     *threshold.EonPublicKey
	shares []*threshold.SecretKeyShare
}

func key(i byte) *ecdsa.PrivateKey {
	k, _ := crypto.ToECDSA(append(make([]byte, 31), i))
	return k
}

func newEnv(t *testing.T) *env {
	e := &env{owner: key(1), poster: key(2)}
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{e.owner, e.poster} {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 100)}
	}
	b := simulated.NewBackend(alloc, simulated.WithBlockGasLimit(30_000_000))
	t.Cleanup(func() { _ = b.Close() })
	e.l1 = &autoMine{Client: b.Client(), backend: b}
	id, _ := e.l1.ChainID(context.Background())
	opts := bind.NewKeyedTransactor(e.owner, id)
	reg, _, err := contracts.DeployRegistry(opts, e.l1, crypto.PubkeyToAddress(e.owner.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if e.inbox, _, err = contracts.DeployInbox(opts, e.l1, reg, chainID); err != nil {
		t.Fatal(err)
	}
	var seed [32]byte
	if e.pk, e.shares, err = threshold.DealKeys(rand.NewChaCha8(seed), 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	args, err := contracts.NewEonArgs(e.pk, 1, []common.Address{{1}, {2}, {3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.Transact(bindings.NewCommitteeRegistry().Instance(e.l1, reg), opts, args.Pack()); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) batch(t testing.TB, h uint64) relayer.Batch {
	root := crypto.Keccak256Hash([]byte(fmt.Sprint(h)))
	m, err := rollupfeed.BatchMessage(chainID, int64(h), root)
	if err != nil {
		t.Fatal(err)
	}
	var parts []*threshold.PartialSignature
	for _, sk := range e.shares[:2] {
		parts = append(parts, sk.SignPartial(m[:]))
	}
	sig, err := threshold.AggregateSignatures(e.pk, parts)
	if err != nil {
		t.Fatal(err)
	}
	return relayer.Batch{Height: h, Root: root, Eon: 1, Signature: sig}
}

// sliceSource serves fixed batches.
type sliceSource struct{ batches []relayer.Batch }

func (s *sliceSource) Next(_ context.Context, after uint64, max int) ([]relayer.Batch, error) {
	var out []relayer.Batch
	for _, b := range s.batches {
		if b.Height > after && len(out) < max {
			out = append(out, b)
		}
	}
	return out, nil
}

func (e *env) relayer(t *testing.T, src relayer.Source, posted *[]relayer.Posted) *relayer.Relayer {
	r, err := relayer.New(e.l1, src, relayer.Config{
		Inbox: e.inbox, Key: e.poster, MaxPerTx: 10,
		Backoff: time.Millisecond, ReceiptPoll: time.Millisecond,
		Logger:   slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		OnPosted: func(p relayer.Posted) { *posted = append(*posted, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) root(t *testing.T, h uint64) common.Hash {
	abi := bindings.NewBatchInbox()
	r, err := bind.Call(abi.Instance(e.l1, e.inbox), nil, abi.PackBatchRoot(h), abi.UnpackBatchRoot)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRelayerBatchesAndResumes(t *testing.T) {
	e := newEnv(t)
	var all []relayer.Batch
	for h := uint64(1); h <= 25; h++ {
		if h == 13 {
			continue // a gap
		}
		all = append(all, e.batch(t, h))
	}
	var posted []relayer.Posted
	src := &sliceSource{batches: all[:12]}
	n, err := e.relayer(t, src, &posted).Once(context.Background())
	if err != nil || n != 12 {
		t.Fatalf("first run posted %d, %v", n, err)
	}
	if len(posted) != 2 || posted[0].Heights != 10 || posted[1].Heights != 2 {
		t.Fatalf("posts %+v, want 10 then 2 heights", posted)
	}

	// Another poster gets height 14 in first; a new relayer (a restart)
	// resumes from the contract and skips what is already there.
	other := &sliceSource{batches: all[12:13]}
	var ignored []relayer.Posted
	if n, err := e.relayer(t, other, &ignored).Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("other poster: %d, %v", n, err)
	}
	posted = nil
	src.batches = all
	n, err = e.relayer(t, src, &posted).Once(context.Background())
	if err != nil || n != 11 {
		t.Fatalf("resumed run posted %d, %v", n, err)
	}
	if posted[0].From != 15 {
		t.Fatalf("resumed at %d, want 15", posted[0].From)
	}
	for _, b := range all {
		if e.root(t, b.Height) != b.Root {
			t.Fatalf("height %d not posted", b.Height)
		}
	}
}

func TestRelayerRetriesAndResyncsNonce(t *testing.T) {
	e := newEnv(t)
	setup := e.l1.sends
	// Two transient failures, then success.
	e.l1.failNext, e.l1.failWith = 2, errors.New("connection reset")
	var posted []relayer.Posted
	src := &sliceSource{batches: []relayer.Batch{e.batch(t, 1), e.batch(t, 2)}}
	r := e.relayer(t, src, &posted)
	if n, err := r.Once(context.Background()); err != nil || n != 2 {
		t.Fatalf("posted %d, %v", n, err)
	}
	// The key is used elsewhere: the relayer's nonce is stale, the node
	// says so, and the relayer re-reads it.
	id, _ := e.l1.ChainID(context.Background())
	tx, _ := types.SignTx(types.NewTx(&types.DynamicFeeTx{ChainID: id, Nonce: 1, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11), Gas: 21000, To: &common.Address{9}}),
		types.LatestSignerForChainID(id), e.poster)
	if err := e.l1.SendTransaction(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	src.batches = append(src.batches, e.batch(t, 3))
	if n, err := r.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("after an outside send: %d, %v", n, err)
	}
	if n := e.l1.sends - setup; n != 4 {
		t.Fatalf("%d sends reached the node, want 4 (post, outside, stale nonce, resynced post)", n)
	}
}

func TestRelayerRejectsBadSignature(t *testing.T) {
	e := newEnv(t)
	good := e.batch(t, 1)
	bad := e.batch(t, 2)
	bad.Root[0] ^= 1
	var posted []relayer.Posted
	n, err := e.relayer(t, &sliceSource{batches: []relayer.Batch{good, bad}}, &posted).Once(context.Background())
	if !errors.Is(err, relayer.ErrRejected) || n != 1 {
		t.Fatalf("posted %d, %v; want height 1 posted and ErrRejected", n, err)
	}
}

// An inbox whose poster allowlist leaves the relayer's key out refuses its
// posts with ErrNotPoster, naming the fix; once the owner adds the key,
// the same relayer posts.
func TestRelayerNotPoster(t *testing.T) {
	e := newEnv(t)
	abi := bindings.NewBatchInbox()
	inbox := abi.Instance(e.l1, e.inbox)
	id, _ := e.l1.ChainID(context.Background())
	allow := func(a common.Address) {
		t.Helper()
		if _, err := bind.Transact(inbox, bind.NewKeyedTransactor(e.owner, id), abi.PackAddPoster(a)); err != nil {
			t.Fatal(err)
		}
	}
	allow(common.Address{7})
	var posted []relayer.Posted
	r := e.relayer(t, &sliceSource{batches: []relayer.Batch{e.batch(t, 1), e.batch(t, 2)}}, &posted)
	n, err := r.Once(context.Background())
	if !errors.Is(err, relayer.ErrNotPoster) || n != 0 || !strings.Contains(err.Error(), crypto.PubkeyToAddress(e.poster.PublicKey).Hex()) {
		t.Fatalf("posted %d, %v; want ErrNotPoster naming the key", n, err)
	}
	allow(crypto.PubkeyToAddress(e.poster.PublicKey))
	if n, err := r.Once(context.Background()); err != nil || n != 2 {
		t.Fatalf("after addPoster: posted %d, %v", n, err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
