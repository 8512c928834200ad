// Package devnet runs a whole veil network in one process on loopback: n
// validators, the committee's eon key from a DKG run among them, the
// wallet API on the first validator, and funded demo wallets. `veil
// devnet` and the end-to-end tests stand on it.
package devnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/internal/node"
	"github.com/veilseq/veil/internal/sequencer"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/threshold/dkg"
)

// DemoRollups are the rollups every devnet registers.
var DemoRollups = []ordering.Rollup{{ID: 1001, Name: "demo-a"}, {ID: 1002, Name: "demo-b"}}

// WalletBalance is what each demo wallet holds at genesis.
const WalletBalance = 1_000_000_000_000

// Config configures a devnet.
type Config struct {
	// Dir holds the network's state: one CometBFT home per validator,
	// the keyholders' secrets (encrypted with age under an identity kept
	// in Dir, see IdentityPath: for development only), the demo wallets'
	// keys. A devnet
	// started on an existing Dir resumes from it. Default ".devnet".
	Dir string
	// Reset deletes Dir first.
	Reset bool
	// Validators is the number of validators and committee members.
	// Default 4.
	Validators int
	// Wallets is the number of funded demo wallets. Default 8.
	Wallets int
	// ChainID default "veil-devnet".
	ChainID string
	// APIAddr is where the wallet API listens. Default 127.0.0.1:26670;
	// port 0 picks a free port.
	APIAddr string
	// TimeoutCommit sets the block interval. Default 300 ms.
	TimeoutCommit time.Duration
	// Rule orders blocks; default the node's default.
	Rule ordering.Rule
	// API tunes the wallet API server (rate limits and so on); Addr and
	// Logger are set from this Config.
	API server.Config
	// Metrics serves CometBFT's Prometheus metrics from validator 0 (port
	// in its config.toml). Prometheus' registry is process-wide, so only
	// one devnet per process may turn it on.
	Metrics bool
	// Logger receives the network's logs. Default discards.
	Logger *slog.Logger
	// Rand feeds key generation; default crypto/rand.
	Rand io.Reader
	// Keyholders sets a member's keyholder fault for fault tests, by
	// member index (1-based); members not listed are honest.
	Keyholders map[int]KeyholderFault
	// OnRelease, if set, sees every keyholder release with the releasing
	// member's node's last committed height at the time.
	OnRelease func(r decrypt.Release, committed int64)
	// L1 settles the devnet on an L1: contracts, the eon's registration
	// and a relayer of the signed firm batch roots (see L1Config). Off
	// while L1.Endpoint is empty.
	L1 L1Config
	// Ledgers runs the example token ledgers on the demo rollups (see
	// Ledgers).
	Ledgers bool
	// ExtraRollups are registered by a new network besides DemoRollups.
	ExtraRollups []ordering.Rollup
	// EscapeHatchBlocks, when positive, gives a new network the time-lock
	// escape hatch: a block whose keys are not recorded within this many
	// blocks is resolved from its envelopes' time-locks, under the
	// devnet's parameters (EscapeParams, T = EscapeDelay). Zero: off.
	EscapeHatchBlocks uint64
	// WrapApp wraps validator i's ABCI application (key i, 0-based), for
	// adversary and observation tests (see wrap.go). No command sets it.
	WrapApp map[int]func(abci.Application) abci.Application
}

// KeyholderFault is how a devnet keyholder misbehaves.
type KeyholderFault int

const (
	// KeyholderHonest releases correct shares.
	KeyholderHonest KeyholderFault = iota
	// KeyholderOffline never runs.
	KeyholderOffline
	// KeyholderGarbage releases shares of the wrong identities.
	KeyholderGarbage
)

