// Package server serves veil's SequencerService: Connect, gRPC, gRPC-Web
// and Connect's JSON on one HTTP handler and one port (HTTP/1.1 and
// cleartext HTTP/2), with gRPC health checks and server reflection, so
// curl, grpcurl, buf curl, browsers and the Go SDK all reach the same
// endpoints.
//
// The node implements Backend. The server adds what belongs to the edge and
// nothing else: request parsing and size limits, per-IP and per-sender rate
// limits, the translation of mempool's errors into Connect codes (the only
// place that happens), and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/internal/convert"
	"github.com/veilseq/veil/api/internal/ratelimit"
)

// Server is the API server of one node. Create it with New; serve it with
// Serve or ListenAndServe, or mount Handler in an http.Server of your own
// (then call Drain before shutting that server down).
type Server struct {
	cfg     Config
	backend Backend
	log     *slog.Logger

	ipLimit     *ratelimit.Limiter // nil: disabled
	senderLimit *ratelimit.Limiter // nil: disabled
	watchers    chan struct{}      // a semaphore of MaxWatchers slots
	health      *grpchealth.StaticChecker
	handler     http.Handler

	draining  chan struct{}
	drainOnce sync.Once
	served    atomic.Bool
}

// New returns a server over backend. It fills cfg's defaults and rejects
// invalid values.
func New(backend Backend, cfg Config) (*Server, error) {
	if backend == nil {
		return nil, errors.New("server: nil Backend")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		backend:  backend,
		log:      cfg.Logger,
		watchers: make(chan struct{}, cfg.MaxWatchers),
		health:   grpchealth.NewStaticChecker(veilv1connect.SequencerServiceName),
		draining: make(chan struct{}),
	}
	if cfg.IPRate > 0 {
		s.ipLimit = ratelimit.New(cfg.IPRate, cfg.IPBurst, cfg.MaxRateKeys, cfg.Now)
	}
	if cfg.SenderRate > 0 {
		s.senderLimit = ratelimit.New(cfg.SenderRate, cfg.SenderBurst, cfg.MaxRateKeys, cfg.Now)
	}

	recoverOpt := connect.WithRecover(func(_ context.Context, spec connect.Spec, _ http.Header, p any) error {
		s.log.Error("api: handler panicked", "procedure", spec.Procedure, "panic", p, "stack", string(debug.Stack()))
		return connect.NewError(connect.CodeInternal, errors.New("internal error"))
	})
	opts := []connect.HandlerOption{
		connect.WithReadMaxBytes(cfg.MaxRequestBytes),
		connect.WithRequestGate(s.ipGate),
		recoverOpt,
	}
	mux := http.NewServeMux()
	mux.Handle(veilv1connect.NewSequencerServiceHandler(&service{s}, opts...))
	services := []string{veilv1connect.SequencerServiceName, grpchealth.HealthV1ServiceName}
	if cfg.Keyholder != nil {
		mux.Handle(veilv1connect.NewKeyholderServiceHandler(&keyholderService{s},
			connect.WithReadMaxBytes(keyholderMaxBytes), recoverOpt))
		services = append(services, veilv1connect.KeyholderServiceName)
	}
	if cfg.RollupFeed != nil {
		mux.Handle(veilv1connect.NewRollupFeedServiceHandler(&rollupFeedService{s}, opts...))
		services = append(services, veilv1connect.RollupFeedServiceName)
	}
	// Health and reflection are not rate limited: probes and tooling must
	// get through when clients are being throttled.
	small := []connect.HandlerOption{connect.WithReadMaxBytes(64 << 10), recoverOpt}
	mux.Handle(grpchealth.NewHandler(s.health, small...))
	reflector := grpcreflect.NewStaticReflector(services...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector, small...))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector, small...))
	// A whole request body may hold at most one maximal message plus the
	// gRPC frame prefix; this caps bodies of any content type.
	s.handler = http.MaxBytesHandler(mux, int64(max(cfg.MaxRequestBytes, keyholderMaxBytes))+1024)
	return s, nil
}

// Handler returns the HTTP handler serving every protocol. Serve it over
// HTTP/2 (h2c or TLS) for gRPC; Connect and gRPC-Web also work over
// HTTP/1.1.
func (s *Server) Handler() http.Handler { return s.handler }

