package main

import (
	"io"
	"strings"
	"testing"
)

// The relayer takes its batches from exactly one of --node and --batches.
func TestRelayerSourceFlags(t *testing.T) {
	base := []string{"relayer", "--l1", "http://127.0.0.1:1", "--key", "/nonexistent", "--inbox", "0x5FbDB2315678afecb367f032aa80573f8fd0c2A3"}
	for name, extra := range map[string][]string{
		"neither": nil,
		"both":    {"--node", "http://127.0.0.1:1", "--batches", "b.jsonl"},
	} {
		cmd := newRootCmd()
		cmd.SetArgs(append(base, extra...))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), "batches") || !strings.Contains(err.Error(), "node") {
			t.Errorf("%s: %v, want an error naming --batches and --node", name, err)
		}
	}
}
