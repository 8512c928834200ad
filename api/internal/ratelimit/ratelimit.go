// Package ratelimit is a keyed token-bucket limiter for the API edge: one
// bucket per client IP or per sender, with a bounded number of buckets.
//
// Time is passed in by the caller's clock function, so tests drive it
// without sleeping.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter holds one token bucket per key. Every bucket refills at Rate
// tokens a second up to Burst. A key seen for the first time starts with a
// full bucket. It is safe for concurrent use.
type Limiter struct {
	rate    float64
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter granting rate tokens a second per key, at most burst
// at once, tracking at most maxKeys keys. now is its clock.
//
// When maxKeys buckets are tracked, adding one first drops every bucket
// that has refilled (forgetting a full bucket changes nothing), and if none
// has, drops a sixteenth of the buckets at random: a client that cycles
// through many keys can then reset some others' buckets, but memory stays
// bounded and the cost per new key stays constant.
func New(rate float64, burst, maxKeys int, now func() time.Time) *Limiter {
	if burst < 1 {
		burst = 1
	}
	if maxKeys < 16 {
		maxKeys = 16
	}
	return &Limiter{
		rate:    rate,
		burst:   float64(burst),
		maxKeys: maxKeys,
		now:     now,
		buckets: make(map[string]*bucket),
	}
}

// Take removes one token from key's bucket. If the bucket is empty it takes
// nothing and returns false and how long until a token will be there.
func (l *Limiter) Take(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if l.rate <= 0 {
		return false, time.Duration(1<<63 - 1)
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	if wait < time.Millisecond {
		wait = time.Millisecond
	}
	return false, wait
}

// Refund gives back a token taken for a request that turned out not to
// count (for example an envelope the node did not admit).
func (l *Limiter) Refund(key string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		l.refill(b, now)
		b.tokens = min(b.tokens+1, l.burst)
	}
}

// Len returns the number of tracked keys.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.last = now
	}
}

func (l *Limiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.maxKeys {
		return
	}
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.maxKeys {
		return
	}
	drop := l.maxKeys / 16
	for k := range l.buckets { // map order is random
		if drop == 0 {
			break
		}
		delete(l.buckets, k)
		drop--
	}
}
