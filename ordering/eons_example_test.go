package ordering_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

// An eon registration names the next committee's key and members; every
// new member consents and at least t members of the outgoing eon approve
// before anyone submits it to a node.
func ExampleNewEonRegistration() {
	pk, _, _ := threshold.DealKeys(rand.Reader, 2, 2, 3) // a DKG's result in practice
	var members []ed25519.PrivateKey
	var pubs []ed25519.PublicKey
	for range 3 {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		members, pubs = append(members, priv), append(pubs, pub)
	}
	reg, err := ordering.NewEonRegistration(pk, pubs, 120, [32]byte{ /* DKG transcript digest */ })
	if err != nil {
		panic(err)
	}
	for i, k := range members {
		_ = reg.Consent("veil-devnet", i+1, k)
	}
	// Outgoing members approve with their registered member keys; here
	// the same people serve again.
	reg.Approve("veil-devnet", 1, members[0])
	reg.Approve("veil-devnet", 2, members[1])
	tx, _ := reg.Marshal()
	back, _ := ordering.ParseEonRegistration(tx)
	fmt.Printf("tag %#x, eon %d, activates at %d, %d approvals\n", tx[0], back.Eon, back.ActivationHeight, len(back.Approvals))
	// Output: tag 0xf3, eon 2, activates at 120, 2 approvals
}
