package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runVeil(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

func TestVDFParamsAndVerify(t *testing.T) {
	file := filepath.Join(t.TempDir(), "vdf.json")
	out, err := runVeil(t, "vdf", "params", "--network", "cli-test",
		"--expiry-blocks", "2", "--block-time", "1s", "--attacker-speedup", "3",
		"--squarings-per-second", "500", "--output", file)
	if err != nil {
		t.Fatalf("params: %v\n%s", err, out)
	}
	if !strings.Contains(out, "T = 6000") {
		t.Fatalf("expected T = 500·3·2·2 = 6000:\n%s", out)
	}
	out, err = runVeil(t, "vdf", "verify-params", file)
	if err != nil || !strings.Contains(out, "ok:") {
		t.Fatalf("verify-params: %v\n%s", err, out)
	}

	// a corrupted file fails verification
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, bytes.Replace(b, []byte(`"t": 6000`), []byte(`"t": 6001`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runVeil(t, "vdf", "verify-params", bad); err == nil {
		t.Fatal("verify-params accepted a wrong T")
	}
}

func TestVDFParamsMeasure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "vdf.json")
	out, err := runVeil(t, "vdf", "params", "--measure", "--measure-time", "50ms",
		"--delay", "1000", "--output", file)
	if err != nil || !strings.Contains(out, "squarings/s") {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := runVeil(t, "vdf", "params", "--output", file); err == nil {
		t.Fatal("params without a rate succeeded")
	}
	if _, err := runVeil(t, "vdf", "params", "--measure", "--squarings-per-second", "1", "--expiry-blocks", "1", "--block-time", "1s", "--output", file); err == nil {
		t.Fatal("both --measure and --squarings-per-second accepted")
	}
}
