package keystore

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/veilseq/veil/threshold"
)

// Secrets are one committee member's secrets for one eon: the eon secret
// key share it releases key shares with, and the Ed25519 member key whose
// public half the eon's genesis record registers (it signs submissions to
// nodes' KeyholderService).
type Secrets struct {
	// ChainID is the chain the eon belongs to; submissions are signed for it.
	ChainID string
	// Share is the member's secret key share; it names the eon and the
	// member index.
	Share *threshold.SecretKeyShare
	// MemberKey is the member's Ed25519 keyholder key.
	MemberKey ed25519.PrivateKey
}

// Eon returns the eon the secrets are for.
func (s *Secrets) Eon() uint64 { return s.Share.Eon() }

// Member returns the 1-based member index.
func (s *Secrets) Member() int { return s.Share.Index() }

// String describes the secrets without revealing them, for every fmt verb.
func (s Secrets) String() string {
	if s.Share == nil {
		return "keystore.Secrets{}"
	}
	return fmt.Sprintf("keystore.Secrets{chain: %q, eon: %d, member: %d, secrets: REDACTED}", s.ChainID, s.Share.Eon(), s.Share.Index())
}

// Format prints String for every verb, so no verb reaches the keys.
func (s Secrets) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// header is the first line of the plaintext inside the age file. The
// version is in it, so a later format is told apart from a corrupt one.
const header = "veil-keyholder-secrets/v1"

const headerPrefix = "veil-keyholder-secrets/"

// fields are the lines after the header, in this order, each exactly once.
var fields = [...]string{"chain-id", "eon", "member", "eon-share", "member-key"}

// ErrFormat reports plaintext that is not a secrets file of a version
// this build reads. Its messages name the line and field, never a value.
var ErrFormat = errors.New("keystore: malformed secrets")

// ErrVersion reports a secrets file of a version this build does not read.
var ErrVersion = errors.New("keystore: unsupported secrets format version")

// Marshal encodes the secrets as the versioned text format that Save
// encrypts:
//
//	veil-keyholder-secrets/v1
//	chain-id: <chain id, visible ASCII>
//	eon: <decimal>
//	member: <decimal, 1-based>
//	eon-share: <hex of threshold.SecretKeyShare.MarshalBinary>
//	member-key: <hex of the 32-byte Ed25519 seed>
//
// Lines end in "\n"; hex is lowercase; the encoding is canonical, so
// Parse(Marshal(s)) re-marshals to the same bytes.
func (s *Secrets) Marshal() ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	share, err := s.Share.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("keystore: eon share: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for i, v := range []string{
		s.ChainID,
		strconv.FormatUint(s.Eon(), 10),
		strconv.Itoa(s.Member()),
		hex.EncodeToString(share),
		hex.EncodeToString(s.MemberKey.Seed()),
	} {
		b.WriteString(fields[i] + ": " + v + "\n")
	}
	return b.Bytes(), nil
}

func (s *Secrets) check() error {
	switch {
	case s.Share == nil:
		return fmt.Errorf("%w: no eon share", ErrFormat)
	case len(s.MemberKey) != ed25519.PrivateKeySize:
		return fmt.Errorf("%w: member key is not an Ed25519 private key", ErrFormat)
	}
	return checkChainID(s.ChainID)
}

func checkChainID(id string) error {
	if id == "" || len(id) > 255 {
		return fmt.Errorf("%w: chain id must be 1 to 255 bytes", ErrFormat)
	}
	for i := range len(id) {
		if id[i] <= ' ' || id[i] > '~' {
			return fmt.Errorf("%w: chain id must be visible ASCII", ErrFormat)
		}
	}
	return nil
}

// Parse decodes the plaintext Marshal produces. It accepts only the
// canonical encoding; its errors name the line or field at fault and
// never contain key material.
func Parse(b []byte) (*Secrets, error) {
	if !bytes.HasSuffix(b, []byte("\n")) {
		return nil, fmt.Errorf("%w: missing final newline", ErrFormat)
	}
	lines := bytes.Split(b[:len(b)-1], []byte("\n"))
	if string(lines[0]) != header {
		if bytes.HasPrefix(lines[0], []byte(headerPrefix)) {
			return nil, fmt.Errorf("%w: this build reads %s", ErrVersion, header)
		}
		return nil, fmt.Errorf("%w: line 1 is not %q", ErrFormat, header)
	}
	if len(lines) != 1+len(fields) {
		return nil, fmt.Errorf("%w: %d lines, want %d", ErrFormat, len(lines), 1+len(fields))
	}
	vals := make([]string, len(fields))
	for i, name := range fields {
		v, ok := bytes.CutPrefix(lines[1+i], []byte(name+": "))
		if !ok {
			return nil, fmt.Errorf("%w: line %d is not the %s field", ErrFormat, i+2, name)
		}
		vals[i] = string(v)
	}
	s := &Secrets{ChainID: vals[0]}
	if err := checkChainID(s.ChainID); err != nil {
		return nil, err
	}
	eon, err := parseDecimal("eon", vals[1], 64)
	if err != nil {
		return nil, err
	}
	member, err := parseDecimal("member", vals[2], 16)
	if err != nil {
		return nil, err
	}
	share, err := parseHex("eon-share", vals[3])
	if err != nil {
		return nil, err
	}
	// threshold's parse errors describe the structure, never the scalar.
	if s.Share, err = threshold.ParseSecretKeyShare(share); err != nil {
		return nil, fmt.Errorf("%w: eon-share: %v", ErrFormat, err)
	}
	if s.Share.Eon() != eon || uint64(s.Share.Index()) != member {
		return nil, fmt.Errorf("%w: eon-share is member %d of eon %d, the file says member %d of eon %d", ErrFormat, s.Share.Index(), s.Share.Eon(), member, eon)
	}
	seed, err := parseHex("member-key", vals[4])
	if err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: member-key is %d bytes, want %d", ErrFormat, len(seed), ed25519.SeedSize)
	}
	s.MemberKey = ed25519.NewKeyFromSeed(seed)
	return s, nil
}

func parseDecimal(name, v string, bits int) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil || strconv.FormatUint(n, 10) != v {
		return 0, fmt.Errorf("%w: %s is not a canonical decimal", ErrFormat, name)
	}
	return n, nil
}

// parseHex decodes lowercase hex. Its error does not quote the offending
// character: it could be part of a key.
func parseHex(name, v string) ([]byte, error) {
	b, err := hex.DecodeString(v)
	if err != nil || hex.EncodeToString(b) != v {
		return nil, fmt.Errorf("%w: %s is not lowercase hex", ErrFormat, name)
	}
	return b, nil
}
