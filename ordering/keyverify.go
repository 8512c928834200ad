package ordering

import (
	"bytes"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/threshold"
)

// VerifiedKeys is implemented by a KeySource whose keys were aggregated
// from members' key shares the node verified itself (the decrypt
// package's share pool). A recorded key whose encoding equals such a key
// is known to be valid, so the key-record checks of PrepareProposal,
// ProcessProposal and FinalizeBlock accept it without decoding it (a G1
// decompression and subgroup check per key), deriving identities or
// running the batch verification. The outcome is the one verification
// gives: a valid key always verifies, and only valid keys match.
type VerifiedKeys interface {
	// VerifiedKey returns the key this node aggregated, from shares it
	// verified against the identity of the envelope with hash h, and the
	// key's encoding.
	VerifiedKey(h common.Hash) (key *threshold.DecryptionKey, encoded []byte, ok bool)
}

// knownKeyRecord checks a decryption-key record against the keys this
// node verified: ok when the record is well formed, names a block awaiting
// keys, and every key's encoding equals the node's verified key of that
// envelope. Otherwise ok is false and the caller verifies the record in
// full (checkKeyRecord), which also reports what is wrong with it.
func (a *App) knownKeyRecord(g getter, tx []byte) (rec KeyRecord, pending []PendingTx, ok bool, err error) {
	src := a.keys.source.Load()
	if src == nil {
		return KeyRecord{}, nil, false, nil
	}
	known, isKnown := (*src).(VerifiedKeys)
	if !isKnown {
		return KeyRecord{}, nil, false, nil
	}
	h, rest, err := splitKeyRecord(tx)
	if err != nil {
		return KeyRecord{}, nil, false, nil
	}
	n := len(rest) / encodedKeySize
	pending, err = loadPendingEnvelopes(g, h)
	if err != nil {
		return KeyRecord{}, nil, false, fmt.Errorf("%w: %v", ErrInternal, err)
	}
	if len(pending) == 0 || len(pending) != n {
		return KeyRecord{}, nil, false, nil
	}
	rec = KeyRecord{Height: h, Keys: make([]*threshold.DecryptionKey, n)}
	for j, p := range pending {
		k, enc, found := known.VerifiedKey(p.Hash)
		if !found || !bytes.Equal(enc, rest[encodedKeySize*j:encodedKeySize*(j+1)]) {
			return KeyRecord{}, nil, false, nil
		}
		rec.Keys[j] = k
	}
	a.keys.knownKeys.Add(uint64(n))
	return rec, pending, true, nil
}

// splitKeyRecord checks a SysTxDecryptionKeys transaction's structure and
// returns the height it names and its keys' encodings (n × 49 bytes, n ≥ 1).
func splitKeyRecord(b []byte) (height int64, keys []byte, err error) {
	h, n, rest, err := parseHeightRecord(b, SysTxDecryptionKeys, ErrKeyRecord)
	if err != nil {
		return 0, nil, err
	}
	if n == 0 || uint64(len(rest)) != uint64(n)*encodedKeySize {
		return 0, nil, fmt.Errorf("%w: %d keys in %d bytes", ErrKeyRecord, n, len(rest))
	}
	return h, rest, nil
}

// KeyRecordChecks counts the keys of the decryption-key records this node
// has checked since it started: Known accepted by comparison with keys it
// verified itself, Verified decoded and batch-verified in full. A record
// is checked by its proposer's PrepareProposal and by every node's
// ProcessProposal and FinalizeBlock.
type KeyRecordChecks struct {
	Known, Verified uint64
}

// KeyRecordChecks returns the node's key-record check counters.
func (a *App) KeyRecordChecks() KeyRecordChecks {
	return KeyRecordChecks{Known: a.keys.knownKeys.Load(), Verified: a.keys.verifiedKeys.Load()}
}
