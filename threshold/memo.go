package threshold

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/veilseq/veil/internal/par"
)

// Memo remembers the outcomes of the package's pure, costly operations:
// identity derivation, ciphertext and key decoding, share, key and
// signature verification, aggregation and decryption. Its methods compute exactly
// what the package functions of the same names compute; a repeated call
// with the same inputs returns the remembered outcome instead of computing
// it again, and concurrent calls with the same inputs compute it once
// while the others wait.
//
// Soundness. Each entry is keyed by SHA-256 over a per-operation tag and
// an unambiguous encoding of every input the operation reads: for
// DeriveIdentity its four arguments; for the decoders the bytes; for a
// decryption the key, the header and the ciphertext bytes; for
// VerifyKeyShares the eon key, the member, and every identity and share
// (likewise for AggregateKeys and VerifyDecryptionKeys). An entry is
// therefore only ever returned for inputs equal to those that produced it
// (short of a SHA-256 collision), and those inputs determine the outcome:
// derivation, decoding, aggregation and decryption are deterministic, and
// batch verification accepts valid inputs always and invalid ones with
// probability at most 2⁻¹²⁸ per call (the remembered outcome is that of
// one call). Nothing a caller passes but the inputs themselves, such as a
// transaction hash, is trusted to name them.
//
// Where it pays. One node computes each of these once per transaction
// anyway; the memo removes the repeats inside one process: a node's share
// pool and its application deriving the same identities, and, where
// several validators and keyholders share a process (veil devnet, veil
// bench), the work each of them would do on its own machine. A validator
// on its own machine still parses and decrypts every envelope once and
// verifies every member's shares once.
//
// Memory is bounded: each operation keeps at most a fixed number of
// outcomes (NewMemo), in two generations of half that; the older is
// dropped when the newer fills.
// A nil *Memo computes everything directly. Methods are safe for
// concurrent use.
type Memo struct {
	ids    memoTable[Identity]
	cts    memoTable[parsedCiphertext]
	dec    memoTable[DecryptResult]
	shares memoTable[verified]
	agg    memoTable[aggregated]
	keys   memoTable[parsedKey]
	vkeys  memoTable[verified]
	sigs   memoTable[verified]
	off    atomic.Bool
}

type parsedCiphertext struct {
	c   *Ciphertext
	err error
}

type verified struct{ err error }

type parsedKey struct {
	k   *DecryptionKey
	err error
}

type aggregated struct {
	keys []*DecryptionKey
	err  error
}

// MemoStats counts one operation's items (identities, ciphertexts,
// decryptions, shares verified, keys aggregated) whose outcome was found
// remembered (Hits, including calls that waited for a concurrent
// computation) and those computed (Misses).
type MemoStats struct {
	Hits, Misses uint64
}

// MemoCounts is a Memo's counters per operation.
type MemoCounts struct {
	Identities, Parses, Decryptions, Shares, Aggregations MemoStats
	// Keys counts decryption keys decoded, KeyChecks keys batch-verified.
	Keys, KeyChecks MemoStats
	// Signatures counts partial and aggregate signatures verified.
	Signatures MemoStats
}

// DefaultMemoEntries is the per-operation bound of SharedMemo: at 1,000
// transactions a second, about 16 s of traffic, several times the few
// blocks between a block's commit and its firm keys. Its per-transaction
// outcomes (identities, parsed ciphertexts, plaintexts) take a few tens of
// megabytes at most.
const DefaultMemoEntries = 1 << 14

var shared = NewMemo(DefaultMemoEntries)

// SharedMemo returns the process-wide Memo. It is the package's only state;
// it holds outcomes of public computations (identities, parsed ciphertexts,
// decryptions with released keys, verification results), never secrets.
func SharedMemo() *Memo { return shared }

// NewMemo returns an empty memo keeping at most entries outcomes per
// per-item operation (identities, parses, decryptions, keys decoded,
// signatures; at least 2), and entries/64 per per-block operation (share
// and key batches, aggregations, whose outcomes hold a block's keys).
func NewMemo(entries int) *Memo {
	half := max(1, entries/2)
	blocks := max(1, entries/128)
	m := &Memo{}
	m.ids.init(half)
	m.cts.init(half)
	m.dec.init(half)
	m.shares.init(blocks)
	m.agg.init(blocks)
	m.keys.init(half)
	m.vkeys.init(blocks)
	m.sigs.init(half)
	return m
}

