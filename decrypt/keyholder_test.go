package decrypt

import (
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/ordering"
)

// chain is an application at genesis with the committee's eon and
// keyholder keys, and a funded wallet.
type chain struct {
	*committee
	app  *ordering.App
	khKs []ed25519.PrivateKey
}

func newChain(t *testing.T, mods ...func(*ordering.Genesis)) *chain {
	t.Helper()
	c := &chain{committee: newCommittee(t)}
	pkb, _ := c.pk.MarshalBinary()
	g := &ordering.Genesis{
		Params:   ordering.DefaultParams(),
		Accounts: []ordering.GenesisAccount{{Address: crypto.PubkeyToAddress(c.key.PublicKey), Balance: 1 << 40}},
		Rollups:  []ordering.Rollup{{ID: 1, Name: "r"}},
		Eon:      ordering.GenesisEon{ID: 1, PublicKey: pkb},
	}
	rng := seeded(4)
	for range 4 {
		pub, priv, err := ed25519.GenerateKey(rng)
		if err != nil {
			t.Fatal(err)
		}
		c.khKs = append(c.khKs, priv)
		g.Eon.Keyholders = append(g.Eon.Keyholders, hexutil.Bytes(pub))
	}
	for _, m := range mods {
		m(g)
	}
	app, err := ordering.New(ordering.Config{DB: dbm.NewMemDB()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	state, err := g.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.InitChain(context.Background(), &abci.InitChainRequest{ChainId: "test", InitialHeight: 1, AppStateBytes: state}); err != nil {
		t.Fatal(err)
	}
	c.app = app
	return c
}

// finalizeOnly runs FinalizeBlock for the next height without Commit.
func (c *chain) finalizeOnly(t *testing.T, b Block) {
	t.Helper()
	var txs [][]byte
	for _, tx := range b.Txs {
		txs = append(txs, tx.Envelope.Encode())
	}
	h, _ := c.app.LastCommit()
	res, err := c.app.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Height: h + 1, Time: time.Unix(1, 0), Txs: txs})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.TxResults {
		if r.Code != 0 {
			t.Fatalf("tx %d: %s", i, r.Log)
		}
	}
}

func (c *chain) commit(t *testing.T) {
	t.Helper()
	if _, err := c.app.Commit(context.Background(), &abci.CommitRequest{}); err != nil {
		t.Fatal(err)
	}
}

type recordingSink struct{ got []Release }

func (r *recordingSink) SubmitKeyShares(_ context.Context, rel *Release) error {
	r.got = append(r.got, *rel)
	return nil
}

// TestKeyholderReleasesOnlyCommitted: a keyholder that sees a block
// finalized but not committed releases nothing for it; once it commits,
// the keyholder releases exactly its shares, and a restarted keyholder
// resumes after the last height it released.
func TestKeyholderReleasesOnlyCommitted(t *testing.T) {
	c := newChain(t)
	feed := NewAppFeed(c.app)
	defer feed.Close()
	sink := &recordingSink{}
	state := filepath.Join(t.TempDir(), "progress")
	kh, err := NewKeyholder(KeyholderConfig{Share: c.sks[0], Feed: feed, Sinks: []Sink{sink}, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := c.block(t, 1, 3)
	c.finalizeOnly(t, b)
	if err := kh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 0 || kh.Released() != 0 {
		t.Fatalf("released %d times for an uncommitted block", len(sink.got))
	}
	c.commit(t)
	if err := feed.WaitCommit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := kh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 1 || sink.got[0].Height != 1 || len(sink.got[0].Shares) != 3 || kh.Released() != 1 {
		t.Fatalf("releases %+v", sink.got)
	}

	// Restart: a new keyholder over the same state file does not release
	// height 1 again.
	sink2 := &recordingSink{}
	kh2, err := NewKeyholder(KeyholderConfig{Share: c.sks[0], Feed: feed, Sinks: []Sink{sink2}, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	if kh2.Released() != 1 {
		t.Fatalf("restarted keyholder at %d, want 1", kh2.Released())
	}
	c.finalizeOnly(t, Block{})
	c.commit(t)
	if err := kh2.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sink2.got) != 0 || kh2.Released() != 2 {
		t.Fatalf("restarted keyholder released %+v, at %d", sink2.got, kh2.Released())
	}
}

// TestServiceAuthenticates drives the KeyholderService backend with
// signed, unsigned, foreign and replayed submissions.
func TestServiceAuthenticates(t *testing.T) {
	c := newChain(t)
	svc, err := NewService(c.app, ServiceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	b := c.block(t, 1, 2)
	c.finalizeOnly(t, b)
	c.commit(t)
	ctx := context.Background()
	sign := func(member int, key ed25519.PrivateKey, height int64) api.KeyShareSubmission {
		shares, sig, err := SignRelease(key, "test", &Release{Eon: 1, Height: height, Member: member, Shares: c.shares(b, member)})
		if err != nil {
			t.Fatal(err)
		}
		return api.KeyShareSubmission{Eon: 1, Height: uint64(height), Member: uint32(member), Shares: shares, Signature: sig}
	}
	good := sign(1, c.khKs[0], 1)
	unsigned := good
	unsigned.Signature = nil
	wrongKey := sign(2, c.khKs[0], 1)
	otherChain := good
	otherChain.Signature = ed25519.Sign(c.khKs[0], SharesMessage("other", 1, 1, 1, good.Shares))
	nonMember := good
	nonMember.Member = 9
	unknownEon := good
	unknownEon.Eon = 2
	foreignIdx := sign(3, c.khKs[2], 1)
	foreignIdx.Shares = good.Shares // member 1's shares under member 3
	foreignIdx.Signature = ed25519.Sign(c.khKs[2], SharesMessage("test", 1, 1, 3, foreignIdx.Shares))
	malformed := sign(4, c.khKs[3], 1)
	malformed.Shares = [][]byte{{1, 2, 3}, malformed.Shares[1]}
	malformed.Signature = ed25519.Sign(c.khKs[3], SharesMessage("test", 1, 1, 4, malformed.Shares))
	for _, tc := range []struct {
		name string
		sub  api.KeyShareSubmission
		want error
	}{
		{"unsigned", unsigned, api.ErrUnauthenticated},
		{"signed by another member", wrongKey, api.ErrUnauthenticated},
		{"signed for another chain", otherChain, api.ErrUnauthenticated},
		{"non-member", nonMember, api.ErrPermissionDenied},
		{"unknown eon", unknownEon, api.ErrPermissionDenied},
		{"another member's indices", foreignIdx, api.ErrInvalidShares},
		{"malformed share", malformed, api.ErrInvalidShares},
		{"valid", good, nil},
		{"replayed", good, api.ErrAlreadySubmitted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := svc.SubmitKeyShares(ctx, tc.sub)
			if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}
