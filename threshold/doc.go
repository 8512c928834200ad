// Package threshold implements veil's threshold cryptography on BLS12-381:
// eon keys, identity-based encryption of transactions, key shares and their
// aggregation, and threshold BLS signatures.
package threshold
