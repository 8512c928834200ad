package rollupfeed

import "errors"

// Errors. Every error this package returns wraps one of them; match with
// errors.Is.
var (
	// ErrBadBundle: a multi-rollup plaintext is not a well-formed bundle.
	// The transaction is failed.
	ErrBadBundle = errors.New("rollupfeed: malformed bundle")
	// ErrBundleMismatch: a bundle's legs do not name exactly the
	// envelope's clear destination rollups. The transaction is failed.
	ErrBundleMismatch = errors.New("rollupfeed: bundle legs do not match the envelope's rollups")
	// ErrNotDecrypted wraps the decryption error of a transaction whose
	// payload did not open. The transaction is failed.
	ErrNotDecrypted = errors.New("rollupfeed: payload did not decrypt")

	// ErrBadInput: BuildBlock's arguments break its contract (height,
	// chain id, transaction order, a destination list mempool would not
	// admit). It is a caller bug, not a property of the plaintexts.
	ErrBadInput = errors.New("rollupfeed: invalid block input")

	// ErrMalformed: bytes that do not parse as the encoding asked for.
	ErrMalformed = errors.New("rollupfeed: malformed encoding")

	// ErrWrongHeight: a leg names another height than its batch.
	ErrWrongHeight = errors.New("rollupfeed: leg from another height")
	// ErrWrongRollup: a leg names another rollup than its batch or proof.
	ErrWrongRollup = errors.New("rollupfeed: leg for another rollup")
	// ErrLegOrder: a batch's legs are not in strictly increasing block
	// position.
	ErrLegOrder = errors.New("rollupfeed: legs out of block order")
	// ErrBadManifest: a leg's manifest is malformed or does not commit to
	// the leg's own data.
	ErrBadManifest = errors.New("rollupfeed: manifest does not commit to the leg")
	// ErrBadProof: a proof has the wrong shape (an index outside the
	// tree, a path of the wrong length, an inclusion proof where an
	// absence proof belongs or the reverse).
	ErrBadProof = errors.New("rollupfeed: malformed proof")
	// ErrRootMismatch: the legs and proof do not hash to the batch root:
	// a leg was changed, dropped, added or moved, or the root belongs to
	// another block.
	ErrRootMismatch = errors.New("rollupfeed: batch does not match the batch root")
	// ErrNotAbsent: an absence proof does not show that the rollup has no
	// entry (its neighbours are not adjacent or do not enclose it).
	ErrNotAbsent = errors.New("rollupfeed: absence proof does not exclude the rollup")
	// ErrBadSignature: the committee's signature on the batch message
	// does not verify.
	ErrBadSignature = errors.New("rollupfeed: bad batch signature")
)
