// Package relayer posts the committee's firm batch roots to the L1
// BatchInbox. It follows a Source of signed batches, resumes from the
// inbox's lastHeight (so a restart, or another relayer posting first, costs
// nothing but a read), posts several heights of one eon per transaction
// with one aggregate signature (about 4x less gas per height at 100 heights
// than one at a time; see BENCHMARKS.md), keeps its own nonce, and retries
// transient failures with backoff, re-pricing a transaction that is not
// mined in time.
package relayer

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/threshold"
)

// Batch is one firm height: its batch root and the committee's signature
// on rollupfeed.BatchMessage(chainID, Height, Root) under eon Eon.
type Batch struct {
	Height    uint64
	Root      common.Hash
	Eon       uint64
	Signature *threshold.Signature
}

// Source yields firm, signed batches.
type Source interface {
	// Next returns up to max batches with heights above after, in strictly
	// increasing height order, or none when no such batch is firm yet. It
	// must not block for long: the relayer polls.
	Next(ctx context.Context, after uint64, max int) ([]Batch, error)
}

// Backend is what the relayer needs of an L1 node; *ethclient.Client and
// the simulated backend's client satisfy it.
type Backend interface {
	bind.ContractBackend
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
	ChainID(ctx context.Context) (*big.Int, error)
}

// Config configures a Relayer; zero fields take the defaults validate
// states.
type Config struct {
	Inbox common.Address
	Key   *ecdsa.PrivateKey // pays for posting; must be on the inbox's poster allowlist while it is in use

	MaxPerTx      int           // heights per transaction, default 64, at most contracts.MaxBatch
	Attempts      int           // tries per transaction before Once fails, default 5
	Backoff       time.Duration // wait after a failed try, doubled each time; default 1s
	ReceiptPoll   time.Duration // receipt polling interval, default 1s
	ReceiptWait   int           // polls before the transaction is re-priced and resent, default 60
	Poll          time.Duration // Run's interval between polls of the source, default 2s
	Logger        *slog.Logger  // default slog.Default()
	OnPosted      func(Posted)  // called after each mined post, if set
	GasMultiplier float64       // applied to the gas estimate, default 1.25
}

// Posted reports one mined post.
type Posted struct {
	From, To uint64 // first and last height posted
	Heights  int
	Tx       common.Hash
	L1Block  uint64
	GasUsed  uint64
}

