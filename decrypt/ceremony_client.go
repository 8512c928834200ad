package decrypt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"connectrpc.com/connect"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
)

// CeremonyNodes is a CeremonyClient over the KeyholderService of one or
// more nodes. It follows one node and moves to the next when a call
// cannot reach it (connection refused, UNAVAILABLE), so a member's run
// survives a node going down. Any node serves: the log is chain data.
type CeremonyNodes struct {
	clients []veilv1connect.KeyholderServiceClient
	urls    []string

	mu  sync.Mutex
	cur int
}

var _ CeremonyClient = (*CeremonyNodes)(nil)

// NewCeremonyNodes returns a client of the nodes at urls (API base URLs,
// http://host:port), in order of preference. httpClient may be nil.
func NewCeremonyNodes(httpClient *http.Client, urls ...string) (*CeremonyNodes, error) {
	if len(urls) == 0 {
		return nil, errors.New("decrypt: no node URL")
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &CeremonyNodes{urls: urls}
	for _, u := range urls {
		c.clients = append(c.clients, veilv1connect.NewKeyholderServiceClient(httpClient, u))
	}
	return c, nil
}

// call runs f against the current node, then each other node in turn
// while the failure is the node's unreachability.
func (c *CeremonyNodes) call(ctx context.Context, f func(veilv1connect.KeyholderServiceClient) error) error {
	c.mu.Lock()
	start := c.cur
	c.mu.Unlock()
	var err error
	for i := range c.clients {
		k := (start + i) % len(c.clients)
		if err = f(c.clients[k]); err == nil || !unreachable(ctx, err) {
			c.mu.Lock()
			c.cur = k
			c.mu.Unlock()
			return ceremonyError(err)
		}
	}
	return fmt.Errorf("decrypt: no node reachable (last tried %s): %w", c.urls[(start+len(c.urls)-1)%len(c.urls)], err)
}

func unreachable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeUnknown, connect.CodeUnimplemented:
		return true
	}
	return false
}

// ceremonyError gives a node's refusal the api sentinel of its code.
func ceremonyError(err error) error {
	if err == nil {
		return nil
	}
	var sentinel error
	switch connect.CodeOf(err) {
	case connect.CodeUnauthenticated:
		sentinel = api.ErrUnauthenticated
	case connect.CodePermissionDenied:
		sentinel = api.ErrPermissionDenied
	case connect.CodeInvalidArgument:
		sentinel = api.ErrDKGInvalid
	case connect.CodeAlreadyExists:
		sentinel = api.ErrDKGDuplicate
	case connect.CodeFailedPrecondition:
		sentinel = api.ErrDKGClosed
	case connect.CodeNotFound:
		sentinel = api.ErrNotFound
	default:
		return err
	}
	msg := err.Error()
	if ce := new(connect.Error); errors.As(err, &ce) {
		msg = ce.Message()
	}
	return fmt.Errorf("%w: %s", sentinel, msg)
}

// SubmitDKGMessage implements CeremonyClient.
func (c *CeremonyNodes) SubmitDKGMessage(ctx context.Context, tx []byte) error {
	return c.call(ctx, func(k veilv1connect.KeyholderServiceClient) error {
		_, err := k.SubmitDKGMessage(ctx, connect.NewRequest(&veilv1.SubmitDKGMessageRequest{Tx: tx}))
		return err
	})
}

// ListDKGMessages implements CeremonyClient.
func (c *CeremonyNodes) ListDKGMessages(ctx context.Context, eon uint64, from uint32) (api.DKGCeremony, error) {
	var out api.DKGCeremony
	err := c.call(ctx, func(k veilv1connect.KeyholderServiceClient) error {
		res, err := k.ListDKGMessages(ctx, connect.NewRequest(&veilv1.ListDKGMessagesRequest{Eon: eon, FromIndex: from}))
		if err != nil {
			return err
		}
		m := res.Msg
		out = api.DKGCeremony{
			Opening: m.GetOpening(), OpenedHeight: m.GetOpenedHeight(), Count: m.GetCount(),
			CommittedHeight: m.GetCommittedHeight(), Registered: m.GetRegistered(), ActivationHeight: m.GetActivationHeight(),
			Entries: make([]api.DKGLogEntry, len(m.GetEntries())),
		}
		for i, e := range m.GetEntries() {
			out.Entries[i] = api.DKGLogEntry{Index: e.GetIndex(), Height: e.GetHeight(), Tx: e.GetTx()}
		}
		return nil
	})
	return out, err
}
