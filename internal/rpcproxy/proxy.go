// Package rpcproxy is an Ethereum JSON-RPC endpoint that lets unmodified
// wallets submit through veil. It runs on the user's side (their machine or
// a service they trust): eth_sendRawTransaction's signed transaction is
// encrypted here, inside an envelope addressed to the transaction's rollup,
// so its plaintext never reaches the sequencer network before its position
// is final. Every other method is forwarded to the rollup's own RPC.
//
// One proxy serves several rollups, each at its own path: /{rollup id}
// (and / when it serves one rollup). A rollup id is the rollup's EVM chain
// id unless configured otherwise.
package rpcproxy

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
)

// Rollup is one rollup the proxy serves.
type Rollup struct {
	// ID is the veil rollup id envelopes are addressed to.
	ID uint64
	// ChainID is the rollup's EVM chain id; transactions for another chain
	// are refused. Default ID.
	ChainID uint64
	// Upstream is the rollup's own JSON-RPC URL, for every method the proxy
	// does not answer itself.
	Upstream string
}

// Config configures a Proxy.
type Config struct {
	// Sequencer is a veil node's wallet API base URL. Required.
	Sequencer string
	// Key signs the envelopes (and pays their fees on veil). Required. The
	// transaction inside keeps its own signature: the rollup sees the
	// wallet's sender, not this key.
	Key *ecdsa.PrivateKey
	// Rollups are the rollups served. Required.
	Rollups []Rollup
	// Fee is the fee each envelope offers; 0 means the chain's minimum.
	Fee uint64
	// MaxRequestBytes bounds a request body. Default 1 MiB.
	MaxRequestBytes int64
	// MaxBatch bounds a JSON-RPC batch. Default 100.
	MaxBatch int
	// HTTPClient reaches the upstreams. Default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Logger default discards.
	Logger *slog.Logger
}

func (c *Config) validate() error {
	switch {
	case c.Sequencer == "":
		return errors.New("rpcproxy: Config.Sequencer is required")
	case c.Key == nil:
		return errors.New("rpcproxy: Config.Key is required")
	case len(c.Rollups) == 0:
		return errors.New("rpcproxy: at least one rollup")
	}
	seen := map[uint64]bool{}
	for i := range c.Rollups {
		r := &c.Rollups[i]
		if r.ChainID == 0 {
			r.ChainID = r.ID
		}
		if seen[r.ID] {
			return fmt.Errorf("rpcproxy: rollup %d listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.Upstream == "" {
			return fmt.Errorf("rpcproxy: rollup %d has no upstream RPC URL", r.ID)
		}
	}
	if c.MaxRequestBytes <= 0 {
		c.MaxRequestBytes = 1 << 20
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 100
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Proxy is the JSON-RPC handler.
type Proxy struct {
	cfg     Config
	veil    *client.Client
	byID    map[uint64]*Rollup
	byChain map[uint64]*Rollup

	submitMu sync.Mutex // one envelope at a time: the proxy key's nonces
	nonce    uint64
	synced   bool
	params   *client.Params // cached; see paramsFresh
	fetched  time.Time

	mu       sync.Mutex
	inflight map[common.Hash]inflight // by Ethereum tx hash
}

// inflight is a transaction the proxy submitted and has not yet seen
// reach a final position.
type inflight struct {
	veilHash common.Hash
	rollup   uint64
	from     common.Address
	nonce    uint64
}

// New returns a proxy.
func New(cfg Config) (*Proxy, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c, err := client.Dial(cfg.Sequencer)
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, veil: c, byID: map[uint64]*Rollup{}, byChain: map[uint64]*Rollup{}, inflight: map[common.Hash]inflight{}}
	for i := range p.cfg.Rollups {
		r := &p.cfg.Rollups[i]
		p.byID[r.ID] = r
		if other, ok := p.byChain[r.ChainID]; ok {
			return nil, fmt.Errorf("rpcproxy: rollups %d and %d share chain id %d", other.ID, r.ID, r.ChainID)
		}
		p.byChain[r.ChainID] = r
	}
	return p, nil
}

// JSON-RPC 2.0 error codes.
const (
	codeParse          = -32700
	codeInvalidRequest = -32600
	codeNoMethod       = -32601
	codeInvalidParams  = -32602
	codeInternal       = -32603
	// codeServer is for errors of the veil path (admission, sequencer
	// unreachable), as Ethereum nodes use -32000 for send failures.
	codeServer = -32000
)

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return e.Message }

func errorf(code int, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}
}

