package threshold_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// memoFixture is one block's worth of inputs: an eon, identities, three
// members' shares, the aggregated keys and one ciphertext per identity.
type memoFixture struct {
	pk     *threshold.EonPublicKey
	sks    []*threshold.SecretKeyShare
	ids    []threshold.Identity
	shares map[int][]*threshold.KeyShare
	keys   []*threshold.DecryptionKey
	cts    [][]byte
	header []byte
}

func newMemoFixture(t *testing.T, m int) *memoFixture {
	t.Helper()
	f := &memoFixture{header: []byte("header")}
	f.pk, f.sks = deal(t, "memo", 1, 3, 4)
	f.ids = testIdentities(1, m)
	f.shares = sharesOf(f.sks, f.ids, 1, 2, 3)
	var err error
	if f.keys, err = threshold.AggregateKeys(f.pk, f.ids, f.shares); err != nil {
		t.Fatal(err)
	}
	for j, id := range f.ids {
		ct, err := threshold.Encrypt(seeded(fmt.Sprint("ct", j)), f.pk, id, f.header, fmt.Appendf(nil, "payload %d", j))
		if err != nil {
			t.Fatal(err)
		}
		f.cts = append(f.cts, ct)
	}
	return f
}

// A memo gives what the functions give, for valid and invalid inputs
// alike, and never an outcome remembered for other inputs.
func TestMemoMatchesDirect(t *testing.T) {
	f := newMemoFixture(t, 4)
	m := threshold.NewMemo(1024)
	for round := range 2 { // second round: from the memo
		t.Run(fmt.Sprint("round", round), func(t *testing.T) {
			var sender [20]byte
			var prefix [32]byte
			prefix[1] = 1
			if got, want := m.DeriveIdentity("veil-test", 1, sender, prefix), threshold.DeriveIdentity("veil-test", 1, sender, prefix); !got.Equal(want) {
				t.Fatal("identity differs")
			}
			if m.DeriveIdentity("veil-test", 2, sender, prefix).Equal(m.DeriveIdentity("veil-test", 1, sender, prefix)) {
				t.Fatal("identities of different eons are equal")
			}

			if err := m.VerifyKeyShares(rand.Reader, f.pk, 1, f.ids, f.shares[1]); err != nil {
				t.Fatalf("valid shares: %v", err)
			}
			// Member 2's shares are not member 1's: the memo must not
			// answer from member 1's entry.
			wrong := append([]*threshold.KeyShare(nil), f.shares[2]...)
			if err := m.VerifyKeyShares(rand.Reader, f.pk, 1, f.ids, wrong); err == nil {
				t.Fatal("member 2's shares accepted as member 1's")
			}
			// Member 1's shares for other identities.
			swapped := append([]*threshold.KeyShare{f.shares[1][1], f.shares[1][0]}, f.shares[1][2:]...)
			if err := m.VerifyKeyShares(rand.Reader, f.pk, 1, f.ids, swapped); !errors.Is(err, threshold.ErrInvalidShare) {
				t.Fatalf("swapped shares: %v, want ErrInvalidShare", err)
			}

			for _, members := range [][]int{{1, 2, 3}, {1, 2, 4}} {
				got, err := m.AggregateKeys(f.pk, f.ids, sharesOf(f.sks, f.ids, members...))
				if err != nil {
					t.Fatal(err)
				}
				for j := range got {
					if !got[j].Equal(f.keys[j]) {
						t.Fatalf("members %v: key %d differs", members, j)
					}
				}
			}
			if _, err := m.AggregateKeys(f.pk, f.ids, map[int][]*threshold.KeyShare{1: f.shares[1], 2: f.shares[2]}); !errors.Is(err, threshold.ErrTooFewShares) {
				t.Fatalf("two members of three: %v", err)
			}

			if err := m.VerifyDecryptionKeys(rand.Reader, f.pk, f.ids, f.keys); err != nil {
				t.Fatalf("valid keys: %v", err)
			}
			swappedKeys := append([]*threshold.DecryptionKey{f.keys[1], f.keys[0]}, f.keys[2:]...)
			if err := m.VerifyDecryptionKeys(rand.Reader, f.pk, f.ids, swappedKeys); !errors.Is(err, threshold.ErrInvalidKey) {
				t.Fatalf("swapped keys: %v, want ErrInvalidKey", err)
			}
			kb, _ := f.keys[0].MarshalBinary()
			if k, err := m.ParseDecryptionKey(kb); err != nil || !k.Equal(f.keys[0]) {
				t.Fatalf("key round trip: %v", err)
			}
			kb[len(kb)-1] ^= 1
			if _, err := m.ParseDecryptionKey(kb); err == nil {
				if _, direct := threshold.ParseDecryptionKey(kb); direct != nil {
					t.Fatal("memo decoded a key the decoder rejects")
				}
			}

			msg := []byte("batch root")
			partials := make([]*threshold.PartialSignature, 3)
			for i := range partials {
				partials[i] = f.sks[i].SignPartial(msg)
			}
			if err := m.VerifyPartial(f.pk, msg, partials[0]); err != nil {
				t.Fatalf("valid partial: %v", err)
			}
			if err := m.VerifyPartial(f.pk, []byte("other root"), partials[0]); err == nil {
				t.Fatal("partial accepted for another message")
			}
			sig, err := threshold.AggregateSignatures(f.pk, partials)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.VerifySignature(f.pk, msg, sig); err != nil {
				t.Fatalf("valid signature: %v", err)
			}

			items := []threshold.DecryptItem{
				{Key: f.keys[0], Ciphertext: f.cts[0], Header: f.header},
				{Key: f.keys[1], Ciphertext: f.cts[0], Header: f.header},                   // wrong key
				{Key: f.keys[0], Ciphertext: f.cts[0], Header: []byte("other header")},     // wrong header
				{Key: f.keys[2], Ciphertext: f.cts[2][:len(f.cts[2])-1], Header: f.header}, // mauled
				{Key: f.keys[3], Ciphertext: []byte{0xff}, Header: f.header},               // malformed
			}
			c, err := m.ParseCiphertext(f.cts[3])
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, threshold.DecryptItem{Key: f.keys[3], Parsed: c, Header: f.header})
			got, want := m.DecryptBatch(items), threshold.DecryptBatch(items)
			for j := range items {
				if !bytes.Equal(got[j].Plaintext, want[j].Plaintext) || (got[j].Err == nil) != (want[j].Err == nil) {
					t.Errorf("item %d: memo %q/%v, direct %q/%v", j, got[j].Plaintext, got[j].Err, want[j].Plaintext, want[j].Err)
				}
			}
			if want[0].Err != nil || want[5].Err != nil || want[1].Err == nil || want[2].Err == nil || want[3].Err == nil || want[4].Err == nil {
				t.Fatalf("fixture: %+v", want)
			}
			got[0].Plaintext[0] ^= 1 // the caller's own copy
		})
	}
	c := m.Counts()
	if c.Decryptions.Misses != 6 || c.Decryptions.Hits != 6 || c.Shares.Misses != 12 || c.Shares.Hits != 12 || c.Aggregations.Misses != 12 || c.Aggregations.Hits != 12 ||
		c.KeyChecks.Misses != 8 || c.KeyChecks.Hits != 8 || c.Keys.Misses != 2 || c.Keys.Hits != 2 || c.Signatures.Misses != 3 || c.Signatures.Hits != 3 {
		t.Fatalf("counts %+v", c)
	}
}

