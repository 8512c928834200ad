package fuzzcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReadable(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "FuzzX", [][]byte{{0, 1, '"', 0xff}}, [][]byte{nil}); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "testdata", "fuzz", "FuzzX", "seed-*"))
	if err != nil || len(files) != 2 {
		t.Fatalf("got %d files, %v", len(files), err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:16]) != "go test fuzz v1\n" {
		t.Fatalf("header %q", b[:16])
	}
	if got := string(Encode([]byte{0, '"'})); got != "go test fuzz v1\n[]byte(\"\\x00\\\"\")\n" {
		t.Fatalf("encoding %q", got)
	}
}
