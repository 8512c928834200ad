package node

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/ordering"
)

// Default ports of a validator home generated for its own host.
const (
	DefaultP2PPort        = 26656
	DefaultRPCPort        = 26657
	DefaultPrometheusPort = 26660
)

// TestnetConfig describes a validator set to generate homes for.
type TestnetConfig struct {
	// ChainID names the chain. Default "veil-devnet".
	ChainID string
	// Validators is the number of validators (and homes), each with
	// voting power 1. Required.
	Validators int
	// Genesis is the application's genesis state (app_state). Required.
	Genesis *ordering.Genesis
	// GenesisTime is the chain's start. Default now.
	GenesisTime time.Time

	// Hosts, if set, names each validator's host (DNS name or IP) for a
	// network of separate machines: each home listens for peers on
	// 0.0.0.0:26656 and dials the others at host:26656; RPC listens on
	// 127.0.0.1:26657 and metrics, if on, on :26660. Without Hosts every
	// validator runs on this machine's loopback with ports free at
	// generation time (the in-process devnet).
	Hosts []string

	// TimeoutCommit is how long a validator waits after a commit before
	// the next height, which sets the block interval. Default 300ms.
	TimeoutCommit time.Duration
	// Prometheus turns on CometBFT's metrics server in every home. In one
	// process only the first node can serve them (see Config.DisableMetrics).
	Prometheus bool
	// DisableRPC leaves CometBFT's RPC server off.
	DisableRPC bool
}

func (c *TestnetConfig) validate() error {
	if c.ChainID == "" {
		c.ChainID = "veil-devnet"
	}
	if c.Validators < 1 {
		return errors.New("node: at least one validator")
	}
	if c.Genesis == nil {
		return errors.New("node: TestnetConfig.Genesis is required")
	}
	if len(c.Hosts) != 0 && len(c.Hosts) != c.Validators {
		return fmt.Errorf("node: %d hosts for %d validators", len(c.Hosts), c.Validators)
	}
	if c.GenesisTime.IsZero() {
		c.GenesisTime = time.Now()
	}
	if c.TimeoutCommit <= 0 {
		c.TimeoutCommit = 300 * time.Millisecond
	}
	return nil
}

// homeName is validator i's directory under the output directory.
func homeName(i int) string { return fmt.Sprintf("node%d", i) }

// GenerateHomes writes one CometBFT home per validator under dir (dir/node0,
// dir/node1, …): fresh node and validator keys, a shared genesis.json
// whose app_state is cfg.Genesis and whose consensus parameters enable
// vote extensions from height 1, and a config.toml whose persistent peers
// are the other validators. It refuses to overwrite an existing home.
// It returns the homes in validator order.
func GenerateHomes(dir string, cfg TestnetConfig) ([]string, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	appState, err := cfg.Genesis.Marshal()
	if err != nil {
		return nil, err
	}

	type member struct {
		home    string
		cfg     *cmtcfg.Config
		nodeKey *p2p.NodeKey
		pv      *privval.FilePV
		dial    string // host:port the others dial
	}
	ports, err := cfg.ports()
	if err != nil {
		return nil, err
	}
	members := make([]member, cfg.Validators)
	genVals := make([]cmttypes.GenesisValidator, cfg.Validators)
	for i := range members {
		home := filepath.Join(dir, homeName(i))
		if _, err := os.Stat(filepath.Join(home, "config")); err == nil {
			return nil, fmt.Errorf("node: %s already exists", home)
		}
		for _, sub := range []string{"config", "data"} {
			if err := os.MkdirAll(filepath.Join(home, sub), 0o700); err != nil {
				return nil, err
			}
		}
		c := cfg.cometConfig(i, ports[i])
		c.SetRoot(home)
		nodeKey := &p2p.NodeKey{PrivKey: ed25519.GenPrivKey()}
		pv := privval.NewFilePV(ed25519.GenPrivKey(), c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, err
		}
		genVals[i] = cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: 1, Name: c.Moniker}
		dial := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[i].p2p))
		if len(cfg.Hosts) > 0 {
			dial = net.JoinHostPort(cfg.Hosts[i], strconv.Itoa(DefaultP2PPort))
		}
		members[i] = member{home: home, cfg: c, nodeKey: nodeKey, pv: pv, dial: dial}
	}

	params := cmttypes.DefaultConsensusParams()
	// Fair ordering carries first-seen times in vote extensions.
	params.Feature.VoteExtensionsEnableHeight = 1
	// Leave room for the header and last commit beside a full block.
	params.Block.MaxBytes = max(params.Block.MaxBytes, int64(cfg.Genesis.Params.MaxBlockBytes)+1<<20)
	gen := &cmttypes.GenesisDoc{
		ChainID:         cfg.ChainID,
		GenesisTime:     cfg.GenesisTime.UTC(),
		InitialHeight:   1,
		ConsensusParams: params,
		Validators:      genVals,
		AppState:        appState,
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("node: genesis: %w", err)
	}

	homes := make([]string, len(members))
	for i, m := range members {
		var peers []string
		for j, o := range members {
			if j != i {
				peers = append(peers, p2p.IDAddressString(o.nodeKey.ID(), o.dial))
			}
		}
		m.cfg.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := writeConfig(m.cfg); err != nil {
			return nil, err
		}
		if err := gen.SaveAs(m.cfg.GenesisFile()); err != nil {
			return nil, err
		}
		if err := m.nodeKey.SaveAs(m.cfg.NodeKeyFile()); err != nil {
			return nil, err
		}
		m.pv.Save()
		homes[i] = m.home
	}
	return homes, nil
}

