package devnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	gethnode "github.com/ethereum/go-ethereum/node"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/threshold"
)

// L1 endpoints with a meaning of their own; anything else is a JSON-RPC
// URL.
const (
	// L1None turns L1 settlement off (as does "").
	L1None = "none"
	// L1Simulated runs go-ethereum's simulated backend in process.
	L1Simulated = "simulated"
)

// L1Config configures the devnet's L1 settlement: a CommitteeRegistry
// holding the devnet's eon and a BatchInbox on an L1, and a relayer that
// posts the devnet's signed firm batch roots to it.
type L1Config struct {
	// Endpoint is L1Simulated (go-ethereum's simulated backend in this
	// process, at the Prague fork, with a funded key), a JSON-RPC URL
	// (http, ws or ipc; e.g. a `geth --dev`), or "" / L1None for no L1.
	Endpoint string
	// Key deploys, registers the eon and posts, and owns what it
	// deploys. Required for a URL; for L1Simulated a fresh funded key is
	// used when nil.
	Key *ecdsa.PrivateKey
	// Inbox reuses a deployed BatchInbox; its registry is read from it
	// and must hold (or accept from Key) the devnet's eon. Zero deploys
	// one.
	Inbox common.Address
	// Registry, when Inbox is zero, reuses a deployed CommitteeRegistry
	// for the new inbox. Zero deploys one owned by Key.
	Registry common.Address
	// BlockTime is how often the simulated backend mines a block while
	// transactions are pending (it mines none otherwise, so the L1's
	// block numbers count posts). Default 1s.
	BlockTime time.Duration
	// Poll is how often the relayer polls the devnet's signed roots and
	// its transactions' receipts. Default 1s.
	Poll time.Duration
	// MaxPerTx is the most heights a post carries; default the
	// relayer's.
	MaxPerTx int
	// OnPosted, if set, is called after each mined post.
	OnPosted func(relayer.Posted)
	// Source, if set, replaces the devnet's own signed firm roots (for
	// tests of the relayer against a devnet's L1).
	Source relayer.Source
}

func (c *L1Config) enabled() bool { return c.Endpoint != "" && c.Endpoint != L1None }

func (c *L1Config) validate() {
	if c.BlockTime <= 0 {
		c.BlockTime = time.Second
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
}

// L1 is a devnet's running L1 settlement.
type L1 struct {
	cfg    L1Config
	log    *slog.Logger
	client relayer.Backend
	sim    *simulated.Backend // nil for a URL
	eth    *ethclient.Client  // nil for L1Simulated
	opts   *bind.TransactOpts
	poster common.Address
	reg    common.Address
	inbox  common.Address
	cancel context.CancelFunc
	done   chan struct{}
	// eonsDone is closed when followEons returns.
	eonsDone chan struct{}
	closed   bool
}

// L1 returns the devnet's L1 settlement, nil when it runs without one.
func (d *Devnet) L1() *L1 { return d.l1 }

// Registry is the CommitteeRegistry's address.
func (l *L1) Registry() common.Address { return l.reg }

// Inbox is the BatchInbox's address.
func (l *L1) Inbox() common.Address { return l.inbox }

// Poster is the address that deploys and posts.
func (l *L1) Poster() common.Address { return l.poster }

// Client talks to the L1 (the simulated backend's client, or the URL's).
func (l *L1) Client() relayer.Backend { return l.client }

// Simulated reports whether the L1 is the in-process simulated backend.
func (l *L1) Simulated() bool { return l.sim != nil }

// startL1 connects to (or starts) the L1, makes sure the contracts and the
// devnet's eon are there, and starts the relayer.
func (d *Devnet) startL1(ctx context.Context) (err error) {
	cfg := d.cfg.L1
	if !cfg.enabled() {
		return nil
	}
	cfg.validate()
	l := &L1{cfg: cfg, log: d.cfg.Logger.With("component", "l1")}
	defer func() {
		if err != nil {
			l.close()
		}
	}()
	if err := l.connect(ctx, d.cfg.Rand); err != nil {
		return err
	}
	chainID, err := l.client.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("devnet: l1 chain id: %w", err)
	}
	l.opts = bind.NewKeyedTransactor(l.cfg.Key, chainID)
	l.opts.Context = ctx
	if err := l.contracts(ctx, d.ChainID()); err != nil {
		return err
	}
	if err := d.registerEon(ctx, l); err != nil {
		return err
	}
	src := cfg.Source
	if src == nil {
		// The roots the committee's keyholders signed, as validator 0
		// serves them (ListSignedRoots), through the wallet API's
		// address, which a restart of validator 0 keeps: the relayer
		// reads what an outside one would.
		c, err := client.Dial(d.APIURL())
		if err != nil {
			return err
		}
		src = relayer.NewClientSource(c)
	}
	r, err := relayer.New(l.client, src, relayer.Config{
		Inbox: l.inbox, Key: l.cfg.Key, MaxPerTx: cfg.MaxPerTx,
		Poll: cfg.Poll, ReceiptPoll: cfg.Poll, Backoff: cfg.Poll,
		Logger: l.log, OnPosted: cfg.OnPosted,
	})
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	go l.run(rctx, r)
	l.eonsDone = make(chan struct{})
	go d.followEons(rctx, l)
	d.l1 = l
	return nil
}

