package amm_test

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/examples/amm"
	"github.com/veilseq/veil/rollupfeed"
)

// A batch of two swaps, as the feed delivers a rollup's legs of one
// block: each executes at the price the swaps before it leave.
func ExamplePool_Apply() {
	pool := amm.Pool{X: 1_000_000, Y: 1_000_000, FeeBps: 30}
	alice, bob := common.Address{0xa1}, common.Address{0xb0}
	batch := &rollupfeed.Batch{Height: 1, Rollup: 1003, Legs: []rollupfeed.BatchLeg{
		{Height: 1, TxIndex: 1, Rollup: 1003, Data: (&amm.Swap{Trader: alice, Dir: amm.XForY, In: 10_000}).Encode()},
		{Height: 1, TxIndex: 2, Rollup: 1003, Data: (&amm.Swap{Trader: bob, Dir: amm.XForY, In: 10_000, MinOut: 9_900}).Encode()},
	}}
	for _, r := range pool.Apply(batch) {
		if r.Err != nil {
			fmt.Printf("tx %d refused: %v\n", r.TxIndex, r.Err)
			continue
		}
		fmt.Printf("tx %d: %d in, %d out, price %s\n", r.TxIndex, r.Swap.In, r.Out, r.Price().FloatString(4))
	}
	fmt.Printf("reserves %d/%d\n", pool.X, pool.Y)
	// Output:
	// tx 1: 10000 in, 9871 out, price 0.9871
	// tx 2 refused: amm: output below the swap's minimum: 9678 out, minimum 9900
	// reserves 1010000/990129
}
