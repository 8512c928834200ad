// Package threshold is veil's threshold cryptography on BLS12-381: eon keys,
// identity-based encryption of transactions, key shares and their
// aggregation into decryption keys, and threshold BLS signatures. It is a
// pure library: randomness comes from an io.Reader argument, and it does no
// I/O, logging or clock reads.
//
// # Roles and lifecycle
//
// A committee of n members runs a DKG once per eon (threshold/dkg; DealKeys
// is a trusted-dealer stand-in for tests). Each member i holds a
// SecretKeyShare s_i of a secret s that nobody knows; the EonPublicKey holds
// P = s·g2 and every member's public share P_i = s_i·g2, all in G2. Any t
// members together can decrypt and sign; t defaults to ⌊2n/3⌋+1
// (DefaultThreshold). Fewer than t shares reveal nothing about s (Shamir,
// "How to share a secret", CACM 1979).
//
//  1. A wallet derives the transaction's Identity from (chain ID, eon,
//     sender address, fresh random 32-byte prefix) with DeriveIdentity, and
//     calls Encrypt with the envelope header as associated data.
//  2. Nodes admit the ciphertext after CheckCiphertext (lengths and version
//     only). CometBFT orders ciphertexts blindly.
//  3. After the block commits, each member releases KeyShare values
//     k_i(id) = s_i·id for exactly that block's identities, never earlier.
//  4. Nodes verify each member's shares for the block in one batch
//     (VerifyKeyShares), interpolate any t members' shares into
//     DecryptionKey values k(id) = s·id (AggregateKeys), and decrypt
//     (Decrypt, DecryptBatch). ParseCiphertext can run while the keys are on
//     their way.
//  5. The committee signs the block's batch root with SignPartial; any t
//     verified partials aggregate into one 48-byte BLS signature
//     (AggregateSignatures) that L1 checks with the EIP-2537 precompiles.
//
// # Constructions
//
// Encryption is Boneh–Franklin identity-based encryption ("Identity-based
// encryption from the Weil pairing", CRYPTO 2001) used as a KEM in front of
// an AEAD: with r random, U = r·g2 and the KEM secret e(id, P)^r, from which
// HKDF-SHA256 derives a ChaCha20-Poly1305 key. The holder of k(id) = s·id
// recomputes the secret as e(k(id), U). Key extraction is linear in s, so
// a Shamir sharing of s gives shares s_i·id of the key, as in Boneh and
// Franklin's distributed PKG (§6 of the paper). Identities and signed
// messages are hashed to G1 with RFC 9380 hash_to_curve
// (BLS12381G1_XMD:SHA-256_SSWU_RO_) under the distinct tags IdentityDST and
// SignatureDST.
//
// Signatures are BLS (Boneh, Lynn and Shacham, "Short signatures from the
// Weil pairing", ASIACRYPT 2001) with signatures in G1 and the key in G2,
// thresholdised by Lagrange interpolation of partial signatures (Boldyreva,
// "Threshold signatures, multisignatures and blind signatures based on the
// Gap-Diffie-Hellman-group signature scheme", PKC 2003).
//
// Many shares are verified at once with random linear combinations
// (Bellare, Garay and Rabin, "Fast batch verification for modular
// exponentiation and digital signatures", EUROCRYPT 1998): a member's m
// shares cost two multi-scalar multiplications and one two-pairing product
// instead of 2m pairings. The weights must be unpredictable to whoever
// produced the shares, so callers pass crypto/rand.Reader.
//
// # Security argument: why no Fujisaki–Okamoto transform
//
// Boneh–Franklin as a KEM is only CPA-secure (IND-ID-CPA under the bilinear
// Diffie–Hellman assumption in the random-oracle model, with the adversary
// allowed to obtain the key of any identity but the target's). Veil gets
// chosen-ciphertext protection from how ciphertexts enter the chain, not from
// the ciphertext itself, and so saves the Fujisaki–Okamoto re-encryption
// check (one G2 scalar multiplication, about a quarter of a pairing, per
// decryption). The threat is a front-runner who sees a victim's ciphertext c
// (to identity id_v of sender S_v) and tries to learn its plaintext before
// the victim's transaction executes, by having the committee decrypt
// something derived from c. Every ciphertext travels in an envelope signed
// by its sender, and the committee releases keys only for the identities of
// committed envelopes, each identity computed from the envelope's own
// sender. (This is a contract on the callers: the identity a key is
// released for must be derived from the envelope's authenticated sender,
// never taken from the envelope.) So the attacker can:
//
//   - Maul c inside the victim's envelope: the envelope signature no longer
//     verifies and the envelope is rejected at admission (EUF-CMA of the
//     envelope signature).
//   - Copy c, or a mauled c', into an envelope of their own: the identity of
//     that envelope is derived from the attacker's sender S_a ≠ S_v, so the
//     key released is k(id_a) with id_a ≠ id_v. Such a key is exactly a key
//     extraction query in the IND-ID-CPA game: it leaves the KEM secret of
//     id_v pseudorandom, so the AEAD (keyed by an independent-looking key)
//     rejects c' and the attacker learns only that decryption failed, which
//     they knew. A mauled U or body, a different header, chain or eon all
//     fail the same way: the header is bound both as associated data and
//     inside the KDF, and chain ID and eon are inside the identity.
//   - Replay the victim's envelope unchanged: it is the same transaction
//     (same sender, nonce and signature), rejected as a duplicate or, if
//     included, decrypted at its own committed position, not earlier.
//
// Because the prefix is fresh per ciphertext, a key released for one
// transaction never decrypts another one of the same sender, including an
// abandoned one. The KDF also hashes U, so the AEAD key is bound to this
// exact ciphertext's KEM part. Every decryption key is public once
// released, so decryption handles no secret and a malformed U cannot leak
// anything; ParseCiphertext still rejects U outside G2 so that all nodes
// treat such a ciphertext identically and cheaply.
//
// A signature never equals a decryption key: σ = s·H_sig(m) and
// k(id) = s·H_id(x) coincide exactly when H_sig(m) = H_id(x), a collision
// between two independent random oracles (the tags differ, so
// expand_message_xmd's inputs differ in DST_prime). Hence releasing keys
// never yields a committee signature, and signatures never decrypt.
// TestSignatureNeverEqualsDecryptionKey exercises this.
//
// Robustness: VerifyKeyShares checks every share against its member's
// public share, and eon keys are checked on construction to interpolate
// consistently (the SCRAPE dual-code test: Cascudo and David, ACNS 2017),
// so any t verified shares give the correct key; a faulty member can delay
// nothing while t honest members respond.
//
// # Encodings
//
// All integers are big-endian; points use the compressed Zcash/IETF format
// (G1 48 bytes, G2 96 bytes). Decoders reject non-canonical encodings,
// points off the curve or outside the prime-order subgroup, the identity
// point, index 0 and trailing bytes, and never panic.
//
//	EonPublicKey       01 ‖ eon(8) ‖ t(2) ‖ n(2) ‖ P(96) ‖ P_1 … P_n(96 each)
//	SecretKeyShare     01 ‖ eon(8) ‖ index(2) ‖ s_i(32)
//	Ciphertext         01 ‖ U(96) ‖ ChaCha20-Poly1305(plaintext) ‖ tag(16)
//	KeyShare           01 ‖ index(2) ‖ k_i(id)(48)
//	DecryptionKey      01 ‖ k(id)(48)
//	PartialSignature   01 ‖ index(2) ‖ σ_i(48)
//	Signature          σ(48), the standard BLS encoding
//	Identity           id(48)
//
// # Side channels
//
// Scalar multiplications come from gnark-crypto, which is not constant
// time. The secret share s_i enters KeyShare and SignPartial, whose running
// time depends on s_i only through fixed properties of its GLV
// decomposition (length and number of non-zero windows), the same on every
// call. Members should still not expose fine-grained timing of share
// generation. SecretKeyShare redacts itself in every fmt verb, and no error
// of this package contains key material.
package threshold
