package tokenledger

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/rollupfeed"
)

// NonceWindow is how far below an account's highest used nonce a nonce
// may still be spent once. Nonces need not arrive in order: legs signed
// by one account may be submitted through different envelopes (a swap is
// sent by one party but spends the other's nonce too), and envelopes from
// different senders are ordered by the sequencer, not by the account. A
// nonce is accepted once, if it is above the highest used so far or
// within the window below it and unused (the anti-replay window of
// RFC 4303 §3.4.3); older ones are refused.
const NonceWindow = 64

// Account is one address's state on a ledger.
type Account struct {
	Balance uint64 `json:"balance"`
	// Next is one above the highest nonce used, 0 if none was.
	Next uint64 `json:"next"`
	// Seen has bit i set when nonce Next−1−i was used.
	Seen uint64 `json:"seen"`
}

// checkNonce reports whether n may be spent now.
func (a *Account) checkNonce(n uint64) error {
	switch {
	case n == math.MaxUint64:
		return fmt.Errorf("%w: nonce %d is reserved", ErrNonceTooOld, n)
	case n >= a.Next:
		return nil
	case a.Next-1-n >= NonceWindow:
		return fmt.Errorf("%w: nonce %d, the window starts at %d", ErrNonceTooOld, n, a.Next-NonceWindow)
	case a.Seen&(1<<(a.Next-1-n)) != 0:
		return fmt.Errorf("%w: nonce %d", ErrNonceUsed, n)
	}
	return nil
}

// useNonce spends n, which checkNonce accepted.
func (a *Account) useNonce(n uint64) {
	if n < a.Next {
		a.Seen |= 1 << (a.Next - 1 - n)
		return
	}
	shift := n - a.Next + 1
	if shift >= NonceWindow {
		a.Seen = 0
	} else {
		a.Seen <<= shift
	}
	a.Seen |= 1
	a.Next = n + 1
}

// Stats count what a ledger did with the legs it received.
type Stats struct {
	Transfers uint64 `json:"transfers"` // transfers applied
	Swaps     uint64 `json:"swaps"`     // swap legs applied
	Failed    uint64 `json:"failed"`    // legs refused
}

// State is a ledger: one token's balances on one rollup, and the height
// of the last batch applied. It is a pure state machine: Apply is a
// function of the state and the batch.
type State struct {
	Rollup uint64 `json:"rollup"`
	// Height is the last height applied.
	Height   int64                       `json:"height"`
	Accounts map[common.Address]*Account `json:"accounts"`
	Stats    Stats                       `json:"stats"`
}

// NewState returns a ledger for rollup holding balances, which will
// apply height from next (from ≥ 1).
func NewState(rollup uint64, from int64, balances map[common.Address]uint64) *State {
	s := &State{Rollup: rollup, Height: max(from, 1) - 1, Accounts: make(map[common.Address]*Account, len(balances))}
	for addr, b := range balances {
		s.Accounts[addr] = &Account{Balance: b}
	}
	return s
}

// Balance returns addr's balance.
func (s *State) Balance(addr common.Address) uint64 {
	if a := s.Accounts[addr]; a != nil {
		return a.Balance
	}
	return 0
}

// Supply returns the sum of all balances. No transaction changes it.
func (s *State) Supply() uint64 {
	var n uint64
	for _, a := range s.Accounts {
		n += a.Balance
	}
	return n
}

// Clone returns a deep copy.
func (s *State) Clone() *State {
	c := *s
	c.Accounts = make(map[common.Address]*Account, len(s.Accounts))
	for k, a := range s.Accounts {
		cp := *a
		c.Accounts[k] = &cp
	}
	return &c
}

// Addresses returns the accounts' addresses in increasing order.
func (s *State) Addresses() []common.Address {
	return slices.SortedFunc(maps.Keys(s.Accounts), func(a, b common.Address) int { return a.Cmp(b) })
}

func (s *State) account(addr common.Address) *Account {
	a := s.Accounts[addr]
	if a == nil {
		a = &Account{}
		s.Accounts[addr] = a
	}
	return a
}

// Receipt is what Apply did with one leg.
type Receipt struct {
	TxIndex  uint32
	BundleID common.Hash
	Kind     Kind  // zero when the leg did not decode
	Err      error // nil when applied
}

// ErrOutOfOrder is a batch for another rollup, or not the next height.
var ErrOutOfOrder = errors.New("tokenledger: batch out of order")

