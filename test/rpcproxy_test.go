package test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	vnode "github.com/veilseq/veil/internal/node"
	"github.com/veilseq/veil/internal/rpcproxy"
	"github.com/veilseq/veil/mempool"
)

// rollupChain is a rollup's execution layer: go-ethereum's simulated
// backend serving real JSON-RPC over HTTP on loopback.
type rollupChain struct {
	backend *simulated.Backend
	url     string
	chainID *big.Int
}

func startRollupChain(t *testing.T, chainID int64, funded ...common.Address) *rollupChain {
	t.Helper()
	ports, err := vnode.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	alloc := types.GenesisAlloc{}
	for _, a := range funded {
		alloc[a] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))}
	}
	b := simulated.NewBackend(alloc, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort = "127.0.0.1", ports[0]
		nc.HTTPModules = []string{"eth", "net", "web3"}
		cfg := *ec.Genesis.Config
		cfg.ChainID = big.NewInt(chainID)
		ec.Genesis.Config = &cfg
		ec.NetworkId = uint64(chainID)
	})
	t.Cleanup(func() { _ = b.Close() })
	return &rollupChain{backend: b, url: fmt.Sprintf("http://127.0.0.1:%d", ports[0]), chainID: big.NewInt(chainID)}
}

// committedEnvelope waits for a veil transaction's inclusion and returns
// its envelope from validator 0's block store.
func committedEnvelope(t *testing.T, ctx context.Context, d *devnet.Devnet, c *client.Client, h common.Hash) *mempool.Envelope {
	t.Helper()
	st, err := c.Wait(ctx, h, client.UntilIncluded)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := d.Network.Nodes[0].BlockStore().LoadBlock(int64(st.Height))
	for _, raw := range blk.Txs {
		if crypto.Keccak256Hash(raw) == h {
			env, err := mempool.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			return env
		}
	}
	t.Fatalf("tx %s not in block %d", h, st.Height)
	return nil
}

