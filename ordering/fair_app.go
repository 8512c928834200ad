package ordering

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"

	"github.com/veilseq/veil/mempool"
)

// fairApp is the App's fair-ordering adapter: the clock CheckTx stamps
// with, this validator's address and its reporter. It exists only when
// the Rule is FairOrder (or wraps it).
type fairApp struct {
	self  []byte
	clock func() time.Time
	rep   reporter
	gone  goneCache // envelopes re-checks dropped, for the fence (fence.go)
}

// fairRule marks FairOrder and rules that embed it.
type fairRule interface{ fairEvidence() }

func (FairOrder) fairEvidence() {}

// embedded finds a block's 0xF0 transaction. A fair block after the
// initial height has exactly one, first; other blocks have none.
func (a *App) embedded(st committed, height int64, txs [][]byte) ([]byte, error) {
	want := a.fair != nil && height > st.chain.InitialHeight
	var found []byte
	for i, tx := range txs {
		if len(tx) == 0 || tx[0] != SysTxVoteExtensions {
			continue
		}
		if !want || i != 0 {
			return nil, fmt.Errorf("%w: unexpected 0xF0 transaction at index %d", ErrVoteExtension, i)
		}
		found = tx
	}
	if want && found == nil {
		return nil, fmt.Errorf("%w: block carries no vote extensions", ErrVoteExtension)
	}
	return found, nil
}

// prepareFair derives the proposal's evidence from the proposer's own
// LocalLastCommit and returns the bytes to reserve for the 0xF0
// transaction. It returns nil when the rule is not fair.
func (a *App) prepareFair(st committed, req *abci.PrepareProposalRequest) (*fairBlock, int64, error) {
	if a.fair == nil {
		return nil, 0, nil
	}
	var commit *abci.ExtendedCommitInfo
	if req.Height > st.chain.InitialHeight {
		commit = &req.LocalLastCommit
	}
	fb, err := a.evidence(st, req.Height, req.Time, commit, true)
	if err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, 0, err
		}
		// Our own last commit lacks a quorum of valid extensions, which
		// CometBFT should never hand us: propose without envelopes.
		a.log.Error("local last commit unusable for fair ordering", "height", req.Height, "err", err)
		fb = &fairBlock{ev: &Evidence{Height: req.Height}}
	}
	if commit == nil {
		return fb, 0, nil
	}
	ready := 0
	for _, s := range fb.ev.Judge() {
		if s.Ready {
			ready++
		}
	}
	reserve := protoTxSize(commit.Size() + 2 + 2*10 + ShortIDSize*ready)
	return fb, reserve, nil
}

// finishFair arranges the envelopes the builder kept and puts the 0xF0
// transaction in front.
func (a *App) finishFair(fb *fairBlock, st committed, req *abci.PrepareProposalRequest, p Proposal, kept []Candidate, skipped [][]byte) ([][]byte, error) {
	if ar, ok := a.rule.(Arranger); ok {
		kept = ar.Arrange(p, kept)
	}
	var envBytes int64
	txs := make([][]byte, 0, len(kept)+1)
	if fb != nil && req.Height > st.chain.InitialHeight {
		txs = append(txs, nil)
	}
	for _, c := range kept {
		txs = append(txs, c.Tx)
		envBytes += protoTxSize(len(c.Tx))
	}
	if len(txs) > len(kept) {
		e := EmbeddedExtensions{
			Commit:  req.LocalLastCommit,
			Omitted: FairOrder{}.Omissions(fb.ev, kept, hasRoom(st.params, len(kept), envBytes)),
			Skipped: skipped,
		}
		sys, err := e.Marshal()
		if err != nil {
			return nil, fmt.Errorf("%w: encode vote extensions: %v", ErrInternal, err)
		}
		txs[0] = sys
	}
	return txs, nil
}

// processFair checks a proposal's 0xF0 transaction and derives its
// evidence.
func (a *App) processFair(st committed, req *abci.ProcessProposalRequest) (*fairBlock, *EmbeddedExtensions, error) {
	sys, err := a.embedded(st, req.Height, req.Txs)
	if err != nil || a.fair == nil {
		return nil, nil, err
	}
	var commit *abci.ExtendedCommitInfo
	e := &EmbeddedExtensions{}
	if sys != nil {
		if e, err = ParseEmbeddedExtensions(sys); err != nil {
			return nil, nil, err
		}
		commit = &e.Commit
	}
	fb, err := a.evidence(st, req.Height, req.Time, commit, false)
	return fb, e, err
}

// finalizeFair derives a decided block's evidence. The block passed
// ProcessProposal on an honest validator, so its 0xF0 transaction is
// valid; should it not be (a bug, or a faulty supermajority), its
// reports are ignored, the same way on every node.
func (a *App) finalizeFair(st committed, req *abci.FinalizeBlockRequest) (*fairBlock, error) {
	if a.fair == nil {
		return nil, nil
	}
	sys, err := a.embedded(st, req.Height, req.Txs)
	var commit *abci.ExtendedCommitInfo
	if err == nil && sys != nil {
		var e *EmbeddedExtensions
		if e, err = ParseEmbeddedExtensions(sys); err == nil {
			commit = &e.Commit
		}
	}
	if err != nil {
		a.log.Error("invalid vote extensions in a decided block", "height", req.Height, "err", err)
	}
	fb, err := a.evidence(st, req.Height, req.Time, commit, false)
	if err != nil && !errors.Is(err, ErrInternal) {
		a.log.Error("invalid vote extensions in a decided block", "height", req.Height, "err", err)
		fb, err = a.evidence(st, req.Height, req.Time, nil, false)
	}
	return fb, err
}

// ownEmbedded returns the short ids this validator's extension carries
// in a block's 0xF0 transaction: nil when the App has no validator
// address (everything counts as embedded), empty when the block left the
// extension out. The block's validity is not this function's concern:
// ExtendVote only uses the answer to decide what to report.
func (a *App) ownEmbedded(txs [][]byte) map[ShortID]bool {
	if a.fair.self == nil {
		return nil
	}
	out := make(map[ShortID]bool)
	if len(txs) == 0 || len(txs[0]) == 0 || txs[0][0] != SysTxVoteExtensions {
		return out
	}
	e, err := ParseEmbeddedExtensions(txs[0])
	if err != nil {
		return out
	}
	for _, v := range e.Commit.Votes {
		if string(v.Validator.Address) == string(a.fair.self) && v.BlockIdFlag == cmtproto.BlockIDFlagCommit {
			rs, err := ParseVoteExtension(v.VoteExtension)
			if err != nil {
				return out
			}
			for _, r := range rs {
				out[r.ID] = true
			}
		}
	}
	return out
}

// logBackstop logs, at Debug, the included envelopes that only the
// backstop made eligible: each is one whose reports never reached the
// quorum (usually gossip that never reached the other validators).
func (a *App) logBackstop(fb *fairBlock, included []CommittedTx, height int64) {
	if len(included) == 0 || !a.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	st := fb.ev.Judge()
	for _, tx := range included {
		if s := st[ShortIDOf(tx.Hash)]; s.Backstop {
			a.log.Debug("envelope included through the fair-ordering backstop", "height", height, "hash", fmt.Sprintf("%x", tx.Hash[:]), "reporting_power", s.Power)
		}
	}
}

// forgetStamps drops first-seen stamps of envelopes that left the pool.
func (a *App) forgetStamps(hs ...mempool.Hash) {
	if a.fair != nil && len(hs) > 0 {
		a.fair.rep.forget(hs...)
	}
}
