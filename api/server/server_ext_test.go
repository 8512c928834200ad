package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/apitest"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/internal/memhttp"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/mempool"
)

// fixture is a server over a fake backend on an in-memory network.
type fixture struct {
	backend *apitest.Backend
	server  *server.Server
	mem     *memhttp.Server
	clock   *clock
	logs    *syncBuffer
	client  veilv1connect.SequencerServiceClient
}

func newFixture(t *testing.T, cfg server.Config) *fixture {
	t.Helper()
	f := &fixture{backend: apitest.New(testParams()), clock: newClock(), logs: new(syncBuffer)}
	if cfg.Now == nil {
		cfg.Now = f.clock.now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := server.New(f.backend, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.server = s
	f.mem = memhttp.New(t, s.Handler())
	f.client = veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL())
	return f
}

// unlimited disables the rate limits for tests about something else.
func unlimited() server.Config { return server.Config{IPRate: -1, SenderRate: -1} }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func reasonOf(err error) string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return ""
	}
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if info, ok := v.(*errdetails.ErrorInfo); ok {
				return info.GetReason()
			}
		}
	}
	return ""
}

func TestParamsOverEveryProtocol(t *testing.T) {
	f := newFixture(t, unlimited())
	clients := map[string]veilv1connect.SequencerServiceClient{
		"connect-proto":   veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL()),
		"connect-json":    veilv1connect.NewSequencerServiceClient(f.mem.ClientHTTP1(), f.mem.URL(), connect.WithProtoJSON()),
		"connect-get":     veilv1connect.NewSequencerServiceClient(f.mem.ClientHTTP1(), f.mem.URL(), connect.WithHTTPGet()),
		"grpc":            veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL(), connect.WithGRPC()),
		"grpc-web":        veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL(), connect.WithGRPCWeb()),
		"grpc-web-http1":  veilv1connect.NewSequencerServiceClient(f.mem.ClientHTTP1(), f.mem.URL(), connect.WithGRPCWeb()),
		"connect-gzipped": veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL(), connect.WithSendGzip()),
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			res, err := c.GetEncryptionParams(t.Context(), connect.NewRequest(&veilv1.GetEncryptionParamsRequest{}))
			if err != nil {
				t.Fatal(err)
			}
			p := res.Msg.GetParams()
			if p.GetChainId() != "veil-test" || p.GetEon().GetId() != 3 || p.GetEon().GetThreshold() != 3 ||
				p.GetEon().GetCommitteeSize() != 4 || !bytes.Equal(p.GetEon().GetPublicKey(), []byte{1, 2, 3}) ||
				len(p.GetRollups()) != 2 || p.GetRollups()[0].GetName() != "alpha" || p.GetMinFee() != 5 ||
				p.GetLatestHeight() != 42 || p.GetMaxExpiryBlocks() != 100 ||
				p.GetMaxEnvelopeBytes() != mempool.MaxEnvelopeSize || p.GetEnvelopeVersion() != mempool.Version {
				t.Fatalf("params: %v", p)
			}
		})
	}
}

// post sends a Connect JSON request the way curl does and returns the
// status code and decoded JSON body.
func post(t *testing.T, f *fixture, method, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		f.mem.URL()+"/veil.v1.SequencerService/"+method, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := f.mem.ClientHTTP1().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: response is not JSON: %q", method, raw)
	}
	return res.StatusCode, out
}

