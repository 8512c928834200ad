package node

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
)

// InitConfig describes a validator home to create for joining a network.
type InitConfig struct {
	// Home is the directory to create. Required; must not hold a config.
	Home string
	// Moniker names the validator. Default the host name.
	Moniker string
	// Genesis, if set, is the network's genesis.json to install; without
	// it the operator copies the coordinator's genesis in later.
	Genesis string
	// Peers are persistent peers as id@host:port.
	Peers []string
	// ExternalAddress is the host:port other validators dial.
	ExternalAddress string
}

// Identity is what an operator hands the network's coordinator for the
// genesis validator set and the peers list.
type Identity struct {
	NodeID string // p2p node id, for id@host:port peer addresses
	// ValidatorPK is the consensus public key in base64, as genesis.json's
	// validators[].pub_key.value writes it; KeyType is its type.
	ValidatorPK string
	KeyType     string
	Address     string // the validator address
}

// InitHome creates a validator home in CometBFT's layout (config/ with
// config.toml, node_key.json, priv_validator_key.json; data/ with
// priv_validator_state.json) with fresh keys, ready for veil node start once
// the network's genesis.json is in config/. It refuses to touch an existing
// home: keys are never overwritten.
func InitHome(c InitConfig) (Identity, error) {
	if c.Home == "" {
		return Identity{}, errors.New("node: InitConfig.Home is required")
	}
	if _, err := os.Stat(filepath.Join(c.Home, "config", "config.toml")); err == nil {
		return Identity{}, fmt.Errorf("node: %s already holds a home; keys are never overwritten", c.Home)
	}
	if c.Moniker == "" {
		h, err := os.Hostname()
		if err != nil {
			return Identity{}, fmt.Errorf("node: moniker: %w", err)
		}
		c.Moniker = h
	}
	tc := &TestnetConfig{Hosts: []string{c.Moniker}, TimeoutCommit: 500 * time.Millisecond, Prometheus: true}
	cfg := tc.cometConfig(0, hostPorts{DefaultP2PPort, DefaultRPCPort, DefaultPrometheusPort})
	cfg.SetRoot(c.Home)
	cfg.P2P.PersistentPeers = strings.Join(c.Peers, ",")
	cfg.P2P.ExternalAddress = c.ExternalAddress
	for _, sub := range []string{"config", "data"} {
		if err := os.MkdirAll(filepath.Join(c.Home, sub), 0o700); err != nil {
			return Identity{}, fmt.Errorf("node: %w", err)
		}
	}
	if c.Genesis != "" {
		gen, err := cmttypes.GenesisDocFromFile(c.Genesis)
		if err != nil {
			return Identity{}, fmt.Errorf("node: genesis %s: %w", c.Genesis, err)
		}
		if err := gen.SaveAs(cfg.GenesisFile()); err != nil {
			return Identity{}, fmt.Errorf("node: %w", err)
		}
	}
	if err := writeConfig(cfg); err != nil {
		return Identity{}, fmt.Errorf("node: %w", err)
	}
	nodeKey := &p2p.NodeKey{PrivKey: ed25519.GenPrivKey()}
	if err := nodeKey.SaveAs(cfg.NodeKeyFile()); err != nil {
		return Identity{}, fmt.Errorf("node: %w", err)
	}
	pv := privval.NewFilePV(ed25519.GenPrivKey(), cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	pv.Save()
	pub, err := pv.GetPubKey()
	if err != nil {
		return Identity{}, err
	}
	return Identity{
		NodeID:      string(nodeKey.ID()),
		ValidatorPK: base64.StdEncoding.EncodeToString(pub.Bytes()),
		KeyType:     pub.Type(),
		Address:     pub.Address().String(),
	}, nil
}
