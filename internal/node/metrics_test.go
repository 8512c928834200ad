package node

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestMetrics checks veil's own metrics on a one-validator network: new
// admissions, rejections by reason, and included envelopes.
func TestMetrics(t *testing.T) {
	chain := newTestChain(t, 1)
	txs := chain.envelopes(t, "veil-test", 3)[0]
	homes, err := GenerateHomes(t.TempDir(), TestnetConfig{
		ChainID: "veil-test", Validators: 1, Genesis: chain.genesis,
		TimeoutCommit: 50 * time.Millisecond, DisableRPC: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	nw, err := StartNetwork(context.Background(), homes, Config{Metrics: reg, DisableMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nw.Stop() })
	n := nw.Nodes[0]

	for _, tx := range txs {
		if _, err := n.Submit(tx); err != nil {
			t.Fatal(err)
		}
	}
	bad := append([]byte(nil), txs[0]...)
	bad[len(bad)-20] ^= 1 // breaks the signature
	if _, err := n.Submit(bad); err == nil {
		t.Fatal("tampered envelope admitted")
	}
	if _, err := n.Submit([]byte{1, 2, 3}); err == nil {
		t.Fatal("garbage admitted")
	}
	waitFor(t, n, "all included", allIncluded(n, [][][]byte{txs}, len(txs)))

	m := newMetrics(reg, n.Moniker()) // the registered collectors
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"admitted", testutil.ToFloat64(m.admitted), 3},
		{"rejected bad signature", testutil.ToFloat64(m.rejected.WithLabelValues("bad_signature", "new")), 1},
		{"rejected malformed", testutil.ToFloat64(m.rejected.WithLabelValues("malformed_envelope", "new")), 1},
		{"included", testutil.ToFloat64(m.included), 3},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if got := testutil.CollectAndCount(m.blockTxs); got != 1 {
		t.Errorf("block envelope histogram: %d series, want 1", got)
	}
}
