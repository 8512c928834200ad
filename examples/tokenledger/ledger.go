package tokenledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/api"
	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/rollupfeed"
)

// Config configures a Ledger.
type Config struct {
	// Path is the state file. Open resumes from it when it exists and
	// creates it from the genesis fields otherwise.
	Path string
	// Rollup is the ledger's rollup id.
	Rollup uint64
	// From is the first height a new ledger applies (default 1).
	From int64
	// Genesis are a new ledger's balances.
	Genesis map[common.Address]uint64
	// Level is the feed level the ledger follows (default firm).
	Level api.DecryptionLevel
	// OnBatch, if set, sees each batch after it is applied and saved,
	// with its receipts.
	OnBatch func(b *client.Batch, rs []Receipt)
}

// Ledger is a State kept in a file and fed from the rollup feed. Its
// methods are safe for concurrent use.
type Ledger struct {
	cfg Config

	mu sync.Mutex
	st *State
}

// Open loads the ledger at cfg.Path, or creates it from cfg's genesis
// fields. A file for another rollup is an error.
func Open(cfg Config) (*Ledger, error) {
	if cfg.Path == "" {
		return nil, errors.New("tokenledger: Config.Path is required")
	}
	if cfg.Level == 0 {
		cfg.Level = api.LevelFirm
	}
	l := &Ledger{cfg: cfg}
	b, err := os.ReadFile(cfg.Path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		l.st = NewState(cfg.Rollup, cfg.From, cfg.Genesis)
		return l, save(cfg.Path, l.st)
	case err != nil:
		return nil, fmt.Errorf("tokenledger: %w", err)
	}
	st := new(State)
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("tokenledger: %s: %w", cfg.Path, err)
	}
	if st.Rollup != cfg.Rollup {
		return nil, fmt.Errorf("tokenledger: %s holds rollup %d's ledger, not %d's", cfg.Path, st.Rollup, cfg.Rollup)
	}
	if st.Accounts == nil {
		st.Accounts = map[common.Address]*Account{}
	}
	for addr, a := range st.Accounts {
		if a == nil {
			return nil, fmt.Errorf("tokenledger: %s: account %s is null", cfg.Path, addr)
		}
	}
	l.st = st
	return l, nil
}

// State returns a copy of the ledger's state.
func (l *Ledger) State() *State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st.Clone()
}

// Height returns the last height applied.
func (l *Ledger) Height() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st.Height
}

// Apply applies the rollup's next batch (see State.Apply) and saves the
// state and height together, so a restarted ledger resumes right after
// the last batch it applied: no gap, no batch twice. If the save fails,
// the ledger keeps its previous state.
func (l *Ledger) Apply(b *rollupfeed.Batch) ([]Receipt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.st.Clone()
	rs, err := next.Apply(b)
	if err != nil {
		return nil, err
	}
	if err := save(l.cfg.Path, next); err != nil {
		return nil, err
	}
	l.st = next
	return rs, nil
}

// Run follows the rollup's feed from the height after the last one
// applied, applying each batch as it comes, until ctx ends (it then
// returns nil) or an error: a batch that fails verification or does not
// follow, or the state file not saving. client.Subscribe verifies every
// batch against its batch root before it reaches Apply and reconnects by
// itself across disconnects and node restarts.
func (l *Ledger) Run(ctx context.Context, c *client.Client) error {
	for b, err := range c.Subscribe(ctx, l.cfg.Rollup, l.Height()+1, l.cfg.Level) {
		if err != nil {
			return err
		}
		rs, err := l.Apply(b.Batch)
		if err != nil {
			return err
		}
		if l.cfg.OnBatch != nil {
			l.cfg.OnBatch(b, rs)
		}
	}
	return nil
}

// save writes st to path atomically: a crash leaves the old file or the
// new one, never a mix.
func save(path string, st *State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("tokenledger: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("tokenledger: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("tokenledger: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("tokenledger: save: %w", err)
	}
	return nil
}