// TestJSONLikeCurl checks the requests the README shows.
func TestJSONLikeCurl(t *testing.T) {
	f := newFixture(t, unlimited())
	f.backend.SetAccount(api.Account{Address: crypto.PubkeyToAddress(testKey(0).PublicKey), Balance: 1000, Nonce: 7, PendingNonce: 9})
	code, out := post(t, f, "GetEncryptionParams", `{}`)
	if code != 200 || out["params"].(map[string]any)["chainId"] != "veil-test" {
		t.Fatalf("GetEncryptionParams: %d %v", code, out)
	}
	if key := out["params"].(map[string]any)["eon"].(map[string]any)["publicKey"]; key != "AQID" {
		t.Fatalf("eon public key in JSON = %v, want base64 AQID", key)
	}

	// The README's GET form.
	greq, _ := http.NewRequestWithContext(t.Context(), http.MethodGet,
		f.mem.URL()+"/veil.v1.SequencerService/GetEncryptionParams?encoding=json&message=%7B%7D", nil)
	gres, err := f.mem.ClientHTTP1().Do(greq)
	if err != nil {
		t.Fatal(err)
	}
	graw, _ := io.ReadAll(gres.Body)
	gres.Body.Close()
	if gres.StatusCode != 200 || !strings.Contains(string(graw), `"chainId":"veil-test"`) {
		t.Fatalf("GET GetEncryptionParams: %d %s", gres.StatusCode, graw)
	}

	env := envelope(0, 9)
	body, _ := json.Marshal(map[string]any{"envelope": env})
	code, out = post(t, f, "SubmitEnvelope", string(body))
	wantHash := api.FormatHash(common.Hash(crypto.Keccak256Hash(env)))
	if code != 200 || out["txHash"] != wantHash {
		t.Fatalf("SubmitEnvelope: %d %v, want txHash %s", code, out, wantHash)
	}

	code, out = post(t, f, "GetTxStatus", `{"txHash":"`+wantHash+`"}`)
	if st := out["status"].(map[string]any); code != 200 || st["state"] != "TX_STATE_PENDING" || st["txHash"] != wantHash {
		t.Fatalf("GetTxStatus: %d %v", code, out)
	}

	code, out = post(t, f, "GetAccount", `{"address":"0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"}`)
	if a := out["account"].(map[string]any); code != 200 || a["address"] != "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf" || a["pendingNonce"] != "9" {
		t.Fatalf("GetAccount: %d %v", code, out)
	}

	code, out = post(t, f, "GetBlock", `{"height":"7"}`)
	if code != 404 || out["code"] != "not_found" || !strings.Contains(out["message"].(string), "height 7") {
		t.Fatalf("GetBlock of a missing height: %d %v", code, out)
	}

	f.backend.SetSubmitErr(fmt.Errorf("%w: nonce 3, the sender's next nonce is 5", mempool.ErrNonceTooLow))
	code, out = post(t, f, "SubmitEnvelope", string(body))
	if code != 400 || out["code"] != "failed_precondition" || out["message"] != "nonce too low: nonce 3, the sender's next nonce is 5" {
		t.Fatalf("SubmitEnvelope with a low nonce: %d %v", code, out)
	}

	code, out = post(t, f, "GetTxStatus", `{"txHash":"0x1234"}`)
	if code != 400 || out["code"] != "invalid_argument" || !strings.Contains(out["message"].(string), "want 64 hex digits") {
		t.Fatalf("GetTxStatus with a short hash: %d %v", code, out)
	}
	code, out = post(t, f, "GetTxStatus", `{"txHash":`)
	if code != 400 || out["code"] != "invalid_argument" {
		t.Fatalf("GetTxStatus with broken JSON: %d %v", code, out)
	}
}

