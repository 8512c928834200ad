package amm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

// Version is the swap encoding version Encode writes.
const Version = 1

// SwapSize is the length of an encoded swap.
const SwapSize = 1 + 1 + common.AddressLength + 8 + 8

// FeeDenominator is the unit of Pool.FeeBps: basis points.
const FeeDenominator = 10_000

// Direction says which token a swap pays in.
type Direction uint8

const (
	// XForY pays X into the pool and takes Y out.
	XForY Direction = iota
	// YForX pays Y into the pool and takes X out.
	YForX
)

func (d Direction) String() string {
	switch d {
	case XForY:
		return "x-for-y"
	case YForX:
		return "y-for-x"
	}
	return fmt.Sprintf("direction(%d)", uint8(d))
}

// Errors from Decode wrap ErrMalformed; the others are why the pool
// refused a swap.
var (
	ErrMalformed  = errors.New("amm: malformed swap")
	ErrZeroAmount = errors.New("amm: amount in must be positive")
	ErrSlippage   = errors.New("amm: output below the swap's minimum")
	ErrNoOutput   = errors.New("amm: swap too small to pay anything out")
	ErrOverflow   = errors.New("amm: reserve would overflow")
)

// Swap is one trade against the pool.
type Swap struct {
	// Trader is who the receipt names; see the package doc.
	Trader common.Address
	Dir    Direction
	// In is the amount paid in, of X for XForY and of Y for YForX.
	In uint64
	// MinOut is the least the trader accepts out; 0 accepts any price.
	MinOut uint64
}

// Encode returns the swap's leg data.
func (s *Swap) Encode() []byte {
	b := make([]byte, 0, SwapSize)
	b = append(b, Version, byte(s.Dir))
	b = append(b, s.Trader[:]...)
	b = binary.BigEndian.AppendUint64(b, s.In)
	return binary.BigEndian.AppendUint64(b, s.MinOut)
}

// Decode parses leg data strictly: exact length, known version and
// direction. It never panics on any input.
func Decode(b []byte) (*Swap, error) {
	if len(b) != SwapSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrMalformed, len(b), SwapSize)
	}
	if b[0] != Version {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrMalformed, b[0], Version)
	}
	s := &Swap{Dir: Direction(b[1])}
	if s.Dir != XForY && s.Dir != YForX {
		return nil, fmt.Errorf("%w: direction %d", ErrMalformed, b[1])
	}
	copy(s.Trader[:], b[2:22])
	s.In = binary.BigEndian.Uint64(b[22:30])
	s.MinOut = binary.BigEndian.Uint64(b[30:38])
	return s, nil
}

// Pool is the pool's state: its reserves and fee.
type Pool struct {
	X, Y uint64
	// FeeBps is the fee kept by the pool, in basis points of the amount
	// in (30 is Uniswap v2's 0.3%).
	FeeBps uint32
}

// Quote returns what a swap of in paying in direction dir would pay out
// now: out = ⌊in·(1−f)·R_out / (R_in + in·(1−f))⌋, so that the product of
// the reserves never decreases. It does not change the pool.
func (p Pool) Quote(dir Direction, in uint64) (uint64, error) {
	if in == 0 {
		return 0, ErrZeroAmount
	}
	rIn, rOut := p.X, p.Y
	if dir == YForX {
		rIn, rOut = p.Y, p.X
	}
	if rIn+in < rIn {
		return 0, ErrOverflow
	}
	fee := min(uint64(p.FeeBps), FeeDenominator)
	inFee := new(big.Int).Mul(new(big.Int).SetUint64(in), new(big.Int).SetUint64(FeeDenominator-fee))
	num := new(big.Int).Mul(inFee, new(big.Int).SetUint64(rOut))
	den := new(big.Int).Mul(new(big.Int).SetUint64(rIn), big.NewInt(FeeDenominator))
	den.Add(den, inFee)
	if den.Sign() == 0 {
		return 0, ErrNoOutput
	}
	out := num.Quo(num, den).Uint64() // < rOut, so it fits
	if out == 0 {
		return 0, ErrNoOutput
	}
	return out, nil
}

// Swap executes s against the pool: it pays Quote out, or refuses s and
// leaves the pool as it was.
func (p *Pool) Swap(s *Swap) (uint64, error) {
	if s.Dir != XForY && s.Dir != YForX {
		return 0, fmt.Errorf("%w: direction %d", ErrMalformed, s.Dir)
	}
	out, err := p.Quote(s.Dir, s.In)
	if err != nil {
		return 0, err
	}
	if out < s.MinOut {
		return 0, fmt.Errorf("%w: %d out, minimum %d", ErrSlippage, out, s.MinOut)
	}
	if s.Dir == XForY {
		p.X, p.Y = p.X+s.In, p.Y-out
	} else {
		p.X, p.Y = p.X-out, p.Y+s.In
	}
	return out, nil
}

// Receipt is what happened to one leg of a batch.
type Receipt struct {
	Height  int64
	TxIndex uint32 // the envelope's position in its block
	// Swap is the decoded swap; nil when the leg did not decode.
	Swap *Swap
	// Out is what the pool paid out; 0 when Err is set.
	Out uint64
	// Err is why the leg changed nothing: a decode error (ErrMalformed)
	// or the pool's refusal.
	Err error
}

// Price returns the swap's execution price, out per unit in, exactly;
// nil for a refused leg.
func (r *Receipt) Price() *big.Rat {
	if r.Err != nil || r.Swap == nil {
		return nil
	}
	return new(big.Rat).SetFrac(new(big.Int).SetUint64(r.Out), new(big.Int).SetUint64(r.Swap.In))
}

// Apply executes a batch's legs in block order and returns one receipt
// per leg. The caller checks the batch first (client.VerifyBatch or a
// firm proof) and feeds each height once, in order.
func (p *Pool) Apply(b *rollupfeed.Batch) []Receipt {
	rs := make([]Receipt, len(b.Legs))
	for i := range b.Legs {
		l := &b.Legs[i]
		r := Receipt{Height: b.Height, TxIndex: l.TxIndex}
		r.Swap, r.Err = Decode(l.Data)
		if r.Err == nil {
			r.Out, r.Err = p.Swap(r.Swap)
		}
		rs[i] = r
	}
	return rs
}
