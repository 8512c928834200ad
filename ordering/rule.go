package ordering

import (
	"cmp"
	"slices"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// Candidate is an envelope offered to a block: its bytes, its decoded
// form (signature already checked), and its position in the proposer's
// mempool.
type Candidate struct {
	Tx       []byte
	Hash     mempool.Hash
	Envelope *mempool.Envelope
	// Arrival is the envelope's index in the proposer's reaped mempool
	// (CometBFT's first-come order on that node).
	Arrival int
}

// Proposal is everything a Rule may use to order a block. It is built
// from the PrepareProposal request alone.
type Proposal struct {
	Height int64
	Time   time.Time
	// Candidates are the stateless-valid envelopes of the proposer's
	// mempool in arrival order.
	Candidates []Candidate
	// LastCommit carries the previous height's vote extensions.
	LastCommit abci.ExtendedCommitInfo
	// Evidence is the fair-ordering state with LastCommit's reports
	// merged; nil unless the rule is FairOrder.
	Evidence *Evidence
}

// Block is a proposed block as ProcessProposal sees it: envelopes that are
// each valid against the state the block's earlier envelopes leave.
type Block struct {
	Height int64
	Time   time.Time
	Txs    []Candidate
	// Evidence is the fair-ordering state with the block's embedded
	// vote extensions merged; nil unless the rule is FairOrder.
	Evidence *Evidence
	// Omitted are the short ids the block declares it left out.
	Omitted []ShortID
	// Room reports whether the block had room for more envelopes: fewer
	// than max_block_txs and at most half of max_block_bytes used.
	Room bool
	// Skipped are ready envelopes the block left out and showed (their
	// bytes in its 0xF0 transaction, checked by the App against the state
	// the block leaves) can no longer be included: a replaced or spent
	// nonce, an expiry passed. They do not fence the block (FairOrder).
	Skipped []ShortID
}

// Rule is the ordering rule: which pending envelopes a block tries, in
// which order, and which orders a validator accepts from a proposer.
//
// Contract: Order and Verify are pure functions of their arguments (no
// clock, no randomness, no node-local state beyond what the argument
// carries), so every honest validator reaches the same verdict. The block
// builder walks Order's result and includes each envelope that is valid
// against the state so far, until the block is full; so Order need not
// check fees or balances, only decide precedence. Verify sees envelopes
// that already passed those checks.
type Rule interface {
	// Order returns the candidates in the order the builder tries them.
	// It may drop candidates; it must not invent any.
	Order(p Proposal) []Candidate
	// Verify reports whether b's order is one the rule allows.
	Verify(b Block) error
}

// ArrivalOrder orders a block by the proposer's mempool arrival order,
// except that each sender's envelopes go in nonce order: they take the
// arrival slots the sender's envelopes occupy, lowest nonce first. A
// proposer's arrival order is local knowledge, so Verify accepts any
// order; the fair-ordering rule replaces this with one validators can
// check.
type ArrivalOrder struct{}

var _ Rule = ArrivalOrder{}

// Order implements Rule.
func (ArrivalOrder) Order(p Proposal) []Candidate {
	return nonceSlots(p.Candidates)
}

// Verify implements Rule.
func (ArrivalOrder) Verify(Block) error { return nil }

// nonceSlots keeps cs's order of senders but gives each sender's slots to
// its envelopes in nonce order (ties, i.e. replacements with the same
// nonce, by order in cs). A sender whose nonce n+1 arrived before n thus
// still has n tried first, in the earlier slot.
func nonceSlots(cs []Candidate) []Candidate {
	bySender := make(map[common.Address][]int)
	for i, c := range cs {
		bySender[c.Envelope.Sender] = append(bySender[c.Envelope.Sender], i)
	}
	out := make([]Candidate, len(cs))
	for _, slots := range bySender {
		sorted := slices.Clone(slots)
		slices.SortStableFunc(sorted, func(a, b int) int {
			return cmp.Compare(cs[a].Envelope.Nonce, cs[b].Envelope.Nonce)
		})
		for k, slot := range slots {
			out[slot] = cs[sorted[k]]
		}
	}
	return out
}
