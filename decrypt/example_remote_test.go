package decrypt_test

import (
	"context"
	"log"
	"os"
	"os/signal"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/keystore"
)

// A committee member's keyholder as a process of its own, as `veil
// keyholder` runs it: decrypt the member's secrets, follow a node, send
// shares to the nodes. (Needs running nodes; compiled, not run.)
func ExampleRunRemote() {
	key, err := keystore.Passphrase(os.Getenv("VEIL_KEYHOLDER_PASSPHRASE"))
	if err != nil {
		log.Fatal(err)
	}
	home := "/var/lib/veil-keyholder"
	s, err := keystore.Load(keystore.SecretsPath(home), key)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = decrypt.RunRemote(ctx, decrypt.RemoteConfig{
		ChainID: s.ChainID, Share: s.Share, MemberKey: s.MemberKey,
		Follow:    []string{"http://127.0.0.1:26670"},
		Nodes:     []string{"http://127.0.0.1:26670", "http://10.0.0.2:26670"},
		StateFile: keystore.ProgressPath(home),
	})
	if err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// A batch signer outside the nodes learns from their parameters which eon
// signs each height, so that around a rotation it switches shares at the
// activation height. (Needs a running node; compiled, not run.)
func ExampleNewRemoteEons() {
	c, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	eons := decrypt.NewRemoteEons([]*client.Client{c}, "veil-devnet")
	eon, err := eons.EonAt(120)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("height 120 is signed by eon %d's committee", eon)
}
