package ordering

import (
	"context"
	"testing"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/veilseq/veil/threshold"
)

// arrivingKeys is a committee whose keys for a block exist only once its
// shares have "arrived": the first WaitDecryptionKeys call delivers them,
// if arriving is set, as the share pool does when shares are in flight.
type arrivingKeys struct {
	*dealerKeys
	arriving bool
	waits    int
	ready    bool
}

func (k *arrivingKeys) DecryptionKeys(height int64) ([]*threshold.DecryptionKey, bool) {
	if !k.ready {
		return nil, false
	}
	return k.dealerKeys.DecryptionKeys(height)
}

func (k *arrivingKeys) WaitDecryptionKeys(ctx context.Context, height int64) bool {
	k.waits++
	if !k.arriving {
		return false
	}
	k.ready = true
	return ctx.Err() == nil
}

func TestProposerWaitsForArrivingKeys(t *testing.T) {
	for _, tc := range []struct {
		name     string
		arriving bool
		wait     int // -1: the default
		recorded bool
		waits    int
	}{
		{"shares arriving", true, -1, true, 1},
		{"nothing arriving", false, -1, false, 1},
		{"wait disabled", true, 0, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 2)
			a := w.newApp(dbm.NewMemDB())
			finalize(t, a, w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee))
			src := &arrivingKeys{dealerKeys: newDealerKeys(t, a), arriving: tc.arriving}
			a.SetKeySource(src)
			if tc.wait == 0 {
				a.SetKeyWait(0)
			}
			txs := prepare(t, a, 1<<20)
			if got := len(txs) == 1 && txs[0][0] == SysTxDecryptionKeys; got != tc.recorded {
				t.Fatalf("proposal %d txs, key record included %v, want %v", len(txs), got, tc.recorded)
			}
			if src.waits != tc.waits {
				t.Fatalf("asked to wait %d times, want %d", src.waits, tc.waits)
			}
			if tc.recorded && !process(t, a, txs...) {
				t.Fatal("the awaited key record is rejected")
			}
		})
	}
}

// Only the block just committed is waited for: an older block's keys are
// either there or late for a reason a short wait does not fix.
func TestProposerWaitsOnlyForLatestBlock(t *testing.T) {
	w := newWorld(t, 2)
	a := w.newApp(dbm.NewMemDB())
	finalize(t, a, w.tx(0, 0, testMinFee))
	finalize(t, a)
	src := &arrivingKeys{dealerKeys: newDealerKeys(t, a), arriving: true}
	a.SetKeySource(src)
	if txs := prepare(t, a, 1<<20); len(txs) != 0 || src.waits != 0 {
		t.Fatalf("proposal %d txs after %d waits for an older block", len(txs), src.waits)
	}
}