// TestSubmitErrorMapping checks every admission error's code, reason and
// message: this table is the API's contract.
func TestSubmitErrorMapping(t *testing.T) {
	f := newFixture(t, unlimited())
	cases := []struct {
		err    error
		code   connect.Code
		reason string
	}{
		{mempool.ErrMalformed, connect.CodeInvalidArgument, "MALFORMED"},
		{mempool.ErrTooLarge, connect.CodeInvalidArgument, "TOO_LARGE"},
		{mempool.ErrBadSignature, connect.CodeInvalidArgument, "BAD_SIGNATURE"},
		{mempool.ErrWrongChain, connect.CodeInvalidArgument, "WRONG_CHAIN"},
		{mempool.ErrBadCiphertext, connect.CodeInvalidArgument, "BAD_CIPHERTEXT"},
		{mempool.ErrUnknownRollup, connect.CodeInvalidArgument, "UNKNOWN_ROLLUP"},
		{mempool.ErrUnknownEon, connect.CodeFailedPrecondition, "UNKNOWN_EON"},
		{mempool.ErrEonNotActive, connect.CodeFailedPrecondition, "EON_NOT_ACTIVE"},
		{mempool.ErrNonceTooLow, connect.CodeFailedPrecondition, "NONCE_TOO_LOW"},
		{mempool.ErrNonceGap, connect.CodeFailedPrecondition, "NONCE_GAP"},
		{mempool.ErrInsufficientBalance, connect.CodeFailedPrecondition, "INSUFFICIENT_BALANCE"},
		{mempool.ErrFeeTooLow, connect.CodeFailedPrecondition, "FEE_TOO_LOW"},
		{mempool.ErrExpired, connect.CodeFailedPrecondition, "EXPIRED"},
		{mempool.ErrExpiryTooFar, connect.CodeFailedPrecondition, "EXPIRY_TOO_FAR"},
		{mempool.ErrDuplicate, connect.CodeFailedPrecondition, "DUPLICATE"},
		{mempool.ErrReplacementUnderpriced, connect.CodeFailedPrecondition, "REPLACEMENT_UNDERPRICED"},
		{mempool.ErrPoolFull, connect.CodeResourceExhausted, "POOL_FULL"},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			// Wrapped twice, as a node adds its own context.
			f.backend.SetSubmitErr(fmt.Errorf("check tx: %w", fmt.Errorf("%w: the detail to fix", tc.err)))
			_, err := f.client.SubmitEnvelope(t.Context(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: envelope(0, 1)}))
			if got := connect.CodeOf(err); got != tc.code {
				t.Fatalf("code %v, want %v (%v)", got, tc.code, err)
			}
			if got := reasonOf(err); got != tc.reason {
				t.Fatalf("reason %q, want %q", got, tc.reason)
			}
			if !strings.Contains(err.Error(), "the detail to fix") {
				t.Fatalf("message lost the detail: %v", err)
			}
		})
	}
}

func TestSubmitRejectsBeforeBackend(t *testing.T) {
	f := newFixture(t, unlimited())
	big := make([]byte, mempool.MaxEnvelopeSize+1)
	cases := []struct {
		name     string
		envelope []byte
		code     connect.Code
		reason   string
	}{
		{"empty", nil, connect.CodeInvalidArgument, "MALFORMED"},
		{"garbage", []byte("not an envelope"), connect.CodeInvalidArgument, "MALFORMED"},
		{"truncated", envelope(0, 1)[:50], connect.CodeInvalidArgument, "MALFORMED"},
		{"trailing bytes", append(envelope(0, 1), 0), connect.CodeInvalidArgument, "MALFORMED"},
		{"over the envelope limit", big, connect.CodeInvalidArgument, "TOO_LARGE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.client.SubmitEnvelope(t.Context(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: tc.envelope}))
			if connect.CodeOf(err) != tc.code || reasonOf(err) != tc.reason {
				t.Fatalf("got %v (reason %q), want %v %s", err, reasonOf(err), tc.code, tc.reason)
			}
		})
	}
	if n := len(f.backend.Submitted()); n != 0 {
		t.Fatalf("backend saw %d envelopes that could not decode", n)
	}
}

func TestRequestSizeLimit(t *testing.T) {
	f := newFixture(t, server.Config{IPRate: -1, SenderRate: -1, MaxRequestBytes: 1000})
	for _, opts := range [][]connect.ClientOption{nil, {connect.WithGRPC()}, {connect.WithProtoJSON()}, {connect.WithSendGzip()}} {
		c := veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL(), opts...)
		_, err := c.SubmitEnvelope(t.Context(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: make([]byte, 2000)}))
		if connect.CodeOf(err) != connect.CodeResourceExhausted {
			t.Fatalf("oversized request (%d opts): %v, want resource_exhausted", len(opts), err)
		}
	}
	// A raw body over the limit with a bogus content type is cut off too.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
		f.mem.URL()+veilv1connect.SequencerServiceSubmitEnvelopeProcedure, bytes.NewReader(make([]byte, 1<<20)))
	req.Header.Set("Content-Type", "application/json")
	res, err := f.mem.ClientHTTP1().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == 200 {
		t.Fatal("1 MiB body accepted")
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	f := newFixture(t, unlimited())
	f.backend.SetSubmitErr(errors.New("pebble: write /var/lib/veil/secret-path: disk full"))
	_, err := f.client.SubmitEnvelope(t.Context(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: envelope(0, 1)}))
	if connect.CodeOf(err) != connect.CodeInternal {
		t.Fatalf("got %v, want internal", err)
	}
	if strings.Contains(err.Error(), "secret-path") {
		t.Fatalf("internal detail leaked to the client: %v", err)
	}
	if !strings.Contains(f.logs.String(), "secret-path") {
		t.Fatal("internal error not logged for the operator")
	}
}

