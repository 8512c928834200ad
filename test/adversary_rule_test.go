package test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/examples/amm"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
)

// TestDeclaredOmissionCannotOrderLaterEnvelopeFirst checks the
// fair-ordering guarantee against a proposer that declares the victim
// omitted: every validator saw the victim a before any saw the
// adversary's b, both are ready, and the proposer's block holds b and
// declares a omitted. Declared omission is allowed (the proposer may not
// hold a), but then the block may hold nothing seen after a (the fence):
// otherwise b would commit a height before a, the order the guarantee
// ("a is not ordered after b", architecture.md) rules out, and an
// adversarial proposer that can tell which envelope to delay (from its
// metadata: sender, rollups, size) would put its own later envelope
// ahead of it on each of its turns.
func TestDeclaredOmissionCannotOrderLaterEnvelopeFirst(t *testing.T) {
	victim := ordering.Candidate{Hash: mempool.Hash{0xaa, 1}, Envelope: &mempool.Envelope{Sender: common.Address{0xa1}}}
	front := ordering.Candidate{Hash: mempool.Hash{0xbb, 2}, Envelope: &mempool.Envelope{Sender: common.Address{0x3a}}}
	reports := func(from int64) []ordering.Report {
		return []ordering.Report{{Validator: 0, Time: from}, {Validator: 1, Time: from + 1}, {Validator: 2, Time: from + 2}, {Validator: 3, Time: from + 3}}
	}
	ev := &ordering.Evidence{Height: 10, Powers: []int64{1, 1, 1, 1}, Seed: []byte("seed"), Seen: map[ordering.ShortID]*ordering.Sighting{
		ordering.ShortIDOf(victim.Hash): {Reports: reports(1_000), First: 9, Last: 9},
		ordering.ShortIDOf(front.Hash):  {Reports: reports(1_050), First: 9, Last: 9},
	}}
	st := ev.Judge()
	if !st[ordering.ShortIDOf(victim.Hash)].Ready || !st[ordering.ShortIDOf(front.Hash)].Ready {
		t.Fatalf("setup: both envelopes must be ready: %+v", st)
	}
	rule := ordering.FairOrder{}
	// Sanity: with both in the block, only the fair order passes.
	if err := rule.Verify(ordering.Block{Height: 10, Txs: []ordering.Candidate{front, victim}, Evidence: ev, Room: true}); err == nil {
		t.Fatal("a block with the adversary's envelope first was accepted")
	}
	// Undeclared omission of the victim is rejected.
	if err := rule.Verify(ordering.Block{Height: 10, Txs: []ordering.Candidate{front}, Evidence: ev, Room: true}); err == nil {
		t.Fatal("a block leaving the victim out undeclared was accepted")
	}
	// Declared omission of the victim, with the later envelope included.
	err := rule.Verify(ordering.Block{Height: 10, Txs: []ordering.Candidate{front}, Evidence: ev, Room: true,
		Omitted: []ordering.ShortID{ordering.ShortIDOf(victim.Hash)}})
	if !errors.Is(err, ordering.ErrOvertake) {
		t.Fatalf("a block that includes b (fair time %d) and declares the earlier ready a (fair time %d) omitted: %v, want ErrOvertake",
			st[ordering.ShortIDOf(front.Hash)].Time, st[ordering.ShortIDOf(victim.Hash)].Time, err)
	}
	// The victim left out, declared, with nothing after it: allowed.
	if err := rule.Verify(ordering.Block{Height: 10, Evidence: ev, Room: true,
		Omitted: []ordering.ShortID{ordering.ShortIDOf(victim.Hash), ordering.ShortIDOf(front.Hash)}}); err != nil {
		t.Fatalf("a block leaving both out, declared: %v", err)
	}
}

// TestAdversaryDeclaredOmissionSandwich runs the attack above end to
// end: the adversary's proposal that holds a victim takes the victim (and
// its own sale) out and declares them omitted, keeping its own buy.
// Honest validators reject that block (the fence), and the test checks
// what TestAdversarialValidatorCannotSandwich checks of order and price.
func TestAdversaryDeclaredOmissionSandwich(t *testing.T) {
	const adv = 3
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, w, a, c, params := adversaryDevnet(t, ctx, adv, attackOmit)
	attacked := func(r round) (attack, bool) {
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, at := range a.attacks {
			if at.victim == common.Hash(r.victim.Hash()) {
				return at, true
			}
		}
		return attack{}, false
	}
	rounds, top := sandwichRounds(t, ctx, d, c, params, a, func(rs []round) bool {
		return slices.ContainsFunc(rs, func(r round) bool { _, ok := attacked(r); return ok })
	})
	legs := ammLegs(t, ctx, c, top)
	for i, r := range rounds {
		at, ok := attacked(r)
		if !ok {
			continue
		}
		vr := committedAt(t, d, 1, common.Hash(r.victim.Hash()))
		fr := committedAt(t, d, 1, common.Hash(r.react.front.Hash()))
		front, back := swapData(t, r.react.front), swapData(t, r.react.back)
		_, got := replay(t, legs, r.victimSwap.Encode(), func([]byte) bool { return false })
		fair, _ := replay(t, legs, r.victimSwap.Encode(), func(b []byte) bool { return bytes.Equal(b, front) || bytes.Equal(b, back) })
		want, _ := fair.Quote(amm.XForY, r.victimSwap.In)
		verdicts := honestVerdicts(w, a, adv, at.height)
		t.Logf("round %d: attack at height %d, honest verdicts %v; victim %d/%d, buy %d/%d; victim paid %d, %d without the adversary",
			i, at.height, verdicts, vr.Height, vr.Index, fr.Height, fr.Index, got.Out, want)
		if before(fr, vr) {
			t.Fatalf("round %d: a proposer that declares the victim omitted put its own later buy ahead of it: buy at %d/%d, victim at %d/%d; the victim paid %d instead of %d",
				i, fr.Height, fr.Index, vr.Height, vr.Index, got.Out, want)
		}
		if slices.Contains(verdicts, true) || got.Out != want {
			t.Fatalf("round %d: honest verdicts %v, victim paid %d, want %d", i, verdicts, got.Out, want)
		}
		return
	}
	t.Fatalf("the adversary's turns never held a victim in %d rounds", len(rounds))
}
