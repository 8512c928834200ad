package sequencer

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/veilseq/veil/mempool"
)

func TestJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), JournalFile)
	j, envs, dropped, err := openJournal(path, 1<<20)
	if err != nil || len(envs) != 0 || dropped != 0 {
		t.Fatalf("new journal: %d envelopes, %d dropped, %v", len(envs), dropped, err)
	}
	want := [][]byte{[]byte("first"), bytes.Repeat([]byte{7}, 1000), []byte("third")}
	for _, e := range want {
		if ok, err := j.add(e); !ok || err != nil {
			t.Fatalf("add: %v, %v", ok, err)
		}
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	j, envs, dropped, err = openJournal(path, 1<<20)
	if err != nil || dropped != 0 || !equal(envs, want) {
		t.Fatalf("reopened: %q, %d dropped, %v", envs, dropped, err)
	}
	// A rewrite keeps exactly what it is given; appends follow it.
	if err := j.rewrite(want[2:]); err != nil {
		t.Fatal(err)
	}
	if _, err := j.add([]byte("fourth")); err != nil {
		t.Fatal(err)
	}
	if j.count() != 2 {
		t.Fatalf("count %d after a rewrite of 1 and an add", j.count())
	}
	j.close()
	if envs, _, _ := readJournal(path); !equal(envs, [][]byte{[]byte("third"), []byte("fourth")}) {
		t.Fatalf("after rewrite: %q", envs)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v, %v", st.Mode(), err)
	}
}

func TestJournalLimit(t *testing.T) {
	j, _, _, err := openJournal(filepath.Join(t.TempDir(), JournalFile), 30)
	if err != nil {
		t.Fatal(err)
	}
	defer j.close()
	if ok, err := j.add(make([]byte, 20)); !ok || err != nil {
		t.Fatalf("first add: %v, %v", ok, err)
	}
	if ok, err := j.add(make([]byte, 20)); ok || err != nil {
		t.Fatalf("add beyond the limit: %v, %v", ok, err)
	}
	if !j.overflowing() || j.overflowing() {
		t.Fatal("overflow reported other than once")
	}
}

// A crash mid-append or a damaged disk leaves a bad tail: the records
// before it are kept.
func TestJournalBadTail(t *testing.T) {
	var good bytes.Buffer
	for _, e := range []string{"one", "two"} {
		if _, err := appendRecord(&good, []byte(e)); err != nil {
			t.Fatal(err)
		}
	}
	var last bytes.Buffer
	appendRecord(&last, []byte("three"))
	flipped := append([]byte(nil), last.Bytes()...)
	flipped[6] ^= 1
	huge := binary.BigEndian.AppendUint32(nil, mempool.MaxEnvelopeSize+1)
	for name, tail := range map[string][]byte{
		"torn length":    last.Bytes()[:2],
		"torn envelope":  last.Bytes()[:7],
		"torn checksum":  last.Bytes()[:last.Len()-1],
		"bad checksum":   flipped,
		"zero length":    make([]byte, 8),
		"length too big": huge,
	} {
		path := filepath.Join(t.TempDir(), JournalFile)
		if err := os.WriteFile(path, append(append([]byte(nil), good.Bytes()...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		envs, dropped, err := readJournal(path)
		if err != nil || dropped != 1 || !equal(envs, [][]byte{[]byte("one"), []byte("two")}) {
			t.Errorf("%s: %q, dropped %d, %v", name, envs, dropped, err)
		}
	}
}

func FuzzParseJournal(f *testing.F) {
	var b bytes.Buffer
	appendRecord(&b, []byte("envelope"))
	appendRecord(&b, bytes.Repeat([]byte{0xF0}, 300))
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:5])
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		envs, err := parseJournal(bytes.NewReader(data))
		// Whatever parses re-encodes to a prefix of the input.
		var re bytes.Buffer
		for _, e := range envs {
			if len(e) == 0 || len(e) > mempool.MaxEnvelopeSize {
				t.Fatalf("record of %d bytes", len(e))
			}
			appendRecord(&re, e)
		}
		if !bytes.HasPrefix(data, re.Bytes()) {
			t.Fatal("parsed records are not a prefix of the input")
		}
		if err == nil && re.Len() != len(data) {
			t.Fatalf("no error, but %d of %d bytes parsed", re.Len(), len(data))
		}
	})
}

func equal(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
