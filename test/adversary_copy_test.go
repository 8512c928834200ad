package test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"connectrpc.com/connect"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/examples/amm"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
)

// TestCopiedCiphertextAndReplay: an attacker who sees a victim's pending
// envelope copies its ciphertext (and identity prefix, rollups and
// expiry) into an envelope of its own, signed by itself, hoping the
// committee will open it early or that it will execute in its name.
// The copy is admitted and committed like any envelope, but its identity
// is derived from the attacker's address, so the key released for it
// does not open the victim's ciphertext: it is decrypt-failed on every
// validator, delivers nothing to the rollup, and the attacker pays its
// fee. The victim's swap executes once, unaffected. Sending the victim's
// exact bytes again, while pending or after commit, is refused as a
// duplicate by the API and by the application's own admission.
func TestCopiedCiphertextAndReplay(t *testing.T) {
	cfg := devnetConfig(t.TempDir(), 4)
	cfg.ExtraRollups = []ordering.Rollup{{ID: ammRollup, Name: "amm"}}
	d := startDevnetConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, params := dialParams(t, ctx, d)
	victimKey, attackerKey := d.Wallets[0], d.Wallets[3]
	attacker := client.Address(attackerKey)
	before, err := c.Account(ctx, attacker)
	if err != nil {
		t.Fatal(err)
	}

	vs := amm.Swap{Trader: client.Address(victimKey), Dir: amm.XForY, In: 123_456, MinOut: 1}
	victim := sealSwap(t, params, victimKey, 0, params.LatestHeight+40, vs)
	if _, err := c.Submit(ctx, victim); err != nil {
		t.Fatal(err)
	}
	copied := &mempool.Envelope{
		ChainID: victim.ChainID, Eon: victim.Eon, Nonce: before.PendingNonce, Fee: params.MinFee,
		Expiry: victim.Expiry, Rollups: victim.Rollups, Prefix: victim.Prefix,
		Ciphertext: bytes.Clone(victim.Ciphertext),
	}
	if err := copied.Sign(attackerKey); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(ctx, copied); err != nil {
		t.Fatalf("the copy is a well-formed envelope and must be admitted: %v", err)
	}
	// The same bytes again while pending: a duplicate.
	if _, err := c.SubmitRaw(ctx, victim.Encode()); !errors.Is(err, mempool.ErrDuplicate) {
		t.Fatalf("resubmitted pending envelope: %v, want a duplicate", err)
	}

	vh, ch := common.Hash(victim.Hash()), common.Hash(copied.Hash())
	final := waitFinal(ctx, t, d.Network.Nodes[0].App(), []common.Hash{vh, ch})
	if final[vh].Status != ordering.TxDecrypted || final[ch].Status != ordering.TxDecryptFailed {
		t.Fatalf("victim %v, copy %v; want decrypted and decrypt-failed", final[vh].Status, final[ch].Status)
	}
	for i, n := range d.Network.Nodes {
		waitFor(t, ctx, "every validator final", func() bool {
			r, err := n.App().Tx(ch)
			return err == nil && r.Status == ordering.TxDecryptFailed
		})
		if r, ok := d.Pool(i).TxResult(ch); ok && r.Err == nil {
			t.Fatalf("validator %d opened the copy: %x", i, r.Plaintext)
		}
	}
	st, err := c.Status(ctx, ch)
	if err != nil || st.State != api.TxFailed {
		t.Fatalf("API status of the copy: %+v, %v", st, err)
	}

	// The attacker paid the fee and used its nonce; nothing else moved.
	after, err := c.Account(ctx, attacker)
	if err != nil {
		t.Fatal(err)
	}
	if after.Balance != before.Balance-params.MinFee || after.Nonce != before.Nonce+1 {
		t.Fatalf("attacker %+v before, %+v after; want the fee %d charged and the nonce used", before, after, params.MinFee)
	}

	// The rollup received the victim's swap once and nothing from the
	// copy: the copy's position holds no leg.
	top := max(final[vh].Height, final[ch].Height)
	legs := ammLegs(t, ctx, c, top)
	if len(legs) != 1 || !bytes.Equal(legs[0].Data, vs.Encode()) || legs[0].Height != final[vh].Height || legs[0].TxIndex != final[vh].Index {
		t.Fatalf("AMM legs %+v; want the victim's swap alone", legs)
	}
	pool := ammStart
	want, _ := pool.Quote(amm.XForY, vs.In)
	if r := pool.Apply(&rollupfeed.Batch{Height: legs[0].Height, Rollup: ammRollup, Legs: legs}); r[0].Err != nil || r[0].Out != want {
		t.Fatalf("victim's swap: %+v, want %d out", r[0], want)
	}

	// The victim's bytes after commit: refused by the API, and by every
	// validator's admission even past CometBFT's cache.
	_, err = c.SubmitRaw(ctx, victim.Encode())
	var ce *connect.Error
	if !errors.Is(err, mempool.ErrDuplicate) || !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition {
		t.Fatalf("replayed envelope: %v, want FailedPrecondition, a duplicate", err)
	}
	t.Logf("replay at the API: %v", err)
	for i, n := range d.Network.Nodes {
		res, err := n.App().CheckTx(ctx, &abci.CheckTxRequest{Tx: victim.Encode(), Type: abci.CHECK_TX_TYPE_CHECK})
		if err != nil {
			t.Fatal(err)
		}
		rerr := ordering.ResultError(res.Code, res.Codespace, res.Log)
		if !errors.Is(rerr, mempool.ErrNonceTooLow) && !errors.Is(rerr, mempool.ErrDuplicate) {
			t.Fatalf("validator %d admitted the replay: %v", i, rerr)
		}
		if i == 0 {
			t.Logf("replay at the application: %v", rerr)
		}
	}
}
