package keystore_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// A committee member stores its eon share and member key encrypted under a
// passphrase, and a keyholder process loads them.
func Example() {
	dir, err := os.MkdirTemp("", "keystore")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	share := exampleShare() // from the member's DKG result: Result.SecretShare()
	_, memberKey, _ := ed25519.GenerateKey(nil)
	key, err := keystore.Passphrase("a long passphrase from VEIL_KEYHOLDER_PASSPHRASE")
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "keyholder.age")
	if err := keystore.Save(path, &keystore.Secrets{ChainID: "veil-1", Share: share, MemberKey: memberKey}, key); err != nil {
		log.Fatal(err)
	}

	s, err := keystore.Load(path, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s)
	// Output: keystore.Secrets{chain: "veil-1", eon: 1, member: 1, secrets: REDACTED}
}

func exampleShare() *threshold.SecretKeyShare {
	_, shares, err := threshold.DealKeys(rand.Reader, 1, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	return shares[0]
}
