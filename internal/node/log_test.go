package node

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestCometLoggerBlocksyncTimeoutsAreInfo(t *testing.T) {
	var buf bytes.Buffer
	l := cometLogger{l: slog.New(slog.NewTextHandler(&buf, nil)), min: slog.LevelInfo}
	l.With("module", "blocksync").Error("SendTimeout", "reason", "peer did not send us anything")
	l.With("module", "consensus").Error("SendTimeout")
	l.With("module", "blocksync").Error("Error in validation")
	got := buf.String()
	for _, want := range []string{
		`level=INFO msg=SendTimeout module=blocksync`,
		`level=ERROR msg=SendTimeout module=consensus`,
		`level=ERROR msg="Error in validation" module=blocksync`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	// At the node's default level (errors only) block sync's timeouts
	// are not shown.
	buf.Reset()
	quiet := cometLogger{l: slog.New(slog.NewTextHandler(&buf, nil)), min: slog.LevelError}
	quiet.With("module", "comet").With("module", "blocksync").Error("SendTimeout")
	if buf.Len() != 0 {
		t.Errorf("shown at error level: %s", buf.String())
	}
}