func (c *Config) validate() error {
	if c.Dir == "" {
		c.Dir = ".devnet"
	}
	if c.Validators == 0 {
		c.Validators = 4
	}
	if c.Validators < 1 || c.Validators > 64 {
		return fmt.Errorf("devnet: %d validators, want 1..64", c.Validators)
	}
	if c.Wallets == 0 {
		c.Wallets = 8
	}
	if c.ChainID == "" {
		c.ChainID = "veil-devnet"
	}
	if c.APIAddr == "" {
		c.APIAddr = "127.0.0.1:26670"
	}
	if c.TimeoutCommit == 0 {
		c.TimeoutCommit = 300 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	return nil
}

// Devnet is a running network.
type Devnet struct {
	cfg     Config
	Network *node.Network
	// Wallets are the funded demo wallets' keys.
	Wallets []*ecdsa.PrivateKey
	// Shares are the committee members' secret key shares of the eon, in
	// member order (member i+1 runs on validator i).
	Shares []*threshold.SecretKeyShare
	// memberKeys are the members' Ed25519 keys, in member order;
	// rotated holds their shares of the eons Rotate registered, by eon
	// (rotate.go).
	memberKeys []ed25519.PrivateKey
	rotated    map[uint64][]*threshold.SecretKeyShare

	// l1 is set by Start when Config.L1 names an L1.
	l1 *L1

	stopping atomic.Bool
	ledgers  *Ledgers // set by Start when Config.Ledgers

	// services[i] is validator i's decryption service; keyholders[i]
	// runs member i+1's key release against validator i.
	dmu        sync.Mutex
	services   []*decrypt.Service
	keyholders []*runningKeyholder

	mu      sync.Mutex
	backend *sequencer.Backend
	api     *server.Server
	apiURL  string
	apiLn   net.Listener
	apiDone chan error
	cancel  context.CancelFunc
}

// manifest records what a devnet directory holds.
type manifest struct {
	ChainID    string `json:"chain_id"`
	Validators int    `json:"validators"`
	Wallets    int    `json:"wallets"`
}

const manifestName = "devnet.json"

// Start creates the network in cfg.Dir if it is not there (running the
// eon's DKG among the validators' keyholders) and starts it.
func Start(ctx context.Context, cfg Config) (*Devnet, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Reset {
		if err := os.RemoveAll(cfg.Dir); err != nil {
			return nil, fmt.Errorf("devnet: reset: %w", err)
		}
	}
	// CometBFT reports its peers' connections closing as errors while
	// the network shuts down; a stopping devnet drops its own logs.
	d := &Devnet{cfg: cfg}
	d.cfg.Logger = slog.New(&quietOnStop{h: cfg.Logger.Handler(), stopping: &d.stopping})
	if _, err := os.Stat(filepath.Join(cfg.Dir, manifestName)); errors.Is(err, os.ErrNotExist) {
		if err := d.create(nil); err != nil {
			return nil, err
		}
	}
	if err := d.load(); err != nil {
		return nil, err
	}
	nw, err := node.StartNetwork(ctx, d.homes(), d.nodeConfig())
	if err != nil {
		return nil, err
	}
	d.Network = nw
	// Open the API only once every validator gossips: one still in block
	// sync would drop the first envelopes (see node.Node.Synced).
	syncCtx, cancel := context.WithTimeout(ctx, time.Minute)
	err = nw.WaitSynced(syncCtx)
	cancel()
	if err != nil {
		return nil, errors.Join(err, nw.Stop())
	}
	if err := d.startDecryption(); err != nil {
		return nil, errors.Join(err, nw.Stop())
	}
	if err := d.startAPI(); err != nil {
		return nil, errors.Join(err, d.stopDecryption(), nw.Stop())
	}
	if err := d.startL1(ctx); err != nil {
		return nil, errors.Join(err, d.stopAPI(), d.stopDecryption(), nw.Stop())
	}
	if cfg.Ledgers {
		if err := d.startLedgers(ctx); err != nil {
			d.stopL1()
			return nil, errors.Join(err, d.stopAPI(), d.stopDecryption(), nw.Stop())
		}
	}
	return d, nil
}

func (d *Devnet) nodeConfig() node.Config {
	return node.Config{Logger: d.cfg.Logger, Rule: d.cfg.Rule, DisableMetrics: !d.cfg.Metrics, WrapApp: d.wrapApp()}
}

func (d *Devnet) homes() []string {
	homes := make([]string, d.cfg.Validators)
	for i := range homes {
		homes[i] = filepath.Join(d.cfg.Dir, fmt.Sprintf("node%d", i))
	}
	return homes
}

// Create lays out a new network in cfg.Dir without starting it, as Start
// would: the eon's DKG among the committee, wallet keys, one home per
// validator. With hosts (one per validator) the homes are for separate
// machines; see node.TestnetConfig.Hosts. Dir must not hold a network.
func Create(cfg Config, hosts []string) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, manifestName)); err == nil {
		return fmt.Errorf("devnet: %s already holds a network", cfg.Dir)
	}
	return (&Devnet{cfg: cfg}).create(hosts)
}