// connect starts the simulated backend, with a key from rnd unless the
// config has one, or dials the URL.
func (l *L1) connect(ctx context.Context, rnd io.Reader) error {
	if l.cfg.Endpoint != L1Simulated {
		if l.cfg.Key == nil {
			return errors.New("devnet: an L1 at a URL needs a key (--l1-key) to deploy and post with")
		}
		c, err := ethclient.DialContext(ctx, l.cfg.Endpoint)
		if err != nil {
			return fmt.Errorf("devnet: l1 %s: %w", l.cfg.Endpoint, err)
		}
		l.eth, l.client = c, c
		l.poster = crypto.PubkeyToAddress(l.cfg.Key.PublicKey)
		return nil
	}
	if l.cfg.Key == nil {
		k, err := ecdsa.GenerateKey(crypto.S256(), rnd)
		if err != nil {
			return fmt.Errorf("devnet: l1 key: %w", err)
		}
		l.cfg.Key = k
	}
	l.poster = crypto.PubkeyToAddress(l.cfg.Key.PublicKey)
	alloc := types.GenesisAlloc{l.poster: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}}
	l.sim = simulated.NewBackend(alloc,
		func(_ *gethnode.Config, ec *ethconfig.Config) { ec.Genesis.Config = contracts.SimulatedChainConfig() },
		simulated.WithBlockGasLimit(60_000_000))
	l.client = l.sim.Client()
	return nil
}

