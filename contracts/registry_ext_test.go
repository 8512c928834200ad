package contracts_test

import (
	"bytes"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts"
)

func TestRegistryGovernance(t *testing.T) {
	c := newChain(t)
	cm := dealCommittee(t, 5, 1)
	args := must(contracts.NewEonArgs(cm.pk, 10, members(4)))
	stranger := crypto.PubkeyToAddress(c.stranger.PublicKey)
	poster := crypto.PubkeyToAddress(c.poster.PublicKey)

	// Non-owners change nothing.
	for name, data := range map[string][]byte{
		"registerEon":       args.Pack(),
		"revokeEon":         c.regABI.PackRevokeEon(5),
		"transferOwnership": c.regABI.PackTransferOwnership(stranger),
	} {
		if got := c.callErr(c.stranger, c.registry, data); got != "NotOwner" {
			t.Errorf("%s by a stranger: %q", name, got)
		}
	}
	if got := c.callErr(c.stranger, c.registry, c.regABI.PackAcceptOwnership()); got != "NotPendingOwner" {
		t.Errorf("accept without an offer: %q", got)
	}

	r := c.mustSend(c.owner, c.registry, args.Pack())
	ev, err := c.regABI.UnpackEonRegisteredEvent(r.Logs[len(r.Logs)-1])
	if err != nil || ev.Eon != 5 || ev.ActivationHeight != 10 || ev.Threshold != 3 || !bytes.Equal(ev.PublicKey, cm.pk.EIP2537()) {
		t.Fatalf("EonRegistered %+v, %v", ev, err)
	}
	got, err := bind.Call(c.registry, nil, c.regABI.PackGetEon(5), c.regABI.UnpackGetEon)
	if err != nil {
		t.Fatal(err)
	}
	if got.ActivationHeight != 10 || got.End != 0 || got.Threshold != 3 || got.Revoked ||
		!bytes.Equal(got.PublicKey, cm.pk.EIP2537()) || len(got.Members) != 4 || got.Members[3] != members(4)[3] {
		t.Fatalf("getEon = %+v", got)
	}

	// Registration rules.
	next := dealCommittee(t, 6, 1)
	bad := func(mut func(a *contracts.EonArgs)) []byte {
		a := must(contracts.NewEonArgs(next.pk, 20, members(4)))
		mut(&a)
		return a.Pack()
	}
	offCurve := next.pk.EIP2537()
	offCurve[255] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"same eon id", bad(func(a *contracts.EonArgs) { a.Eon = 5 }), "EonNotIncreasing"},
		{"same activation", bad(func(a *contracts.EonArgs) { a.ActivationHeight = 10 }), "ActivationNotIncreasing"},
		{"threshold 0", bad(func(a *contracts.EonArgs) { a.Threshold = 0 }), "BadThreshold"},
		{"threshold above n", bad(func(a *contracts.EonArgs) { a.Threshold = 5 }), "BadThreshold"},
		{"no members", bad(func(a *contracts.EonArgs) { a.Members = nil }), "BadMemberCount"},
		{"zero member", bad(func(a *contracts.EonArgs) { a.Members[2] = common.Address{} }), "ZeroMember"},
		{"key at infinity", bad(func(a *contracts.EonArgs) { a.PublicKey = make([]byte, 256) }), "BadPublicKey"},
		{"key off the curve", bad(func(a *contracts.EonArgs) { a.PublicKey = offCurve }), "BadPublicKey"},
		{"compressed key", bad(func(a *contracts.EonArgs) { a.PublicKey = must(next.pk.MarshalBinary())[13:109] }), "BadPublicKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.callErr(c.owner, c.registry, tc.data); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}

	// A new eon closes the previous one.
	c.register(next, 20)
	prev, _ := bind.Call(c.registry, nil, c.regABI.PackGetEon(5), c.regABI.UnpackGetEon)
	if prev.End != 20 {
		t.Fatalf("eon 5 end = %d, want 20", prev.End)
	}
	r = c.mustSend(c.owner, c.registry, c.regABI.PackRevokeEon(5))
	if _, err := c.regABI.UnpackEonRevokedEvent(r.Logs[0]); err != nil {
		t.Fatal(err)
	}
	if got := c.callErr(c.owner, c.registry, c.regABI.PackRevokeEon(5)); got != "EonIsRevoked" {
		t.Fatalf("second revocation: %q", got)
	}
	if got := c.callErr(c.owner, c.registry, c.regABI.PackRevokeEon(77)); got != "UnknownEon" {
		t.Fatalf("revoking an unknown eon: %q", got)
	}

	// Two-step transfer: only the offered address accepts; then the old
	// owner is a stranger.
	c.mustSend(c.owner, c.registry, c.regABI.PackTransferOwnership(poster))
	if got := c.callErr(c.stranger, c.registry, c.regABI.PackAcceptOwnership()); got != "NotPendingOwner" {
		t.Fatalf("accept by a third party: %q", got)
	}
	r = c.mustSend(c.poster, c.registry, c.regABI.PackAcceptOwnership())
	if ev, err := c.regABI.UnpackOwnershipTransferredEvent(r.Logs[0]); err != nil || ev.NewOwner != poster {
		t.Fatalf("OwnershipTransferred %+v, %v", ev, err)
	}
	if owner, _ := bind.Call(c.registry, nil, c.regABI.PackOwner(), c.regABI.UnpackOwner); owner != poster {
		t.Fatalf("owner %s", owner)
	}
	if got := c.callErr(c.owner, c.registry, c.regABI.PackRevokeEon(6)); got != "NotOwner" {
		t.Fatalf("former owner: %q", got)
	}
}
