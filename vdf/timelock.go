package vdf

import (
	"context"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/veilseq/veil/vdf/internal/mont"
)

// The time-lock escape hatch (Rivest, Shamir and Wagner, "Time-lock puzzles
// and timed-release crypto", 1996, with the public setup of Malavolta and
// Thyagarajan, "Homomorphic Time-Lock Puzzles", CRYPTO 2019): public
// parameters fix g and h = g^(2^T). A wallet picks a large random r and
// publishes x = g^r; the wrapping key is derived from h^r = x^(2^T), which
// the wallet gets with one exponentiation and anyone else with T squarings
// of x. The solver publishes y = x^(2^T) with a Wesolowski proof, so every
// node can check the solution in milliseconds before using it.

const (
	// KeySize is the size of a time-locked key.
	KeySize = chacha20poly1305.KeySize
	// PuzzleSize is the length of an encoded Puzzle: version, x, and the
	// wrapped key with its 16-byte tag.
	PuzzleSize = 1 + ElementSize + KeySize + chacha20poly1305.Overhead
	// MaxNetworkLen is the longest network name in Params.
	MaxNetworkLen = 64

	puzzleVersion = 1
	paramsVersion = 1

	// exponentBytes is the size of the wallet's secret exponent r: 2048 +
	// 128 bits, so g^r is within 2^-128 of uniform on the subgroup <g>
	// whatever its (unknown, < N) order.
	exponentBytes = ElementSize + 16
	// fixedBaseWindow is the digit size of the fixed-base exponentiation.
	fixedBaseWindow = 6
)

// Params are a network's public time-lock parameters: the generator g,
// derived from the network name by hashing into G so nobody chose it, the
// delay T, h = g^(2^T), and a Wesolowski proof of h. A *Params returned by
// this package has a verified proof; it is safe for concurrent use.
type Params struct {
	network string
	t       uint64
	g, h    Element
	proof   Proof

	once   sync.Once
	tables [2][]mont.Nat // g^(2^(6i)) and h^(2^(6i)) for Lock
}

// check rejects nil Params and zero values not made by this package.
func (p *Params) check() error {
	if p == nil || p.network == "" {
		return fmt.Errorf("%w: not made by GenerateParams, NewParams or a Parse function", ErrParams)
	}
	return nil
}

// Network returns the network name the parameters are for.
func (p *Params) Network() string { return p.network }

// Delay returns T, the number of squarings that solve a puzzle.
func (p *Params) Delay() uint64 { return p.t }

// G returns the generator g.
func (p *Params) G() *Element { return p.g.clone() }

// H returns h = g^(2^T).
func (p *Params) H() *Element { return p.h.clone() }

// Proof returns the Wesolowski proof that h = g^(2^T).
func (p *Params) Proof() *Proof { return &Proof{pi: *p.proof.pi.clone()} }

// Generator returns the generator g of the named network's parameters.
func Generator(network string) (*Element, error) {
	if err := checkNetwork(network); err != nil {
		return nil, err
	}
	return hashToElement(dstGenerator, []byte(network)), nil
}

func checkNetwork(network string) error {
	if len(network) == 0 || len(network) > MaxNetworkLen {
		return fmt.Errorf("%w: network name must be 1 to %d bytes", ErrParams, MaxNetworkLen)
	}
	for _, c := range []byte(network) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: network name may hold only letters, digits, '-', '_' and '.'", ErrParams)
		}
	}
	return nil
}

// GenerateParams computes a network's parameters: T squarings of g and the
// proof. It is run once per network (veil vdf params) and takes as long as
// solving one puzzle. It stops early with ctx.Err() when ctx is done.
func GenerateParams(ctx context.Context, network string, t uint64) (*Params, error) {
	g, err := Generator(network)
	if err != nil {
		return nil, err
	}
	h, proof, err := EvalContext(ctx, g, t)
	if err != nil {
		return nil, err
	}
	return &Params{network: network, t: t, g: *g, h: *h, proof: *proof}, nil
}

// NewParams assembles parameters from their parts and verifies them: the
// generator must be the network's and the proof must show h = g^(2^T).
func NewParams(network string, t uint64, h *Element, proof *Proof) (*Params, error) {
	g, err := Generator(network)
	if err != nil {
		return nil, err
	}
	if err := h.valid(); err != nil {
		return nil, fmt.Errorf("%w: h: %w", ErrParams, err)
	}
	if proof == nil {
		return nil, fmt.Errorf("%w: missing proof", ErrParams)
	}
	if err := Verify(g, h, t, proof); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParams, err)
	}
	return &Params{network: network, t: t, g: *g, h: *h.clone(), proof: Proof{pi: *proof.pi.clone()}}, nil
}