type hostPorts struct{ p2p, rpc, prom int }

// ports picks each validator's listen ports: the defaults on separate
// hosts, distinct free loopback ports otherwise.
func (c *TestnetConfig) ports() ([]hostPorts, error) {
	out := make([]hostPorts, c.Validators)
	if len(c.Hosts) > 0 {
		for i := range out {
			out[i] = hostPorts{DefaultP2PPort, DefaultRPCPort, DefaultPrometheusPort}
		}
		return out, nil
	}
	free, err := FreePorts(3 * c.Validators)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = hostPorts{free[3*i], free[3*i+1], free[3*i+2]}
	}
	return out, nil
}

// FreePorts returns n distinct TCP ports free on 127.0.0.1 right now.
// Another process may take one before it is used; generated devnets
// persist their ports, so a clash shows as a listen error at start.
func FreePorts(n int) ([]int, error) {
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("node: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// cometConfig is validator i's CometBFT configuration.
func (c *TestnetConfig) cometConfig(i int, ports hostPorts) *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Moniker = homeName(i)
	if len(c.Hosts) > 0 {
		cfg.Moniker = c.Hosts[i]
	}
	loopback := len(c.Hosts) == 0
	listenHost := "0.0.0.0"
	if loopback {
		listenHost = "127.0.0.1"
	}
	cfg.P2P.ListenAddress = "tcp://" + net.JoinHostPort(listenHost, strconv.Itoa(ports.p2p))
	cfg.P2P.AddrBookStrict = !loopback
	cfg.P2P.AllowDuplicateIP = loopback
	// Validators know each other as persistent peers; peer exchange only
	// matters for outside full nodes, which a loopback devnet has none of.
	cfg.P2P.PexReactor = !loopback
	cfg.RPC.ListenAddress = "tcp://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ports.rpc))
	if c.DisableRPC {
		cfg.RPC.ListenAddress = ""
	}
	cfg.Instrumentation.Prometheus = c.Prometheus
	cfg.Instrumentation.PrometheusListenAddr = ":" + strconv.Itoa(ports.prom)
	if loopback {
		cfg.Instrumentation.PrometheusListenAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports.prom))
	}

	// Timeouts for a network with millisecond latencies: a missing
	// proposer costs about a second, not CometBFT's default three.
	cs := cfg.Consensus
	cs.TimeoutPropose = time.Second
	cs.TimeoutProposeDelta = 200 * time.Millisecond
	cs.TimeoutPrevote = 200 * time.Millisecond
	cs.TimeoutPrevoteDelta = 100 * time.Millisecond
	cs.TimeoutPrecommit = 200 * time.Millisecond
	cs.TimeoutPrecommitDelta = 100 * time.Millisecond
	cs.TimeoutCommit = c.TimeoutCommit
	cs.PeerGossipSleepDuration = 10 * time.Millisecond
	return cfg
}

// Homes returns the validator homes GenerateHomes wrote under dir, in
// validator order, or an error if there are none.
func Homes(dir string) ([]string, error) {
	var homes []string
	for i := 0; ; i++ {
		home := filepath.Join(dir, homeName(i))
		if _, err := os.Stat(filepath.Join(home, "config", "config.toml")); err != nil {
			break
		}
		homes = append(homes, home)
	}
	if len(homes) == 0 {
		return nil, fmt.Errorf("node: no validator homes under %s", dir)
	}
	return slices.Clip(homes), nil
}
