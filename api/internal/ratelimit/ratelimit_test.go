package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBurstThenRefill(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(2, 3, 100, c.now) // 2 tokens/s, burst 3
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i)
		}
	}
	ok, wait := l.Take("a")
	if ok {
		t.Fatal("take past the burst allowed")
	}
	if wait != 500*time.Millisecond {
		t.Fatalf("retry after %v, want 500ms", wait)
	}
	if ok, _ := l.Take("b"); !ok {
		t.Fatal("another key shares a's bucket")
	}
	c.advance(500 * time.Millisecond)
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("no token after the refill interval")
	}
	if ok, _ := l.Take("a"); ok {
		t.Fatal("refill granted more than rate allows")
	}
	c.advance(time.Hour)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("refill not capped at burst: take %d refused", i)
		}
	}
	if ok, _ := l.Take("a"); ok {
		t.Fatal("refill exceeded burst")
	}
}

func TestRefund(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(1, 1, 100, c.now)
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("first take refused")
	}
	l.Refund("a")
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("refunded token not available")
	}
	l.Refund("a")
	l.Refund("a")
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("take after refunds refused")
	}
	if ok, _ := l.Take("a"); ok {
		t.Fatal("refunds exceeded burst")
	}
	l.Refund("never-seen") // must not create a bucket or panic
	if l.Len() != 1 {
		t.Fatalf("Len = %d, want 1", l.Len())
	}
}

func TestClockBackwards(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(1, 1, 100, c.now)
	l.Take("a")
	c.advance(-time.Hour)
	if ok, _ := l.Take("a"); ok {
		t.Fatal("a clock going backwards granted tokens")
	}
}

func TestBoundedKeys(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	const max = 64
	l := New(1, 2, max, c.now)
	for i := range 10 * max {
		l.Take(fmt.Sprint(i))
		if l.Len() > max {
			t.Fatalf("tracking %d keys, max %d", l.Len(), max)
		}
	}
	// Refilled buckets are dropped first: after they refill, new keys
	// replace them without random eviction of drained ones.
	c.advance(time.Hour)
	l.Take("fresh")
	if l.Len() != 1 {
		t.Fatalf("after refill and one new key, Len = %d, want 1", l.Len())
	}
}

func TestZeroRateNeverRefills(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(0, 1, 16, c.now)
	l.Take("a")
	c.advance(time.Hour)
	if ok, wait := l.Take("a"); ok || wait <= 0 {
		t.Fatalf("zero rate: ok=%v wait=%v", ok, wait)
	}
}
