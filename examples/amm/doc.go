// Package amm is an example rollup with a price: one constant-product
// pool of two tokens, X and Y (x·y = k with a fee, as Uniswap v2), fed by
// a rollup's batches. It is the smallest rollup on which ordering is
// worth money: a trader who sees a swap before it executes can buy ahead
// of it and sell after it (a sandwich), and the victim's price is the
// measure of the harm. veil's adversary tests (test/adversary_test.go)
// run it to show that no such trade lands before the victim.
//
// # Transactions
//
// A leg's data is one swap (Decode, Encode; binary, version 1,
// fixed-width, 38 bytes, so every swap has one encoding):
//
//	u8 version (1) ‖ u8 direction ‖ [20] trader ‖ u64 amount in ‖ u64 minimum out
//
// The pool pays out Quote(direction, amount in) and refuses the swap
// (ErrSlippage) when that is below the trader's minimum: the trader's
// bound on how much the price may move against it between signing and
// execution.
//
// # What the example leaves out
//
// The pool keeps reserves only. A swap names a trader for the receipt
// but is not signed and moves no balances: the tokens paid in come from,
// and the tokens paid out go to, accounts this example does not keep
// (examples/tokenledger shows signed transfers and replay windows). The
// price each swap gets, which is all ordering can change, is exact:
// integer arithmetic rounding down, the same on every replica.
//
// Pool.Apply applies a batch's legs in block order; a leg that does not
// decode, or that the pool refuses, changes nothing and the rest of the
// batch is unaffected. The result is a function of the pool and the
// batch.
package amm
