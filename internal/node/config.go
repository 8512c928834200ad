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

// closeOnce makes Close idempotent (pebble panics on a second Close).
type closeOnce struct {
	dbm.DB
	once sync.Once
	err  error
}

func (c *closeOnce) Close() error {
	c.once.Do(func() { c.err = c.DB.Close() })
	return c.err
}

func openDB(name string, cfg *cmtcfg.Config, log pebble.Logger) (dbm.DB, error) {
	if dbm.BackendType(cfg.DBBackend) == dbm.PebbleDBBackend {
		return dbm.NewPebbleDBWithOpts(name, cfg.DBDir(), &pebble.Options{Logger: log})
	}
	return dbm.NewDB(name, dbm.BackendType(cfg.DBBackend), cfg.DBDir())
}
