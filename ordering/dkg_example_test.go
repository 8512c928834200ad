package ordering_test

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold/dkg"
)

// A ceremony opening for eon 2: each new member joins with a fresh DKG
// key whose signing half is its member key, the current committee
// approves, and the opening fixes the phases' deadline heights.
func ExampleDKGOpening() {
	rng := rand.NewChaCha8([32]byte{1})
	o := &ordering.DKGOpening{Eon: 2, Session: 1, Threshold: 3, PhaseBlocks: 10}
	var approver ed25519.PrivateKey
	for range 4 {
		_, member, _ := ed25519.GenerateKey(rng)
		key, _ := dkg.NewLongtermKey(rng, member)
		join, _ := ordering.DKGJoin("example-chain", 2, key, member)
		o.Members = append(o.Members, key.Public())
		o.Joins = append(o.Joins, join)
		approver = member
	}
	o.Approve("example-chain", 1, approver) // as member 1 of eon 1
	tx, _ := o.Marshal()
	parsed, err := ordering.ParseDKGOpening(tx)
	if err != nil {
		panic(err)
	}
	opened := int64(100) // the block that includes it
	fmt.Printf("%d bytes, %d members, t = %d\n", len(tx), len(parsed.Members), parsed.Threshold)
	for phase, name := range []string{"deals", "responses", "justifications", "consents"} {
		fmt.Printf("%s until height %d\n", name, parsed.Deadline(opened, phase+1))
	}
	fmt.Println("activation at", parsed.Activation(opened, ordering.Params{RotationLeadBlocks: 20}))
	// Output:
	// 863 bytes, 4 members, t = 3
	// deals until height 110
	// responses until height 120
	// justifications until height 130
	// consents until height 140
	// activation at 160
}
