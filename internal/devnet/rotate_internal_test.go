package devnet

import (
	"context"
	"testing"
	"time"

	"github.com/veilseq/veil/api/server"
)

// TestRotateSurvivesRestart: a rotation's shares are stored encrypted in
// the members' homes and a restarted devnet's keyholders hold them again;
// a second rotation waits for the first to activate.
func TestRotateSurvivesRestart(t *testing.T) {
	cfg := Config{
		Dir: t.TempDir(), Validators: 1, Wallets: 1, APIAddr: "127.0.0.1:0",
		TimeoutCommit: 100 * time.Millisecond, API: server.Config{IPRate: -1, SenderRate: -1},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := d.Rotate(ctx)
	if err != nil {
		d.Stop()
		t.Fatal(err)
	}
	if _, err := d.Rotate(ctx); err == nil {
		d.Stop()
		t.Fatal("a second rotation before the first activated")
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	d, err = Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	shares := d.rotatedShares(0)
	if len(shares) != 1 || shares[0].Eon() != rot.Eon || shares[0].Index() != 1 {
		t.Fatalf("rotated shares after restart: %v", shares)
	}
	eons := d.keyholders[0].kh.Eons()
	if len(eons) != 2 {
		t.Fatalf("restarted keyholder holds eons %v", eons)
	}
	next, ok, err := d.Network.Nodes[0].App().NextEon()
	if err != nil || !ok || next.ActivationHeight != rot.ActivationHeight {
		t.Fatalf("next eon after restart: %+v %v %v", next, ok, err)
	}
}
