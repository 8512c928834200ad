package decrypt

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/threshold"
)

// RemoteFeed is a Feed over a node's public API (SequencerService): the
// last committed height from GetEncryptionParams, the envelopes awaiting
// keys from GetPendingEnvelopes, and new commits by polling. Given several
// nodes, it follows the first and moves to the next whenever a call fails
// (the node is down, behind, or serves a block that does not verify).
//
// Trust: with the chain's validator set (Trust; veil's is fixed at
// genesis, client.LoadGenesisValidators), a remote feed releases nothing
// for a block the validators have not committed: each block comes with
// its signed header and a Merkle proof per envelope, checked by
// VerifyPending. Without it, the feed believes the node it follows about
// what is committed (it still checks every envelope decodes, hashes to
// the hash the node names and belongs to the expected chain): a lying
// node could then present a block still being voted on, and the
// keyholder would release its shares early.
type RemoteFeed struct {
	cs      []*client.Client
	cur     atomic.Int64 // index into cs of the node followed
	chainID string
	poll    time.Duration
	log     *slog.Logger
	vals    *cmttypes.ValidatorSet
	backoff atomic.Bool // the last Block call failed: wait once
}

var _ Feed = (*RemoteFeed)(nil)

// NewRemoteFeed follows the nodes cs talk to (at least one), for
// chainID's envelopes, polling for new commits every poll (default
// 250 ms). log may be nil.
func NewRemoteFeed(cs []*client.Client, chainID string, poll time.Duration, log *slog.Logger) *RemoteFeed {
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &RemoteFeed{cs: cs, chainID: chainID, poll: poll, log: log}
}

// node returns the client of the node followed and its index.
func (f *RemoteFeed) node() (*client.Client, int64) {
	i := f.cur.Load()
	return f.cs[i], i
}

// failed moves on from node i after a failed call, unless another call
// already did.
func (f *RemoteFeed) failed(i int64, err error) {
	if len(f.cs) > 1 && f.cur.CompareAndSwap(i, (i+1)%int64(len(f.cs))) {
		f.log.Warn("keyholder: switching to the next node", "from", i, "to", (i+1)%int64(len(f.cs)), "err", err)
	}
}

// Trust makes the feed check every block against vals, the chain's
// validator set. Call it before the feed is used.
func (f *RemoteFeed) Trust(vals *cmttypes.ValidatorSet) { f.vals = vals }

// LastCommitted implements Feed. It fails if the node serves another chain.
func (f *RemoteFeed) LastCommitted(ctx context.Context) (int64, error) {
	c, i := f.node()
	p, err := c.Params(ctx)
	if err == nil && p.ChainID != f.chainID {
		err = fmt.Errorf("the followed node serves chain %q, the keyholder's secrets are for chain %q", p.ChainID, f.chainID)
	}
	if err != nil {
		f.failed(i, err)
		return 0, fmt.Errorf("decrypt: remote feed: %w", err)
	}
	return int64(p.LatestHeight), nil
}

// Block implements Feed: the node's answer, checked by VerifyPending
// (proven committed when the feed has a validator set, see Trust).
func (f *RemoteFeed) Block(ctx context.Context, height int64) (Block, error) {
	c, i := f.node()
	pb, err := c.PendingEnvelopes(ctx, uint64(height))
	if err == nil {
		var b Block
		if b, err = VerifyPending(f.chainID, height, pb, f.vals); err == nil {
			return b, nil
		}
	}
	f.failed(i, err)
	f.backoff.Store(true)
	return Block{}, fmt.Errorf("decrypt: remote feed: %w", err)
}

// ErrUnproven reports a block a node served without proof, against the
// trusted validator set, that it is committed with those envelopes.
var ErrUnproven = errors.New("decrypt: block not proven committed")

