package client_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// Seal works offline: given the node's parameters (here made up, with a
// key dealt on the spot), a wallet encrypts and signs an envelope without
// talking to anyone.
func ExampleSeal() {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 3, 4)
	if err != nil {
		log.Fatal(err)
	}
	pkBytes, _ := eonKey.MarshalBinary()
	params, err := client.NewParams(api.Params{
		ChainID:      "veil-devnet",
		Eon:          api.Eon{ID: 1, PublicKey: pkBytes, Threshold: 3, CommitteeSize: 4},
		Rollups:      []api.Rollup{{ID: 1, Name: "alpha"}, {ID: 2, Name: "beta"}},
		MinFee:       10,
		LatestHeight: 500,
	})
	if err != nil {
		log.Fatal(err)
	}
	key, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")

	env, err := client.Seal(rand.Reader, params, key, client.Tx{
		Legs:  []client.Leg{{Rollup: 1, Data: []byte("transfer 5 to bob")}},
		Nonce: 0,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sender:", env.Sender)
	fmt.Println("rollups:", env.Rollups, "fee:", env.Fee, "expiry:", env.Expiry)
	fmt.Println("ciphertext bytes:", len(env.Ciphertext), "=", len("transfer 5 to bob"), "+", threshold.CiphertextOverhead)

	// What goes on the wire decodes and verifies; nothing in it is the
	// plaintext.
	wire := env.Encode()
	decoded, _ := mempool.Decode(wire)
	fmt.Println("signature ok:", decoded.VerifySignature() == nil)
	// Output:
	// sender: 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23
	// rollups: [1] fee: 10 expiry: 600
	// ciphertext bytes: 130 = 17 + 113
	// signature ok: true
}

// A multi-rollup transaction is one envelope whose plaintext is a bundle:
// its legs are included together or not at all.
func ExampleEncodeBundle() {
	b, err := client.EncodeBundle([]client.Leg{
		{Rollup: 1, Data: []byte("sell")},
		{Rollup: 2, Data: []byte("buy")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hex.EncodeToString(b))

	legs, err := client.DecodeBundle(b)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range legs {
		fmt.Printf("rollup %d: %s\n", l.Rollup, l.Data)
	}
	// Output:
	// 010200000000000000010000000473656c6c000000000000000200000003627579
	// rollup 1: sell
	// rollup 2: buy
}

// The whole wallet flow against a node.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, err := client.LoadKey("wallet.key")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		log.Fatal(err)
	}
	acct, err := c.Account(ctx, client.Address(key))
	if err != nil {
		log.Fatal(err)
	}
	env, err := client.Seal(rand.Reader, params, key, client.Tx{
		Legs:  []client.Leg{{Rollup: 1, Data: []byte("sell")}, {Rollup: 2, Data: []byte("buy")}},
		Nonce: acct.PendingNonce,
	})
	if err != nil {
		log.Fatal(err)
	}
	hash, err := c.Submit(ctx, env)
	if err != nil {
		log.Fatal(err) // e.g. errors.Is(err, mempool.ErrNonceTooLow)
	}
	st, err := c.Wait(ctx, hash, client.UntilSoft)
	if err != nil {
		log.Fatal(err) // a *client.TxError if it failed, expired or was rejected
	}
	fmt.Printf("%s decrypted at height %d, position %d\n", api.FormatHash(hash), st.Height, st.Index)
}