// SetEnabled turns remembering on or off; off, every call computes (and
// nothing is remembered), as with a nil Memo.
func (m *Memo) SetEnabled(on bool) {
	if m != nil {
		m.off.Store(!on)
	}
}

func (m *Memo) enabled() bool { return m != nil && !m.off.Load() }

// Counts returns the memo's counters.
func (m *Memo) Counts() MemoCounts {
	if m == nil {
		return MemoCounts{}
	}
	return MemoCounts{Identities: m.ids.stats(), Parses: m.cts.stats(), Decryptions: m.dec.stats(), Shares: m.shares.stats(), Aggregations: m.agg.stats(),
		Keys: m.keys.stats(), KeyChecks: m.vkeys.stats(), Signatures: m.sigs.stats()}
}

// Memo entry tags: one per operation, so equal input bytes of different
// operations never share an entry.
const (
	memoTagIdentity = "veil/memo/identity/v1"
	memoTagParse    = "veil/memo/parse/v1"
	memoTagDecrypt  = "veil/memo/decrypt/v1"
	memoTagShares   = "veil/memo/shares/v1"
	memoTagAgg      = "veil/memo/aggregate/v1"
	memoTagKey      = "veil/memo/key/v1"
	memoTagKeys     = "veil/memo/verify-keys/v1"
	memoTagSig      = "veil/memo/verify-signature/v1"
)

// memoKey hashes a tag and length-prefixed fields.
type memoKey struct{ h hash.Hash }

func newMemoKey(tag string) memoKey {
	k := memoKey{sha256.New()}
	k.field([]byte(tag))
	return k
}

func (k memoKey) field(b []byte) {
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(len(b)))
	k.h.Write(l[:])
	k.h.Write(b)
}

func (k memoKey) sum() (s [32]byte) {
	k.h.Sum(s[:0])
	return s
}

// DeriveIdentity is DeriveIdentity, remembered.
func (m *Memo) DeriveIdentity(chainID string, eon uint64, sender [20]byte, prefix [32]byte) Identity {
	if !m.enabled() {
		return DeriveIdentity(chainID, eon, sender, prefix)
	}
	k := newMemoKey(memoTagIdentity)
	k.field([]byte(chainID))
	k.field(binary.BigEndian.AppendUint64(nil, eon))
	k.field(sender[:])
	k.field(prefix[:])
	return m.ids.do(k.sum(), 1, func() Identity { return DeriveIdentity(chainID, eon, sender, prefix) })
}

// ParseCiphertext is ParseCiphertext, remembered. The returned Ciphertext
// may be shared with other callers; it is immutable.
func (m *Memo) ParseCiphertext(ct []byte) (*Ciphertext, error) {
	if !m.enabled() {
		return ParseCiphertext(ct)
	}
	k := newMemoKey(memoTagParse)
	k.field(ct)
	p := m.cts.do(k.sum(), 1, func() parsedCiphertext {
		c, err := ParseCiphertext(ct)
		return parsedCiphertext{c, err}
	})
	return p.c, p.err
}

// DecryptBatch is DecryptBatch, each item remembered. Items with neither
// a key nor ciphertext bytes (only Parsed) are keyed by the parsed
// ciphertext's bytes. Plaintexts are the caller's own copies.
func (m *Memo) DecryptBatch(items []DecryptItem) []DecryptResult {
	if !m.enabled() {
		return DecryptBatch(items)
	}
	out := make([]DecryptResult, len(items))
	par.For(len(items), func(j int) {
		it := &items[j]
		ct := it.Ciphertext
		if it.Parsed != nil {
			ct = it.Parsed.raw
		}
		if it.Key == nil {
			out[j] = DecryptBatch([]DecryptItem{*it})[0]
			return
		}
		k := newMemoKey(memoTagDecrypt)
		kb := it.Key.p.Bytes()
		k.field(kb[:])
		k.field(it.Header)
		k.field(ct)
		r := m.dec.do(k.sum(), 1, func() DecryptResult {
			c := it.Parsed
			if c == nil {
				var err error
				if c, err = m.ParseCiphertext(it.Ciphertext); err != nil {
					return DecryptResult{Err: err}
				}
			}
			pt, err := c.Decrypt(it.Key, it.Header)
			return DecryptResult{Plaintext: pt, Err: err}
		})
		if r.Plaintext != nil {
			r.Plaintext = append([]byte(nil), r.Plaintext...)
		}
		out[j] = r
	})
	return out
}