type request struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id,omitempty"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "veil rpc-proxy: JSON-RPC over HTTP POST", http.StatusMethodNotAllowed)
		return
	}
	rollup, err := p.rollupFor(r.URL.Path)
	if err != nil {
		writeJSON(w, response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: err})
		return
	}
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, p.cfg.MaxRequestBytes))
	if readErr != nil {
		writeJSON(w, response{JSONRPC: "2.0", ID: json.RawMessage("null"),
			Error: errorf(codeInvalidRequest, "request larger than %d bytes", p.cfg.MaxRequestBytes)})
		return
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var reqs []json.RawMessage
		if err := json.Unmarshal(body, &reqs); err != nil {
			writeJSON(w, response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: errorf(codeParse, "parse error: %v", err)})
			return
		}
		if len(reqs) == 0 || len(reqs) > p.cfg.MaxBatch {
			writeJSON(w, response{JSONRPC: "2.0", ID: json.RawMessage("null"),
				Error: errorf(codeInvalidRequest, "a batch holds 1..%d requests, not %d", p.cfg.MaxBatch, len(reqs))})
			return
		}
		out := make([]response, 0, len(reqs))
		for _, raw := range reqs {
			if res, ok := p.handle(r.Context(), rollup, raw); ok {
				out = append(out, res)
			}
		}
		writeJSON(w, out)
		return
	}
	res, ok := p.handle(r.Context(), rollup, body)
	if !ok {
		w.WriteHeader(http.StatusNoContent) // a notification
		return
	}
	writeJSON(w, res)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (p *Proxy) rollupFor(path string) (*Rollup, *rpcError) {
	s := strings.Trim(path, "/")
	if s == "" {
		if len(p.cfg.Rollups) == 1 {
			return &p.cfg.Rollups[0], nil
		}
		return nil, errorf(codeInvalidRequest, "this proxy serves several rollups: use the path /{rollup id}")
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || p.byID[id] == nil {
		return nil, errorf(codeInvalidRequest, "no rollup %q here", s)
	}
	return p.byID[id], nil
}

// handle answers one request; ok is false for a notification (no id).
func (p *Proxy) handle(ctx context.Context, rollup *Rollup, raw json.RawMessage) (response, bool) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil || req.Method == "" {
		return response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: errorf(codeInvalidRequest, "not a JSON-RPC 2.0 request")}, true
	}
	res := response{JSONRPC: "2.0", ID: req.ID}
	if len(res.ID) == 0 {
		res.ID = json.RawMessage("null")
	}
	result, err := p.call(ctx, rollup, req, raw)
	if err != nil {
		var re *rpcError
		if !errors.As(err, &re) {
			re = errorf(codeInternal, "%v", err)
		}
		res.Error = re
	} else {
		res.Result = result
	}
	return res, len(req.ID) > 0
}

func (p *Proxy) call(ctx context.Context, rollup *Rollup, req request, raw json.RawMessage) (any, error) {
	switch req.Method {
	case "eth_sendRawTransaction":
		var s string
		if err := param(req, 0, &s); err != nil {
			return nil, err
		}
		return p.sendRaw(ctx, rollup, s)
	case "eth_chainId":
		return hexutil.Uint64(rollup.ChainID), nil
	case "eth_getTransactionCount":
		return p.transactionCount(ctx, rollup, req, raw)
	case "veil_getStatus":
		var s string
		if err := param(req, 0, &s); err != nil {
			return nil, err
		}
		return p.status(ctx, s)
	case "veil_sendBundle":
		var txs []string
		if err := param(req, 0, &txs); err != nil {
			return nil, err
		}
		return p.sendBundle(ctx, txs)
	case "eth_sendTransaction", "eth_sign", "eth_signTransaction":
		return nil, errorf(codeNoMethod, "%s: this proxy holds no wallet keys; sign in the wallet and use eth_sendRawTransaction", req.Method)
	}
	if strings.HasPrefix(req.Method, "veil_") {
		return nil, errorf(codeNoMethod, "the method %s does not exist", req.Method)
	}
	return p.forward(ctx, rollup, raw)
}

func param(req request, i int, v any) error {
	if len(req.Params) <= i {
		return errorf(codeInvalidParams, "%s: missing parameter %d", req.Method, i)
	}
	if err := json.Unmarshal(req.Params[i], v); err != nil {
		return errorf(codeInvalidParams, "%s: parameter %d: %v", req.Method, i, err)
	}
	return nil
}