// create lays out a new network: the DKG among the committee, keys, homes.
func (d *Devnet) create(hosts []string) error {
	cfg := d.cfg
	n := cfg.Validators
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	results, err := RunDKG(cfg.Rand, 1, n)
	if err != nil {
		return err
	}
	pk := results[0].EonPublicKey()
	pkBytes, err := pk.MarshalBinary()
	if err != nil {
		return err
	}
	params := ordering.DefaultParams()
	params.RotationLeadBlocks = RotationLeadBlocks
	gen := &ordering.Genesis{
		Params:  params,
		Rollups: genesisRollups(cfg),
		Eon:     ordering.GenesisEon{ID: 1, PublicKey: pkBytes},

		EscapeHatch: escapeHatch(cfg.EscapeHatchBlocks),
	}
	khKeys := make([]ed25519.PrivateKey, n)
	for i := range n {
		pub, priv, err := ed25519.GenerateKey(cfg.Rand)
		if err != nil {
			return fmt.Errorf("devnet: keyholder key: %w", err)
		}
		khKeys[i] = priv
		gen.Eon.Keyholders = append(gen.Eon.Keyholders, hexutil.Bytes(pub))
	}
	walletDir := filepath.Join(cfg.Dir, "wallets")
	if err := os.MkdirAll(walletDir, 0o700); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	for i := range cfg.Wallets {
		key, err := ecdsa.GenerateKey(crypto.S256(), cfg.Rand)
		if err != nil {
			return fmt.Errorf("devnet: wallet key: %w", err)
		}
		if err := client.SaveKey(walletPath(cfg.Dir, i), key); err != nil {
			return err
		}
		gen.Accounts = append(gen.Accounts, ordering.GenesisAccount{Address: crypto.PubkeyToAddress(key.PublicKey), Balance: WalletBalance})
	}
	homes, err := node.GenerateHomes(cfg.Dir, node.TestnetConfig{
		ChainID:       cfg.ChainID,
		Validators:    n,
		Genesis:       gen,
		TimeoutCommit: cfg.TimeoutCommit,
		Prometheus:    true,
		Hosts:         hosts,
	})
	if err != nil {
		return err
	}
	key, err := devnetIdentity(cfg.Dir)
	if err != nil {
		return err
	}
	for i, home := range homes {
		s := &keystore.Secrets{ChainID: cfg.ChainID, Share: results[i].SecretShare(), MemberKey: khKeys[i]}
		if err := saveSecrets(home, s, key); err != nil {
			return err
		}
	}
	m, _ := json.MarshalIndent(manifest{ChainID: cfg.ChainID, Validators: n, Wallets: cfg.Wallets}, "", "  ")
	return os.WriteFile(filepath.Join(cfg.Dir, manifestName), m, 0o600)
}

