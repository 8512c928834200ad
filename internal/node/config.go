package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/cockroachdb/pebble"
	dbm "github.com/cometbft/cometbft-db"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/mitchellh/mapstructure"
)

// LoadConfig reads home/config/config.toml the way CometBFT's own command
// does (keys named by the mapstructure tags, durations as strings, every
// key optional over CometBFT's defaults), roots the paths at home and
// validates the result.
func LoadConfig(home string) (*cmtcfg.Config, error) {
	path := filepath.Join(home, "config", "config.toml")
	raw := make(map[string]any)
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return nil, fmt.Errorf("node: read %s: %w", path, err)
	}
	cfg := cmtcfg.DefaultConfig()
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		),
		WeaklyTypedInput: true,
		Result:           cfg,
	})
	if err != nil {
		return nil, err
	}
	if err := dec.Decode(raw); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	cfg.SetRoot(home)
	if err := cfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("node: %s: %w", path, err)
	}
	return cfg, nil
}

// writeConfig writes config.toml under cfg's root.
func writeConfig(cfg *cmtcfg.Config) error {
	dir := filepath.Join(cfg.RootDir, "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	cmtcfg.WriteConfigFile(filepath.Join(dir, "config.toml"), cfg)
	return nil
}

// dbSet opens CometBFT's databases and remembers them: CometBFT closes
// some of them when it stops but not all (the indexers' are left open),
// and a node restarted in the same process must find them unlocked.
type dbSet struct {
	log pebble.Logger
	mu  sync.Mutex
	dbs []*closeOnce
}

// provider opens databases as CometBFT's default provider would; pebble
// (the default backend) gets a logger that routes its messages through
// the node's.
func (s *dbSet) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := openDB(ctx.ID, ctx.Config, s.log)
	if err != nil {
		return nil, err
	}
	c := &closeOnce{DB: db}
	s.mu.Lock()
	s.dbs = append(s.dbs, c)
	s.mu.Unlock()
	return c, nil
}

// closeAll closes every database not closed yet.
func (s *dbSet) closeAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, db := range s.dbs {
		errs = append(errs, db.Close())
	}
	s.dbs = nil
	return errors.Join(errs...)
}

// closeOnce makes Close idempotent (pebble panics on a second Close) and
// makes a closed database answer instead of panicking. CometBFT v1.0.1's
// Stop returns while some reactor goroutines still sleep between reads of
// the block store (the consensus reactor's maj23 query loop sleeps 2 s
// before it looks at whether it should still run); one waking after the
// databases closed would crash the process inside pebble. After Close,
// reads find nothing, and writes and iterators fail with errDBClosed.
type closeOnce struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
	err    error
}

var errDBClosed = errors.New("node: database closed")

func (c *closeOnce) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.err = c.DB.Close()
	}
	return c.err
}

func (c *closeOnce) Get(key []byte) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, nil
	}
	return c.DB.Get(key)
}

func (c *closeOnce) Has(key []byte) (bool, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return false, nil
	}
	return c.DB.Has(key)
}

func (c *closeOnce) guard(f func() error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return errDBClosed
	}
	return f()
}

func (c *closeOnce) Set(k, v []byte) error { return c.guard(func() error { return c.DB.Set(k, v) }) }
func (c *closeOnce) SetSync(k, v []byte) error {
	return c.guard(func() error { return c.DB.SetSync(k, v) })
}
func (c *closeOnce) Delete(k []byte) error { return c.guard(func() error { return c.DB.Delete(k) }) }
func (c *closeOnce) DeleteSync(k []byte) error {
	return c.guard(func() error { return c.DB.DeleteSync(k) })
}
func (c *closeOnce) Compact(start, end []byte) error {
	return c.guard(func() error { return c.DB.Compact(start, end) })
}

func (c *closeOnce) Iterator(start, end []byte) (it dbm.Iterator, err error) {
	err = c.guard(func() error { it, err = c.DB.Iterator(start, end); return err })
	return it, err
}

func (c *closeOnce) ReverseIterator(start, end []byte) (it dbm.Iterator, err error) {
	err = c.guard(func() error { it, err = c.DB.ReverseIterator(start, end); return err })
	return it, err
}

func (c *closeOnce) NewBatch() dbm.Batch {
	return &guardedBatch{db: c, Batch: c.DB.NewBatch()}
}

// guardedBatch refuses to write once its database is closed.
type guardedBatch struct {
	dbm.Batch
	db *closeOnce
}

func (b *guardedBatch) Write() error     { return b.db.guard(b.Batch.Write) }
func (b *guardedBatch) WriteSync() error { return b.db.guard(b.Batch.WriteSync) }

func openDB(name string, cfg *cmtcfg.Config, log pebble.Logger) (dbm.DB, error) {
	if dbm.BackendType(cfg.DBBackend) == dbm.PebbleDBBackend {
		return dbm.NewPebbleDBWithOpts(name, cfg.DBDir(), &pebble.Options{Logger: log})
	}
	return dbm.NewDB(name, dbm.BackendType(cfg.DBBackend), cfg.DBDir())
}
