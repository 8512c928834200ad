package dkg

import "errors"

// Errors returned by this package, to be matched with errors.Is. Returned
// errors may wrap them with context (a phase, an index); they never contain
// key material.
var (
	// ErrConfig reports an unusable Config: no members, a threshold outside
	// [1, n], duplicate member keys, or Self not among the members.
	ErrConfig = errors.New("dkg: invalid config")
	// ErrKey reports a long-term key encoding that does not decode.
	ErrKey = errors.New("dkg: invalid long-term key")
	// ErrRandom reports a failure reading Config.Rand or the key generator's
	// reader.
	ErrRandom = errors.New("dkg: reading randomness")

	// ErrMalformed reports message bytes that do not decode: truncated,
	// trailing bytes, an unknown type, a zero index or a non-canonical field.
	ErrMalformed = errors.New("dkg: malformed message")
	// ErrVersion reports a message or key whose version byte is unknown.
	ErrVersion = errors.New("dkg: unsupported version")
	// ErrWrongEon reports a message of another eon.
	ErrWrongEon = errors.New("dkg: message for another eon")
	// ErrWrongSession reports a message of the same eon but another run (a
	// different committee, threshold or Config.Session).
	ErrWrongSession = errors.New("dkg: message for another session")
	// ErrUnknownSender reports a sender index above the committee size.
	ErrUnknownSender = errors.New("dkg: sender is not a member")
	// ErrBadSignature reports a message whose signature does not verify
	// under the long-term key of the member it names as sender.
	ErrBadSignature = errors.New("dkg: bad signature")
	// ErrInvalid reports an authenticated message that contradicts the
	// session: a commitment count other than the threshold, an index above
	// n, or a commitment that is not a point of G2.
	ErrInvalid = errors.New("dkg: invalid message")
	// ErrDuplicate reports a message identical to one already handled. It is
	// harmless: a transport that relays messages will see it routinely.
	ErrDuplicate = errors.New("dkg: duplicate message")
	// ErrEquivocation reports a second, different, validly signed message of
	// one type from one sender: evidence that the sender is faulty.
	ErrEquivocation = errors.New("dkg: sender sent two different messages of one type")
	// ErrLate reports a message for a phase this participant has closed.
	ErrLate = errors.New("dkg: message for a closed phase")

	// ErrNotFinished is returned by Participant.Result before the run ends.
	ErrNotFinished = errors.New("dkg: run not finished")
	// ErrFailed reports a run that ended without a key for this member:
	// fewer than t qualified dealers, or this member evicted by the others.
	ErrFailed = errors.New("dkg: run failed")
)