// wait mines tx (at once on the simulated backend) and checks it succeeded.
func (l *L1) wait(ctx context.Context, what string, tx *types.Transaction) error {
	if l.sim != nil {
		l.sim.Commit()
	}
	r, err := bind.WaitMined(ctx, l.client, tx.Hash())
	if err != nil {
		return fmt.Errorf("devnet: l1 %s: %w", what, err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return fmt.Errorf("devnet: l1 %s: transaction %s reverted", what, tx.Hash())
	}
	return nil
}

// contracts deploys the registry and inbox, or checks the ones given.
func (l *L1) contracts(ctx context.Context, chainID string) error {
	inboxABI := bindings.NewBatchInbox()
	if l.cfg.Inbox != (common.Address{}) {
		l.inbox = l.cfg.Inbox
		inbox := inboxABI.Instance(l.client, l.inbox)
		call := &bind.CallOpts{Context: ctx}
		id, err := bind.Call(inbox, call, inboxABI.PackChainId(), inboxABI.UnpackChainId)
		if err != nil {
			return fmt.Errorf("devnet: BatchInbox at %s: %w", l.inbox, err)
		}
		if string(id) != chainID {
			return fmt.Errorf("devnet: BatchInbox at %s is for chain %q, the devnet is %q", l.inbox, id, chainID)
		}
		if l.reg, err = bind.Call(inbox, call, inboxABI.PackRegistry(), inboxABI.UnpackRegistry); err != nil {
			return fmt.Errorf("devnet: BatchInbox at %s: %w", l.inbox, err)
		}
		n, err := bind.Call(inbox, call, inboxABI.PackPosterCount(), inboxABI.UnpackPosterCount)
		if err != nil {
			return fmt.Errorf("devnet: BatchInbox at %s: %w", l.inbox, err)
		}
		if n == 0 {
			return nil
		}
		ok, err := bind.Call(inbox, call, inboxABI.PackIsPoster(l.poster), inboxABI.UnpackIsPoster)
		if err != nil {
			return fmt.Errorf("devnet: BatchInbox at %s: %w", l.inbox, err)
		}
		if !ok {
			return fmt.Errorf("devnet: BatchInbox at %s takes posts only from its allowed posters, and %s is not one: have the registry's owner call addPoster(%s)", l.inbox, l.poster, l.poster)
		}
		return nil
	}
	l.reg = l.cfg.Registry
	if l.reg == (common.Address{}) {
		addr, tx, err := contracts.DeployRegistry(l.opts, l.client, l.poster)
		if err != nil {
			return fmt.Errorf("devnet: deploy CommitteeRegistry: %w", err)
		}
		if err := l.wait(ctx, "deploy CommitteeRegistry", tx); err != nil {
			return err
		}
		l.reg = addr
	}
	addr, tx, err := contracts.DeployInbox(l.opts, l.client, l.reg, chainID)
	if err != nil {
		return fmt.Errorf("devnet: deploy BatchInbox: %w", err)
	}
	if err := l.wait(ctx, "deploy BatchInbox", tx); err != nil {
		return err
	}
	l.inbox = addr
	// Make the relayer the only poster, so nobody else can skip heights,
	// when the key owns the registry (it does when it deployed it).
	regABI := bindings.NewCommitteeRegistry()
	owner, err := bind.Call(regABI.Instance(l.client, l.reg), &bind.CallOpts{Context: ctx}, regABI.PackOwner(), regABI.UnpackOwner)
	if err != nil {
		return fmt.Errorf("devnet: CommitteeRegistry at %s: %w", l.reg, err)
	}
	if owner != l.poster {
		l.log.Warn("the registry's owner is another key: posting stays permissionless", "owner", owner)
		return nil
	}
	tx, err = bind.Transact(inboxABI.Instance(l.client, l.inbox), l.opts, inboxABI.PackAddPoster(l.poster))
	if err != nil {
		return fmt.Errorf("devnet: addPoster: %w", err)
	}
	return l.wait(ctx, "addPoster", tx)
}

// registerEon makes sure the registry holds the devnet's eon: its key and
// threshold, activation height, and the members' addresses derived from
// their keyholder keys (contracts.KeyholderAddresses; devnet members have
// no L1 accounts).
func (d *Devnet) registerEon(ctx context.Context, l *L1) error {
	pk, err := d.eonKey()
	if err != nil {
		return err
	}
	if err := d.registerEonOf(ctx, l, l.opts, pk.Eon()); err != nil {
		return fmt.Errorf("devnet: register eon %d: %w", pk.Eon(), err)
	}
	return nil
}

// eonArgsOf is the registration of eon id, read from validator 0's state.
func (d *Devnet) eonArgsOf(id uint64) (contracts.EonArgs, error) {
	app := d.Network.Nodes[0].App()
	eon, err := app.Eon(id)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("devnet: eon %d: %w", id, err)
	}
	pk, err := threshold.ParseEonPublicKey(eon.PublicKey)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("devnet: eon %d key: %w", id, err)
	}
	khs, err := app.Keyholders(id)
	if err != nil {
		return contracts.EonArgs{}, fmt.Errorf("devnet: eon %d keyholders: %w", pk.Eon(), err)
	}
	members, err := contracts.KeyholderAddresses(khs)
	if err != nil {
		return contracts.EonArgs{}, err
	}
	return contracts.NewEonArgs(pk, uint64(max(eon.ActivationHeight, 1)), members)
}

