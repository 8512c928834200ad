package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts/relayer"
	"github.com/veilseq/veil/internal/devnet"
)

func TestL1Flags(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key.hex")
	key, _ := crypto.ToECDSA(append(make([]byte, 31), 5))
	if err := crypto.SaveECDSA(keyFile, key); err != nil {
		t.Fatal(err)
	}
	called := false
	onPosted := func(relayer.Posted) { called = true }
	inbox := "0x00000000000000000000000000000000000000aa"

	var c devnet.L1Config
	if err := (l1Flags{endpoint: "http://127.0.0.1:8545", key: keyFile, inbox: inbox}).apply(&c, onPosted); err != nil {
		t.Fatal(err)
	}
	if c.Endpoint != "http://127.0.0.1:8545" || c.Key == nil || !c.Key.Equal(key) || c.Inbox != common.HexToAddress(inbox) || c.Registry != (common.Address{}) || c.OnPosted == nil {
		t.Fatalf("config %+v", c)
	}
	c.OnPosted(relayer.Posted{})
	if !called {
		t.Fatal("OnPosted not wired")
	}

	c = devnet.L1Config{}
	if err := (l1Flags{endpoint: devnet.L1None, key: "/nonexistent"}).apply(&c, onPosted); err != nil || c.Endpoint != devnet.L1None || c.OnPosted != nil {
		t.Fatalf("none: %+v, %v", c, err)
	}
	for name, f := range map[string]l1Flags{
		"bad registry": {endpoint: devnet.L1Simulated, registry: "0x12"},
		"bad inbox":    {endpoint: devnet.L1Simulated, inbox: "inbox"},
		"missing key":  {endpoint: devnet.L1Simulated, key: filepath.Join(t.TempDir(), "none")},
	} {
		if err := f.apply(&devnet.L1Config{}, onPosted); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := os.WriteFile(keyFile, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (l1Flags{endpoint: devnet.L1Simulated, key: keyFile}).apply(&devnet.L1Config{}, onPosted); err == nil || !strings.Contains(err.Error(), "--l1-key") {
		t.Errorf("bad key file: %v", err)
	}
}
