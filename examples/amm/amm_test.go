package amm

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

var alice, mallory = common.Address{0xa1}, common.Address{0x3a}

func TestQuoteKeepsTheProduct(t *testing.T) {
	for _, tc := range []struct {
		pool Pool
		dir  Direction
		in   uint64
		want uint64
	}{
		// 1000·997·1_000_000 / (1_000_000·1000 + 1000·997) = 996.00…
		{Pool{X: 1_000_000, Y: 1_000_000, FeeBps: 30}, XForY, 1000, 996},
		{Pool{X: 1_000_000, Y: 1_000_000}, XForY, 1000, 999},
		{Pool{X: 1_000_000, Y: 2_000_000}, YForX, 2000, 999},
		// 2^62·9970 / 29970, checked with Python integers.
		{Pool{X: 1 << 62, Y: 1 << 62, FeeBps: 30}, XForY, 1 << 61, 1534151137928630543},
	} {
		got, err := tc.pool.Quote(tc.dir, tc.in)
		if err != nil || got != tc.want {
			t.Fatalf("%+v %v %d: %d, %v; want %d", tc.pool, tc.dir, tc.in, got, err, tc.want)
		}
		p := tc.pool
		if _, err := p.Swap(&Swap{Dir: tc.dir, In: tc.in}); err != nil {
			t.Fatal(err)
		}
		before := new(big.Int).Mul(new(big.Int).SetUint64(tc.pool.X), new(big.Int).SetUint64(tc.pool.Y))
		after := new(big.Int).Mul(new(big.Int).SetUint64(p.X), new(big.Int).SetUint64(p.Y))
		if after.Cmp(before) < 0 {
			t.Fatalf("%+v: product fell from %v to %v", tc.pool, before, after)
		}
	}
}

func TestSwapRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		pool Pool
		s    Swap
		want error
	}{
		{"zero in", Pool{X: 10, Y: 10}, Swap{In: 0}, ErrZeroAmount},
		{"below minimum", Pool{X: 1000, Y: 1000}, Swap{In: 100, MinOut: 91}, ErrSlippage},
		{"dust", Pool{X: 1_000_000, Y: 10}, Swap{In: 1}, ErrNoOutput},
		{"empty side", Pool{X: 10, Y: 0}, Swap{In: 5}, ErrNoOutput},
		{"overflow", Pool{X: 1 << 63, Y: 10}, Swap{In: 1 << 63}, ErrOverflow},
		{"bad direction", Pool{X: 10, Y: 10}, Swap{Dir: 7, In: 1}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pool
			if _, err := p.Swap(&tc.s); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if p != tc.pool {
				t.Fatalf("refused swap changed the pool: %+v", p)
			}
		})
	}
	p := Pool{X: 1000, Y: 1000}
	if out, err := p.Swap(&Swap{In: 100, MinOut: 90}); err != nil || out != 90 {
		t.Fatalf("swap at its minimum: %d, %v", out, err)
	}
}

// TestSandwichCostsTheVictim is why ordering matters on this rollup: a
// buy ahead of the victim in its direction lowers what the victim gets,
// and the attacker's sale after it nets a profit.
func TestSandwichCostsTheVictim(t *testing.T) {
	start := Pool{X: 1_000_000, Y: 1_000_000, FeeBps: 30}
	victim := &Swap{Trader: alice, Dir: XForY, In: 50_000}
	fair := start
	want, err := fair.Swap(victim)
	if err != nil {
		t.Fatal(err)
	}
	p := start
	front := &Swap{Trader: mallory, Dir: XForY, In: 100_000}
	got, err := p.Swap(front)
	if err != nil {
		t.Fatal(err)
	}
	paid, err := p.Swap(victim)
	if err != nil {
		t.Fatal(err)
	}
	back, err := p.Swap(&Swap{Trader: mallory, Dir: YForX, In: got})
	if err != nil {
		t.Fatal(err)
	}
	if paid >= want || back <= front.In {
		t.Fatalf("victim got %d (alone %d), attacker %d back for %d", paid, want, back, front.In)
	}
	// The victim's minimum is its defence: at 1% slippage the sandwiched
	// swap is refused instead.
	p = start
	_, _ = p.Swap(front)
	bounded := *victim
	bounded.MinOut = want * 99 / 100
	if _, err := p.Swap(&bounded); !errors.Is(err, ErrSlippage) {
		t.Fatalf("sandwiched swap with a 1%% bound: %v", err)
	}
}

func TestApply(t *testing.T) {
	swaps := []*Swap{
		{Trader: alice, Dir: XForY, In: 1000},
		{Trader: mallory, Dir: YForX, In: 500, MinOut: 1 << 40},
		{Trader: mallory, Dir: YForX, In: 500},
	}
	b := &rollupfeed.Batch{Height: 7, Rollup: 1003}
	for i, s := range swaps {
		b.Legs = append(b.Legs, rollupfeed.BatchLeg{Height: 7, TxIndex: uint32(i + 1), Rollup: 1003, Data: s.Encode()})
	}
	b.Legs = append(b.Legs, rollupfeed.BatchLeg{Height: 7, TxIndex: 9, Rollup: 1003, Data: []byte("not a swap")})
	p := Pool{X: 100_000, Y: 100_000, FeeBps: 30}
	rs := p.Apply(b)
	ref := Pool{X: 100_000, Y: 100_000, FeeBps: 30}
	out0, _ := ref.Swap(swaps[0])
	out2, _ := ref.Swap(swaps[2])
	if p != ref {
		t.Fatalf("pool %+v, want %+v", p, ref)
	}
	if rs[0].Out != out0 || rs[0].Err != nil || rs[2].Out != out2 || rs[2].TxIndex != 3 {
		t.Fatalf("receipts %+v", rs)
	}
	if !errors.Is(rs[1].Err, ErrSlippage) || !errors.Is(rs[3].Err, ErrMalformed) || rs[3].Swap != nil {
		t.Fatalf("refusals %v, %v", rs[1].Err, rs[3].Err)
	}
	if rs[0].Price().Cmp(big.NewRat(int64(out0), 1000)) != 0 || rs[1].Price() != nil {
		t.Fatalf("prices %v %v", rs[0].Price(), rs[1].Price())
	}
}

func TestDecodeRejects(t *testing.T) {
	good := (&Swap{Trader: alice, Dir: YForX, In: 5, MinOut: 4}).Encode()
	if s, err := Decode(good); err != nil || !bytes.Equal(s.Encode(), good) {
		t.Fatalf("round trip: %v", err)
	}
	for name, b := range map[string][]byte{
		"empty":     nil,
		"short":     good[:SwapSize-1],
		"long":      append(append([]byte{}, good...), 0),
		"version":   append([]byte{2}, good[1:]...),
		"direction": append([]byte{1, 2}, good[2:]...),
	} {
		if _, err := Decode(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
