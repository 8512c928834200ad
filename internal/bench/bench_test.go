package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/internal/bench"
)

// TestRunShort runs the whole harness briefly on a devnet, encrypted then
// plaintext, and checks the report's shape: every figure filled, the JSON
// round-trips, the bound is computed, the plaintext run ran. It asserts
// nothing about speed.
func TestRunShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two devnets")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r, err := bench.Run(ctx, bench.Config{
		Step: 2 * time.Second, Rate: 20, Wallets: 4, TimeoutCommit: 200 * time.Millisecond,
		PlaintextToo: true, Dir: t.TempDir(), Calibrate: 10 * time.Millisecond, Command: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	enc := r.Encrypted.Steps
	if len(enc) != 1 || r.Plaintext == nil || len(r.Plaintext.Steps) != 1 {
		t.Fatalf("steps: encrypted %d, plaintext %+v", len(enc), r.Plaintext)
	}
	s, p := enc[0], r.Plaintext.Steps[0]
	if s.Committed != s.Submitted || s.Submitted != 40 || p.Committed != 40 {
		t.Fatalf("encrypted %d/%d committed, plaintext %d/%d", s.Committed, s.Submitted, p.Committed, p.Submitted)
	}
	for name, pc := range map[string]bench.Percentiles{
		"submit→commit": s.SubmitToCommit, "submit→soft": s.SubmitToSoft, "submit→firm": s.SubmitToFirm,
		"commit→soft": s.CommitToSoft, "commit→firm": s.CommitToFirm, "commit→release": s.CommitToRelease,
		"plaintext submit→commit": p.SubmitToCommit,
	} {
		if pc.N == 0 || pc.P50 <= 0 || pc.P99 < pc.P50 {
			t.Errorf("%s: %+v", name, pc)
		}
	}
	if s.CommittedPerSec <= 0 || s.CPUPerTxUS <= 0 || p.CPUPerTxUS <= 0 || s.MeanBlockTxs <= 0 {
		t.Errorf("encrypted step %+v, plaintext %+v", s, p)
	}
	// The devnet's nodes and keyholders share one process: each
	// envelope's identity is derived, and it is decrypted, once.
	if w := s.Work; w == nil || w.Identities != 1 || w.Decryptions != 1 || w.Shares <= 0 || w.Remembered <= 0 {
		t.Errorf("work per tx %+v, want one identity and one decryption", s.Work)
	}
	if s.VoteExtBytesPerBlock <= 0 {
		t.Errorf("no vote extension bytes measured")
	}
	if r.Bound == nil || r.Bound.TxPerSec <= 0 || r.Bound.AsBuiltTxPerSec <= 0 || r.Bound.Dominant == "" || len(r.Bound.Crypto) != 7 {
		t.Fatalf("bound %+v", r.Bound)
	}
	if !r.Checks.PlaintextRunRan || !r.Checks.CryptoCalibrated || r.Ratio <= 0 || r.ToBound <= 0 {
		t.Errorf("checks %+v, ratio %v, to bound %v", r.Checks, r.Ratio, r.ToBound)
	}

	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back bench.Report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON round trip changed the report:\n%s", raw)
	}
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"committed/s", "encrypted", "plaintext", "Bound (the issue", "ratio"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	t.Log("\n" + md.String())
}
