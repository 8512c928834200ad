package rpcproxy

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/internal/fuzzcorpus"
)

func testProxy(t testing.TB) *Proxy {
	t.Helper()
	key, err := crypto.ToECDSA(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing listens on port 1: every call that leaves the proxy fails
	// fast, so the tests exercise parsing and refusals only.
	p, err := New(Config{
		Sequencer: "http://127.0.0.1:1",
		Key:       key,
		Rollups:   []Rollup{{ID: 1001, ChainID: 31337, Upstream: "http://127.0.0.1:1"}, {ID: 1002, Upstream: "http://127.0.0.1:1"}},
		MaxBatch:  3,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func post(t testing.TB, h http.Handler, path string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
	return rec
}

func TestRefusals(t *testing.T) {
	p := testProxy(t)
	for _, tc := range []struct {
		name, path, body string
		code             int
	}{
		{"parse error", "/1001", `[{"jsonrpc"`, codeParse},
		{"not a request", "/1001", `{"jsonrpc":"2.0","id":1}`, codeInvalidRequest},
		{"empty batch", "/1001", `[]`, codeInvalidRequest},
		{"batch too large", "/1001", `[{},{},{},{}]`, codeInvalidRequest},
		{"unknown rollup", "/7", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, codeInvalidRequest},
		{"no path with two rollups", "/", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`, codeInvalidRequest},
		{"missing param", "/1001", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":[]}`, codeInvalidParams},
		{"not hex", "/1001", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["zz"]}`, codeInvalidParams},
		{"not a tx", "/1001", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02c0"]}`, codeInvalidParams},
		{"signing methods", "/1001", `{"jsonrpc":"2.0","id":1,"method":"eth_sendTransaction","params":[{}]}`, codeNoMethod},
		{"unknown veil method", "/1001", `{"jsonrpc":"2.0","id":1,"method":"veil_nope"}`, codeNoMethod},
		{"upstream unreachable", "/1001", `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}`, codeServer},
		{"status of a stranger", "/1001", `{"jsonrpc":"2.0","id":1,"method":"veil_getStatus","params":["0x` + string(bytes.Repeat([]byte("ab"), 32)) + `"]}`, codeInvalidParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(t, p, tc.path, []byte(tc.body))
			var res response
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				var batch []response
				if err := json.Unmarshal(rec.Body.Bytes(), &batch); err != nil || len(batch) == 0 {
					t.Fatalf("not a JSON-RPC answer: %q", rec.Body.String())
				}
				res = batch[0]
			}
			if res.Error == nil || res.Error.Code != tc.code {
				t.Fatalf("got %+v, want error code %d", res.Error, tc.code)
			}
			if res.Error.Message == "" {
				t.Fatal("error without a message")
			}
		})
	}
}

func TestChainIDAnsweredLocally(t *testing.T) {
	p := testProxy(t)
	rec := post(t, p, "/1001", []byte(`{"jsonrpc":"2.0","id":"a","method":"eth_chainId"}`))
	if got := rec.Body.String(); !bytes.Contains([]byte(got), []byte(`"result":"0x7a69"`)) || !bytes.Contains([]byte(got), []byte(`"id":"a"`)) {
		t.Fatalf("eth_chainId: %s", got)
	}
	rec = post(t, p, "/1002", []byte(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`))
	if !bytes.Contains(rec.Body.Bytes(), []byte(`"result":"0x3ea"`)) {
		t.Fatalf("chain id defaults to the rollup id: %s", rec.Body.String())
	}
}

func TestOversizedRequest(t *testing.T) {
	p := testProxy(t)
	p.cfg.MaxRequestBytes = 64
	rec := post(t, p, "/1001", bytes.Repeat([]byte(" "), 100))
	if !bytes.Contains(rec.Body.Bytes(), []byte("larger than 64 bytes")) {
		t.Fatalf("oversized: %s", rec.Body.String())
	}
}

var rewrite = flag.Bool("rewrite", false, "regenerate testdata/fuzz seed corpora")

var fuzzSeeds = []string{
	`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`,
	`[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_chainId"}]`,
	`{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02f86c827a6980843b9aca00852e90edd00082520894"]}`,
	`{"jsonrpc":"2.0","id":1,"method":"veil_sendBundle","params":[["0x00","0x01"]]}`,
	`{"jsonrpc":"2.0","id":1,"method":"eth_getTransactionCount","params":["0x0000000000000000000000000000000000000001","pending"]}`,
	``, `[`, `null`, `{"params":null}`,
}

// FuzzServeHTTP feeds arbitrary request bodies to the proxy: it must
// answer, never panic, and never call out for anything that is not a
// well-formed request.
func FuzzServeHTTP(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if *rewrite {
		var entries [][][]byte
		for _, s := range fuzzSeeds {
			entries = append(entries, [][]byte{[]byte(s)})
		}
		if err := fuzzcorpus.Write(".", "FuzzServeHTTP", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzServeHTTP/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzServeHTTP: run go test -run FuzzServeHTTP -rewrite")
	}
	p := testProxy(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := post(t, p, "/1001", body)
		if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			t.Fatalf("HTTP %d", rec.Code)
		}
	})
}