// VerifyKeyShares is VerifyKeyShares, remembered. Calls with a missing
// share are not remembered.
func (m *Memo) VerifyKeyShares(rand io.Reader, pk *EonPublicKey, member int, ids []Identity, shares []*KeyShare) error {
	if !m.enabled() || pk == nil || len(ids) != len(shares) {
		return VerifyKeyShares(rand, pk, member, ids, shares)
	}
	k := newMemoKey(memoTagShares)
	k.field(pk.encode())
	k.field(binary.BigEndian.AppendUint64(nil, uint64(member)))
	k.field(binary.BigEndian.AppendUint64(nil, uint64(len(ids))))
	for j, s := range shares {
		if s == nil {
			return VerifyKeyShares(rand, pk, member, ids, shares)
		}
		ib, sb := ids[j].p.Bytes(), s.p.Bytes()
		k.field(ib[:])
		k.field(binary.BigEndian.AppendUint64(nil, uint64(s.Index)))
		k.field(sb[:])
	}
	return m.shares.do(k.sum(), len(shares), func() verified {
		return verified{VerifyKeyShares(rand, pk, member, ids, shares)}
	}).err
}

// AggregateKeys is AggregateKeys, remembered. The returned slice is the
// caller's own; the keys in it may be shared (they are immutable).
func (m *Memo) AggregateKeys(pk *EonPublicKey, ids []Identity, shares map[int][]*KeyShare) ([]*DecryptionKey, error) {
	if !m.enabled() || pk == nil {
		return AggregateKeys(pk, ids, shares)
	}
	members := make([]int, 0, len(shares))
	for i, ss := range shares {
		if len(ss) != len(ids) || slices.Contains(ss, nil) {
			return AggregateKeys(pk, ids, shares)
		}
		members = append(members, i)
	}
	slices.Sort(members)
	k := newMemoKey(memoTagAgg)
	k.field(pk.encode())
	k.field(binary.BigEndian.AppendUint64(nil, uint64(len(ids))))
	for _, id := range ids {
		b := id.p.Bytes()
		k.field(b[:])
	}
	for _, i := range members {
		k.field(binary.BigEndian.AppendUint64(nil, uint64(i)))
		for _, s := range shares[i] {
			b := s.p.Bytes()
			k.field(binary.BigEndian.AppendUint64(nil, uint64(s.Index)))
			k.field(b[:])
		}
	}
	r := m.agg.do(k.sum(), len(ids), func() aggregated {
		keys, err := AggregateKeys(pk, ids, shares)
		return aggregated{keys, err}
	})
	return slices.Clone(r.keys), r.err
}

// ParseDecryptionKey is ParseDecryptionKey, remembered.
func (m *Memo) ParseDecryptionKey(b []byte) (*DecryptionKey, error) {
	if !m.enabled() {
		return ParseDecryptionKey(b)
	}
	k := newMemoKey(memoTagKey)
	k.field(b)
	r := m.keys.do(k.sum(), 1, func() parsedKey {
		key, err := ParseDecryptionKey(b)
		return parsedKey{key, err}
	})
	return r.k, r.err
}

