package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/ordering"
)

func TestDecodeRegistration(t *testing.T) {
	raw := []byte{ordering.SysTxEonRegistration, 1, 2}
	for _, in := range [][]byte{raw, []byte("f30102\n"), []byte("  0xf30102 ")} {
		got, err := decodeRegistration(in)
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("%q: %x %v", in, got, err)
		}
	}
	if _, err := decodeRegistration([]byte("not hex")); err == nil {
		t.Fatal("garbage decoded")
	}
}

// TestEonRegisterChecksLocally: a malformed registration is refused
// before any node is contacted, with the parser's reason.
func TestEonRegisterChecksLocally(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reg.hex")
	if err := os.WriteFile(path, []byte("0xf300"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := newRootCmd()
	cmd.SetArgs([]string{"eon", "register", "--file", path, "--node", "http://127.0.0.1:1"})
	err := cmd.Execute()
	if !errors.Is(err, ordering.ErrEonRegistration) || !strings.Contains(err.Error(), "without the header") {
		t.Fatalf("got %v", err)
	}
}
