package mempool

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestCheckInclusion(t *testing.T) {
	s := newSealer(t)
	key := testKey(t, 1)
	addr := crypto.PubkeyToAddress(key.PublicKey)
	for _, tc := range []struct {
		name  string
		env   func() *Envelope
		state func(*fixture)
		want  error
	}{
		{"valid", func() *Envelope { return s.seal(key, 3, 10) }, nil, nil},
		{"wrong chain", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.ChainID = "other" }) }, nil, ErrWrongChain},
		{"unknown eon", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Eon = 9 }) }, nil, ErrUnknownEon},
		{"retired eon", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Eon = 0 }) }, nil, ErrEonNotActive},
		{"pending eon", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Eon = 2 }) }, nil, ErrEonNotActive},
		{"unknown rollup", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Rollups = []uint64{7, 9} }) }, nil, ErrUnknownRollup},
		{"expired", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Expiry = 10 }) }, nil, ErrExpired},
		{"expiry is the next block", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Expiry = 11 }) }, nil, nil},
		{"expiry at the window's edge", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Expiry = 111 }) }, nil, nil},
		{"expiry past the window", func() *Envelope { return s.seal(key, 3, 10, func(e *Envelope) { e.Expiry = 112 }) }, nil, ErrExpiryTooFar},
		{"fee below minimum", func() *Envelope { return s.seal(key, 3, 9) }, nil, ErrFeeTooLow},
		{"nonce used", func() *Envelope { return s.seal(key, 2, 10) }, nil, ErrNonceTooLow},
		{"nonce gap", func() *Envelope { return s.seal(key, 4, 10) }, nil, ErrNonceGap},
		{"balance short", func() *Envelope { return s.seal(key, 3, 101) }, nil, ErrInsufficientBalance},
		{"balance exact", func() *Envelope { return s.seal(key, 3, 100) }, nil, nil},
		{"identity reused", func() *Envelope { return s.seal(key, 3, 10) }, func(f *fixture) {
			// The sealer's stream is deterministic: learn the next prefix.
			e := newSealer(t).seal(key, 3, 10)
			f.used[e.IdentityKey()] = true
		}, ErrDuplicate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture()
			f.fund(addr, 100, 3)
			if tc.state != nil {
				s = newSealer(t)
				tc.state(f)
			}
			err := CheckInclusion(tc.env(), f)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPoolNonceWindow(t *testing.T) {
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 1_000_000, 5)
	p := NewPool(PoolConfig{NonceWindow: 4})
	for _, tc := range []struct {
		nonce uint64
		want  error
	}{
		{4, ErrNonceTooLow},
		{5, nil},
		{7, nil}, // a gap inside the window waits for nonce 6
		{8, nil},
		{9, ErrNonceGap},
	} {
		if _, err := p.Admit(s.seal(key, tc.nonce, 10), f); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("nonce %d: got %v, want %v", tc.nonce, err, tc.want)
		}
	}
	if got := p.PendingNonce(crypto.PubkeyToAddress(key.PublicKey), 5); got != 6 {
		t.Errorf("pending nonce %d, want 6 (the first gap)", got)
	}
}

func TestPoolReplaceByFee(t *testing.T) {
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 1_000_000, 0)
	p := NewPool(PoolConfig{ReplaceBumpPercent: 10})
	first := s.seal(key, 0, 100)
	if _, err := p.Admit(first, f); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Admit(first, f); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("same envelope twice: got %v", err)
	}
	if _, err := p.Admit(s.seal(key, 0, 109), f); !errors.Is(err, ErrReplacementUnderpriced) {
		t.Fatalf("9%% bump: got %v, want ErrReplacementUnderpriced", err)
	}
	second := s.seal(key, 0, 110)
	evicted, err := p.Admit(second, f)
	if err != nil {
		t.Fatalf("10%% bump: %v", err)
	}
	if len(evicted) != 1 || evicted[0] != first.Hash() {
		t.Fatalf("evicted %x, want the replaced envelope", evicted)
	}
	if err := p.Recheck(first.Hash(), f); !errors.Is(err, ErrEvicted) {
		t.Fatalf("recheck of replaced: got %v, want ErrEvicted", err)
	}
	if err := p.Recheck(second.Hash(), f); err != nil {
		t.Fatalf("recheck of replacement: %v", err)
	}
	if p.Len() != 1 {
		t.Fatalf("pool holds %d envelopes, want 1", p.Len())
	}
}

