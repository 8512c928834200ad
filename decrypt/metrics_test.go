package decrypt

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestPoolMetrics: each member's verified shares and failed submissions,
// and each soft batch with its lag, are counted.
func TestPoolMetrics(t *testing.T) {
	c := newCommittee(t)
	reg := prometheus.NewPedanticRegistry()
	m := NewMetrics(reg, "node0")
	// A validator restarted in the same process keeps its series.
	if again := NewMetrics(reg, "node0"); again.softBlocks != m.softBlocks || again.badShares != m.badShares {
		t.Fatal("registering again made new series")
	}
	p, err := NewPool(PoolConfig{Eons: fixedEons{1: c.pk}, Rand: seeded(3), Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	b := c.block(t, 5, 4)
	other := c.block(t, 6, 4)
	p.AddBlock(b)
	if err := p.AddShares(1, 5, 3, c.shares(other, 3)); !errors.Is(err, ErrInvalidShares) {
		t.Fatalf("member 3's wrong shares: %v", err)
	}
	for _, member := range []int{1, 2, 4} {
		if err := p.AddShares(1, 5, member, c.shares(b, member)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Wait(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP veil_keyholder_bad_shares_total Key share submissions from a committee member that failed verification here (misbehaviour evidence; see the node's log).
# TYPE veil_keyholder_bad_shares_total counter
veil_keyholder_bad_shares_total{member="3",node="node0"} 1
# HELP veil_keyholder_shares_accepted_total Key shares from a committee member that verified here.
# TYPE veil_keyholder_shares_accepted_total counter
veil_keyholder_shares_accepted_total{member="1",node="node0"} 4
veil_keyholder_shares_accepted_total{member="2",node="node0"} 4
veil_keyholder_shares_accepted_total{member="4",node="node0"} 4
# HELP veil_decrypt_soft_blocks_total Blocks this node decrypted from verified key shares (the soft batch).
# TYPE veil_decrypt_soft_blocks_total counter
veil_decrypt_soft_blocks_total{node="node0"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"veil_keyholder_bad_shares_total", "veil_keyholder_shares_accepted_total", "veil_decrypt_soft_blocks_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(m.softLag); n != 1 {
		t.Fatalf("lag histogram: %d series", n)
	}
	if ev := p.Evidence(); len(ev) != 1 || ev[0].Member != 3 || ev[0].Height != 5 {
		t.Fatalf("evidence %+v", ev)
	}
	var nilMetrics *Metrics
	nilMetrics.softBlock(1) // a nil *Metrics records nothing
}

// TestPoolEvidenceBounded: a member failing block after block leaves only
// the most recent MaxEvidence pieces of evidence, and counts all.
func TestPoolEvidenceBounded(t *testing.T) {
	c := newCommittee(t)
	p, err := NewPool(PoolConfig{Eons: fixedEons{1: c.pk}, Rand: seeded(3), MaxEvidence: 2})
	if err != nil {
		t.Fatal(err)
	}
	other := c.block(t, 99, 1)
	for h := int64(1); h <= 5; h++ {
		p.AddBlock(c.block(t, h, 1))
		if err := p.AddShares(1, h, 2, c.shares(other, 2)); !errors.Is(err, ErrInvalidShares) {
			t.Fatalf("height %d: %v", h, err)
		}
	}
	ev := p.Evidence()
	if len(ev) != 2 || ev[0].Height != 4 || ev[1].Height != 5 || p.Stats().Misbehaviour != 5 {
		t.Fatalf("evidence %+v, stats %+v", ev, p.Stats())
	}
}
