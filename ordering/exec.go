package ordering

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

// blockExec applies one block's envelopes, in order, to an overlay over
// the committed state. PrepareProposal, ProcessProposal and FinalizeBlock
// all run it, so the proposer, the voters and the executors apply exactly
// the same rules.
type blockExec struct {
	o        *overlay
	v        *view
	height   int64
	fees     uint64
	bytes    uint64
	included []CommittedTx
}

func newBlockExec(base getter, st committed, height int64) *blockExec {
	o := newOverlay(base)
	return &blockExec{o: o, v: newView(o, height-1, st.chain, st.params), height: height}
}

// include checks c against the state so far and, if it is includable,
// applies it: the fee is charged whatever the payload turns out to be,
// the nonce is used, the identity is spent and the envelope is recorded
// as included and awaiting its decryption key. On error nothing changes;
// storage failures wrap ErrInternal, rule violations wrap the mempool
// sentinel.
func (b *blockExec) include(c Candidate, index uint32) error {
	env := c.Envelope
	err := mempool.CheckInclusion(env, b.v)
	if b.v.err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, b.v.err)
	}
	if err != nil {
		return err
	}
	acct, err := loadAccount(b.o, env.Sender)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInternal, err)
	}
	// CheckInclusion established Fee ≤ Balance and Nonce = acct.Nonce.
	acct.Balance -= env.Fee
	acct.Nonce++
	b.o.set(keyAccount(env.Sender), acct.encode())
	b.o.set(keyIdentity(env.IdentityKey()), []byte{1})
	b.o.set(keyTx(common.Hash(c.Hash)), TxRecord{Height: b.height, Index: index, Status: TxIncluded}.encode())
	// Fees cannot overflow: they are paid out of balances whose genesis
	// sum fits in 64 bits, and nothing mints.
	b.fees += env.Fee
	b.bytes += uint64(len(c.Tx))
	b.included = append(b.included, CommittedTx{Hash: c.Hash, Index: index, Envelope: env})
	return nil
}

// finish writes the block-level records: the fee total, the list of
// envelopes awaiting decryption and the block summary.
func (b *blockExec) finish(t time.Time, proposer []byte) (BlockSummary, error) {
	total, err := loadU64(b.o, keyTag(tagFees), "fees")
	if err != nil {
		return BlockSummary{}, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	b.o.set(keyTag(tagFees), encodeU64(total+b.fees))
	hashes := make([]common.Hash, len(b.included))
	for i, tx := range b.included {
		hashes[i] = common.Hash(tx.Hash)
	}
	if len(hashes) > 0 {
		b.o.set(keyU64(tagPending, uint64(b.height)), encodeHashes(hashes))
	}
	if len(proposer) > 255 {
		proposer = proposer[:255]
	}
	s := BlockSummary{Height: b.height, Time: t, Proposer: proposer, Txs: hashes, Fees: b.fees, Bytes: b.bytes}
	b.o.set(keyU64(tagBlock, uint64(b.height)), s.encode())
	return s, nil
}
