package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// A validator whose data directory fills up or turns read-only cannot
// go on: CometBFT halts its consensus at the first failed write to its
// write-ahead log ("CONSENSUS FAILURE!!!") but leaves the process running,
// its API up and its chain frozen, and an embedded database may panic on
// a failed flush. veil node start stops cleanly instead, with an error
// that says what to fix: before writes fail when the free space drops
// under --min-free-disk-mib (diskGuard), and at once when CometBFT reports
// the consensus failure anyway (a disk filled faster than the guard
// looks). Either way the process exits with status 1 and its stores are
// as a crash would leave them, which they recover from: free space and
// restart, and the node catches up from its peers.

// consensusFailure is the message CometBFT logs when its consensus
// routine recovers a panic and halts.
const consensusFailure = "CONSENSUS FAILURE!!!"

// fatalStop collects the first reason the node must stop and cancels
// the node's context.
type fatalStop struct {
	cancel context.CancelFunc
	log    *slog.Logger

	mu  sync.Mutex
	err error
}

func (f *fatalStop) stop(err error) {
	f.mu.Lock()
	first := f.err == nil
	if first {
		f.err = err
	}
	f.mu.Unlock()
	if first {
		f.log.Error("stopping the validator", "err", err)
		f.cancel()
	}
}

// reason returns the error the node stopped for, nil if none.
func (f *fatalStop) reason() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// failureHook is a log handler that passes every record on and, on
// CometBFT's consensus failure, stops the node. It leaves out the failure's
// stack trace, which says nothing an operator can act on.
type failureHook struct {
	slog.Handler
	stop func(error)
}

func (h failureHook) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != consensusFailure {
		return h.Handler.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, "consensus halted", r.PC)
	var cause string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "stack":
		case "err":
			cause = a.Value.String()
			out.AddAttrs(a)
		default:
			out.AddAttrs(a)
		}
		return true
	})
	err := h.Handler.Handle(ctx, out)
	h.stop(fmt.Errorf("node: consensus halted: %s; the node stopped cleanly: fix the cause (a full or read-only data directory: free space or make it writable) and restart it; it catches up from its peers", cause))
	return err
}

func (h failureHook) WithAttrs(as []slog.Attr) slog.Handler {
	return failureHook{h.Handler.WithAttrs(as), h.stop}
}

func (h failureHook) WithGroup(name string) slog.Handler {
	return failureHook{h.Handler.WithGroup(name), h.stop}
}

// diskGuard checks that a validator's data directories keep minFree
// bytes free and stay writable.
type diskGuard struct {
	dirs    []string
	minFree uint64
}

// check returns why the node cannot go on writing, nil if it can.
func (g diskGuard) check() error {
	for _, dir := range g.dirs {
		free, readOnly, err := diskSpace(dir)
		switch {
		case err != nil:
			return fmt.Errorf("node: data directory %s: %w", dir, err)
		case readOnly:
			return fmt.Errorf("node: data directory %s is on a read-only file system: the node cannot write its chain; make it writable and restart the node", dir)
		case free < g.minFree:
			return fmt.Errorf("node: data directory %s has %d MiB free, under --min-free-disk-mib %d: the node stops before its writes fail (a full disk halts consensus mid-block); free space or grow the file system and restart it; it catches up from its peers",
				dir, free>>20, g.minFree>>20)
		}
	}
	return nil
}

// watch checks every `every` until ctx is done and calls stop with the
// first failure.
func (g diskGuard) watch(ctx context.Context, every time.Duration, stop func(error)) {
	repeat(ctx, every, nil, func() bool {
		err := g.check()
		if err != nil {
			stop(err)
		}
		return err == nil
	})
}

// repeat calls f every d and whenever wake delivers, until ctx is done or
// f returns false.
func repeat(ctx context.Context, d time.Duration, wake <-chan os.Signal, f func() bool) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		if !f() {
			return
		}
	}
}
