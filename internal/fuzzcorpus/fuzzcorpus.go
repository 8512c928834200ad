// Package fuzzcorpus writes seed-corpus files in the format `go test`
// reads from testdata/fuzz/<FuzzName>/, so a package's seeds are real
// encodings produced by its own code and regenerated with it.
package fuzzcorpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Encode renders one corpus entry of []byte arguments in the
// "go test fuzz v1" format.
func Encode(args ...[]byte) []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		b.WriteString("[]byte(")
		b.WriteString(strconv.Quote(string(a)))
		b.WriteString(")\n")
	}
	return []byte(b.String())
}

// Write stores each entry under dir/testdata/fuzz/<fuzzName>/, named by
// its content hash so rewriting is idempotent.
func Write(dir, fuzzName string, entries ...[][]byte) error {
	out := filepath.Join(dir, "testdata", "fuzz", fuzzName)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, args := range entries {
		data := Encode(args...)
		sum := sha256.Sum256(data)
		name := filepath.Join(out, "seed-"+hex.EncodeToString(sum[:8]))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return fmt.Errorf("fuzzcorpus: %w", err)
		}
	}
	return nil
}
