package ordering_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// A block without envelopes records its own (empty) batch root; the app
// hash CometBFT puts in the next header commits to it, and FirmProof
// gives a light client the rest of what that hash covers.
func ExampleApp_FirmRoot() {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	pk, _ := eonKey.MarshalBinary()
	g := &ordering.Genesis{Params: ordering.DefaultParams(), Eon: ordering.GenesisEon{ID: 1, PublicKey: pk}}
	appState, err := g.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	app, err := ordering.New(ordering.Config{DB: dbm.NewMemDB()})
	if err != nil {
		log.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	if _, err := app.InitChain(ctx, &abci.InitChainRequest{ChainId: "example", InitialHeight: 1, AppStateBytes: appState}); err != nil {
		log.Fatal(err)
	}
	res, err := app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: 1, Time: time.Unix(1_700_000_000, 0)})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := app.Commit(ctx, &abci.CommitRequest{}); err != nil {
		log.Fatal(err)
	}

	root, recordedAt, ok, err := app.FirmRoot(1)
	if err != nil || !ok {
		log.Fatal(err)
	}
	proof, _, err := app.FirmProof(recordedAt)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("empty batch:", root == rollupfeed.EmptyRoot, "recorded at", recordedAt)
	fmt.Println("proof holds:", proof.Check(1, root) == nil, bytes.Equal(proof.AppHash(), res.AppHash))
	// Output:
	// empty batch: true recorded at 1
	// proof holds: true true
}
