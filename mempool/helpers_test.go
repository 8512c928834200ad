package mempool

import (
	"crypto/ecdsa"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"go.dedis.ch/kyber/v4"

	"github.com/veilseq/veil/threshold"
)

// seeded returns a deterministic byte stream for a test.
func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	return rand.NewChaCha8(s)
}

// testEon builds a 1-of-1 eon key from a fixed scalar: admission never
// decrypts, it only needs well-formed ciphertexts.
func testEon(t testing.TB) *threshold.EonPublicKey {
	t.Helper()
	suite := threshold.Suite()
	s := suite.G2().Scalar().SetInt64(424242)
	p := suite.G2().Point().Mul(s, nil)
	pk, err := threshold.NewEonPublicKey(1, 1, p, []kyber.Point{p})
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func testKey(t testing.TB, seed uint64) *ecdsa.PrivateKey {
	t.Helper()
	var b [32]byte
	if _, err := seeded(seed + 1000).Read(b[:]); err != nil {
		t.Fatal(err)
	}
	k, err := crypto.ToECDSA(b[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fixture is an in-memory chain state for admission rules.
type fixture struct {
	chain    string
	height   int64
	accounts map[common.Address][2]uint64 // balance, nonce
	eons     map[uint64]EonStatus
	rollups  map[uint64]bool
	rules    Rules
	used     map[IdentityKey]bool
}

func newFixture() *fixture {
	return &fixture{
		chain:    "veil-test",
		height:   10,
		accounts: map[common.Address][2]uint64{},
		eons:     map[uint64]EonStatus{1: EonActive, 0: EonRetired, 2: EonPending},
		rollups:  map[uint64]bool{7: true, 8: true},
		rules:    Rules{MinFee: 10, MaxExpiryWindow: 100},
		used:     map[IdentityKey]bool{},
	}
}

func (f *fixture) ChainID() string { return f.chain }
func (f *fixture) Height() int64   { return f.height }
func (f *fixture) Account(a common.Address) (uint64, uint64) {
	v := f.accounts[a]
	return v[0], v[1]
}
func (f *fixture) EonStatus(e uint64) EonStatus             { return f.eons[e] }
func (f *fixture) RollupRegistered(id uint64) bool          { return f.rollups[id] }
func (f *fixture) Rules() Rules                             { return f.rules }
func (f *fixture) IdentityUsed(k IdentityKey) bool          { return f.used[k] }
func (f *fixture) fund(a common.Address, bal, nonce uint64) { f.accounts[a] = [2]uint64{bal, nonce} }

var _ State = (*fixture)(nil)

// sealer builds signed envelopes against one eon key.
type sealer struct {
	t   testing.TB
	enc *threshold.Encrypter
	rng *rand.ChaCha8
}

func newSealer(t testing.TB) *sealer {
	return &sealer{t: t, enc: threshold.NewEncrypter(testEon(t)), rng: seeded(1)}
}

// seal returns an envelope from key with the given nonce and fee, valid
// against newFixture() unless mod changes it (mod runs before signing).
func (s *sealer) seal(key *ecdsa.PrivateKey, nonce, fee uint64, mod ...func(*Envelope)) *Envelope {
	s.t.Helper()
	h := Envelope{ChainID: "veil-test", Eon: 1, Nonce: nonce, Fee: fee, Expiry: 50, Rollups: []uint64{7}}
	e, err := Seal(s.rng, s.enc, h, []byte("transfer 5 to bob"), key)
	if err != nil {
		s.t.Fatal(err)
	}
	if len(mod) > 0 {
		for _, m := range mod {
			m(e)
		}
		if err := e.Sign(key); err != nil {
			s.t.Fatal(err)
		}
	}
	return e
}
