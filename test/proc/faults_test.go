package proc_test

import (
	"os"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/test/proc"
)

func TestMain(m *testing.M) { proc.Main(m) }

// heavy reports whether VEIL_HEAVY=1 asks for the long variants.
func heavy() bool { return os.Getenv("VEIL_HEAVY") == "1" }

// rate is the offered load, envelopes per second over all wallets.
const rate = 20

func logReport(t *testing.T, r proc.Report, start time.Time) {
	t.Logf("%d envelopes (%d legs) committed once, firm, delivered once by every feed; heights 1..%d identical on every node, soft and firm; %v",
		r.Envelopes, r.Legs, r.Height, time.Since(start).Round(time.Millisecond))
}

// TestKill9EachValidator kills each validator in turn with SIGKILL under
// load and restarts it from its data directory: the chain keeps
// committing with three of four, the restarted validator catches up, and
// nothing accepted is lost or delivered twice.
//
// The load goes through a validator other than the one killed: an API
// node killed with SIGKILL loses the envelopes it accepted but had not
// gossiped yet, because CometBFT's mempool lives in memory. Before that
// validator's own turn, the load stops and every envelope it accepted is
// included.
func TestKill9EachValidator(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	rounds := 1
	if heavy() {
		rounds = 10
	}
	var sent proc.Sent
	var refused int64
	for range rounds {
		for i := range n.Validators() {
			via := (i + 1) % n.Validators()
			load := n.StartLoad(via, rate, &sent)
			n.WaitBlocks(via, 2)
			n.Kill9(i)
			n.WaitBlocks(via, 3) // the others commit without it
			n.Restart(i)
			n.WaitBlocks(i, 2) // and it commits with them again
			_, r := load.Stop()
			refused += r
			n.Settle(via, &sent)
		}
	}
	t.Logf("%d submissions refused (and retried)", refused)
	logReport(t, n.Check(&sent), start)
}

// TestValidatorDownCatchesUp takes one validator of four (f = 1) down for
// a run of blocks under load: the chain keeps committing meanwhile, and
// the validator catches up when it comes back.
func TestValidatorDownCatchesUp(t *testing.T) {
	start := time.Now()
	blocks := uint64(20)
	if heavy() {
		blocks = 50
	}
	n := proc.Start(t, proc.Config{})
	var sent proc.Sent
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 2)
	n.Kill9(3)
	n.WaitBlocks(0, blocks)
	n.Restart(3)
	n.WaitBlocks(3, 2)
	load.Stop()
	logReport(t, n.Check(&sent), start)
}

// TestValidatorPaused freezes one validator with SIGSTOP for several
// blocks under load and continues it: its peers' connections stay open
// but it answers nothing meanwhile; the others commit, and it catches up.
func TestValidatorPaused(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	var sent proc.Sent
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 2)
	n.Pause(2)
	n.WaitBlocks(0, 10)
	n.Resume(2)
	n.WaitSynced(2)
	load.Stop()
	logReport(t, n.Check(&sent), start)
}

// TestKeyholderLoss kills keyholders under load. The committee's
// threshold is 3 of 4: with three keyholders decryption goes on; with two
// the chain still orders envelopes but none decrypts; when one keyholder
// returns, it releases its shares for the heights it missed and the
// backlog decrypts.
func TestKeyholderLoss(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})

	// Three of four: everything decrypts.
	n.StopKeyholder(3)
	var sent proc.Sent
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 5)
	load.Stop()
	n.Check(&sent)

	// Two of four: included, never decrypted.
	n.StopKeyholder(2)
	var stuck proc.Sent
	load = n.StartLoad(0, rate, &stuck)
	n.WaitBlocks(0, 5)
	load.Stop()
	top := n.Settle(0, &stuck)
	n.WaitHeight(0, top+5)
	if stuck.Len() == 0 {
		t.Fatal("no envelope sent with 2 of 4 keyholders")
	}
	first := top
	for _, h := range stuck.Hashes() {
		for i := range n.Validators() {
			st, err := n.Client(i).Status(t.Context(), h)
			if err != nil {
				t.Fatalf("node%d: %s: %v", i, api.FormatHash(h), err)
			}
			if st.State != api.TxIncluded {
				t.Fatalf("node%d: %s is %v with 2 of 4 keyholders, want included and still encrypted", i, api.FormatHash(h), st.State)
			}
			first = min(first, st.Height)
		}
	}
	// The feeds stop before the first height holding one.
	for i := range n.Validators() {
		for _, level := range []api.DecryptionLevel{api.LevelSoft, api.LevelFirm} {
			_, err := n.Client(i).GetBatch(t.Context(), devnet.DemoRollups[0].ID, int64(first), level)
			if connect.CodeOf(err) != connect.CodeFailedPrecondition {
				t.Fatalf("node%d: %v batch at %d with 2 of 4 keyholders: %v, want not yet decrypted", i, level, first, err)
			}
		}
	}

	// One returns: the backlog decrypts.
	n.StartKeyholder(2)
	sent.Add(&stuck)
	logReport(t, n.Check(&sent), start)
}
