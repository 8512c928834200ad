package ordering_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/vdf"
)

// A solver's result travels as a 0xF2 record: the solution y of each
// time-locked envelope of the withheld block, with its Wesolowski proof.
// Every validator checks the proofs (vdf.Open) before the chain uses the
// keys they unlock.
func ExampleEscapeRecord() {
	params, err := vdf.GenerateParams(context.Background(), "veil-example", vdf.MinDelay)
	if err != nil {
		log.Fatal(err)
	}
	key := make([]byte, vdf.KeySize) // a content key, in a real envelope
	pz, err := vdf.Lock(params, key, rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	_, y, proof, err := vdf.Solve(params, pz)
	if err != nil {
		log.Fatal(err)
	}
	tx := ordering.EscapeRecord{Height: 42, Solutions: []ordering.EscapeSolution{{Index: 3, Y: y, Proof: proof}}}.Marshal()
	rec, err := ordering.ParseEscapeRecord(tx)
	if err != nil {
		log.Fatal(err)
	}
	opened, err := vdf.Open(params, pz, rec.Solutions[0].Y, rec.Solutions[0].Proof)
	fmt.Printf("tag %#x, block %d, %d solution for index %d, %d bytes; opens: %v\n",
		tx[0], rec.Height, len(rec.Solutions), rec.Solutions[0].Index, len(tx), err == nil && len(opened) == vdf.KeySize)
	// Output: tag 0xf2, block 42, 1 solution for index 3, 530 bytes; opens: true
}
