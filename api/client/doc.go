// Package client is the Go SDK for wallets and dapps talking to a veil
// node.
//
// A transaction's life, from the wallet's side:
//
//	c, _ := client.Dial("http://127.0.0.1:26670")
//	params, _ := c.Params(ctx)                 // chain, eon key, limits
//	acct, _ := c.Account(ctx, client.Address(key))
//	env, _ := client.Seal(rand.Reader, params, key, client.Tx{
//		Legs:  []client.Leg{{Rollup: 1, Data: payload}},
//		Nonce: acct.PendingNonce,
//	})                                         // local: encrypt + sign
//	hash, _ := c.Submit(ctx, env)
//	st, _ := c.Wait(ctx, hash, client.UntilFirm)
//
// Seal runs entirely in the caller's process: the plaintext is encrypted to
// the committee's eon key under an identity bound to the envelope header,
// and only the ciphertext is ever sent. Nobody, the node included, can
// read it before its block commits and the committee releases the key for
// exactly that identity.
//
// Errors from the node match the sentinel the node reported with
// errors.Is (mempool.ErrNonceTooLow, mempool.ErrFeeTooLow, …,
// api.ErrNotFound, api.ErrRateLimited) and *connect.Error with errors.As,
// so a wallet can branch on the cause and still read the Connect code.
package client
