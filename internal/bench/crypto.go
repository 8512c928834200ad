package bench

import (
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/threshold"
)

// CryptoStep is one per-transaction cryptographic operation the devnet
// does, calibrated in process.
type CryptoStep struct {
	Name string `json:"name"`
	// Op names the operation: one of the Op* constants.
	Op string `json:"op"`
	// PerOpUS is the CPU time of one operation for one transaction, in
	// microseconds (batched operations divided by the batch size).
	PerOpUS float64 `json:"per_op_us"`
	// Count is how many times the devnet as built did it per
	// transaction, measured (ApplyWork; before that, PerMachine);
	// MinCount how many times the bound counts it (n signature
	// checks, n shares, t members' shares verified once, one key
	// verification, one aggregation, one decryption); PerMachine how
	// many times n validators and n keyholders on machines of their own
	// would do it between them (each process once: no work shared).
	Count      float64 `json:"count"`
	MinCount   int     `json:"min_count"`
	PerMachine int     `json:"per_machine"`
	// InPlaintext: the plaintext run already pays it (admission's
	// signature check), so the bound does not add it again.
	InPlaintext bool `json:"in_plaintext"`
}

// PerTxUS is the step's CPU per transaction across the devnet as built.
func (c CryptoStep) PerTxUS() float64 { return c.PerOpUS * c.Count }

// MinPerTxUS is the step's CPU per transaction in the bound.
func (c CryptoStep) MinPerTxUS() float64 { return c.PerOpUS * float64(c.MinCount) }

// The operations CalibrateCrypto times.
const (
	OpSignature    = "signature"
	OpIdentity     = "identity"
	OpKeyShare     = "key-share"
	OpVerifyShares = "verify-shares"
	OpAggregate    = "aggregate"
	OpDecrypt      = "decrypt"
	OpVerifyKeys   = "verify-keys"
)

