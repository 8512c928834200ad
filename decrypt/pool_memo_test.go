package decrypt

import (
	"bytes"
	"context"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// VerifiedKey offers exactly the keys aggregated from t verified members'
// shares, with their encodings, and nothing before.
func TestPoolVerifiedKeys(t *testing.T) {
	c := newCommittee(t)
	p := newTestPool(t, c)
	b := c.block(t, 5, 3)
	p.AddBlock(b)
	for m := 1; m <= 2; m++ {
		if err := p.AddShares(1, 5, m, c.shares(b, m)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, ok := p.VerifiedKey(b.Txs[0].Hash); ok {
		t.Fatal("a key offered from two members' shares of three")
	}
	if err := p.AddShares(1, 5, 3, c.shares(b, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	keys, ok := p.DecryptionKeys(5)
	if !ok {
		t.Fatal("no keys")
	}
	for j, tx := range b.Txs {
		k, enc, ok := p.VerifiedKey(tx.Hash)
		want, _ := keys[j].MarshalBinary()
		if !ok || !k.Equal(keys[j]) || !bytes.Equal(enc, want) {
			t.Fatalf("tx %d: verified key %v, encoding matches %v", j, ok, bytes.Equal(enc, want))
		}
	}
}

// Pools in one process sharing a memo verify each member's shares and
// decrypt each envelope once between them, with the same results as a
// pool computing alone.
func TestPoolsShareMemo(t *testing.T) {
	c := newCommittee(t)
	b := c.block(t, 1, 4)
	memo := threshold.NewMemo(1024)
	var pools []*Pool
	for i := range 3 {
		p, err := NewPool(PoolConfig{Eons: fixedEons{1: c.pk}, Rand: seeded(byte(10 + i)), Memo: memo})
		if err != nil {
			t.Fatal(err)
		}
		pools = append(pools, p)
	}
	alone, err := NewPool(PoolConfig{Eons: fixedEons{1: c.pk}, Rand: seeded(20), NoMemo: true})
	if err != nil {
		t.Fatal(err)
	}
	pools = append(pools, alone)
	for _, p := range pools {
		p.AddBlock(b)
		for m := 1; m <= 3; m++ {
			if err := p.AddShares(1, 1, m, c.shares(b, m)); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := alone.Wait(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pools[:3] {
		got, err := p.Wait(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for j := range got.Txs {
			if !bytes.Equal(got.Txs[j].Plaintext, want.Txs[j].Plaintext) || got.Txs[j].Err != nil {
				t.Errorf("pool %d tx %d: %q %v, alone %q", i, j, got.Txs[j].Plaintext, got.Txs[j].Err, want.Txs[j].Plaintext)
			}
		}
	}
	cnt := memo.Counts()
	if cnt.Decryptions.Misses != 4 || cnt.Shares.Misses != 3*4 || cnt.Parses.Misses != 4 {
		t.Fatalf("memo computed %+v, want each decryption, share and parse once", cnt)
	}
}
