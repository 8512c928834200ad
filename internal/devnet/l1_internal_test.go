package devnet

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
)

// The L1 set-up deploys both contracts and allows only its key to post;
// given an inbox, it reuses it and its registry, refusing an inbox of
// another chain or one whose allowlist leaves its key out; given a
// registry, it deploys a new inbox against it.
func TestL1Contracts(t *testing.T) {
	ctx := context.Background()
	key, _ := crypto.ToECDSA(append(make([]byte, 31), 7))
	l := &L1{cfg: L1Config{Endpoint: L1Simulated, Key: key}, log: slog.New(slog.DiscardHandler)}
	if err := l.connect(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.close)
	l.opts = bind.NewKeyedTransactor(key, contracts.SimulatedChainConfig().ChainID)
	if err := l.contracts(ctx, "veil-a"); err != nil {
		t.Fatal(err)
	}
	abi := bindings.NewBatchInbox()
	if ok, err := bind.Call(abi.Instance(l.client, l.inbox), nil, abi.PackIsPoster(l.poster), abi.UnpackIsPoster); err != nil || !ok {
		t.Fatalf("deployer is not a poster: %v", err)
	}

	reuse := func(cfg L1Config, poster common.Address, chain string) (*L1, error) {
		l2 := *l
		l2.cfg, l2.poster, l2.reg, l2.inbox = cfg, poster, common.Address{}, common.Address{}
		return &l2, l2.contracts(ctx, chain)
	}
	l2, err := reuse(L1Config{Inbox: l.inbox}, l.poster, "veil-a")
	if err != nil || l2.reg != l.reg || l2.inbox != l.inbox {
		t.Fatalf("reuse: %v (registry %s, want %s)", err, l2.reg, l.reg)
	}
	if _, err := reuse(L1Config{Inbox: l.inbox}, l.poster, "veil-b"); err == nil || !strings.Contains(err.Error(), `is for chain "veil-a"`) {
		t.Fatalf("inbox of another chain: %v", err)
	}
	if _, err := reuse(L1Config{Inbox: l.inbox}, common.Address{9}, "veil-a"); err == nil || !strings.Contains(err.Error(), "addPoster") {
		t.Fatalf("key not on the allowlist: %v", err)
	}
	l3, err := reuse(L1Config{Registry: l.reg}, l.poster, "veil-c")
	if err != nil || l3.reg != l.reg || l3.inbox == l.inbox || l3.inbox == (common.Address{}) {
		t.Fatalf("new inbox on a given registry: %v (%s, %s)", err, l3.reg, l3.inbox)
	}
}
