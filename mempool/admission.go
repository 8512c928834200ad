package mempool

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/threshold"
	"github.com/veilseq/veil/vdf"
)

// EonStatus is what the chain says of an eon.
type EonStatus int

const (
	// EonUnknown: the chain has never registered this eon.
	EonUnknown EonStatus = iota
	// EonPending: registered, not yet activated.
	EonPending
	// EonActive: accepting new envelopes.
	EonActive
	// EonRetired: rotated out; its committed envelopes are still decrypted
	// but no new ones are accepted.
	EonRetired
)

// Rules are the chain parameters admission enforces.
type Rules struct {
	// MinFee is the smallest fee an envelope may carry.
	MinFee uint64
	// MaxExpiryWindow bounds Expiry − height: an envelope may not stay
	// includable longer than this many blocks. It keeps time-locked
	// envelopes from outliving their puzzle's solve time.
	MaxExpiryWindow uint64
}

// State is the committed chain state admission reads. The ABCI application
// implements it; Height is the last committed height, so the envelope is
// checked for inclusion at Height()+1.
type State interface {
	ChainID() string
	Height() int64
	// Account returns the balance and the next expected nonce.
	Account(addr common.Address) (balance, nonce uint64)
	EonStatus(eon uint64) EonStatus
	RollupRegistered(id uint64) bool
	Rules() Rules
	// IdentityUsed reports whether an envelope with this identity has
	// already been included.
	IdentityUsed(IdentityKey) bool
}

// CurrentEoner is a State that can name the current eon, so a rejection
// for a retired eon tells the sender which eon to encrypt to.
type CurrentEoner interface {
	CurrentEon() uint64
}

// CheckInclusion applies the stateful rules for including env in the block
// after st's height: chain, eon, rollups, expiry, fee, the sender's exact
// next nonce and balance, and identity reuse. It does no cryptography; the
// caller has already run Checker.Stateless. The block builder and
// ProcessProposal apply it in order against the state as the block changes
// it, so a block can never include an envelope that could not pay.
func CheckInclusion(env *Envelope, st State) error {
	if err := checkStatic(env, st); err != nil {
		return err
	}
	balance, nonce := st.Account(env.Sender)
	switch {
	case env.Nonce < nonce:
		return fmt.Errorf("%w: nonce %d, the sender's next nonce is %d", ErrNonceTooLow, env.Nonce, nonce)
	case env.Nonce > nonce:
		return fmt.Errorf("%w: nonce %d, the sender's next nonce is %d (include the earlier ones first)", ErrNonceGap, env.Nonce, nonce)
	}
	if env.Fee > balance {
		return fmt.Errorf("%w: fee %d, balance %d", ErrInsufficientBalance, env.Fee, balance)
	}
	return nil
}

// checkStatic applies the rules that depend on chain state but not on the
// sender's account.
func checkStatic(env *Envelope, st State) error {
	if env.ChainID != st.ChainID() {
		return fmt.Errorf("%w: envelope is for %q, this chain is %q", ErrWrongChain, env.ChainID, st.ChainID())
	}
	switch st.EonStatus(env.Eon) {
	case EonActive:
	case EonUnknown:
		return fmt.Errorf("%w: eon %d (fetch the current encryption parameters)", ErrUnknownEon, env.Eon)
	case EonRetired:
		if c, ok := st.(CurrentEoner); ok {
			return fmt.Errorf("%w: eon %d is retired, the current eon is %d (fetch the current encryption parameters and encrypt again)", ErrEonNotActive, env.Eon, c.CurrentEon())
		}
		return fmt.Errorf("%w: eon %d is retired (fetch the current encryption parameters and encrypt again)", ErrEonNotActive, env.Eon)
	default:
		return fmt.Errorf("%w: eon %d (fetch the current encryption parameters and encrypt again)", ErrEonNotActive, env.Eon)
	}
	for _, id := range env.Rollups {
		if !st.RollupRegistered(id) {
			return fmt.Errorf("%w: rollup %d is not registered on this chain", ErrUnknownRollup, id)
		}
	}
	rules := st.Rules()
	next := uint64(st.Height()) + 1
	if env.Expiry < next {
		return fmt.Errorf("%w: expiry height %d, the next block is %d", ErrExpired, env.Expiry, next)
	}
	if env.Expiry-next > rules.MaxExpiryWindow {
		return fmt.Errorf("%w: expiry height %d, at most %d blocks after the next block %d", ErrExpiryTooFar, env.Expiry, rules.MaxExpiryWindow, next)
	}
	if env.Fee < rules.MinFee {
		return fmt.Errorf("%w: fee %d, the minimum is %d", ErrFeeTooLow, env.Fee, rules.MinFee)
	}
	if st.IdentityUsed(env.IdentityKey()) {
		return fmt.Errorf("%w: an included envelope already used this identity prefix (resending an envelope that was included: nothing more to do; a new envelope: seal it again, which draws a fresh prefix)", ErrDuplicate)
	}
	return nil
}

