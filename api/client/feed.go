package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"connectrpc.com/connect"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

// Batch is one rollup's batch at one height, as the feed serves it.
type Batch struct {
	Level api.DecryptionLevel // LevelSoft or LevelFirm
	// Root is the block's batch root as the serving node states it.
	Root common.Hash
	// Eon and Signature, at LevelFirm on a node that collects them, are
	// the committee's threshold signature on Root for the height
	// (VerifySignedBatch checks it); Signature is nil otherwise.
	Eon       uint64
	Signature *threshold.Signature
	// Firm, at LevelFirm, proves that the validators' commit covers Root
	// (VerifyFirm checks it).
	Firm *FirmProof
	*rollupfeed.Batch
}

// VerifyBatch checks that b's legs and proof hash to b.Root
// (rollupfeed.VerifyBatch): no leg changed, dropped, added or moved, and
// none from another height or rollup. It proves b is the whole of the
// rollup's part of the block whose batch root is b.Root; to trust the
// root itself, compare it with one from another source (another node,
// the L1 inbox) or pass that root to rollupfeed.VerifyBatch directly.
func VerifyBatch(b *Batch) error {
	if b == nil || b.Batch == nil {
		return fmt.Errorf("%w: nil batch", rollupfeed.ErrMalformed)
	}
	return rollupfeed.VerifyBatch(b.Batch, b.Root)
}

// batchFromProto parses and verifies a served batch.
func batchFromProto(pb *veilv1.Batch) (*Batch, error) {
	if pb == nil {
		return nil, fmt.Errorf("%w: empty response", rollupfeed.ErrMalformed)
	}
	rb, err := rollupfeed.ParseBatch(pb.GetEncoded())
	if err != nil {
		return nil, err
	}
	if len(pb.GetBatchRoot()) != common.HashLength {
		return nil, fmt.Errorf("%w: batch root of %d bytes", rollupfeed.ErrMalformed, len(pb.GetBatchRoot()))
	}
	level := api.LevelFirm
	if pb.GetLevel() == veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT {
		level = api.LevelSoft
	}
	firm, err := firmProofFromProto(pb.GetFirmProof())
	if err != nil {
		return nil, err
	}
	b := &Batch{Level: level, Root: common.BytesToHash(pb.GetBatchRoot()), Firm: firm, Batch: rb}
	if b.Signature, err = signatureFromProto(pb.GetSignature()); err != nil {
		return nil, err
	}
	b.Eon = pb.GetEon()
	if rb.Height != pb.GetHeight() || rb.Rollup != pb.GetRollupId() {
		return nil, fmt.Errorf("%w: encoded batch is for rollup %d at %d, the response says rollup %d at %d",
			rollupfeed.ErrMalformed, rb.Rollup, rb.Height, pb.GetRollupId(), pb.GetHeight())
	}
	if err := VerifyBatch(b); err != nil {
		return nil, err
	}
	return b, nil
}

func levelToProto(l api.DecryptionLevel) (veilv1.DecryptionLevel, error) {
	switch l {
	case api.LevelSoft:
		return veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT, nil
	case api.LevelFirm, 0:
		return veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM, nil
	}
	return 0, fmt.Errorf("client: level %v: want LevelSoft or LevelFirm", l)
}

// GetBatch fetches and verifies one rollup's batch at one height.
func (c *Client) GetBatch(ctx context.Context, rollup uint64, height int64, level api.DecryptionLevel) (*Batch, error) {
	pl, err := levelToProto(level)
	if err != nil {
		return nil, err
	}
	res, err := c.feed.GetBatch(ctx, connect.NewRequest(&veilv1.GetBatchRequest{RollupId: rollup, Height: height, Level: pl}))
	if err != nil {
		return nil, err
	}
	return batchFromProto(res.Msg.GetBatch())
}

// SubscribeOption configures Subscribe.
type SubscribeOption func(*subscribeConfig)

type subscribeConfig struct {
	retry    time.Duration
	maxRetry time.Duration
	onResume func(height int64, err error)
	// trust, if set, verifies every firm batch with VerifyFirm.
	trust   *cmttypes.ValidatorSet
	chainID string
}

// WithTrust makes Subscribe verify every firm batch with VerifyFirm
// against vals, the validator set of chain chainID (LoadGenesisValidators
// reads it from the chain's genesis file), before yielding it: a batch
// whose root the validators did not commit to ends the sequence with an
// error wrapping ErrNotFirm. Soft batches are yielded as before.
func WithTrust(vals *cmttypes.ValidatorSet, chainID string) SubscribeOption {
	return func(c *subscribeConfig) { c.trust, c.chainID = vals, chainID }
}

// WithRetryDelay sets the wait before the first reconnection and the
// most it grows to (doubling). Default 100 ms to 5 s.
func WithRetryDelay(first, most time.Duration) SubscribeOption {
	return func(c *subscribeConfig) { c.retry, c.maxRetry = first, max(first, most) }
}

// WithOnResume calls f before each reconnection with the height the
// stream resumes from and the error that ended the previous one.
func WithOnResume(f func(height int64, err error)) SubscribeOption {
	return func(c *subscribeConfig) { c.onResume = f }
}

// permanent reports errors a reconnection cannot fix.
func permanent(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeInvalidArgument, connect.CodeNotFound, connect.CodeUnimplemented,
		connect.CodePermissionDenied, connect.CodeUnauthenticated:
		return true
	}
	// A batch that does not verify: the node serves bad data.
	for _, e := range []error{ErrNotFirm, rollupfeed.ErrMalformed, rollupfeed.ErrRootMismatch, rollupfeed.ErrBadProof, rollupfeed.ErrNotAbsent,
		rollupfeed.ErrWrongHeight, rollupfeed.ErrWrongRollup, rollupfeed.ErrLegOrder, rollupfeed.ErrBadManifest} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Subscribe streams rollup's batches at level from height from on, one
