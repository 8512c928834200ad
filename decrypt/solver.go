package decrypt

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"

	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/vdf"
)

// Solver is a node's escape-hatch solver. Once a committed block H has
// gone K blocks (ordering.EscapeHatch.Blocks) without its keys being
// recorded, it solves the time-locks of H's envelopes (vdf.SolveContext,
// T sequential squarings each, puzzles in parallel across workers) and
// hands the solutions to the node's proposals as an ordering.EscapeSource,
// the way the share pool hands keys. Work on a block stops as soon as the
// block is keyed or resolved. Blocks without time-locked envelopes need
// no solver: the proposer resolves them with an empty record.
//
// Only validators propose, so a non-validator's solutions reach the chain
// only through a validator today; a public submission path (an API call
// that forwards verified solutions to the proposer) is future work.
type Solver struct {
	app   *ordering.App
	hatch *ordering.EscapeHatch
	log   *slog.Logger
	jobs  chan solveJob

	mu     sync.Mutex
	blocks map[int64]*solveBlock

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// SolverConfig configures a Solver.
type SolverConfig struct {
	// Workers is how many puzzles are solved at once. Default GOMAXPROCS.
	Workers int
	Logger  *slog.Logger
}

// ErrNoEscapeHatch is returned by NewSolver for a chain without an escape
// hatch.
var ErrNoEscapeHatch = errors.New("decrypt: the chain has no escape hatch")

// solveBlock is the work on one withheld block.
type solveBlock struct {
	cancel    context.CancelFunc
	sols      []ordering.EscapeSolution
	remaining int
	failed    bool
}

type solveJob struct {
	ctx    context.Context
	height int64
	k      int // position in the block's solutions
	pz     *vdf.Puzzle
}

// NewSolver starts a solver for app's chain, following its commits until
// Close. It returns ErrNoEscapeHatch when the chain has none.
func NewSolver(app *ordering.App, cfg SolverConfig) (*Solver, error) {
	hatch, err := app.EscapeHatch()
	if err != nil {
		return nil, err
	}
	if hatch == nil {
		return nil, ErrNoEscapeHatch
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Solver{
		app: app, hatch: hatch, log: cfg.Logger, jobs: make(chan solveJob, 1024),
		blocks: make(map[int64]*solveBlock), ctx: ctx, cancel: cancel,
	}
	for range cfg.Workers {
		s.wg.Go(s.work)
	}
	sub := app.Subscribe(64)
	s.wg.Go(func() { s.follow(sub) })
	return s, nil
}

var _ ordering.EscapeSource = (*Solver)(nil)

// EscapeSolutions implements ordering.EscapeSource.
func (s *Solver) EscapeSolutions(height int64) ([]ordering.EscapeSolution, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.blocks[height]
	if b == nil || b.remaining != 0 || b.failed {
		return nil, false
	}
	return append([]ordering.EscapeSolution(nil), b.sols...), true
}

// Close stops the solver, abandoning unfinished puzzles.
func (s *Solver) Close() {
	s.cancel()
	s.wg.Wait()
}

func (s *Solver) follow(sub *ordering.Subscription) {
	defer sub.Close()
	s.scan()
	for {
		select {
		case <-s.ctx.Done():
			return
		case _, ok := <-sub.C():
			if !ok {
				if !errors.Is(sub.Err(), ordering.ErrSlowSubscriber) {
					return
				}
				sub = s.app.Subscribe(64) // scan reads the state, not the blocks
			}
			s.scan()
		}
	}
}

// maxSolverHeights bounds how many withheld blocks one scan looks at.
const maxSolverHeights = 256

// scan starts work on the pending blocks past the delay and drops the
// blocks that are no longer pending.
func (s *Solver) scan() {
	committed, _ := s.app.LastCommit()
	hs, err := s.app.PendingHeights(maxSolverHeights)
	if err != nil {
		s.log.Error("escape solver: pending heights", "err", err)
		return
	}
	pending := make(map[int64]bool, len(hs))
	for _, h := range hs {
		pending[h] = true
	}
	s.mu.Lock()
	for h, b := range s.blocks {
		if !pending[h] {
			b.cancel()
			delete(s.blocks, h)
		}
	}
	s.mu.Unlock()
	for _, h := range hs {
		if uint64(h)+s.hatch.Blocks > uint64(committed) {
			break // oldest first: the rest are younger
		}
		s.start(h)
	}
}

// start queues the puzzles of block h unless it is already under way.
func (s *Solver) start(h int64) {
	s.mu.Lock()
	if _, ok := s.blocks[h]; ok {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	b := &solveBlock{cancel: cancel, remaining: -1} // not ready until the puzzles are counted
	s.blocks[h] = b
	s.mu.Unlock()

	txs, err := s.app.PendingEnvelopes(h)
	if err != nil {
		s.log.Error("escape solver: pending envelopes", "height", h, "err", err)
		s.mu.Lock()
		delete(s.blocks, h)
		s.mu.Unlock()
		cancel()
		return
	}
	var jobs []solveJob
	var sols []ordering.EscapeSolution
	for _, p := range txs {
		if pz := ordering.TimeLocked(p); pz != nil {
			jobs = append(jobs, solveJob{ctx: ctx, height: h, k: len(jobs), pz: pz})
			sols = append(sols, ordering.EscapeSolution{Index: p.Index})
		}
	}
	s.mu.Lock()
	b.sols, b.remaining = sols, len(jobs)
	s.mu.Unlock()
	if len(jobs) > 0 {
		s.log.Info("escape solver: solving withheld block", "height", h, "puzzles", len(jobs), "delay", s.hatch.Params.Delay())
	}
	for _, j := range jobs {
		select {
		case s.jobs <- j:
		case <-s.ctx.Done():
			return
		}
	}
}

func (s *Solver) work() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case j := <-s.jobs:
			s.solve(j)
		}
	}
}

func (s *Solver) solve(j solveJob) {
	if j.ctx.Err() != nil {
		return
	}
	// A puzzle whose key does not unwrap still has a valid y and proof
	// (vdf.ErrPuzzle): the chain records the solution and fails that
	// envelope.
	_, y, proof, err := vdf.SolveContext(j.ctx, s.hatch.Params, j.pz)
	if err != nil && !errors.Is(err, vdf.ErrPuzzle) {
		if j.ctx.Err() == nil {
			s.log.Error("escape solver: puzzle", "height", j.height, "err", err)
		}
		s.mu.Lock()
		if b := s.blocks[j.height]; b != nil && j.ctx.Err() == nil {
			b.failed = true
		}
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.blocks[j.height]
	if b == nil || j.ctx.Err() != nil {
		return
	}
	b.sols[j.k].Y, b.sols[j.k].Proof = y, proof
	b.remaining--
	if b.remaining == 0 {
		s.log.Info("escape solver: withheld block solved", "height", j.height, "puzzles", len(b.sols))
	}
}
