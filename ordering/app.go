package ordering

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/rollupfeed"
)

// AppVersion is the application protocol version reported to CometBFT.
const AppVersion uint64 = 1

// Config configures an App.
type Config struct {
	// DB holds the application state. The App owns it from New on and
	// closes it in Close. Required.
	DB dbm.DB
	// Rule orders blocks. Default ArrivalOrder.
	Rule Rule
	// Checker runs and caches the stateless admission checks. Default
	// mempool.NewChecker with its defaults.
	Checker *mempool.Checker
	// Pool indexes this node's pending envelopes. Default mempool.NewPool
	// with its defaults; size it no larger than CometBFT's mempool.
	Pool *mempool.Pool
	// Logger receives rejected proposals and storage failures. Default
	// discards.
	Logger *slog.Logger
	// ValidatorAddress is this node's CometBFT validator address, so the
	// fair-ordering reporter can tell whether a block recorded its vote
	// extension. Empty: assume it always does.
	ValidatorAddress []byte
	// Clock stamps the first-seen times of envelopes for fair ordering
	// (the rule itself reads no clock). Default time.Now.
	Clock func() time.Time
}

func (c *Config) validate() error {
	if c.DB == nil {
		return errors.New("ordering: Config.DB is required")
	}
	if c.Rule == nil {
		c.Rule = ArrivalOrder{}
	}
	if c.Checker == nil {
		c.Checker = mempool.NewChecker(mempool.CheckerConfig{})
	}
	if c.Pool == nil {
		c.Pool = mempool.NewPool(mempool.PoolConfig{})
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return nil
}

// App is veil's ABCI++ application. It orders envelopes without reading
// them: admission and block validity depend only on the clear header, the
// signature and the account state; the payload stays ciphertext.
//
// Concurrency: CometBFT serializes the calls of each ABCI connection, and
// App is safe for the connections to run concurrently (any local client
// creator works). The committed state is guarded by mu: Commit and
// InitChain write under the write lock; CheckTx and the query methods read
// under the read lock. PrepareProposal, ProcessProposal and FinalizeBlock
// run on the consensus connection, read the committed state without
// writing it, and buffer their writes in an overlay.
type App struct {
	db      dbm.DB
	rule    Rule
	checker *mempool.Checker
	pool    *mempool.Pool
	log     *slog.Logger

	mu     sync.RWMutex
	state  committed
	closed bool

	// pending is FinalizeBlock's result awaiting Commit. Consensus
	// connection only.
	pending *finalized

	// pooled follows the envelopes this node's Pool holds, with their
	// CometBFT mempool keys, so evictions can be removed from the network
	// mempool and the API can report pending envelopes.
	pooled  pendingIndex
	onEvict atomic.Pointer[func(txKeys [][32]byte)]

	subs       hub
	commitHook atomic.Pointer[CommitHook]

	// keys feeds and checks decryption-key records (keys.go).
	keys keyState
	// escape feeds and checks escape-hatch records (escape.go).
	escape escapeState

	// fair is the fair-ordering adapter (fair_app.go); nil unless the
	// Rule is FairOrder.
	fair *fairApp
}

var _ abci.Application = (*App)(nil)

// committed describes the last committed state.
type committed struct {
	initialized bool   // genesis applied
	height      int64  // last committed block; 0 before the first
	appHash     []byte // after height (after genesis when height is 0)
	// after is the height the state is the result of: height, or
	// initial height − 1 before the first block. Envelopes are checked
	// for inclusion at after+1.
	after  int64
	chain  chainRecord
	params Params
}

// finalized is a block executed by FinalizeBlock, not yet committed.
type finalized struct {
	height  int64
	time    time.Time
	appHash []byte
	writes  *overlay
	txs     []CommittedTx
	firm    []FirmBlock // decrypted by the key records the block holds
	// roots are the batch roots the block records; prevHash and
	// changesRoot the other inputs of appHash.
	roots       []rollupfeed.FirmRoot
	prevHash    []byte
	changesRoot []byte
	// ownRecorded: the reports of this validator's vote extension the
	// block recorded (fairBlock.recorded).
	ownRecorded map[ShortID]bool
}

// New opens the application over cfg.DB, resuming from its last commit.
func New(cfg Config) (*App, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &App{
		db:      cfg.DB,
		rule:    cfg.Rule,
		checker: cfg.Checker,
		pool:    cfg.Pool,
		log:     cfg.Logger,
	}
	if _, ok := cfg.Rule.(fairRule); ok {
		a.fair = &fairApp{self: cfg.ValidatorAddress, clock: cfg.Clock}
	}
	st, err := loadCommitted(dbGetter{a.db})
	if err != nil {
		return nil, err
	}
	a.state = st
	return a, nil
}

func loadCommitted(g getter) (committed, error) {
	m, err := loadMeta(g)
	if err != nil {
		return committed{}, err
	}
	chain, ok, err := loadChain(g)
	if err != nil || !ok {
		return committed{}, err
	}
	if len(m.AppHash) == 0 {
		return committed{}, fmt.Errorf("%w: genesis state without commit metadata", errCorrupt)
	}
	params, err := loadParams(g)
	if err != nil {
		return committed{}, err
	}
	after := m.Height
	if after == 0 {
		after = chain.InitialHeight - 1
	}
	return committed{initialized: true, height: m.Height, appHash: m.AppHash, after: after, chain: chain, params: params}, nil
}

// SetEvictHandler installs the function that removes envelopes the Pool
// evicted from the network mempool; it receives CometBFT mempool keys
// (SHA-256 of the tx bytes). It is called from CheckTx, after the App's
// locks are released, and must not call back into the App.
func (a *App) SetEvictHandler(f func(txKeys [][32]byte)) {
	a.onEvict.Store(&f)
}

// Subscribe returns a subscription to committed blocks with room for
// buffer undelivered blocks.
func (a *App) Subscribe(buffer int) *Subscription { return a.subs.subscribe(buffer) }

// Close ends all subscriptions and closes the database. Call it after
// CometBFT has stopped.
func (a *App) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	a.subs.closeAll(errors.New("ordering: application closed"))
	return a.db.Close()
}