func TestGetTxStatus(t *testing.T) {
	f := newFixture(t, unlimited())
	h := common.HexToHash("0xabcd")
	f.backend.Set(api.TxStatus{Hash: h, State: api.TxDecrypted, Height: 40, Index: 0, Level: api.LevelSoft})
	res, err := f.client.GetTxStatus(t.Context(), connect.NewRequest(&veilv1.GetTxStatusRequest{TxHash: strings.ToUpper(h.Hex()[2:])}))
	if err != nil {
		t.Fatal(err)
	}
	st := res.Msg.GetStatus()
	want := &veilv1.TxStatus{
		TxHash: api.FormatHash(h), State: veilv1.TxState_TX_STATE_DECRYPTED,
		Inclusion: &veilv1.Inclusion{Height: 40, Index: 0}, Level: veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT,
		ObservedHeight: 42,
	}
	if !proto.Equal(st, want) {
		t.Fatalf("status %v, want %v", st, want)
	}

	_, err = f.client.GetTxStatus(t.Context(), connect.NewRequest(&veilv1.GetTxStatusRequest{TxHash: common.HexToHash("0x01").Hex()}))
	if connect.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), "0x0000") {
		t.Fatalf("unknown hash: %v", err)
	}
	for _, bad := range []string{"", "0x", "zz", common.HexToHash("0x01").Hex() + "00"} {
		_, err = f.client.GetTxStatus(t.Context(), connect.NewRequest(&veilv1.GetTxStatusRequest{TxHash: bad}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Fatalf("hash %q: %v, want invalid_argument", bad, err)
		}
	}
}

