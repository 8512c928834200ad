package dkg_test

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"

	"github.com/veilseq/veil/threshold/dkg"
)

// A transport that admits only a run's members' messages (a chain
// carrying the DKG) checks each one against the run's session id and the
// sender's key, without running the protocol. Here each member's
// long-term key signs with the Ed25519 key it already holds.
func ExampleSessionID() {
	rng := rand.NewChaCha8([32]byte{3})
	var keys []*dkg.PrivateKey
	var pubs []*dkg.PublicKey
	for range 3 {
		_, member, _ := ed25519.GenerateKey(rng)
		k, err := dkg.NewLongtermKey(rng, member)
		if err != nil {
			panic(err)
		}
		keys, pubs = append(keys, k), append(pubs, k.Public())
		fmt.Println("signs with the member key:", k.Public().SigningKey().Equal(member.Public()))
	}
	cfg := dkg.Config{Eon: 2, Members: pubs, Self: keys[0], Session: []byte("ceremony 7"), Rand: rng}
	_, msgs, err := dkg.NewParticipant(cfg)
	if err != nil {
		panic(err)
	}
	raw, _ := msgs[0].MarshalBinary()
	m, err := dkg.ParseMessage(raw) // as the transport receives it
	if err != nil {
		panic(err)
	}
	fmt.Println("this run's:", m.Session() == dkg.SessionID(cfg))
	fmt.Println("signed by member", m.Sender(), ":", m.Verify(pubs[m.Sender()-1]))
	fmt.Println("not by member 2:", !m.Verify(pubs[1]))
	// Output:
	// signs with the member key: true
	// signs with the member key: true
	// signs with the member key: true
	// this run's: true
	// signed by member 1 : true
	// not by member 2: true
}
