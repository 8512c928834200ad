package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/apitest"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// TestTxSendTimeLock: --timelock adds a puzzle under the node's
// escape-hatch parameters, and fails on a chain without one.
func TestTxSendTimeLock(t *testing.T) {
	keyPath := filepath.Join(t.TempDir(), "wallet.key")
	if _, err := runCLI(t, "", "keys", "new", "--out", keyPath); err != nil {
		t.Fatal(err)
	}
	_, _, plainURL := testNode(t)
	if _, err := runCLI(t, "", "tx", "send", "--node", plainURL, "--key", keyPath, "--rollup", "1", "--data", "aa", "--timelock"); err == nil ||
		!strings.Contains(err.Error(), "no escape hatch") {
		t.Fatalf("--timelock without an escape hatch: %v", err)
	}

	pk, _, err := threshold.DealKeys(rand.Reader, 2, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	pkb, _ := pk.MarshalBinary()
	tl, err := vdf.GenerateParams(context.Background(), "veil-test", vdf.MinDelay)
	if err != nil {
		t.Fatal(err)
	}
	b := apitest.New(api.Params{
		ChainID: "veil-test", EnvelopeVersion: mempool.Version,
		Eon:     api.Eon{ID: 2, PublicKey: pkb, Threshold: 2, CommitteeSize: 3},
		Rollups: []api.Rollup{{ID: 1}}, MinFee: 3, LatestHeight: 10,
		EscapeHatchBlocks: 20, TimeLockParams: tl.Bytes(),
	})
	s, err := server.New(b, server.Config{IPRate: -1, SenderRate: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	if out, err := runCLI(t, "", "tx", "send", "--node", hs.URL, "--key", keyPath, "--rollup", "1", "--data", "aa", "--timelock", "--nonce", "0"); err != nil {
		t.Fatalf("tx send --timelock: %v\n%s", err, out)
	}
	sent := b.Submitted()
	if len(sent) != 1 || len(sent[0].TimeLock) != vdf.PuzzleSize {
		t.Fatalf("submitted %d envelopes", len(sent))
	}
	if _, err := vdf.ParsePuzzle(sent[0].TimeLock); err != nil {
		t.Fatal(err)
	}
}
