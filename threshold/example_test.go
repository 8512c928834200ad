package threshold_test

import (
	"crypto/rand"
	"fmt"

	"github.com/veilseq/veil/threshold"
)

// A committee of five with threshold three encrypts, releases shares after
// commit, aggregates and decrypts. In production the DKG (threshold/dkg)
// produces the keys; DealKeys stands in for it here.
func Example() {
	pk, members, err := threshold.DealKeys(rand.Reader, 1, 3, 5)
	if err != nil {
		panic(err)
	}

	// Wallet: derive the identity from (chain, eon, sender, random prefix)
	// and encrypt, authenticating the envelope header.
	var sender [20]byte
	var prefix [32]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		panic(err)
	}
	id := threshold.DeriveIdentity("veil-devnet", pk.Eon(), sender, prefix)
	header := []byte("envelope header")
	ct, err := threshold.Encrypt(rand.Reader, pk, id, header, []byte("swap 1 ETH for DAI"))
	if err != nil {
		panic(err)
	}

	// After the block commits: members 2, 4 and 5 release their shares,
	// which everyone verifies in one batch per member.
	ids := []threshold.Identity{id}
	shares := map[int][]*threshold.KeyShare{}
	for _, sk := range []*threshold.SecretKeyShare{members[1], members[3], members[4]} {
		ks := sk.KeyShares(ids)
		if err := threshold.VerifyKeyShares(rand.Reader, pk, sk.Index(), ids, ks); err != nil {
			panic(err)
		}
		shares[sk.Index()] = ks
	}

	// Any t verified members' shares give the keys.
	keys, err := threshold.AggregateKeys(pk, ids, shares)
	if err != nil {
		panic(err)
	}
	if err := threshold.VerifyDecryptionKeys(rand.Reader, pk, ids, keys); err != nil {
		panic(err)
	}
	pt, err := threshold.Decrypt(keys[0], ct, header)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", pt)
	fmt.Println("overhead:", len(ct)-len(pt), "bytes")
	// Output:
	// swap 1 ETH for DAI
	// overhead: 113 bytes
}

// The committee signs a batch root; anyone (including an L1 contract via
// EIP-2537) verifies it against the eon key.
func ExampleSecretKeyShare_SignPartial() {
	pk, members, err := threshold.DealKeys(rand.Reader, 1, 3, 5)
	if err != nil {
		panic(err)
	}
	root := []byte("batch root of block 42")
	var partials []*threshold.PartialSignature
	for _, sk := range members[:3] {
		ps := sk.SignPartial(root)
		if err := threshold.VerifyPartial(pk, root, ps); err != nil {
			panic(err)
		}
		partials = append(partials, ps)
	}
	sig, err := threshold.AggregateSignatures(pk, partials)
	if err != nil {
		panic(err)
	}
	b, _ := sig.MarshalBinary()
	fmt.Println("signature bytes:", len(b))
	fmt.Println("valid:", threshold.VerifySignature(pk, root, sig) == nil)
	fmt.Println("valid for another root:", threshold.VerifySignature(pk, []byte("other root"), sig) == nil)
	// Output:
	// signature bytes: 48
	// valid: true
	// valid for another root: false
}

// Mempool admission checks a ciphertext's shape without curve arithmetic.
func ExampleCheckCiphertext() {
	fmt.Println(threshold.CheckCiphertext(make([]byte, 10)))
	ct := make([]byte, threshold.CiphertextOverhead+32)
	ct[0] = 1
	fmt.Println(threshold.CheckCiphertext(ct))
	// Output:
	// threshold: malformed encoding: ciphertext shorter than 113 bytes
	// <nil>
}

// A node parses a committed block's ciphertexts while it waits for keys,
// then decrypts the block in parallel.
func ExampleDecryptBatch() {
	pk, members, err := threshold.DealKeys(rand.Reader, 1, 1, 1)
	if err != nil {
		panic(err)
	}
	enc := threshold.NewEncrypter(pk)
	var ids []threshold.Identity
	var cts []*threshold.Ciphertext
	for i := range 3 {
		id := threshold.DeriveIdentity("veil-devnet", 1, [20]byte{byte(i)}, [32]byte{})
		ct, err := enc.Encrypt(rand.Reader, id, nil, []byte(fmt.Sprint("tx ", i)))
		if err != nil {
			panic(err)
		}
		parsed, err := threshold.ParseCiphertext(ct)
		if err != nil {
			panic(err)
		}
		ids, cts = append(ids, id), append(cts, parsed)
	}
	keys, err := threshold.AggregateKeys(pk, ids, map[int][]*threshold.KeyShare{1: members[0].KeyShares(ids)})
	if err != nil {
		panic(err)
	}
	items := make([]threshold.DecryptItem, len(ids))
	for j := range items {
		items[j] = threshold.DecryptItem{Key: keys[j], Parsed: cts[j]}
	}
	items[2].Key = keys[0] // the wrong key
	for _, r := range threshold.DecryptBatch(items) {
		fmt.Printf("%q %v\n", r.Plaintext, r.Err)
	}
	// Output:
	// "tx 0" <nil>
	// "tx 1" <nil>
	// "" threshold: decryption failed
}

// Eon keys travel with a version byte and are validated on parse.
func ExampleParseEonPublicKey() {
	pk, _, err := threshold.DealKeys(rand.Reader, 7, 3, 4)
	if err != nil {
		panic(err)
	}
	b, _ := pk.MarshalBinary()
	got, err := threshold.ParseEonPublicKey(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(b), got.Eon(), got.Threshold(), got.N(), got.Equal(pk))
	b[len(b)-1] ^= 1
	_, err = threshold.ParseEonPublicKey(b)
	fmt.Println(err)
	// Output:
	// 493 7 3 4 true
	// threshold: invalid curve point
}