var errClosed = errors.New("ordering: application closed")

// snapshot returns the committed state description.
func (a *App) snapshot() (committed, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return committed{}, errClosed
	}
	return a.state, nil
}

// Info implements abci.Application. Its LastBlockHeight tells CometBFT's
// handshake which stored blocks to replay after a restart.
func (a *App) Info(context.Context, *abci.InfoRequest) (*abci.InfoResponse, error) {
	st, err := a.snapshot()
	if err != nil {
		return nil, err
	}
	res := &abci.InfoResponse{Data: "veil", Version: "veil/1", AppVersion: AppVersion, LastBlockHeight: st.height}
	if st.height > 0 {
		res.LastBlockAppHash = st.appHash
	}
	return res, nil
}

// InitChain implements abci.Application: it writes the genesis state from
// app_state and returns its app hash. CometBFT calls it again after a
// restart that comes before the first block's commit, so it replaces
// whatever an earlier InitChain wrote.
func (a *App) InitChain(_ context.Context, req *abci.InitChainRequest) (*abci.InitChainResponse, error) {
	g, err := ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if req.ChainId == "" || len(req.ChainId) > mempool.MaxChainIDLen {
		return nil, fmt.Errorf("%w: chain id %q must be 1..%d bytes", ErrGenesis, req.ChainId, mempool.MaxChainIDLen)
	}
	initial := max(req.InitialHeight, 1)
	chain := chainRecord{InitialHeight: initial, ChainID: req.ChainId}
	o := genesisWrites(g, chain)
	vs, err := valSetFromUpdates(req.Validators)
	if err != nil {
		return nil, err
	}
	o.set(keyTag(tagValidators), vs.encode())
	hash := appHash(nil, initial-1, o.changesRoot(), nil)

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, errClosed
	}
	if a.state.height > 0 {
		return nil, fmt.Errorf("ordering: InitChain over a chain already at height %d", a.state.height)
	}
	batch := a.db.NewBatch()
	defer batch.Close()
	if err := clearDB(a.db, batch); err != nil {
		return nil, err
	}
	if err := o.writeTo(batch); err != nil {
		return nil, err
	}
	if err := batch.Set(keyTag(tagMeta), meta{Height: 0, AppHash: hash}.encode()); err != nil {
		return nil, err
	}
	if err := batch.WriteSync(); err != nil {
		return nil, fmt.Errorf("ordering: write genesis: %w", err)
	}
	a.state = committed{initialized: true, appHash: hash, after: initial - 1, chain: chain, params: g.Params}
	return &abci.InitChainResponse{AppHash: hash}, nil
}

