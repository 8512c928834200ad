package client_test

import (
	"crypto/rand"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/threshold"
)

// TestTimeLockNeedsEscapeHatch: TimeLock fails locally on a chain
// without an escape hatch, and parameters that do not verify are refused.
func TestTimeLockNeedsEscapeHatch(t *testing.T) {
	eonKey, _, err := threshold.DealKeys(rand.Reader, 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	pkBytes, _ := eonKey.MarshalBinary()
	p := api.Params{ChainID: "veil-test", Eon: api.Eon{ID: 1, PublicKey: pkBytes, Threshold: 1, CommitteeSize: 1},
		Rollups: []api.Rollup{{ID: 1}}, MinFee: 1, LatestHeight: 5}
	params, err := client.NewParams(p)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := crypto.GenerateKey()
	if _, err := client.Seal(rand.Reader, params, key, client.Tx{Legs: []client.Leg{{Rollup: 1, Data: []byte("x")}}, TimeLock: true}); err == nil {
		t.Fatal("sealed a time-lock without an escape hatch")
	}
	p.EscapeHatchBlocks, p.TimeLockParams = 10, []byte{1, 2, 3}
	if _, err := client.NewParams(p); err == nil {
		t.Fatal("accepted time-lock parameters that do not parse")
	}
}
