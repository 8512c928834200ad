package node

import (
	"context"
	"fmt"
	"log/slog"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// cometLogger passes CometBFT's log lines to a slog.Logger, dropping those
// below min. CometBFT logs every consensus step at Info, so a node keeps
// only its errors unless asked for more.
type cometLogger struct {
	l   *slog.Logger
	min slog.Level
}

var _ cmtlog.Logger = cometLogger{}

func (c cometLogger) Debug(msg string, kv ...any) { c.log(slog.LevelDebug, msg, kv) }
func (c cometLogger) Info(msg string, kv ...any)  { c.log(slog.LevelInfo, msg, kv) }
func (c cometLogger) Error(msg string, kv ...any) { c.log(slog.LevelError, msg, kv) }

func (c cometLogger) With(kv ...any) cmtlog.Logger {
	return cometLogger{l: c.l.With(kv...), min: c.min}
}

func (c cometLogger) log(level slog.Level, msg string, kv []any) {
	if level < c.min || !c.l.Enabled(context.Background(), level) {
		return
	}
	c.l.Log(context.Background(), level, msg, kv...)
}

// pebbleLogger passes the embedded databases' messages to slog at debug
// level (pebble reports routine WAL recovery on every restart).
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Debug(fmt.Sprintf(format, args...))
}

// Fatalf reports an unrecoverable storage failure. Pebble expects it not to
// return; panicking (rather than exiting) lets an embedding process see
// the failure and run its deferred cleanup.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.Error("storage failure", "err", msg)
	panic("pebble: " + msg)
}
