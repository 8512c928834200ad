package feed

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

// The store keeps, per committed height, the block's envelopes as the
// feed needs them. A record is
//
//	u32 count n
//	n × ( [32] tx hash ‖ u32 position ‖ u8 rollup count r (1..16) ‖
//	      r × u64 rollup ‖ u8 kind ‖ body )
//
// kind 0 (header only: the block's keys are not recorded) has no body;
// kind 1 (decrypted) is u32 length ‖ plaintext; kind 2 (did not decrypt)
// is u16 length ‖ the error text. Header records (tagHeaders) hold kind
// 0 only; firm records (tagFirm) kinds 1 and 2. A plaintext that does not
// open for its rollups is stored as decrypted: BuildBlock fails it again,
// the same way.

const (
	kindHeader    = 0
	kindPlaintext = 1
	kindFailed    = 2

	maxErrText = 1 << 10
)

// errCorrupt: a stored record does not parse.
var errCorrupt = errors.New("feed: corrupt store record")

// errText is the stored error of a transaction whose payload did not
// decrypt.
type errText string

func (e errText) Error() string { return string(e) }

// encodeRecord writes each transaction as failed if Err is set, as
// decrypted if Plaintext is non-nil, and as a header otherwise.
func encodeRecord(txs []rollupfeed.DecryptedTx) []byte {
	n := 4
	for _, tx := range txs {
		n += 32 + 4 + 1 + 8*len(tx.Rollups) + 1 + 4 + len(tx.Plaintext)
	}
	b := make([]byte, 0, n)
	b = binary.BigEndian.AppendUint32(b, uint32(len(txs)))
	for _, tx := range txs {
		b = append(b, tx.Hash[:]...)
		b = binary.BigEndian.AppendUint32(b, tx.Index)
		b = append(b, byte(len(tx.Rollups)))
		for _, r := range tx.Rollups {
			b = binary.BigEndian.AppendUint64(b, r)
		}
		switch {
		case tx.Err != nil:
			msg := tx.Err.Error()
			if len(msg) > maxErrText {
				msg = msg[:maxErrText]
			}
			b = append(b, kindFailed)
			b = binary.BigEndian.AppendUint16(b, uint16(len(msg)))
			b = append(b, msg...)
		case tx.Plaintext != nil:
			b = append(b, kindPlaintext)
			b = binary.BigEndian.AppendUint32(b, uint32(len(tx.Plaintext)))
			b = append(b, tx.Plaintext...)
		default:
			b = append(b, kindHeader)
		}
	}
	return b
}

// decodeRecord parses a record; the plaintexts alias b.
func decodeRecord(b []byte) ([]rollupfeed.DecryptedTx, error) {
	r := reader{b: b}
	n := r.u32()
	// Each transaction takes at least 46 bytes.
	if r.err == nil && uint64(n) > uint64(len(r.b))/46 {
		return nil, fmt.Errorf("%w: %d transactions in %d bytes", errCorrupt, n, len(b))
	}
	txs := make([]rollupfeed.DecryptedTx, 0, n)
	for range n {
		var tx rollupfeed.DecryptedTx
		copy(tx.Hash[:], r.take(common.HashLength))
		tx.Index = r.u32()
		nr := int(r.u8())
		if r.err == nil && (nr == 0 || nr > rollupfeed.MaxBundleLegs) {
			return nil, fmt.Errorf("%w: %d rollups", errCorrupt, nr)
		}
		tx.Rollups = make([]uint64, 0, nr)
		for range nr {
			tx.Rollups = append(tx.Rollups, r.u64())
		}
		switch k := r.u8(); k {
		case kindHeader:
		case kindPlaintext:
			tx.Plaintext = r.take(int(r.u32()))
			if tx.Plaintext == nil {
				tx.Plaintext = []byte{}
			}
		case kindFailed:
			n := int(r.u16())
			if r.err == nil && n > maxErrText {
				return nil, fmt.Errorf("%w: error text of %d bytes", errCorrupt, n)
			}
			tx.Err = errText(r.take(n))
		default:
			if r.err == nil {
				return nil, fmt.Errorf("%w: kind %d", errCorrupt, k)
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		txs = append(txs, tx)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(r.b))
	}
	return txs, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = fmt.Errorf("%w: truncated", errCorrupt)
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}
