package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/internal/devnet"
)

// TestFeedSubscribeGenesis runs `veil feed subscribe --level firm
// --genesis` against a devnet: every firm batch it prints passed the
// light-client check against the genesis validators and the committee
// signature under the genesis eon; a genesis of another chain makes it
// fail instead of printing.
func TestFeedSubscribeGenesis(t *testing.T) {
	dir := t.TempDir()
	d, err := devnet.Start(context.Background(), devnet.Config{
		Dir: dir, Wallets: 2, APIAddr: "127.0.0.1:0", TimeoutCommit: 200 * time.Millisecond,
		API: server.Config{IPRate: -1, SenderRate: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := (&devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: 4}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	genesis := filepath.Join(dir, "node0", "config", "genesis.json")

	// Six verified heights, then stop the command.
	subCtx, stop := context.WithCancel(ctx)
	out := new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		root := newRootCmd()
		root.SetOut(out)
		root.SetErr(out)
		root.SetArgs([]string{"feed", "subscribe", "--node", d.APIURL(), "--rollup", "1001", "--level", "firm", "--genesis", genesis, "--json"})
		done <- root.ExecuteContext(subCtx)
	}()
	for strings.Count(out.String(), "\n") < 6 {
		select {
		case err := <-done:
			t.Fatalf("feed subscribe ended: %v\n%s", err, out)
		case <-ctx.Done():
			t.Fatalf("no six firm heights; output:\n%s", out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("feed subscribe: %v\n%s", err, out)
	}
	for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[:6] {
		var b feedBatch
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, line)
		}
		if b.Height != int64(i+1) || b.Level != "firm" || b.Eon != 1 {
			t.Fatalf("line %d: %+v", i, b)
		}
	}

	// The same network's genesis under another chain id trusts nothing
	// the node serves.
	raw, err := os.ReadFile(genesis)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["chain_id"] = "another-chain"
	other, _ := json.Marshal(doc)
	otherPath := filepath.Join(t.TempDir(), "genesis.json")
	if err := os.WriteFile(otherPath, other, 0o600); err != nil {
		t.Fatal(err)
	}
	out2, err := runVeil(t, "feed", "subscribe", "--node", d.APIURL(), "--rollup", "1001", "--level", "firm", "--genesis", otherPath)
	if err == nil || strings.Contains(out2, "height 1 ") {
		t.Fatalf("subscribe trusted a batch under another chain's genesis: %v\n%s", err, out2)
	}
}
