// Package decrypt turns committed ciphertexts into plaintexts: the
// keyholder runtime that releases a committee member's key shares for
// committed blocks, and the share pool on each node that verifies,
// aggregates and decrypts (the soft batch). Recording the aggregated keys
// on chain (the firm batch) is ordering's (keys.go); this package's Pool
// is the node's ordering.KeySource.
//
// # Release after commit, never before
//
// A member i holding s_i releases k_i(id) = s_i·id for the identity id
// of every envelope of its eon in a block, and only once that block is
// committed: Keyholder asks its Feed for the last committed height and
// reads the block's envelopes from committed state, so it cannot compute a
// share for a proposal, a block being voted on, or a block another node
// claims. Any t released shares give k(id) (Lagrange interpolation), so
// the plaintext of an envelope is computable by nobody before the height
// that fixed its position has committed, provided fewer than t members
// are faulty (the threshold package documents the (t, n) semantics).
//
// # The share pool
//
// Pool.AddShares takes one member's shares for one block and eon. It
// checks all of them in one batch (threshold.VerifyKeyShares: two MSMs
// and a two-pairing product), keeps the first t members whose batch
// verifies, and records a batch that fails as Evidence (logged, counted,
// queryable). With t verified members it aggregates the keys and
// decrypts the block in parallel, one pairing per envelope, using
// ciphertexts parsed (U decompressed, subgroup-checked) while the shares
// were in flight. Shares that arrive before the node has seen the block
// commit wait, within MaxAhead heights, and are verified when it does.
//
// # Transport
//
// In one process, keyholders submit straight to pools (PoolSink). Over
// the network a Client signs each submission with the member's Ed25519
// keyholder key (registered in the eon's genesis record) over
// SharesMessage, which binds chain, eon, height and member, and a node's
// Service (the api/server KeyholderBackend) checks the signature and the
// membership before the pool sees the shares. A keyholder apart from any
// node (RunRemote, `veil keyholder`) follows a node's public API through
// RemoteFeed, which, given the chain's validator set, checks each block's
// commit and envelope proofs (VerifyPending) before any share is computed.
//
// # Batch signatures
//
// Once a height is firm, each keyholder's Signer signs
// rollupfeed.BatchMessage(chain, height, root) with its eon share, the
// root read from its own node (RootSource: App.FirmRoot), in height order
// with saved progress, and pushes the partial signatures to every node
// (SignaturePoolSink in process, Client.SubmitBatchSignatures over the
// network, authenticated like key shares over BatchSignaturesMessage). A
// node's SignaturePool checks each against its own root and the member's
// public share, records failures as Evidence, aggregates the first t
// valid ones, verifies the aggregate and stores it in the rollup feed,
// whose firm level then carries it. RunRemote signs too, its roots taken
// from the nodes' GetFirmRoot and checked against the validator set
// (RemoteRoots).
//
// # Escape hatch
//
// On a chain with an escape hatch (ordering.EscapeHatch), the Service
// also runs a Solver: once a committed block has gone K blocks without
// its keys, it solves the time-lock puzzles of the block's envelopes and
// hands the solutions to the node's proposals (ordering.EscapeSource),
// which record them in a 0xF2 transaction.
//
// # DKG ceremony
//
// RunCeremony runs one member's side of an eon's DKG ceremony over the
// chain (ordering/dkg.go) through any node's KeyholderService
// (CeremonyNodes): it derives the member's DKG key from its member key
// (CeremonyKey), deals, feeds the committed log to a threshold/dkg
// Participant in chain order, closes each phase at its deadline height,
// hands the result to the caller to store, consents, and waits for the
// chain to register the eon. CeremonyService is the node side: the
// Service plus SubmitDKGMessage (into the mempool through CheckTx) and
// ListDKGMessages (the committed log).
//
// # Not yet here
//
// Solutions from nodes that are not validators have no way in yet.
package decrypt
