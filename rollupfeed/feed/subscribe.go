package feed

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

// Delivery is one height's batch for a subscribed rollup.
type Delivery struct {
	Level Level
	// Root is the block's batch root, which Batch verifies against
	// (rollupfeed.VerifyBatch).
	Root  common.Hash
	Batch *rollupfeed.Batch
}

// Subscription delivers one rollup's batches at one level, one per
// height (empty ones included), in height order from its start height:
// first what the feed already has, then each height as it becomes
// available. A height beyond the tip is waited for.
type Subscription struct {
	c    chan Delivery
	stop chan struct{}
	once sync.Once

	mu  sync.Mutex
	err error
}

// C is closed when the subscription ends; Err then says why. Deliveries
// already in the channel stay readable.
func (s *Subscription) C() <-chan Delivery { return s.c }

// Err is nil while the subscription runs; then ErrUnsubscribed after
// Close, ErrClosed when the feed closed, a *SlowError (carrying the
// height to resume from) when the consumer fell behind, or the error
// that stopped it.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription. It is safe to call more than once.
func (s *Subscription) Close() { s.once.Do(func() { close(s.stop) }) }

// Subscribe starts delivering rollup's batches at level from height from.
// It fails at once for an unregistered rollup (*UnknownRollupError), a
// level other than Soft or Firm, or a height outside 1..MaxHeight; a
// height above the tip is not an error: the subscription waits for it.
func (f *Feed) Subscribe(rollup uint64, from int64, level Level) (*Subscription, error) {
	if err := checkRequest(level, from); err != nil {
		return nil, err
	}
	if err := f.checkRollup(rollup); err != nil {
		return nil, err
	}
	s := &Subscription{c: make(chan Delivery, f.cfg.Buffer), stop: make(chan struct{})}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		s.err = ErrClosed
		close(s.c)
		return s, nil
	}
	f.wg.Add(1)
	go f.pump(s, rollup, from, level)
	return s, nil
}

func (f *Feed) pump(s *Subscription, rollup uint64, next int64, level Level) {
	defer f.wg.Done()
	end := func(err error) {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(s.c)
	}
	for {
		f.mu.Lock()
		tip, wake := f.tipLocked(level), f.notify
		f.mu.Unlock()
		if next > tip {
			select {
			case <-wake:
				continue
			case <-s.stop:
				end(ErrUnsubscribed)
				return
			case <-f.done:
				end(ErrClosed)
				return
			}
		}
		b, err := f.Block(level, next)
		if err != nil {
			end(err)
			return
		}
		d := Delivery{Level: level, Root: b.Root, Batch: b.Batch(rollup)}
		select {
		case s.c <- d:
			next++
			continue
		default:
		}
		// The buffer is full: drop a consumer too far behind the tip,
		// now or when the tip moves on while it does not read.
		for sent := false; !sent; {
			f.mu.Lock()
			tip, wake = f.tipLocked(level), f.notify
			f.mu.Unlock()
			if tip-next >= f.cfg.MaxLag {
				end(&SlowError{Resume: next})
				return
			}
			select {
			case s.c <- d:
				sent = true
			case <-s.stop:
				end(ErrUnsubscribed)
				return
			case <-f.done:
				end(ErrClosed)
				return
			case <-wake:
			}
		}
		next++
	}
}
