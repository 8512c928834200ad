package client_test

import (
	"context"
	"log"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
)

// A rollup that trusts nothing but the sequencer's genesis follows the
// firm feed and has every batch checked down to the validators' commit:
// the legs against the batch root, the root against the app hash, and the
// app hash against a header signed by more than two thirds of the genesis
// validators' power.
func ExampleWithTrust() {
	vals, chainID, err := client.LoadGenesisValidators("genesis.json")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Dial("http://127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for b, err := range c.Subscribe(ctx, 7, 1, api.LevelFirm, client.WithTrust(vals, chainID)) {
		if err != nil {
			log.Fatal(err) // wraps client.ErrNotFirm if a proof does not hold
		}
		log.Printf("height %d: %d legs, root committed at block %d", b.Height, len(b.Legs), b.Firm.RecordedAt+1)
	}
}

// VerifyFirm checks one batch, here fetched with GetBatch.
func ExampleVerifyFirm() {
	vals, chainID, err := client.LoadGenesisValidators("genesis.json")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Dial("http://127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	b, err := c.GetBatch(context.Background(), 7, 42, api.LevelFirm)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.VerifyFirm(b, vals, chainID); err != nil {
		log.Fatal(err)
	}
}
