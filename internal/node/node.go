package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/cockroachdb/pebble"
	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtmempool "github.com/cometbft/cometbft/mempool"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/store"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed/feed"
)

// AppDBName is the application database's name under the home's data
// directory (data/veil_app.db with the pebble backend).
const AppDBName = "veil_app"

// Config configures a Node.
type Config struct {
	// Home is the node's home directory in CometBFT's layout: config/
	// (config.toml, genesis.json, node_key.json, priv_validator_key.json)
	// and data/ (databases, priv_validator_state.json). Required.
	Home string
	// Logger receives the node's logs, CometBFT's included. Default
	// discards.
	Logger *slog.Logger
	// CometLogLevel is the lowest level of CometBFT's own messages passed
	// to Logger. Default slog.LevelWarn, which keeps only its errors.
	CometLogLevel slog.Leveler
	// DisableMetrics turns CometBFT's Prometheus server off even if
	// config.toml enables it. Metrics register in the process-wide
	// Prometheus registry, so only one node per process can serve them.
	DisableMetrics bool
	// Rule orders blocks. Default ordering.FairOrder: median first-seen
	// times reported in vote extensions.
	Rule ordering.Rule
	// Metrics receives veil's metrics (admission by reason, block fill),
	// labelled with the node's moniker. Default prometheus's default
	// registry, which CometBFT's metrics server (if on) serves.
	Metrics prometheus.Registerer
	// WrapApp, when set, wraps the ABCI application CometBFT calls; it
	// receives the node's Home. It exists for tests that watch a
	// validator's ABCI calls or make it misbehave (an adversarial
	// proposer, see internal/devnet's Config.WrapApp); no command sets
	// it.
	WrapApp func(home string, app abci.Application) abci.Application
}

func (c *Config) validate() error {
	if c.Home == "" {
		return errors.New("node: Config.Home is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = prometheus.DefaultRegisterer
	}
	if c.CometLogLevel == nil {
		c.CometLogLevel = slog.LevelWarn
	}
	if c.Rule == nil {
		c.Rule = ordering.FairOrder{}
	}
	return nil
}

// Node is one validator: CometBFT consensus, p2p and mempool in-process,
// driving the veil application over a local ABCI client.
type Node struct {
	cfg   *cmtcfg.Config
	app   *ordering.App
	comet *cmtnode.Node
	dbs   *dbSet
	log   *slog.Logger

	// feed is the rollup feed, following the app through its commit hook;
	// feedDB stores its firm batches.
	feed   *feed.Feed
	feedDB dbm.DB

	mu      sync.Mutex
	started bool
	stopped bool
}

// New loads a node from its home directory: it opens the application's
// database, then builds CometBFT, whose handshake replays any stored
// blocks the application has not committed (after a crash or a stop).
// The node does not connect to anyone until Start.
func New(ctx context.Context, c Config) (*Node, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(c.Home)
	if err != nil {
		return nil, err
	}
	if c.DisableMetrics {
		cfg.Instrumentation.Prometheus = false
	}
	log := c.Logger.With("node", cfg.Moniker)
	pebbleLog := pebbleLogger{log.With("module", "db")}

	pv, err := loadPrivValidator(cfg)
	if err != nil {
		return nil, err
	}
	nodeKey, err := p2p.LoadNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}

	appDB, err := openDB(AppDBName, cfg, pebbleLog)
	if err != nil {
		return nil, fmt.Errorf("node: open application database: %w", err)
	}
	app, err := ordering.New(ordering.Config{
		DB:   appDB,
		Rule: c.Rule,
		// The fair-ordering reporter checks blocks for its own extension.
		ValidatorAddress: pv.Key.Address,
		// Keep the Pool within CometBFT's mempool so an envelope the Pool
		// admits is not then refused by CometBFT for space.
		Pool:   mempool.NewPool(mempool.PoolConfig{MaxTxs: cfg.Mempool.Size, MaxBytes: int(cfg.Mempool.MaxTxsBytes)}),
		Logger: log.With("module", "app"),
	})
	if err != nil {
		_ = appDB.Close()
		return nil, err
	}

	// The feed follows every commit, including those CometBFT's handshake
	// replays in NewNode, so it is installed first.
	fd, feedDB, commits, err := openFeed(cfg, app, pebbleLog, log)
	if err != nil {
		_ = app.Close()
		return nil, err
	}

	dbs := &dbSet{log: pebbleLog}
	// Each ABCI connection is serialized on its own and the application
	// synchronizes between them, so CheckTx's signature checks run beside
	// consensus instead of queueing behind it.
	var abciApp abci.Application = &instrumented{App: app, m: newMetrics(c.Metrics, cfg.Moniker)}
	if c.WrapApp != nil {
		abciApp = c.WrapApp(c.Home, abciApp)
	}
	comet, err := cmtnode.NewNode(ctx, cfg, pv, nodeKey,
		proxy.NewConnSyncLocalClientCreator(abciApp),
		cmtnode.DefaultGenesisDocProviderFunc(cfg),
		dbs.provider,
		cmtnode.DefaultMetricsProvider(cfg.Instrumentation),
		cometLogger{l: log.With("module", "comet"), min: c.CometLogLevel.Level()},
	)
	if err != nil {
		fd.Close()
		_ = feedDB.Close()
		_ = app.Close()
		_ = dbs.closeAll()
		return nil, fmt.Errorf("node: %w", err)
	}
	commits.store.Store(comet.BlockStore())
	mp := comet.Mempool()
	app.SetEvictHandler(func(keys [][32]byte) {
		for _, k := range keys {
			_ = mp.RemoveTxByKey(cmttypes.TxKey(k)) // absent: already gone
		}
	})
	return &Node{cfg: cfg, app: app, comet: comet, dbs: dbs, log: log, feed: fd, feedDB: feedDB}, nil
}