// Bytes returns the binary encoding of p:
//
//	version (1) ‖ len(network) (1) ‖ network ‖ T (8, big-endian) ‖ h ‖ π
//
// g is not encoded: it is derived from the network name.
func (p *Params) Bytes() []byte {
	b := make([]byte, 0, 2+len(p.network)+8+2*ElementSize)
	b = append(b, paramsVersion, byte(len(p.network)))
	b = append(b, p.network...)
	b = binary.BigEndian.AppendUint64(b, p.t)
	b = append(b, p.h.Bytes()...)
	return append(b, p.proof.pi.Bytes()...)
}

// ParseParams decodes and verifies parameters encoded by Params.Bytes.
func ParseParams(b []byte) (*Params, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("%w: params too short", ErrEncoding)
	}
	if b[0] != paramsVersion {
		return nil, fmt.Errorf("%w: params version %d", ErrVersion, b[0])
	}
	nl := int(b[1])
	if len(b) != 2+nl+8+2*ElementSize {
		return nil, fmt.Errorf("%w: params are %d bytes, want %d", ErrEncoding, len(b), 2+nl+8+2*ElementSize)
	}
	network := string(b[2 : 2+nl])
	b = b[2+nl:]
	t := binary.BigEndian.Uint64(b)
	h, err := ParseElement(b[8 : 8+ElementSize])
	if err != nil {
		return nil, fmt.Errorf("%w: h: %w", ErrParams, err)
	}
	pi, err := ParseElement(b[8+ElementSize:])
	if err != nil {
		return nil, fmt.Errorf("%w: proof: %w", ErrParams, err)
	}
	return NewParams(network, t, h, &Proof{pi: *pi})
}

// Puzzle is a time-locked key: x = g^r and the key sealed under a key
// derived from h^r = x^(2^T).
type Puzzle struct {
	x      Element
	sealed [KeySize + chacha20poly1305.Overhead]byte
}

// X returns the puzzle's group element x, the VDF input a solver squares.
func (pz *Puzzle) X() *Element { return pz.x.clone() }

// Bytes returns the PuzzleSize-byte encoding: version 1 ‖ x ‖ sealed key.
func (pz *Puzzle) Bytes() []byte {
	b := make([]byte, 0, PuzzleSize)
	b = append(b, puzzleVersion)
	b = append(b, pz.x.Bytes()...)
	return append(b, pz.sealed[:]...)
}

// ParsePuzzle decodes a puzzle. It checks the encoding and that x is a
// canonical group element; whether the key opens is known only once the
// puzzle is solved.
func ParsePuzzle(b []byte) (*Puzzle, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty puzzle", ErrEncoding)
	}
	if b[0] != puzzleVersion {
		return nil, fmt.Errorf("%w: puzzle version %d", ErrVersion, b[0])
	}
	if len(b) != PuzzleSize {
		return nil, fmt.Errorf("%w: puzzle is %d bytes, want %d", ErrEncoding, len(b), PuzzleSize)
	}
	x, err := ParseElement(b[1 : 1+ElementSize])
	if err != nil {
		return nil, fmt.Errorf("puzzle: %w", err)
	}
	pz := &Puzzle{x: *x}
	copy(pz.sealed[:], b[1+ElementSize:])
	return pz, nil
}

// Lock time-locks key (KeySize bytes) under p. It reads 272 bytes of
// randomness from rand for the exponent r and costs two fixed-base
// exponentiations; the first Lock on a Params also builds their tables
// (about 4,400 squarings).
func Lock(p *Params, key []byte, rand io.Reader) (*Puzzle, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(key) != KeySize {
		return nil, ErrKeySize
	}
	p.once.Do(p.buildTables)
	buf := make([]byte, exponentBytes)
	r := new(big.Int)
	// A uniform r fails below with probability about 2^-2000; repeated
	// failures mean the randomness source is broken (say, all zeros).
	for range 4 {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, fmt.Errorf("vdf: reading randomness: %w", err)
		}
		r.SetBytes(buf)
		xm := fixedBaseExp(p.tables[0], r)
		x, err := canonical(modN.FromMont(&xm))
		if err != nil {
			continue // r ≡ 0 mod ord(g), or worse: probability ~2^-2000
		}
		zm := fixedBaseExp(p.tables[1], r)
		z, err := canonical(modN.FromMont(&zm))
		if err != nil {
			continue
		}
		pz := &Puzzle{x: *x}
		aead := wrapAEAD(p, x, z)
		aead.Seal(pz.sealed[:0], zeroNonce[:], key, pz.header())
		return pz, nil
	}
	return nil, errors.New("vdf: randomness source gives degenerate exponents")
}

