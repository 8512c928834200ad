package decrypt

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/internal/fuzzcorpus"
)

// FuzzVerifyPending: a node's signed header and envelope proof never
// panic the keyholder, and nothing made without the validators' keys
// proves a block.
func FuzzVerifyPending(f *testing.F) {
	c := newCommittee(f)
	b := c.block(f, 7, 1)
	env := b.Txs[0].Envelope.Encode()
	val := cmttypes.NewValidator(ed25519.GenPrivKeyFromSecret([]byte("v")).PubKey(), 1)
	vals := cmttypes.NewValidatorSet([]*cmttypes.Validator{val})

	// A well-formed header and commit, signed by nobody.
	txs := cmttypes.Txs{env}
	hdr := cmttypes.Header{ChainID: "test", Height: 7, Time: time.Unix(1, 0), DataHash: txs.Hash(),
		ValidatorsHash: vals.Hash(), NextValidatorsHash: vals.Hash(), ProposerAddress: val.Address}
	commit := &cmttypes.Commit{Height: 7, BlockID: cmttypes.BlockID{Hash: hdr.Hash()},
		Signatures: []cmttypes.CommitSig{{BlockIDFlag: cmttypes.BlockIDFlagCommit, ValidatorAddress: val.Address, Timestamp: time.Unix(1, 0), Signature: make([]byte, 64)}}}
	sh, err := (&cmttypes.SignedHeader{Header: &hdr, Commit: commit}).ToProto().Marshal()
	if err != nil {
		f.Fatal(err)
	}
	tpp := txs.Proof(0).ToProto()
	proof, err := tpp.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][2][]byte{{sh, proof}, {sh[:len(sh)/2], proof}, {sh, proof[:len(proof)-3]}, {nil, nil}, {{0xff}, {0x0a, 0x01}}}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	if *rewriteCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s[0], s[1]})
		}
		if err := fuzzcorpus.Write(".", "FuzzVerifyPending", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzVerifyPending/*"); len(files) == 0 {
		f.Fatal("no seed corpus in testdata/fuzz/FuzzVerifyPending: run go test -run FuzzVerifyPending -rewrite-corpus")
	}
	f.Fuzz(func(t *testing.T, header, txProof []byte) {
		pb := api.PendingBlock{Height: 7, LatestHeight: 7, SignedHeader: header,
			Envelopes: []api.PendingEnvelope{{Hash: b.Txs[0].Hash, Envelope: bytes.Clone(env), TxProof: txProof}}}
		if _, err := VerifyPending("test", 7, pb, vals); err == nil {
			t.Fatal("a block proven without the validator's signature")
		}
	})
}
