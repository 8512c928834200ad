// Package rollupfeed turns a committed block's decrypted transactions into
// what each rollup receives: its legs in block order, each with the
// manifest of its bundle, and commitments that let a rollup check what it
// got without trusting the node that served it. It is a pure core: no
// I/O, no clocks; BuildBlock is a function of its arguments, so every node
// computes the same batch root from the same firm block.
//
// # Bundles
//
// An envelope's clear header lists its destination rollups. Its plaintext
// is that rollup's data as is when it lists one, and a bundle (see
// EncodeBundle) whose legs name exactly the listed rollups when it lists
// several. One envelope is one ciphertext and one inclusion decision, so a
// bundle's legs land at the same height and position, or none do. A
// plaintext that does not open for its header (OpenPlaintext) fails the
// transaction: it delivers no leg, and nothing else in the block changes.
//
// # Commitments
//
// The same bytes are computed by the L1 contract; this section is the
// specification. All integers are big-endian and fixed width; ‖ is
// concatenation; H is keccak256 (the original Keccak padding, as in
// Ethereum).
//
// Leg hash and manifest. For a bundle with transaction hash bundle_id
// (the envelope's hash, keccak256 of its encoding) and legs
// (rollup_1, data_1) … (rollup_N, data_N), rollups strictly increasing,
// 1 ≤ N ≤ 16 (a single-rollup transaction is a bundle of one):
//
//	leg_hash_i          = H(data_i)
//	manifest            = bundle_id[32] ‖ u8 N ‖ N × (u64 rollup_i ‖ leg_hash_i[32])
//	manifest_commitment = H(0x02 ‖ manifest)
//
// Leg leaf. Each leg, at block height height (≥ 1) and position tx_index
// of its envelope in the block:
//
//	leg_encoding = u64 height ‖ u32 tx_index ‖ bundle_id[32] ‖ u64 rollup ‖
//	               manifest_commitment[32] ‖ u32 len(data) ‖ data
//	leg_leaf     = H(0x00 ‖ leg_encoding)
//
// Rollup root. RFC 9162 §2.1.1's Merkle tree hash with H, over the leaf
// hashes of the rollup's legs in block order (increasing tx_index):
//
//	MTH([])         = H("")           = c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
//	MTH([l])        = l               (l is already a leaf hash)
//	MTH(l_0 … l_n−1) = H(0x01 ‖ MTH(l_0 … l_k−1) ‖ MTH(l_k … l_n−1)), k the largest power of 2 < n
//
// Batch root. The same tree hash over one entry leaf per rollup with at
// least one leg, sorted by rollup id ascending:
//
//	entry_leaf = H(0x00 ‖ u64 rollup ‖ rollup_root[32] ‖ u32 leg_count)
//	batch_root = MTH(entry_leaf_1 … entry_leaf_R)
//
// A block where no leg was delivered has batch_root = H(""). Because the
// entries are sorted, the batch root also commits to the set of rollups
// present: a rollup proves it was not left out by showing its two
// neighbours at adjacent positions (AbsenceProof).
//
// Signed message. The committee signs, with the eon key's threshold BLS
// signature (threshold.SignPartial, AggregateSignatures), the 32 bytes
//
//	BatchMessage = H("veil/batch/v1" ‖ u8 len(chain_id) ‖ chain_id ‖ u64 height ‖ batch_root[32])
//
// and the sequencer's app hash commits to the batch root (see Firm
// proofs), so the validators' CometBFT commit covers it too.
//
// Proofs are RFC 9162 §2.1.3 audit paths (leaf index, tree size, sibling
// hashes from the leaf up) at both levels: a leg in its rollup's tree
// (LegProof.Path, whose tree size must equal the entry's leg_count) and an
// entry in the batch tree.
//
// # What a rollup checks
//
// VerifyBatch: every leg is for this rollup and height, its manifest
// lists this rollup with H(data), legs are in strictly increasing block
// position, and their tree root and count form the entry whose audit path
// leads to the batch root (or, for an empty batch, the absence proof
// holds). So a changed, dropped, added or reordered leg fails. Because
// every leg of a bundle is in the same block under the same root, a leg's
// manifest tells its rollup which other rollups received which data at
// the same height; VerifyLeg checks any one of them (Block.Bundle serves
// them all). Execution atomicity, that every leg also succeeds on its
// rollup, is the rollups' own matter.
//
// VerifySignedBatch adds the committee's signature, binding the root to
// the chain and height.
//
// # Firm proofs
//
// The block K that records a height's decryption keys (or the height
// itself, when it has no envelopes) hashes the batch roots it records
// into its app hash, with SHA-256:
//
//	firm_roots(K) = SHA-256("veil/firm-roots/v1\x00" ‖ u32 n ‖ n × (u64 height ‖ batch_root[32]))
//	AppHash(K)    = SHA-256("veil/app-hash/v2\x00" ‖ AppHash(K−1)[32] ‖ u64 K ‖ changes_root(K)[32] ‖ firm_roots(K))
//
// heights strictly increasing. The header of block K+1 carries AppHash(K)
// and the validators sign it. A FirmProof holds AppHash(K−1),
// changes_root(K) and the roots; FirmProof.Check finds the root and
// FirmProof.AppHash recomputes AppHash(K) for comparison with a header
// whose commit the caller has verified (the Go SDK's client.VerifyFirm
// does all of it). Its binary form is
//
//	u8 1 ‖ u64 K ‖ AppHash(K−1)[32] ‖ changes_root(K)[32] ‖ u32 n ‖ n × (u64 height ‖ batch_root[32])
package rollupfeed
