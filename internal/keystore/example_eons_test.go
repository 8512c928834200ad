package keystore_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"
	"os"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/threshold"
)

// After a rotation a member keeps the new eon's share in a file of its
// own beside the first eon's, and its keyholder loads every further eon.
func ExampleLoadEons() {
	dir, err := os.MkdirTemp("", "keystore")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	key, _ := keystore.Passphrase("a long passphrase from VEIL_KEYHOLDER_PASSPHRASE")
	_, memberKey, _ := ed25519.GenerateKey(nil)
	_, shares, _ := threshold.DealKeys(rand.Reader, 2, 2, 3) // the new eon's DKG, in practice
	s := &keystore.Secrets{ChainID: "veil-1", Share: shares[0], MemberKey: memberKey}
	if err := keystore.Save(keystore.EonSecretsPath(dir, 2), s, key); err != nil {
		log.Fatal(err)
	}
	eons, err := keystore.LoadEons(dir, key)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range eons {
		fmt.Println(e)
	}
	// Output: keystore.Secrets{chain: "veil-1", eon: 2, member: 1, secrets: REDACTED}
}