// VerifyDecryptionKeys is VerifyDecryptionKeys, remembered. Calls with a
// missing key are not remembered.
func (m *Memo) VerifyDecryptionKeys(rand io.Reader, pk *EonPublicKey, ids []Identity, keys []*DecryptionKey) error {
	if !m.enabled() || pk == nil || len(ids) != len(keys) || slices.Contains(keys, nil) {
		return VerifyDecryptionKeys(rand, pk, ids, keys)
	}
	k := newMemoKey(memoTagKeys)
	k.field(pk.encode())
	k.field(binary.BigEndian.AppendUint64(nil, uint64(len(ids))))
	for j, key := range keys {
		ib, kb := ids[j].p.Bytes(), key.p.Bytes()
		k.field(ib[:])
		k.field(kb[:])
	}
	return m.vkeys.do(k.sum(), len(keys), func() verified {
		return verified{VerifyDecryptionKeys(rand, pk, ids, keys)}
	}).err
}

// VerifyPartial is VerifyPartial, remembered.
func (m *Memo) VerifyPartial(pk *EonPublicKey, msg []byte, ps *PartialSignature) error {
	if !m.enabled() || pk == nil || ps == nil {
		return VerifyPartial(pk, msg, ps)
	}
	pb := ps.p.Bytes()
	return m.verifySig(pk, msg, uint64(ps.Index), pb[:], func() error { return VerifyPartial(pk, msg, ps) })
}

// VerifySignature is VerifySignature, remembered.
func (m *Memo) VerifySignature(pk *EonPublicKey, msg []byte, sig *Signature) error {
	if !m.enabled() || pk == nil || sig == nil {
		return VerifySignature(pk, msg, sig)
	}
	sb := sig.p.Bytes()
	return m.verifySig(pk, msg, 0, sb[:], func() error { return VerifySignature(pk, msg, sig) })
}

// verifySig remembers a signature check keyed by the eon key, the
// message, the signer (a member index, 0 for the committee) and the
// signature.
func (m *Memo) verifySig(pk *EonPublicKey, msg []byte, signer uint64, sig []byte, f func() error) error {
	k := newMemoKey(memoTagSig)
	k.field(pk.encode())
	k.field(msg)
	k.field(binary.BigEndian.AppendUint64(nil, signer))
	k.field(sig)
	return m.sigs.do(k.sum(), 1, func() verified { return verified{f()} }).err
}

// memoTable is one operation's remembered outcomes: two generations of at
// most half entries each, and the computations in flight.
type memoTable[V any] struct {
	mu           sync.Mutex
	half         int
	cur, old     map[[32]byte]*memoEntry[V]
	hits, misses atomic.Uint64
}

type memoEntry[V any] struct {
	done chan struct{} // closed once v is set or the computation failed
	v    V
	ok   bool
}

func (t *memoTable[V]) init(half int) {
	t.half = half
	t.cur = make(map[[32]byte]*memoEntry[V])
}

func (t *memoTable[V]) stats() MemoStats {
	return MemoStats{Hits: t.hits.Load(), Misses: t.misses.Load()}
}

// do returns the outcome remembered under k (n items, for the counters), waiting for a computation in
// flight, or computes it with f and remembers it. If the computation
// panics, the entry is dropped and waiters compute for themselves.
func (t *memoTable[V]) do(k [32]byte, n int, f func() V) V {
	t.mu.Lock()
	e := t.cur[k]
	if e == nil {
		if e = t.old[k]; e != nil {
			t.putLocked(k, e)
		}
	}
	if e != nil {
		t.mu.Unlock()
		<-e.done
		if e.ok {
			t.hits.Add(uint64(n))
			return e.v
		}
		return f()
	}
	e = &memoEntry[V]{done: make(chan struct{})}
	t.putLocked(k, e)
	t.mu.Unlock()
	t.misses.Add(uint64(n))
	defer func() {
		if !e.ok {
			t.mu.Lock()
			if t.cur[k] == e {
				delete(t.cur, k)
			}
			if t.old[k] == e {
				delete(t.old, k)
			}
			t.mu.Unlock()
		}
		close(e.done)
	}()
	e.v = f()
	e.ok = true
	return e.v
}

// putLocked adds e to the newer generation, retiring it when full.
func (t *memoTable[V]) putLocked(k [32]byte, e *memoEntry[V]) {
	t.cur[k] = e
	if len(t.cur) >= t.half {
		t.old, t.cur = t.cur, make(map[[32]byte]*memoEntry[V], t.half)
	}
}