// loadPrivValidator reads the validator key and sign state. It checks the
// files itself because privval.LoadFilePV exits the process on error.
func loadPrivValidator(cfg *cmtcfg.Config) (*privval.FilePV, error) {
	keyFile, stateFile := cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("node: validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(b, &key); err != nil || key.PrivKey == nil {
		return nil, fmt.Errorf("node: validator key %s: unreadable (%v)", keyFile, err)
	}
	b, err = os.ReadFile(stateFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
		// A fresh validator: start with an empty sign state.
		pv := privval.NewFilePV(key.PrivKey, keyFile, stateFile)
		pv.LastSignState.Save()
		return pv, nil
	case err != nil:
		return nil, fmt.Errorf("node: validator sign state: %w", err)
	}
	var state privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(b, &state); err != nil {
		return nil, fmt.Errorf("node: validator sign state %s: %w", stateFile, err)
	}
	return privval.LoadFilePV(keyFile, stateFile), nil
}

// Start connects to the persistent peers and joins consensus.
func (n *Node) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return errors.New("node: already stopped")
	}
	if err := n.comet.Start(); err != nil {
		return fmt.Errorf("node %s: %w", n.cfg.Moniker, err)
	}
	n.started = true
	return nil
}

// Stop leaves the network, stops CometBFT and closes the databases. A
// stopped node is restarted by building a new one from the same home
// with New. Stop is safe to call more than once and on a node never
// started.
func (n *Node) Stop() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return nil
	}
	n.stopped = true
	var err error
	if n.comet.IsRunning() {
		err = n.comet.Stop()
		n.comet.Wait()
	} else {
		// Never started, or Start failed: release what NewNode opened.
		n.comet.OnStop()
	}
	n.feed.Close()
	return errors.Join(err, n.dbs.closeAll(), n.app.Close(), n.feedDB.Close())
}

// Feed returns the node's rollup feed.
func (n *Node) Feed() *feed.Feed { return n.feed }

// FeedDBName is the database, in the data directory, of the rollup feed.
const FeedDBName = "feed"

func openFeed(cfg *cmtcfg.Config, app *ordering.App, pebbleLog pebble.Logger, log *slog.Logger) (*feed.Feed, dbm.DB, *blockCommits, error) {
	gen, err := cmttypes.GenesisDocFromFile(cfg.GenesisFile())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("node: %w", err)
	}
	db, err := openDB(FeedDBName, cfg, pebbleLog)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("node: open feed database: %w", err)
	}
	commits := &blockCommits{chainID: gen.ChainID}
	fd, err := feed.New(feed.Config{
		DB: db, ChainID: gen.ChainID, Logger: log.With("module", "feed"), Commits: commits,
		Rollups: func() ([]uint64, error) {
			rs, err := app.Rollups()
			ids := make([]uint64, len(rs))
			for i, r := range rs {
				ids[i] = r.ID
			}
			return ids, err
		},
	})
	if err != nil {
		_ = db.Close()
		return nil, nil, nil, err
	}
	app.SetCommitHook(fd.OnCommit)
	return fd, db, commits, nil
}

// Synced reports whether the node has left block sync and takes part in
// consensus. Before then CometBFT's mempool reactor drops the envelopes
// its peers gossip to it (and they do not resend them), so an envelope
// submitted elsewhere meanwhile reaches this node only if it is
// submitted here too; fair ordering's backstop bounds what that costs.
func (n *Node) Synced() bool {
	memR, ok := n.comet.MempoolReactor().(*cmtmempool.Reactor)
	return ok && !memR.WaitSync()
}

// App returns the application, for queries and commit subscriptions.
func (n *Node) App() *ordering.App { return n.app }

// Comet returns the CometBFT node.
func (n *Node) Comet() *cmtnode.Node { return n.comet }

// Mempool returns CometBFT's mempool: CheckTx on it admits and gossips.
func (n *Node) Mempool() cmtmempool.Mempool { return n.comet.Mempool() }

// BlockStore returns the node's block store.
func (n *Node) BlockStore() *store.BlockStore { return n.comet.BlockStore() }

// CometConfig returns the configuration loaded from the home.
func (n *Node) CometConfig() *cmtcfg.Config { return n.cfg }

// Moniker returns the node's name.
func (n *Node) Moniker() string { return n.cfg.Moniker }

// RPCAddress returns CometBFT's RPC listen address, empty if disabled.
func (n *Node) RPCAddress() string { return n.cfg.RPC.ListenAddress }

// Submit puts an envelope into the node's mempool, which runs the
// application's admission and gossips it. It returns the transaction hash;
// a rejection by the application is an *ordering.TxError matching the
// mempool package's sentinels with errors.Is; CometBFT's own refusals
// (already seen, mempool full, too large) are its mempool errors.
func (n *Node) Submit(tx []byte) (common.Hash, error) {
	hash := crypto.Keccak256Hash(tx)
	rr, err := n.comet.Mempool().CheckTx(tx, "")
	if err != nil {
		return hash, err
	}
	rr.Wait()
	res := rr.Response.GetCheckTx()
	if res == nil {
		return hash, errors.New("node: no CheckTx response")
	}
	return hash, ordering.ResultError(res.Code, res.Codespace, res.Log)
}
