package test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/rollupfeed"
)

// cloneHeader deep-copies a signed header through its protobuf form.
func cloneHeader(t *testing.T, sh *cmttypes.SignedHeader) *cmttypes.SignedHeader {
	t.Helper()
	b, err := sh.ToProto().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var pb cmtproto.SignedHeader
	if err := pb.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	out, err := cmttypes.SignedHeaderFromProto(&pb)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cloneFirm deep-copies a batch's firm proof.
func cloneFirm(t *testing.T, b *client.Batch) *client.Batch {
	t.Helper()
	p := *b.Firm.FirmProof
	p.Roots = append([]rollupfeed.FirmRoot(nil), p.Roots...)
	cp := *b
	cp.Firm = &client.FirmProof{FirmProof: &p, Header: cloneHeader(t, b.Firm.Header)}
	return &cp
}

// TestFirmBatchesLightClientVerifiable: a rollup that trusts only the
// devnet's genesis validator set follows the firm feed and verifies every
// batch down to the validators' commit; a proof with a changed root, the
// header of another height, a commit with signatures removed or altered,
// or another chain id fails with ErrNotFirm. It also measures how many
// blocks after a height its firm batch is proven.
func TestFirmBatchesLightClientVerifiable(t *testing.T) {
	d := startDevnet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	vals, chainID, err := client.LoadGenesisValidators(d.Network.Nodes[0].CometConfig().GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	if chainID != d.ChainID() || vals.Size() != 4 {
		t.Fatalf("trust: chain %q, %d validators", chainID, vals.Size())
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	// VEIL_FIRM_TXS sends more envelopes, for measuring the firm lag.
	count := 12
	if n, err := strconv.Atoi(os.Getenv("VEIL_FIRM_TXS")); err == nil && n > 0 {
		count = n
	}
	var mu sync.Mutex
	var sent []common.Hash
	traffic := &devnet.Traffic{URL: d.APIURL(), Wallets: d.Wallets, Count: count, OnSubmit: func(_ int, h common.Hash, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, h)
	}}
	if err := traffic.Run(ctx); err != nil {
		t.Fatalf("traffic: %v", err)
	}
	var top int64
	for _, h := range sent {
		st, err := c.Wait(ctx, h, client.UntilFirm)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		top = max(top, int64(st.Height))
	}

	// Follow rollup a's firm feed, verified against the genesis set,
	// through the last height with traffic.
	rollup := devnet.DemoRollups[0].ID
	var batches []*client.Batch
	for b, err := range c.Subscribe(ctx, rollup, 1, api.LevelFirm, client.WithTrust(vals, chainID)) {
		if err != nil {
			t.Fatalf("height %d: %v", len(batches)+1, err)
		}
		if err := client.VerifyFirm(b, vals, chainID); err != nil {
			t.Fatalf("height %d: %v", b.Height, err)
		}
		batches = append(batches, b)
		if b.Height >= top {
			break
		}
	}
	var sample *client.Batch
	for _, b := range batches {
		if len(b.Legs) > 0 && len(b.Firm.Roots) > 0 {
			sample = b
		}
	}
	if sample == nil {
		t.Fatal("no firm batch with legs")
	}
	other := batches[0]
	if other.Firm.RecordedAt == sample.Firm.RecordedAt {
		t.Fatal("sample and other batch recorded at the same height")
	}

	// GetBatch and GetBundle carry the same proof.
	gb, err := c.GetBatch(ctx, rollup, sample.Height, api.LevelFirm)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.VerifyFirm(gb, vals, chainID); err != nil {
		t.Fatalf("GetBatch: %v", err)
	}
	bu, err := c.GetBundle(ctx, sample.Legs[0].Manifest.BundleID)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.VerifyFirmBundle(bu, vals, chainID); err != nil {
		t.Fatalf("GetBundle: %v", err)
	}
	// A soft batch is not firm.
	sb, err := c.GetBatch(ctx, rollup, sample.Height, api.LevelSoft)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.VerifyFirm(sb, vals, chainID); !errors.Is(err, client.ErrNotFirm) {
		t.Errorf("soft batch: %v", err)
	}

	tamper := map[string]func(b *client.Batch){
		"changed root in the proof": func(b *client.Batch) {
			for i := range b.Firm.Roots {
				if b.Firm.Roots[i].Height == b.Height {
					b.Firm.Roots[i].Root[0] ^= 1
				}
			}
		},
		"root and proof changed together": func(b *client.Batch) {
			// The legs no longer match, so this fails before the header;
			// VerifyBatch's error, not ErrNotFirm.
			for i := range b.Firm.Roots {
				if b.Firm.Roots[i].Height == b.Height {
					b.Firm.Roots[i].Root = common.Hash{1}
				}
			}
			b.Root = common.Hash{1}
		},
		"changes root":              func(b *client.Batch) { b.Firm.ChangesRoot = make([]byte, 32) },
		"header of another height":  func(b *client.Batch) { b.Firm.Header = cloneHeader(t, other.Firm.Header) },
		"recorded at another block": func(b *client.Batch) { b.Firm.RecordedAt++ },
		"signatures removed down to half": func(b *client.Batch) {
			sigs := b.Firm.Header.Commit.Signatures
			present := 0
			for i := range sigs {
				if sigs[i].BlockIDFlag == cmttypes.BlockIDFlagCommit {
					if present++; present > 2 {
						sigs[i] = cmttypes.NewCommitSigAbsent()
					}
				}
			}
		},
		"signature altered": func(b *client.Batch) {
			for i, s := range b.Firm.Header.Commit.Signatures {
				if len(s.Signature) > 0 {
					b.Firm.Header.Commit.Signatures[i].Signature[0] ^= 1
					return
				}
			}
		},
		"app hash in the header": func(b *client.Batch) { b.Firm.Header.AppHash[0] ^= 1 },
		"no header":              func(b *client.Batch) { b.Firm.Header = nil },
	}
	for name, mod := range tamper {
		b := cloneFirm(t, sample)
		mod(b)
		err := client.VerifyFirm(b, vals, chainID)
		switch {
		case err == nil:
			t.Errorf("%s: verifies", name)
		case name == "root and proof changed together":
			if !errors.Is(err, rollupfeed.ErrRootMismatch) {
				t.Errorf("%s: %v", name, err)
			}
		case !errors.Is(err, client.ErrNotFirm):
			t.Errorf("%s: %v, want ErrNotFirm", name, err)
		default:
			t.Logf("%s: %v", name, err)
		}
	}
	// One absent signature of four equal validators leaves three quarters
	// of the power: still a valid commit (when all four signed it).
	one := cloneFirm(t, sample)
	sigs := one.Firm.Header.Commit.Signatures
	if !slices.ContainsFunc(sigs, func(s cmttypes.CommitSig) bool { return s.BlockIDFlag != cmttypes.BlockIDFlagCommit }) {
		sigs[0] = cmttypes.NewCommitSigAbsent()
		if err := client.VerifyFirm(one, vals, chainID); err != nil {
			t.Errorf("commit with one absent signature of four: %v", err)
		}
	}
	if err := client.VerifyFirm(cloneFirm(t, sample), vals, "another-chain"); !errors.Is(err, client.ErrNotFirm) {
		t.Errorf("wrong chain id: %v", err)
	}
	// A validator set other than the genesis one does not verify.
	strangers := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(ed25519.GenPrivKey().PubKey(), 10)})
	if err := client.VerifyFirm(sample, strangers, chainID); !errors.Is(err, client.ErrNotFirm) {
		t.Errorf("untrusted validators: %v", err)
	}

	// Firm lag: a height's batch is served at the firm level once the
	// block after the one that recorded its root is committed.
	app := d.Network.Nodes[0].App()
	var lags [2]struct {
		sum, most, n int64
		wait         time.Duration
	} // [0] empty heights, [1] with envelopes
	for _, b := range batches {
		_, at, ok, err := app.FirmRoot(b.Height)
		if err != nil || !ok || at != b.Firm.RecordedAt {
			t.Fatalf("FirmRoot(%d) = %d, %v, %v; proof recorded at %d", b.Height, at, ok, err, b.Firm.RecordedAt)
		}
		blk, err := app.Block(b.Height)
		if err != nil {
			t.Fatal(err)
		}
		l := &lags[min(len(blk.Txs), 1)]
		lag := at + 1 - b.Height
		l.sum, l.most, l.n = l.sum+lag, max(l.most, lag), l.n+1
		proving, err := app.Block(at + 1)
		if err != nil {
			t.Fatal(err)
		}
		l.wait += proving.Time.Sub(blk.Time)
	}
	for i, name := range []string{"empty heights", "heights with envelopes"} {
		if l := lags[i]; l.n > 0 {
			t.Logf("firm lag, %s: mean %.2f blocks (%v of block time), max %d, over %d heights (from the height to the header that proves it)",
				name, float64(l.sum)/float64(l.n), (l.wait / time.Duration(l.n)).Round(time.Millisecond), l.most, l.n)
		}
	}
}
