package decrypt

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// RemoteFeed is a Feed over a node's public API (SequencerService): the
// last committed height from GetEncryptionParams, the envelopes awaiting
// keys from GetPendingEnvelopes, and new commits by polling.
//
// Trust: a remote feed believes the node it follows about what is
// committed. It checks that every envelope decodes, hashes to the hash the
// node names and belongs to the expected chain, so the node cannot make it
// derive shares for identities of another chain; but a lying node could
// present an uncommitted block, and the keyholder would release its shares
// early. Follow a node you run. Checking each block against the CometBFT
// commit and the validator set (a light client) is later work.
type RemoteFeed struct {
	c       *client.Client
	chainID string
	poll    time.Duration
	log     *slog.Logger
}

var _ Feed = (*RemoteFeed)(nil)

// NewRemoteFeed follows the node c talks to, for chainID's envelopes,
// polling for new commits every poll (default 250 ms). log may be nil.
func NewRemoteFeed(c *client.Client, chainID string, poll time.Duration, log *slog.Logger) *RemoteFeed {
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &RemoteFeed{c: c, chainID: chainID, poll: poll, log: log}
}

// LastCommitted implements Feed. It fails if the node serves another chain.
func (f *RemoteFeed) LastCommitted(ctx context.Context) (int64, error) {
	p, err := f.c.Params(ctx)
	if err != nil {
		return 0, fmt.Errorf("decrypt: remote feed: %w", err)
	}
	if p.ChainID != f.chainID {
		return 0, fmt.Errorf("decrypt: the followed node serves chain %q, the keyholder's secrets are for chain %q", p.ChainID, f.chainID)
	}
	return int64(p.LatestHeight), nil
}

// Block implements Feed. The node's envelopes are decoded and checked
// against the hashes it names and the feed's chain.
func (f *RemoteFeed) Block(ctx context.Context, height int64) (Block, error) {
	pb, err := f.c.PendingEnvelopes(ctx, uint64(height))
	if err != nil {
		return Block{}, fmt.Errorf("decrypt: remote feed: %w", err)
	}
	return checkPending(f.chainID, height, pb)
}

// checkPending converts a node's answer, checking what can be checked
// without a light client.
func checkPending(chainID string, height int64, pb api.PendingBlock) (Block, error) {
	b := Block{Height: height, Txs: make([]Tx, len(pb.Envelopes))}
	for i, pe := range pb.Envelopes {
		env, err := mempool.Decode(pe.Envelope)
		if err != nil {
			return Block{}, fmt.Errorf("decrypt: remote feed: block %d envelope %d: %w", height, i, err)
		}
		if common.Hash(env.Hash()) != pe.Hash {
			return Block{}, fmt.Errorf("decrypt: remote feed: block %d envelope %d does not hash to %s", height, i, api.FormatHash(pe.Hash))
		}
		if env.ChainID != chainID {
			return Block{}, fmt.Errorf("decrypt: remote feed: block %d envelope %d is for chain %q, not %q", height, i, env.ChainID, chainID)
		}
		if i > 0 && pe.Index <= pb.Envelopes[i-1].Index {
			return Block{}, fmt.Errorf("decrypt: remote feed: block %d envelopes out of block order", height)
		}
		b.Txs[i] = Tx{Hash: pe.Hash, Index: pe.Index, Envelope: env}
	}
	return b, nil
}

// WaitCommit implements Feed by polling. A node that does not answer is
// retried (logged) until ctx is done: a keyholder outlives its node's
// restarts.
func (f *RemoteFeed) WaitCommit(ctx context.Context, after int64) error {
	t := time.NewTicker(f.poll)
	defer t.Stop()
	for {
		h, err := f.LastCommitted(ctx)
		switch {
		case err == nil && h > after:
			return nil
		case err != nil && ctx.Err() == nil:
			f.log.Warn("keyholder: followed node unavailable", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RemoteConfig configures RunRemote: one committee member's keyholder as a
// process of its own, against nodes' APIs.
type RemoteConfig struct {
	// ChainID, Share and MemberKey are the member's secrets (see
	// internal/keystore). Required.
	ChainID   string
	Share     *threshold.SecretKeyShare
	MemberKey ed25519.PrivateKey
	// Follow is the base URL of the node whose committed blocks the
	// keyholder follows. Required.
	Follow string
	// Nodes are the base URLs of the nodes whose KeyholderService
	// receives the shares. Required.
	Nodes []string
	// StateFile persists the last released height. Empty: in memory.
	StateFile string
	// Poll is how often the followed node is asked for a new commit.
	// Default 250 ms.
	Poll time.Duration
	// HTTPClient sends every request; default a client per use.
	HTTPClient *http.Client
	// OnRelease is KeyholderConfig.OnRelease.
	OnRelease func(r Release, committed int64)
	// Logger default discards.
	Logger *slog.Logger
}

// NewRemoteKeyholder returns the keyholder RunRemote runs.
func NewRemoteKeyholder(cfg RemoteConfig) (*Keyholder, error) {
	if cfg.ChainID == "" || cfg.Share == nil || len(cfg.MemberKey) != ed25519.PrivateKeySize || cfg.Follow == "" || len(cfg.Nodes) == 0 {
		return nil, errors.New("decrypt: RemoteConfig needs ChainID, Share, MemberKey, Follow and Nodes")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var opts []client.Option
	if cfg.HTTPClient != nil {
		opts = append(opts, client.WithHTTPClient(cfg.HTTPClient))
	}
	c, err := client.Dial(cfg.Follow, opts...)
	if err != nil {
		return nil, err
	}
	sinks := make([]Sink, len(cfg.Nodes))
	for i, u := range cfg.Nodes {
		sinks[i] = remoteSink{NewClient(u, cfg.ChainID, cfg.MemberKey, cfg.HTTPClient)}
	}
	return NewKeyholder(KeyholderConfig{
		Share:     cfg.Share,
		Feed:      NewRemoteFeed(c, cfg.ChainID, cfg.Poll, cfg.Logger),
		Sinks:     sinks,
		StateFile: cfg.StateFile,
		OnRelease: cfg.OnRelease,
		Logger:    cfg.Logger,
	})
}

// RunRemote runs a member's keyholder against nodes' APIs until ctx is
// done (`veil keyholder`): it follows cfg.Follow's committed blocks and
// pushes the member's shares for each to every node in cfg.Nodes, signed
// with the member key. See RemoteFeed for what it trusts the followed
// node with.
func RunRemote(ctx context.Context, cfg RemoteConfig) error {
	kh, err := NewRemoteKeyholder(cfg)
	if err != nil {
		return err
	}
	return kh.Run(ctx)
}

// remoteSink reports a node's ALREADY_EXISTS (a resubmission after a
// restart) as ErrDuplicate, which the keyholder does not log.
type remoteSink struct{ c *Client }

func (s remoteSink) SubmitKeyShares(ctx context.Context, r *Release) error {
	err := s.c.SubmitKeyShares(ctx, r)
	if connect.CodeOf(err) == connect.CodeAlreadyExists {
		return fmt.Errorf("%w: %v", ErrDuplicate, err)
	}
	return err
}
