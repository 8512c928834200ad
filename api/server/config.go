package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/mempool"
)

// Config configures a Server. The zero value is usable: New fills in every
// unset field with the default its comment names.
type Config struct {
	// Addr is the TCP address ListenAndServe listens on. Default
	// "127.0.0.1:26670" (loopback: expose the API deliberately).
	Addr string

	// Logger receives the server's logs. Default slog.Default().
	Logger *slog.Logger

	// MaxRequestBytes bounds one request message as received, after
	// decompression. Default twice mempool.MaxEnvelopeSize, which leaves
	// room for an envelope of the largest size sent as base64 in JSON.
	// Larger requests fail with RESOURCE_EXHAUSTED before they are
	// decoded.
	MaxRequestBytes int

	// IPRate and IPBurst limit the requests of one client IP (one /64 for
	// IPv6) to all SequencerService methods, as a token bucket refilled at
	// IPRate a second holding at most IPBurst. Defaults 50 and 100. A
	// negative IPRate disables the limit (a test network, or a node behind
	// a proxy that limits for it).
	IPRate  float64
	IPBurst int

	// SenderRate and SenderBurst limit the envelopes one sender gets
	// admitted, the same way. An envelope that fails admission is charged
	// to its IP only, so nobody can drain a sender's bucket without the
	// sender's key. Defaults 10 and 50; negative SenderRate disables.
	SenderRate  float64
	SenderBurst int

	// MaxRateKeys bounds how many IPs and how many senders the limiters
	// track each. Default 100,000.
	MaxRateKeys int

	// ClientIP names the client a request is charged to. Default: the
	// peer's IP address. Behind a reverse proxy, return the address the
	// proxy forwards (and only trust that header from the proxy).
	ClientIP func(peer connect.Peer, header http.Header) string

	// MaxWatchers bounds concurrent WatchTx streams. Default 4,096.
	MaxWatchers int

	// WatchTimeout bounds one WatchTx stream; the client resumes with a new
	// call. Default 10 minutes.
	WatchTimeout time.Duration

	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// after its context is done before it closes connections. Default 10 s.
	ShutdownTimeout time.Duration

	// ReadHeaderTimeout and IdleTimeout are those of http.Server. Defaults
	// 10 s and 2 minutes.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration

	// Now is the clock of the rate limiters. Default time.Now.
	Now func() time.Time

	// Keyholder, if set, serves veil.v1.KeyholderService from the same
	// handler. Its calls are authenticated by the backend (member
	// signatures) and are not charged to the IP rate limit.
	Keyholder KeyholderBackend

	// RollupFeed, if set, serves veil.v1.RollupFeedService from the same
	// handler.
	RollupFeed RollupFeedBackend
}

// validate fills in defaults and rejects values that cannot work.
func (c *Config) validate() error {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:26670"
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = 2 * mempool.MaxEnvelopeSize
	}
	if c.MaxRequestBytes < 0 {
		return errors.New("server: MaxRequestBytes must not be negative")
	}
	if c.IPRate == 0 {
		c.IPRate = 50
	}
	if c.IPBurst == 0 {
		c.IPBurst = 100
	}
	if c.SenderRate == 0 {
		c.SenderRate = 10
	}
	if c.SenderBurst == 0 {
		c.SenderBurst = 50
	}
	if c.IPBurst < 0 || c.SenderBurst < 0 {
		return errors.New("server: IPBurst and SenderBurst must not be negative")
	}
	if c.MaxRateKeys == 0 {
		c.MaxRateKeys = 100_000
	}
	if c.ClientIP == nil {
		c.ClientIP = peerIP
	}
	if c.MaxWatchers == 0 {
		c.MaxWatchers = 4096
	}
	if c.WatchTimeout == 0 {
		c.WatchTimeout = 10 * time.Minute
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	for name, v := range map[string]int{"MaxRateKeys": c.MaxRateKeys, "MaxWatchers": c.MaxWatchers} {
		if v < 0 {
			return fmt.Errorf("server: %s must not be negative", name)
		}
	}
	for name, v := range map[string]time.Duration{
		"WatchTimeout": c.WatchTimeout, "ShutdownTimeout": c.ShutdownTimeout,
		"ReadHeaderTimeout": c.ReadHeaderTimeout, "IdleTimeout": c.IdleTimeout,
	} {
		if v < 0 {
			return fmt.Errorf("server: %s must not be negative", name)
		}
	}
	return nil
}
