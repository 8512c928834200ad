package ordering

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestParseGenesis(t *testing.T) {
	w := newWorld(t, 2)
	good, err := w.genesis.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGenesis(good)
	if err != nil {
		t.Fatalf("valid genesis: %v", err)
	}
	again, _ := g.Marshal()
	if string(again) != string(good) {
		t.Error("parse → marshal changed the document")
	}

	otherEon := *w.genesis
	otherEon.Eon.ID = 2
	mutate := func(f func(g *Genesis)) string {
		c := *w.genesis
		c.Accounts = append([]GenesisAccount(nil), w.genesis.Accounts...)
		c.Rollups = append([]Rollup(nil), w.genesis.Rollups...)
		f(&c)
		b, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", ``, "EOF"},
		{"not json", `{`, "unexpected EOF"},
		{"unknown field", strings.Replace(string(good), `"params": {`, `"params": {"min_feee": 1,`, 1), "unknown field"},
		{"trailing data", string(good) + `{}`, "trailing"},
		{"no eon key", mutate(func(g *Genesis) { g.Eon.PublicKey = nil }), "public_key is required"},
		{"bad eon key", mutate(func(g *Genesis) { g.Eon.PublicKey = []byte{1, 2, 3} }), "eon.public_key"},
		{"eon id mismatch", mutate(func(g *Genesis) { g.Eon.ID = 2 }), "is for eon 1"},
		{"duplicate account", mutate(func(g *Genesis) { g.Accounts = append(g.Accounts, g.Accounts[0]) }), "listed twice"},
		{"balance overflow", mutate(func(g *Genesis) {
			g.Accounts = []GenesisAccount{{Address: common.Address{1}, Balance: 1 << 63}, {Address: common.Address{2}, Balance: 1 << 63}}
		}), "2^64"},
		{"duplicate rollup", mutate(func(g *Genesis) { g.Rollups = append(g.Rollups, g.Rollups[0]) }), "listed twice"},
		{"long rollup name", mutate(func(g *Genesis) { g.Rollups[0].Name = strings.Repeat("x", 65) }), "name longer"},
		{"no block room", mutate(func(g *Genesis) { g.Params.MaxBlockTxs = 0 }), "max_block_txs"},
		{"tiny blocks", mutate(func(g *Genesis) { g.Params.MaxBlockBytes = 10 }), "max_block_bytes"},
		{"no expiry window", mutate(func(g *Genesis) { g.Params.ExpiryWindow = 0 }), "expiry_window"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGenesis([]byte(tc.doc))
			if !errors.Is(err, ErrGenesis) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrGenesis mentioning %q", err, tc.want)
			}
		})
	}
}