// load reads the directory's manifest, wallet keys and key shares.
func (d *Devnet) load() error {
	b, err := os.ReadFile(filepath.Join(d.cfg.Dir, manifestName))
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("devnet: %s: %w", manifestName, err)
	}
	d.cfg.Validators, d.cfg.Wallets, d.cfg.ChainID = m.Validators, m.Wallets, m.ChainID
	d.Wallets = d.Wallets[:0]
	for i := range m.Wallets {
		key, err := client.LoadKey(walletPath(d.cfg.Dir, i))
		if err != nil {
			return err
		}
		d.Wallets = append(d.Wallets, key)
	}
	key, err := devnetIdentity(d.cfg.Dir)
	if err != nil {
		return err
	}
	d.Shares = d.Shares[:0]
	d.memberKeys = d.memberKeys[:0]
	for _, home := range d.homes() {
		s, err := loadSecrets(home, d.cfg.ChainID, key)
		if err != nil {
			return err
		}
		d.Shares = append(d.Shares, s.Share)
		d.memberKeys = append(d.memberKeys, s.MemberKey)
	}
	return d.loadRotated(key)
}

func walletPath(dir string, i int) string {
	return filepath.Join(dir, "wallets", fmt.Sprintf("wallet%d.key", i))
}

// ProgressPath is where a home's keyholder records the last height it
// released.
func ProgressPath(home string) string { return filepath.Join(home, "keyholder", "released") }

// startAPI serves the wallet API from validator 0.
func (d *Devnet) startAPI() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	n0 := d.Network.Nodes[0]
	d.dmu.Lock()
	svc0 := d.services[0]
	d.dmu.Unlock()
	be, err := sequencer.New(sequencer.Config{App: n0.App(), Mempool: n0.Mempool(), BlockStore: n0.BlockStore(), Logger: d.cfg.Logger, Soft: svc0.Pool,
		JournalDir: n0.CometConfig().DBDir()})
	if err != nil {
		return err
	}
	addr := d.cfg.APIAddr
	if d.apiURL != "" { // a restart keeps the address clients know
		addr = d.apiLn.Addr().String()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		be.Close()
		return fmt.Errorf("devnet: API listen: %w", err)
	}
	sc := d.cfg.API
	sc.Addr, sc.Logger, sc.Keyholder, sc.RollupFeed = ln.Addr().String(), d.cfg.Logger, decrypt.WithCeremonies(svc0, n0.Submit), n0.Feed()
	srv, err := server.New(be, sc)
	if err != nil {
		be.Close()
		ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	d.backend, d.api, d.apiLn, d.apiDone, d.cancel = be, srv, ln, done, cancel
	d.apiURL = "http://" + ln.Addr().String()
	return nil
}

func (d *Devnet) stopAPI() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel == nil {
		return nil
	}
	d.cancel()
	err := <-d.apiDone
	d.backend.Close()
	d.cancel = nil
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// APIURL is the wallet API's base URL.
func (d *Devnet) APIURL() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.apiURL
}

// ChainID returns the network's chain id.
func (d *Devnet) ChainID() string { return d.cfg.ChainID }

// Dir returns the network's directory.
func (d *Devnet) Dir() string { return d.cfg.Dir }

// Restart stops validator i and starts it again from its home, as a
// crashed validator process restarting would. Restarting validator 0
// also restarts the API it serves, on the same address.
func (d *Devnet) Restart(ctx context.Context, i int) error {
	if i == 0 {
		if err := d.stopAPI(); err != nil {
			return err
		}
	}
	d.stopNodeDecryption(i)
	if err := d.Network.Restart(ctx, i, d.nodeConfig()); err != nil {
		return err
	}
	if err := d.startNodeDecryption(i); err != nil {
		return err
	}
	if i == 0 {
		return d.startAPI()
	}
	return nil
}

// Stop stops the API and every validator.
func (d *Devnet) Stop() error {
	d.stopping.Store(true)
	d.stopL1()
	d.stopLedgers()
	apiErr := d.stopAPI()
	return errors.Join(apiErr, d.stopDecryption(), d.Network.Stop())
}