func genesisWrites(g *Genesis, chain chainRecord) *overlay {
	o := newOverlay(emptyGetter{})
	o.set(keyTag(tagChain), chain.encode())
	o.set(keyTag(tagParams), g.Params.encode())
	o.set(keyTag(tagFees), encodeU64(0))
	o.set(keyTag(tagEonNow), encodeU64(g.Eon.ID))
	o.set(keyU64(tagEon, g.Eon.ID), Eon{
		ID:               g.Eon.ID,
		PublicKey:        g.Eon.PublicKey,
		Status:           mempool.EonActive,
		ActivationHeight: chain.InitialHeight,
	}.encode())
	for _, acc := range g.Accounts {
		o.set(keyAccount(acc.Address), Account{Balance: acc.Balance}.encode())
	}
	for _, r := range g.Rollups {
		o.set(keyU64(tagRollup, r.ID), r.encode())
	}
	writeKeyholders(o, g)
	writeEscapeHatch(o, g.EscapeHatch)
	return o
}

type emptyGetter struct{}

func (emptyGetter) get([]byte) ([]byte, error) { return nil, nil }

// clearDB deletes every key, in batch.
func clearDB(db dbm.DB, batch dbm.Batch) error {
	it, err := db.Iterator(nil, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if err := batch.Delete(append([]byte(nil), it.Key()...)); err != nil {
			return err
		}
	}
	return it.Error()
}

// CheckTx implements abci.Application. New envelopes pass the stateless
// checks (cached by hash) and the Pool's admission against committed
// state; re-checks after a block ask the Pool only, so no signature is
// verified twice.
func (a *App) CheckTx(_ context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	hash := mempool.Hash(crypto.Keccak256Hash(req.Tx))
	if req.Type == abci.CHECK_TX_TYPE_RECHECK {
		// The Pool holds the decoded envelope of everything it admitted;
		// the hash is all it needs.
		var err error
		if IsSystemTx(req.Tx) && req.Tx[0] == SysTxEonRegistration {
			// Still valid until a block registers the eon.
			err = a.checkEonTxCommitted(req.Tx)
		} else if isDKGTx(req.Tx) {
			// Valid until included or its phase closes.
			err = a.checkDKGTxCommitted(req.Tx)
		} else {
			err = a.withCommittedView(func(v *view) error { return a.pool.Recheck(hash, v) })
		}
		if err != nil {
			// CometBFT drops the envelope, and the Pool already has.
			a.pooled.remove(hash)
			a.forgetStamps(hash)
			a.noteGone(hash, req.Tx)
		}
		return checkTxResponse(err), nil
	}
	if IsSystemTx(req.Tx) {
		if req.Tx[0] == SysTxEonRegistration {
			return checkTxResponse(a.checkEonTxCommitted(req.Tx)), nil
		}
		if isDKGTx(req.Tx) {
			return checkTxResponse(a.checkDKGTxCommitted(req.Tx)), nil
		}
		// Only a proposer places other system transactions, where
		// ProcessProposal checks them.
		return checkTxResponse(fmt.Errorf("%w: system transaction", mempool.ErrMalformed)), nil
	}
	env, err := a.checker.CheckHashed(req.Tx, hash)
	if err != nil {
		return checkTxResponse(err), nil
	}
	var evictedEnvs []*mempool.Envelope
	err = a.withCommittedView(func(v *view) error {
		var err error
		evictedEnvs, err = a.pool.AdmitEvicting(env, v)
		return err
	})
	evicted := make([]mempool.Hash, len(evictedEnvs))
	for i, e := range evictedEnvs {
		evicted[i] = e.Hash()
		a.noteGone(evicted[i], e.Encode())
	}
	if err == nil {
		if a.fair != nil {
			a.fair.rep.stamp(hash, a.fair.clock())
		}
		a.trackPooled(req.Tx, hash, evicted)
		a.forgetStamps(evicted...)
	}
	return checkTxResponse(err), nil
}

