package main

import (
	"bytes"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/apitest"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// runCLI runs the CLI with args and returns its standard output.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

// testNode serves the API over a fake backend on loopback.
func testNode(t *testing.T) (*apitest.Backend, *threshold.EonPublicKey, string) {
	t.Helper()
	pk, _, err := threshold.DealKeys(rand.Reader, 2, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	pkb, _ := pk.MarshalBinary()
	b := apitest.New(api.Params{
		ChainID: "veil-test", EnvelopeVersion: mempool.Version,
		Eon:     api.Eon{ID: 2, PublicKey: pkb, Threshold: 2, CommitteeSize: 3},
		Rollups: []api.Rollup{{ID: 1}, {ID: 2}}, MinFee: 3, LatestHeight: 10,
	})
	s, err := server.New(b, server.Config{IPRate: -1, SenderRate: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return b, pk, hs.URL
}

func TestKeysNewAndShow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.key")
	out, err := runCLI(t, "", "keys", "new", "--out", path)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSpace(out)
	if !common.IsHexAddress(addr) {
		t.Fatalf("keys new printed %q", out)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi.Mode(), err)
	}
	if _, err := runCLI(t, "", "keys", "new", "--out", path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("keys new overwrote a key file: %v", err)
	}
	for _, args := range [][]string{{"keys", "show", path}, {"keys", "show", "--key", path}} {
		out, err := runCLI(t, "", args...)
		if err != nil || strings.TrimSpace(out) != addr {
			t.Fatalf("%v: %q %v, want %s", args, out, err, addr)
		}
	}
	if _, err := runCLI(t, "", "keys", "show"); err == nil {
		t.Fatal("keys show without a file succeeded")
	}
}

func TestTxSendAndStatus(t *testing.T) {
	backend, _, url := testNode(t)
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "wallet.key")
	if _, err := runCLI(t, "", "keys", "new", "--out", keyPath); err != nil {
		t.Fatal(err)
	}
	key, err := client.LoadKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	backend.SetAccount(api.Account{Address: client.Address(key), PendingNonce: 4})
	legFile := filepath.Join(dir, "leg.bin")
	if err := os.WriteFile(legFile, []byte("buy"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The fake node decrypts nothing: it declares every envelope firmly
	// decrypted as soon as it is admitted, so --wait returns.
	backend.OnSubmit(func(env *mempool.Envelope) {
		backend.Set(api.TxStatus{Hash: common.Hash(env.Hash()), State: api.TxDecrypted, Height: 11, Index: 0, Level: api.LevelFirm})
	})

	out, err := runCLI(t, "", "tx", "send", "--node", url, "--key", keyPath,
		"--rollup", "2", "--data", "@"+legFile, "--rollup", "1", "--data", "0x73656c6c", "--fee", "7", "--wait", "--until", "firm")
	if err != nil {
		t.Fatalf("tx send: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[1] != "decrypted (firm) at height 11, index 0" {
		t.Fatalf("tx send printed %q", out)
	}
	hash, err := api.ParseHash(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	sent := backend.Submitted()
	if len(sent) != 1 || common.Hash(sent[0].Hash()) != hash {
		t.Fatalf("node got %d envelopes", len(sent))
	}
	if env := sent[0]; env.Nonce != 4 || env.Fee != 7 || len(env.Rollups) != 2 || env.Sender != client.Address(key) {
		t.Fatalf("envelope header %+v", env)
	}

	out, err = runCLI(t, "", "tx", "status", "--node", url, lines[0])
	if err != nil || strings.TrimSpace(out) != "decrypted (firm) at height 11, index 0" {
		t.Fatalf("tx status: %q %v", out, err)
	}
	if _, err := runCLI(t, "", "tx", "status", "--node", url, common.HexToHash("0x01").Hex()); err == nil ||
		!strings.Contains(err.Error(), "not found") {
		t.Fatalf("status of an unknown hash: %v", err)
	}

	// Standard input and an explicit nonce; no wait.
	out, err = runCLI(t, "payload", "tx", "send", "--node", url, "--key", keyPath, "--rollup", "1", "--data", "@-", "--nonce", "9")
	if err != nil || len(strings.TrimSpace(out)) != 66 {
		t.Fatalf("tx send from stdin: %q %v", out, err)
	}
	if sent := backend.Submitted(); len(sent) != 2 || sent[1].Nonce != 9 {
		t.Fatalf("second envelope: %+v", sent)
	}
}

func TestTxSendRejectsBadFlags(t *testing.T) {
	_, _, url := testNode(t)
	keyPath := filepath.Join(t.TempDir(), "wallet.key")
	if _, err := runCLI(t, "", "keys", "new", "--out", keyPath); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--rollup", "1", "--data", "aa", "--rollup", "2"}, "give one --data per --rollup"},
		{[]string{"--rollup", "x", "--data", "aa"}, "want a rollup id"},
		{[]string{"--rollup", "1", "--data", "xyz"}, "not hex"},
		{[]string{"--rollup", "1", "--data", "@/nonexistent/file"}, "no such file"},
		{[]string{"--rollup", "5", "--data", "aa"}, "rollup 5 is not registered"},
		{[]string{"--rollup", "1", "--data", "aa", "--fee", "1"}, "fee 1, the minimum is 3"},
		{[]string{"--rollup", "1", "--data", "aa", "--until", "later"}, "want included, soft or firm"},
		{[]string{"--rollup", "1", "--data", "aa", "--nonce", "-1"}, "want a decimal number"},
	}
	for _, tc := range cases {
		args := append([]string{"tx", "send", "--node", url, "--key", keyPath}, tc.args...)
		if _, err := runCLI(t, "", args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error mentioning %q", tc.args, err, tc.want)
		}
	}
}
