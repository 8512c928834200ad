package threshold_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/veilseq/veil/threshold"
	"go.dedis.ch/kyber/v4"
)

// The generators' EIP-2537 encodings, as in the EIP's test vectors.
const (
	g1GenEIP2537 = "0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb" +
		"0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"
	g2GenEIP2537 = "00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8" +
		"0000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e" +
		"000000000000000000000000000000000ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801" +
		"000000000000000000000000000000000606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be"
	// The compressed encoding of the G1 generator.
	g1GenCompressed = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
)

func TestEIP2537Generators(t *testing.T) {
	suite := threshold.Suite()
	g2 := suite.G2().Point().Base()
	pk, err := threshold.NewEonPublicKey(1, 1, g2, []kyber.Point{g2})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(pk.EIP2537()); got != g2GenEIP2537 {
		t.Errorf("g2 = %s\nwant %s", got, g2GenEIP2537)
	}
	b, _ := hex.DecodeString(g1GenCompressed)
	sig, err := threshold.ParseSignature(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(sig.EIP2537()); got != g1GenEIP2537 {
		t.Errorf("g1 = %s\nwant %s", got, g1GenEIP2537)
	}
}

func TestEIP2537Sizes(t *testing.T) {
	pk, shares, err := threshold.DealKeys(bytes.NewReader(bytes.Repeat([]byte{7}, 4096)), 3, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("m")
	var parts []*threshold.PartialSignature
	for _, sk := range shares[:2] {
		parts = append(parts, sk.SignPartial(msg))
	}
	sig, err := threshold.AggregateSignatures(pk, parts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pk.EIP2537()); n != threshold.EIP2537G2Size {
		t.Errorf("eon key: %d bytes", n)
	}
	e := sig.EIP2537()
	if len(e) != threshold.EIP2537G1Size {
		t.Fatalf("signature: %d bytes", len(e))
	}
	for _, off := range []int{0, threshold.EIP2537FpSize} {
		if !bytes.Equal(e[off:off+16], make([]byte, 16)) {
			t.Errorf("field element at %d lacks its 16 zero bytes", off)
		}
	}
}