func TestGetAccount(t *testing.T) {
	f := newFixture(t, unlimited())
	addr := crypto.PubkeyToAddress(testKey(0).PublicKey)
	f.backend.SetAccount(api.Account{Address: addr, Balance: 1000, Nonce: 7, PendingNonce: 9})
	res, err := f.client.GetAccount(t.Context(), connect.NewRequest(&veilv1.GetAccountRequest{Address: strings.ToLower(addr.Hex())}))
	if err != nil {
		t.Fatal(err)
	}
	want := &veilv1.Account{Address: addr.Hex(), Balance: 1000, Nonce: 7, PendingNonce: 9}
	if !proto.Equal(res.Msg.GetAccount(), want) {
		t.Fatalf("account %v, want %v", res.Msg.GetAccount(), want)
	}
	_, err = f.client.GetAccount(t.Context(), connect.NewRequest(&veilv1.GetAccountRequest{Address: "0x12"}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("short address: %v", err)
	}
}

func TestGetBlock(t *testing.T) {
	f := newFixture(t, unlimited())
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	blk := api.Block{
		Height: 42, Hash: common.HexToHash("0xb10c"), Time: when, Proposer: []byte{0xaa, 0xbb},
		Decryption: api.LevelFirm,
		Txs: []api.BlockTx{{
			Hash: common.HexToHash("0x01"), Sender: common.HexToAddress("0x02"), Nonce: 3, Fee: 4, Eon: 5,
			Rollups: []uint64{1, 2}, Size: 300, State: api.TxDecrypted,
		}},
	}
	f.backend.SetBlock(blk)
	for _, height := range []uint64{0, 42} {
		res, err := f.client.GetBlock(t.Context(), connect.NewRequest(&veilv1.GetBlockRequest{Height: height}))
		if err != nil {
			t.Fatal(err)
		}
		b := res.Msg.GetBlock()
		if b.GetHeight() != 42 || b.GetHash() != api.FormatHash(blk.Hash) || !b.GetTime().AsTime().Equal(when) ||
			b.GetProposer() != "0xaabb" || b.GetDecryption() != veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM ||
			len(b.GetTxs()) != 1 || b.GetTxs()[0].GetSizeBytes() != 300 || b.GetTxs()[0].GetState() != veilv1.TxState_TX_STATE_DECRYPTED {
			t.Fatalf("block %v", b)
		}
	}
	_, err := f.client.GetBlock(t.Context(), connect.NewRequest(&veilv1.GetBlockRequest{Height: 43}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("missing block: %v", err)
	}
}

func TestIPRateLimit(t *testing.T) {
	f := newFixture(t, server.Config{IPRate: 1, IPBurst: 2, SenderRate: -1})
	call := func(c *http.Client) error {
		cl := veilv1connect.NewSequencerServiceClient(c, f.mem.URL())
		_, err := cl.GetEncryptionParams(t.Context(), connect.NewRequest(&veilv1.GetEncryptionParamsRequest{}))
		return err
	}
	a, b := f.mem.ClientFrom("192.0.2.1"), f.mem.ClientFrom("192.0.2.2")
	for i := range 2 {
		if err := call(a); err != nil {
			t.Fatalf("request %d within the burst: %v", i, err)
		}
	}
	err := call(a)
	if connect.CodeOf(err) != connect.CodeResourceExhausted || reasonOf(err) != "RATE_LIMITED" {
		t.Fatalf("request past the burst: %v", err)
	}
	var ce *connect.Error
	if errors.As(err, &ce); ce.Meta().Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", ce.Meta().Get("Retry-After"))
	}
	if err := call(b); err != nil {
		t.Fatalf("another IP was limited: %v", err)
	}
	// Health checks are never limited.
	hc := grpchealth.NewClient(a, f.mem.URL())
	if res, err := hc.Check(t.Context(), &grpchealth.CheckRequest{}); err != nil || res.Status != grpchealth.StatusServing {
		t.Fatalf("health check while limited: %v %v", res, err)
	}
	f.clock.advance(time.Second)
	if err := call(a); err != nil {
		t.Fatalf("after the refill interval: %v", err)
	}
}

func TestIPv6ClientsShareTheir64(t *testing.T) {
	f := newFixture(t, server.Config{IPRate: 1, IPBurst: 1, SenderRate: -1})
	call := func(ip string) error {
		cl := veilv1connect.NewSequencerServiceClient(f.mem.ClientFrom(ip), f.mem.URL())
		_, err := cl.GetEncryptionParams(t.Context(), connect.NewRequest(&veilv1.GetEncryptionParamsRequest{}))
		return err
	}
	if err := call("2001:db8::1"); err != nil {
		t.Fatal(err)
	}
	if err := call("2001:db8::2"); connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("same /64: %v", err)
	}
	if err := call("2001:db8:0:1::1"); err != nil {
		t.Fatalf("another /64: %v", err)
	}
}

func TestSenderRateLimit(t *testing.T) {
	f := newFixture(t, server.Config{IPRate: -1, SenderRate: 1, SenderBurst: 1})
	submit := func(env []byte) error {
		_, err := f.client.SubmitEnvelope(t.Context(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: env}))
		return err
	}
	// Envelopes naming sender 0 that fail admission (a forger without the
	// key) do not use up sender 0's bucket.
	f.backend.SetSubmitErr(fmt.Errorf("%w: signed by someone else", mempool.ErrBadSignature))
	for range 5 {
		if err := submit(envelope(0, 1)); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Fatalf("forged envelope: %v", err)
		}
	}
	f.backend.SetSubmitErr(nil)
	if err := submit(envelope(0, 1)); err != nil {
		t.Fatalf("first admitted envelope: %v", err)
	}
	err := submit(envelope(0, 2))
	if connect.CodeOf(err) != connect.CodeResourceExhausted || reasonOf(err) != "RATE_LIMITED" {
		t.Fatalf("second envelope within the interval: %v", err)
	}
	if !strings.Contains(err.Error(), crypto.PubkeyToAddress(testKey(0).PublicKey).Hex()) {
		t.Fatalf("message does not name the sender: %v", err)
	}
	if err := submit(envelope(1, 1)); err != nil {
		t.Fatalf("another sender was limited: %v", err)
	}
	f.clock.advance(time.Second)
	if err := submit(envelope(0, 2)); err != nil {
		t.Fatalf("after the refill interval: %v", err)
	}
}

