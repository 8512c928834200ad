package test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/ordering"
)

// TestRemoteKeyholder runs member 4's keyholder as `veil keyholder
// --genesis` does (decrypt.RunRemote over its encrypted keyholder home,
// checking each block against the genesis validators' commit), apart from
// the devnet, against the devnet's API over loopback HTTP, with member 3
// sending garbage: validator 0 reaches the threshold of 3 only with member
// 4's shares, so its soft decryptions, and the keys recorded on chain,
// count them. Validator 1, which member 4 does not send to, cannot
// decrypt. Member 3's garbage is evidence, queryable over the API. A block
// whose proof is tampered with is refused.
func TestRemoteKeyholder(t *testing.T) {
	dir := t.TempDir()
	cfg := devnetConfig(dir, 4)
	cfg.Keyholders = map[int]devnet.KeyholderFault{3: devnet.KeyholderGarbage, 4: devnet.KeyholderOffline}
	d, err := devnet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()

	// The secrets are encrypted at rest, owner-only; no plaintext share.
	home := d.KeyholderHome(4)
	if fi, err := os.Stat(keystore.SecretsPath(home)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(home, "eon-1.share")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a plaintext share is in %s", home)
	}
	key, err := keystore.LoadIdentity(devnet.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	s, err := keystore.Load(keystore.SecretsPath(home), key)
	if err != nil {
		t.Fatal(err)
	}
	if s.Member() != 4 || s.ChainID != d.ChainID() {
		t.Fatalf("loaded %v", s)
	}

	vals, chainID, err := client.LoadGenesisValidators(filepath.Join(dir, "node0", "config", "genesis.json"))
	if err != nil || chainID != s.ChainID {
		t.Fatalf("genesis: %v (chain %q)", err, chainID)
	}
	moniker := d.Network.Nodes[0].Moniker()
	accepted0 := counterValue(t, "veil_keyholder_shares_accepted_total", moniker, "4")
	bad0 := counterValue(t, "veil_keyholder_bad_shares_total", moniker, "3")

	var mu sync.Mutex
	released := 0
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	khCtx, stopKH := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- decrypt.RunRemote(khCtx, decrypt.RemoteConfig{
			ChainID: s.ChainID, Share: s.Share, MemberKey: s.MemberKey,
			// The first node followed is down: the keyholder moves on.
			Follow: []string{"http://127.0.0.1:1", d.APIURL()}, Nodes: []string{d.APIURL()}, Validators: vals,
			StateFile: keystore.ProgressPath(home), Poll: 50 * time.Millisecond,
			OnRelease: func(r decrypt.Release, committed int64) {
				mu.Lock()
				defer mu.Unlock()
				if r.Height > committed || r.Member != 4 {
					t.Errorf("member %d released height %d with %d committed", r.Member, r.Height, committed)
				}
				released++
			},
		})
	}()

	txs := send(t, ctx, d, 20)
	app := d.Network.Nodes[0].App()
	waitFor(t, ctx, "soft and firm decryption on validator 0", func() bool {
		for h := range txs {
			r, ok := d.Pool(0).TxResult(h)
			rec, err := app.Tx(h)
			if !ok || r.Err != nil || err != nil || rec.Status != ordering.TxDecrypted {
				return false
			}
		}
		return true
	})
	for h := range txs {
		if _, ok := d.Pool(1).TxResult(h); ok {
			t.Fatalf("validator 1 soft-decrypted %s with two members' shares", h)
		}
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := c.KeyholderEvidence(ctx)
	if err != nil || len(ev) == 0 {
		t.Fatalf("no evidence against the garbage keyholder: %v", err)
	}
	for _, e := range ev {
		if e.Member != 3 || e.Reason == "" {
			t.Fatalf("evidence %+v, want only member 3's", e)
		}
	}
	if n := counterValue(t, "veil_keyholder_bad_shares_total", moniker, "3") - bad0; n < 1 {
		t.Fatalf("veil_keyholder_bad_shares_total{member=3} rose by %v", n)
	}
	// The node's metrics count member 4's verified shares.
	if got := counterValue(t, "veil_keyholder_shares_accepted_total", moniker, "4") - accepted0; got < float64(len(txs)) {
		t.Fatalf("veil_keyholder_shares_accepted_total{member=4} rose by %v for %d envelopes", got, len(txs))
	}
	stopKH()
	checkPendingProofs(t, ctx, d, vals)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RunRemote: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if released == 0 {
		t.Fatal("the remote keyholder released nothing")
	}
	if b, err := os.ReadFile(keystore.ProgressPath(home)); err != nil || len(b) == 0 {
		t.Fatalf("no progress saved: %v", err)
	}
}

// counterValue reads a counter of the process-wide Prometheus registry (the
// devnet's), 0 if the series does not exist yet.
func counterValue(t *testing.T, name, node, member string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["node"] == node && labels["member"] == member {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// checkPendingProofs sends envelopes while the committee is short of the
// threshold (member 4 stopped, member 3 faulty), so their block stays
// pending, checks its proofs, then tampers with them.
func checkPendingProofs(t *testing.T, ctx context.Context, d *devnet.Devnet, vals *cmttypes.ValidatorSet) {
	t.Helper()
	pending := send(t, ctx, d, 4)
	var h int64
	for _, height := range pending {
		h = height
	}
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	pb, err := c.PendingEnvelopes(ctx, uint64(h))
	if err != nil || len(pb.Envelopes) == 0 {
		t.Fatalf("block %d: %d pending envelopes, %v", h, len(pb.Envelopes), err)
	}
	chain := d.ChainID()
	if _, err := decrypt.VerifyPending(chain, h, pb, vals); err != nil {
		t.Fatalf("a committed block does not verify: %v", err)
	}
	for _, tc := range []struct {
		name string
		maul func(pb *api.PendingBlock)
		vals *cmttypes.ValidatorSet
	}{
		{"no header", func(pb *api.PendingBlock) { pb.SignedHeader = nil }, vals},
		{"garbage header", func(pb *api.PendingBlock) { pb.SignedHeader = []byte{1, 2, 3} }, vals},
		{"no proof", func(pb *api.PendingBlock) { pb.Envelopes[0].TxProof = nil }, vals},
		{"mauled proof", func(pb *api.PendingBlock) {
			p := append([]byte(nil), pb.Envelopes[0].TxProof...)
			p[len(p)-1] ^= 1 // the last aunt hash
			pb.Envelopes[0].TxProof = p
		}, vals},
		{"other validators", func(*api.PendingBlock) {}, otherValidators(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := pb
			m.Envelopes = append([]api.PendingEnvelope(nil), pb.Envelopes...)
			tc.maul(&m)
			if _, err := decrypt.VerifyPending(chain, h, m, tc.vals); !errors.Is(err, decrypt.ErrUnproven) {
				t.Fatalf("got %v, want ErrUnproven", err)
			}
		})
	}
	// A block's header and proofs do not prove another height.
	other := pb
	other.Height = uint64(h + 1)
	if _, err := decrypt.VerifyPending(chain, h+1, other, vals); !errors.Is(err, decrypt.ErrUnproven) {
		t.Fatalf("block %d passed as block %d: %v", h, h+1, err)
	}
}

// otherValidators is a validator set of fresh keys.
func otherValidators(t *testing.T) *cmttypes.ValidatorSet {
	vs := make([]*cmttypes.Validator, 4)
	for i := range vs {
		vs[i] = cmttypes.NewValidator(ed25519.GenPrivKey().PubKey(), 1)
	}
	return cmttypes.NewValidatorSet(vs)
}
