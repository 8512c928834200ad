package proc_test

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/test/proc"
	"github.com/veilseq/veil/threshold"
)

// TestByzantineKeyholder replaces member 4's keyholder process with the
// test itself, holding member 4's real member key, under load: first it
// sends garbage (well-formed key shares and batch-root partials from a
// share of another dealing, signed with the member key, to every node
// over the API), then it withholds every key share while still signing
// batch roots. The other three members decrypt everything, soft and firm,
// nothing is lost or delivered twice, and every node records evidence
// against member 4 for the garbage, and none against anyone for the
// withholding (a share not sent proves nothing).
func TestByzantineKeyholder(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	n.StopKeyholder(3)
	member := n.Member(3)
	vals, _, err := client.LoadGenesisValidators(filepath.Join(n.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	params, err := n.Client(0).Params(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, dealt, err := threshold.DealKeys(rand.Reader, member.Eon(), params.EonKey.Threshold(), params.EonKey.N())
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(share *threshold.SecretKeyShare) decrypt.RemoteConfig {
		return decrypt.RemoteConfig{
			ChainID: member.ChainID, Share: share, MemberKey: member.MemberKey,
			Nodes: n.URLs, Validators: vals, Poll: 100 * time.Millisecond,
		}
	}

	// Garbage: the right index and eon, the wrong share.
	var sent proc.Sent
	stop := background(t, func(ctx context.Context) error {
		return decrypt.RunRemote(ctx, cfg(dealt[member.Member()-1]))
	})
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 6)
	load.Stop()
	r := n.Check(&sent)
	stop()
	counts := make([]int, n.Validators())
	for i := range n.Validators() {
		ev, err := n.Client(i).KeyholderEvidence(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) == 0 {
			t.Fatalf("node%d recorded no evidence against member %d's garbage", i, member.Member())
		}
		for _, e := range ev {
			if int(e.Member) != member.Member() || e.Reason == "" {
				t.Fatalf("node%d: evidence %+v, want only member %d's", i, e, member.Member())
			}
		}
		counts[i] = len(ev)
	}
	t.Logf("garbage: every node holds evidence against member %d (%d records on node0); heights 1..%d checked", member.Member(), counts[0], r.Height)

	// Withholding: batch roots signed, no key share released.
	signer, err := decrypt.NewRemoteSigner(cfg(member.Share))
	if err != nil {
		t.Fatal(err)
	}
	stop = background(t, signer.Run)
	load = n.StartLoad(0, rate, &sent)
	n.WaitBlocks(0, 6)
	load.Stop()
	r = n.Check(&sent)
	stop()
	if signer.Signed() == 0 {
		t.Fatal("the withholding member signed no batch root")
	}
	for i := range n.Validators() {
		ev, err := n.Client(i).KeyholderEvidence(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) != counts[i] {
			t.Fatalf("node%d: %d evidence records after withholding, %d before", i, len(ev), counts[i])
		}
	}
	logReport(t, r, start)
}

// background runs f until the returned stop is called, which waits for
// it and fails the test if f failed other than by being stopped.
func background(t *testing.T, f func(context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("background: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}
