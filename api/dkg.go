package api

import "errors"

// Errors a DKGBackend returns (wrapped) for a ceremony transaction it
// refuses; the server maps each to its Connect code. A signature that
// does not verify is ErrUnauthenticated and a sender outside the
// ceremony ErrPermissionDenied, as for key shares.
var (
	// ErrDKGInvalid: the transaction is malformed or contradicts the
	// ceremony (another session, a wrong activation height, too few
	// approvals, ...).
	ErrDKGInvalid = errors.New("api: invalid DKG ceremony transaction")
	// ErrDKGDuplicate: the member already posted a message of this kind
	// in this ceremony (a replay, or equivocation; the first stands).
	ErrDKGDuplicate = errors.New("api: DKG message already posted")
	// ErrDKGClosed: the message's phase deadline has passed, the eon has
	// no open ceremony, or it is registered already.
	ErrDKGClosed = errors.New("api: DKG ceremony phase closed")
)

// DKGCeremony is an eon's latest ceremony and a page of its committed
// log, as ListDKGMessages returns it.
type DKGCeremony struct {
	// Opening is the SysTxDKGOpen transaction; OpenedHeight the height of
	// the block that included it.
	Opening      []byte
	OpenedHeight int64
	// Entries are the log from the requested index on; Count is the
	// length of the whole log.
	Entries []DKGLogEntry
	Count   uint32
	// CommittedHeight is the last committed height: the log is complete
	// up to it.
	CommittedHeight int64
	// Registered reports that the eon is registered.
	Registered bool
	// ActivationHeight is the activation height the ceremony's eon
	// registration must name.
	ActivationHeight int64
}

// DKGLogEntry is one committed ceremony transaction.
type DKGLogEntry struct {
	Index  uint32
	Height int64
	Tx     []byte
}
