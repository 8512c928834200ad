package proc_test

import (
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
func TestRotationKeyholderDown(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	var sent proc.Sent
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 2)
	n.StopKeyholder(3)
	rot := n.NewEon(0, 3)
	t.Logf("eon %d registered, current from height %d", rot.Eon, rot.Activation)
	n.WaitHeight(0, uint64(rot.Activation)+3)
	n.SaveEonShare(3, rot.Shares[3])
	n.StartKeyholder(3)
	n.WaitLog(n.Keyholder(3), "also member 4 of eon 2")
	n.WaitBlocks(0, 3)
	load.Stop()
	r := n.Check(&sent)
	if r.Height < uint64(rot.Activation) {
		t.Fatalf("checked up to height %d, before the switch at %d", r.Height, rot.Activation)
	}
	logReport(t, r, start)
}
