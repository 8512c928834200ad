package devnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
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
	// Plaintext sends the payload unencrypted in an envelope of the same
	// size and format (a zero U and tag around the bytes), for measuring
	// what encryption costs against the same network. Such payloads can
	// never decrypt; only benchmarks use it.
	Plaintext bool
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
	fetched := time.Now()
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
		// An envelope's default expiry counts from the parameters' latest
		// height, so parameters must stay fresh: refetch every few seconds.
		if time.Since(fetched) > paramsMaxAge {
			if p, err := c.Params(ctx); err == nil {
				params, fetched = p, time.Now()
			}
		}
		legs := t.legs(w, i)
		seal := client.Seal
		if t.Plaintext {
			seal = SealPlain
		}
		env, err := seal(rand.Reader, params, key, client.Tx{Legs: legs, Nonce: nonce})
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
			fetched = time.Now()
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

// paramsMaxAge is how long a wallet reuses encryption parameters.
const paramsMaxAge = 3 * time.Second

func (t *Traffic) legs(w, i int) []client.Leg {
	if t.Payload != nil {
		return t.Payload(w, i)
	}
	return DemoLegs(w, i)
}

// DemoLegs are the legs of the i-th envelope of wallet w in the default
// traffic: transfers alternating between the demo rollups, every fifth
// envelope a swap bundle across both. Each leg's data is unique.
func DemoLegs(w, i int) []client.Leg {
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

// SealPlain builds the envelope client.Seal would, with the payload in the
// clear inside a ciphertext-shaped frame of the same length: the version
// byte and zeros where U and the AEAD tag go. It does no curve or AEAD work,
// and its payload can never decrypt: it exists to measure what encryption
// costs against the same network.
func SealPlain(rnd io.Reader, p *client.Params, key *ecdsa.PrivateKey, tx client.Tx) (*mempool.Envelope, error) {
	var plaintext []byte
	var rollups []uint64
	if len(tx.Legs) == 1 {
		plaintext, rollups = tx.Legs[0].Data, []uint64{tx.Legs[0].Rollup}
	} else {
		b, err := client.EncodeBundle(tx.Legs)
		if err != nil {
			return nil, err
		}
		plaintext = b
		for _, l := range tx.Legs {
			rollups = append(rollups, l.Rollup)
		}
		slices.Sort(rollups)
	}
	window := uint64(client.DefaultExpiryBlocks)
	if p.MaxExpiryBlocks != 0 {
		window = min(window, p.MaxExpiryBlocks)
	}
	env := &mempool.Envelope{
		ChainID: p.ChainID, Eon: p.Eon.ID, Nonce: tx.Nonce, Fee: max(tx.Fee, p.MinFee),
		Expiry: p.LatestHeight + window, Rollups: rollups,
	}
	if _, err := io.ReadFull(rnd, env.Prefix[:]); err != nil {
		return nil, err
	}
	frame := make([]byte, threshold.CiphertextOverhead+len(plaintext))
	frame[0] = plainFrameVersion
	copy(frame[threshold.CiphertextOverhead-chacha20poly1305.Overhead:], plaintext)
	env.Ciphertext = frame
	if err := env.Sign(key); err != nil {
		return nil, err
	}
	return env, nil
}

// plainFrameVersion is threshold's ciphertext format version 1, so the
// frame passes admission's format check like a real ciphertext.
const plainFrameVersion = 0x01
