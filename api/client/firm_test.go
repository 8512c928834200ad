package client

import (
	"bytes"
	"errors"
	"flag"
	"path/filepath"
	"slices"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"google.golang.org/protobuf/proto"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/internal/fuzzcorpus"
	"github.com/veilseq/veil/rollupfeed"
)

var rewriteFirmCorpus = flag.Bool("rewrite-firm-corpus", false, "rewrite testdata/fuzz/FuzzFirmProofFromProto")

const firmChain = "firm-test"

// firmFixture is a batch recorded at height 5 of a 4-validator chain,
// with the signed header of block 6 that commits to it, made with real
// keys and votes.
type firmFixture struct {
	vals  *cmttypes.ValidatorSet
	batch *Batch
	pb    *veilv1.Batch
}

func newFirmFixture(t testing.TB) *firmFixture {
	t.Helper()
	blk, err := rollupfeed.BuildBlock(3, firmChain, []rollupfeed.DecryptedTx{
		{Hash: common.Hash{1}, Index: 0, Rollups: []uint64{7}, Plaintext: []byte("leg")},
	})
	if err != nil {
		t.Fatal(err)
	}
	proof := &rollupfeed.FirmProof{
		RecordedAt:  5,
		PrevAppHash: bytes.Repeat([]byte{1}, 32),
		ChangesRoot: bytes.Repeat([]byte{2}, 32),
		Roots:       []rollupfeed.FirmRoot{{Height: 3, Root: blk.Root}, {Height: 5, Root: rollupfeed.EmptyRoot}},
	}

	pvs := make([]cmttypes.PrivValidator, 4)
	vs := make([]*cmttypes.Validator, len(pvs))
	for i := range pvs {
		pv := cmttypes.NewMockPV()
		pvs[i] = pv
		vs[i] = cmttypes.NewValidator(pv.PrivKey.PubKey(), 10)
	}
	vals := cmttypes.NewValidatorSet(vs)
	// Votes carry their signer's index in the set.
	slices.SortFunc(pvs, func(a, b cmttypes.PrivValidator) int {
		ka, _ := a.GetPubKey()
		kb, _ := b.GetPubKey()
		ia, _ := vals.GetByAddress(ka.Address())
		ib, _ := vals.GetByAddress(kb.Address())
		return int(ia - ib)
	})
	now := time.Unix(1_700_000_000, 0).UTC()
	header := &cmttypes.Header{
		ChainID: firmChain, Height: proof.RecordedAt + 1, Time: now,
		AppHash: proof.AppHash(), ValidatorsHash: vals.Hash(), NextValidatorsHash: vals.Hash(),
		ProposerAddress: vals.Validators[0].Address,
	}
	header.Version.Block = 11
	id := cmttypes.BlockID{Hash: header.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: bytes.Repeat([]byte{3}, 32)}}
	voteSet := cmttypes.NewVoteSet(firmChain, header.Height, 0, cmttypes.PrecommitType, vals)
	ext, err := cmttypes.MakeExtCommit(id, header.Height, 0, voteSet, pvs, now, false)
	if err != nil {
		t.Fatal(err)
	}
	sh := &cmttypes.SignedHeader{Header: header, Commit: ext.ToCommit()}

	batch := blk.Batch(7)
	enc, err := batch.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	shb, err := sh.ToProto().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	pb := &veilv1.Batch{
		RollupId: 7, Height: 3, Level: veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM, BatchRoot: blk.Root[:], Encoded: enc,
		FirmProof: &veilv1.FirmProof{RecordedAt: 5, PrevAppHash: proof.PrevAppHash, ChangesRoot: proof.ChangesRoot, SignedHeader: shb},
	}
	for _, r := range proof.Roots {
		pb.FirmProof.Roots = append(pb.FirmProof.Roots, &veilv1.FirmRoot{Height: r.Height, Root: r.Root.Bytes()})
	}
	b, err := batchFromProto(pb)
	if err != nil {
		t.Fatal(err)
	}
	return &firmFixture{vals: vals, batch: b, pb: pb}
}