func checkTxResponse(err error) *abci.CheckTxResponse {
	if err == nil {
		return &abci.CheckTxResponse{Code: abci.CodeTypeOK}
	}
	return &abci.CheckTxResponse{Code: Code(err), Codespace: Codespace, Log: err.Error()}
}

// withCommittedView runs f against the committed state, which stays put
// until f returns. A storage failure while f reads wins over f's verdict.
func (a *App) withCommittedView(f func(v *view) error) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return fmt.Errorf("%w: %v", ErrInternal, errClosed)
	}
	if !a.state.initialized {
		return fmt.Errorf("%w: no genesis yet", ErrInternal)
	}
	v := newView(dbGetter{a.db}, a.state.after, a.state.chain, a.state.params)
	err := f(v)
	if v.err != nil {
		a.log.Error("state read failed", "err", v.err)
		return fmt.Errorf("%w: %v", ErrInternal, v.err)
	}
	return err
}

// trackPooled records an admitted envelope and hands the envelopes its
// admission evicted to the evict handler.
func (a *App) trackPooled(tx []byte, hash mempool.Hash, evicted []mempool.Hash) {
	keys := a.pooled.add(hash, sha256.Sum256(tx), evicted)
	if f := a.onEvict.Load(); f != nil && *f != nil && len(keys) > 0 {
		(*f)(keys)
	}
}

// PrepareProposal implements abci.Application: the Rule orders the
// mempool's stateless-valid envelopes, and the builder includes each in
// turn if it is valid against the state the block so far leaves, within
// the block's count and byte limits.
func (a *App) PrepareProposal(ctx context.Context, req *abci.PrepareProposalRequest) (*abci.PrepareProposalResponse, error) {
	st, err := a.snapshot()
	if err != nil {
		return nil, err
	}
	if err := st.checkNext(req.Height); err != nil {
		return nil, err
	}
	cands := make([]Candidate, 0, len(req.Txs))
	for i, tx := range req.Txs {
		h, env, err := a.checker.Check(tx)
		if err != nil {
			continue
		}
		cands = append(cands, Candidate{Tx: tx, Hash: h, Envelope: env, Arrival: i})
	}
	fb, reserve, err := a.prepareFair(st, req)
	if err != nil {
		return nil, err
	}
	var judge map[ShortID]FairStatus
	if fb != nil && fb.ev != nil {
		judge = fb.ev.Judge()
		cands = append(cands, a.goneCandidates(fb.ev, judge, cands)...)
	}
	prop := Proposal{Height: req.Height, Time: req.Time, Candidates: cands, LastCommit: req.LocalLastCommit}
	if fb != nil {
		prop.Evidence = fb.ev
	}
	ordered := a.rule.Order(prop)

	maxBytes := min(req.MaxTxBytes, int64(st.params.MaxBlockBytes))
	ex := newBlockExec(dbGetter{a.db}, st, req.Height)
	kept := make([]Candidate, 0, min(len(ordered), int(st.params.MaxBlockTxs)))
	used := reserve
	// Ceremony transactions first: each DKG phase closes at a fixed
	// height, and they are few (at most four per member and ceremony).
	dkgTxs, err := a.appendDKGTxs(st, req.Height, req.Txs, nil, &used, maxBytes)
	if err != nil {
		return nil, err
	}
	for _, c := range ordered {
		if len(kept) >= int(st.params.MaxBlockTxs) {
			break
		}
		size := protoTxSize(len(c.Tx))
		if used+size > maxBytes {
			continue
		}
		if err := ex.include(c, uint32(len(kept))); err != nil {
			if errors.Is(err, ErrInternal) {
				return nil, err
			}
			continue
		}
		kept = append(kept, c)
		used += size
	}
	var skipped [][]byte
	if judge != nil {
		sizes := func(k []Candidate) (n int64) {
			for _, c := range k {
				n += protoTxSize(len(c.Tx))
			}
			return n
		}
		base := used - sizes(kept)
		kept, skipped, err = a.fenceBlock(st, req.Height, fb.ev, judge, ordered, kept, ex,
			func(k []Candidate) int64 { return maxBytes - base - sizes(k) })
		if err != nil {
			return nil, err
		}
		used = base + sizes(kept)
	}
	txs, err := a.finishFair(fb, st, req, prop, kept, skipped)
	if err != nil {
		return nil, err
	}
	if len(txs) > len(kept) {
		used += protoTxSize(len(txs[0])) - reserve
	}
	txs, err = a.appendKeyRecords(ctx, st, txs, &used, maxBytes)
	if err != nil {
		return nil, err
	}
	txs, err = a.appendEscapeRecords(st, req.Height, txs, &used, maxBytes)
	if err != nil {
		return nil, err
	}
	reg, err := a.proposeEonTx(st, req.Height, req.Txs)
	if err != nil {
		return nil, err
	}
	if reg != nil && used+protoTxSize(len(reg)) <= maxBytes {
		txs = append(txs, reg)
		used += protoTxSize(len(reg))
	}
	txs = append(txs, dkgTxs...)
	return &abci.PrepareProposalResponse{Txs: txs}, nil
}

