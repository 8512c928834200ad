package rollupfeed_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/rollupfeed"
)

// A block of three transactions: a transfer on rollup 1, an atomic swap
// across rollups 1 and 2, and one whose payload did not decrypt.
func ExampleBuildBlock() {
	swap, rollups, err := rollupfeed.EncodePlaintext([]rollupfeed.Leg{
		{Rollup: 1, Data: []byte("give 10 A")},
		{Rollup: 2, Data: []byte("take 10 B")},
	})
	if err != nil {
		log.Fatal(err)
	}
	txs := []rollupfeed.DecryptedTx{
		{Hash: crypto.Keccak256Hash([]byte("tx0")), Index: 0, Rollups: []uint64{1}, Plaintext: []byte("transfer 5")},
		{Hash: crypto.Keccak256Hash([]byte("tx1")), Index: 1, Rollups: rollups, Plaintext: swap},
		{Hash: crypto.Keccak256Hash([]byte("tx2")), Index: 2, Rollups: []uint64{2}, Err: errors.New("no key")},
	}
	block, err := rollupfeed.BuildBlock(10, "veil-devnet", txs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("batch root:", block.Root)
	fmt.Println("sign:", block.Message())
	for _, b := range block.Batches() {
		for _, l := range b.Legs {
			fmt.Printf("rollup %d: tx %d %q with rollups %v\n", b.Rollup, l.TxIndex, l.Data, l.Manifest.Rollups())
		}
	}
	for _, f := range block.Failed {
		fmt.Printf("failed: tx %d: %v\n", f.Index, f.Err)
	}
	// Output:
	// batch root: 0xc27f575e914e7b7903b72c18bf51515d3b3abe2cc403dc1fb0be8256926c2481
	// sign: 0xd94b8bc634cd128ba008263de9823080ba291b3fc3d898e2cf1e2c6f79744605
	// rollup 1: tx 0 "transfer 5" with rollups [1]
	// rollup 1: tx 1 "give 10 A" with rollups [1 2]
	// rollup 2: tx 1 "take 10 B" with rollups [1 2]
	// failed: tx 2: rollupfeed: payload did not decrypt: no key
}

// A rollup checks the batch it received against a batch root it trusts
// (signed by the committee: VerifySignedBatch); a batch with a leg left
// out fails. A rollup with nothing at a height gets an empty batch that
// proves it.
func ExampleVerifyBatch() {
	txs := []rollupfeed.DecryptedTx{
		{Hash: crypto.Keccak256Hash([]byte("a")), Index: 0, Rollups: []uint64{1}, Plaintext: []byte("one")},
		{Hash: crypto.Keccak256Hash([]byte("b")), Index: 1, Rollups: []uint64{1}, Plaintext: []byte("two")},
		{Hash: crypto.Keccak256Hash([]byte("c")), Index: 2, Rollups: []uint64{3}, Plaintext: []byte("three")},
	}
	block, err := rollupfeed.BuildBlock(7, "veil-devnet", txs)
	if err != nil {
		log.Fatal(err)
	}

	batch := block.Batch(1)
	fmt.Println("complete:", rollupfeed.VerifyBatch(batch, block.Root))

	dropped := *batch
	dropped.Legs = batch.Legs[1:]
	fmt.Println("one leg dropped:", rollupfeed.VerifyBatch(&dropped, block.Root))

	empty := block.Batch(2)
	fmt.Println("rollup 2 has", len(empty.Legs), "legs:", rollupfeed.VerifyBatch(empty, block.Root))
	// Output:
	// complete: <nil>
	// one leg dropped: rollup 1 at height 7: rollupfeed: batch does not match the batch root
	// rollup 2 has 0 legs: <nil>
}

// A light client checks a batch root against a signed header's app hash
// with a FirmProof: the block that recorded the root, the app hash before
// it, the root of its state writes and the roots it recorded.
func ExampleFirmProof() {
	root := rollupfeed.EmptyRoot // batch root of height 9, as a batch proves it
	proof := &rollupfeed.FirmProof{
		RecordedAt:  9,
		PrevAppHash: make([]byte, 32),
		ChangesRoot: make([]byte, 32),
		Roots:       []rollupfeed.FirmRoot{{Height: 9, Root: root}},
	}
	if err := proof.Check(9, root); err != nil {
		fmt.Println(err)
	}
	// Compare with the app hash of the header of block 10, after
	// verifying its commit.
	fmt.Printf("%x\n", proof.AppHash()[:4])
	// Output: a4b407a6
}