// Solve recovers the key of pz by T sequential squarings. It also returns
// y = x^(2^T) and the proof, which let anyone else open pz with Open at the
// cost of a verification. If the proof is fine but the key does not
// authenticate, the puzzle was malformed by whoever locked it: Solve then
// returns y and the proof (evidence of that) with ErrPuzzle.
func Solve(p *Params, pz *Puzzle) (key []byte, y *Element, proof *Proof, err error) {
	return SolveContext(context.Background(), p, pz)
}

// SolveContext is Solve that stops early, returning ctx.Err(), when ctx is
// done.
func SolveContext(ctx context.Context, p *Params, pz *Puzzle) (key []byte, y *Element, proof *Proof, err error) {
	if err := p.check(); err != nil {
		return nil, nil, nil, err
	}
	if pz == nil {
		return nil, nil, nil, fmt.Errorf("%w: missing puzzle", ErrElement)
	}
	if err := pz.x.valid(); err != nil {
		return nil, nil, nil, fmt.Errorf("puzzle: %w", err)
	}
	y, proof, err = EvalContext(ctx, &pz.x, p.t)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err = unwrap(p, pz, y)
	return key, y, proof, err
}

// Open returns the key of pz given a claimed solution y and its proof. It
// verifies the proof before it uses y, so a wrong y fails with ErrProof and
// never reaches the AEAD.
func Open(p *Params, pz *Puzzle, y *Element, proof *Proof) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if pz == nil {
		return nil, fmt.Errorf("%w: missing puzzle", ErrElement)
	}
	if err := Verify(&pz.x, y, p.t, proof); err != nil {
		return nil, err
	}
	return unwrap(p, pz, y)
}

func unwrap(p *Params, pz *Puzzle, y *Element) ([]byte, error) {
	key, err := wrapAEAD(p, &pz.x, y).Open(nil, zeroNonce[:], pz.sealed[:], pz.header())
	if err != nil {
		return nil, ErrPuzzle
	}
	return key, nil
}

func (pz *Puzzle) header() []byte {
	return append([]byte{puzzleVersion}, pz.x.Bytes()...)
}

// zeroNonce is the AEAD nonce. A fixed nonce is safe because every wrapping
// key seals exactly one message: the key is derived from h^r for a fresh
// 2176-bit r and binds x, so two puzzles share a key only if they share r.
var zeroNonce [chacha20poly1305.NonceSize]byte

// wrapAEAD returns ChaCha20-Poly1305 keyed with HKDF-SHA256 of the shared
// value z = h^r = x^(2^T), bound to the network, T and x.
func wrapAEAD(p *Params, x, z *Element) cipher.AEAD {
	info := make([]byte, 0, len(dstWrap)+1+len(p.network)+8+ElementSize)
	info = append(info, dstWrap...)
	info = append(info, byte(len(p.network)))
	info = append(info, p.network...)
	info = binary.BigEndian.AppendUint64(info, p.t)
	info = append(info, x.Bytes()...)
	k, err := hkdf.Key(sha256.New, z.Bytes(), nil, string(info), chacha20poly1305.KeySize)
	if err != nil {
		panic(err) // only for a key length HKDF-SHA256 cannot produce
	}
	aead, err := chacha20poly1305.New(k)
	if err != nil {
		panic(err) // only for a wrong key size
	}
	return aead
}

// buildTables fills the fixed-base tables base^(2^(w·i)) for g and h.
func (p *Params) buildTables() {
	windows := (exponentBytes*8 + fixedBaseWindow - 1) / fixedBaseWindow
	for k, base := range []*Element{&p.g, &p.h} {
		t := make([]mont.Nat, windows)
		t[0] = modN.ToMont(&base.v)
		for i := 1; i < windows; i++ {
			modN.SqrN(&t[i], &t[i-1], fixedBaseWindow)
		}
		p.tables[k] = t
	}
}

// fixedBaseExp returns base^r in Montgomery form from the table of
// base^(2^(w·i)): Yao's method, bucketing the table entries by the w-bit
// digits of r (one multiplication per non-zero digit, then 2^(w+1) to
// combine the buckets).
func fixedBaseExp(table []mont.Nat, r *big.Int) mont.Nat {
	bk := newBuckets(fixedBaseWindow)
	for i := range table {
		if d := window(r, i*fixedBaseWindow, fixedBaseWindow); d != 0 {
			bk.add(uint64(d), &table[i])
		}
	}
	if v, ok := bk.collect(); ok {
		return v
	}
	return modN.One()
}
