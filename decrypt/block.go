package decrypt

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/internal/par"
	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

// Block is the envelopes of one committed block that await keys, in
// block order.
type Block struct {
	Height int64
	Txs    []Tx
}

// Tx is one committed envelope.
type Tx struct {
	Hash     common.Hash
	Index    uint32 // position in the block
	Envelope *mempool.Envelope
}

// FromCommitted converts a block the application published on commit.
func FromCommitted(b ordering.CommittedBlock) Block {
	out := Block{Height: b.Height, Txs: make([]Tx, len(b.Txs))}
	for i, tx := range b.Txs {
		out.Txs[i] = Tx{Hash: common.Hash(tx.Hash), Index: tx.Index, Envelope: tx.Envelope}
	}
	return out
}

// FromPending converts what ordering.App.PendingEnvelopes returns.
func FromPending(height int64, txs []ordering.PendingTx) Block {
	out := Block{Height: height, Txs: make([]Tx, len(txs))}
	for i, tx := range txs {
		out.Txs[i] = Tx{Hash: tx.Hash, Index: tx.Index, Envelope: tx.Envelope}
	}
	return out
}

// byEon splits a block's positions by the eon their envelopes name, in
// block order within each eon.
func byEon(txs []Tx) map[uint64][]int {
	m := make(map[uint64][]int, 1)
	for i, tx := range txs {
		m[tx.Envelope.Eon] = append(m[tx.Envelope.Eon], i)
	}
	return m
}

// identities derives the identities of txs[pos[j]] in parallel (each is a
// hash to the curve, tens of microseconds).
func identities(txs []Tx, pos []int) []threshold.Identity {
	ids := make([]threshold.Identity, len(pos))
	par.For(len(pos), func(j int) { ids[j] = txs[pos[j]].Envelope.Identity() })
	return ids
}
