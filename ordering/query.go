package ordering

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// ErrNotFound is returned by the query methods for an absent record.
var ErrNotFound = errors.New("ordering: not found")

// The query methods read the last committed state; they are safe for
// concurrent use with each other and with block processing, and each
// call sees a single commit.

// read runs f under the read lock against the committed state.
func (a *App) read(f func(g getter, st committed) error) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return errClosed
	}
	if !a.state.initialized {
		return fmt.Errorf("%w: no genesis yet", ErrNotFound)
	}
	return f(dbGetter{a.db}, a.state)
}

// LastCommit returns the last committed height (0 before the first block)
// and the app hash after it.
func (a *App) LastCommit() (height int64, appHash []byte) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.state.height, a.state.appHash
}

// ChainID returns the chain id, empty before genesis.
func (a *App) ChainID() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.state.chain.ChainID
}

// Params returns the chain parameters.
func (a *App) Params() (Params, error) {
	var p Params
	err := a.read(func(_ getter, st committed) error { p = st.params; return nil })
	return p, err
}

// CurrentEon returns the eon new envelopes should be encrypted to.
func (a *App) CurrentEon() (Eon, error) {
	var e Eon
	err := a.read(func(g getter, _ committed) error {
		id, err := loadU64(g, keyTag(tagEonNow), "current eon")
		if err != nil {
			return err
		}
		var ok bool
		e, ok, err = loadEon(g, id)
		if err == nil && !ok {
			err = fmt.Errorf("%w: current eon %d has no record", errCorrupt, id)
		}
		return err
	})
	return e, err
}

// Eon returns an eon by id.
func (a *App) Eon(id uint64) (Eon, error) {
	var e Eon
	err := a.read(func(g getter, _ committed) error {
		var ok bool
		var err error
		if e, ok, err = loadEon(g, id); err == nil && !ok {
			err = fmt.Errorf("%w: eon %d", ErrNotFound, id)
		}
		return err
	})
	return e, err
}

// Account returns an account; an address never funded reads as zero.
func (a *App) Account(addr common.Address) (Account, error) {
	var acc Account
	err := a.read(func(g getter, _ committed) error {
		var err error
		acc, err = loadAccount(g, addr)
		return err
	})
	return acc, err
}

// Rollup returns a registered rollup.
func (a *App) Rollup(id uint64) (Rollup, error) {
	var r Rollup
	err := a.read(func(g getter, _ committed) error {
		var ok bool
		var err error
		if r, ok, err = loadRollup(g, id); err == nil && !ok {
			err = fmt.Errorf("%w: rollup %d", ErrNotFound, id)
		}
		return err
	})
	return r, err
}

// Rollups returns the registered rollups by id.
func (a *App) Rollups() ([]Rollup, error) {
	var rs []Rollup
	err := a.read(func(_ getter, _ committed) error {
		it, err := a.db.Iterator([]byte{tagRollup}, []byte{tagRollup + 1})
		if err != nil {
			return err
		}
		defer it.Close()
		for ; it.Valid(); it.Next() {
			k := it.Key()
			if len(k) != 9 {
				return fmt.Errorf("%w: rollup key %x", errCorrupt, k)
			}
			r, err := decodeRollup(binary.BigEndian.Uint64(k[1:]), it.Value())
			if err != nil {
				return err
			}
			rs = append(rs, r)
		}
		return it.Error()
	})
	return rs, err
}

// Tx returns the record of an included envelope by its hash (keccak256 of
// its bytes). ErrNotFound means not included (yet): pending, rejected or
// expired is the mempool's and the API's knowledge, not the chain's.
func (a *App) Tx(hash common.Hash) (TxRecord, error) {
	var r TxRecord
	err := a.read(func(g getter, _ committed) error {
		var ok bool
		var err error
		if r, ok, err = loadTx(g, hash); err == nil && !ok {
			err = fmt.Errorf("%w: tx %s", ErrNotFound, hash)
		}
		return err
	})
	return r, err
}

// Block returns the summary of a committed block.
func (a *App) Block(height int64) (BlockSummary, error) {
	var s BlockSummary
	err := a.read(func(g getter, st committed) error {
		if height < 1 || height > st.height {
			return fmt.Errorf("%w: block %d (last committed %d)", ErrNotFound, height, st.height)
		}
		b, err := g.get(keyU64(tagBlock, uint64(height)))
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("%w: block %d", ErrNotFound, height)
		}
		if s, err = decodeBlockSummary(height, b); err != nil {
			return err
		}
		s.AppHash, err = g.get(keyU64(tagHashAt, uint64(height)))
		return err
	})
	return s, err
}

