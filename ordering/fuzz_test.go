package ordering

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
)

// FuzzParseGenesis: any app_state either fails with ErrGenesis or
// round-trips through Marshal.
func FuzzParseGenesis(f *testing.F) {
	w := newWorld(f, 2)
	good, err := w.genesis.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(good))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"params":{"min_fee":1,"max_block_txs":1,"max_block_bytes":2048,"expiry_window":1},"eon":{"id":1,"public_key":"0x00"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGenesis(b)
		if err != nil {
			return
		}
		out, err := g.Marshal()
		if err != nil {
			t.Fatalf("parsed genesis does not marshal: %v", err)
		}
		g2, err := ParseGenesis(out)
		if err != nil {
			t.Fatalf("marshalled genesis does not parse: %v", err)
		}
		out2, _ := g2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatal("genesis does not round-trip")
		}
	})
}

// splitTxs reads a fuzz input as a block: a sequence of uvarint-length-
// prefixed transactions (a short last one takes what is left).
func splitTxs(b []byte) [][]byte {
	var txs [][]byte
	for len(b) > 0 && len(txs) < 64 {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return append(txs, b)
		}
		b = b[k:]
		if n > uint64(len(b)) {
			n = uint64(len(b))
		}
		txs = append(txs, b[:n])
		b = b[n:]
	}
	return txs
}

func joinTxs(txs ...[]byte) []byte {
	var b []byte
	for _, tx := range txs {
		b = binary.AppendUvarint(b, uint64(len(tx)))
		b = append(b, tx...)
	}
	return b
}

// FuzzBlock: proposals of arbitrary bytes never panic the application; an
// accepted proposal executes with every envelope included, and execution
// is deterministic.
func FuzzBlock(f *testing.F) {
	w := newWorld(f, 2)
	f.Add(joinTxs(w.tx(0, 0, 10)))
	f.Add(joinTxs(w.tx(0, 0, 10), w.tx(0, 1, 10), w.tx(1, 0, 10)))
	f.Add(joinTxs(w.tx(0, 1, 10), []byte{1, 2, 3}))
	f.Add([]byte{})
	// Apply the genesis once (parsing the eon key dominates otherwise)
	// and start each run from a copy.
	genesisDB := dbm.NewMemDB()
	w.newApp(genesisDB)
	fromGenesis := func(t *testing.T) *App {
		db := dbm.NewMemDB()
		it, err := genesisDB.Iterator(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		for ; it.Valid(); it.Next() {
			if err := db.Set(it.Key(), it.Value()); err != nil {
				t.Fatal(err)
			}
		}
		a, err := New(Config{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		txs := splitTxs(b)
		a, twin := fromGenesis(t), fromGenesis(t)
		accepted := process(t, a, txs...)
		prepared := prepare(t, a, 1<<20, txs...)
		if !process(t, a, prepared...) {
			t.Fatal("own proposal rejected")
		}
		res := finalize(t, a, txs...)
		if len(res.TxResults) != len(txs) {
			t.Fatalf("%d results for %d txs", len(res.TxResults), len(txs))
		}
		if accepted {
			for i, r := range res.TxResults {
				if r.Code != abci.CodeTypeOK {
					t.Fatalf("accepted block, tx %d failed: %s", i, r.Log)
				}
			}
		}
		res2, err := twin.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: 1, Time: blockTime(1), Txs: txs, ProposerAddress: []byte{0xaa}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.AppHash, res2.AppHash) {
			t.Fatal("execution is not deterministic")
		}
	})
}

// FuzzDecodeRecords: stored records that do not decode return errCorrupt,
// never panic; records that decode re-encode to the same bytes.
func FuzzDecodeRecords(f *testing.F) {
	f.Add(Account{Balance: 5, Nonce: 2}.encode())
	f.Add(Eon{Status: 2, ActivationHeight: 1, PublicKey: []byte{1, 2}}.encode())
	f.Add(BlockSummary{Proposer: []byte{1}, Txs: make([]common.Hash, 2), Fees: 3}.encode())
	f.Add(TxRecord{Height: 3, Index: 1, Status: TxIncluded}.encode())
	f.Add(Rollup{Name: "alpha"}.encode())
	f.Add(DefaultParams().encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := decodeAccount(b); err == nil && !bytes.Equal(a.encode(), b) {
			t.Error("account")
		}
		if e, err := decodeEon(1, b); err == nil && !bytes.Equal(e.encode(), b) {
			t.Error("eon")
		}
		if s, err := decodeBlockSummary(1, b); err == nil && !bytes.Equal(s.encode(), b) {
			t.Error("block summary")
		}
		if r, err := decodeTxRecord(common.Hash{}, b); err == nil && !bytes.Equal(r.encode(), b) {
			t.Error("tx record")
		}
		if r, err := decodeRollup(1, b); err == nil && !bytes.Equal(r.encode(), b) {
			t.Error("rollup")
		}
		if p, err := decodeParams(b); err == nil && !bytes.Equal(p.encode(), b) {
			t.Error("params")
		}
		_, _ = decodeMeta(b)
		_, _ = decodeChain(b)
	})
}
