package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/internal/convert"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// Client talks to one node's SequencerService. It is safe for concurrent
// use.
type Client struct {
	rpc  veilv1connect.SequencerServiceClient
	feed veilv1connect.RollupFeedServiceClient

	mu   sync.Mutex
	encs map[string]*threshold.Encrypter // by eon key encoding
}

// An Option configures Dial.
type Option interface {
	apply(*config)
}

type config struct {
	httpClient connect.HTTPClient
	grpc       bool
	opts       []connect.ClientOption
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithHTTPClient makes the client send requests with hc (for TLS settings,
// proxies, timeouts, or an in-memory transport in tests). The default
// speaks HTTP/1.1 to http:// URLs and HTTP/2 to https:// URLs, or h2c
// with WithGRPC.
func WithHTTPClient(hc connect.HTTPClient) Option {
	return optionFunc(func(c *config) { c.httpClient = hc })
}

// WithGRPC speaks the gRPC protocol instead of Connect's (both reach the
// same server). Over http:// URLs it needs cleartext HTTP/2, which the
// default HTTP client then uses.
func WithGRPC() Option {
	return optionFunc(func(c *config) { c.grpc = true })
}

// WithConnectOptions passes options to the underlying Connect client
// (interceptors, compression, read limits).
func WithConnectOptions(opts ...connect.ClientOption) Option {
	return optionFunc(func(c *config) { c.opts = append(c.opts, opts...) })
}

// Dial returns a client for the node at baseURL (for example
// "http://127.0.0.1:26670"). Like grpc.NewClient it does not connect:
// the first call does.
func Dial(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("client: node URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: node URL %q: want http://host:port or https://host:port", baseURL)
	}
	var cfg config
	for _, o := range opts {
		o.apply(&cfg)
	}
	if cfg.httpClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.grpc && u.Scheme == "http" {
			p := new(http.Protocols)
			p.SetUnencryptedHTTP2(true)
			t.Protocols = p
		}
		cfg.httpClient = &http.Client{Transport: t}
	}
	copts := cfg.opts
	if cfg.grpc {
		copts = append([]connect.ClientOption{connect.WithGRPC()}, copts...)
	}
	return &Client{
		rpc:  veilv1connect.NewSequencerServiceClient(cfg.httpClient, u.String(), copts...),
		feed: veilv1connect.NewRollupFeedServiceClient(cfg.httpClient, u.String(), copts...),
		encs: make(map[string]*threshold.Encrypter),
	}, nil
}

// Params fetches the node's encryption parameters and parses the eon key.
// Reuse them for many envelopes; fetch again when the node answers
// mempool.ErrUnknownEon or mempool.ErrEonNotActive, and to move the
// default expiry forward (it counts from Params.LatestHeight).
func (c *Client) Params(ctx context.Context) (*Params, error) {
	res, err := c.rpc.GetEncryptionParams(ctx, connect.NewRequest(&veilv1.GetEncryptionParamsRequest{}))
	if err != nil {
		return nil, convert.FromConnect(err)
	}
	p, err := convert.ParamsFromProto(res.Msg.GetParams())
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	c.mu.Lock()
	enc := c.encs[string(p.Eon.PublicKey)]
	var nextEnc *threshold.Encrypter
	if p.NextEon != nil {
		nextEnc = c.encs[string(p.NextEon.PublicKey)]
	}
	c.mu.Unlock()
	params, err := newParams(p, enc, nextEnc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.encs[string(p.Eon.PublicKey)] = params.enc
	if params.nextEnc != nil {
		c.encs[string(p.NextEon.PublicKey)] = params.nextEnc
	}
	c.mu.Unlock()
	return params, nil
}

// Account returns addr's balance and nonces. Use PendingNonce for the next
// envelope.
func (c *Client) Account(ctx context.Context, addr common.Address) (api.Account, error) {
	res, err := c.rpc.GetAccount(ctx, connect.NewRequest(&veilv1.GetAccountRequest{Address: addr.Hex()}))
	if err != nil {
		return api.Account{}, convert.FromConnect(err)
	}
	a, err := convert.AccountFromProto(res.Msg.GetAccount())
	if err != nil {
		return api.Account{}, fmt.Errorf("client: %w", err)
	}
	return a, nil
}

// Submit sends a sealed envelope and returns its transaction hash, once
// the node has admitted it to its mempool. An admission failure matches
// the mempool sentinel that caused it (errors.Is).
func (c *Client) Submit(ctx context.Context, env *mempool.Envelope) (common.Hash, error) {
	if err := env.Validate(); err != nil {
		return common.Hash{}, fmt.Errorf("client: %w", err)
	}
	return c.SubmitRaw(ctx, env.Encode())
}

// SubmitRaw sends an envelope already encoded. It decodes it first, so a
// malformed envelope fails here with the error the node would give, and
// checks that the node names the hash the envelope has.
func (c *Client) SubmitRaw(ctx context.Context, envelope []byte) (common.Hash, error) {
	env, err := mempool.Decode(envelope)
	if err != nil {
		return common.Hash{}, fmt.Errorf("client: %w", err)
	}
	want := common.Hash(env.Hash())
	res, err := c.rpc.SubmitEnvelope(ctx, connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: envelope}))
	if err != nil {
		return common.Hash{}, convert.FromConnect(err)
	}
	h, err := api.ParseHash(res.Msg.GetTxHash())
	if err != nil {
		return common.Hash{}, fmt.Errorf("client: node's answer: %w", err)
	}
	if h != want {
		return common.Hash{}, fmt.Errorf("client: node answered hash %s for envelope %s", api.FormatHash(h), api.FormatHash(want))
	}
	return h, nil
}

// Status returns the transaction's current status; an unknown hash is an
// error matching api.ErrNotFound.
func (c *Client) Status(ctx context.Context, hash common.Hash) (api.TxStatus, error) {
	res, err := c.rpc.GetTxStatus(ctx, connect.NewRequest(&veilv1.GetTxStatusRequest{TxHash: api.FormatHash(hash)}))
	if err != nil {
		return api.TxStatus{}, convert.FromConnect(err)
	}
	st, err := convert.StatusFromProto(res.Msg.GetStatus())
	if err != nil {
		return api.TxStatus{}, fmt.Errorf("client: %w", err)
	}
	return st, nil
}

// Block returns the committed block at height (0: the latest).
func (c *Client) Block(ctx context.Context, height uint64) (api.Block, error) {
	res, err := c.rpc.GetBlock(ctx, connect.NewRequest(&veilv1.GetBlockRequest{Height: height}))
	if err != nil {
		return api.Block{}, convert.FromConnect(err)
	}
	b, err := convert.BlockFromProto(res.Msg.GetBlock())
	if err != nil {
		return api.Block{}, fmt.Errorf("client: %w", err)
	}
	return b, nil
}

// errStreamEnded reports a watch the server ended cleanly before a final
// status, which a correct server never does.
var errStreamEnded = errors.New("client: the node ended the watch before the transaction was final")
