package mempool

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// testTimeLockParams are escape-hatch parameters with the smallest delay,
// so a test solves a puzzle in a millisecond.
func testTimeLockParams(t testing.TB) *vdf.Params {
	t.Helper()
	p, err := vdf.GenerateParams(context.Background(), "veil-test", vdf.MinDelay)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSealTimeLocked(t *testing.T) {
	tl := testTimeLockParams(t)
	s := newSealer(t)
	key := testKey(t, 1)
	h := Envelope{ChainID: "veil-test", Eon: 1, Nonce: 0, Fee: 10, Expiry: 50, Rollups: []uint64{7}}
	e, err := SealTimeLocked(s.rng, s.enc, tl, h, []byte("transfer 5 to bob"), key)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.TimeLock) != vdf.PuzzleSize {
		t.Fatalf("time-lock of %d bytes, want %d", len(e.TimeLock), vdf.PuzzleSize)
	}
	if _, err := NewChecker(CheckerConfig{}).Stateless(e.Encode()); err != nil {
		t.Fatalf("admission: %v", err)
	}
	// Solving the puzzle yields the content key, which opens the payload
	// with the header as associated data.
	pz, err := vdf.ParsePuzzle(e.TimeLock)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, err := vdf.Solve(tl, pz)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := threshold.DecryptContentKey(k, e.Ciphertext, e.Header())
	if err != nil || !bytes.Equal(pt, []byte("transfer 5 to bob")) {
		t.Fatalf("decrypt with the solved key: %q, %v", pt, err)
	}
	if _, err := SealTimeLocked(s.rng, s.enc, nil, h, nil, key); err == nil {
		t.Fatal("sealed a time-lock without parameters")
	}
}

func TestCheckerRejectsBadTimeLock(t *testing.T) {
	s := newSealer(t)
	key := testKey(t, 1)
	puzzle := func() []byte {
		e, err := SealTimeLocked(s.rng, s.enc, testTimeLockParams(t), Envelope{ChainID: "veil-test", Eon: 1, Fee: 10, Expiry: 50, Rollups: []uint64{7}}, []byte("x"), key)
		if err != nil {
			t.Fatal(err)
		}
		return e.TimeLock
	}()
	for name, tl := range map[string][]byte{
		"opaque bytes":   []byte("time-locked content key"),
		"truncated":      puzzle[:len(puzzle)-1],
		"wrong version":  append([]byte{2}, puzzle[1:]...),
		"x not in group": append(append([]byte{1}, bytes.Repeat([]byte{0xff}, vdf.ElementSize)...), puzzle[1+vdf.ElementSize:]...),
	} {
		e := s.seal(key, 0, 10, func(e *Envelope) { e.TimeLock = tl })
		if _, err := NewChecker(CheckerConfig{}).Stateless(e.Encode()); !errors.Is(err, ErrBadTimeLock) || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrBadTimeLock", name, err)
		}
	}
}
