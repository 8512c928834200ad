// Package memhttp serves an http.Handler over in-memory pipes, so API tests
// use no ports. Connections speak HTTP/1.1 or cleartext HTTP/2, and each
// client can present its own remote IP address to the server, which is
// how the per-IP rate limit is tested.
package memhttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
)

// Server is an http.Server listening on an in-memory listener.
type Server struct {
	srv  *http.Server
	ln   *listener
	done chan error
}

// New serves h until the test ends.
func New(t testing.TB, h http.Handler) *Server {
	t.Helper()
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	s := &Server{
		srv:  &http.Server{Handler: h, Protocols: protocols},
		ln:   &listener{conns: make(chan net.Conn), closed: make(chan struct{})},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(s.ln) }()
	t.Cleanup(func() {
		s.srv.Close()
		<-s.done
	})
	return s
}

// URL is the base URL clients use; its host is never resolved.
func (s *Server) URL() string { return "http://veil.test" }

// Client returns an HTTP/2 (h2c) client whose connections come from
// 192.0.2.1.
func (s *Server) Client() *http.Client { return s.ClientFrom("192.0.2.1") }

// ClientFrom returns an HTTP/2 (h2c) client whose connections the server
// sees coming from ip.
func (s *Server) ClientFrom(ip string) *http.Client {
	return &http.Client{Transport: s.transport(ip, true)}
}

// ClientHTTP1 returns an HTTP/1.1 client from 192.0.2.1.
func (s *Server) ClientHTTP1() *http.Client {
	return &http.Client{Transport: s.transport("192.0.2.1", false)}
}

func (s *Server) transport(ip string, h2 bool) *http.Transport {
	addr := net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 40000))
	protocols := new(http.Protocols)
	if h2 {
		protocols.SetUnencryptedHTTP2(true)
	} else {
		protocols.SetHTTP1(true)
	}
	return &http.Transport{
		Protocols: protocols,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			server, client := net.Pipe()
			select {
			case s.ln.conns <- &conn{Conn: server, remote: addr}:
				return client, nil
			case <-s.ln.closed:
				return nil, errors.New("memhttp: server closed")
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
}

type listener struct {
	conns  chan net.Conn
	once   sync.Once
	closed chan struct{}
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *listener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// conn is the server end of a pipe, reporting the client's chosen address.
type conn struct {
	net.Conn
	remote net.Addr
}

func (c *conn) RemoteAddr() net.Addr { return c.remote }
