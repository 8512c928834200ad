package main

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"testing"
)

// CometBFT's consensus failure stops the node with its cause, logged
// without the stack trace; other records pass through untouched.
func TestFailureHook(t *testing.T) {
	var buf bytes.Buffer
	var stopped error
	log := slog.New(failureHook{slog.NewTextHandler(&buf, nil), func(err error) { stopped = err }}).With("module", "consensus")
	log.Error("Stopping peer for error", "err", "EOF")
	if stopped != nil {
		t.Fatalf("stopped on an ordinary error: %v", stopped)
	}
	log.Error(consensusFailure, "err", "failed to write msg to consensus WAL: no space left on device", "stack", "goroutine 1 [running]:")
	if stopped == nil || !strings.Contains(stopped.Error(), "no space left on device") {
		t.Fatalf("stop reason %v", stopped)
	}
	out := buf.String()
	if strings.Contains(out, "goroutine") || !strings.Contains(out, "consensus halted") || !strings.Contains(out, "module=consensus") {
		t.Fatalf("logged:\n%s", out)
	}
}

// The guard names the directory and the limit when the space runs
// short, and stops the node through its callback.
func TestDiskGuard(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the free-space guard reads statfs(2) on Linux only")
	}
	dir := t.TempDir()
	if err := (diskGuard{dirs: []string{dir}}).check(); err != nil {
		t.Fatal(err)
	}
	g := diskGuard{dirs: []string{dir}, minFree: math.MaxUint64}
	err := g.check()
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "--min-free-disk-mib") {
		t.Fatalf("check: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan error, 1)
	g.watch(ctx, 1, func(err error) { got <- err })
	if err := <-got; err == nil {
		t.Fatal("watch did not stop")
	}
}