// decodeTx decodes a signed transaction and checks what the proxy must:
// a supported type, the chain id, a recoverable sender.
func (p *Proxy) decodeTx(s string, want *Rollup) (*types.Transaction, common.Address, *Rollup, error) {
	b, err := hexutil.Decode(s)
	if err != nil {
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "raw transaction: %v", err)
	}
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(b); err != nil {
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "raw transaction does not decode: %v", err)
	}
	switch tx.Type() {
	case types.LegacyTxType, types.AccessListTxType, types.DynamicFeeTxType, types.SetCodeTxType:
	case types.BlobTxType:
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "blob transactions (type 3) are not sequenced by veil: submit blobs to L1")
	default:
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "unsupported transaction type %d", tx.Type())
	}
	chain := tx.ChainId()
	if tx.Type() == types.LegacyTxType && !tx.Protected() {
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "legacy transaction without EIP-155 replay protection: sign it with a chain id")
	}
	r := want
	if r == nil {
		if !chain.IsUint64() || p.byChain[chain.Uint64()] == nil {
			return nil, common.Address{}, nil, errorf(codeInvalidParams, "chain id %s is not a rollup this proxy serves", chain)
		}
		r = p.byChain[chain.Uint64()]
	} else if chain.Cmp(new(big.Int).SetUint64(r.ChainID)) != 0 {
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "transaction signed for chain id %s, this endpoint is rollup %d with chain id %d", chain, r.ID, r.ChainID)
	}
	from, err := types.Sender(types.LatestSignerForChainID(chain), tx)
	if err != nil {
		return nil, common.Address{}, nil, errorf(codeInvalidParams, "invalid transaction signature: %v", err)
	}
	return tx, from, r, nil
}

func (p *Proxy) sendRaw(ctx context.Context, rollup *Rollup, s string) (any, error) {
	tx, from, r, err := p.decodeTx(s, rollup)
	if err != nil {
		return nil, err
	}
	raw, _ := tx.MarshalBinary()
	veilHash, err := p.submit(ctx, []client.Leg{{Rollup: r.ID, Data: raw}})
	if err != nil {
		return nil, err
	}
	p.track(tx.Hash(), inflight{veilHash: veilHash, rollup: r.ID, from: from, nonce: tx.Nonce()})
	return tx.Hash(), nil
}

func (p *Proxy) sendBundle(ctx context.Context, raws []string) (any, error) {
	if len(raws) < 1 || len(raws) > mempool.MaxRollups {
		return nil, errorf(codeInvalidParams, "veil_sendBundle takes 1..%d raw transactions, one per rollup", mempool.MaxRollups)
	}
	var legs []client.Leg
	type item struct {
		tx   *types.Transaction
		from common.Address
		r    *Rollup
	}
	var items []item
	for _, s := range raws {
		tx, from, r, err := p.decodeTx(s, nil)
		if err != nil {
			return nil, err
		}
		for _, l := range legs {
			if l.Rollup == r.ID {
				return nil, errorf(codeInvalidParams, "two transactions for rollup %d: a bundle carries one leg per rollup", r.ID)
			}
		}
		raw, _ := tx.MarshalBinary()
		legs = append(legs, client.Leg{Rollup: r.ID, Data: raw})
		items = append(items, item{tx, from, r})
	}
	sortLegs(legs)
	veilHash, err := p.submit(ctx, legs)
	if err != nil {
		return nil, err
	}
	hashes := make([]common.Hash, len(items))
	for i, it := range items {
		p.track(it.tx.Hash(), inflight{veilHash: veilHash, rollup: it.r.ID, from: it.from, nonce: it.tx.Nonce()})
		hashes[i] = it.tx.Hash()
	}
	return map[string]any{"veilTxHash": veilHash, "txHashes": hashes}, nil
}

func sortLegs(legs []client.Leg) {
	for i := 1; i < len(legs); i++ {
		for j := i; j > 0 && legs[j].Rollup < legs[j-1].Rollup; j-- {
			legs[j], legs[j-1] = legs[j-1], legs[j]
		}
	}
}

// submit seals legs in an envelope from the proxy key and submits it. An
// eon rotation between fetching the parameters and admission is retried
// once with fresh parameters; a nonce the proxy lost track of is re-read.
func (p *Proxy) submit(ctx context.Context, legs []client.Leg) (common.Hash, error) {
	p.submitMu.Lock()
	defer p.submitMu.Unlock()
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		params, err := p.paramsFresh(ctx, attempt > 0)
		if err != nil {
			return common.Hash{}, unreachable(err)
		}
		if !p.synced {
			acct, err := p.veil.Account(ctx, client.Address(p.cfg.Key))
			if err != nil {
				return common.Hash{}, unreachable(err)
			}
			p.nonce, p.synced = acct.PendingNonce, true
		}
		env, err := client.Seal(rand.Reader, params, p.cfg.Key, client.Tx{Legs: legs, Nonce: p.nonce, Fee: p.cfg.Fee})
		if err != nil {
			return common.Hash{}, errorf(codeInvalidParams, "%v", err)
		}
		h, err := p.veil.Submit(ctx, env)
		if err == nil {
			p.nonce++
			return h, nil
		}
		lastErr = err
		switch {
		case errors.Is(err, mempool.ErrUnknownEon), errors.Is(err, mempool.ErrEonNotActive):
			continue // the eon rotated: reseal once with fresh parameters
		case errors.Is(err, mempool.ErrNonceTooLow), errors.Is(err, mempool.ErrNonceGap):
			p.synced = false
			continue
		}
		break
	}
	if isTransport(lastErr) {
		return common.Hash{}, unreachable(lastErr)
	}
	return common.Hash{}, errorf(codeServer, "veil refused the envelope: %v", lastErr)
}