// ProcessProposal implements abci.Application: it accepts a block iff
// every envelope passes the stateless checks and is valid against the
// state as the block's earlier envelopes leave it, the block is within
// the limits, and the Rule accepts the order.
func (a *App) ProcessProposal(_ context.Context, req *abci.ProcessProposalRequest) (*abci.ProcessProposalResponse, error) {
	st, err := a.snapshot()
	if err != nil {
		return nil, err
	}
	reject := func(why string, args ...any) (*abci.ProcessProposalResponse, error) {
		a.log.Warn("rejected proposal", append([]any{"height", req.Height, "reason", why}, args...)...)
		return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_REJECT}, nil
	}
	if err := st.checkNext(req.Height); err != nil {
		// Not this proposal's fault, but no block can be judged against
		// the wrong state; rejecting costs a round, an error would halt.
		return reject("state not at the previous height", "err", err)
	}
	fb, emb, err := a.processFair(st, req)
	if err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		return reject("invalid vote extensions", "err", err)
	}
	ex := newBlockExec(dbGetter{a.db}, st, req.Height)
	block := Block{Height: req.Height, Time: req.Time, Txs: make([]Candidate, 0, len(req.Txs))}
	if emb != nil {
		block.Omitted = emb.Omitted
	}
	var used, envBytes int64
	for i, tx := range req.Txs {
		if used += protoTxSize(len(tx)); used > int64(st.params.MaxBlockBytes) {
			return reject("block too large", "max_bytes", st.params.MaxBlockBytes)
		}
		if IsSystemTx(tx) {
			continue // processFair, checkSystemTxs
		}
		// Envelopes are indexed among the block's envelopes; system
		// transactions do not count.
		n := len(block.Txs)
		if n >= int(st.params.MaxBlockTxs) {
			return reject("too many envelopes", "max", st.params.MaxBlockTxs)
		}
		envBytes += protoTxSize(len(tx))
		h, env, err := a.checker.Check(tx)
		if err != nil {
			return reject("invalid envelope", "index", i, "err", err)
		}
		c := Candidate{Tx: tx, Hash: h, Envelope: env, Arrival: n}
		if err := ex.include(c, uint32(n)); err != nil {
			if errors.Is(err, ErrInternal) {
				return nil, err
			}
			return reject("envelope not includable", "index", i, "err", err)
		}
		block.Txs = append(block.Txs, c)
	}
	if fb != nil {
		block.Evidence = fb.ev
		block.Room = hasRoom(st.params, len(block.Txs), envBytes)
		if emb != nil && len(emb.Skipped) > 0 {
			if block.Skipped, err = a.checkSkipped(ex, emb.Skipped); err != nil {
				if errors.Is(err, ErrInternal) {
					return nil, err
				}
				return reject("invalid skipped envelope", "err", err)
			}
		}
	}
	if err := a.rule.Verify(block); err != nil {
		return reject("order not allowed", "err", err)
	}
	if err := a.checkSystemTxs(req.Txs); err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		return reject("invalid system transaction", "err", err)
	}
	if err := a.checkEscapeTxs(req.Height, req.Txs); err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		return reject("invalid escape-hatch record", "err", err)
	}
	if err := a.checkEonTxs(st, req.Height, req.Txs); err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		return reject("invalid eon registration", "err", err)
	}
	if err := a.checkDKGTxs(st, req.Height, req.Txs); err != nil {
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		return reject("invalid DKG ceremony transaction", "err", err)
	}
	return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_ACCEPT}, nil
}

