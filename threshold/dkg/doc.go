// Package dkg runs the distributed key generation that gives a committee
// its key for an eon: n members, each holding a long-term key, end with a
// shared eon key P = s·g2 in G2, public shares P_i = s_i·g2, and each member
// i its secret share s_i of s, such that any t shares determine s and fewer
// reveal nothing about it. Nobody ever holds s.
//
// The protocol is kyber v4's Pedersen DKG (go.dedis.ch/kyber/v4/share/dkg/
// pedersen): Pedersen's joint-Feldman DKG with the complaint and
// justification rounds of Gennaro, Jarecki, Krawczyk and Rabin, "Secure
// Distributed Key Generation for Discrete-Log Based Cryptosystems"
// (EUROCRYPT 1999), over BLS12-381 with the group G2, so that the result is
// a threshold.EonPublicKey.
//
// # Running a DKG
//
// Each member builds a Participant from a Config (the eon, the threshold,
// the members' long-term public keys in order, its own private key) and
// broadcasts what it returns. The run has three phases:
//
//  1. Deal: every member sends its commitments and one encrypted share per
//     other member.
//  2. Response: every member sends its complaints about missing or invalid
//     shares (possibly none).
//  3. Justification: every dealer complained about reveals the disputed
//     shares; those that do not, or reveal wrong ones, are disqualified.
//
// The Participant is a pure state machine. Handle takes a message received
// from the network and returns the messages to broadcast; Advance is the
// caller's timeout for the current phase. A phase also closes on its own as
// soon as everything it can bring has arrived, so a run without faults
// finishes with no timeout at all. When Phase returns PhaseDone, Result
// gives the eon key and this member's secret share, or the reason the run
// failed.
//
// # What the transport must provide
//
// kyber's DKG assumes a synchronous broadcast channel, and so does this
// package. The transport must give:
//
//   - Agreement: for each sender and message type, every honest member
//     handles the same message first. A totally ordered log (posting the
//     messages to the chain) or a reliable broadcast (Bracha's echo
//     protocol) gives this; relaying point to point does not, because a
//     member closes a phase as soon as it has one message from everyone.
//     ordering's DKG ceremony posts the messages to the chain, and
//     decrypt.RunCeremony drives a Participant from the chain's log.
//     Handle reports a second, different message from a sender as
//     ErrEquivocation, but keeps the first.
//   - Timeliness: every honest member's message reaches every honest member
//     before that member's timeout for the phase. Messages that arrive for
//     a later phase are kept; messages for a closed phase are rejected
//     (ErrLate), so timeouts must be generous.
//
// # Authentication
//
// Every message is signed with the sender's long-term Ed25519 key
// (Ed25519ctx, context "veil/dkg/v1") over its type, eon, session id,
// sender index and payload. The session id hashes the eon, the threshold,
// the ordered member keys and Config.Session, so a message of another eon,
// another committee or another run of the same eon is rejected, and so is a
// message whose sender index or type was changed. Deals are encrypted to
// the recipient's long-term G2 key with kyber's ECIES (ephemeral
// Diffie–Hellman in G2, HKDF-SHA256, AES-256-GCM).
//
// # Security notes
//
// The eon key's distribution can be biased by a rushing adversary that
// decides, after seeing the honest deals, whether its dealers qualify
// (Gennaro et al., 1999, §3); the key stays as hard to break as discrete
// logarithms, which is what encryption and signatures under it need
// (Gennaro, Jarecki, Krawczyk, Rabin, "Secure Applications of Pedersen's
// Distributed Key Generation Protocol", CT-RSA 2003).
//
// A justification reveals the disputed share in the clear. A member who
// complains about an honest dealer only gets its own share published; with
// at most n−t faulty members, fewer than t shares are ever known to the
// adversary.
//
// Every curve point received is checked to be in G2; scalars must be
// canonical. Decoders never panic on any input; FuzzParseMessage checks it.
package dkg
