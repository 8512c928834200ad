package client_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// VerifySignedBatch checks a firm batch against the committee's eon key:
// here a block built and signed on the spot by a dealt 3-of-4 committee,
// as a node serves it.
func ExampleVerifySignedBatch() {
	const chainID = "veil-devnet"
	pk, shares, err := threshold.DealKeys(rand.Reader, 1, 3, 4)
	if err != nil {
		log.Fatal(err)
	}
	plaintext, rollups, _ := rollupfeed.EncodePlaintext([]rollupfeed.Leg{{Rollup: 7, Data: []byte("transfer 5 to bob")}})
	blk, err := rollupfeed.BuildBlock(12, chainID, []rollupfeed.DecryptedTx{{Index: 0, Rollups: rollups, Plaintext: plaintext}})
	if err != nil {
		log.Fatal(err)
	}
	// Three members sign the block's batch message; any three suffice.
	msg := blk.Message()
	var partials []*threshold.PartialSignature
	for _, sk := range shares[1:] {
		partials = append(partials, sk.SignPartial(msg[:]))
	}
	sig, err := threshold.AggregateSignatures(pk, partials)
	if err != nil {
		log.Fatal(err)
	}

	b := &client.Batch{Level: api.LevelFirm, Root: blk.Root, Eon: 1, Signature: sig, Batch: blk.Batch(7)}
	fmt.Println("signed batch:", client.VerifySignedBatch(b, pk, chainID) == nil)
	fmt.Println("another chain:", errors.Is(client.VerifySignedBatch(b, pk, "other-chain"), rollupfeed.ErrBadSignature))
	b.Height++ // relabelled with another height
	fmt.Println("another height:", errors.Is(client.VerifySignedBatch(b, pk, chainID), rollupfeed.ErrBadSignature))
	// Output:
	// signed batch: true
	// another chain: true
	// another height: true
}

// A relayer, or anyone mirroring the committee's signatures, pages
// through a node's signed roots.
func ExampleClient_ListSignedRoots() {
	ctx := context.Background()
	c, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	params, err := c.Params(ctx) // or an eon key from a source you trust more
	if err != nil {
		log.Fatal(err)
	}
	for from := int64(1); ; {
		roots, err := c.ListSignedRoots(ctx, from, 256)
		if err != nil {
			log.Fatal(err)
		}
		if len(roots) == 0 {
			break // from is not signed yet
		}
		for _, r := range roots {
			if err := rollupfeed.VerifyBatchSignature(params.EonKey, params.ChainID, r.Height, r.Root, r.Signature); err != nil {
				log.Fatal(err)
			}
		}
		from = roots[len(roots)-1].Height + 1
	}
}