func (c *Config) validate() error {
	if c.Key == nil {
		return errors.New("relayer: no key")
	}
	if c.Inbox == (common.Address{}) {
		return errors.New("relayer: no inbox address")
	}
	if c.MaxPerTx <= 0 {
		c.MaxPerTx = 64
	}
	c.MaxPerTx = min(c.MaxPerTx, contracts.MaxBatch)
	if c.Attempts <= 0 {
		c.Attempts = 5
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	if c.ReceiptPoll <= 0 {
		c.ReceiptPoll = time.Second
	}
	if c.ReceiptWait <= 0 {
		c.ReceiptWait = 60
	}
	if c.Poll <= 0 {
		c.Poll = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.GasMultiplier < 1 {
		c.GasMultiplier = 1.25
	}
	return nil
}

// ErrRejected reports a post the inbox refuses for a reason retrying
// cannot fix (a bad signature, an unknown or revoked eon): the source
// gave a batch the contract does not accept.
var ErrRejected = errors.New("relayer: inbox rejects batch")

// ErrNotPoster reports an inbox whose poster allowlist (BatchInbox.addPoster)
// is in use and leaves the relayer's key out: nothing it posts is accepted
// until the registry's owner adds it.
var ErrNotPoster = errors.New("relayer: key is not an allowed poster of the inbox")

// Relayer posts batches from a Source to a BatchInbox. It is not safe for
// concurrent use; run one per key.
type Relayer struct {
	cfg     Config
	backend Backend
	src     Source
	abi     *bindings.BatchInbox
	inbox   *bind.BoundContract
	from    common.Address
	chainID *big.Int
	nonce   uint64
	synced  bool // nonce holds the next nonce to use
}

// New returns a relayer; it talks to the backend only when run.
func New(backend Backend, src Source, cfg Config) (*Relayer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	abi := bindings.NewBatchInbox()
	return &Relayer{
		cfg:     cfg,
		backend: backend,
		src:     src,
		abi:     abi,
		inbox:   abi.Instance(backend, cfg.Inbox),
		from:    crypto.PubkeyToAddress(cfg.Key.PublicKey),
	}, nil
}

// Run posts batches as the source produces them until ctx ends or a post
// fails for good.
func (r *Relayer) Run(ctx context.Context) error {
	for {
		if _, err := r.Once(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.cfg.Poll):
		}
	}
}

// Once posts every batch the source has above the inbox's lastHeight and
// returns how many heights it posted.
func (r *Relayer) Once(ctx context.Context) (int, error) {
	if r.chainID == nil {
		id, err := r.backend.ChainID(ctx)
		if err != nil {
			return 0, fmt.Errorf("relayer: chain id: %w", err)
		}
		r.chainID = id
	}
	total := 0
	for {
		last, err := r.LastHeight(ctx)
		if err != nil {
			return total, err
		}
		batches, err := r.src.Next(ctx, last, r.cfg.MaxPerTx)
		if err != nil {
			return total, fmt.Errorf("relayer: source: %w", err)
		}
		if len(batches) == 0 {
			return total, nil
		}
		if err := checkOrder(batches, last); err != nil {
			return total, err
		}
		group := batches[:1]
		for _, b := range batches[1:] {
			if b.Eon != group[0].Eon {
				break
			}
			group = batches[:len(group)+1]
		}
		n, err := r.post(ctx, group)
		total += n
		if err != nil {
			return total, err
		}
	}
}

func checkOrder(batches []Batch, last uint64) error {
	prev := last
	for _, b := range batches {
		if b.Height <= prev || b.Signature == nil {
			return fmt.Errorf("relayer: source gave height %d after %d, or no signature", b.Height, prev)
		}
		prev = b.Height
	}
	return nil
}

// LastHeight reads the inbox's lastHeight.
func (r *Relayer) LastHeight(ctx context.Context) (uint64, error) {
	var h uint64
	err := r.retry(ctx, "read lastHeight", func() error {
		var err error
		h, err = bind.Call(r.inbox, &bind.CallOpts{Context: ctx}, r.abi.PackLastHeight(), r.abi.UnpackLastHeight)
		return err
	})
	return h, err
}

// calldata returns the post of group: postBatch for one height,
// postBatches with the summed signature for more.
func (r *Relayer) calldata(group []Batch) ([]byte, error) {
	if len(group) == 1 {
		b := group[0]
		return r.abi.PackPostBatch(b.Height, b.Root, b.Eon, b.Signature.EIP2537()), nil
	}
	heights := make([]uint64, len(group))
	roots := make([][32]byte, len(group))
	sigs := make([]*threshold.Signature, len(group))
	for i, b := range group {
		heights[i], roots[i], sigs[i] = b.Height, b.Root, b.Signature
	}
	sum, err := contracts.SumSignatures(sigs)
	if err != nil {
		return nil, err
	}
	return r.abi.PackPostBatches(heights, roots, group[0].Eon, sum.EIP2537()), nil
}

// post posts group (or, when the inbox refuses it whole, its first batch
// alone, to find the bad one) and returns the number of heights posted.
func (r *Relayer) post(ctx context.Context, group []Batch) (int, error) {
	data, err := r.calldata(group)
	if err != nil {
		return 0, err
	}
	gas, err := r.estimate(ctx, data)
	if err != nil {
		var re *revertError
		if !errors.As(err, &re) {
			return 0, err
		}
		if re.name == "StaleHeight" {
			return 0, nil // another relayer got there first; Once re-reads lastHeight
		}
		if re.name == "NotPoster" {
			return 0, fmt.Errorf("%w: have the registry's owner call addPoster(%s)", ErrNotPoster, r.from)
		}
		if len(group) > 1 {
			return r.post(ctx, group[:1])
		}
		return 0, fmt.Errorf("%w: height %d eon %d: %s", ErrRejected, group[0].Height, group[0].Eon, re.name)
	}
	receipt, err := r.send(ctx, data, gas)
	if err != nil {
		return 0, err
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		// Lost a race after the estimate; Once re-reads lastHeight.
		r.cfg.Logger.Warn("relayer: post reverted", "tx", receipt.TxHash, "from", group[0].Height)
		return 0, nil
	}
	p := Posted{From: group[0].Height, To: group[len(group)-1].Height, Heights: len(group),
		Tx: receipt.TxHash, L1Block: receipt.BlockNumber.Uint64(), GasUsed: receipt.GasUsed}
	r.cfg.Logger.Info("relayer: posted", "from", p.From, "to", p.To, "heights", p.Heights, "l1_block", p.L1Block, "gas", p.GasUsed)
	if r.cfg.OnPosted != nil {
		r.cfg.OnPosted(p)
	}
	return len(group), nil
}

// revertError is a revert of the inbox (or the registry it calls) with
// its custom error's name.
type revertError struct{ name string }

func (e *revertError) Error() string { return "relayer: inbox reverts with " + e.name }

func (r *Relayer) estimate(ctx context.Context, data []byte) (uint64, error) {
	var gas uint64
	err := r.retry(ctx, "estimate gas", func() error {
		var err error
		gas, err = r.backend.EstimateGas(ctx, ethereum.CallMsg{From: r.from, To: &r.cfg.Inbox, Data: data})
		if err != nil {
			if name, ok := revertName(err); ok {
				return permanent{&revertError{name: name}}
			}
		}
		return err
	})
	return uint64(float64(gas) * r.cfg.GasMultiplier), err
}

// send signs and sends the transaction, waits for its receipt, and re-prices
// and resends it under the same nonce when it is not mined in time.
func (r *Relayer) send(ctx context.Context, data []byte, gas uint64) (*types.Receipt, error) {
	var sent []common.Hash
	bump := big.NewInt(100)
	for attempt := 0; attempt < r.cfg.Attempts; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, r.cfg.Backoff<<min(attempt-1, 5)); err != nil {
				return nil, err
			}
		}
		if !r.synced {
			n, err := r.backend.PendingNonceAt(ctx, r.from)
			if err != nil {
				r.cfg.Logger.Warn("relayer: nonce", "err", err)
				continue
			}
			r.nonce, r.synced = n, true
		}
		tx, err := r.sign(ctx, data, gas, bump)
		if err != nil {
			r.cfg.Logger.Warn("relayer: price transaction", "err", err)
			continue
		}
		if err := r.backend.SendTransaction(ctx, tx); err != nil {
			msg := strings.ToLower(err.Error())
			switch {
			case strings.Contains(msg, "nonce too low"), strings.Contains(msg, "nonce too high"):
				// Another sender used the key (veil devnet registers
				// new eons with it): re-read the nonce and send again.
				r.synced = false
				r.cfg.Logger.Info("relayer: nonce taken by another sender of the key; re-reading it", "nonce", r.nonce, "err", err)
				continue
			case strings.Contains(msg, "already known"):
				sent = append(sent, tx.Hash())
			case strings.Contains(msg, "underpriced"):
				bump.Add(bump, big.NewInt(25))
			}
			r.cfg.Logger.Warn("relayer: send", "nonce", r.nonce, "err", err)
			if !strings.Contains(msg, "already known") {
				continue
			}
		} else {
			sent = append(sent, tx.Hash())
		}
		if receipt, err := r.wait(ctx, sent); err == nil {
			r.nonce++
			return receipt, nil
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Not mined in time: resend at a higher price (replacements need
		// +10% at geth; +25% leaves room).
		bump.Add(bump, big.NewInt(25))
	}
	return nil, fmt.Errorf("relayer: transaction not mined after %d attempts", r.cfg.Attempts)
}

