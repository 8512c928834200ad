// Package tokenledger is an example rollup built on veil's rollup feed: a
// ledger of one token's balances per address, fed by a rollup's verified
// batches, with transfers and cross-rollup atomic swaps. It shows what a
// rollup does with the feed, in about the least code that does it
// properly.
//
// # Transactions
//
// A leg's data is one transaction (Decode, Encode; binary, version 1,
// fixed-width, so every transaction has one encoding):
//
//   - Transfer: the signer gives Amount to To on ledger Rollup.
//   - Swap: A.From gives A.Amount on ledger A.Rollup to B.From, and B.From
//     gives B.Amount on ledger B.Rollup to A.From.
//
// Transactions are signed with the account's secp256k1 key (the same keys
// as veil wallets and Ethereum accounts; the signer is recovered from the
// signature). The envelope that carries a leg is signed too, but by
// whoever submitted it, who pays veil's fee: the ledger trusts only the
// leg's own signature, so nobody can spend an account's tokens by sending
// a leg they made up. Replays are refused by a per-account nonce with a
// window (NonceWindow), and a transfer names its rollup in what is
// signed, so it cannot be replayed on another ledger.
//
// # State and resumption
//
// State.Apply applies a batch's legs in block order; a leg that does not
// decode or is not valid (bad signature, used nonce, insufficient
// balance) changes nothing and the rest of the batch is unaffected. The
// result is a function of the state and the batch. Ledger keeps the state
// and the last applied height in one file written atomically per batch,
// and Ledger.Run subscribes from the height after it
// (client.Subscribe verifies each batch and reconnects by itself), so a
// ledger stopped at any point resumes with no gap and no batch applied
// twice.
//
// # Cross-rollup swaps: what is atomic and what is not
//
// A swap is sent as one veil envelope, a bundle with one leg for each of
// the two rollups, both legs the same bytes: the whole terms and both
// parties' signatures. veil guarantees delivery atomicity: one envelope
// is one ciphertext and one inclusion decision, so both legs are
// delivered, at the same height and block position, or neither is; and
// each leg carries the bundle's manifest, which lists every participating
// rollup with a hash of the data it received, under the batch root the
// rollup verified. A ledger executes its side of a swap only if:
//
//  1. the leg's manifest lists exactly the swap's two rollups and, for
//     both, the hash of the bytes this ledger received: the counterpart
//     ledger received the very same terms in the same envelope, at the
//     same height;
//  2. the batch height is at most the swap's expiry (both ledgers see the
//     same height, so they agree);
//  3. the terms are well formed and signed by both parties;
//  4. its own side is valid here: the giving party's nonce is fresh and
//     its balance covers the amount.
//
// What this does not give is execution atomicity. Checks 1–3 are the same
// on both ledgers, so they pass or fail on both; check 4 depends on state
// the other ledger cannot see. If B.From lacks B.Amount on ledger B (or
// has used the nonce), B's side fails while A's side succeeds on A:
// A.From has paid and received nothing. That residual risk is the
// parties' own: a party should only sign terms whose counterpart it
// trusts to hold the funds at delivery. Removing it needs cross-ledger
// conditionality, e.g. an escrow with two phases (lock on both ledgers,
// then release on proof of the other lock, or refund after a timeout),
// which this example leaves as future work.
package tokenledger