func TestPoolReplaceByFeeSmallFees(t *testing.T) {
	// 10% of 10 is 1: the replacement must pay 11, not 10.
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 1_000, 0)
	p := NewPool(PoolConfig{})
	if _, err := p.Admit(s.seal(key, 0, 10), f); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Admit(s.seal(key, 0, 10), f); !errors.Is(err, ErrReplacementUnderpriced) {
		t.Fatalf("equal fee: got %v", err)
	}
	if _, err := p.Admit(s.seal(key, 0, 11), f); err != nil {
		t.Fatalf("fee 11: %v", err)
	}
}

func TestPoolPendingFeesMustBeCovered(t *testing.T) {
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 250, 0)
	p := NewPool(PoolConfig{})
	for n, want := range []error{nil, nil, ErrInsufficientBalance} {
		if _, err := p.Admit(s.seal(key, uint64(n), 100), f); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Fatalf("nonce %d: got %v, want %v", n, err, want)
		}
	}
	// Replacing a pending envelope counts only the new fee.
	if _, err := p.Admit(s.seal(key, 1, 150), f); err != nil {
		t.Fatalf("replacement within balance: %v", err)
	}
}

func TestPoolEvictsLowestFeeWhenFull(t *testing.T) {
	s, f := newSealer(t), newFixture()
	p := NewPool(PoolConfig{MaxTxs: 3})
	var envs []*Envelope
	for i, fee := range []uint64{30, 10, 20} {
		key := testKey(t, uint64(10+i))
		f.fund(crypto.PubkeyToAddress(key.PublicKey), 1000, 0)
		e := s.seal(key, 0, fee)
		envs = append(envs, e)
		if _, err := p.Admit(e, f); err != nil {
			t.Fatal(err)
		}
	}
	key := testKey(t, 20)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 1000, 0)
	if _, err := p.Admit(s.seal(key, 0, 10), f); !errors.Is(err, ErrPoolFull) {
		t.Fatalf("fee equal to the lowest: got %v, want ErrPoolFull", err)
	}
	evicted, err := p.Admit(s.seal(key, 0, 11), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(evicted) != 1 || evicted[0] != envs[1].Hash() {
		t.Fatalf("evicted %x, want the fee-10 envelope", evicted)
	}
	if p.Len() != 3 {
		t.Fatalf("pool holds %d, want 3", p.Len())
	}
	if err := p.Recheck(envs[1].Hash(), f); !errors.Is(err, ErrEvicted) {
		t.Fatalf("recheck of evicted: got %v", err)
	}
}

func TestPoolRecheckAfterBlock(t *testing.T) {
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	addr := crypto.PubkeyToAddress(key.PublicKey)
	f.fund(addr, 1000, 0)
	p := NewPool(PoolConfig{})
	e0, e1, e2 := s.seal(key, 0, 10), s.seal(key, 1, 10), s.seal(key, 2, 10, func(e *Envelope) { e.Expiry = 12 })
	for _, e := range []*Envelope{e0, e1, e2} {
		if _, err := p.Admit(e, f); err != nil {
			t.Fatal(err)
		}
	}
	// Block 11 includes nonce 0; block 12 passes; nonce 2 expires.
	f.height = 12
	f.fund(addr, 990, 1)
	if err := p.Recheck(e0.Hash(), f); !errors.Is(err, ErrNonceTooLow) {
		t.Fatalf("included envelope: got %v", err)
	}
	if err := p.Recheck(e1.Hash(), f); err != nil {
		t.Fatalf("next nonce: %v", err)
	}
	if err := p.Recheck(e2.Hash(), f); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: got %v", err)
	}
	if p.Len() != 1 {
		t.Fatalf("pool holds %d, want 1", p.Len())
	}
	// An eon rotation invalidates what is left.
	f.eons[1] = EonRetired
	if err := p.Recheck(e1.Hash(), f); !errors.Is(err, ErrEonNotActive) {
		t.Fatalf("after rotation: got %v", err)
	}
	if p.Len() != 0 || p.Bytes() != 0 {
		t.Fatalf("pool not empty: %d envelopes, %d bytes", p.Len(), p.Bytes())
	}
}

func TestPoolRejectsPendingIdentityReuse(t *testing.T) {
	s, f := newSealer(t), newFixture()
	key := testKey(t, 1)
	f.fund(crypto.PubkeyToAddress(key.PublicKey), 1000, 0)
	p := NewPool(PoolConfig{})
	e0 := s.seal(key, 0, 10)
	if _, err := p.Admit(e0, f); err != nil {
		t.Fatal(err)
	}
	e1 := s.seal(key, 1, 10, func(e *Envelope) { e.Prefix = e0.Prefix })
	if _, err := p.Admit(e1, f); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("got %v, want ErrDuplicate", err)
	}
}
