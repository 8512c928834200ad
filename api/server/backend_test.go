package server_test

import (
	"crypto/ecdsa"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/mempool"
)

// testParams are the fake node's parameters.
func testParams() api.Params {
	return api.Params{
		ChainID:            "veil-test",
		EnvelopeVersion:    mempool.Version,
		Eon:                api.Eon{ID: 3, PublicKey: []byte{1, 2, 3}, Threshold: 3, CommitteeSize: 4, ActivationHeight: 10},
		Rollups:            []api.Rollup{{ID: 1, Name: "alpha"}, {ID: 2}},
		MinFee:             5,
		MaxEnvelopeBytes:   mempool.MaxEnvelopeSize,
		MaxCiphertextBytes: mempool.MaxCiphertextSize,
		LatestHeight:       42,
		MaxExpiryBlocks:    100,
	}
}

// testKey is a fixed secp256k1 key: tests are deterministic.
func testKey(i int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(common.LeftPadBytes([]byte{byte(i + 1)}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// envelope returns a signed, structurally valid envelope from key i with
// the given nonce. Its ciphertext is filler: the API layer does not
// decrypt.
func envelope(i int, nonce uint64) []byte {
	e := &mempool.Envelope{
		ChainID:    "veil-test",
		Eon:        3,
		Nonce:      nonce,
		Fee:        10,
		Expiry:     100,
		Rollups:    []uint64{1},
		Ciphertext: []byte(fmt.Sprintf("ciphertext %d/%d", i, nonce)),
	}
	if err := e.Sign(testKey(i)); err != nil {
		panic(err)
	}
	return e.Encode()
}

// clock is a manual clock for the rate limiters.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
