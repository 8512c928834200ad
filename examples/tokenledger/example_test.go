package tokenledger_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/examples/tokenledger"
	"github.com/veilseq/veil/rollupfeed"
)

// A swap of 40 tokens on ledger 1001 for 20 on ledger 1002, sent as one
// bundle: each ledger applies its side from the same block. In a real
// deployment the legs go into client.Seal (client.Tx{Legs: s.Legs()})
// and each ledger runs Ledger.Run against a node.
func ExampleSwap() {
	alice, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	bob, _ := crypto.HexToECDSA("8a1f9a8f95be41cd7ccb6168179afb4504aefe388d1e14474d32c45c72ce7b7a")
	a, b := crypto.PubkeyToAddress(alice.PublicKey), crypto.PubkeyToAddress(bob.PublicKey)

	s := &tokenledger.Swap{
		A:      tokenledger.Side{Rollup: 1001, From: a, Amount: 40, Nonce: 0},
		B:      tokenledger.Side{Rollup: 1002, From: b, Amount: 20, Nonce: 0},
		Expiry: 100,
	}
	if err := s.Sign(alice); err != nil {
		log.Fatal(err)
	}
	if err := s.Sign(bob); err != nil {
		log.Fatal(err)
	}

	// What the sequencer does with the envelope: one bundle, both legs in
	// one block.
	pt, rollups, _ := rollupfeed.EncodePlaintext(s.Legs())
	blk, err := rollupfeed.BuildBlock(1, "example", []rollupfeed.DecryptedTx{
		{Hash: common.Hash{1}, Rollups: rollups, Plaintext: pt},
	})
	if err != nil {
		log.Fatal(err)
	}

	ledgerA := tokenledger.NewState(1001, 1, map[common.Address]uint64{a: 100})
	ledgerB := tokenledger.NewState(1002, 1, map[common.Address]uint64{b: 100})
	for _, l := range []*tokenledger.State{ledgerA, ledgerB} {
		batch := blk.Batch(l.Rollup)
		if err := rollupfeed.VerifyBatch(batch, blk.Root); err != nil {
			log.Fatal(err)
		}
		rs, err := l.Apply(batch)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("rollup %d: %s applied: %v\n", l.Rollup, rs[0].Kind, rs[0].Err == nil)
	}
	fmt.Println("ledger 1001: alice", ledgerA.Balance(a), "bob", ledgerA.Balance(b))
	fmt.Println("ledger 1002: alice", ledgerB.Balance(a), "bob", ledgerB.Balance(b))
	// Output:
	// rollup 1001: swap applied: true
	// rollup 1002: swap applied: true
	// ledger 1001: alice 60 bob 40
	// ledger 1002: alice 20 bob 80
}

// A ledger follows its rollup's feed from a node, resuming from its state
// file after a restart. (Not run: it needs a node, e.g. `veil devnet`.)
func ExampleLedger_Run() {
	ctx := context.Background()
	c, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	l, err := tokenledger.Open(tokenledger.Config{
		Path:    "ledger-1001.json",
		Rollup:  1001,
		Genesis: map[common.Address]uint64{common.HexToAddress("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"): 1_000_000},
		OnBatch: func(b *client.Batch, rs []tokenledger.Receipt) {
			for _, r := range rs {
				if r.Err != nil {
					fmt.Printf("height %d tx %d refused: %v\n", b.Height, r.TxIndex, r.Err)
				}
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := l.Run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

// A transfer is signed by the sender; the ledger recovers the sender from
// the signature, so the envelope carrying it may come from anyone.
func ExampleTransfer() {
	alice, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	bob := common.HexToAddress("0x00000000000000000000000000000000000000b0")

	t := &tokenledger.Transfer{Rollup: 1001, To: bob, Amount: 5, Nonce: 0}
	if err := t.Sign(alice); err != nil {
		log.Fatal(err)
	}
	leg := t.Encode() // the leg's data: client.Leg{Rollup: 1001, Data: leg}

	tx, err := tokenledger.Decode(leg)
	if err != nil {
		log.Fatal(err)
	}
	from, err := tx.Transfer.Sender()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tx.Kind(), len(leg), "bytes, from", from == crypto.PubkeyToAddress(alice.PublicKey), "amount", tx.Transfer.Amount)

	// Raise the amount (its last byte sits before the nonce and the
	// signature): the signature no longer recovers to alice.
	leg[len(leg)-tokenledger.SigSize-8-1]++
	tx, _ = tokenledger.Decode(leg)
	forged, _ := tx.Transfer.Sender()
	fmt.Println("tampered, from alice:", forged == crypto.PubkeyToAddress(alice.PublicKey))
	// Output:
	// transfer 111 bytes, from true amount 5
	// tampered, from alice: false
}