// Apply applies a batch's legs in order and moves the ledger to the
// batch's height. The batch must be the rollup's next one and verified
// (client.Subscribe verifies each batch before yielding it); a batch for
// another rollup or height is an ErrOutOfOrder error and changes
// nothing. A leg that does not decode or is not valid on this ledger
// changes nothing and is reported in its Receipt; the other legs are
// unaffected. The result depends only on the state and the batch.
func (s *State) Apply(b *rollupfeed.Batch) ([]Receipt, error) {
	if b.Rollup != s.Rollup || b.Height != s.Height+1 {
		return nil, fmt.Errorf("%w: got rollup %d height %d, this ledger is rollup %d and expects height %d",
			ErrOutOfOrder, b.Rollup, b.Height, s.Rollup, s.Height+1)
	}
	rs := make([]Receipt, len(b.Legs))
	for i := range b.Legs {
		l := &b.Legs[i]
		r := Receipt{TxIndex: l.TxIndex, BundleID: l.Manifest.BundleID}
		tx, err := Decode(l.Data)
		if err == nil {
			r.Kind = tx.Kind()
			if tx.Swap != nil {
				err = s.applySwap(l, tx.Swap)
			} else {
				err = s.applyTransfer(tx.Transfer)
			}
		}
		r.Err = err
		switch {
		case err != nil:
			s.Stats.Failed++
		case r.Kind == KindSwap:
			s.Stats.Swaps++
		default:
			s.Stats.Transfers++
		}
		rs[i] = r
	}
	s.Height = b.Height
	return rs, nil
}

func (s *State) applyTransfer(t *Transfer) error {
	if t.Rollup != s.Rollup {
		return fmt.Errorf("%w: transfer signed for rollup %d", ErrWrongRollup, t.Rollup)
	}
	from, err := t.Sender()
	if err != nil {
		return err
	}
	return s.move(from, t.To, t.Amount, t.Nonce)
}

// applySwap executes this ledger's side of a swap, if the leg's manifest
// shows the other ledger received the same terms in the same envelope.
func (s *State) applySwap(l *rollupfeed.BatchLeg, sw *Swap) error {
	side, to, ok := sw.side(s.Rollup)
	if !ok {
		return fmt.Errorf("%w: swap between rollups %d and %d", ErrWrongRollup, sw.A.Rollup, sw.B.Rollup)
	}
	if err := checkSwapManifest(&l.Manifest, sw, crypto.Keccak256Hash(l.Data)); err != nil {
		return err
	}
	if l.Height > sw.Expiry {
		return fmt.Errorf("%w: height %d, expiry %d", ErrSwapExpired, l.Height, sw.Expiry)
	}
	if err := sw.Verify(); err != nil {
		return err
	}
	return s.move(side.From, to, side.Amount, side.Nonce)
}

// checkSwapManifest checks that the bundle had exactly the swap's two
// rollups as legs and that both legs are the bytes this ledger received
// (hash): the counterpart ledger got the same terms at the same height.
func checkSwapManifest(m *rollupfeed.Manifest, sw *Swap, hash common.Hash) error {
	if len(m.Legs) != 2 || m.Legs[0].Rollup != sw.A.Rollup || m.Legs[1].Rollup != sw.B.Rollup {
		return fmt.Errorf("%w: the bundle's rollups are %v, the swap's %d and %d", ErrSwapNotBundled, m.Rollups(), sw.A.Rollup, sw.B.Rollup)
	}
	for _, lh := range m.Legs {
		if lh.Hash != hash {
			return fmt.Errorf("%w: rollup %d received other data", ErrSwapNotBundled, lh.Rollup)
		}
	}
	return nil
}

// move spends from's nonce and moves amount to to, or changes nothing.
func (s *State) move(from, to common.Address, amount, nonce uint64) error {
	if amount == 0 {
		return ErrZeroAmount
	}
	src := s.Accounts[from]
	if src == nil {
		src = &Account{}
	}
	if err := src.checkNonce(nonce); err != nil {
		return err
	}
	if src.Balance < amount {
		return fmt.Errorf("%w: %s holds %d, needs %d", ErrInsufficient, from, src.Balance, amount)
	}
	if from != to && s.Balance(to) > math.MaxUint64-amount {
		return ErrOverflow
	}
	src = s.account(from)
	src.useNonce(nonce)
	src.Balance -= amount
	s.account(to).Balance += amount
	return nil
}
