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
// at its height. Nothing is lost or delivered twice, everything decrypts
// soft and firm, and every firm root on both sides of the switch carries
// the signature of the eon active at its height.
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
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 2)
	var last proc.Rotation
	for r := range rounds {
		down := (n.Validators() - 1 - r) % n.Validators()
		n.StopKeyholder(down)
		last = n.NewEon(0, down)
		t.Logf("eon %d registered, current from height %d; keyholder %d down", last.Eon, last.Activation, down)
		n.WaitHeight(0, uint64(last.Activation)+3)
		n.SaveEonShare(down, last.Shares[down])
		n.StartKeyholder(down)
		n.WaitLog(n.Keyholder(down), fmt.Sprintf("also member %d of eon %d", down+1, last.Eon))
		n.WaitBlocks(0, 3)
	}
	load.Stop()
	r := n.Check(&sent)
	if r.Height < uint64(last.Activation) {
		t.Fatalf("checked up to height %d, before the switch at %d", r.Height, last.Activation)
	}
	logReport(t, r, start)
}
