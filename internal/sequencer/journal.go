package sequencer

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/veilseq/veil/mempool"
)

// The journal keeps the envelopes this node's API admitted until they are
// included, so that a node restarted before it gossiped them (CometBFT's
// mempool lives in memory only) submits them again instead of losing
// envelopes whose submission it acknowledged — as go-ethereum's
// transaction pool journals its local transactions.
//
// File format: a sequence of records, each
//
//	u32 length n (big endian, 1..mempool.MaxEnvelopeSize)
//	n B envelope, as submitted
//	u32 CRC-32C of the envelope
//
// Records are appended as envelopes are admitted, without fsync: a killed
// process loses nothing (the bytes are in the page cache), a machine that
// loses power may lose the newest ones. A torn or corrupt record ends the
// file: reading keeps what precedes it. The journal is rewritten (to a
// temporary file, synced, renamed over it) with the envelopes still
// awaiting inclusion at start and whenever it holds more than twice as
// many records as that.

// JournalFile is the journal's file name in Config.JournalDir.
const JournalFile = "api-journal.bin"

// ErrJournal reports a journal that cannot be read or written.
var ErrJournal = errors.New("sequencer: envelope journal")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

type journal struct {
	path string
	max  int64 // bytes; beyond it new envelopes are not journaled

	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	records int
	size    int64
	full    bool // logged once per overflow
}

// openJournal reads the journal at path (absent is empty) and opens it for
// appending. It returns the envelopes it holds and how many records it
// dropped as corrupt.
func openJournal(path string, max int64) (*journal, [][]byte, int, error) {
	envs, dropped, err := readJournal(path)
	if err != nil {
		return nil, nil, 0, err
	}
	j := &journal{path: path, max: max}
	if err := j.reopen(); err != nil {
		return nil, nil, 0, err
	}
	return j, envs, dropped, nil
}

// readJournal returns the well-formed records of the journal at path, and
// 1 if a torn or corrupt record ended it.
func readJournal(path string) ([][]byte, int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrJournal, err)
	}
	defer f.Close()
	envs, err := parseJournal(bufio.NewReader(f))
	if err != nil {
		return envs, 1, nil
	}
	return envs, 0, nil
}

// parseJournal decodes records until EOF. A record that is torn, too
// large or fails its checksum ends the journal with an error; the records
// before it are returned.
func parseJournal(r io.Reader) ([][]byte, error) {
	var envs [][]byte
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return envs, nil
			}
			return envs, fmt.Errorf("%w: torn record length after %d records", ErrJournal, len(envs))
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if n == 0 || n > mempool.MaxEnvelopeSize {
			return envs, fmt.Errorf("%w: record %d of %d bytes", ErrJournal, len(envs), n)
		}
		buf := make([]byte, n+4)
		if _, err := io.ReadFull(r, buf); err != nil {
			return envs, fmt.Errorf("%w: torn record %d", ErrJournal, len(envs))
		}
		env, sum := buf[:n:n], binary.BigEndian.Uint32(buf[n:])
		if crc32.Checksum(env, crcTable) != sum {
			return envs, fmt.Errorf("%w: record %d fails its checksum", ErrJournal, len(envs))
		}
		envs = append(envs, env)
	}
}

func appendRecord(w io.Writer, env []byte) (int64, error) {
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(env)))
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.Checksum(env, crcTable))
	for _, p := range [][]byte{hdr[:], env, sum[:]} {
		if _, err := w.Write(p); err != nil {
			return 0, err
		}
	}
	return int64(len(env) + 8), nil
}

// add appends env. It reports false, without error, when the journal is
// at its size limit.
func (j *journal) add(env []byte) (bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return false, fmt.Errorf("%w: closed", ErrJournal)
	}
	if j.size+int64(len(env))+8 > j.max {
		return false, nil
	}
	n, err := appendRecord(j.w, env)
	if err == nil {
		err = j.w.Flush()
	}
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrJournal, err)
	}
	j.records++
	j.size += n
	return true, nil
}

// rewrite replaces the journal's content with envs.
func (j *journal) rewrite(envs [][]byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("%w: closed", ErrJournal)
	}
	tmp, err := os.CreateTemp(filepath.Dir(j.path), JournalFile+".tmp*")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	w := bufio.NewWriter(tmp)
	var size int64
	records := 0
	for _, env := range envs {
		if size+int64(len(env))+8 > j.max {
			break
		}
		n, err := appendRecord(w, env)
		if err != nil {
			tmp.Close()
			return fmt.Errorf("%w: %v", ErrJournal, err)
		}
		size += n
		records++
	}
	if err := errors.Join(w.Flush(), tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	if d, err := os.Open(filepath.Dir(j.path)); err == nil {
		_ = d.Sync() // the rename, durably; best effort
		d.Close()
	}
	_ = j.f.Close()
	j.f = nil
	if err := j.reopenLocked(); err != nil {
		return err
	}
	j.records, j.size, j.full = records, size, false
	return nil
}

func (j *journal) reopen() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.reopenLocked()
}

func (j *journal) reopenLocked() error {
	f, err := os.OpenFile(j.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	j.f, j.w, j.size = f, bufio.NewWriter(f), st.Size()
	return nil
}

// count returns the records written since the last rewrite (or open).
func (j *journal) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.records
}

// overflowing reports, once per overflow, that an envelope was not
// journaled for lack of room.
func (j *journal) overflowing() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	first := !j.full
	j.full = true
	return first
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := errors.Join(j.w.Flush(), j.f.Sync(), j.f.Close())
	j.f = nil
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	return nil
}
