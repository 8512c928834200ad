package ordering

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/mempool"
)

var rewriteCheckTxCorpus = flag.Bool("rewrite-checktx-corpus", false, "regenerate testdata/fuzz/FuzzCheckTx from real envelopes")

// FuzzCheckTx feeds arbitrary bytes to CheckTx, new and re-check, against
// a chain at genesis: it must never panic, an admitted tx must be an
// envelope that passes the inclusion rules, and a refusal must carry a
// veil code that reads back as an admission error.
func FuzzCheckTx(f *testing.F) {
	w := newWorld(f, 2)
	seeds := [][]byte{
		w.tx(0, 0, 10), w.tx(1, 0, 10), w.tx(0, 1, 10), w.tx(0, 0, 9),
		w.tx(0, 0, 10, func(e *mempool.Envelope) { e.ChainID = "other" }),
		{}, {1}, {0xf0, 1, 2},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteCheckTxCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzCheckTx", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzCheckTx/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzCheckTx: run go test -run FuzzCheckTx -rewrite-checktx-corpus")
	}
	app := w.newApp(dbm.NewMemDB())
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tx []byte) {
		for _, typ := range []abci.CheckTxType{abci.CHECK_TX_TYPE_CHECK, abci.CHECK_TX_TYPE_RECHECK} {
			res, err := app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx, Type: typ})
			if err != nil {
				t.Fatalf("CheckTx returned an error instead of a result: %v", err)
			}
			if res.Code == abci.CodeTypeOK {
				if typ == abci.CHECK_TX_TYPE_RECHECK {
					continue
				}
				env, err := mempool.Decode(tx)
				if err != nil {
					t.Fatalf("admitted bytes that do not decode: %v", err)
				}
				if err := env.VerifySignature(); err != nil {
					t.Fatalf("admitted an envelope with a bad signature: %v", err)
				}
				continue
			}
			if res.Codespace != Codespace || res.Log == "" {
				t.Fatalf("refusal without veil codespace or message: %+v", res)
			}
			if err := ResultError(res.Code, res.Codespace, res.Log); err == nil {
				t.Fatal("refusal reads back as success")
			}
		}
	})
}