// reparse decodes the fixture's response after mod changed it.
func (f *firmFixture) reparse(t *testing.T, mod func(*veilv1.Batch)) *Batch {
	t.Helper()
	pb := proto.Clone(f.pb).(*veilv1.Batch)
	mod(pb)
	b, err := batchFromProto(pb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyFirm: a batch with its proof and a header signed by the
// trusted validators verifies; each broken link fails with ErrNotFirm.
func TestVerifyFirm(t *testing.T) {
	f := newFirmFixture(t)
	if err := VerifyFirm(f.batch, f.vals, firmChain); err != nil {
		t.Fatal(err)
	}
	resign := func(mod func(*cmttypes.SignedHeader)) func(*veilv1.Batch) {
		return func(pb *veilv1.Batch) {
			var shp cmtproto.SignedHeader
			if err := shp.Unmarshal(pb.FirmProof.SignedHeader); err != nil {
				t.Fatal(err)
			}
			sh, err := cmttypes.SignedHeaderFromProto(&shp)
			if err != nil {
				t.Fatal(err)
			}
			mod(sh)
			if pb.FirmProof.SignedHeader, err = sh.ToProto().Marshal(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, mod := range map[string]func(*veilv1.Batch){
		"root in the proof":  func(pb *veilv1.Batch) { pb.FirmProof.Roots[0].Root = make([]byte, 32) },
		"root missing":       func(pb *veilv1.Batch) { pb.FirmProof.Roots = pb.FirmProof.Roots[1:] },
		"previous app hash":  func(pb *veilv1.Batch) { pb.FirmProof.PrevAppHash = make([]byte, 32) },
		"recorded elsewhere": func(pb *veilv1.Batch) { pb.FirmProof.RecordedAt = 6 },
		"no header":          func(pb *veilv1.Batch) { pb.FirmProof.SignedHeader = nil },
		"no proof":           func(pb *veilv1.Batch) { pb.FirmProof = nil },
		"soft":               func(pb *veilv1.Batch) { pb.Level = veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT },
		"signature altered": resign(func(sh *cmttypes.SignedHeader) {
			sh.Commit.Signatures[0].Signature[0] ^= 1
		}),
		"two signatures absent": resign(func(sh *cmttypes.SignedHeader) {
			sh.Commit.Signatures[0] = cmttypes.NewCommitSigAbsent()
			sh.Commit.Signatures[3] = cmttypes.NewCommitSigAbsent()
		}),
	} {
		if err := VerifyFirm(f.reparse(t, mod), f.vals, firmChain); !errors.Is(err, ErrNotFirm) {
			t.Errorf("%s: %v, want ErrNotFirm", name, err)
		}
	}
	if err := VerifyFirm(f.batch, f.vals, "other-chain"); !errors.Is(err, ErrNotFirm) {
		t.Errorf("other chain: %v", err)
	}
	if err := VerifyFirm(f.batch, nil, firmChain); !errors.Is(err, ErrNotFirm) {
		t.Errorf("no trust: %v", err)
	}
	other := newFirmFixture(t)
	if err := VerifyFirm(f.batch, other.vals, firmChain); !errors.Is(err, ErrNotFirm) {
		t.Errorf("other validators: %v", err)
	}
	bu := &Bundle{Level: api.LevelFirm, Height: 3, Root: f.batch.Root, Firm: f.batch.Firm}
	if err := VerifyFirmBundle(bu, f.vals, firmChain); err != nil {
		t.Errorf("bundle: %v", err)
	}
}

// TestGenesisValidators: the trusted set from a genesis document is the
// set CometBFT builds, in its order.
func TestGenesisValidators(t *testing.T) {
	f := newFirmFixture(t)
	doc := &cmttypes.GenesisDoc{ChainID: firmChain}
	for i := len(f.vals.Validators) - 1; i >= 0; i-- { // listed in another order
		v := f.vals.Validators[i]
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{PubKey: v.PubKey, Power: v.VotingPower})
	}
	vals, err := GenesisValidators(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vals.Hash(), f.vals.Hash()) {
		t.Fatal("genesis set differs from the chain's")
	}
	if err := VerifyFirm(f.batch, vals, firmChain); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "genesis.json")
	doc.GenesisTime = time.Unix(1_700_000_000, 0).UTC()
	if err := doc.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if vals, chain, err := LoadGenesisValidators(path); err != nil || chain != firmChain || !bytes.Equal(vals.Hash(), f.vals.Hash()) {
		t.Fatalf("LoadGenesisValidators: %q, %v", chain, err)
	}
	doc.Validators = append(doc.Validators, doc.Validators[0])
	if _, err := GenesisValidators(doc); err == nil {
		t.Error("repeated validator accepted")
	}
	if _, err := GenesisValidators(&cmttypes.GenesisDoc{ChainID: "x"}); err == nil {
		t.Error("empty set accepted")
	}
}

// FuzzFirmProofFromProto: a served FirmProof message decodes or fails
// with rollupfeed.ErrMalformed, never panics, and what decodes
// validates; verification of it returns.
func FuzzFirmProofFromProto(f *testing.F) {
	fx := newFirmFixture(f)
	good, err := proto.Marshal(fx.pb.FirmProof)
	if err != nil {
		f.Fatal(err)
	}
	noHeader := proto.Clone(fx.pb.FirmProof).(*veilv1.FirmProof)
	noHeader.SignedHeader = fx.pb.FirmProof.SignedHeader[:40]
	bad, _ := proto.Marshal(noHeader)
	seeds := [][]byte{good, bad, good[:len(good)/2]}
	for _, s := range seeds {
		f.Add(s)
	}
	if *rewriteFirmCorpus {
		var entries [][][]byte
		for _, s := range seeds {
			entries = append(entries, [][]byte{s})
		}
		if err := fuzzcorpus.Write(".", "FuzzFirmProofFromProto", entries...); err != nil {
			f.Fatal(err)
		}
	}
	if files, _ := filepath.Glob("testdata/fuzz/FuzzFirmProofFromProto/*"); len(files) == 0 {
		f.Fatal("no seed corpus: run go test -run FuzzFirmProofFromProto -rewrite-firm-corpus")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var pb veilv1.FirmProof
		if proto.Unmarshal(b, &pb) != nil {
			return
		}
		p, err := firmProofFromProto(&pb)
		if err != nil {
			if !errors.Is(err, rollupfeed.ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		b2 := *fx.batch
		b2.Firm = p
		_ = VerifyFirm(&b2, fx.vals, firmChain)
	})
}
