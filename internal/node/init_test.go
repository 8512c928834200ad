package node

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInitHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "val")
	id, err := InitHome(InitConfig{Home: home, Moniker: "val-a", Peers: []string{"abc@10.0.0.2:26656"}, ExternalAddress: "val-a.example:26656"})
	if err != nil {
		t.Fatal(err)
	}
	if len(id.NodeID) != 40 || len(id.ValidatorPK) != 44 || id.KeyType != "ed25519" || id.Address == "" {
		t.Fatalf("identity %+v", id)
	}
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Moniker != "val-a" || cfg.P2P.PersistentPeers != "abc@10.0.0.2:26656" || cfg.P2P.ExternalAddress != "val-a.example:26656" {
		t.Fatalf("config: moniker %q peers %q external %q", cfg.Moniker, cfg.P2P.PersistentPeers, cfg.P2P.ExternalAddress)
	}
	for _, f := range []string{cfg.NodeKeyFile(), cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", f, st.Mode())
		}
	}
	key, _ := os.ReadFile(cfg.PrivValidatorKeyFile())
	if _, err := InitHome(InitConfig{Home: home}); err == nil {
		t.Fatal("InitHome overwrote an existing home")
	}
	again, _ := os.ReadFile(cfg.PrivValidatorKeyFile())
	if string(key) != string(again) {
		t.Fatal("validator key changed")
	}
}
