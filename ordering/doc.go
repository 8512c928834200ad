// Package ordering is veil's ABCI++ application: the state machine that
// CometBFT replicates. It orders encrypted envelopes without reading them.
//
// # Block pipeline
//
//   - CheckTx admits an envelope to this node's mempool: the stateless
//     checks (mempool.Checker: decoding, sizes, ciphertext format,
//     signature; cached by hash) and the Pool's rules against the last
//     committed state. The re-check CometBFT runs after every block asks
//     the Pool only; no signature is verified twice. The one system
//     transaction CheckTx admits, a next-eon registration (eons.go), is
//     verified in full against the committed state, and again on
//     re-check.
//   - PrepareProposal hands the mempool's envelopes, in arrival order, to
//     the Rule, and includes them in the Rule's order while each is valid
//     against the state the block so far leaves (mempool.CheckInclusion:
//     chain, eon, rollups, expiry window, minimum fee, exact nonce,
//     balance, unused identity) and the block stays within max_block_txs
//     and max_block_bytes.
//   - ProcessProposal applies the same checks to every envelope of a
//     proposal in order, and asks the Rule whether the order is allowed;
//     any failure rejects the block.
//   - FinalizeBlock charges each fee (whatever the plaintext will turn out
//     to be: this is the spam defence for content nobody can inspect),
//     bumps the nonce, spends the identity, records the envelope as
//     included and pending decryption, and returns the app hash.
//   - Commit writes the block's state in one synced batch and then tells
//     subscribers (Subscribe) which envelopes the block committed.
//
// The Rule (rule.go) is a pure function of the proposal. FairOrder
// (fair.go; the node's default) orders by the weighted median of the
// first-seen times validators report in their vote extensions
// (votext.go, reporter.go); the next proposer embeds the extended commit
// as the 0xF0 system transaction, and the reports accumulate in app
// state (fairstate.go). ArrivalOrder keeps the proposer's mempool order
// and sends empty extensions. docs/architecture.md states what fair
// ordering guarantees.
//
// # State and app hash
//
// The state is a flat key-value map in an embedded database (state.go
// lists the tables): accounts, rollups, eons, included-transaction
// records, used identities, pending decryptions per height, block
// summaries, parameters, firm batch roots. Each block's writes are
// buffered in an overlay and form a Merkle root in key order; the app
// hash chains those roots, with the batch roots the block recorded as a
// term of their own:
//
//	AppHash(h)   = SHA-256("veil/app-hash/v2\x00" ‖ AppHash(h−1) ‖ u64(h) ‖ root(writes of h) ‖ firmRoots(h))
//	firmRoots(h) = SHA-256("veil/firm-roots/v1\x00" ‖ u32 n ‖ n × (u64 height ‖ batch_root))
//
// starting from genesis (h = initial height − 1, previous hash zero, no
// roots). It is deterministic (a function of genesis and the blocks
// only), costs O(writes) per block, and commits to the whole state by
// induction.
//
// # Firm batch roots
//
// FinalizeBlock of block h computes the batch root (rollupfeed.BuildBlock,
// over FirmBlock.DecryptedTxs, the same input the feed builds from) of
// every height whose firm batch h makes known: h itself when it has no
// envelopes, and every height whose keys h records. firmRoots(h) lists
// them in increasing height order, and each is also stored (FirmRoot).
// The header of block h+1 carries AppHash(h) and the validators' commit
// signs it, so a light client that trusts the validator set checks a
// batch root with a rollupfeed.FirmProof (AppHash(h−1), root(writes of h)
// and the roots: FirmProof, CommittedBlock.FirmProof) and that signed
// header. The validator set is fixed at genesis (FinalizeBlock returns no
// validator updates).
//
// # Crash safety
//
// Commit's batch holds the state writes and the commit metadata (height,
// app hash) together and is synced, so the database is always at a
// commit boundary. Info reports that height and hash, and CometBFT's
// handshake replays the blocks the application is missing. InitChain can
// run again after a restart that precedes the first commit and rewrites
// the genesis state.
//
// # Reading the state
//
// The Go methods (Params, CurrentEon, Account, Tx, Block, Rollups,
// PendingDecryptions, LastCommit, Pending, PendingNonce, FirmRoot,
// FirmProof) and the ABCI Query paths (query.go) read the last committed
// state and are safe for concurrent use. Included envelopes also produce "veil.tx" events with
// the hash and sender indexed.
package ordering