// TestRPCProxy points go-ethereum's ethclient, as an unmodified wallet,
// at the proxy: it sends signed transactions of every supported type and
// a two-rollup bundle. Each is committed on veil encrypted, decrypts to
// bytes identical to what the wallet signed, executes on the rollup's
// chain under the hash the wallet was given, and the receipt comes back
// through the proxy. Wrong-chain, blob and malformed transactions get
// JSON-RPC errors and nothing is submitted.
func TestRPCProxy(t *testing.T) {
	d := startDevnet(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	user, _ := crypto.GenerateKey()
	delegator, _ := crypto.GenerateKey()
	userAddr := crypto.PubkeyToAddress(user.PublicKey)
	chainA := startRollupChain(t, 31337, userAddr)
	chainB := startRollupChain(t, 31338, userAddr)
	ra, rb := devnet.DemoRollups[0].ID, devnet.DemoRollups[1].ID
	proxy, err := rpcproxy.New(rpcproxy.Config{
		Sequencer: d.APIURL(),
		Key:       d.Wallets[0],
		Rollups: []rpcproxy.Rollup{
			{ID: ra, ChainID: 31337, Upstream: chainA.url},
			{ID: rb, ChainID: 31338, Upstream: chainB.url},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(proxy)
	defer srv.Close()

	rpcA, err := rpc.DialContext(ctx, fmt.Sprintf("%s/%d", srv.URL, ra))
	if err != nil {
		t.Fatal(err)
	}
	defer rpcA.Close()
	wallet := ethclient.NewClient(rpcA)
	if id, err := wallet.ChainID(ctx); err != nil || id.Int64() != 31337 {
		t.Fatalf("eth_chainId: %v %v", id, err)
	}
	veil, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}

	to := common.HexToAddress("0x00000000000000000000000000000000000000b0")
	signer := types.LatestSignerForChainID(chainA.chainID)
	tip, feeCap := big.NewInt(1e9), big.NewInt(100e9)
	var sent []*types.Transaction
	build := []func(nonce uint64) types.TxData{
		func(n uint64) types.TxData {
			return &types.LegacyTx{Nonce: n, GasPrice: feeCap, Gas: 21000, To: &to, Value: big.NewInt(1)}
		},
		func(n uint64) types.TxData {
			return &types.AccessListTx{ChainID: chainA.chainID, Nonce: n, GasPrice: feeCap, Gas: 30000, To: &to, Value: big.NewInt(2),
				AccessList: types.AccessList{{Address: to}}}
		},
		func(n uint64) types.TxData {
			return &types.DynamicFeeTx{ChainID: chainA.chainID, Nonce: n, GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: big.NewInt(3)}
		},
		func(n uint64) types.TxData {
			// A second account delegates its code; its own nonce is 0.
			auth, err := types.SignSetCode(delegator, types.SetCodeAuthorization{ChainID: *uint256.MustFromBig(chainA.chainID), Address: to, Nonce: 0})
			if err != nil {
				t.Fatal(err)
			}
			return &types.SetCodeTx{ChainID: uint256.MustFromBig(chainA.chainID), Nonce: n, GasTipCap: uint256.MustFromBig(tip),
				GasFeeCap: uint256.MustFromBig(feeCap), Gas: 100000, To: to, Value: uint256.NewInt(4), AuthList: []types.SetCodeAuthorization{auth}}
		},
	}
	for i, mk := range build {
		// The wallet asks for its pending nonce each time: the proxy counts
		// what it has in flight, since the rollup has executed nothing yet.
		nonce, err := wallet.PendingNonceAt(ctx, userAddr)
		if err != nil {
			t.Fatal(err)
		}
		if nonce != uint64(i) {
			t.Fatalf("pending nonce %d before transaction %d", nonce, i)
		}
		tx := types.MustSignNewTx(user, signer, mk(nonce))
		raw, _ := tx.MarshalBinary()
		var got common.Hash
		if err := rpcA.CallContext(ctx, &got, "eth_sendRawTransaction", hexutil.Encode(raw)); err != nil {
			t.Fatalf("type %d: %v", tx.Type(), err)
		}
		if got != tx.Hash() {
			t.Fatalf("type %d: proxy returned %s, the transaction's hash is %s", tx.Type(), got, tx.Hash())
		}
		sent = append(sent, tx)
	}

	// A bundle: one transaction for each rollup, one envelope.
	nonceB := uint64(0)
	txB := types.MustSignNewTx(user, types.LatestSignerForChainID(chainB.chainID),
		&types.DynamicFeeTx{ChainID: chainB.chainID, Nonce: nonceB, GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: big.NewInt(5)})
	txA := types.MustSignNewTx(user, signer,
		&types.DynamicFeeTx{ChainID: chainA.chainID, Nonce: uint64(len(sent)), GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: big.NewInt(6)})
	rawA, _ := txA.MarshalBinary()
	rawB, _ := txB.MarshalBinary()
	var bundle struct {
		VeilTxHash common.Hash   `json:"veilTxHash"`
		TxHashes   []common.Hash `json:"txHashes"`
	}
	if err := rpcA.CallContext(ctx, &bundle, "veil_sendBundle", []string{hexutil.Encode(rawB), hexutil.Encode(rawA)}); err != nil {
		t.Fatal(err)
	}
	if len(bundle.TxHashes) != 2 || bundle.TxHashes[0] != txB.Hash() || bundle.TxHashes[1] != txA.Hash() {
		t.Fatalf("bundle hashes %v", bundle.TxHashes)
	}

	// Each single transaction: committed encrypted on veil, decrypts to the
	// signed bytes, executes on the rollup with the hash the wallet got.
	for _, tx := range append(sent, txA) {
		var st map[string]any
		if err := rpcA.CallContext(ctx, &st, "veil_getStatus", tx.Hash()); err != nil {
			t.Fatal(err)
		}
		veilHash := common.HexToHash(st["veilTxHash"].(string))
		env := committedEnvelope(t, ctx, d, veil, veilHash)
		// What the rollups receive, read from the feed with its proofs.
		if _, err := veil.Wait(ctx, veilHash, client.UntilFirm); err != nil {
			t.Fatal(err)
		}
		bundle, err := veil.GetBundle(ctx, veilHash)
		if err != nil {
			t.Fatal(err)
		}
		legs := bundle.Legs
		want, _ := tx.MarshalBinary()
		if len(env.Rollups) == 1 {
			if len(legs) != 1 || string(legs[0].Leg.Data) != string(want) {
				t.Fatalf("type %d: decrypted payload differs from the signed transaction", tx.Type())
			}
		} else {
			if len(legs) != 2 || legs[0].Leg.Rollup != ra || string(legs[0].Leg.Data) != string(rawA) || legs[1].Leg.Rollup != rb || string(legs[1].Leg.Data) != string(rawB) {
				t.Fatal("bundle legs differ from the signed transactions")
			}
		}
		// The rollup executes what was decrypted, in veil's order.
		var exec types.Transaction
		if err := exec.UnmarshalBinary(want); err != nil {
			t.Fatal(err)
		}
		if err := chainA.backend.Client().SendTransaction(ctx, &exec); err != nil {
			t.Fatalf("rollup execution of type %d: %v", tx.Type(), err)
		}
		chainA.backend.Commit()
		rcpt, err := wallet.TransactionReceipt(ctx, tx.Hash())
		if err != nil {
			t.Fatalf("receipt through the proxy: %v", err)
		}
		if rcpt.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("type %d failed on the rollup", tx.Type())
		}
	}

	// Refusals: nothing reaches veil.
	before, err := veil.Account(ctx, client.Address(d.Wallets[0]))
	if err != nil {
		t.Fatal(err)
	}
	wrongChain := types.MustSignNewTx(user, types.LatestSignerForChainID(big.NewInt(1)),
		&types.DynamicFeeTx{ChainID: big.NewInt(1), Nonce: 9, GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to})
	blob := types.MustSignNewTx(user, signer, &types.BlobTx{ChainID: uint256.MustFromBig(chainA.chainID), Nonce: 9,
		GasTipCap: uint256.NewInt(1), GasFeeCap: uint256.NewInt(1), Gas: 21000, To: to, BlobFeeCap: uint256.NewInt(1),
		BlobHashes: []common.Hash{{1}}})
	rawWrong, _ := wrongChain.MarshalBinary()
	rawBlob, _ := blob.MarshalBinary()
	for name, raw := range map[string]string{
		"wrong chain": hexutil.Encode(rawWrong),
		"blob":        hexutil.Encode(rawBlob),
		"malformed":   "0x02deadbeef",
		"not hex":     "hello",
	} {
		var h common.Hash
		err := rpcA.CallContext(ctx, &h, "eth_sendRawTransaction", raw)
		var rerr rpc.Error
		if !errors.As(err, &rerr) || rerr.ErrorCode() != -32602 {
			t.Errorf("%s: got %v, want a JSON-RPC invalid-params error", name, err)
		}
	}
	after, err := veil.Account(ctx, client.Address(d.Wallets[0]))
	if err != nil {
		t.Fatal(err)
	}
	if after.PendingNonce != before.PendingNonce {
		t.Fatalf("refused transactions reached veil: pending nonce %d → %d", before.PendingNonce, after.PendingNonce)
	}

	// A JSON-RPC batch is answered element by element.
	var batch []json.RawMessage
	req := []map[string]any{
		{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
		{"jsonrpc": "2.0", "id": 2, "method": "eth_blockNumber"},
	}
	if err := postJSON(ctx, fmt.Sprintf("%s/%d", srv.URL, ra), req, &batch); err != nil || len(batch) != 2 {
		t.Fatalf("batch: %v (%d answers)", err, len(batch))
	}
}

func postJSON(ctx context.Context, url string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(out)
}

// BenchmarkRPCProxy compares what a wallet pays to submit through the
// proxy (JSON-RPC, decode, encrypt, seal, sign, submit) against a Go SDK
// submission of the same payload (seal, sign, submit), in the same run
// against the same devnet. Keep -benchtime at or under 50x: one sender
// may have 64 envelopes pending.
//
//	go test ./test -run '^$' -bench RPCProxy -benchtime 50x -count 5
func BenchmarkRPCProxy(b *testing.B) {
	d, err := devnet.Start(context.Background(), devnetConfig(b.TempDir(), 2))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Stop()
	ctx := context.Background()
	user, _ := crypto.GenerateKey()
	chain := big.NewInt(31337)
	to := common.HexToAddress("0xb0")
	rawTx := func(nonce uint64) []byte {
		tx := types.MustSignNewTx(user, types.LatestSignerForChainID(chain),
			&types.DynamicFeeTx{ChainID: chain, Nonce: nonce, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 21000, To: &to})
		raw, _ := tx.MarshalBinary()
		return raw
	}
	veil, err := client.Dial(d.APIURL())
	if err != nil {
		b.Fatal(err)
	}
	waitDrained := func(key *ecdsa.PrivateKey) {
		for {
			a, err := veil.Account(ctx, client.Address(key))
			if err != nil {
				b.Fatal(err)
			}
			if a.PendingNonce == a.Nonce {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	b.Run("sdk", func(b *testing.B) {
		key := d.Wallets[1]
		waitDrained(key)
		params, err := veil.Params(ctx)
		if err != nil {
			b.Fatal(err)
		}
		acct, _ := veil.Account(ctx, client.Address(key))
		nonce := acct.PendingNonce
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			env, err := client.Seal(rand.Reader, params, key, client.Tx{Legs: []client.Leg{{Rollup: devnet.DemoRollups[0].ID, Data: rawTx(uint64(i))}}, Nonce: nonce})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := veil.Submit(ctx, env); err != nil {
				b.Fatal(err)
			}
			nonce++
		}
	})
	b.Run("proxy", func(b *testing.B) {
		waitDrained(d.Wallets[0])
		proxy, err := rpcproxy.New(rpcproxy.Config{Sequencer: d.APIURL(), Key: d.Wallets[0],
			Rollups: []rpcproxy.Rollup{{ID: devnet.DemoRollups[0].ID, ChainID: 31337, Upstream: "http://127.0.0.1:1"}}})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(proxy)
		defer srv.Close()
		rc, err := rpc.DialContext(ctx, srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		defer rc.Close()
		raws := make([]string, b.N)
		for i := range raws {
			raws[i] = hexutil.Encode(rawTx(uint64(i)))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			var h common.Hash
			if err := rc.CallContext(ctx, &h, "eth_sendRawTransaction", raws[i]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