// SetServing sets what the gRPC health service reports for the overall
// server and for veil.v1.SequencerService: the node can report not serving
// while it catches up. Drain sets it to false for good.
func (s *Server) SetServing(serving bool) {
	st := grpchealth.StatusNotServing
	if serving {
		select {
		case <-s.draining:
		default:
			st = grpchealth.StatusServing
		}
	}
	s.health.SetStatus("", st)
	s.health.SetStatus(veilv1connect.SequencerServiceName, st)
}

// Drain begins shutting the API down: health checks report not serving
// and open WatchTx streams end with UNAVAILABLE, so that an
// http.Server.Shutdown that follows does not wait on them. Unary calls in
// flight finish normally. Serve calls it; call it yourself when serving
// Handler from your own http.Server. It is idempotent.
func (s *Server) Drain() {
	s.drainOnce.Do(func() {
		close(s.draining)
		s.SetServing(false)
	})
}

// ListenAndServe listens on cfg.Addr and serves until ctx is done, then
// shuts down gracefully. See Serve.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln (HTTP/1.1 and h2c) until ctx is done, then drains,
// waits up to cfg.ShutdownTimeout for in-flight requests, and closes what
// remains. It returns nil after a clean shutdown. A Server serves once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if !s.served.CompareAndSwap(false, true) {
		ln.Close()
		return errors.New("server: Serve called twice")
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	hs := &http.Server{
		Handler:           s.handler,
		Protocols:         protocols,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.log.Info("api: serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	select {
	case err := <-errc:
		s.Drain()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("api: shutting down", "timeout", s.cfg.ShutdownTimeout)
	s.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		s.log.Warn("api: shutdown timed out; closing connections", "err", err)
		hs.Close()
	}
	<-errc // http.ErrServerClosed
	if err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// ipGate charges a request to its client IP before the message is read.
func (s *Server) ipGate(ctx context.Context, _ connect.Spec, peer connect.Peer, header http.Header) (context.Context, error) {
	if s.ipLimit == nil {
		return ctx, nil
	}
	key := s.cfg.ClientIP(peer, header)
	if ok, wait := s.ipLimit.Take(key); !ok {
		return ctx, rateLimited(wait, "too many requests from this address")
	}
	return ctx, nil
}

// rateLimited builds the RESOURCE_EXHAUSTED error of a rate limit, with a
// RetryInfo detail and a Retry-After header saying when to retry.
func rateLimited(wait time.Duration, what string) *connect.Error {
	secs := int64((wait + time.Second - 1) / time.Second)
	ce := convert.NewError(connect.CodeResourceExhausted, "RATE_LIMITED",
		fmt.Sprintf("%s; retry in %ds", what, secs))
	if d, err := connect.NewErrorDetail(&errdetails.RetryInfo{RetryDelay: durationpb.New(wait)}); err == nil {
		ce.AddDetail(d)
	}
	ce.Meta().Set("Retry-After", fmt.Sprint(secs))
	return ce
}

// peerIP is the default Config.ClientIP: the peer's IP address, IPv4 as
// is, IPv6 as its /64 (one host usually holds a whole /64).
func peerIP(peer connect.Peer, _ http.Header) string {
	var addr netip.Addr
	if ap, err := netip.ParseAddrPort(peer.Addr); err == nil {
		addr = ap.Addr()
	} else if a, err := netip.ParseAddr(peer.Addr); err == nil {
		addr = a
	} else {
		return peer.Addr
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// toConnect maps a backend error for the client. Errors without a meaning
// for clients are logged here and reported without their text.
func (s *Server) toConnect(procedure string, err error) error {
	if ce := convert.ToConnect(err); ce != nil {
		s.log.Debug("api: request failed", "procedure", procedure, "code", ce.Code().String(), "err", err)
		return ce
	}
	s.log.Error("api: backend error", "procedure", procedure, "err", err)
	return connect.NewError(connect.CodeInternal, errors.New("internal error; the node's log has details"))
}

// badRequest is an INVALID_ARGUMENT about a request field (not an
// envelope).
func badRequest(format string, args ...any) *connect.Error {
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf(format, args...))
}
