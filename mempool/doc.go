// Package mempool defines veil's transaction envelope and the rules that
// decide which envelopes a node admits.
//
// An Envelope is what a wallet submits: a clear header (chain, eon, sender,
// nonce, fee, expiry height, destination rollups, identity prefix), the
// payload encrypted to the committee's threshold key under an identity
// bound to that header, an optional time-lock of the content key, and the
// sender's secp256k1 signature. Senders are Ethereum addresses, so existing
// wallet keys work.
//
// Nobody can read a payload before its block commits, so nothing about the
// content can be checked at admission. The defence against spam is the fee:
// it is charged when the envelope is included, whatever the plaintext turns
// out to be, and admission makes sure it can be paid.
//
// Admission runs in three layers, cheapest state first:
//
//   - Checker.Stateless: decoding, sizes, ciphertext format and the
//     signature; remembered by transaction hash so no node repeats the
//     signature recovery for the same envelope.
//   - CheckInclusion: the rules for one envelope against committed state
//     (chain, eon, rollups, expiry, minimum fee, exact nonce, balance,
//     identity reuse). The block pipeline applies it envelope by envelope.
//   - Pool.Admit: the rules across a node's pending envelopes (nonce
//     window, replace-by-fee, fees owed, capacity and eviction).
//
// Every rejection wraps one of the Err sentinels in errors.go with a
// message that says what to change.
package mempool
