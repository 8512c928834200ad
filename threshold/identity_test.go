package threshold_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"go.dedis.ch/kyber/v4"

	"github.com/veilseq/veil/threshold"
)

// identityMessage is the identity encoding DeriveIdentity documents.
func identityMessage(chainID string, eon uint64, sender [20]byte, prefix [32]byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, uint64(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, eon)
	b = append(b, sender[:]...)
	return append(b, prefix[:]...)
}

func hashG1(tb testing.TB, msg []byte, dst string) bls12381.G1Affine {
	p, err := bls12381.HashToG1(msg, []byte(dst))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestDeriveIdentity(t *testing.T) {
	sender := [20]byte{1, 2, 3}
	prefix := [32]byte{4, 5, 6}
	id := threshold.DeriveIdentity("veil-1", 7, sender, prefix)
	want := hashG1(t, identityMessage("veil-1", 7, sender, prefix), threshold.IdentityDST)
	if wb := want.Bytes(); !bytes.Equal(id.Bytes(), wb[:]) {
		t.Fatal("identity is not HashToG1(IdentityDST, encoding)")
	}
	// Every field changes the identity; the length prefix keeps chain IDs
	// from running into the eon.
	other := []threshold.Identity{
		threshold.DeriveIdentity("veil-2", 7, sender, prefix),
		threshold.DeriveIdentity("veil-1", 8, sender, prefix),
		threshold.DeriveIdentity("veil-1", 7, [20]byte{1, 2, 4}, prefix),
		threshold.DeriveIdentity("veil-1", 7, sender, [32]byte{4, 5, 7}),
		threshold.DeriveIdentity("veil-1\x00", 7, sender, prefix),
	}
	for i, o := range other {
		if o.Equal(id) {
			t.Errorf("variant %d gives the same identity", i)
		}
	}
	parsed, err := threshold.ParseIdentity(id.Bytes())
	if err != nil || !parsed.Equal(id) {
		t.Fatalf("round trip: %v", err)
	}
	if len(id.Bytes()) != threshold.IdentitySize {
		t.Fatal("size")
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"truncated", id.Bytes()[:47], threshold.ErrMalformed},
		{"infinity", infinityG1(), threshold.ErrInvalidPoint},
		{"not on curve", patch(id.Bytes(), 47, id.Bytes()[47]^1), threshold.ErrInvalidPoint},
		{"not in subgroup", notInG1(t), threshold.ErrInvalidPoint},
		{"uncompressed flag", patch(id.Bytes(), 0, id.Bytes()[0]&^0x80), threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := threshold.ParseIdentity(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	pk, _ := deal(t, t.Name(), 7, 1, 1)
	if _, err := threshold.Encrypt(seeded("x"), pk, threshold.Identity{}, nil, nil); !errors.Is(err, threshold.ErrInvalidPoint) {
		t.Fatalf("encrypting to the zero identity: %v", err)
	}
}

// TestHashToCurveRFC9380 pins the hash to RFC 9380's
// BLS12381G1_XMD:SHA-256_SSWU_RO_ suite (Appendix J.9.1 vectors), the one
// L1 contracts reproduce with EIP-2537, and checks that kyber's Hash2 is the
// same function.
func TestHashToCurveRFC9380(t *testing.T) {
	const dst = "QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
	for _, tc := range []struct{ msg, x, y string }{
		{"", "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1", "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265"},
		{"abc", "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903", "0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6b88176c229f2885d"},
	} {
		p := hashG1(t, []byte(tc.msg), dst)
		raw := p.RawBytes()
		if got := hex.EncodeToString(raw[:48]); got != tc.x {
			t.Errorf("msg %q: x = %s", tc.msg, got)
		}
		if got := hex.EncodeToString(raw[48:]); got != tc.y {
			t.Errorf("msg %q: y = %s", tc.msg, got)
		}
	}
	for _, dst := range []string{threshold.IdentityDST, threshold.SignatureDST} {
		msg := []byte("kyber and gnark agree")
		h, ok := threshold.Suite().G1().Point().(interface {
			Hash2(msg, dst []byte) kyber.Point
		})
		if !ok {
			t.Fatal("kyber G1 point has no Hash2")
		}
		kb, err := h.Hash2(msg, []byte(dst)).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		want := hashG1(t, msg, dst)
		if wb := want.Bytes(); !bytes.Equal(kb, wb[:]) {
			t.Errorf("kyber Hash2 differs from RFC 9380 hash_to_curve for %s", dst)
		}
	}
}

// notInG1 returns the compressed encoding of a point on the curve outside
// the prime-order subgroup.
func notInG1(tb testing.TB) []byte {
	tb.Helper()
	var four fp.Element
	four.SetUint64(4)
	for x := uint64(1); ; x++ {
		var p bls12381.G1Affine
		p.X.SetUint64(x)
		var rhs fp.Element
		rhs.Square(&p.X).Mul(&rhs, &p.X).Add(&rhs, &four)
		if p.Y.Sqrt(&rhs) == nil {
			continue
		}
		if !p.IsOnCurve() {
			tb.Fatal("constructed point is off the curve")
		}
		if p.IsInSubGroup() {
			continue
		}
		b := p.Bytes()
		return b[:]
	}
}

// notInG2 is notInG1 for G2 (y² = x³ + 4(1+u)).
func notInG2(tb testing.TB) []byte {
	tb.Helper()
	var b2 bls12381.E2
	b2.A0.SetUint64(4)
	b2.A1.SetUint64(4)
	for x := uint64(1); ; x++ {
		var p bls12381.G2Affine
		p.X.A0.SetUint64(x)
		var rhs bls12381.E2
		rhs.Square(&p.X).Mul(&rhs, &p.X).Add(&rhs, &b2)
		if rhs.Legendre() != 1 {
			continue
		}
		p.Y.Sqrt(&rhs)
		if !p.IsOnCurve() {
			tb.Fatal("constructed point is off the curve")
		}
		if p.IsInSubGroup() {
			continue
		}
		b := p.Bytes()
		return b[:]
	}
}

// TestSignatureNeverEqualsDecryptionKey: a signature is s·H_sig(m) and a
// decryption key s·H_id(x) with s ≠ 0 in a group of prime order, so they are
// equal exactly when H_sig(m) = H_id(x). The two hashes are RFC 9380
// hash_to_curve under different DSTs, i.e. expand_message_xmd with
// different DST_prime suffixes, so they are independent random oracles and
// a collision takes about 2¹²⁷ work. The test checks the distinct tags, the
// adversarially closest messages (signing an identity's exact preimage or
// its encoding), and random pairs.
func TestSignatureNeverEqualsDecryptionKey(t *testing.T) {
	if threshold.IdentityDST == threshold.SignatureDST {
		t.Fatal("identity and signature tags are equal")
	}
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 1, 2, 3)
	keyOf := func(id threshold.Identity) []byte {
		ids := []threshold.Identity{id}
		keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := keys[0].MarshalBinary()
		return b[1:] // the 48-byte point, as a signature encodes it
	}
	sign := func(msg []byte) *threshold.Signature {
		sig, err := threshold.AggregateSignatures(pk, []*threshold.PartialSignature{sks[0].SignPartial(msg), sks[2].SignPartial(msg)})
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	sigs := map[string]bool{}
	keys := map[string]bool{}
	for i := range 24 {
		var sender [20]byte
		var prefix [32]byte
		_, _ = rand.Read(sender[:])
		_, _ = rand.Read(prefix[:])
		chain := fmt.Sprintf("chain-%d", i)
		preimage := identityMessage(chain, uint64(i), sender, prefix)
		id := threshold.DeriveIdentity(chain, uint64(i), sender, prefix)
		key := keyOf(id)
		keys[string(key)] = true
		for _, msg := range [][]byte{preimage, id.Bytes(), key} {
			sig := sign(msg)
			sb, _ := sig.MarshalBinary()
			if bytes.Equal(sb, key) {
				t.Fatalf("signature on %x equals a decryption key", msg)
			}
			sigs[string(sb)] = true
		}
		// The key, presented as a signature on the identity's preimage,
		// does not verify.
		forged, err := threshold.ParseSignature(key)
		if err != nil {
			t.Fatal(err)
		}
		if err := threshold.VerifySignature(pk, preimage, forged); !errors.Is(err, threshold.ErrInvalidSignature) {
			t.Fatalf("decryption key verifies as a signature: %v", err)
		}
	}
	for s := range sigs {
		if keys[s] {
			t.Fatal("a signature equals a decryption key")
		}
	}
	// The underlying hash points are disjoint on random inputs too.
	hashes := map[string]bool{}
	for i := range 64 {
		msg := make([]byte, i)
		_, _ = rand.Read(msg)
		a := hashG1(t, msg, threshold.SignatureDST)
		b := hashG1(t, msg, threshold.IdentityDST)
		ab, bb := a.Bytes(), b.Bytes()
		hashes["s"+string(ab[:])] = true
		if hashes["i"+string(ab[:])] || hashes["s"+string(bb[:])] || bytes.Equal(ab[:], bb[:]) {
			t.Fatal("hash collision across tags")
		}
		hashes["i"+string(bb[:])] = true
	}
}
