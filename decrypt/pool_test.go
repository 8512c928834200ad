package decrypt

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

type fixedEons map[uint64]*threshold.EonPublicKey

func (f fixedEons) EonKey(eon uint64) (*threshold.EonPublicKey, error) {
	if pk := f[eon]; pk != nil {
		return pk, nil
	}
	return nil, fmt.Errorf("no eon %d", eon)
}

// committee is a 3-of-4 eon from a trusted dealer and a wallet.
type committee struct {
	pk  *threshold.EonPublicKey
	sks []*threshold.SecretKeyShare
	enc *threshold.Encrypter
	key *ecdsa.PrivateKey
	rng *rand.ChaCha8
}

func newCommittee(t testing.TB) *committee {
	t.Helper()
	pk, sks, err := threshold.DealKeys(seeded(1), 1, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	k, err := crypto.ToECDSA(append(make([]byte, 31), 7))
	if err != nil {
		t.Fatal(err)
	}
	return &committee{pk: pk, sks: sks, enc: threshold.NewEncrypter(pk), key: k, rng: seeded(2)}
}

// block builds a block of n envelopes with plaintexts "tx j".
func (c *committee) block(t testing.TB, height int64, n int) Block {
	t.Helper()
	b := Block{Height: height}
	for j := range n {
		h := mempool.Envelope{ChainID: "test", Eon: 1, Nonce: uint64(j), Fee: 1, Expiry: 100, Rollups: []uint64{1}}
		e, err := mempool.Seal(c.rng, c.enc, h, fmt.Appendf(nil, "tx %d", j), c.key)
		if err != nil {
			t.Fatal(err)
		}
		b.Txs = append(b.Txs, Tx{Hash: e.Hash(), Index: uint32(j), Envelope: e})
	}
	return b
}

func (c *committee) shares(b Block, member int) []*threshold.KeyShare {
	return c.sks[member-1].KeyShares(identities(b.Txs, byEon(b.Txs)[1]))
}

func newTestPool(t testing.TB, c *committee) *Pool {
	t.Helper()
	p, err := NewPool(PoolConfig{Eons: fixedEons{1: c.pk}, Rand: seeded(3)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPoolDecryptsWithThreshold(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 5, 10)
	p.AddBlock(b)
	for m := 1; m <= 2; m++ {
		if err := p.AddShares(1, 5, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := p.Result(5); ok {
		t.Fatal("decrypted with t−1 members")
	}
	if _, ok := p.DecryptionKeys(5); ok {
		t.Fatal("keys with t−1 members")
	}
	if err := p.AddShares(1, 5, 4, c.shares(b, 4)); err != nil {
		t.Fatal(err)
	}
	r, err := p.Wait(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	for j, tx := range r.Txs {
		if tx.Err != nil || string(tx.Plaintext) != fmt.Sprintf("tx %d", j) {
			t.Fatalf("tx %d: %q, %v", j, tx.Plaintext, tx.Err)
		}
	}
	if r.AvailableAt < 5 {
		t.Fatalf("available at %d, before its block", r.AvailableAt)
	}
	keys, ok := p.DecryptionKeys(5)
	if !ok || threshold.VerifyDecryptionKeys(seeded(9), c.pk, identities(b.Txs, byEon(b.Txs)[1]), keys) != nil {
		t.Fatal("pool keys do not verify against the eon key")
	}
	// A fourth member after t is accepted and ignored.
	if err := p.AddShares(1, 5, 3, c.shares(b, 3)); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.SoftBlocks != 1 || s.SoftTxs != 10 || s.Misbehaviour != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPoolRejects(t *testing.T) {
	c := newCommittee(t)
	b := c.block(t, 5, 4)
	other := c.block(t, 6, 4)
	good := func(m int) []*threshold.KeyShare { return c.shares(b, m) }
	for _, tc := range []struct {
		name     string
		eon      uint64
		height   int64
		member   int
		shares   []*threshold.KeyShare
		want     error
		evidence bool
	}{
		{"unknown eon", 2, 5, 1, good(1), ErrUnknownEon, false},
		{"member 0", 1, 5, 0, good(1), ErrNotMember, false},
		{"member n+1", 1, 5, 5, good(1), ErrNotMember, false},
		{"another member's shares", 1, 5, 2, good(1), ErrInvalidShares, true},
		{"shares of other identities", 1, 5, 1, c.shares(other, 1), ErrInvalidShares, true},
		{"too few shares", 1, 5, 1, good(1)[:3], ErrShareCount, true},
		{"too many shares", 1, 5, 1, append(good(1), good(1)[0]), ErrShareCount, true},
		{"nil share", 1, 5, 1, []*threshold.KeyShare{nil, nil, nil, nil}, ErrInvalidShares, false},
		{"height never committed", 1, 4, 1, good(1), ErrUnknownBlock, false},
		{"far future height", 1, 500, 1, good(1), ErrTooFarAhead, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPool(t, c)
			p.AddBlock(b)
			err := p.AddShares(tc.eon, tc.height, tc.member, tc.shares)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if got := len(p.Evidence()); (got > 0) != tc.evidence {
				t.Fatalf("%d evidence records, want evidence %v", got, tc.evidence)
			}
		})
	}
}

// TestPoolGarbageMemberExcluded: a member sending garbage is recorded and
// excluded, its retry is a duplicate, and the other three decrypt.
func TestPoolGarbageMemberExcluded(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 5, 6)
	p.AddBlock(b)
	garbage := c.shares(c.block(t, 6, 6), 2)
	if err := p.AddShares(1, 5, 2, garbage); !errors.Is(err, ErrInvalidShares) {
		t.Fatalf("garbage: %v", err)
	}
	if err := p.AddShares(1, 5, 2, c.shares(b, 2)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("retry after garbage: %v", err)
	}
	for _, m := range []int{1, 3, 4} {
		if err := p.AddShares(1, 5, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AddShares(1, 5, 1, c.shares(b, 1)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("replay: %v", err)
	}
	r, err := p.Wait(context.Background(), 5)
	if err != nil || r.Txs[0].Err != nil {
		t.Fatalf("not decrypted: %v", err)
	}
	ev := p.Evidence()
	if len(ev) != 1 || ev[0].Member != 2 || ev[0].Height != 5 {
		t.Fatalf("evidence %+v", ev)
	}
}

// TestPoolEarlyShares: shares that arrive before the node sees the block
// commit are held and verified when it does.
func TestPoolEarlyShares(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 1, 3)
	for m := 1; m <= 3; m++ {
		if err := p.AddShares(1, 1, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AddShares(1, 1, 1, c.shares(b, 1)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("early duplicate: %v", err)
	}
	if _, ok := p.Result(1); ok {
		t.Fatal("decrypted before the block was added")
	}
	p.AddBlock(b)
	r, err := p.Wait(context.Background(), 1)
	if err != nil || len(r.Txs) != 3 || r.Txs[2].Err != nil {
		t.Fatalf("early shares not used: %v", err)
	}
	if tr, ok := p.TxResult(b.Txs[1].Hash); !ok || string(tr.Plaintext) != "tx 1" {
		t.Fatalf("tx result %q %v", tr.Plaintext, ok)
	}
}

// TestPoolMauledCiphertext: a ciphertext that does not open fails alone.
func TestPoolMauledCiphertext(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 1, 3)
	b.Txs[1].Envelope.Ciphertext[len(b.Txs[1].Envelope.Ciphertext)-1] ^= 1
	b.Txs[2].Envelope.Ciphertext[4] ^= 0x55 // U off the curve
	p.AddBlock(b)
	for m := 1; m <= 3; m++ {
		if err := p.AddShares(1, 1, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := p.Wait(context.Background(), 1)
	if r.Txs[0].Err != nil || r.Txs[1].Err == nil || r.Txs[2].Err == nil {
		t.Fatalf("results %v %v %v", r.Txs[0].Err, r.Txs[1].Err, r.Txs[2].Err)
	}
}

// TestPoolSoftResult checks that the pool offers its soft result of an
// envelope only for the key it opened it with.
func TestPoolSoftResult(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 5, 3)
	p.AddBlock(b)
	if _, ok := p.SoftResult(b.Txs[0].Hash, nil); ok {
		t.Fatal("soft result before the block decrypted")
	}
	for m := 1; m <= 3; m++ {
		if err := p.AddShares(1, 5, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Wait(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	keys, _ := p.DecryptionKeys(5)
	for j, tx := range b.Txs {
		r, ok := p.SoftResult(tx.Hash, keys[j])
		if !ok || r.Err != nil || string(r.Plaintext) != fmt.Sprintf("tx %d", j) {
			t.Fatalf("tx %d: %q, %v, %v", j, r.Plaintext, r.Err, ok)
		}
	}
	if _, ok := p.SoftResult(b.Txs[0].Hash, keys[1]); ok {
		t.Fatal("soft result offered for another key")
	}
}
