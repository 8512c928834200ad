package threshold

import (
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
)

// EIP-2537 encodings, the uncompressed big-endian form the Ethereum BLS12-381
// precompiles take: a base-field element is 64 bytes (16 zero bytes, then
// its 48-byte big-endian value), a G1 point is x ‖ y (128 bytes), a G2
// point is x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (256 bytes) for coordinates
// c0 + c1·u in Fp2, and the point at infinity is all zeros. Contracts read
// an eon key and signatures in this form (contracts/src/BatchInbox.sol);
// decompressing on-chain would cost a square root per point.
const (
	EIP2537FpSize = 64
	EIP2537G1Size = 2 * EIP2537FpSize
	EIP2537G2Size = 4 * EIP2537FpSize
)

// EIP2537 returns the eon key P in the EIP-2537 G2 encoding (256 bytes).
func (pk *EonPublicKey) EIP2537() []byte {
	return appendG2EIP2537(make([]byte, 0, EIP2537G2Size), &pk.master.p)
}

// EIP2537 returns σ in the EIP-2537 G1 encoding (128 bytes).
func (sig *Signature) EIP2537() []byte {
	return appendG1EIP2537(make([]byte, 0, EIP2537G1Size), &sig.p)
}

func appendFpEIP2537(dst []byte, e *fp.Element) []byte {
	var pad [EIP2537FpSize - fp.Bytes]byte
	b := e.Bytes()
	return append(append(dst, pad[:]...), b[:]...)
}

func appendG1EIP2537(dst []byte, p *bls12381.G1Affine) []byte {
	// gnark-crypto represents infinity as (0, 0), which is exactly the
	// EIP-2537 encoding of infinity.
	dst = appendFpEIP2537(dst, &p.X)
	return appendFpEIP2537(dst, &p.Y)
}

func appendG2EIP2537(dst []byte, p *bls12381.G2Affine) []byte {
	dst = appendFpEIP2537(dst, &p.X.A0)
	dst = appendFpEIP2537(dst, &p.X.A1)
	dst = appendFpEIP2537(dst, &p.Y.A0)
	return appendFpEIP2537(dst, &p.Y.A1)
}
