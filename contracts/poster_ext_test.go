package contracts_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/threshold"
)

func (c *chain) posterCount() uint64 {
	c.t.Helper()
	n, err := bind.Call(c.inbox, nil, c.inboxABI.PackPosterCount(), c.inboxABI.UnpackPosterCount)
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

func (c *chain) isPoster(a common.Address) bool {
	c.t.Helper()
	ok, err := bind.Call(c.inbox, nil, c.inboxABI.PackIsPoster(a), c.inboxABI.UnpackIsPoster)
	if err != nil {
		c.t.Fatal(err)
	}
	return ok
}

// The registry's owner manages BatchInbox's poster allowlist: empty, anyone
// posts; non-empty, only the listed posters do; emptied, anyone again.
// Nobody else changes the list, and a new registry owner takes the role
// over.
func TestPosterAllowlist(t *testing.T) {
	c := newChain(t)
	cm := dealCommittee(t, 1, 1)
	c.register(cm, 1)
	poster := crypto.PubkeyToAddress(c.poster.PublicKey)
	stranger := crypto.PubkeyToAddress(c.stranger.PublicKey)
	post := func(h uint64) []byte {
		return c.inboxABI.PackPostBatch(h, rootOf(h), 1, cm.signBatch(t, testChainID, h, rootOf(h)).EIP2537())
	}
	postMany := func(hs ...uint64) []byte {
		roots := make([][32]byte, len(hs))
		sigs := make([]*threshold.Signature, len(hs))
		for i, h := range hs {
			roots[i], sigs[i] = rootOf(h), cm.signBatch(t, testChainID, h, rootOf(h))
		}
		return c.inboxABI.PackPostBatches(hs, roots, 1, must(contracts.SumSignatures(sigs)).EIP2537())
	}

	// Empty list: permissionless.
	if c.posterCount() != 0 {
		t.Fatal("a new inbox has posters")
	}
	c.mustSend(c.stranger, c.inbox, post(1))

	// Only the registry's owner changes the list.
	for name, data := range map[string][]byte{
		"addPoster":    c.inboxABI.PackAddPoster(stranger),
		"removePoster": c.inboxABI.PackRemovePoster(poster),
	} {
		if got := c.callErr(c.stranger, c.inbox, data); got != "NotOwner" {
			t.Errorf("%s by a stranger: %q", name, got)
		}
		if got := c.callErr(c.poster, c.inbox, data); got != "NotOwner" {
			t.Errorf("%s by the poster: %q", name, got)
		}
	}
	r := c.mustSend(c.owner, c.inbox, c.inboxABI.PackAddPoster(poster))
	if ev, err := c.inboxABI.UnpackPosterAddedEvent(r.Logs[0]); err != nil || ev.Poster != poster {
		t.Fatalf("PosterAdded %+v, %v", ev, err)
	}
	if c.posterCount() != 1 || !c.isPoster(poster) || c.isPoster(stranger) {
		t.Fatal("allowlist not recorded")
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"add twice", c.inboxABI.PackAddPoster(poster), "PosterExists"},
		{"add zero", c.inboxABI.PackAddPoster(common.Address{}), "ZeroAddress"},
		{"remove unknown", c.inboxABI.PackRemovePoster(stranger), "UnknownPoster"},
	} {
		if got := c.callErr(c.owner, c.inbox, tc.data); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}

	// Non-empty list: only posters post, by either entry point, and the
	// check comes before the height's (a stranger learns nothing more).
	for name, data := range map[string][]byte{
		"postBatch":         post(2),
		"postBatches":       postMany(2, 3),
		"postBatch (stale)": post(1),
	} {
		if got := c.callErr(c.stranger, c.inbox, data); got != "NotPoster" {
			t.Errorf("%s by a stranger: %q", name, got)
		}
	}
	c.mustSend(c.poster, c.inbox, post(2))
	c.mustSend(c.poster, c.inbox, postMany(3, 4))

	// A new registry owner governs the inbox; the old one no longer does.
	c.mustSend(c.owner, c.registry, c.regABI.PackTransferOwnership(stranger))
	c.mustSend(c.stranger, c.registry, c.regABI.PackAcceptOwnership())
	if got := c.callErr(c.owner, c.inbox, c.inboxABI.PackRemovePoster(poster)); got != "NotOwner" {
		t.Fatalf("former owner removes a poster: %q", got)
	}
	r = c.mustSend(c.stranger, c.inbox, c.inboxABI.PackRemovePoster(poster))
	if ev, err := c.inboxABI.UnpackPosterRemovedEvent(r.Logs[0]); err != nil || ev.Poster != poster {
		t.Fatalf("PosterRemoved %+v, %v", ev, err)
	}

	// Emptied: permissionless again.
	if c.posterCount() != 0 || c.isPoster(poster) {
		t.Fatal("allowlist not emptied")
	}
	c.mustSend(c.owner, c.inbox, post(5))
	if c.lastHeight() != 5 {
		t.Fatalf("lastHeight %d", c.lastHeight())
	}
}

// TestGriefingSkippedHeights is the regression test for the griefing the
// allowlist fixes: anyone holding the committee's signature on a later
// height could post it first and make every height before it unpostable.
// With a poster allowed, the stranger's post is refused and the relayer
// posts every height in order.
func TestGriefingSkippedHeights(t *testing.T) {
	for _, allowlist := range []bool{false, true} {
		name := "permissionless"
		if allowlist {
			name = "allowlist"
		}
		t.Run(name, func(t *testing.T) {
			c := newChain(t)
			cm := dealCommittee(t, 1, 1)
			c.register(cm, 1)
			if allowlist {
				c.mustSend(c.owner, c.inbox, c.inboxABI.PackAddPoster(crypto.PubkeyToAddress(c.poster.PublicKey)))
			}
			post := func(h uint64) []byte {
				return c.inboxABI.PackPostBatch(h, rootOf(h), 1, cm.signBatch(t, testChainID, h, rootOf(h)).EIP2537())
			}
			// The griefer posts height 10 ahead of the relayer.
			griefed := c.callErr(c.stranger, c.inbox, post(10)) == ""
			if griefed != !allowlist {
				t.Fatalf("stranger's post of height 10 accepted=%v", griefed)
			}
			if griefed {
				c.mustSend(c.stranger, c.inbox, post(10))
				if got := c.callErr(c.poster, c.inbox, post(1)); got != "StaleHeight" {
					t.Fatalf("height 1 after the griefer's post: %q", got)
				}
				return
			}
			for h := uint64(1); h <= 10; h++ {
				c.mustSend(c.poster, c.inbox, post(h))
			}
			if c.lastHeight() != 10 || c.root(1) != rootOf(1) {
				t.Fatal("the relayer could not post every height")
			}
		})
	}
}
