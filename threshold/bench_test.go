package threshold_test

import (
	"fmt"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/veilseq/veil/threshold"
)

// The benchmarks measure the costs DESIGN.md bounds against one pairing;
// BENCHMARKS.md reports their ratios to BenchmarkPairing.

// BenchmarkPairing is the bound: one full BLS12-381 pairing with variable
// arguments (gnark-crypto's Miller loop and final exponentiation).
func BenchmarkPairing(b *testing.B) {
	pk, sks := deal(b, "bench", 1, 1, 1)
	id := testIdentities(1, 1)[0]
	ks := sks[0].KeyShare(id)
	ksb, _ := ks.MarshalBinary()
	ct, _ := threshold.Encrypt(seeded("ct"), pk, id, nil, nil)
	var p bls12381.G1Affine
	var q bls12381.G2Affine
	if _, err := p.SetBytes(ksb[3:]); err != nil {
		b.Fatal(err)
	}
	if _, err := q.SetBytes(ct[1:97]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bls12381.Pair([]bls12381.G1Affine{p}, []bls12381.G2Affine{q}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchTx is one encrypted 256-byte transaction with its key.
func benchTx(b *testing.B) (ct []byte, key *threshold.DecryptionKey, header []byte) {
	pk, sks := deal(b, "bench", 1, 1, 1)
	id := testIdentities(1, 1)[0]
	header = make([]byte, 64)
	ct, err := threshold.Encrypt(seeded("ct"), pk, id, header, make([]byte, 256))
	if err != nil {
		b.Fatal(err)
	}
	keys, err := threshold.AggregateKeys(pk, []threshold.Identity{id}, sharesOf(sks, []threshold.Identity{id}, 1))
	if err != nil {
		b.Fatal(err)
	}
	return ct, keys[0], header
}

// BenchmarkDecrypt decrypts one 256-byte transaction. "bytes" includes
// parsing the ciphertext (decompressing U and checking its subgroup);
// "parsed" is what remains once the ciphertext was parsed ahead of the
// key's release: one pairing, HKDF and ChaCha20-Poly1305.
func BenchmarkDecrypt(b *testing.B) {
	ct, key, header := benchTx(b)
	b.Run("bytes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := threshold.Decrypt(key, ct, header); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parsed", func(b *testing.B) {
		c, err := threshold.ParseCiphertext(ct)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Decrypt(key, header); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseCiphertext is the part of decryption that does not need the
// key.
func BenchmarkParseCiphertext(b *testing.B) {
	ct, _, _ := benchTx(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := threshold.ParseCiphertext(ct); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptBatch decrypts 64 transactions across GOMAXPROCS; ns/op is
// per transaction.
func BenchmarkDecryptBatch(b *testing.B) {
	ct, key, header := benchTx(b)
	items := make([]threshold.DecryptItem, 64)
	for j := range items {
		items[j] = threshold.DecryptItem{Key: key, Ciphertext: ct, Header: header}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range threshold.DecryptBatch(items) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/tx")
}

// BenchmarkEncrypt encrypts one 256-byte transaction with a reused
// Encrypter (P's lines precomputed) and reports the ciphertext overhead.
func BenchmarkEncrypt(b *testing.B) {
	pk, _ := deal(b, "bench", 1, 1, 1)
	id := testIdentities(1, 1)[0]
	enc := threshold.NewEncrypter(pk)
	header, pt := make([]byte, 64), make([]byte, 256)
	rand := seeded("encrypt")
	b.ReportAllocs()
	var ct []byte
	for b.Loop() {
		var err error
		if ct, err = enc.Encrypt(rand, id, header, pt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ct)-len(pt)), "overhead-B")
}

// BenchmarkDeriveIdentity is hash-to-G1 of the identity encoding (done by
// the wallet and by every node for every transaction).
func BenchmarkDeriveIdentity(b *testing.B) {
	var sender [20]byte
	var prefix [32]byte
	b.ReportAllocs()
	for b.Loop() {
		threshold.DeriveIdentity("veil-bench", 1, sender, prefix)
	}
}

// BenchmarkKeyShare is one member's share for one transaction.
func BenchmarkKeyShare(b *testing.B) {
	_, sks := deal(b, "bench", 1, 1, 1)
	id := testIdentities(1, 1)[0]
	b.ReportAllocs()
	for b.Loop() {
		sks[0].KeyShare(id)
	}
}

// BenchmarkParseKeyShare is decoding one received share (G1 decompression
// and subgroup check).
func BenchmarkParseKeyShare(b *testing.B) {
	_, sks := deal(b, "bench", 1, 1, 1)
	enc, _ := sks[0].KeyShare(testIdentities(1, 1)[0]).MarshalBinary()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := threshold.ParseKeyShare(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyKeyShares verifies one member's shares for a block of m
// transactions in one batch; ns/tx is per transaction.
func BenchmarkVerifyKeyShares(b *testing.B) {
	pk, sks := deal(b, "bench", 1, 1, 1)
	for _, m := range []int{100, 1000} {
		b.Run(fmt.Sprintf("m=%d", m), func(b *testing.B) {
			ids := testIdentities(1, m)
			shares := sks[0].KeyShares(ids)
			rand := seeded("verify")
			b.ReportAllocs()
			for b.Loop() {
				if err := threshold.VerifyKeyShares(rand, pk, 1, ids, shares); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*m), "ns/tx")
		})
	}
}

// BenchmarkAggregateKeys interpolates the keys of a 64-transaction block
// from t members' shares, for committees of n with t = DefaultThreshold(n);
// ns/tx is per transaction (keys are computed on all cores). "consecutive"
// uses members 1..t, the common case when the whole committee responds;
// "gaps" skips every third member, which makes the Lagrange coefficients
// longer.
func BenchmarkAggregateKeys(b *testing.B) {
	const m = 64
	ids := testIdentities(1, m)
	for _, n := range []int{4, 16, 64} {
		t := threshold.DefaultThreshold(n)
		pk, sks := deal(b, "bench", 1, t, n)
		consecutive := make([]int, 0, t)
		gaps := make([]int, 0, t)
		for i := 1; i <= n; i++ {
			if len(consecutive) < t {
				consecutive = append(consecutive, i)
			}
			if i%3 != 0 && len(gaps) < t {
				gaps = append(gaps, i)
			}
		}
		for _, set := range []struct {
			name    string
			members []int
		}{{"consecutive", consecutive}, {"gaps", gaps}} {
			b.Run(fmt.Sprintf("t=%d/%s", t, set.name), func(b *testing.B) {
				shares := sharesOf(sks, ids, set.members...)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := threshold.AggregateKeys(pk, ids, shares); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*m), "ns/tx")
			})
		}
	}
}

// BenchmarkVerifyDecryptionKeys verifies a 1000-transaction block's keys
// against the eon key; ns/tx is per transaction.
func BenchmarkVerifyDecryptionKeys(b *testing.B) {
	const m = 1000
	pk, sks := deal(b, "bench", 1, 1, 1)
	ids := testIdentities(1, m)
	keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 1))
	if err != nil {
		b.Fatal(err)
	}
	rand := seeded("verify")
	b.ReportAllocs()
	for b.Loop() {
		if err := threshold.VerifyDecryptionKeys(rand, pk, ids, keys); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*m), "ns/tx")
}

// BenchmarkSign covers the committee's batch-root signature.
func BenchmarkSign(b *testing.B) {
	pk, sks := deal(b, "bench", 1, 3, 4)
	msg := []byte("batch root")
	partials := make([]*threshold.PartialSignature, len(sks))
	for i, sk := range sks {
		partials[i] = sk.SignPartial(msg)
	}
	sig, _ := threshold.AggregateSignatures(pk, partials)
	b.Run("partial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sks[0].SignPartial(msg)
		}
	})
	b.Run("verify-partial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := threshold.VerifyPartial(pk, msg, partials[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("aggregate-t=3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := threshold.AggregateSignatures(pk, partials); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := threshold.VerifySignature(pk, msg, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseEonPublicKey decodes and validates an eon key of n members
// (n+1 G2 decompressions and subgroup checks, and one consistency MSM).
func BenchmarkParseEonPublicKey(b *testing.B) {
	for _, n := range []int{4, 64} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			pk, _ := deal(b, "bench", 1, threshold.DefaultThreshold(n), n)
			enc, _ := pk.MarshalBinary()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := threshold.ParseEonPublicKey(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