// paramsMaxAge bounds how old the cached encryption parameters may be: the
// envelope's expiry is counted from their latest height, so stale
// parameters shorten an envelope's life by their age.
const paramsMaxAge = 2 * time.Second

// paramsFresh returns the encryption parameters, fetching them again when
// older than paramsMaxAge or when force is set (after an eon rotation).
// Parsing an eon key costs milliseconds, so it is not done per request.
func (p *Proxy) paramsFresh(ctx context.Context, force bool) (*client.Params, error) {
	if !force && p.params != nil && time.Since(p.fetched) < paramsMaxAge {
		return p.params, nil
	}
	params, err := p.veil.Params(ctx)
	if err != nil {
		return nil, err
	}
	p.params, p.fetched = params, time.Now()
	return params, nil
}

func isTransport(err error) bool {
	s := err.Error()
	return strings.Contains(s, "unavailable") || strings.Contains(s, "connection refused") || strings.Contains(s, "no such host")
}

func unreachable(err error) error {
	return errorf(codeServer, "veil sequencer unreachable: %v", err)
}

func (p *Proxy) track(h common.Hash, f inflight) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight[h] = f
}

// transactionCount answers eth_getTransactionCount from the rollup, and for
// "pending" also counts the sender's transactions the proxy has in flight,
// so a wallet can send several in a row.
func (p *Proxy) transactionCount(ctx context.Context, rollup *Rollup, req request, raw json.RawMessage) (any, error) {
	var addr common.Address
	if err := param(req, 0, &addr); err != nil {
		return nil, err
	}
	var block string
	if len(req.Params) > 1 {
		_ = json.Unmarshal(req.Params[1], &block)
	}
	up, err := p.forward(ctx, rollup, raw)
	if err != nil || block != "pending" {
		return up, err
	}
	var n hexutil.Uint64
	if err := json.Unmarshal(up.(json.RawMessage), &n); err != nil {
		return nil, errorf(codeInternal, "rollup RPC answered eth_getTransactionCount with %s", up)
	}
	next := uint64(n)
	p.mu.Lock()
	for h, f := range p.inflight {
		if f.rollup != rollup.ID || f.from != addr {
			continue
		}
		if f.nonce < uint64(n) {
			delete(p.inflight, h) // the rollup has executed it
			continue
		}
		next = max(next, f.nonce+1)
	}
	p.mu.Unlock()
	return hexutil.Uint64(next), nil
}

// status answers veil_getStatus for an Ethereum transaction hash the proxy
// submitted.
func (p *Proxy) status(ctx context.Context, s string) (any, error) {
	h, err := api.ParseHash(s)
	if err != nil {
		return nil, errorf(codeInvalidParams, "%v", err)
	}
	p.mu.Lock()
	f, ok := p.inflight[h]
	p.mu.Unlock()
	if !ok {
		return nil, errorf(codeInvalidParams, "transaction %s was not sent through this proxy", h)
	}
	st, err := p.veil.Status(ctx, f.veilHash)
	if err != nil {
		return nil, unreachable(err)
	}
	out := map[string]any{
		"veilTxHash": f.veilHash,
		"state":      st.State.String(),
		"rollup":     hexutil.Uint64(f.rollup),
	}
	if st.Included() {
		out["height"] = hexutil.Uint64(st.Height)
		out["index"] = hexutil.Uint64(st.Index)
	}
	if st.Level != 0 {
		out["level"] = st.Level.String()
	}
	if st.Reason != "" {
		out["reason"] = st.Reason
	}
	return out, nil
}

// forward sends the request to the rollup's RPC and returns its result.
func (p *Proxy) forward(ctx context.Context, rollup *Rollup, raw json.RawMessage) (any, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, rollup.Upstream, bytes.NewReader(raw))
	if err != nil {
		return nil, errorf(codeInternal, "rollup %d RPC URL: %v", rollup.ID, err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	res, err := p.cfg.HTTPClient.Do(hreq)
	if err != nil {
		return nil, errorf(codeServer, "rollup %d RPC unreachable: %v", rollup.ID, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, errorf(codeServer, "rollup %d RPC: %v", rollup.ID, err)
	}
	var up struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(body, &up); err != nil {
		return nil, errorf(codeServer, "rollup %d RPC answered HTTP %d with a body that is not JSON-RPC", rollup.ID, res.StatusCode)
	}
	if up.Error != nil {
		return nil, up.Error
	}
	if up.Result == nil {
		return json.RawMessage("null"), nil
	}
	return up.Result, nil
}
