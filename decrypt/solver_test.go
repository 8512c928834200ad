package decrypt

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"io"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// TestSolverResolvesWithheldBlock: the solver starts on a block once K
// blocks have passed without its keys, and the node's proposal then
// carries a record that its own ProcessProposal accepts and FinalizeBlock
// applies; the solver then drops the block.
func TestSolverResolvesWithheldBlock(t *testing.T) {
	const k = 2
	params, err := vdf.GenerateParams(context.Background(), "test", vdf.MinDelay)
	if err != nil {
		t.Fatal(err)
	}
	c := newChain(t, func(g *ordering.Genesis) {
		g.EscapeHatch = &ordering.GenesisEscapeHatch{Blocks: k, VDFParams: params.Bytes()}
	})
	s, err := NewSolver(c.app, SolverConfig{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c.app.SetEscapeSource(s)

	var txs [][]byte
	for j := range 3 {
		h := mempool.Envelope{ChainID: "test", Eon: 1, Nonce: uint64(j), Fee: 1, Expiry: 100, Rollups: []uint64{1}}
		seal := mempool.Seal
		if j < 2 {
			seal = func(r io.Reader, enc *threshold.Encrypter, h mempool.Envelope, pt []byte, key *ecdsa.PrivateKey) (*mempool.Envelope, error) {
				return mempool.SealTimeLocked(r, enc, params, h, pt, key)
			}
		}
		e, err := seal(c.rng, c.enc, h, []byte("tx"), c.key)
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, e.Encode())
	}
	step := func(txs ...[]byte) {
		t.Helper()
		h, _ := c.app.LastCommit()
		res, err := c.app.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: h + 1, Time: time.Unix(h+1, 0), Txs: txs})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res.TxResults {
			if r.Code != 0 {
				t.Fatalf("tx %d: %s", i, r.Log)
			}
		}
		c.commit(t)
	}
	step(txs...) // 1
	if _, ok := s.EscapeSolutions(1); ok {
		t.Fatal("solutions before the delay")
	}
	for range k {
		step()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var sols []ordering.EscapeSolution
	for ctx.Err() == nil {
		var ok bool
		if sols, ok = s.EscapeSolutions(1); ok {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(sols) != 2 || sols[0].Index != 0 || sols[1].Index != 1 {
		t.Fatalf("solutions %+v", sols)
	}
	h, _ := c.app.LastCommit()
	prep, err := c.app.PrepareProposal(context.Background(), &abci.PrepareProposalRequest{Height: h + 1, Time: time.Unix(h+1, 0), MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(prep.Txs) != 1 || prep.Txs[0][0] != ordering.SysTxEscape {
		t.Fatalf("proposal of %d txs, want the escape record", len(prep.Txs))
	}
	pp, err := c.app.ProcessProposal(context.Background(), &abci.ProcessProposalRequest{Height: h + 1, Time: time.Unix(h+1, 0), Txs: prep.Txs})
	if err != nil || pp.Status != abci.PROCESS_PROPOSAL_STATUS_ACCEPT {
		t.Fatalf("own proposal rejected: %v", err)
	}
	step(prep.Txs...)
	for j, want := range []ordering.TxStatus{ordering.TxDecrypted, ordering.TxDecrypted, ordering.TxUndecryptable} {
		r, err := c.app.Tx(crypto.Keccak256Hash(txs[j]))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want {
			t.Errorf("tx %d: status %v, want %v", j, r.Status, want)
		}
	}
	for ctx.Err() == nil {
		if _, ok := s.EscapeSolutions(1); !ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the solver kept a resolved block")
}

func TestNewSolverWithoutHatch(t *testing.T) {
	if _, err := NewSolver(newChain(t).app, SolverConfig{}); !errors.Is(err, ErrNoEscapeHatch) {
		t.Fatalf("got %v", err)
	}
}
