package mempool

import (
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/threshold"
)

// BenchmarkEcrecover is the bound for admission: the one secp256k1 public
// key recovery an envelope's signature costs.
func BenchmarkEcrecover(b *testing.B) {
	e := newSealer(b).seal(testKey(b, 1), 0, 10)
	h := e.SigningHash()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := crypto.Ecrecover(h[:], e.Signature[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateless measures the full stateless admission of a fresh
// envelope (decode, ciphertext format, signature): compare with
// BenchmarkEcrecover.
func BenchmarkStateless(b *testing.B) {
	s := newSealer(b)
	const distinct = 512
	txs := make([][]byte, distinct)
	for i := range txs {
		txs[i] = s.seal(testKey(b, uint64(i)), 0, 10).Encode()
	}
	c := NewChecker(CheckerConfig{CacheSize: 1}) // every check misses
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Stateless(txs[i%distinct]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkStatelessCached is the re-check after a block: the same bytes
// again, answered from the cache.
func BenchmarkStatelessCached(b *testing.B) {
	tx := newSealer(b).seal(testKey(b, 1), 0, 10).Encode()
	c := NewChecker(CheckerConfig{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Stateless(tx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCiphertext is what checking U's curve and subgroup
// membership at admission would add per envelope per node.
func BenchmarkParseCiphertext(b *testing.B) {
	e := newSealer(b).seal(testKey(b, 1), 0, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := threshold.ParseCiphertext(e.Ciphertext); err != nil {
			b.Fatal(err)
		}
	}
}
