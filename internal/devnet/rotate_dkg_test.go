package devnet

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/decrypt"
)

// TestRotateCeremonyFaults runs DKG ceremonies over the network among
// four members (t = 3), each member talking only to the API's
// KeyholderService: with two members absent the run fails with the
// reason; with one absent it completes with three qualified dealers and
// the new eon decrypts traffic; with a dealer whose share for another
// member does not decrypt, that member complains, the dealer does not
// justify and is disqualified, and the next eon decrypts traffic too; a
// fault-free ceremony follows, then one whose member 3 stops after its
// deal and rejoins from the log once the deal phase has closed.
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
	checkDKGAuth(t, d.APIURL(), failed.Count, func(i uint32) []byte {
		v, err := app.DKGCeremony(2, i)
		if err != nil {
			t.Fatal(err)
		}
		return v.Entries[0].Tx
	})

	rot, err := d.RotateWith(ctx, RotateConfig{Absent: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Eon != 2 || !slices.Equal(rot.Disqualified, []int{4}) {
		t.Fatalf("rotation %+v", rot)
	}
	logCeremony(t, d, rot)
	waitHeight(rot.ActivationHeight)
	send(2)

	rot, err = d.RotateWith(ctx, RotateConfig{BadDeal: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Eon != 3 || !slices.Equal(rot.Disqualified, []int{2}) {
		t.Fatalf("rotation %+v", rot)
	}
	logCeremony(t, d, rot)
	waitHeight(rot.ActivationHeight)
	send(3)

	rot, err = d.Rotate(ctx)
	if err != nil || len(rot.Disqualified) != 0 {
		t.Fatalf("honest rotation %+v: %v", rot, err)
	}
	logCeremony(t, d, rot)
	waitHeight(rot.ActivationHeight)

	rot, err = d.RotateWith(ctx, RotateConfig{Restart: []int{3}})
	if err != nil || len(rot.Disqualified) != 0 {
		t.Fatalf("rotation with a member restarted after its deal %+v: %v", rot, err)
	}
	logCeremony(t, d, rot)
}

// logCeremony reports a rotation's ceremony: blocks from the opening to
// the registration, and bytes on chain (opening, messages, consents).
func logCeremony(t *testing.T, d *Devnet, rot Rotation) {
	v, err := d.Network.Nodes[0].App().DKGCeremony(rot.Eon, 0)
	if err != nil {
		t.Fatal(err)
	}
	bytes, kinds := len(v.OpenTx), map[byte]int{}
	for _, e := range v.Entries {
		bytes += len(e.Tx)
		kinds[e.Tx[0]]++
	}
	t.Logf("eon %d ceremony (n = %d, disqualified %v): opened at %d, registered at %d (%d blocks, phases of %d); %d bytes on chain in %d transactions (0xF5 %d, 0xF6 %d)",
		rot.Eon, len(v.Open.Members), rot.Disqualified, v.Opened, rot.RegisteredAt, rot.RegisteredAt-v.Opened, v.Open.PhaseBlocks,
		bytes, 1+len(v.Entries), kinds[0xF5], kinds[0xF6])
}

// checkDKGAuth: SubmitDKGMessage refuses an unsigned call, a forged
// signature and a non-member with UNAUTHENTICATED or PERMISSION_DENIED,
// a replay with ALREADY_EXISTS, and
// garbage with INVALID_ARGUMENT, each with a reason.
func checkDKGAuth(t *testing.T, url string, count uint32, entry func(uint32) []byte) {
	t.Helper()
	if count == 0 {
		t.Fatal("the failed ceremony logged nothing")
	}
	deal := entry(0)
	mutate := func(f func([]byte)) []byte {
		b := bytes.Clone(deal)
		f(b)
		return b
	}
	kc := veilv1connect.NewKeyholderServiceClient(http.DefaultClient, url)
	for _, tc := range []struct {
		name string
		tx   []byte
		code connect.Code
		want string
	}{
		{"unsigned", nil, connect.CodeUnauthenticated, "signed with member keys"},
		{"forged signature", mutate(func(b []byte) { b[len(b)-1] ^= 1 }), connect.CodeUnauthenticated, "does not verify"},
		{"non-member", mutate(func(b []byte) { b[1+42], b[1+43] = 0, 9 }), connect.CodePermissionDenied, "non-member"},
		{"replay", deal, connect.CodeAlreadyExists, "already"},
		{"garbage", []byte{0xF5, 1, 2, 3}, connect.CodeInvalidArgument, "malformed"},
		{"not a ceremony tag", []byte{0xF1, 0}, connect.CodeInvalidArgument, "first byte"},
	} {
		_, err := kc.SubmitDKGMessage(context.Background(), connect.NewRequest(&veilv1.SubmitDKGMessageRequest{Tx: tc.tx}))
		if connect.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %v mentioning %q", tc.name, err, tc.code, tc.want)
		}
	}
	_, err := kc.ListDKGMessages(context.Background(), connect.NewRequest(&veilv1.ListDKGMessagesRequest{Eon: 99}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("ceremony of eon 99: %v", err)
	}
}
