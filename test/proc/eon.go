package proc

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/veilseq/veil/internal/keystore"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/threshold"
)

// KeyholderHome returns member m's keyholder home (m from 0).
func (n *Net) KeyholderHome(m int) string { return filepath.Join(n.Home(m), "keyholder") }

// Member loads member m's secrets from its keyholder home (m from 0).
func (n *Net) Member(m int) *keystore.Secrets {
	n.t.Helper()
	key, err := keystore.LoadIdentity(filepath.Join(n.Dir, "keyholder-identity.txt"))
	if err != nil {
		n.t.Fatal(err)
	}
	s, err := keystore.Load(keystore.SecretsPath(n.KeyholderHome(m)), key)
	if err != nil {
		n.t.Fatal(err)
	}
	return s
}

// RPC returns validator i's CometBFT RPC address (http://host:port).
func (n *Net) RPC(i int) string {
	n.t.Helper()
	b, err := os.ReadFile(filepath.Join(n.Home(i), "config", "config.toml"))
	if err != nil {
		n.t.Fatal(err)
	}
	m := rpcRE.FindSubmatch(b)
	if m == nil {
		n.t.Fatalf("node%d: no [rpc] laddr in config.toml", i)
	}
	return "http://" + string(m[1])
}

var rpcRE = regexp.MustCompile(`(?s)\[rpc\].*?\nladdr = "tcp://([^"]+)"`)

// Rotation is a next eon NewEon dealt and registered.
type Rotation struct {
	Eon        uint64
	Activation int64
	// Shares are the members' shares of the new eon, by member (from 0).
	Shares []*threshold.SecretKeyShare
}

// NewEon hands the committee over to a new eon, the way operators do:
// it deals the next eon's key among the same members (standing in for
// their DKG ceremony), writes each member's new secrets into its
// keyholder home as keyholder-eon-N.age except for the members in
// without (the test gives them theirs later, SaveEonShare), builds the
// registration every member consents to and approves with its member
// key, and submits it with `veil eon register` through validator via's
// RPC. It returns once the registration is on chain. The keyholders
// running pick up their new files by rescanning their homes; NewEon waits
// until each has logged it.
func (n *Net) NewEon(via int, without ...int) Rotation {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	p, err := n.clients[via].Params(ctx)
	if err != nil {
		n.t.Fatal(err)
	}
	if p.NextEon != nil {
		n.t.Fatalf("eon %d is registered already", p.NextEon.ID)
	}
	eon := p.Eon.ID + 1
	pk, shares, err := threshold.DealKeys(rand.Reader, eon, p.EonKey.Threshold(), p.EonKey.N())
	if err != nil {
		n.t.Fatal(err)
	}
	members := make([]*keystore.Secrets, len(shares))
	pubs := make([]ed25519.PublicKey, len(shares))
	for m := range shares {
		members[m] = n.Member(m)
		pubs[m] = members[m].MemberKey.Public().(ed25519.PublicKey)
	}
	skip := map[int]bool{}
	for _, m := range without {
		skip[m] = true
	}
	for m, sk := range shares {
		if !skip[m] {
			n.SaveEonShare(m, sk)
		}
	}
	for m := range shares {
		if !skip[m] && n.keyholders[m].Running() {
			n.WaitLog(n.keyholders[m], fmt.Sprintf("also member %d of eon %d", m+1, eon))
		}
	}

	// Activation: past the chain's rotation lead from the next blocks,
	// with room for the registration to be included.
	activation := int64(p.LatestHeight) + n.rotationLead() + 8
	reg, err := ordering.NewEonRegistration(pk, pubs, activation, sha256.Sum256(fmt.Appendf(nil, "proc test eon %d", eon)))
	if err != nil {
		n.t.Fatal(err)
	}
	for m, s := range members {
		if err := reg.Consent(p.ChainID, m+1, s.MemberKey); err != nil {
			n.t.Fatal(err)
		}
		reg.Approve(p.ChainID, m+1, s.MemberKey)
	}
	tx, err := reg.Marshal()
	if err != nil {
		n.t.Fatal(err)
	}
	file := filepath.Join(n.Dir, fmt.Sprintf("eon-%d.registration", eon))
	if err := os.WriteFile(file, []byte(hex.EncodeToString(tx)), 0o600); err != nil {
		n.t.Fatal(err)
	}
	out, err := Command(ctx, n.t, "eon", "register", "--file", file, "--node", n.RPC(via)).CombinedOutput()
	if err != nil {
		n.t.Fatalf("veil eon register: %v\n%s", err, out)
	}
	n.t.Logf("%s", out)
	for {
		p, err := n.clients[via].Params(ctx)
		if err == nil && p.NextEon != nil && p.NextEon.ID == eon {
			n.noteEons(p)
			return Rotation{Eon: eon, Activation: int64(p.NextEon.ActivationHeight), Shares: shares}
		}
		select {
		case <-ctx.Done():
			n.t.Fatalf("eon %d registration not on chain: %v", eon, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// SaveEonShare writes member m's secrets of sk's eon into its keyholder
// home, beside its first secrets.
func (n *Net) SaveEonShare(m int, sk *threshold.SecretKeyShare) {
	n.t.Helper()
	key, err := keystore.LoadIdentity(filepath.Join(n.Dir, "keyholder-identity.txt"))
	if err != nil {
		n.t.Fatal(err)
	}
	first := n.Member(m)
	s := &keystore.Secrets{ChainID: first.ChainID, Share: sk, MemberKey: first.MemberKey}
	if err := keystore.Save(keystore.EonSecretsPath(n.KeyholderHome(m), sk.Eon()), s, key); err != nil {
		n.t.Fatal(err)
	}
}

// WaitLog waits until p's log contains s.
func (n *Net) WaitLog(p *Proc, s string) {
	n.t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for {
		b, _ := os.ReadFile(p.log)
		if bytes.Contains(b, []byte(s)) {
			return
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("%s did not log %q", p.name, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rotationLead reads the chain's rotation lead from the genesis file.
func (n *Net) rotationLead() int64 {
	n.t.Helper()
	b, err := os.ReadFile(filepath.Join(n.Home(0), "config", "genesis.json"))
	if err != nil {
		n.t.Fatal(err)
	}
	var doc struct {
		AppState json.RawMessage `json:"app_state"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		n.t.Fatal(err)
	}
	g, err := ordering.ParseGenesis(doc.AppState)
	if err != nil {
		n.t.Fatal(err)
	}
	return g.Params.RotationLead()
}
