package mempool_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// SealTimeLocked adds a puzzle of the content key to the envelope:
// signed, outside the header, and parsed (not solved) at admission.
func ExampleSealTimeLocked() {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	tl, err := vdf.GenerateParams(context.Background(), "veil-example", vdf.MinDelay)
	if err != nil {
		log.Fatal(err)
	}
	key, _ := crypto.GenerateKey()
	h := mempool.Envelope{ChainID: "veil-example", Eon: 1, Fee: 10, Expiry: 100, Rollups: []uint64{1}}
	env, err := mempool.SealTimeLocked(rand.Reader, threshold.NewEncrypter(eonKey), tl, h, []byte("hello"), key)
	if err != nil {
		log.Fatal(err)
	}
	_, err = mempool.NewChecker(mempool.CheckerConfig{}).Stateless(env.Encode())
	fmt.Println("time-lock bytes:", len(env.TimeLock), "admitted:", err == nil)
	// Output: time-lock bytes: 305 admitted: true
}