// watch opens a WatchTx stream and returns a function reading its next
// status (nil when the stream has ended) and one giving the stream's end
// error.
func watch(t *testing.T, c veilv1connect.SequencerServiceClient, h common.Hash) (func() *veilv1.TxStatus, func() error) {
	t.Helper()
	stream, err := c.WatchTx(t.Context(), connect.NewRequest(&veilv1.WatchTxRequest{TxHash: h.Hex()}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stream.Close() })
	next := func() *veilv1.TxStatus {
		if !stream.Receive() {
			return nil
		}
		return stream.Msg().GetStatus()
	}
	return next, stream.Err
}

func TestWatchTxLifecycle(t *testing.T) {
	for _, proto := range []string{"connect", "grpc", "grpc-web"} {
		t.Run(proto, func(t *testing.T) {
			f := newFixture(t, unlimited())
			var opts []connect.ClientOption
			switch proto {
			case "grpc":
				opts = append(opts, connect.WithGRPC())
			case "grpc-web":
				opts = append(opts, connect.WithGRPCWeb())
			}
			c := veilv1connect.NewSequencerServiceClient(f.mem.Client(), f.mem.URL(), opts...)
			h := common.HexToHash("0x77")
			next, end := watch(t, c, h)
			if st := next(); st.GetState() != veilv1.TxState_TX_STATE_UNKNOWN || st.GetTxHash() != api.FormatHash(h) {
				t.Fatalf("first status of an unseen hash: %v", st)
			}
			// The server subscribes before it sends the first status, so
			// every change from here on reaches the stream.
			steps := []api.TxStatus{
				{State: api.TxPending},
				{State: api.TxIncluded, Height: 43, Index: 2},
				{State: api.TxDecrypted, Height: 43, Index: 2, Level: api.LevelSoft},
				{State: api.TxDecrypted, Height: 43, Index: 2, Level: api.LevelFirm},
			}
			for i, step := range steps {
				step.Hash = h
				// A notification without a change sends nothing: the next
				// message is the real change.
				f.backend.Notify(h)
				f.backend.Set(step)
				st := next()
				if st == nil {
					t.Fatalf("step %d: stream ended: %v", i, end())
				}
				if st.GetState() != veilv1.TxState(step.State) || st.GetInclusion().GetIndex() != step.Index ||
					st.GetLevel() != veilv1.DecryptionLevel(step.Level) {
					t.Fatalf("step %d: got %v, want %v", i, st, step)
				}
			}
			if st := next(); st != nil {
				t.Fatalf("message after the final status: %v", st)
			}
			if err := end(); err != nil {
				t.Fatalf("stream ended with %v, want a clean end", err)
			}
		})
	}
}

func TestWatchTxFinalAtOnce(t *testing.T) {
	f := newFixture(t, unlimited())
	h := common.HexToHash("0x78")
	f.backend.Set(api.TxStatus{Hash: h, State: api.TxRejected, Reason: "evicted by higher fees"})
	next, end := watch(t, f.client, h)
	if st := next(); st.GetState() != veilv1.TxState_TX_STATE_REJECTED || st.GetReason() != "evicted by higher fees" {
		t.Fatalf("status %v", st)
	}
	if next() != nil || end() != nil {
		t.Fatalf("stream did not end cleanly after a final status: %v", end())
	}
}

func TestWatchTxBackendError(t *testing.T) {
	f := newFixture(t, unlimited())
	f.backend.SetStatusErr(errors.New("store: corrupted"))
	next, end := watch(t, f.client, common.HexToHash("0x79"))
	if st := next(); st != nil {
		t.Fatalf("status despite a backend error: %v", st)
	}
	if connect.CodeOf(end()) != connect.CodeInternal || strings.Contains(end().Error(), "corrupted") {
		t.Fatalf("end: %v", end())
	}
}

