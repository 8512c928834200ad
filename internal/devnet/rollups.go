package devnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/examples/tokenledger"
	"github.com/veilseq/veil/ordering"
)

// LedgerBalance is what each demo wallet holds on each example ledger at
// genesis.
const LedgerBalance = 1_000_000

// Demo ledger traffic amounts: a transfer moves 1..9 tokens; a swap gives
// SwapGive tokens on the first demo rollup for SwapTake on the second.
const (
	SwapGive = 10
	SwapTake = 7
)

// genesisRollups are the rollups a new network registers: the demo ones
// and cfg.ExtraRollups.
func genesisRollups(cfg Config) []ordering.Rollup {
	return append(slices.Clone(DemoRollups), cfg.ExtraRollups...)
}

// Ledgers runs the example token ledgers (examples/tokenledger) of the
// demo rollups against the devnet's wallet API, each following its
// rollup's firm feed and keeping its state in Dir/rollups, and makes
// their demo traffic: signed transfers and swap bundles between the demo
// wallets.
type Ledgers struct {
	// Ledgers are the running ledgers, in DemoRollups order.
	Ledgers []*tokenledger.Ledger

	wallets []*ecdsa.PrivateKey
	addrs   []common.Address
	height  func() int64
	// nonces[r][w] is the next ledger nonce wallet w signs on ledger r.
	nonces [][]atomic.Uint64

	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
}

// Ledgers returns the running example ledgers, nil unless Config.Ledgers
// is set.
func (d *Devnet) Ledgers() *Ledgers { return d.ledgers }

// startLedgers opens the ledgers in Dir/rollups and runs them. Wallet
// nonces continue from the ledgers' state once they have caught up with
// the chain (a resumed devnet).
func (d *Devnet) startLedgers(ctx context.Context) error {
	c, err := client.Dial(d.APIURL())
	if err != nil {
		return err
	}
	ls := &Ledgers{wallets: d.Wallets, height: func() int64 { h, _ := d.Network.Nodes[0].App().LastCommit(); return h }}
	genesis := make(map[common.Address]uint64, len(d.Wallets))
	for _, k := range d.Wallets {
		a := client.Address(k)
		ls.addrs = append(ls.addrs, a)
		genesis[a] = LedgerBalance
	}
	runCtx, cancel := context.WithCancel(context.Background())
	ls.cancel = cancel
	for _, r := range DemoRollups {
		l, err := tokenledger.Open(tokenledger.Config{
			Path:    filepath.Join(d.cfg.Dir, "rollups", fmt.Sprintf("ledger-%d.json", r.ID)),
			Rollup:  r.ID,
			Genesis: genesis,
		})
		if err != nil {
			cancel()
			return fmt.Errorf("devnet: ledger %d: %w", r.ID, err)
		}
		ls.Ledgers = append(ls.Ledgers, l)
		ls.wg.Add(1)
		go func() {
			defer ls.wg.Done()
			if err := l.Run(runCtx, c); err != nil {
				d.cfg.Logger.Error("example ledger stopped", "rollup", r.ID, "err", err)
				ls.mu.Lock()
				ls.err = errors.Join(ls.err, fmt.Errorf("ledger %d: %w", r.ID, err))
				ls.mu.Unlock()
			}
		}()
	}
	// Catch up with what is already committed before picking nonces.
	target := ls.height() - 2
	wait, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	for _, l := range ls.Ledgers {
		for l.Height() < target && wait.Err() == nil {
			select {
			case <-wait.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	ls.nonces = make([][]atomic.Uint64, len(ls.Ledgers))
	for r, l := range ls.Ledgers {
		st := l.State()
		ls.nonces[r] = make([]atomic.Uint64, len(ls.addrs))
		for w, a := range ls.addrs {
			if acct := st.Accounts[a]; acct != nil {
				ls.nonces[r][w].Store(acct.Next)
			}
		}
	}
	d.ledgers = ls
	return nil
}

// stopLedgers stops the ledgers; their state is already saved.
func (d *Devnet) stopLedgers() {
	if d.ledgers != nil {
		d.ledgers.cancel()
		d.ledgers.wg.Wait()
	}
}

// Err reports why a ledger stopped, if one did.
func (ls *Ledgers) Err() error {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.err
}

// Payload is the demo ledger traffic, for Traffic.Payload: wallet w's
// i-th envelope is a transfer of 1..9 tokens to the next wallet,
// alternating between the demo rollups, and every fifth a swap bundle in
// which w gives SwapGive on the first demo rollup to the next wallet for
// SwapTake on the second. Each leg is signed by the wallet whose tokens
// it spends (the traffic holds every demo key).
func (ls *Ledgers) Payload(w, i int) []client.Leg {
	next := (w + 1) % len(ls.wallets)
	if i%5 == 4 && next != w {
		s := &tokenledger.Swap{
			A:      tokenledger.Side{Rollup: DemoRollups[0].ID, From: ls.addrs[w], Amount: SwapGive, Nonce: ls.nonces[0][w].Add(1) - 1},
			B:      tokenledger.Side{Rollup: DemoRollups[1].ID, From: ls.addrs[next], Amount: SwapTake, Nonce: ls.nonces[1][next].Add(1) - 1},
			Expiry: ls.height() + 2*client.DefaultExpiryBlocks,
		}
		if s.Sign(ls.wallets[w]) != nil || s.Sign(ls.wallets[next]) != nil {
			return nil // cannot happen with the demo keys
		}
		return s.Legs()
	}
	r := i % 2
	t := &tokenledger.Transfer{Rollup: DemoRollups[r].ID, To: ls.addrs[next], Amount: uint64(1 + i%9), Nonce: ls.nonces[r][w].Add(1) - 1}
	if t.Sign(ls.wallets[w]) != nil {
		return nil
	}
	return []client.Leg{{Rollup: t.Rollup, Data: t.Encode()}}
}

// Status returns one compact line per ledger: height applied, what it
// applied and refused, total supply and each demo wallet's balance.
func (ls *Ledgers) Status() []string {
	lines := make([]string, len(ls.Ledgers))
	for i, l := range ls.Ledgers {
		st := l.State()
		var b strings.Builder
		fmt.Fprintf(&b, "ledger %d: height %d, %d transfers, %d swap legs, %d refused, supply %d |",
			st.Rollup, st.Height, st.Stats.Transfers, st.Stats.Swaps, st.Stats.Failed, st.Supply())
		for w, a := range ls.addrs {
			fmt.Fprintf(&b, " w%d=%d", w, st.Balance(a))
		}
		lines[i] = b.String()
	}
	return lines
}