// followEons registers on L1 every eon the chain registers after the
// first, as soon as validator 0's state holds it. The chain registers an
// eon at least rotation_lead_blocks before it activates, so the registry
// knows it before the relayer has a root signed under it to post. A
// failed registration (an L1 hiccup, a nonce race with the relayer, which
// sends from the same account) is retried at the next poll.
func (d *Devnet) followEons(ctx context.Context, l *L1) {
	defer close(l.eonsDone)
	var done uint64 // highest eon known registered on L1
	if pk, err := d.eonKey(); err == nil {
		done = pk.Eon()
	}
	opts := *l.opts
	opts.Context = ctx
	t := time.NewTicker(l.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		app := d.Network.Nodes[0].App()
		latest := done
		if cur, err := app.CurrentEon(); err == nil {
			latest = max(latest, cur.ID)
		}
		if next, ok, err := app.NextEon(); err == nil && ok {
			latest = max(latest, next.ID)
		}
		for id := done + 1; id <= latest; id++ {
			if err := d.registerEonOf(ctx, l, &opts, id); err != nil {
				if ctx.Err() == nil {
					l.log.Warn("registering eon on L1; will retry", "eon", id, "err", err)
				}
				break
			}
			done = id
		}
	}
}

// registerEonOf makes sure the registry holds eon id as validator 0's
// state records it.
func (d *Devnet) registerEonOf(ctx context.Context, l *L1, opts *bind.TransactOpts, id uint64) error {
	args, err := d.eonArgsOf(id)
	if err != nil {
		return err
	}
	tx, err := contracts.EnsureEon(ctx, opts, l.client, l.reg, args)
	if err != nil {
		return err
	}
	if tx == nil {
		return nil
	}
	if err := l.wait(ctx, "registerEon", tx); err != nil {
		return err
	}
	l.log.Info("registered eon on L1", "eon", id, "activation", args.ActivationHeight, "tx", tx.Hash())
	return nil
}

// eonKey is the devnet's eon key, as validator 0's state records it.
func (d *Devnet) eonKey() (*threshold.EonPublicKey, error) {
	if len(d.Shares) == 0 {
		return nil, errors.New("devnet: no key shares")
	}
	id := d.Shares[0].Eon()
	eon, err := d.Network.Nodes[0].App().Eon(id)
	if err != nil {
		return nil, fmt.Errorf("devnet: eon %d: %w", id, err)
	}
	pk, err := threshold.ParseEonPublicKey(eon.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("devnet: eon %d key: %w", id, err)
	}
	return pk, nil
}

// run mines (on the simulated backend) and relays until ctx ends. A
// relayer that fails for good (the inbox rejects a batch) is logged and
// restarted after a pause, so the devnet keeps running.
func (l *L1) run(ctx context.Context, r *relayer.Relayer) {
	defer close(l.done)
	if l.sim != nil {
		go l.mine(ctx)
	}
	for {
		err := r.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("relayer stopped; restarting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * l.cfg.Poll):
		}
	}
}

// mine commits a block every BlockTime while transactions are pending.
func (l *L1) mine(ctx context.Context) {
	t := time.NewTicker(l.cfg.BlockTime)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := l.sim.Client().PendingTransactionCount(ctx); err == nil && n > 0 {
				l.sim.Commit()
			}
		}
	}
}

// stop stops the relayer and closes the L1 connection (or backend).
func (l *L1) stop() {
	if l.cancel != nil {
		l.cancel()
		<-l.done
		<-l.eonsDone
	}
	l.close()
}

func (l *L1) close() {
	if l.closed {
		return
	}
	l.closed = true
	if l.sim != nil {
		_ = l.sim.Close()
	}
	if l.eth != nil {
		l.eth.Close()
	}
}

func (d *Devnet) stopL1() {
	if d.l1 != nil {
		d.l1.stop()
		d.l1 = nil
	}
}
