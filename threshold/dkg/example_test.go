package dkg_test

import (
	"crypto/rand"
	"fmt"
	"log"

	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/threshold/dkg"
)

// Four members run a DKG for eon 1 over an in-memory broadcast: every
// message goes, as bytes, to every other member. No fault, so no phase
// waits for a timeout. Then three of them decrypt a transaction encrypted
// to the eon key.
func Example() {
	const n = 4
	privs := make([]*dkg.PrivateKey, n)
	pubs := make([]*dkg.PublicKey, n) // registered on chain before the run
	for i := range n {
		var err error
		if privs[i], pubs[i], err = dkg.GenerateLongtermKey(rand.Reader); err != nil {
			log.Fatal(err)
		}
	}

	members := make([]*dkg.Participant, n)
	var wire [][]byte
	broadcast := func(msgs []*dkg.Message) {
		for _, m := range msgs {
			b, err := m.MarshalBinary()
			if err != nil {
				log.Fatal(err)
			}
			wire = append(wire, b)
		}
	}
	for i := range n {
		p, deal, err := dkg.NewParticipant(dkg.Config{Eon: 1, Members: pubs, Self: privs[i]})
		if err != nil {
			log.Fatal(err)
		}
		members[i] = p
		broadcast(deal)
	}
	for len(wire) > 0 {
		b := wire[0]
		wire = wire[1:]
		for _, p := range members {
			m, err := dkg.ParseMessage(b)
			if err != nil {
				log.Fatal(err)
			}
			if m.Sender() == p.Index() {
				continue
			}
			out, err := p.Handle(m)
			if err != nil {
				log.Fatal(err)
			}
			broadcast(out)
		}
	}

	results := make([]*dkg.Result, n)
	for i, p := range members {
		r, err := p.Result()
		if err != nil {
			log.Fatal(err)
		}
		results[i] = r
		fmt.Printf("member %d: qualified dealers %v, same eon key as member 1: %v\n",
			i+1, r.Qualified(), r.EonPublicKey().Equal(results[0].EonPublicKey()))
	}

	// A wallet encrypts to the eon key; after commit, members 1, 2 and 4
	// release key shares, and any node aggregates and decrypts.
	pk := results[0].EonPublicKey()
	var sender [20]byte
	var prefix [32]byte
	id := threshold.DeriveIdentity("veil-devnet", 1, sender, prefix)
	header := []byte("envelope header")
	ct, err := threshold.Encrypt(rand.Reader, pk, id, header, []byte("swap 1 ETH"))
	if err != nil {
		log.Fatal(err)
	}
	shares := map[int][]*threshold.KeyShare{}
	for _, i := range []int{1, 2, 4} {
		shares[i] = []*threshold.KeyShare{results[i-1].SecretShare().KeyShare(id)}
	}
	keys, err := threshold.AggregateKeys(pk, []threshold.Identity{id}, shares)
	if err != nil {
		log.Fatal(err)
	}
	plain, err := threshold.Decrypt(keys[0], ct, header)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("t = %d; members 1, 2, 4 decrypt: %s\n", pk.Threshold(), plain)
	// Output:
	// member 1: qualified dealers [1 2 3 4], same eon key as member 1: true
	// member 2: qualified dealers [1 2 3 4], same eon key as member 1: true
	// member 3: qualified dealers [1 2 3 4], same eon key as member 1: true
	// member 4: qualified dealers [1 2 3 4], same eon key as member 1: true
	// t = 3; members 1, 2, 4 decrypt: swap 1 ETH
}
