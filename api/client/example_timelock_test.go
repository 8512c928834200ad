package client_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// A wallet on a chain with an escape hatch time-locks the content key,
// so its envelope decrypts even if the committee withholds the keys.
// Anyone who solves the puzzle (T squarings) recovers the key; the chain
// does so only for blocks withheld past EscapeHatchBlocks.
func ExampleTx_timeLock() {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 3, 4)
	if err != nil {
		log.Fatal(err)
	}
	pkBytes, _ := eonKey.MarshalBinary()
	// The node's GetEncryptionParams carries the parameters; here a
	// small delay made on the spot.
	tl, err := vdf.GenerateParams(context.Background(), "veil-example", vdf.MinDelay)
	if err != nil {
		log.Fatal(err)
	}
	params, err := client.NewParams(api.Params{
		ChainID:           "veil-devnet",
		Eon:               api.Eon{ID: 1, PublicKey: pkBytes, Threshold: 3, CommitteeSize: 4},
		Rollups:           []api.Rollup{{ID: 1, Name: "alpha"}},
		MinFee:            10,
		LatestHeight:      500,
		EscapeHatchBlocks: 20,
		TimeLockParams:    tl.Bytes(),
	})
	if err != nil {
		log.Fatal(err)
	}
	key, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	env, err := client.Seal(rand.Reader, params, key, client.Tx{
		Legs:     []client.Leg{{Rollup: 1, Data: []byte("transfer 5 to bob")}},
		TimeLock: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("time-lock bytes:", len(env.TimeLock))

	// Solving the puzzle yields the content key, which opens the payload.
	pz, _ := vdf.ParsePuzzle(env.TimeLock)
	k, _, _, err := vdf.Solve(params.TimeLock, pz)
	if err != nil {
		log.Fatal(err)
	}
	pt, err := threshold.DecryptContentKey(k, env.Ciphertext, env.Header())
	fmt.Println(bytes.Equal(pt, []byte("transfer 5 to bob")), err)
	// Output:
	// time-lock bytes: 305
	// true <nil>
}
