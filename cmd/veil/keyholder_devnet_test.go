package main

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/internal/devnet"
)

// syncBuffer is a bytes.Buffer safe for the command's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestKeyholderCommand runs `veil keyholder --genesis` for member 4 of a
// devnet whose members 3 and 4 do not run in process: validator 0 can
// decrypt only with the command's shares.
func TestKeyholderCommand(t *testing.T) {
	dir := t.TempDir()
	d, err := devnet.Start(context.Background(), devnet.Config{
		Dir: dir, Wallets: 2, APIAddr: "127.0.0.1:0", TimeoutCommit: 200 * time.Millisecond,
		API:        server.Config{IPRate: -1, SenderRate: -1},
		Keyholders: map[int]devnet.KeyholderFault{3: devnet.KeyholderOffline, 4: devnet.KeyholderOffline},
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
	khCtx, stopKH := context.WithCancel(ctx)
	out := new(syncBuffer)
	done := make(chan error, 1)
	go func() {
		root := newRootCmd()
		root.SetOut(out)
		root.SetErr(out)
		root.SetArgs([]string{"keyholder", "--home", d.KeyholderHome(4),
			"--identity", devnet.IdentityPath(dir), "--genesis", filepath.Join(dir, "node0", "config", "genesis.json"),
			"--node", d.APIURL(), "--poll", "50ms"})
		done <- root.ExecuteContext(khCtx)
	}()

	var mu sync.Mutex
	var hashes []common.Hash
	tr := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: 6, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		hashes = append(hashes, h)
	}}
	if err := tr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		mu.Lock()
		all := true
		for _, h := range hashes {
			if r, ok := d.Pool(0).TxResult(h); !ok || r.Err != nil {
				all = false
			}
		}
		mu.Unlock()
		if all {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("validator 0 did not decrypt with the command's shares; its output:\n%s", out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	stopKH()
	if err := <-done; err != nil {
		t.Fatalf("veil keyholder: %v\n%s", err, out)
	}
}