// sign builds an EIP-1559 transaction at nonce r.nonce whose tip and fee
// cap are bump percent of the suggested ones.
func (r *Relayer) sign(ctx context.Context, data []byte, gas uint64, bump *big.Int) (*types.Transaction, error) {
	tip, err := r.backend.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, err
	}
	head, err := r.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	pct := func(x *big.Int) *big.Int { return new(big.Int).Div(new(big.Int).Mul(x, bump), big.NewInt(100)) }
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID: r.chainID, Nonce: r.nonce, GasTipCap: pct(tip), GasFeeCap: pct(feeCap),
		Gas: gas, To: &r.cfg.Inbox, Data: data,
	})
	return types.SignTx(tx, types.LatestSignerForChainID(r.chainID), r.cfg.Key)
}

// wait polls for a receipt of any of the hashes (all share one nonce).
func (r *Relayer) wait(ctx context.Context, hashes []common.Hash) (*types.Receipt, error) {
	for range r.cfg.ReceiptWait {
		for _, h := range hashes {
			if receipt, err := r.backend.TransactionReceipt(ctx, h); err == nil {
				return receipt, nil
			}
		}
		if err := sleep(ctx, r.cfg.ReceiptPoll); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("relayer: not mined yet")
}

// permanent marks an error retry must not retry.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// retry runs f up to Attempts times with backoff, stopping at a permanent
// error.
func (r *Relayer) retry(ctx context.Context, what string, f func() error) error {
	var err error
	for attempt := 0; attempt < r.cfg.Attempts; attempt++ {
		if attempt > 0 {
			if serr := sleep(ctx, r.cfg.Backoff<<min(attempt-1, 5)); serr != nil {
				return serr
			}
		}
		if err = f(); err == nil {
			return nil
		}
		var p permanent
		if errors.As(err, &p) {
			return p.err
		}
		r.cfg.Logger.Warn("relayer: retrying", "what", what, "attempt", attempt+1, "err", err)
	}
	return fmt.Errorf("relayer: %s: %w", what, err)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
