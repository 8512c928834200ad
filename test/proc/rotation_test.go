package proc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/veilseq/veil/test/proc"
)

// TestRotationKeyholderDown rotates the committee to a new eon under load
// while member 4's keyholder process is down from before the
// registration until after the switch; it then comes back with its new
// eon's secrets added to its home. The three others pick up their new
// secrets while running (they rescan their homes) and, holding both
// eons' shares, release for each envelope with the share of the eon it
// is sealed to and sign each firm root with the share of the eon active
// at its height. Then member 1's keyholder stops, so that with a
// threshold of 3 of 4 the new eon's envelopes decrypt, and its roots are
// signed, only if the returned keyholder does its part. Nothing is lost
// or delivered twice, everything decrypts soft and firm, and every firm
// root on both sides of the switch carries the signature of the eon
// active at its height.
//
// VEIL_HEAVY=1 rotates three times, a different keyholder down each time.
func TestRotationKeyholderDown(t *testing.T) {
	start := time.Now()
	rounds := 1
	if heavy() {
		rounds = 3
	}
	n := proc.Start(t, proc.Config{})
	var sent proc.Sent
	var r proc.Report
	for round := range rounds {
		load := n.StartLoad(0, rate, &sent)
		n.WaitBlocks(0, 2)
		down := (n.Validators() - 1 - round) % n.Validators()
		n.StopKeyholder(down)
		rot := n.NewEon(0, down)
		t.Logf("eon %d registered, current from height %d; keyholder %d down", rot.Eon, rot.Activation, down)
		n.WaitHeight(0, uint64(rot.Activation)+3)
		n.SaveEonShare(down, rot.Shares[down])
		n.StartKeyholder(down)
		n.WaitLog(n.Keyholder(down), fmt.Sprintf("also member %d of eon %d", down+1, rot.Eon))
		other := (down + 1) % n.Validators()
		n.StopKeyholder(other)
		n.WaitBlocks(0, 4)
		load.Stop()
		r = n.Check(&sent)
		if r.Height < uint64(rot.Activation)+7 {
			t.Fatalf("checked up to height %d, the switch was at %d", r.Height, rot.Activation)
		}
		n.StartKeyholder(other)
	}
	logReport(t, r, start)
}