func (st committed) checkNext(height int64) error {
	if !st.initialized {
		return errors.New("ordering: block before genesis")
	}
	if height != st.after+1 {
		return fmt.Errorf("ordering: block at height %d, the state is at %d", height, st.after)
	}
	return nil
}

// protoTxSize is a tx's share of a block's data as CometBFT counts it
// (types.ComputeProtoSizeForTxs): field tag, length varint, bytes.
func protoTxSize(n int) int64 {
	var buf [binary.MaxVarintLen64]byte
	return int64(1 + binary.PutUvarint(buf[:], uint64(n)) + n)
}

// ExtendVote implements abci.Application. Under fair ordering the
// extension carries this validator's first-seen reports of envelopes the
// chain has not recorded from it (reporter); otherwise it is empty.
func (a *App) ExtendVote(_ context.Context, req *abci.ExtendVoteRequest) (*abci.ExtendVoteResponse, error) {
	if a.fair == nil {
		return &abci.ExtendVoteResponse{}, nil
	}
	return &abci.ExtendVoteResponse{VoteExtension: a.fair.rep.report(req.Height, a.ownEmbedded(req.Txs))}, nil
}

// VerifyVoteExtension implements abci.Application. It checks format and
// size only (ParseVoteExtension), which every validator decides alike:
// rejecting a vote costs liveness, so the content (times, ids) is judged
// leniently later, when the reports are merged.
func (a *App) VerifyVoteExtension(_ context.Context, req *abci.VerifyVoteExtensionRequest) (*abci.VerifyVoteExtensionResponse, error) {
	var err error
	switch {
	case a.fair != nil:
		_, err = ParseVoteExtension(req.VoteExtension)
	case len(req.VoteExtension) != 0:
		err = fmt.Errorf("%w: extension without fair ordering", ErrVoteExtension)
	}
	if err != nil {
		a.log.Warn("rejected vote extension", "height", req.Height, "validator", fmt.Sprintf("%X", req.ValidatorAddress), "bytes", len(req.VoteExtension), "err", err)
		return &abci.VerifyVoteExtensionResponse{Status: abci.VERIFY_VOTE_EXTENSION_STATUS_REJECT}, nil
	}
	return &abci.VerifyVoteExtensionResponse{Status: abci.VERIFY_VOTE_EXTENSION_STATUS_ACCEPT}, nil
}

