package decrypt_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"

	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/threshold/dkg"
)

// A member's DKG key for an eon derives from its member key, so the same
// key comes back on every host and after a restart; its join goes into
// the ceremony opening.
func ExampleCeremonyJoin() {
	_, member, _ := ed25519.GenerateKey(rand.NewChaCha8([32]byte{7}))
	pub, join, err := decrypt.CeremonyJoin(member, "example-chain", 2)
	if err != nil {
		panic(err)
	}
	again, _ := decrypt.CeremonyKey(member, "example-chain", 2)
	other, _ := decrypt.CeremonyKey(member, "example-chain", 3)
	fmt.Println("same key again:", again.Public().Equal(pub))
	fmt.Println("another eon, another key:", !other.Public().Equal(pub))
	fmt.Println("signs with the member key:", pub.SigningKey().Equal(member.Public()))
	fmt.Println("join:", len(join), "bytes")
	// Output:
	// same key again: true
	// another eon, another key: true
	// signs with the member key: true
	// join: 64 bytes
}

// RunCeremony runs one member through eon 2's ceremony against the nodes'
// KeyholderService, storing the share before it consents.
func ExampleRunCeremony() {
	var member ed25519.PrivateKey // the member key, from its keyholder secrets
	nodes, _ := decrypt.NewCeremonyNodes(nil, "http://node-a:26670", "http://node-b:26670")
	out, err := decrypt.RunCeremony(context.Background(), decrypt.CeremonyConfig{
		ChainID: "veil-testnet", Eon: 2, MemberKey: member, Client: nodes,
		Store:    func(r *dkg.Result) error { return nil /* keystore.Create(...) */ },
		Progress: func(line string) { fmt.Println(line) },
	})
	if err != nil {
		fmt.Println(err) // names the reason: not a member, too few qualified dealers, ...
		return
	}
	fmt.Println("member", out.Member, "disqualified dealers", out.Disqualified)
}
