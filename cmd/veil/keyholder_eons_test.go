package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// A running keyholder takes each further eon's secrets added to its home
// once, at its next rescan, and refuses a file of another member key.
func TestKeyholderEonFiles(t *testing.T) {
	home := t.TempDir()
	key, err := keystore.GenerateIdentity(filepath.Join(t.TempDir(), "id.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, member, _ := ed25519.GenerateKey(rand.Reader)
	share := func(eon uint64) *threshold.SecretKeyShare {
		_, sks, err := threshold.DealKeys(rand.Reader, eon, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		return sks[1]
	}
	save := func(eon uint64, mk ed25519.PrivateKey) {
		s := &keystore.Secrets{ChainID: "veil-x", Share: share(eon), MemberKey: mk}
		if err := keystore.Save(keystore.EonSecretsPath(home, eon), s, key); err != nil {
			t.Fatal(err)
		}
	}
	first := &keystore.Secrets{ChainID: "veil-x", Share: share(1), MemberKey: member}
	var out strings.Builder
	e := &eonFiles{home: home, key: key, first: first, held: map[uint64]bool{1: true}, out: &out}
	if got, err := e.scan(); err != nil || len(got) != 0 {
		t.Fatalf("empty home: %v, %v", got, err)
	}

	save(2, member)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	adds := make(chan *threshold.SecretKeyShare)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.watch(ctx, 10*time.Millisecond, adds, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	if sk := <-adds; sk.Eon() != 2 || sk.Index() != 2 {
		t.Fatalf("added eon %d member %d", sk.Eon(), sk.Index())
	}
	cancel()
	<-done
	if !strings.Contains(out.String(), "also member 2 of eon 2") {
		t.Fatalf("printed %q", out.String())
	}

	_, other, _ := ed25519.GenerateKey(rand.Reader)
	save(3, other)
	if got, err := e.scan(); err == nil || len(got) != 0 || !strings.Contains(err.Error(), "another chain or member key") {
		t.Fatalf("another member key: %v, %v", got, err)
	}
}