// FinalizeBlock implements abci.Application: it charges each envelope's
// fee, bumps its sender's nonce, records it (pending decryption), and
// returns the new app hash. Nothing is written until Commit.
//
// A decided block passed ProcessProposal on at least one honest
// validator, so every envelope in it is valid; should one not be (a bug,
// or more than a third of the voting power faulty) it gets a failing
// result code and changes no state, the same on every node.
func (a *App) FinalizeBlock(_ context.Context, req *abci.FinalizeBlockRequest) (*abci.FinalizeBlockResponse, error) {
	st, err := a.snapshot()
	if err != nil {
		return nil, err
	}
	if err := st.checkNext(req.Height); err != nil {
		return nil, err
	}
	fb, err := a.finalizeFair(st, req)
	if err != nil {
		return nil, err
	}
	ex := newBlockExec(dbGetter{a.db}, st, req.Height)
	if err := activateEon(ex.o, req.Height); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	results := make([]*abci.ExecTxResult, len(req.Txs))
	n := 0 // envelopes so far: system transactions take no index
	for i, tx := range req.Txs {
		if IsSystemTx(tx) {
			results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK} // applySystemTxs, finalizeFair
			continue
		}
		index := uint32(n)
		n++
		h, env, err := a.checker.Check(tx)
		c := Candidate{Tx: tx, Hash: h, Envelope: env, Arrival: int(index)}
		if err == nil {
			err = ex.include(c, index)
		}
		if errors.Is(err, ErrInternal) {
			return nil, err
		}
		if err != nil {
			a.log.Error("invalid envelope in a decided block", "height", req.Height, "index", i, "err", err)
			results[i] = &abci.ExecTxResult{Code: Code(err), Codespace: Codespace, Log: err.Error()}
			continue
		}
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: []abci.Event{txEvent(c, index)}}
	}
	summary, err := ex.finish(req.Time, req.ProposerAddress)
	if err != nil {
		return nil, err
	}
	firm, err := a.applySystemTxs(ex, req.Txs, results)
	if err != nil {
		return nil, err
	}
	escaped, err := a.applyEscapeTxs(ex, req.Txs, results)
	if err != nil {
		return nil, err
	}
	firm = append(firm, escaped...)
	if err := a.applyEonTxs(ex, st, req.Txs, results); err != nil {
		return nil, err
	}
	if err := a.applyDKGTxs(ex, st, req.Txs, results); err != nil {
		return nil, err
	}
	if fb != nil {
		writeFair(ex.o, fb, ex.included, req.Height)
		a.logBackstop(fb, ex.included, req.Height)
	}
	roots, err := firmRoots(st.chain.ChainID, req.Height, len(ex.included) == 0, firm)
	if err != nil {
		return nil, err
	}
	writeFirmRoots(ex.o, req.Height, roots)
	changes := ex.o.changesRoot()
	hash := appHash(st.appHash, req.Height, changes, roots)
	a.pending = &finalized{
		height: req.Height, time: req.Time, appHash: hash, writes: ex.o, txs: ex.included, firm: firm,
		roots: roots, prevHash: prevAppHash(st.appHash), changesRoot: changes,
	}
	if fb != nil {
		a.pending.ownRecorded = fb.recorded
	}
	return &abci.FinalizeBlockResponse{
		TxResults: results,
		AppHash:   hash,
		Events: []abci.Event{{Type: EventBlock, Attributes: []abci.EventAttribute{
			{Key: AttrTxs, Value: strconv.Itoa(len(summary.Txs))},
			{Key: AttrFees, Value: strconv.FormatUint(summary.Fees, 10)},
		}}},
	}, nil
}

// Event types and attribute keys the application emits.
const (
	// EventTx is emitted in each included envelope's result.
	EventTx = "veil.tx"
	// EventBlock is emitted once per block.
	EventBlock = "veil.block"

	AttrHash    = "hash"    // 0x-hex keccak256 of the envelope (indexed)
	AttrSender  = "sender"  // 0x-hex address (indexed)
	AttrNonce   = "nonce"   // decimal
	AttrFee     = "fee"     // decimal
	AttrEon     = "eon"     // decimal
	AttrRollups = "rollups" // comma-separated decimal ids
	AttrIndex   = "index"   // position in the block
	AttrTxs     = "txs"     // envelopes in the block
	AttrFees    = "fees"    // fees the block charged
)

func txEvent(c Candidate, index uint32) abci.Event {
	env := c.Envelope
	rollups := make([]string, len(env.Rollups))
	for i, r := range env.Rollups {
		rollups[i] = strconv.FormatUint(r, 10)
	}
	return abci.Event{Type: EventTx, Attributes: []abci.EventAttribute{
		{Key: AttrHash, Value: fmt.Sprintf("%#x", c.Hash[:]), Index: true},
		{Key: AttrSender, Value: env.Sender.Hex(), Index: true},
		{Key: AttrNonce, Value: strconv.FormatUint(env.Nonce, 10)},
		{Key: AttrFee, Value: strconv.FormatUint(env.Fee, 10)},
		{Key: AttrEon, Value: strconv.FormatUint(env.Eon, 10)},
		{Key: AttrRollups, Value: strings.Join(rollups, ",")},
		{Key: AttrIndex, Value: strconv.FormatUint(uint64(index), 10)},
	}}
}