// CheckerConfig configures a Checker.
type CheckerConfig struct {
	// CacheSize is how many stateless results are remembered, by
	// transaction hash. Default 65,536.
	CacheSize int
}

func (c *CheckerConfig) validate() {
	if c.CacheSize <= 0 {
		c.CacheSize = 1 << 16
	}
}

// Checker runs the stateless admission rules — decoding, sizes, the
// signature, the ciphertext's format — and remembers each outcome by
// transaction hash, so the re-check after every block, ProcessProposal and
// FinalizeBlock never repeat the secp256k1 recovery for an envelope this
// node has already seen. It is safe for concurrent use.
type Checker struct {
	mu    sync.Mutex
	size  int
	lru   *list.List // of *cacheEntry, most recent first
	byKey map[Hash]*list.Element
}

type cacheEntry struct {
	hash Hash
	env  *Envelope
	err  error
}

// NewChecker returns a Checker.
func NewChecker(cfg CheckerConfig) *Checker {
	cfg.validate()
	return &Checker{size: cfg.CacheSize, lru: list.New(), byKey: make(map[Hash]*list.Element)}
}

// Stateless decodes tx and checks its signature and ciphertext format. The
// returned envelope is shared with the cache: callers must not modify it.
//
// The ciphertext's G2 element U is checked for format (version, length)
// but not decompressed here: decompression with the subgroup check costs
// about four times the signature recovery, and a bad U only makes that one
// transaction fail to decrypt after its fee is charged. See
// docs/architecture.md, "Admission".
func (c *Checker) Stateless(tx []byte) (*Envelope, error) {
	_, env, err := c.Check(tx)
	return env, err
}

// Check is Stateless that also returns the transaction hash it computed
// (the cache key), so callers need not hash the bytes again.
func (c *Checker) Check(tx []byte) (Hash, *Envelope, error) {
	h := hashBytes(tx)
	env, err := c.CheckHashed(tx, h)
	return h, env, err
}

// CheckHashed is Stateless for a caller that already holds the
// transaction's hash, keccak256(tx); a wrong hash poisons the cache.
func (c *Checker) CheckHashed(tx []byte, h Hash) (*Envelope, error) {
	c.mu.Lock()
	if el, ok := c.byKey[h]; ok {
		c.lru.MoveToFront(el)
		e := el.Value.(*cacheEntry)
		c.mu.Unlock()
		return e.env, e.err
	}
	c.mu.Unlock()

	env, err := stateless(tx)

	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[h]; !ok {
		c.byKey[h] = c.lru.PushFront(&cacheEntry{hash: h, env: env, err: err})
		for c.lru.Len() > c.size {
			old := c.lru.Remove(c.lru.Back()).(*cacheEntry)
			delete(c.byKey, old.hash)
		}
	}
	return env, err
}

// Forget drops cached results, e.g. once the envelopes are committed.
func (c *Checker) Forget(hashes ...Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range hashes {
		if el, ok := c.byKey[h]; ok {
			c.lru.Remove(el)
			delete(c.byKey, h)
		}
	}
}

func stateless(tx []byte) (*Envelope, error) {
	env, err := Decode(tx)
	if err != nil {
		return nil, err
	}
	if err := threshold.CheckCiphertext(env.Ciphertext); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCiphertext, err)
	}
	if len(env.TimeLock) > 0 {
		// Structure and a canonical x only: whether it opens is known once
		// it is solved, and only a block withheld past the escape-hatch
		// delay is ever solved.
		if _, err := vdf.ParsePuzzle(env.TimeLock); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadTimeLock, err)
		}
	}
	if err := env.VerifySignature(); err != nil {
		return nil, err
	}
	return env, nil
}

func hashBytes(b []byte) Hash {
	return keccak(b)
}
