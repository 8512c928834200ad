package devnet

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
)

// TestRotateCeremonyFaults runs DKG ceremonies over the network among
// four members (t = 3), each member talking only to the API's
// KeyholderService: with two members absent the run fails with the
// reason; with one absent it completes with three qualified dealers and
// the new eon decrypts traffic; with a dealer whose share for another
// member does not decrypt, that member complains, the dealer does not
// justify and is disqualified, and the next eon decrypts traffic too.
func TestRotateCeremonyFaults(t *testing.T) {
	cfg := Config{
		Dir: t.TempDir(), Validators: 4, Wallets: 1, APIAddr: "127.0.0.1:0",
		TimeoutCommit: 100 * time.Millisecond, API: server.Config{IPRate: -1, SenderRate: -1},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	app := d.Network.Nodes[0].App()
	height := func() int64 { h, _ := app.LastCommit(); return h }
	waitHeight := func(h int64) {
		t.Helper()
		for height() < h {
			select {
			case <-ctx.Done():
				t.Fatalf("height %d not reached: at %d", h, height())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	nonce := uint64(0)
	send := func(eon uint64) {
		t.Helper()
		p, err := c.Params(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.Eon.ID != eon {
			t.Fatalf("current eon %d, want %d", p.Eon.ID, eon)
		}
		env, err := client.Seal(rand.Reader, p, d.Wallets[0], client.Tx{Legs: DemoLegs(0, int(nonce)), Nonce: nonce})
		if err != nil {
			t.Fatal(err)
		}
		nonce++
		h, err := c.Submit(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := c.Wait(ctx, h, client.UntilFirm); err != nil || st.State != api.TxDecrypted {
			t.Fatalf("eon %d envelope not decrypted: %+v %v", eon, st, err)
		}
	}

	if _, err := d.RotateWith(ctx, RotateConfig{Absent: []int{3, 4}}); !errors.Is(err, decrypt.ErrCeremony) || !strings.Contains(err.Error(), "run failed") {
		t.Fatalf("ceremony with 2 of 4 members: %v", err)
	}
	failed, err := app.DKGCeremony(2, 0)
	if err != nil {
		t.Fatal(err)
	}
	waitHeight(failed.Open.Deadline(failed.Opened, 4) + 1)

	rot, err := d.RotateWith(ctx, RotateConfig{Absent: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Eon != 2 || !slices.Equal(rot.Disqualified, []int{4}) {
		t.Fatalf("rotation %+v", rot)
	}
	waitHeight(rot.ActivationHeight)
	send(2)

	rot, err = d.RotateWith(ctx, RotateConfig{BadDeal: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Eon != 3 || !slices.Equal(rot.Disqualified, []int{2}) {
		t.Fatalf("rotation %+v", rot)
	}
	waitHeight(rot.ActivationHeight)
	send(3)
}
