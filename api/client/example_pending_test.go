package client_test

import (
	"context"
	"fmt"
	"log"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
)

// A keyholder running apart from the node reads the envelopes of a
// committed block that await keys, and checks each before deriving its
// identity. (Needs a running node; compiled, not run.)
func ExampleClient_PendingEnvelopes() {
	c, err := client.Dial("http://127.0.0.1:26670")
	if err != nil {
		log.Fatal(err)
	}
	b, err := c.PendingEnvelopes(context.Background(), 42)
	if err != nil {
		log.Fatal(err)
	}
	for _, pe := range b.Envelopes {
		env, err := mempool.Decode(pe.Envelope)
		if err != nil || env.Hash() != pe.Hash {
			log.Fatalf("the node sent a bad envelope at index %d", pe.Index)
		}
		fmt.Println(pe.Index, env.Sender, env.Eon)
	}
}