// quietOnStop passes records to h until stopping is set.
type quietOnStop struct {
	h        slog.Handler
	stopping *atomic.Bool
}

func (q *quietOnStop) Enabled(ctx context.Context, l slog.Level) bool {
	return !q.stopping.Load() && q.h.Enabled(ctx, l)
}

func (q *quietOnStop) Handle(ctx context.Context, r slog.Record) error {
	if q.stopping.Load() {
		return nil
	}
	return q.h.Handle(ctx, r)
}

func (q *quietOnStop) WithAttrs(as []slog.Attr) slog.Handler {
	return &quietOnStop{h: q.h.WithAttrs(as), stopping: q.stopping}
}

func (q *quietOnStop) WithGroup(name string) slog.Handler {
	return &quietOnStop{h: q.h.WithGroup(name), stopping: q.stopping}
}

// RunDKG runs eon's DKG among n fresh committee members in memory and
// returns each member's result, in member order. The devnet's members all
// live in one process, so the transport is a loop that hands every message
// to every other member; a networked ceremony would run the same state
// machine over the network.
func RunDKG(rnd io.Reader, eon uint64, n int) ([]*dkg.Result, error) {
	results, _, err := runDKG(rnd, eon, n)
	return results, err
}

// runDKG is RunDKG that also returns the transcript digest: SHA-256 over
// a domain tag and every message, in the order the loop delivered them.
func runDKG(rnd io.Reader, eon uint64, n int) ([]*dkg.Result, [32]byte, error) {
	var digest [32]byte
	transcript := sha256.New()
	transcript.Write([]byte("veil/devnet-dkg-transcript/v1\x00"))
	privs := make([]*dkg.PrivateKey, n)
	pubs := make([]*dkg.PublicKey, n)
	for i := range n {
		var err error
		if privs[i], pubs[i], err = dkg.GenerateLongtermKey(rnd); err != nil {
			return nil, digest, err
		}
	}
	members := make([]*dkg.Participant, n)
	var wire []*dkg.Message
	for i := range n {
		p, out, err := dkg.NewParticipant(dkg.Config{Eon: eon, Members: pubs, Self: privs[i], Rand: rnd})
		if err != nil {
			return nil, digest, fmt.Errorf("devnet: dkg member %d: %w", i+1, err)
		}
		members[i] = p
		wire = append(wire, out...)
	}
	for rounds := 0; ; rounds++ {
		for len(wire) > 0 {
			m := wire[0]
			wire = wire[1:]
			raw, _ := m.MarshalBinary()
			transcript.Write(raw)
			for _, p := range members {
				if m.Sender() == p.Index() {
					continue
				}
				out, err := p.Handle(m)
				if err != nil {
					return nil, digest, fmt.Errorf("devnet: dkg member %d: %w", p.Index(), err)
				}
				wire = append(wire, out...)
			}
		}
		done := true
		for _, p := range members {
			if _, err := p.Result(); err != nil {
				done = false
			}
		}
		if done {
			break
		}
		if rounds > 4 {
			return nil, digest, errors.New("devnet: dkg did not finish")
		}
		// Every message is delivered: close the phase (a timeout in a
		// networked run).
		for _, p := range members {
			out, err := p.Advance()
			if err != nil {
				return nil, digest, fmt.Errorf("devnet: dkg member %d: %w", p.Index(), err)
			}
			wire = append(wire, out...)
		}
	}
	results := make([]*dkg.Result, n)
	for i, p := range members {
		r, err := p.Result()
		if err != nil {
			return nil, digest, err
		}
		if i > 0 && !r.EonPublicKey().Equal(results[0].EonPublicKey()) {
			return nil, digest, errors.New("devnet: dkg members disagree on the eon key")
		}
		results[i] = r
	}
	copy(digest[:], transcript.Sum(nil))
	return results, digest, nil
}
