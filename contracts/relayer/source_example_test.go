package relayer_test

import (
	"context"
	"log"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/contracts/relayer"
)

// A relayer that follows a veil node's signed batch roots and posts them
// to an L1 BatchInbox (what `veil relayer --node` runs).
func ExampleNewClientSource() {
	ctx := context.Background()
	node, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	l1, err := ethclient.DialContext(ctx, "http://127.0.0.1:8545")
	if err != nil {
		log.Fatal(err)
	}
	key, err := crypto.LoadECDSA("poster.key")
	if err != nil {
		log.Fatal(err)
	}
	r, err := relayer.New(l1, relayer.NewClientSource(node), relayer.Config{
		Inbox: common.HexToAddress("0x5FbDB2315678afecb367f032aa80573f8fd0c2A3"),
		Key:   key,
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(r.Run(ctx))
}