// VerifyPending checks a node's answer to GetPendingEnvelopes for height
// and converts it. Every envelope must decode, hash to the hash the node
// names, belong to chainID and come in block order. With vals (the
// chain's validator set), the block must also be proven committed: the
// signed header is of chainID at height, more than two thirds of vals'
// power signed its commit (ValidatorSet.VerifyCommitLight), and each
// envelope is a transaction of the block under the header's data hash.
// Proof failures wrap ErrUnproven.
func VerifyPending(chainID string, height int64, pb api.PendingBlock, vals *cmttypes.ValidatorSet) (Block, error) {
	if pb.Height != uint64(height) {
		return Block{}, fmt.Errorf("decrypt: asked for block %d, got block %d", height, pb.Height)
	}
	if vals != nil && len(pb.Envelopes) > 0 {
		if err := proveCommitted(chainID, height, pb, vals); err != nil {
			return Block{}, fmt.Errorf("%w: block %d: %v", ErrUnproven, height, err)
		}
	}
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

// proveCommitted checks pb's signed header and envelope proofs against
// vals.
func proveCommitted(chainID string, height int64, pb api.PendingBlock, vals *cmttypes.ValidatorSet) error {
	if len(pb.SignedHeader) == 0 {
		return errors.New("the node sent no signed header (it keeps no block store?)")
	}
	var shp cmtproto.SignedHeader
	if err := shp.Unmarshal(pb.SignedHeader); err != nil {
		return fmt.Errorf("signed header: %v", err)
	}
	sh, err := cmttypes.SignedHeaderFromProto(&shp)
	if err != nil {
		return fmt.Errorf("signed header: %v", err)
	}
	if sh.Header == nil || sh.Commit == nil {
		return errors.New("signed header without a header or a commit")
	}
	if sh.Height != height {
		return fmt.Errorf("header of block %d", sh.Height)
	}
	if err := sh.ValidateBasic(chainID); err != nil { // chain id, and commit of this header
		return fmt.Errorf("signed header: %v", err)
	}
	if err := vals.VerifyCommitLight(chainID, sh.Commit.BlockID, sh.Height, sh.Commit); err != nil {
		return fmt.Errorf("commit: %v", err)
	}
	for i, pe := range pb.Envelopes {
		var tpp cmtproto.TxProof
		if err := tpp.Unmarshal(pe.TxProof); err != nil {
			return fmt.Errorf("envelope %d: proof: %v", i, err)
		}
		tp, err := cmttypes.TxProofFromProto(tpp)
		if err != nil {
			return fmt.Errorf("envelope %d: proof: %v", i, err)
		}
		if !bytes.Equal(tp.Data, pe.Envelope) {
			return fmt.Errorf("envelope %d: the proof is of another transaction", i)
		}
		if err := tp.Validate(sh.DataHash); err != nil {
			return fmt.Errorf("envelope %d: %v", i, err)
		}
	}
	return nil
}

// WaitCommit implements Feed by polling. A node that does not answer is
// retried (logged) until ctx is done: a keyholder outlives its node's
// restarts. After a failed Block it waits one poll first, so a block that
// keeps failing is retried at the poll rate, not in a busy loop.
func (f *RemoteFeed) WaitCommit(ctx context.Context, after int64) error {
	t := time.NewTicker(f.poll)
	defer t.Stop()
	if f.backoff.Swap(false) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
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
	// Shares are the member's shares of further eons (after a rotation,
	// the keystore.EonSecretsPath files): the keyholder releases for
	// every eon it holds. Submissions are signed with MemberKey, so the
	// member must have registered the same member key in each eon.
	Shares []*threshold.SecretKeyShare
	// AddShares, if set, brings shares of further eons while RunRemote
	// runs (an operator adding the next eon's secrets to the keyholder
	// home): the keyholder releases for that eon's envelopes from the
	// next height it handles, and the batch signer signs its heights.
	AddShares <-chan *threshold.SecretKeyShare
	// Follow are the base URLs of the nodes whose committed blocks the
	// keyholder follows, in order of preference (it moves to the next
	// when one fails). Default Nodes.
	Follow []string
	// Validators, if set, is the chain's validator set: every block is
	// then checked committed (VerifyPending) rather than trusted from the
	// followed node. See client.LoadGenesisValidators.
	Validators *cmttypes.ValidatorSet
	// Nodes are the base URLs of the nodes whose KeyholderService
	// receives the shares. Required.
	Nodes []string
	// StateFile persists the last released height. Empty: in memory.
	StateFile string
	// SignedStateFile persists the batch signer's progress. Default
	// StateFile + ".signed"; empty with StateFile empty: in memory.
	SignedStateFile string
	// Start is the first height to consider when StateFile holds no
	// progress yet (a member joining a long chain). Default 1.
	Start int64
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
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cs, err := dialAll(cfg.Follow, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	feed := NewRemoteFeed(cs, cfg.ChainID, cfg.Poll, cfg.Logger)
	if cfg.Validators != nil {
		feed.Trust(cfg.Validators)
	}
	sinks := make([]Sink, len(cfg.Nodes))
	for i, u := range cfg.Nodes {
		sinks[i] = remoteSink{NewClient(u, cfg.ChainID, cfg.MemberKey, cfg.HTTPClient)}
	}
	return NewKeyholder(KeyholderConfig{
		Share:     cfg.Share,
		Shares:    cfg.Shares,
		Feed:      feed,
		Sinks:     sinks,
		StateFile: cfg.StateFile,
		Start:     cfg.Start,
		OnRelease: cfg.OnRelease,
		Logger:    cfg.Logger,
	})
}

// RunRemote runs a member's keyholder against nodes' APIs until ctx is
// done (`veil keyholder`): it follows the committed blocks of one node of
// cfg.Follow at a time and pushes the member's shares for each to every
// node in cfg.Nodes, signed with the member key; beside it, the batch
// signer (NewRemoteSigner) signs each firm root. See RemoteFeed for what
// it trusts the followed node with (less with cfg.Validators).
func RunRemote(ctx context.Context, cfg RemoteConfig) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	kh, err := NewRemoteKeyholder(cfg)
	if err != nil {
		return err
	}
	sg, err := NewRemoteSigner(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	signed := make(chan error, 1)
	go func() { signed <- sg.Run(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sk, ok := <-cfg.AddShares:
				if !ok {
					return
				}
				kh.AddShare(sk)
				if sk != nil {
					sg.AddShare(sk)
				}
			}
		}
	}()
	err = kh.Run(ctx)
	cancel()
	if serr := <-signed; serr != nil && !errors.Is(serr, context.Canceled) {
		cfg.Logger.Warn("keyholder: batch signer stopped", "err", serr)
	}
	return err
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
