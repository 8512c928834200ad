package client_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/apitest"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/api/internal/memhttp"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// committee is a dealt eon key with its shares, so tests can decrypt what
// the client sealed, as the committee would after commit.
type committee struct {
	pk     *threshold.EonPublicKey
	shares []*threshold.SecretKeyShare
}

func newCommittee(t testing.TB) *committee {
	t.Helper()
	pk, shares, err := threshold.DealKeys(rand.Reader, 7, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	return &committee{pk: pk, shares: shares}
}

func (c *committee) params(t testing.TB) api.Params {
	t.Helper()
	b, err := c.pk.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return api.Params{
		ChainID:            "veil-test",
		EnvelopeVersion:    mempool.Version,
		Eon:                api.Eon{ID: 7, PublicKey: b, Threshold: 3, CommitteeSize: 4, ActivationHeight: 1},
		Rollups:            []api.Rollup{{ID: 1, Name: "alpha"}, {ID: 2, Name: "beta"}, {ID: 9}},
		MinFee:             10,
		MaxEnvelopeBytes:   mempool.MaxEnvelopeSize,
		MaxCiphertextBytes: mempool.MaxCiphertextSize,
		LatestHeight:       1000,
		MaxExpiryBlocks:    50,
	}
}

// decrypt opens env with keys from t members' shares.
func (c *committee) decrypt(t testing.TB, env *mempool.Envelope) []byte {
	t.Helper()
	id := env.Identity()
	shares := make(map[int][]*threshold.KeyShare)
	for _, sk := range c.shares[1:] { // any t of n
		shares[sk.Index()] = []*threshold.KeyShare{sk.KeyShare(id)}
	}
	keys, err := threshold.AggregateKeys(c.pk, []threshold.Identity{id}, shares)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := threshold.Decrypt(keys[0], env.Ciphertext, env.Header())
	if err != nil {
		t.Fatalf("committee cannot decrypt the sealed envelope: %v", err)
	}
	return pt
}

type env struct {
	committee *committee
	backend   *apitest.Backend
	mem       *memhttp.Server
	client    *client.Client
}

func setup(t *testing.T, cfg server.Config, opts ...client.Option) *env {
	t.Helper()
	com := newCommittee(t)
	backend := apitest.New(com.params(t))
	cfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.IPRate == 0 {
		cfg.IPRate = -1
	}
	if cfg.SenderRate == 0 {
		cfg.SenderRate = -1
	}
	s, err := server.New(backend, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mem := memhttp.New(t, s.Handler())
	c, err := client.Dial(mem.URL(), append([]client.Option{client.WithHTTPClient(mem.Client())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &env{committee: com, backend: backend, mem: mem, client: c}
}

func key(i byte) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(common.LeftPadBytes([]byte{i}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

func TestSealSubmitWaitDecrypt(t *testing.T) {
	for _, name := range []string{"connect", "grpc"} {
		t.Run(name, func(t *testing.T) {
			var opts []client.Option
			if name == "grpc" {
				opts = append(opts, client.WithGRPC())
			}
			e := setup(t, server.Config{}, opts...)
			ctx := t.Context()
			k := key(1)
			e.backend.SetAccount(api.Account{Address: client.Address(k), Balance: 500, Nonce: 4, PendingNonce: 6})

			params, err := e.client.Params(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !params.EonKey.Equal(e.committee.pk) || params.ChainID != "veil-test" {
				t.Fatalf("params: %+v", params.Params)
			}
			acct, err := e.client.Account(ctx, client.Address(k))
			if err != nil || acct.PendingNonce != 6 || acct.Balance != 500 {
				t.Fatalf("account %+v, %v", acct, err)
			}
			legs := []client.Leg{{Rollup: 2, Data: []byte("buy")}, {Rollup: 1, Data: []byte("sell")}}
			sealed, err := client.Seal(rand.Reader, params, k, client.Tx{Legs: legs, Nonce: acct.PendingNonce, Fee: 25})
			if err != nil {
				t.Fatal(err)
			}
			hash, err := e.client.Submit(ctx, sealed)
			if err != nil {
				t.Fatal(err)
			}
			if hash != common.Hash(sealed.Hash()) {
				t.Fatalf("hash %s, envelope hash %x", hash, sealed.Hash())
			}

			got := e.backend.Submitted()
			if len(got) != 1 {
				t.Fatalf("node has %d envelopes", len(got))
			}
			onWire := got[0]
			if onWire.Sender != client.Address(k) || onWire.Nonce != 6 || onWire.Fee != 25 ||
				onWire.Expiry != 1050 || onWire.Eon != 7 || fmt.Sprint(onWire.Rollups) != "[1 2]" {
				t.Fatalf("header on the wire: %+v", onWire)
			}
			if bytes.Contains(onWire.Encode(), []byte("sell")) || bytes.Contains(onWire.Encode(), []byte("buy")) {
				t.Fatal("plaintext visible on the wire")
			}
			bundle, err := client.DecodeBundle(e.committee.decrypt(t, onWire))
			if err != nil {
				t.Fatal(err)
			}
			if len(bundle) != 2 || bundle[0].Rollup != 1 || string(bundle[0].Data) != "sell" ||
				bundle[1].Rollup != 2 || string(bundle[1].Data) != "buy" {
				t.Fatalf("decrypted bundle %+v", bundle)
			}

			st, err := e.client.Status(ctx, hash)
			if err != nil || st.State != api.TxPending {
				t.Fatalf("status %+v, %v", st, err)
			}
			done := make(chan error, 1)
			var final api.TxStatus
			go func() {
				var err error
				final, err = e.client.Wait(ctx, hash, client.UntilFirm)
				done <- err
			}()
			for _, s := range []api.TxStatus{
				{State: api.TxIncluded, Height: 1001, Index: 3},
				{State: api.TxDecrypted, Height: 1001, Index: 3, Level: api.LevelSoft},
				{State: api.TxDecrypted, Height: 1001, Index: 3, Level: api.LevelFirm},
			} {
				s.Hash = hash
				e.backend.Set(s)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if final.State != api.TxDecrypted || final.Level != api.LevelFirm || final.Height != 1001 || final.Index != 3 {
				t.Fatalf("Wait returned %+v", final)
			}
		})
	}
}

func TestSingleLegIsRawData(t *testing.T) {
	e := setup(t, server.Config{})
	params, err := e.client.Params(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := client.Seal(rand.Reader, params, key(1), client.Tx{Legs: []client.Leg{{Rollup: 9, Data: []byte{0xde, 0xad}}}})
	if err != nil {
		t.Fatal(err)
	}
	if pt := e.committee.decrypt(t, sealed); !bytes.Equal(pt, []byte{0xde, 0xad}) {
		t.Fatalf("plaintext %x", pt)
	}
	if sealed.Fee != 10 {
		t.Fatalf("default fee %d, want the minimum 10", sealed.Fee)
	}
}

func TestWaitOutcomes(t *testing.T) {
	e := setup(t, server.Config{})
	h := common.HexToHash("0xfeed")
	cases := []struct {
		name   string
		status api.TxStatus
		until  client.Until
		fails  bool
	}{
		{"included", api.TxStatus{State: api.TxIncluded, Height: 5}, client.UntilIncluded, false},
		{"soft reaches included", api.TxStatus{State: api.TxDecrypted, Height: 5, Level: api.LevelSoft}, client.UntilIncluded, false},
		{"soft", api.TxStatus{State: api.TxDecrypted, Height: 5, Level: api.LevelSoft}, client.UntilSoft, false},
		{"firm reaches soft", api.TxStatus{State: api.TxDecrypted, Height: 5, Level: api.LevelFirm}, client.UntilSoft, false},
		{"rejected", api.TxStatus{State: api.TxRejected, Reason: "evicted: pool full"}, client.UntilFirm, true},
		{"expired", api.TxStatus{State: api.TxExpired, Reason: "expiry 9 passed"}, client.UntilIncluded, true},
		{"failed", api.TxStatus{State: api.TxFailed, Height: 5, Reason: "ciphertext does not decrypt"}, client.UntilIncluded, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.status.Hash = h
			e.backend.Set(tc.status)
			st, err := e.client.Wait(t.Context(), h, tc.until)
			if st.State != tc.status.State {
				t.Fatalf("state %v, want %v", st.State, tc.status.State)
			}
			var txErr *client.TxError
			if tc.fails != errors.As(err, &txErr) {
				t.Fatalf("error %v", err)
			}
			if tc.fails && !strings.Contains(err.Error(), tc.status.Reason) {
				t.Fatalf("error %q lacks the reason", err)
			}
		})
	}
	if _, err := e.client.Wait(t.Context(), h, 0); err == nil {
		t.Fatal("Wait with an invalid Until succeeded")
	}
}

// TestWaitResumes: the server ends every watch almost at once; Wait keeps
// resuming until the transaction is final.
func TestWaitResumes(t *testing.T) {
	e := setup(t, server.Config{WatchTimeout: 1})
	h := common.HexToHash("0xbeef")
	e.backend.Set(api.TxStatus{Hash: h, State: api.TxPending})
	done := make(chan error, 1)
	go func() {
		_, err := e.client.Wait(t.Context(), h, client.UntilIncluded)
		done <- err
	}()
	e.backend.Set(api.TxStatus{Hash: h, State: api.TxIncluded, Height: 3})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	e := setup(t, server.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	h := common.HexToHash("0x01")
	e.backend.Set(api.TxStatus{Hash: h, State: api.TxPending})
	done := make(chan error, 1)
	go func() {
		_, err := e.client.Wait(ctx, h, client.UntilFirm)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after cancel: %v", err)
	}
}

func TestErrorsMatchSentinels(t *testing.T) {
	e := setup(t, server.Config{})
	params, err := e.client.Params(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := client.Seal(rand.Reader, params, key(1), client.Tx{Legs: []client.Leg{{Rollup: 1, Data: []byte("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sentinel := range []error{mempool.ErrNonceTooLow, mempool.ErrPoolFull, mempool.ErrEonNotActive} {
		e.backend.SetSubmitErr(fmt.Errorf("%w: detail", sentinel))
		_, err := e.client.Submit(t.Context(), sealed)
		if !errors.Is(err, sentinel) {
			t.Fatalf("error %v does not match %v", err, sentinel)
		}
		var ce *connect.Error
		if !errors.As(err, &ce) {
			t.Fatalf("error %v is not a *connect.Error", err)
		}
	}
	_, err = e.client.Status(t.Context(), common.HexToHash("0x99"))
	if !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("unknown hash: %v", err)
	}
	_, err = e.client.Block(t.Context(), 77)
	if !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("unknown block: %v", err)
	}
}

func TestRateLimitMatches(t *testing.T) {
	e := setup(t, server.Config{IPRate: 1e-9, IPBurst: 1})
	if _, err := e.client.Params(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.Params(t.Context())
	if !errors.Is(err, api.ErrRateLimited) || connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("second request: %v", err)
	}
}

func TestSubmitRawRejectsMalformedLocally(t *testing.T) {
	e := setup(t, server.Config{})
	_, err := e.client.SubmitRaw(t.Context(), []byte("junk"))
	if !errors.Is(err, mempool.ErrMalformed) {
		t.Fatalf("junk: %v", err)
	}
	if n := len(e.backend.Submitted()); n != 0 {
		t.Fatalf("junk reached the node (%d)", n)
	}
}

func TestBlock(t *testing.T) {
	e := setup(t, server.Config{})
	e.backend.SetBlock(api.Block{Height: 1000, Hash: common.HexToHash("0x0b"), Decryption: api.LevelSoft,
		Txs: []api.BlockTx{{Hash: common.HexToHash("0x01"), Sender: client.Address(key(1)), Rollups: []uint64{1}, State: api.TxDecrypted}}})
	b, err := e.client.Block(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if b.Height != 1000 || len(b.Txs) != 1 || b.Txs[0].Sender != client.Address(key(1)) || b.Decryption != api.LevelSoft {
		t.Fatalf("block %+v", b)
	}
}

func TestSealChecks(t *testing.T) {
	com := newCommittee(t)
	params, err := client.NewParams(com.params(t))
	if err != nil {
		t.Fatal(err)
	}
	leg := []client.Leg{{Rollup: 1, Data: []byte("x")}}
	cases := []struct {
		name string
		tx   client.Tx
		want error
	}{
		{"no legs", client.Tx{}, nil},
		{"unknown rollup", client.Tx{Legs: []client.Leg{{Rollup: 3}}}, mempool.ErrUnknownRollup},
		{"fee below minimum", client.Tx{Legs: leg, Fee: 9}, mempool.ErrFeeTooLow},
		{"expiry at the latest height", client.Tx{Legs: leg, Expiry: 1000}, mempool.ErrExpired},
		{"payload too large", client.Tx{Legs: []client.Leg{{Rollup: 1, Data: make([]byte, mempool.MaxCiphertextSize)}}}, mempool.ErrTooLarge},
		{"two legs for one rollup", client.Tx{Legs: []client.Leg{{Rollup: 1}, {Rollup: 1}}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Seal(rand.Reader, params, key(1), tc.tx)
			if err == nil {
				t.Fatal("sealed")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := client.Seal(rand.Reader, nil, key(1), client.Tx{Legs: leg}); err == nil {
		t.Fatal("nil params accepted")
	}
	if _, err := client.Seal(rand.Reader, params, nil, client.Tx{Legs: leg}); err == nil {
		t.Fatal("nil key accepted")
	}
}

func TestNewParamsChecksConsistency(t *testing.T) {
	com := newCommittee(t)
	for name, mutate := range map[string]func(*api.Params){
		"wrong eon id":         func(p *api.Params) { p.Eon.ID = 8 },
		"wrong threshold":      func(p *api.Params) { p.Eon.Threshold = 2 },
		"wrong committee size": func(p *api.Params) { p.Eon.CommitteeSize = 5 },
		"garbage key":          func(p *api.Params) { p.Eon.PublicKey = []byte{1, 2, 3} },
		"no chain id":          func(p *api.Params) { p.ChainID = "" },
	} {
		p := com.params(t)
		mutate(&p)
		if _, err := client.NewParams(p); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestDialRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:26670", "ftp://x", "http://", "://"} {
		if _, err := client.Dial(u); err == nil {
			t.Errorf("Dial(%q) accepted", u)
		}
	}
	if _, err := client.Dial("https://node.example:443", client.WithGRPC()); err != nil {
		t.Fatal(err)
	}
}