// PendingDecryptions returns the hashes of the envelopes included at
// height whose decryption keys are not recorded yet, in block order.
func (a *App) PendingDecryptions(height int64) ([]common.Hash, error) {
	var hs []common.Hash
	err := a.read(func(g getter, _ committed) error {
		var err error
		hs, err = loadPending(g, height)
		return err
	})
	return hs, err
}

// Query paths served over ABCI (CometBFT's abci_query). Values are JSON.
//
//	/params              Params
//	/eon                 current Eon
//	/eon/{id}            Eon
//	/account/{0xaddr}    Account
//	/rollups             [Rollup, ...]
//	/rollup/{id}         Rollup
//	/tx/{0xhash}         TxRecord
//	/block/{height}      BlockSummary
//	/pending/{height}    [0xhash, ...]
//
// Result codes are QueryOK, QueryNotFound, QueryBadRequest and
// QueryInternal, in codespace Codespace.
const (
	QueryOK         uint32 = 0
	QueryNotFound   uint32 = 1
	QueryBadRequest uint32 = 2
	QueryInternal   uint32 = 3
)

// Query implements abci.Application. It always answers from the last
// committed state; req.Height and req.Prove are not supported (a request
// for another height is refused rather than answered from the wrong one).
func (a *App) Query(_ context.Context, req *abci.QueryRequest) (*abci.QueryResponse, error) {
	height, _ := a.LastCommit()
	res := func(code uint32, log string, v any) *abci.QueryResponse {
		r := &abci.QueryResponse{Code: code, Codespace: Codespace, Log: log, Height: height}
		if code == QueryOK {
			b, err := json.Marshal(v)
			if err != nil {
				return &abci.QueryResponse{Code: QueryInternal, Codespace: Codespace, Log: err.Error(), Height: height}
			}
			r.Value = b
		}
		return r
	}
	if req.Height != 0 && req.Height != height {
		return res(QueryBadRequest, fmt.Sprintf("only the last committed height %d can be queried", height), nil), nil
	}
	v, err := a.query(req.Path)
	switch {
	case err == nil:
		return res(QueryOK, "", v), nil
	case errors.Is(err, ErrNotFound):
		return res(QueryNotFound, err.Error(), nil), nil
	case errors.Is(err, errBadQuery):
		return res(QueryBadRequest, err.Error(), nil), nil
	default:
		return res(QueryInternal, err.Error(), nil), nil
	}
}

var errBadQuery = errors.New("ordering: bad query")

func (a *App) query(path string) (any, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	arg := func() (string, error) {
		if len(parts) != 2 || parts[1] == "" {
			return "", fmt.Errorf("%w: %q wants one argument: /%s/{arg}", errBadQuery, path, parts[0])
		}
		return parts[1], nil
	}
	num := func() (uint64, error) {
		s, err := arg()
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a decimal number", errBadQuery, s)
		}
		return n, nil
	}
	switch parts[0] {
	case "params":
		return a.Params()
	case "eon":
		if len(parts) == 1 {
			return a.CurrentEon()
		}
		id, err := num()
		if err != nil {
			return nil, err
		}
		return a.Eon(id)
	case "account":
		s, err := arg()
		if err != nil {
			return nil, err
		}
		if !common.IsHexAddress(s) {
			return nil, fmt.Errorf("%w: %q is not a hex address", errBadQuery, s)
		}
		return a.Account(common.HexToAddress(s))
	case "rollups":
		return a.Rollups()
	case "rollup":
		id, err := num()
		if err != nil {
			return nil, err
		}
		return a.Rollup(id)
	case "tx":
		s, err := arg()
		if err != nil {
			return nil, err
		}
		b, err := hexutil.Decode(s)
		if err != nil || len(b) != common.HashLength {
			return nil, fmt.Errorf("%w: %q is not a 0x-prefixed 32-byte hash", errBadQuery, s)
		}
		return a.Tx(common.BytesToHash(b))
	case "block", "pending":
		h, err := num()
		if err != nil {
			return nil, err
		}
		if h > 1<<62 {
			return nil, fmt.Errorf("%w: height %d out of range", errBadQuery, h)
		}
		if parts[0] == "block" {
			return a.Block(int64(h))
		}
		return a.PendingDecryptions(int64(h))
	}
	return nil, fmt.Errorf("%w: unknown path %q (try /params, /eon, /account/{addr}, /tx/{hash}, /block/{height})", errBadQuery, path)
}