// Concurrent calls with the same inputs compute once.
func TestMemoComputesOnceConcurrently(t *testing.T) {
	f := newMemoFixture(t, 8)
	m := threshold.NewMemo(1024)
	items := make([]threshold.DecryptItem, len(f.ids))
	for j := range items {
		items[j] = threshold.DecryptItem{Key: f.keys[j], Ciphertext: f.cts[j], Header: f.header}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for j, r := range m.DecryptBatch(items) {
				if r.Err != nil || string(r.Plaintext) != fmt.Sprintf("payload %d", j) {
					t.Errorf("item %d: %q %v", j, r.Plaintext, r.Err)
				}
			}
			if err := m.VerifyKeyShares(rand.Reader, f.pk, 2, f.ids, f.shares[2]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	c := m.Counts()
	if c.Decryptions.Misses != uint64(len(items)) || c.Decryptions.Hits != 3*uint64(len(items)) {
		t.Fatalf("decryptions %+v, want %d computed", c.Decryptions, len(items))
	}
	if c.Shares.Misses != 8 || c.Shares.Hits != 24 {
		t.Fatalf("share batches %+v, want 1 computed", c.Shares)
	}
}

// The memo keeps at most its bound; older outcomes are computed again.
func TestMemoBounded(t *testing.T) {
	m := threshold.NewMemo(8)
	var sender [20]byte
	var prefix [32]byte
	for i := range 100 {
		prefix[0] = byte(i)
		m.DeriveIdentity("veil-test", 1, sender, prefix)
	}
	prefix[0] = 0
	m.DeriveIdentity("veil-test", 1, sender, prefix) // long evicted
	prefix[0] = 99
	m.DeriveIdentity("veil-test", 1, sender, prefix) // recent
	if c := m.Counts().Identities; c.Misses != 101 || c.Hits != 1 {
		t.Fatalf("identities %+v, want 101 computed and 1 remembered", c)
	}
}

// A nil or disabled memo computes every time.
func TestMemoDisabled(t *testing.T) {
	f := newMemoFixture(t, 1)
	var nilMemo *threshold.Memo
	item := []threshold.DecryptItem{{Key: f.keys[0], Ciphertext: f.cts[0], Header: f.header}}
	if r := nilMemo.DecryptBatch(item); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	m := threshold.NewMemo(8)
	m.SetEnabled(false)
	m.DecryptBatch(item)
	m.DecryptBatch(item)
	if c := m.Counts(); c != (threshold.MemoCounts{}) {
		t.Fatalf("disabled memo counted %+v", c)
	}
}

// Several nodes in one process open the same committed envelope: the
// first computes, the others get the remembered plaintext.
func ExampleMemo() {
	pk, sks, err := threshold.DealKeys(rand.Reader, 1, 2, 3)
	if err != nil {
		panic(err)
	}
	memo := threshold.NewMemo(1024)
	id := memo.DeriveIdentity("veil-devnet", 1, [20]byte{1}, [32]byte{2})
	ct, err := threshold.Encrypt(rand.Reader, pk, id, []byte("header"), []byte("hello"))
	if err != nil {
		panic(err)
	}
	ids := []threshold.Identity{id}
	keys, err := threshold.AggregateKeys(pk, ids, map[int][]*threshold.KeyShare{1: sks[0].KeyShares(ids), 2: sks[1].KeyShares(ids)})
	if err != nil {
		panic(err)
	}
	for range 3 {
		r := memo.DecryptBatch([]threshold.DecryptItem{{Key: keys[0], Ciphertext: ct, Header: []byte("header")}})
		fmt.Println(string(r[0].Plaintext), r[0].Err)
	}
	c := memo.Counts().Decryptions
	fmt.Println("computed", c.Misses, "remembered", c.Hits)
	// Output:
	// hello <nil>
	// hello <nil>
	// hello <nil>
	// computed 1 remembered 2
}
