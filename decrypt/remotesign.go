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
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
)

// RemoteRoots is a RootSource over nodes' public APIs
// (RollupFeedService.GetFirmRoot), asked in order until one has the
// height. With a validator set (Trust) it signs off only roots whose firm
// proof the set's commit covers (client.VerifyFirmRoot), so a lying node
// cannot get a root signed; without one it trusts the nodes, as
// RemoteFeed does.
type RemoteRoots struct {
	cs      []*client.Client
	chainID string
	vals    *cmttypes.ValidatorSet
	timeout time.Duration
}

var _ RootSource = (*RemoteRoots)(nil)

// NewRemoteRoots returns a root source over cs for chain chainID.
func NewRemoteRoots(cs []*client.Client, chainID string) *RemoteRoots {
	return &RemoteRoots{cs: cs, chainID: chainID, timeout: 10 * time.Second}
}

// Trust makes FirmRoot check every root against vals.
func (r *RemoteRoots) Trust(vals *cmttypes.ValidatorSet) { r.vals = vals }

// FirmRoot implements RootSource: ok is false while no node has the
// height proven; an error when none answers, or a root fails its proof.
func (r *RemoteRoots) FirmRoot(height int64) (common.Hash, bool, error) {
	var errs []error
	for _, c := range r.cs {
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		fr, err := c.GetFirmRoot(ctx, height)
		cancel()
		switch {
		case connect.CodeOf(err) == connect.CodeFailedPrecondition:
			return common.Hash{}, false, nil
		case err != nil:
			errs = append(errs, err)
			continue
		}
		if r.vals != nil {
			if err := client.VerifyFirmRoot(fr, r.vals, r.chainID); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		return fr.Root, true, nil
	}
	return common.Hash{}, false, fmt.Errorf("decrypt: firm root of %d: %w", height, errors.Join(errs...))
}

// NewRemoteSigner returns the batch signer RunRemote runs beside the
// keyholder: it takes the roots of firm heights from the nodes in
// cfg.Follow (checked against cfg.Validators when set), signs each with
// the share (cfg.Share or one of cfg.Shares) of the eon active at its
// height, as the nodes report it (RemoteEons), and pushes the partial
// signatures to every node in cfg.Nodes. Heights of an eon the member
// holds no share of are skipped.
// Its progress is saved in cfg.SignedStateFile (default cfg.StateFile +
// ".signed").
func NewRemoteSigner(cfg RemoteConfig) (*Signer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cs, err := dialAll(cfg.Follow, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	roots := NewRemoteRoots(cs, cfg.ChainID)
	if cfg.Validators != nil {
		roots.Trust(cfg.Validators)
	}
	sinks := make([]SignatureSink, len(cfg.Nodes))
	for i, u := range cfg.Nodes {
		sinks[i] = NewClient(u, cfg.ChainID, cfg.MemberKey, cfg.HTTPClient)
	}
	state := cfg.SignedStateFile
	if state == "" && cfg.StateFile != "" {
		state = cfg.StateFile + ".signed"
	}
	return NewSigner(SignerConfig{
		Share:     cfg.Share,
		Shares:    cfg.Shares,
		EonAt:     NewRemoteEons(cs, cfg.ChainID).EonAt,
		ChainID:   cfg.ChainID,
		Roots:     roots,
		Feed:      NewRemoteFeed(cs, cfg.ChainID, cfg.Poll, cfg.Logger),
		Sinks:     sinks,
		StateFile: state,
		Start:     cfg.Start,
		Logger:    cfg.Logger,
	})
}

// dialAll returns a client of each URL.
func dialAll(urls []string, hc *http.Client) ([]*client.Client, error) {
	var opts []client.Option
	if hc != nil {
		opts = append(opts, client.WithHTTPClient(hc))
	}
	cs := make([]*client.Client, len(urls))
	for i, u := range urls {
		var err error
		if cs[i], err = client.Dial(u, opts...); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// validate checks the required fields and fills Follow and Logger.
func (c *RemoteConfig) validate() error {
	if c.ChainID == "" || c.Share == nil || len(c.MemberKey) != ed25519.PrivateKeySize || len(c.Nodes) == 0 {
		return errors.New("decrypt: RemoteConfig needs ChainID, Share, MemberKey and Nodes")
	}
	if len(c.Follow) == 0 {
		c.Follow = c.Nodes
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}
