// Package contracts anchors veil's sequence on Ethereum: the Solidity
// sources (src/), their compiled artifacts (artifacts/, built by build.sh
// with a pinned solc), go-ethereum abigen v2 bindings (bindings/), and the
// Go helpers that turn veil's values into contract arguments.
//
// Two contracts:
//
//   - CommitteeRegistry records each eon's committee (activation height,
//     threshold, member addresses, eon key P in G2) under an owner with a
//     two-step ownership transfer. Eon e signs heights
//     [activation(e), activation(e+1)); the owner can revoke an eon.
//   - BatchInbox stores the batch root of each posted height after checking
//     the committee's threshold BLS signature on
//     rollupfeed.BatchMessage(chainID, height, root) with the EIP-2537
//     precompiles, and proves legs against posted roots (VerifyLeg, the
//     rollupfeed Merkle scheme). PostBatches checks several heights of one
//     eon against one aggregate signature (SumSignatures). Heights
//     strictly increase, so whoever posts a later height first makes the
//     heights before it unpostable; the registry's owner therefore keeps a
//     poster allowlist (addPoster, removePoster): empty, anyone may post;
//     non-empty, only the listed posters.
//
// DeployRegistry and DeployInbox deploy the two; EnsureEon registers an
// eon unless the registry already holds it (KeyholderAddresses names
// members that have no L1 accounts, as on a devnet). The relayer
// (contracts/relayer) follows firm batch roots and posts them; `veil
// devnet --l1` runs the whole set-up against a simulated or real L1.
package contracts
