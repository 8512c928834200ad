package decrypt_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// A node on a chain with an escape hatch runs a Solver and installs it as
// its proposals' source of time-lock solutions (decrypt.NewService does
// both). It starts on a block once K blocks have passed without its keys.
func ExampleNewSolver() {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	pk, _ := eonKey.MarshalBinary()
	tl, err := vdf.GenerateParams(context.Background(), "veil-example", vdf.MinDelay)
	if err != nil {
		log.Fatal(err)
	}
	g := &ordering.Genesis{
		Params:      ordering.DefaultParams(),
		Eon:         ordering.GenesisEon{ID: 1, PublicKey: pk},
		EscapeHatch: &ordering.GenesisEscapeHatch{Blocks: 20, VDFParams: tl.Bytes()},
	}
	appState, err := g.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	app, err := ordering.New(ordering.Config{DB: dbm.NewMemDB()})
	if err != nil {
		log.Fatal(err)
	}
	defer app.Close()
	if _, err := app.InitChain(context.Background(), &abci.InitChainRequest{ChainId: "veil-example", InitialHeight: 1, AppStateBytes: appState}); err != nil {
		log.Fatal(err)
	}

	s, err := decrypt.NewSolver(app, decrypt.SolverConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	app.SetEscapeSource(s)
	_, ok := s.EscapeSolutions(1)
	fmt.Println("solutions for block 1 yet:", ok)
	// Output: solutions for block 1 yet: false
}
