package main

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/internal/keystore"
)

// TestDKGCommands runs a one-member ceremony with the CLI against a
// devnet: join-key prints the join, open submits the approved opening,
// join runs the member to the registration and stores its share.
func TestDKGCommands(t *testing.T) {
	dir := t.TempDir()
	d, err := devnet.Start(context.Background(), devnet.Config{
		Dir: dir, Validators: 1, Wallets: 1, APIAddr: "127.0.0.1:0", TimeoutCommit: 100 * time.Millisecond,
		API: server.Config{IPRate: -1, SenderRate: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := func(args ...string) string {
		t.Helper()
		out := new(syncBuffer)
		root := newRootCmd()
		root.SetOut(out)
		root.SetErr(out)
		root.SetArgs(args)
		if err := root.ExecuteContext(ctx); err != nil {
			t.Fatalf("veil %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out.String()
	}
	home, id := d.KeyholderHome(1), devnet.IdentityPath(dir)
	join := strings.TrimSpace(run("dkg", "join-key", "--home", home, "--identity", id, "--eon", "2"))

	key, err := keystore.LoadIdentity(id)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keystore.Load(keystore.SecretsPath(home), key)
	if err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join(t.TempDir(), "member1.seed")
	if err := os.WriteFile(seed, []byte(hex.EncodeToString(s.MemberKey.Seed())), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run("dkg", "open", "--node", d.APIURL(), "--join", join, "--approve", "1="+seed, "--phase-blocks", "3"); !strings.Contains(out, "accepted into the mempool") {
		t.Fatalf("open: %s", out)
	}
	out := run("dkg", "join", "--home", home, "--identity", id, "--node", d.APIURL(), "--eon", "2", "--timeout", "50s")
	for _, want := range []string{"joined eon 2's ceremony", "consented", "eon 2 registered", "share stored in"} {
		if !strings.Contains(out, want) {
			t.Fatalf("join output lacks %q:\n%s", want, out)
		}
	}
	got, err := keystore.Load(keystore.EonSecretsPath(home, 2), key)
	if err != nil || got.Eon() != 2 || got.Member() != 1 {
		t.Fatalf("stored share: %v %v", got, err)
	}
	status := run("dkg", "status", "--node", d.APIURL(), "--eon", "2")
	for _, want := range []string{"eon registered", "member 1 (", "deal@", "consent@"} {
		if !strings.Contains(status, want) {
			t.Fatalf("status lacks %q:\n%s", want, status)
		}
	}
	next, ok, err := d.Network.Nodes[0].App().NextEon()
	if err != nil || !ok || next.ID != 2 {
		t.Fatalf("next eon %+v %v %v", next, ok, err)
	}
}
