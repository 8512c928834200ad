package devnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
)

// Traffic sends encrypted envelopes from wallets through the wallet API,
// as real wallets would: each fetches the encryption parameters, seals
// locally, submits, and keeps its own nonce.
type Traffic struct {
	// URL is the wallet API's base URL.
	URL string
	// Wallets send in turn, each from its own goroutine.
	Wallets []*ecdsa.PrivateKey
	// Rate is the total envelopes per second offered; 0 means as fast as
	// admission allows.
	Rate float64
	// Count stops after this many accepted envelopes; 0 means until ctx
	// is done.
	Count int
	// Payload returns the legs of the i-th envelope from a wallet; nil
	// sends demo transfers, every fifth one a bundle across the demo
	// rollups.
	Payload func(wallet, i int) []client.Leg
	// OnSubmit, if set, is called after each accepted submission.
	OnSubmit func(wallet int, hash common.Hash, at time.Time)

	submitted atomic.Int64
	rejected  atomic.Int64
}

// Submitted returns the envelopes accepted so far.
func (t *Traffic) Submitted() int64 { return t.submitted.Load() }

// Rejected returns the submissions the node refused so far.
func (t *Traffic) Rejected() int64 { return t.rejected.Load() }

// Run sends until ctx is done or Count envelopes are accepted. It returns
// nil when it stopped for either reason.
func (t *Traffic) Run(ctx context.Context) error {
	c, err := client.Dial(t.URL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var quota atomic.Int64
	quota.Store(int64(t.Count))
	var tick <-chan time.Time
	if t.Rate > 0 {
		tk := time.NewTicker(time.Duration(float64(time.Second) / t.Rate))
		defer tk.Stop()
		tick = tk.C
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(t.Wallets))
	for w, key := range t.Wallets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := t.wallet(ctx, c, w, key, tick, &quota); err != nil && ctx.Err() == nil {
				errs <- err
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (t *Traffic) wallet(ctx context.Context, c *client.Client, w int, key *ecdsa.PrivateKey, tick <-chan time.Time, quota *atomic.Int64) error {
	params, err := c.Params(ctx)
	if err != nil {
		return err
	}
	acct, err := c.Account(ctx, client.Address(key))
	if err != nil {
		return err
	}
	nonce := acct.PendingNonce
	for i := 0; ; i++ {
		if tick != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-tick:
			}
		} else if ctx.Err() != nil {
			return nil
		}
		if t.Count > 0 && quota.Add(-1) < 0 {
			return nil // the others finish their submissions in flight
		}
		legs := t.legs(w, i)
		env, err := client.Seal(rand.Reader, params, key, client.Tx{Legs: legs, Nonce: nonce})
		if err != nil {
			return fmt.Errorf("devnet: wallet %d: seal: %w", w, err)
		}
		hash, err := c.Submit(ctx, env)
		switch {
		case err == nil:
			nonce++
			t.submitted.Add(1)
			if t.OnSubmit != nil {
				t.OnSubmit(w, hash, time.Now())
			}
			continue
		case ctx.Err() != nil:
			return nil
		}
		t.rejected.Add(1)
		if t.Count > 0 {
			quota.Add(1)
		}
		switch {
		case errors.Is(err, mempool.ErrUnknownEon), errors.Is(err, mempool.ErrEonNotActive), errors.Is(err, mempool.ErrExpired):
			if params, err = c.Params(ctx); err != nil {
				return err
			}
		case errors.Is(err, mempool.ErrNonceTooLow), errors.Is(err, mempool.ErrNonceGap), errors.Is(err, mempool.ErrDuplicate):
			if acct, err = c.Account(ctx, client.Address(key)); err != nil {
				return err
			}
			nonce = acct.PendingNonce
		default:
			// Rate limits, a full pool, a restarting node: back off.
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

func (t *Traffic) legs(w, i int) []client.Leg {
	if t.Payload != nil {
		return t.Payload(w, i)
	}
	a, b := DemoRollups[0].ID, DemoRollups[1].ID
	if i%5 == 4 {
		return []client.Leg{
			{Rollup: a, Data: fmt.Appendf(nil, `{"swap":%d,"give":"10 A","from":"wallet%d"}`, i, w)},
			{Rollup: b, Data: fmt.Appendf(nil, `{"swap":%d,"take":"10 B","to":"wallet%d"}`, i, w)},
		}
	}
	r := a
	if i%2 == 1 {
		r = b
	}
	return []client.Leg{{Rollup: r, Data: fmt.Appendf(nil, `{"transfer":%d,"amount":5,"from":"wallet%d"}`, i, w)}}
}