// Commit implements abci.Application: it writes the finalized block's
// state and the new commit metadata in one synced batch, so a crash
// leaves either the old state or the new one, and Info tells CometBFT
// which. Subscribers hear of the block after the write.
func (a *App) Commit(context.Context, *abci.CommitRequest) (*abci.CommitResponse, error) {
	p := a.pending
	if p == nil {
		return nil, errors.New("ordering: Commit without FinalizeBlock")
	}
	cb := CommittedBlock{
		Height: p.height, Time: p.time, AppHash: p.appHash, Txs: p.txs, Firm: p.firm,
		FirmRoots: p.roots, PrevAppHash: p.prevHash, ChangesRoot: p.changesRoot,
	}
	if h := a.commitHook.Load(); h != nil && *h != nil {
		if err := (*h)(cb); err != nil {
			return nil, fmt.Errorf("ordering: commit hook at height %d: %w", p.height, err)
		}
	}
	batch := a.db.NewBatch()
	defer batch.Close()
	if err := p.writes.writeTo(batch); err != nil {
		return nil, err
	}
	if err := batch.Set(keyTag(tagMeta), meta{Height: p.height, AppHash: p.appHash}.encode()); err != nil {
		return nil, err
	}
	if err := batch.Set(keyU64(tagHashAt, uint64(p.height)), p.appHash); err != nil {
		return nil, err
	}
	if proof := cb.FirmProof(); proof != nil {
		enc, err := proof.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("ordering: firm proof at height %d: %w", p.height, err)
		}
		if err := batch.Set(keyU64(tagFirmProof, uint64(p.height)), enc); err != nil {
			return nil, err
		}
	}

	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil, errClosed
	}
	if err := batch.WriteSync(); err != nil {
		a.mu.Unlock()
		return nil, fmt.Errorf("ordering: commit height %d: %w", p.height, err)
	}
	a.state.height, a.state.after, a.state.appHash = p.height, p.height, p.appHash
	a.mu.Unlock()
	a.pending = nil

	hashes := make([]mempool.Hash, len(p.txs))
	for i, tx := range p.txs {
		hashes[i] = tx.Hash
	}
	a.pool.Remove(hashes...)
	a.checker.Forget(hashes...)
	a.pooled.remove(hashes...)
	a.forgetStamps(hashes...)
	if a.fair != nil {
		a.fair.rep.resolve(p.height, p.ownRecorded)
	}
	a.subs.publish(cb)
	return &abci.CommitResponse{}, nil
}

// State sync is not offered: a new node replays blocks.

// ListSnapshots implements abci.Application.
func (a *App) ListSnapshots(context.Context, *abci.ListSnapshotsRequest) (*abci.ListSnapshotsResponse, error) {
	return &abci.ListSnapshotsResponse{}, nil
}

// OfferSnapshot implements abci.Application.
func (a *App) OfferSnapshot(context.Context, *abci.OfferSnapshotRequest) (*abci.OfferSnapshotResponse, error) {
	return &abci.OfferSnapshotResponse{Result: abci.OFFER_SNAPSHOT_RESULT_REJECT}, nil
}

// LoadSnapshotChunk implements abci.Application.
func (a *App) LoadSnapshotChunk(context.Context, *abci.LoadSnapshotChunkRequest) (*abci.LoadSnapshotChunkResponse, error) {
	return &abci.LoadSnapshotChunkResponse{}, nil
}

// ApplySnapshotChunk implements abci.Application.
func (a *App) ApplySnapshotChunk(context.Context, *abci.ApplySnapshotChunkRequest) (*abci.ApplySnapshotChunkResponse, error) {
	return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT}, nil
}
