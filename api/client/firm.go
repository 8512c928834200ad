package client

import (
	"bytes"
	"errors"
	"fmt"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/rollupfeed"
)

// ErrNotFirm wraps every reason VerifyFirm rejects a batch: no proof, a
// proof that does not hold the batch root, a header of the wrong block or
// chain, or a commit the trusted validators did not sign.
var ErrNotFirm = errors.New("client: firm batch not proven")

// FirmProof is what makes a firm batch verifiable without trusting the
// node that served it: the block RecordedAt recorded the batch root, its
// app hash (Proof.AppHash) commits to it, and Header is the header of
// block RecordedAt+1, which carries that app hash, with the commit of the
// validators that signed it.
type FirmProof struct {
	*rollupfeed.FirmProof
	// Header is nil when the node has no block store to serve it from
	// (an embedded feed); VerifyFirm then fails.
	Header *cmttypes.SignedHeader
}

// firmProofFromProto decodes a served firm proof; nil for none.
func firmProofFromProto(pb *veilv1.FirmProof) (*FirmProof, error) {
	if pb == nil {
		return nil, nil
	}
	p := &rollupfeed.FirmProof{RecordedAt: pb.GetRecordedAt(), PrevAppHash: pb.GetPrevAppHash(), ChangesRoot: pb.GetChangesRoot()}
	for _, r := range pb.GetRoots() {
		if len(r.GetRoot()) != common.HashLength {
			return nil, fmt.Errorf("%w: firm root of %d bytes", rollupfeed.ErrMalformed, len(r.GetRoot()))
		}
		p.Roots = append(p.Roots, rollupfeed.FirmRoot{Height: r.GetHeight(), Root: common.BytesToHash(r.GetRoot())})
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out := &FirmProof{FirmProof: p}
	if raw := pb.GetSignedHeader(); len(raw) > 0 {
		var shp cmtproto.SignedHeader
		if err := shp.Unmarshal(raw); err != nil {
			return nil, fmt.Errorf("%w: signed header: %v", rollupfeed.ErrMalformed, err)
		}
		sh, err := cmttypes.SignedHeaderFromProto(&shp)
		if err != nil {
			return nil, fmt.Errorf("%w: signed header: %v", rollupfeed.ErrMalformed, err)
		}
		out.Header = sh
	}
	return out, nil
}

// VerifyFirm checks that b is the whole of its rollup's part of a block
// whose batch root the sequencer's validators committed to, trusting only
// vals, the validator set of chain chainID:
//
//   - the legs and proof hash to b.Root (VerifyBatch);
//   - b.Firm records b.Root as the batch root of b.Height, and gives the
//     app hash of block firm.RecordedAt;
//   - b.Firm.Header is the header of block RecordedAt+1 of chainID and
//     carries that app hash;
//   - its commit is signed by more than two thirds of vals' voting power
//     (ValidatorSet.VerifyCommitLight).
//
// veil's validator set is fixed at genesis (the application never changes
// it), so vals is the genesis set: LoadGenesisValidators. A chain whose
// set changed would need a CometBFT light client to find the set that
// signed each header. Errors wrap ErrNotFirm, or VerifyBatch's errors.
func VerifyFirm(b *Batch, vals *cmttypes.ValidatorSet, chainID string) error {
	if err := VerifyBatch(b); err != nil {
		return err
	}
	return verifyFirmRoot(b.Level, b.Height, b.Root, b.Firm, vals, chainID)
}

// VerifyFirmBundle is VerifyFirm for a bundle GetBundle returned (which
// verified its legs against b.Root): it checks that the validators'
// commit covers b.Root.
func VerifyFirmBundle(b *Bundle, vals *cmttypes.ValidatorSet, chainID string) error {
	return verifyFirmRoot(b.Level, b.Height, b.Root, b.Firm, vals, chainID)
}

// verifyFirmRoot checks that firm proves root as the batch root of height
// to vals.
func verifyFirmRoot(level api.DecryptionLevel, height int64, root common.Hash, firm *FirmProof, vals *cmttypes.ValidatorSet, chainID string) error {
	if vals.IsNilOrEmpty() {
		return fmt.Errorf("%w: no trusted validator set", ErrNotFirm)
	}
	if level != api.LevelFirm {
		return fmt.Errorf("%w: height %d is served at level %v", ErrNotFirm, height, level)
	}
	if firm == nil || firm.FirmProof == nil {
		return fmt.Errorf("%w: height %d came without a firm proof", ErrNotFirm, height)
	}
	if err := firm.Check(height, root); err != nil {
		return fmt.Errorf("%w: %v", ErrNotFirm, err)
	}
	sh := firm.Header
	if sh == nil || sh.Header == nil || sh.Commit == nil {
		return fmt.Errorf("%w: height %d came without the signed header of block %d", ErrNotFirm, height, firm.RecordedAt+1)
	}
	if sh.ChainID != chainID {
		return fmt.Errorf("%w: header of chain %q, want %q", ErrNotFirm, sh.ChainID, chainID)
	}
	if sh.Height != firm.RecordedAt+1 {
		return fmt.Errorf("%w: header of block %d, the root was recorded at %d so the header must be of %d", ErrNotFirm, sh.Height, firm.RecordedAt, firm.RecordedAt+1)
	}
	if err := sh.ValidateBasic(chainID); err != nil {
		return fmt.Errorf("%w: signed header of block %d: %v", ErrNotFirm, sh.Height, err)
	}
	if app := firm.AppHash(); !bytes.Equal(app, sh.AppHash) {
		return fmt.Errorf("%w: the proof gives app hash %X, the header of block %d carries %X", ErrNotFirm, app, sh.Height, []byte(sh.AppHash))
	}
	if err := vals.VerifyCommitLight(chainID, sh.Commit.BlockID, sh.Height, sh.Commit); err != nil {
		return fmt.Errorf("%w: commit of block %d: %v", ErrNotFirm, sh.Height, err)
	}
	return nil
}

// LoadGenesisValidators reads a CometBFT genesis file and returns its
// chain id and validator set: what VerifyFirm trusts. The genesis must
// list its validators (veil's does: the application does not choose
// them).
func LoadGenesisValidators(path string) (*cmttypes.ValidatorSet, string, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("client: %w", err)
	}
	vals, err := GenesisValidators(doc)
	if err != nil {
		return nil, "", err
	}
	return vals, doc.ChainID, nil
}

// GenesisValidators returns the validator set a genesis document lists.
func GenesisValidators(doc *cmttypes.GenesisDoc) (*cmttypes.ValidatorSet, error) {
	if len(doc.Validators) == 0 {
		return nil, fmt.Errorf("client: genesis of chain %q lists no validators", doc.ChainID)
	}
	vs := make([]*cmttypes.Validator, len(doc.Validators))
	for i, v := range doc.Validators {
		vs[i] = cmttypes.NewValidator(v.PubKey, v.Power)
		if err := vs[i].ValidateBasic(); err != nil {
			return nil, fmt.Errorf("client: genesis validator %d of chain %q: %w", i, doc.ChainID, err)
		}
	}
	return newValidatorSet(vs)
}

// newValidatorSet orders vs as CometBFT does (the commit's signatures
// follow that order), reporting what cmttypes.NewValidatorSet panics on
// (a repeated validator, too much power) as an error.
func newValidatorSet(vs []*cmttypes.Validator) (set *cmttypes.ValidatorSet, err error) {
	defer func() {
		if r := recover(); r != nil {
			set, err = nil, fmt.Errorf("client: validator set: %v", r)
		}
	}()
	return cmttypes.NewValidatorSet(vs), nil
}
