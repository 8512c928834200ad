package ordering

import (
	"encoding/binary"
	"fmt"
	"slices"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/crypto/merkle"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
	"github.com/veilseq/veil/rollupfeed"
)

// getter reads one state key; a missing key reads as nil.
type getter interface {
	get(key []byte) ([]byte, error)
}

type dbGetter struct{ db dbm.DB }

func (g dbGetter) get(k []byte) ([]byte, error) { return g.db.Get(k) }

type change struct {
	val []byte
	del bool
}

// overlay buffers the writes of one state transition (genesis or a block)
// over the state it starts from. Reads see the buffered writes first.
type overlay struct {
	base   getter
	writes map[string]change
}

func newOverlay(base getter) *overlay {
	return &overlay{base: base, writes: make(map[string]change)}
}

func (o *overlay) get(k []byte) ([]byte, error) {
	if c, ok := o.writes[string(k)]; ok {
		if c.del {
			return nil, nil
		}
		return c.val, nil
	}
	return o.base.get(k)
}

func (o *overlay) set(k, v []byte) { o.writes[string(k)] = change{val: v} }

// sortedKeys returns the written keys in byte order.
func (o *overlay) sortedKeys() []string {
	keys := make([]string, 0, len(o.writes))
	for k := range o.writes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// changesRoot is the Merkle root (RFC 6962, CometBFT's crypto/merkle) of
// the transition's writes to hashed tables, in key order. Each leaf is
//
//	uvarint(len(key)) ‖ key ‖ 0x00                  (deleted)
//	uvarint(len(key)) ‖ key ‖ 0x01 ‖ value          (set)
//
// so a leaf names exactly one key and its new value.
func (o *overlay) changesRoot() []byte {
	keys := o.sortedKeys()
	leaves := make([][]byte, 0, len(keys))
	for _, k := range keys {
		if !hashed([]byte(k)) {
			continue
		}
		c := o.writes[k]
		leaf := binary.AppendUvarint(make([]byte, 0, len(k)+len(c.val)+4), uint64(len(k)))
		leaf = append(leaf, k...)
		if c.del {
			leaf = append(leaf, 0)
		} else {
			leaf = append(append(leaf, 1), c.val...)
		}
		leaves = append(leaves, leaf)
	}
	return merkle.HashFromByteSlices(leaves)
}

// writeTo adds the writes to a database batch in key order.
func (o *overlay) writeTo(b dbm.Batch) error {
	for _, k := range o.sortedKeys() {
		c := o.writes[k]
		var err error
		if c.del {
			err = b.Delete([]byte(k))
		} else {
			err = b.Set([]byte(k), c.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// appHash chains one state transition onto the previous app hash
// (rollupfeed.AppHash):
//
//	AppHash(h) = SHA-256("veil/app-hash/v2\x00" ‖ AppHash(h−1) ‖ u64(h) ‖ changesRoot(h) ‖ firmRoots(h))
//
// with AppHash before genesis = 32 zero bytes and h = initial height − 1
// for genesis itself, and firmRoots(h) the hash of the batch roots block h
// recorded (rollupfeed.FirmRootsHash; none at genesis). By induction
// AppHash(h) commits to every write since genesis, so two nodes with equal
// app hashes hold equal state. It costs O(writes) per block, not
// O(state); the price is that it proves a key's value only together with
// the write history (a full state tree can replace it when light clients
// need key proofs). The batch roots are a separate term so that a light
// client checks one against a signed header with 96 bytes of proof
// (rollupfeed.FirmProof) instead of a path into the write set.
func appHash(prev []byte, height int64, changesRoot []byte, roots []rollupfeed.FirmRoot) []byte {
	return rollupfeed.AppHash(prev, height, changesRoot, roots)
}

// Reads of typed records. A missing record reads as its zero value (with
// ok false where absence matters).

func loadChain(g getter) (chainRecord, bool, error) {
	b, err := g.get(keyTag(tagChain))
	if err != nil || b == nil {
		return chainRecord{}, false, err
	}
	c, err := decodeChain(b)
	return c, err == nil, err
}

func loadParams(g getter) (Params, error) {
	b, err := g.get(keyTag(tagParams))
	if err != nil {
		return Params{}, err
	}
	if b == nil {
		return Params{}, fmt.Errorf("%w: params missing", errCorrupt)
	}
	return decodeParams(b)
}

func loadAccount(g getter, a common.Address) (Account, error) {
	b, err := g.get(keyAccount(a))
	if err != nil || b == nil {
		return Account{}, err
	}
	return decodeAccount(b)
}

func loadEon(g getter, id uint64) (Eon, bool, error) {
	b, err := g.get(keyU64(tagEon, id))
	if err != nil || b == nil {
		return Eon{}, false, err
	}
	e, err := decodeEon(id, b)
	return e, err == nil, err
}

func loadRollup(g getter, id uint64) (Rollup, bool, error) {
	b, err := g.get(keyU64(tagRollup, id))
	if err != nil || b == nil {
		return Rollup{}, false, err
	}
	r, err := decodeRollup(id, b)
	return r, err == nil, err
}

func loadTx(g getter, h common.Hash) (TxRecord, bool, error) {
	b, err := g.get(keyTx(h))
	if err != nil || b == nil {
		return TxRecord{}, false, err
	}
	r, err := decodeTxRecord(h, b)
	return r, err == nil, err
}

func loadU64(g getter, key []byte, what string) (uint64, error) {
	b, err := g.get(key)
	if err != nil || b == nil {
		return 0, err
	}
	return decodeU64(what, b)
}

func loadPending(g getter, height int64) ([]common.Hash, error) {
	b, err := g.get(keyU64(tagPending, uint64(height)))
	if err != nil || b == nil {
		return nil, err
	}
	if len(b)%32 != 0 {
		return nil, fmt.Errorf("%w: pending decryptions at %d", errCorrupt, height)
	}
	return decodeHashes(b), nil
}

func loadMeta(g getter) (meta, error) {
	b, err := g.get(keyTag(tagMeta))
	if err != nil || b == nil {
		return meta{}, err
	}
	return decodeMeta(b)
}

// view is the state a block's envelopes are checked against: the state
// after height, for inclusion at height+1. It implements mempool.State.
// The interface has no error results, so the first read error is kept in
// err and reads after it return zero values; callers check err before
// trusting a verdict.
type view struct {
	g      getter
	height int64
	chain  chainRecord
	params Params
	eons   map[uint64]Eon
	err    error
}

var _ mempool.State = (*view)(nil)

func newView(g getter, height int64, chain chainRecord, params Params) *view {
	return &view{g: g, height: height, chain: chain, params: params, eons: make(map[uint64]Eon)}
}

func (v *view) fail(err error) {
	if v.err == nil && err != nil {
		v.err = err
	}
}

func (v *view) ChainID() string { return v.chain.ChainID }

func (v *view) Height() int64 { return v.height }

func (v *view) Account(addr common.Address) (balance, nonce uint64) {
	if v.err != nil {
		return 0, 0
	}
	a, err := loadAccount(v.g, addr)
	v.fail(err)
	return a.Balance, a.Nonce
}

func (v *view) EonStatus(id uint64) mempool.EonStatus {
	if v.err != nil {
		return mempool.EonUnknown
	}
	e, ok := v.eons[id]
	if !ok {
		var found bool
		var err error
		e, found, err = loadEon(v.g, id)
		if v.fail(err); err != nil || !found {
			return mempool.EonUnknown
		}
		v.eons[id] = e
	}
	st := e.statusAt(v.height + 1)
	if st == mempool.EonActive && v.successorCurrent(id) {
		return mempool.EonRetired
	}
	return st
}

// successorCurrent reports whether eon id+1 is current at the next
// height: then eon id is retired, even before the activating block
// writes so (eons.go).
func (v *view) successorCurrent(id uint64) bool {
	next, ok := v.eons[id+1]
	if !ok {
		var found bool
		var err error
		next, found, err = loadEon(v.g, id+1)
		if v.fail(err); err != nil || !found {
			return false
		}
		v.eons[id+1] = next
	}
	return next.ActivationHeight <= v.height+1
}

// CurrentEon implements mempool.CurrentEoner: the eon current at the
// next height, which a rejection for a retired eon names.
func (v *view) CurrentEon() uint64 {
	if v.err != nil {
		return 0
	}
	e, err := currentEonAt(v.g, v.height+1)
	v.fail(err)
	return e.ID
}

func (v *view) RollupRegistered(id uint64) bool {
	if v.err != nil {
		return false
	}
	_, ok, err := loadRollup(v.g, id)
	v.fail(err)
	return ok
}

func (v *view) Rules() mempool.Rules {
	return mempool.Rules{MinFee: v.params.MinFee, MaxExpiryWindow: v.params.ExpiryWindow}
}

func (v *view) IdentityUsed(id mempool.IdentityKey) bool {
	if v.err != nil {
		return false
	}
	b, err := v.g.get(keyIdentity(id))
	v.fail(err)
	return b != nil
}
