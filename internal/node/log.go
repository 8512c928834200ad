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
	// blocksync is set on the block-sync reactor's logger (module
	// "blocksync"), whose routine peer timeouts are logged as errors.
	blocksync bool
}

var _ cmtlog.Logger = cometLogger{}

func (c cometLogger) Debug(msg string, kv ...any) { c.log(slog.LevelDebug, msg, kv) }
func (c cometLogger) Info(msg string, kv ...any)  { c.log(slog.LevelInfo, msg, kv) }
func (c cometLogger) Error(msg string, kv ...any) { c.log(slog.LevelError, msg, kv) }

func (c cometLogger) With(kv ...any) cmtlog.Logger {
	bs := c.blocksync
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok && k == "module" {
			bs = kv[i+1] == "blocksync"
		}
	}
	return cometLogger{l: c.l.With(kv...), min: c.min, blocksync: bs}
}

func (c cometLogger) log(level slog.Level, msg string, kv []any) {
	// Block sync gives up on a peer that has not sent a requested block
	// for 15 s, or sends too slowly, and logs it as an error
	// ("SendTimeout"); it then drops the peer's requests and asks
	// others. Validators that start together (a devnet, a new network)
	// request heights nobody has yet and see it on every start while
	// consensus runs fine, so it is logged at Info.
	if c.blocksync && level == slog.LevelError && msg == "SendTimeout" {
		level = slog.LevelInfo
	}
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