// CalibrateCrypto times, in process CPU, the per-transaction crypto of a
// devnet of n members with threshold t whose blocks carry m envelopes.
// PerMachine (and Count, until ApplyWork sets what a run measured) is
// what n validators and n keyholders each in a process of its own do per
// envelope:
//
//   - n signature checks (every validator's CheckTx recovers the sender);
//   - 2n identity derivations (each keyholder, and each node once for
//     its share pool and key-record checks: threshold.SharedMemo);
//   - n key shares (one per keyholder);
//   - n·n share verifications (every node checks every member's batch of
//     m shares; threshold.VerifyKeyShares, per envelope);
//   - n aggregations of t shares (every node's soft decryption);
//   - n ciphertext parses and decryptions (every node, soft; the firm
//     decryption reuses the soft result);
//   - no recorded-key verification: a recorded key equal to the one the
//     node aggregated from shares it verified is accepted by comparison
//     (ordering.VerifiedKeys); a node that has not aggregated it yet
//     verifies the record in full.
//
// MinCount is the bound: n signature checks, n key shares
// (with their n identities), t share verifications, one key verification,
// one aggregation, one decryption.
//
// Each operation runs in a loop of at least minTime wall time.
func CalibrateCrypto(n, t, m int, minTime time.Duration) ([]CryptoStep, error) {
	m = max(1, min(m, 2000))
	pk, sks, err := threshold.DealKeys(rand.Reader, 1, t, n)
	if err != nil {
		return nil, err
	}
	ids := make([]threshold.Identity, m)
	for i := range ids {
		var sender [20]byte
		var prefix [32]byte
		sender[0], prefix[0], prefix[1] = byte(i), byte(i>>8), byte(i)
		ids[i] = threshold.DeriveIdentity("veil-bench", 1, sender, prefix)
	}
	shares := make(map[int][]*threshold.KeyShare, t)
	for i := 1; i <= t; i++ {
		shares[i] = sks[i-1].KeyShares(ids)
	}
	keys, err := threshold.AggregateKeys(pk, ids, shares)
	if err != nil {
		return nil, err
	}
	keyBytes := make([][]byte, len(keys))
	for j, k := range keys {
		keyBytes[j], _ = k.MarshalBinary()
	}
	header := make([]byte, 64)
	ct, err := threshold.Encrypt(rand.Reader, pk, ids[0], header, make([]byte, 256))
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(crypto.S256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	digest := crypto.Keccak256([]byte("bench"))
	sig, err := crypto.Sign(digest, key)
	if err != nil {
		return nil, err
	}

	var failed error
	check := func(err error) {
		if err != nil && failed == nil {
			failed = err
		}
	}
	steps := []struct {
		CryptoStep
		batch int
		op    func()
	}{
		{CryptoStep{Name: "signature check (secp256k1 recovery)", Op: OpSignature, PerMachine: n, MinCount: n, InPlaintext: true}, 1, func() {
			_, err := crypto.Ecrecover(digest, sig)
			check(err)
		}},
		{CryptoStep{Name: "identity derivation (hash to G1)", Op: OpIdentity, PerMachine: 2 * n, MinCount: n}, 1, func() {
			threshold.DeriveIdentity("veil-bench", 1, [20]byte{1}, [32]byte{2})
		}},
		{CryptoStep{Name: "key share generation", Op: OpKeyShare, PerMachine: n, MinCount: n}, 1, func() { sks[0].KeyShare(ids[0]) }},
		{CryptoStep{Name: fmt.Sprintf("share verification, batch of %d", m), Op: OpVerifyShares, PerMachine: n * n, MinCount: t}, m, func() {
			check(threshold.VerifyKeyShares(rand.Reader, pk, 1, ids, shares[1]))
		}},
		{CryptoStep{Name: fmt.Sprintf("aggregation, t=%d of n=%d", t, n), Op: OpAggregate, PerMachine: n, MinCount: 1}, m, func() {
			_, err := threshold.AggregateKeys(pk, ids, shares)
			check(err)
		}},
		{CryptoStep{Name: "decryption (parse U, pairing, AEAD)", Op: OpDecrypt, PerMachine: n, MinCount: 1}, 1, func() {
			c, err := threshold.ParseCiphertext(ct)
			check(err)
			if err == nil {
				_, err = c.Decrypt(keys[0], header)
				check(err)
			}
		}},
		{CryptoStep{Name: fmt.Sprintf("recorded key decoding and verification, batch of %d", m), Op: OpVerifyKeys, PerMachine: 0, MinCount: 1}, m, func() {
			parsed := make([]*threshold.DecryptionKey, len(keyBytes))
			for j, b := range keyBytes {
				var err error
				parsed[j], err = threshold.ParseDecryptionKey(b)
				check(err)
			}
			if failed == nil {
				check(threshold.VerifyDecryptionKeys(rand.Reader, pk, ids, parsed))
			}
		}},
	}
	out := make([]CryptoStep, len(steps))
	for i, s := range steps {
		s.PerOpUS = cpuPerOp(s.op, minTime).Seconds() * 1e6 / float64(s.batch)
		s.Count = float64(s.PerMachine)
		out[i] = s.CryptoStep
	}
	if failed != nil {
		return nil, fmt.Errorf("bench: calibration: %w", failed)
	}
	return out, nil
}

// cpuPerOp runs op until at least minTime of wall time and three runs
// have passed and returns the process CPU time per run.
func cpuPerOp(op func(), minTime time.Duration) time.Duration {
	op() // warm up (tables, caches)
	start, cpu0 := time.Now(), processCPU()
	runs := 0
	for runs < 3 || time.Since(start) < minTime {
		op()
		runs++
	}
	return (processCPU() - cpu0) / time.Duration(runs)
}

// ApplyWork sets each step's Count to what the devnet measured per
// envelope (w, from an encrypted step); the signature checks and key
// shares, which no process repeats, keep their count. Decryption counts
// the pairings; its parses are about as many (Work.Parses).
func ApplyWork(steps []CryptoStep, w *Work) {
	if w == nil {
		return
	}
	for i := range steps {
		switch steps[i].Op {
		case OpIdentity:
			steps[i].Count = w.Identities
		case OpVerifyShares:
			steps[i].Count = w.Shares
		case OpAggregate:
			steps[i].Count = w.Aggregations
		case OpDecrypt:
			steps[i].Count = w.Decryptions
		case OpVerifyKeys:
			steps[i].Count = w.RecordedKeys
		}
	}
}
