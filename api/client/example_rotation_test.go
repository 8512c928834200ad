package client_test

import (
	"crypto/rand"
	"fmt"
	"log"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/threshold"
)

// During a rotation the parameters name the registered next eon, and Seal
// encrypts to it: the chain accepts it from its registration on, and it
// stays valid after the switch, when envelopes for the old eon are
// refused.
func ExampleParams_SealEon() {
	cur, _, _ := threshold.DealKeys(rand.Reader, 1, 3, 4)
	next, _, _ := threshold.DealKeys(rand.Reader, 2, 2, 3)
	curBytes, _ := cur.MarshalBinary()
	nextBytes, _ := next.MarshalBinary()
	params, err := client.NewParams(api.Params{
		ChainID:      "veil-devnet",
		Eon:          api.Eon{ID: 1, PublicKey: curBytes},
		NextEon:      &api.Eon{ID: 2, PublicKey: nextBytes, ActivationHeight: 520},
		Rollups:      []api.Rollup{{ID: 1, Name: "alpha"}},
		MinFee:       10,
		LatestHeight: 500,
	})
	if err != nil {
		log.Fatal(err)
	}
	key, _ := crypto.GenerateKey()
	env, err := client.Seal(rand.Reader, params, key, client.Tx{Legs: []client.Leg{{Rollup: 1, Data: []byte("hi")}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("seal to eon", params.SealEon(), "- envelope names eon", env.Eon)
	// Output: seal to eon 2 - envelope names eon 2
}
