package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/internal/convert"
)

// Until is how far Wait waits.
type Until int

const (
	// UntilIncluded waits until the transaction is ordered in a committed
	// block: its position is final, its content still encrypted.
	UntilIncluded Until = iota + 1
	// UntilSoft waits until the node has decrypted it from verified key
	// shares.
	UntilSoft
	// UntilFirm waits until its decryption keys are recorded on chain: the
	// final state.
	UntilFirm
)

func (u Until) String() string {
	switch u {
	case UntilIncluded:
		return "included"
	case UntilSoft:
		return "soft"
	case UntilFirm:
		return "firm"
	}
	return fmt.Sprintf("Until(%d)", int(u))
}

// reached reports whether st satisfies u.
func (u Until) reached(st api.TxStatus) bool {
	switch u {
	case UntilIncluded:
		return st.State == api.TxIncluded || st.State == api.TxDecrypted
	case UntilSoft:
		return st.State == api.TxDecrypted && st.Level >= api.LevelSoft
	default:
		return st.State == api.TxDecrypted && st.Level == api.LevelFirm
	}
}

// TxError reports a transaction that ended without its content reaching
// the rollups: its decryption failed, it expired, or the mempool dropped
// it.
type TxError struct {
	Status api.TxStatus
}

func (e *TxError) Error() string {
	msg := fmt.Sprintf("transaction %s %s", api.FormatHash(e.Status.Hash), e.Status.State)
	if e.Status.Included() {
		msg += fmt.Sprintf(" at height %d index %d", e.Status.Height, e.Status.Index)
	}
	if e.Status.Reason != "" {
		msg += ": " + e.Status.Reason
	}
	return msg
}

// Wait follows the transaction with WatchTx until it reaches until, and
// returns that status. If the transaction fails, expires or is rejected
// first, it returns the final status and a *TxError. It resumes the watch
// when the node ends it early (its watch time limit, a restart), backing
// off while the node is unreachable, until ctx is done.
func (c *Client) Wait(ctx context.Context, hash common.Hash, until Until) (api.TxStatus, error) {
	if until < UntilIncluded || until > UntilFirm {
		return api.TxStatus{}, fmt.Errorf("client: Wait: invalid %v", until)
	}
	var last api.TxStatus
	backoff := newBackoff()
	for {
		st, done, err := c.watchOnce(ctx, hash, until, &last)
		if done {
			return st, err
		}
		if !retryable(err) || ctx.Err() != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("client: waiting for %s: %w", api.FormatHash(hash), ctx.Err())
			}
			return last, err
		}
		if err := backoff.wait(ctx, err); err != nil {
			return last, fmt.Errorf("client: waiting for %s: %w", api.FormatHash(hash), err)
		}
	}
}

// watchOnce runs one WatchTx stream. done reports that Wait should return
// st and err; otherwise err says why the stream ended.
func (c *Client) watchOnce(ctx context.Context, hash common.Hash, until Until, last *api.TxStatus) (st api.TxStatus, done bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.rpc.WatchTx(ctx, connect.NewRequest(&veilv1.WatchTxRequest{TxHash: api.FormatHash(hash)}))
	if err != nil {
		return api.TxStatus{}, false, convert.FromConnect(err)
	}
	defer stream.Close()
	for stream.Receive() {
		st, err := convert.StatusFromProto(stream.Msg().GetStatus())
		if err != nil {
			return api.TxStatus{}, true, fmt.Errorf("client: %w", err)
		}
		if st.Hash != hash {
			return api.TxStatus{}, true, fmt.Errorf("client: watching %s, the node sent the status of %s", api.FormatHash(hash), api.FormatHash(st.Hash))
		}
		*last = st
		switch {
		case until.reached(st):
			return st, true, nil
		case st.State == api.TxFailed || st.State == api.TxExpired || st.State == api.TxRejected:
			return st, true, &TxError{Status: st}
		}
	}
	if err := stream.Err(); err != nil {
		return api.TxStatus{}, false, convert.FromConnect(err)
	}
	return *last, true, errStreamEnded
}

// retryable reports whether a watch that ended with err should be resumed:
// the node ended it (watch time limit, shutdown) or could not be reached.
func retryable(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeDeadlineExceeded, connect.CodeUnavailable:
		return true
	case connect.CodeResourceExhausted:
		return errors.Is(err, api.ErrRateLimited)
	}
	return false
}

// backoff spaces out resumed watches: at once after the node ended a watch
// at its time limit, exponentially (100 ms to 5 s) while it is unavailable
// or rate limiting.
type backoff struct{ next time.Duration }

func newBackoff() *backoff { return &backoff{} }

func (b *backoff) wait(ctx context.Context, cause error) error {
	if connect.CodeOf(cause) == connect.CodeDeadlineExceeded {
		b.next = 0
		return nil
	}
	if b.next == 0 {
		b.next = 100 * time.Millisecond
	} else if b.next *= 2; b.next > 5*time.Second {
		b.next = 5 * time.Second
	}
	t := time.NewTimer(b.next)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
