package node

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/cometbft/cometbft/store"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/rollupfeed/feed"
)

// blockCommits serves the feed the signed headers of committed blocks
// from CometBFT's block store. The feed exists before the store is open
// (it must see the blocks CometBFT's handshake replays), so the store is
// set once NewNode returns; until then there are no headers to serve.
type blockCommits struct {
	chainID string
	store   atomic.Pointer[store.BlockStore]
}

var _ feed.Commits = (*blockCommits)(nil)

var errNoHeader = errors.New("node: no signed header")

// SignedHeader returns the header of height with a commit for it: the
// one in the next block's LastCommit when that block is stored, else the
// commit this node saw when it decided the block.
func (c *blockCommits) SignedHeader(_ context.Context, height int64) (*cmttypes.SignedHeader, error) {
	bs := c.store.Load()
	if bs == nil {
		return nil, fmt.Errorf("%w at %d: the block store is not open yet", errNoHeader, height)
	}
	meta := bs.LoadBlockMeta(height)
	if meta == nil {
		return nil, fmt.Errorf("%w at %d: block not stored (store holds %d..%d)", errNoHeader, height, bs.Base(), bs.Height())
	}
	commit := bs.LoadBlockCommit(height)
	if commit == nil {
		commit = bs.LoadSeenCommit(height)
	}
	if commit == nil {
		return nil, fmt.Errorf("%w at %d: no commit stored", errNoHeader, height)
	}
	sh := &cmttypes.SignedHeader{Header: &meta.Header, Commit: commit}
	if err := sh.ValidateBasic(c.chainID); err != nil {
		return nil, fmt.Errorf("%w at %d: %v", errNoHeader, height, err)
	}
	return sh, nil
}
