package ordering

import (
	"context"
	"crypto/ecdsa"
	"math/rand/v2"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

const testChain = "veil-test"

// seeded returns a deterministic byte stream.
func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return rand.NewChaCha8(s)
}

// world is a test chain's fixed inputs: an eon key from a trusted dealer,
// funded wallets and the genesis that funds them.
type world struct {
	t       testing.TB
	pk      *threshold.EonPublicKey
	enc     *threshold.Encrypter
	keys    []*ecdsa.PrivateKey
	genesis *Genesis
	rng     *rand.ChaCha8
}

const (
	testBalance = 1_000
	testMinFee  = 10
	testWindow  = 100
)

func newWorld(t testing.TB, wallets int) *world {
	t.Helper()
	pk, _, err := threshold.DealKeys(seeded(1), 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	pkBytes, err := pk.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, pk: pk, enc: threshold.NewEncrypter(pk), rng: seeded(2)}
	g := &Genesis{
		Params:  Params{MinFee: testMinFee, MaxBlockTxs: 100, MaxBlockBytes: 1 << 20, ExpiryWindow: testWindow},
		Rollups: []Rollup{{ID: 7, Name: "alpha"}, {ID: 8, Name: "beta"}},
		Eon:     GenesisEon{ID: 1, PublicKey: pkBytes},
	}
	for i := range wallets {
		var b [32]byte
		b[0], b[31] = byte(i+1), 1
		k, err := crypto.ToECDSA(b[:])
		if err != nil {
			t.Fatal(err)
		}
		w.keys = append(w.keys, k)
		g.Accounts = append(g.Accounts, GenesisAccount{Address: crypto.PubkeyToAddress(k.PublicKey), Balance: testBalance})
	}
	w.genesis = g
	return w
}

func (w *world) addr(i int) common.Address { return crypto.PubkeyToAddress(w.keys[i].PublicKey) }

// env builds a signed envelope from wallet i, valid for the first blocks
// of the test chain unless mods change it (mods run before signing).
func (w *world) env(i int, nonce, fee uint64, mods ...func(*mempool.Envelope)) *mempool.Envelope {
	w.t.Helper()
	h := mempool.Envelope{ChainID: testChain, Eon: 1, Nonce: nonce, Fee: fee, Expiry: 50, Rollups: []uint64{7}}
	e, err := mempool.Seal(w.rng, w.enc, h, []byte("transfer 5 to bob"), w.keys[i])
	if err != nil {
		w.t.Fatal(err)
	}
	if len(mods) > 0 {
		for _, m := range mods {
			m(e)
		}
		if err := e.Sign(w.keys[i]); err != nil {
			w.t.Fatal(err)
		}
	}
	return e
}

func (w *world) tx(i int, nonce, fee uint64, mods ...func(*mempool.Envelope)) []byte {
	w.t.Helper()
	return w.env(i, nonce, fee, mods...).Encode()
}

// newApp opens an App over db and applies the world's genesis.
func (w *world) newApp(db dbm.DB) *App {
	w.t.Helper()
	a := w.openApp(db)
	appState, err := w.genesis.Marshal()
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: testChain, InitialHeight: 1, AppStateBytes: appState}); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) openApp(db dbm.DB) *App {
	w.t.Helper()
	a, err := New(Config{DB: db})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { _ = a.Close() })
	return a
}

func blockTime(h int64) time.Time { return time.Unix(1_700_000_000+h, 0).UTC() }

// finalize runs FinalizeBlock and Commit for the next height.
func finalize(t testing.TB, a *App, txs ...[]byte) *abci.FinalizeBlockResponse {
	t.Helper()
	h, _ := a.LastCommit()
	res, err := a.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: h + 1, Time: blockTime(h + 1), Txs: txs, ProposerAddress: []byte{0xaa}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Commit(context.Background(), &abci.CommitRequest{}); err != nil {
		t.Fatal(err)
	}
	return res
}

func process(t testing.TB, a *App, txs ...[]byte) bool {
	t.Helper()
	h, _ := a.LastCommit()
	res, err := a.ProcessProposal(context.Background(), &abci.ProcessProposalRequest{Height: h + 1, Time: blockTime(h + 1), Txs: txs})
	if err != nil {
		t.Fatal(err)
	}
	return res.Status == abci.PROCESS_PROPOSAL_STATUS_ACCEPT
}

func prepare(t testing.TB, a *App, maxBytes int64, txs ...[]byte) [][]byte {
	t.Helper()
	h, _ := a.LastCommit()
	res, err := a.PrepareProposal(context.Background(), &abci.PrepareProposalRequest{Height: h + 1, Time: blockTime(h + 1), Txs: txs, MaxTxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return res.Txs
}

func checkTx(t testing.TB, a *App, tx []byte, recheck bool) error {
	t.Helper()
	typ := abci.CHECK_TX_TYPE_CHECK
	if recheck {
		typ = abci.CHECK_TX_TYPE_RECHECK
	}
	res, err := a.CheckTx(context.Background(), &abci.CheckTxRequest{Tx: tx, Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return ResultError(res.Code, res.Codespace, res.Log)
}

func account(t testing.TB, a *App, addr common.Address) Account {
	t.Helper()
	acc, err := a.Account(addr)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func keccak(tx []byte) common.Hash { return crypto.Keccak256Hash(tx) }
