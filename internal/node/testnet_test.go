package node

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/ordering"
)

func TestGenerateHomesLoopback(t *testing.T) {
	chain := newTestChain(t, 2)
	dir := t.TempDir()
	homes, err := GenerateHomes(dir, TestnetConfig{Validators: 3, Genesis: chain.genesis, TimeoutCommit: 450 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if found, err := Homes(dir); err != nil || len(found) != 3 || found[2] != homes[2] {
		t.Fatalf("Homes = %v, %v", found, err)
	}
	listen := map[string]bool{}
	for i, home := range homes {
		cfg, err := LoadConfig(home)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Moniker != homeName(i) || cfg.Consensus.TimeoutCommit != 450*time.Millisecond || cfg.P2P.PexReactor || !cfg.P2P.AllowDuplicateIP {
			t.Errorf("%s: config not as generated: %+v %+v", home, cfg.Consensus, cfg.P2P)
		}
		if !strings.HasPrefix(cfg.P2P.ListenAddress, "tcp://127.0.0.1:") || listen[cfg.P2P.ListenAddress] {
			t.Errorf("%s: p2p listen %q", home, cfg.P2P.ListenAddress)
		}
		listen[cfg.P2P.ListenAddress] = true
		if peers := strings.Split(cfg.P2P.PersistentPeers, ","); len(peers) != 2 {
			t.Errorf("%s: peers %q", home, cfg.P2P.PersistentPeers)
		}
		if cfg.RootDir != home || filepath.Dir(cfg.GenesisFile()) != filepath.Join(home, "config") {
			t.Errorf("%s: paths not rooted at the home", home)
		}
		gen, err := cmttypes.GenesisDocFromFile(cfg.GenesisFile())
		if err != nil {
			t.Fatal(err)
		}
		if gen.ConsensusParams.Feature.VoteExtensionsEnableHeight != 1 || gen.ConsensusParams.Feature.PbtsEnableHeight != 0 {
			t.Errorf("feature params %+v", gen.ConsensusParams.Feature)
		}
		if len(gen.Validators) != 3 || gen.ChainID != "veil-devnet" {
			t.Errorf("genesis %s with %d validators", gen.ChainID, len(gen.Validators))
		}
		if _, err := ordering.ParseGenesis(gen.AppState); err != nil {
			t.Errorf("app_state: %v", err)
		}
	}
	if _, err := GenerateHomes(dir, TestnetConfig{Validators: 3, Genesis: chain.genesis}); err == nil {
		t.Error("existing homes overwritten")
	}
}

func TestGenerateHomesHosts(t *testing.T) {
	chain := newTestChain(t, 1)
	hosts := []string{"val-a.example", "10.0.0.2"}
	homes, err := GenerateHomes(t.TempDir(), TestnetConfig{Validators: 2, Genesis: chain.genesis, Hosts: hosts, Prometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(homes[0])
	if err != nil {
		t.Fatal(err)
	}
	if cfg.P2P.ListenAddress != "tcp://0.0.0.0:26656" || !strings.HasSuffix(cfg.P2P.PersistentPeers, "@10.0.0.2:26656") {
		t.Errorf("p2p %q peers %q", cfg.P2P.ListenAddress, cfg.P2P.PersistentPeers)
	}
	if cfg.RPC.ListenAddress != "tcp://127.0.0.1:26657" || !cfg.Instrumentation.Prometheus || cfg.Instrumentation.PrometheusListenAddr != ":26660" {
		t.Errorf("rpc %q metrics %v %q", cfg.RPC.ListenAddress, cfg.Instrumentation.Prometheus, cfg.Instrumentation.PrometheusListenAddr)
	}
	if !cfg.P2P.PexReactor || cfg.P2P.AllowDuplicateIP || cfg.Moniker != hosts[0] {
		t.Errorf("pex %v dup-ip %v moniker %q", cfg.P2P.PexReactor, cfg.P2P.AllowDuplicateIP, cfg.Moniker)
	}
	if _, err := GenerateHomes(t.TempDir(), TestnetConfig{Validators: 3, Genesis: chain.genesis, Hosts: hosts}); err == nil {
		t.Error("host count mismatch accepted")
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(context.Background(), Config{}); err == nil {
		t.Error("no home accepted")
	}
	if _, err := New(context.Background(), Config{Home: t.TempDir()}); err == nil {
		t.Error("empty home accepted")
	}
}

// TestRestartSingleValidator: a validator stopped and rebuilt from its
// home resumes at its last height with the same app hash and goes on; and
// one whose application database is behind its block store (as after a
// crash between CometBFT saving a block and the app committing it) gets
// the missing blocks replayed by the handshake, to the same app hash.
func TestRestartSingleValidator(t *testing.T) {
	chain := newTestChain(t, 1)
	envs := chain.envelopes(t, "veil-test", 3)[0]
	nw, base := startTestNetwork(t, chain, 1)
	n := nw.Nodes[0]
	for _, tx := range envs[:2] {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, n, "two envelopes", func() bool { _, err := n.App().Tx(keccakOf(envs[1])); return err == nil })
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	h, hash := n.App().LastCommit()
	appDB := filepath.Join(n.CometConfig().DBDir(), AppDBName+".db")
	saved := filepath.Join(t.TempDir(), "app-at-stop")
	if err := os.CopyFS(saved, os.DirFS(appDB)); err != nil {
		t.Fatal(err)
	}

	if err := nw.Restart(context.Background(), 0, base); err != nil {
		t.Fatal(err)
	}
	n = nw.Nodes[0]
	h2, hash2 := n.App().LastCommit()
	if h2 != h || !bytes.Equal(hash, hash2) {
		t.Fatalf("after restart at %d %x, stopped at %d %x", h2, hash2, h, hash)
	}
	if _, err := n.Submit(envs[2]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, n, "third envelope", func() bool { _, err := n.App().Tx(keccakOf(envs[2])); return err == nil })
	acc, err := n.App().Account(chain.genesis.Accounts[0].Address)
	if err != nil || acc.Nonce != 3 || acc.Balance != testBalance-3*testFee {
		t.Errorf("account %+v, %v", acc, err)
	}

	// Put the application back to the first stop, several blocks behind.
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	top, topHash := n.App().LastCommit()
	if err := os.RemoveAll(appDB); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(appDB, os.DirFS(saved)); err != nil {
		t.Fatal(err)
	}
	replayed, err := New(context.Background(), Config{Home: n.CometConfig().RootDir, DisableMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = replayed.Stop() })
	got, gotHash := replayed.App().LastCommit()
	if got != top || !bytes.Equal(gotHash, topHash) || top <= h {
		t.Fatalf("after replay at %d %x, want %d %x (from %d)", got, gotHash, top, topHash, h)
	}
	if _, err := replayed.App().Tx(keccakOf(envs[2])); err != nil {
		t.Errorf("replayed envelope: %v", err)
	}
}

func TestCometLogger(t *testing.T) {
	var buf bytes.Buffer
	l := cometLogger{l: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), min: slog.LevelWarn}
	l.Info("step", "height", 1)
	l.Debug("gossip")
	l.With("module", "consensus").Error("failed", "err", "boom")
	out := buf.String()
	if strings.Contains(out, "step") || strings.Contains(out, "gossip") || !strings.Contains(out, "module=consensus") || !strings.Contains(out, "err=boom") {
		t.Errorf("log output %q", out)
	}
}