func TestWatchTxLimitAndDrain(t *testing.T) {
	f := newFixture(t, server.Config{IPRate: -1, SenderRate: -1, MaxWatchers: 1})
	h := common.HexToHash("0x80")
	next, end := watch(t, f.client, h)
	if next() == nil {
		t.Fatal(end())
	}
	next2, end2 := watch(t, f.client, h)
	if next2() != nil || connect.CodeOf(end2()) != connect.CodeResourceExhausted {
		t.Fatalf("watch past MaxWatchers: %v", end2())
	}

	f.server.Drain()
	if next() != nil || connect.CodeOf(end()) != connect.CodeUnavailable {
		t.Fatalf("watch after Drain: %v", end())
	}
	hc := grpchealth.NewClient(f.mem.Client(), f.mem.URL())
	for _, svc := range []string{"", veilv1connect.SequencerServiceName} {
		res, err := hc.Check(t.Context(), &grpchealth.CheckRequest{Service: svc})
		if err != nil || res.Status != grpchealth.StatusNotServing {
			t.Fatalf("health of %q after Drain: %v %v", svc, res, err)
		}
	}
	f.server.SetServing(true) // cannot come back after Drain
	if res, _ := hc.Check(t.Context(), &grpchealth.CheckRequest{}); res.Status != grpchealth.StatusNotServing {
		t.Fatal("SetServing(true) revived a drained server")
	}
}

func TestHealthAndReflection(t *testing.T) {
	f := newFixture(t, unlimited())
	hc := grpchealth.NewClient(f.mem.Client(), f.mem.URL(), connect.WithGRPC())
	res, err := hc.Check(t.Context(), &grpchealth.CheckRequest{Service: veilv1connect.SequencerServiceName})
	if err != nil || res.Status != grpchealth.StatusServing {
		t.Fatalf("health: %v %v", res, err)
	}
	f.server.SetServing(false)
	if res, _ := hc.Check(t.Context(), &grpchealth.CheckRequest{}); res.Status != grpchealth.StatusNotServing {
		t.Fatal("SetServing(false) not reported")
	}

	rc := grpcreflect.NewClient(f.mem.Client(), f.mem.URL())
	stream := rc.NewStream(t.Context())
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range names {
		found = found || n == veilv1connect.SequencerServiceName
	}
	if !found {
		t.Fatalf("reflection lists %v, missing the sequencer service", names)
	}
	if _, err := stream.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestServeAndShutdown runs the real listener path: h2c on loopback,
// then a graceful shutdown with a watch open.
func TestServeAndShutdown(t *testing.T) {
	backend := apitest.New(testParams())
	s, err := server.New(backend, server.Config{IPRate: -1, SenderRate: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	hc := &http.Client{Transport: &http.Transport{Protocols: protocols}}
	defer hc.CloseIdleConnections()
	url := "http://" + ln.Addr().String()
	c := veilv1connect.NewSequencerServiceClient(hc, url, connect.WithGRPC())
	if _, err := c.GetEncryptionParams(t.Context(), connect.NewRequest(&veilv1.GetEncryptionParamsRequest{})); err != nil {
		t.Fatalf("gRPC over h2c: %v", err)
	}
	next, end := watch(t, c, common.HexToHash("0x81"))
	if next() == nil {
		t.Fatal(end())
	}

	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
	if next() != nil || connect.CodeOf(end()) != connect.CodeUnavailable {
		t.Fatalf("open watch at shutdown: %v", end())
	}
	if err := s.Serve(t.Context(), ln); err == nil {
		t.Fatal("second Serve succeeded")
	}
}

func TestConfigValidation(t *testing.T) {
	b := apitest.New(testParams())
	if _, err := server.New(nil, server.Config{}); err == nil {
		t.Fatal("nil backend accepted")
	}
	for name, cfg := range map[string]server.Config{
		"negative MaxRequestBytes": {MaxRequestBytes: -1},
		"negative IPBurst":         {IPBurst: -1},
		"negative MaxWatchers":     {MaxWatchers: -1},
		"negative WatchTimeout":    {WatchTimeout: -time.Second},
	} {
		if _, err := server.New(b, cfg); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := server.New(b, server.Config{}); err != nil {
		t.Fatalf("zero Config: %v", err)
	}
}