// per height (empty ones included), each verified against its batch root
// before it is yielded. It reconnects on its own after a disconnect, a
// node restart or being dropped for reading too slowly, resuming at the
// height after the last one yielded, so the sequence has no gap and no
// duplicate. It ends when ctx ends (without yielding ctx's error), when
// the loop breaks, or with a permanent error (unregistered rollup, bad
// height, a batch that fails verification), which it yields last.
//
//	for b, err := range c.Subscribe(ctx, 7, 1, api.LevelFirm) {
//		if err != nil { return err }
//		apply(b.Legs)
//	}
func (c *Client) Subscribe(ctx context.Context, rollup uint64, from int64, level api.DecryptionLevel, opts ...SubscribeOption) iter.Seq2[*Batch, error] {
	cfg := subscribeConfig{retry: 100 * time.Millisecond, maxRetry: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	return func(yield func(*Batch, error) bool) {
		pl, err := levelToProto(level)
		if err != nil {
			yield(nil, err)
			return
		}
		next, delay := from, cfg.retry
		for {
			err := c.stream(ctx, rollup, pl, &next, yield, &delay, &cfg)
			if errors.Is(err, errStop) || ctx.Err() != nil {
				return
			}
			if permanent(err) {
				yield(nil, err)
				return
			}
			if cfg.onResume != nil {
				cfg.onResume(next, err)
			}
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			delay = min(2*delay, cfg.maxRetry)
		}
	}
}

var errStop = errors.New("client: stopped by the caller")

// stream runs one SubscribeBatches call from *next, advancing it past
// each batch yielded.
func (c *Client) stream(ctx context.Context, rollup uint64, level veilv1.DecryptionLevel, next *int64, yield func(*Batch, error) bool, delay *time.Duration, cfg *subscribeConfig) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := c.feed.SubscribeBatches(ctx, connect.NewRequest(&veilv1.SubscribeBatchesRequest{RollupId: rollup, FromHeight: *next, Level: level}))
	if err != nil {
		return err
	}
	defer s.Close()
	for s.Receive() {
		b, err := batchFromProto(s.Msg().GetBatch())
		if err != nil {
			return err
		}
		if b.Height != *next || b.Rollup != rollup {
			return fmt.Errorf("%w: got rollup %d height %d, expected rollup %d height %d", rollupfeed.ErrBadProof, b.Rollup, b.Height, rollup, *next)
		}
		if cfg.trust != nil && b.Level == api.LevelFirm {
			if err := VerifyFirm(b, cfg.trust, cfg.chainID); err != nil {
				return err
			}
		}
		*delay = cfg.retry
		if !yield(b, nil) {
			return errStop
		}
		*next = b.Height + 1
	}
	if err := s.Err(); err != nil {
		return err
	}
	return connect.NewError(connect.CodeUnavailable, errors.New("stream ended"))
}

// BundleLeg is one leg of a bundle with its proof.
type BundleLeg = rollupfeed.ProvenLeg

// Bundle is every leg of one transaction.
type Bundle struct {
	Level  api.DecryptionLevel
	Height int64
	Root   common.Hash
	Legs   []BundleLeg
	// Failed says why the transaction delivered nothing, if it did not.
	Failed string
	// Firm, at LevelFirm, proves that the validators' commit covers Root
	// (check it with VerifyFirmBundle).
	Firm *FirmProof
	// Eon and Signature, at LevelFirm on a node that collects them, are
	// the committee's signature on Root for Height: check it with
	// rollupfeed.VerifyBatchSignature under an eon key you trust.
	Eon       uint64
	Signature *threshold.Signature
}

// GetBundle fetches every leg of a transaction, each verified against
// the batch root.
func (c *Client) GetBundle(ctx context.Context, id common.Hash) (*Bundle, error) {
	res, err := c.feed.GetBundle(ctx, connect.NewRequest(&veilv1.GetBundleRequest{BundleId: api.FormatHash(id)}))
	if err != nil {
		return nil, err
	}
	m := res.Msg
	if len(m.GetBatchRoot()) != common.HashLength {
		return nil, fmt.Errorf("%w: batch root of %d bytes", rollupfeed.ErrMalformed, len(m.GetBatchRoot()))
	}
	out := &Bundle{Level: api.LevelFirm, Height: m.GetHeight(), Root: common.BytesToHash(m.GetBatchRoot()), Failed: m.GetFailed()}
	if m.GetLevel() == veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT {
		out.Level = api.LevelSoft
	}
	if out.Firm, err = firmProofFromProto(m.GetFirmProof()); err != nil {
		return nil, err
	}
	if out.Signature, err = signatureFromProto(m.GetSignature()); err != nil {
		return nil, err
	}
	out.Eon = m.GetEon()
	for _, pl := range m.GetLegs() {
		leg, err := rollupfeed.ParseBatchLeg(pl.GetEncoded())
		if err != nil {
			return nil, err
		}
		proof, err := rollupfeed.ParseLegProof(pl.GetProof())
		if err != nil {
			return nil, err
		}
		if leg.Manifest.BundleID != id || leg.Height != out.Height {
			return nil, fmt.Errorf("%w: leg of another bundle or height", rollupfeed.ErrBadProof)
		}
		if err := rollupfeed.VerifyLeg(leg, proof, out.Root); err != nil {
			return nil, err
		}
		out.Legs = append(out.Legs, BundleLeg{Leg: *leg, Proof: *proof})
	}
	return out, nil
}
