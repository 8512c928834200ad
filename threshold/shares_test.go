package threshold_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// TestVerifyKeySharesMatchesSingle checks the batched check against one
// check per share: a batch passes exactly when every share does.
func TestVerifyKeySharesMatchesSingle(t *testing.T) {
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 2, 3, 4)
	ids := testIdentities(2, 16)
	good := sks[1].KeyShares(ids)
	other := sks[2].KeyShares(ids)
	for bad := -1; bad < len(ids); bad += 5 {
		shares := append([]*threshold.KeyShare(nil), good...)
		if bad >= 0 {
			// Member 3's share relabelled as member 2's.
			b, _ := other[bad].MarshalBinary()
			b[2] = 2
			var err error
			if shares[bad], err = threshold.ParseKeyShare(b); err != nil {
				t.Fatal(err)
			}
		}
		single := true
		for j := range ids {
			if threshold.VerifyKeyShares(rand, pk, 2, ids[j:j+1], shares[j:j+1]) != nil {
				single = false
			}
		}
		batch := threshold.VerifyKeyShares(rand, pk, 2, ids, shares)
		if single != (batch == nil) {
			t.Fatalf("bad=%d: single checks say %v, batch says %v", bad, single, batch)
		}
		if bad >= 0 && !errors.Is(batch, threshold.ErrInvalidShare) {
			t.Fatalf("bad=%d: got %v", bad, batch)
		}
	}
}

func TestVerifyKeySharesRejects(t *testing.T) {
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 2, 3, 4)
	_, otherEon := deal(t, "other eon", 3, 3, 4)
	ids := testIdentities(2, 4)
	shares := sks[0].KeyShares(ids)
	for _, tc := range []struct {
		name   string
		member int
		ids    []threshold.Identity
		shares []*threshold.KeyShare
		want   error
	}{
		{"ok", 1, ids, shares, nil},
		{"empty batch", 1, nil, nil, nil},
		{"other member's shares", 2, ids, shares, threshold.ErrIndex},
		{"member 0", 0, ids, shares, threshold.ErrIndex},
		{"unknown member", 5, ids, shares, threshold.ErrIndex},
		{"length mismatch", 1, ids[:3], shares, threshold.ErrLength},
		{"shares for other ids", 1, testIdentities(5, 4), shares, threshold.ErrInvalidShare},
		{"shares swapped", 1, ids, []*threshold.KeyShare{shares[1], shares[0], shares[2], shares[3]}, threshold.ErrInvalidShare},
		{"wrong eon", 1, ids, otherEon[0].KeyShares(ids), threshold.ErrInvalidShare},
		{"nil share", 1, ids, []*threshold.KeyShare{shares[0], nil, shares[2], shares[3]}, threshold.ErrInvalidShare},
		{"zero share", 1, ids, []*threshold.KeyShare{shares[0], {Index: 1}, shares[2], shares[3]}, threshold.ErrInvalidShare},
		{"zero identity", 1, []threshold.Identity{ids[0], {}, ids[2], ids[3]}, shares, threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := threshold.VerifyKeyShares(rand, pk, tc.member, tc.ids, tc.shares); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestAnySubsetSameKeys checks that every t-subset of members interpolates
// the same keys, with and without consecutive indices.
func TestAnySubsetSameKeys(t *testing.T) {
	pk, sks := deal(t, t.Name(), 1, 3, 5)
	ids := testIdentities(1, 3)
	var want [][]byte
	for _, members := range [][]int{{1, 2, 3}, {3, 4, 5}, {1, 3, 5}, {2, 4, 5}, {1, 2, 3, 4, 5}, {1, 2, 4, 5}} {
		keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, members...))
		if err != nil {
			t.Fatal(err)
		}
		for j, k := range keys {
			b, _ := k.MarshalBinary()
			if want == nil || len(want) <= j {
				want = append(want, b)
			} else if !bytes.Equal(b, want[j]) {
				t.Fatalf("members %v: key %d differs", members, j)
			}
		}
	}
}

func TestAggregateKeysRejects(t *testing.T) {
	pk, sks := deal(t, t.Name(), 1, 3, 5)
	ids := testIdentities(1, 2)
	ok := sharesOf(sks, ids, 1, 2, 3)
	with := func(mod func(map[int][]*threshold.KeyShare)) map[int][]*threshold.KeyShare {
		m := map[int][]*threshold.KeyShare{}
		for i, s := range ok {
			m[i] = append([]*threshold.KeyShare(nil), s...)
		}
		mod(m)
		return m
	}
	for _, tc := range []struct {
		name   string
		shares map[int][]*threshold.KeyShare
		want   error
	}{
		{"ok", ok, nil},
		{"too few", sharesOf(sks, ids, 1, 2), threshold.ErrTooFewShares},
		{"none", nil, threshold.ErrTooFewShares},
		{"index 0", with(func(m map[int][]*threshold.KeyShare) { m[0] = m[1] }), threshold.ErrIndex},
		{"unknown member", with(func(m map[int][]*threshold.KeyShare) { m[6] = m[1] }), threshold.ErrIndex},
		{"duplicated index", with(func(m map[int][]*threshold.KeyShare) { m[4] = m[1] }), threshold.ErrDuplicateIndex},
		{"mislabelled", with(func(m map[int][]*threshold.KeyShare) { m[4] = m[1]; delete(m, 1) }), threshold.ErrIndex},
		{"short", with(func(m map[int][]*threshold.KeyShare) { m[2] = m[2][:1] }), threshold.ErrLength},
		{"nil share", with(func(m map[int][]*threshold.KeyShare) { m[2][1] = nil }), threshold.ErrInvalidShare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := threshold.AggregateKeys(pk, ids, tc.shares); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestBadShareGivesBadKey checks the contract that unverified shares yield
// keys VerifyDecryptionKeys rejects and that do not decrypt.
func TestBadShareGivesBadKey(t *testing.T) {
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 1, 2, 3)
	ids := testIdentities(1, 3)
	shares := sharesOf(sks, ids, 1, 2)
	shares[2][1] = sks[1].KeyShare(ids[0]) // member 2's share of the wrong identity
	keys, err := threshold.AggregateKeys(pk, ids, shares)
	if err != nil {
		t.Fatal(err)
	}
	if err := threshold.VerifyDecryptionKeys(rand, pk, ids, keys); !errors.Is(err, threshold.ErrInvalidKey) {
		t.Fatalf("got %v", err)
	}
	if err := threshold.VerifyDecryptionKeys(rand, pk, ids[:1], keys[:1]); err != nil {
		t.Fatalf("the good key: %v", err)
	}
	ct, _ := threshold.Encrypt(rand, pk, ids[1], nil, []byte("x"))
	if _, err := threshold.Decrypt(keys[1], ct, nil); !errors.Is(err, threshold.ErrDecrypt) {
		t.Fatalf("bad key decrypts: %v", err)
	}
	if err := threshold.VerifyDecryptionKeys(rand, pk, ids, keys[:2]); !errors.Is(err, threshold.ErrLength) {
		t.Fatal(err)
	}
}

func TestShareAndKeyEncoding(t *testing.T) {
	pk, sks := deal(t, t.Name(), 1, 1, 2)
	ids := testIdentities(1, 1)
	ks := sks[1].KeyShare(ids[0])
	b, err := ks.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := threshold.ParseKeyShare(b)
	if err != nil || got.Index != 2 {
		t.Fatal(err)
	}
	if b2, _ := got.MarshalBinary(); !bytes.Equal(b, b2) {
		t.Fatal("key share round trip")
	}
	keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 2))
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := keys[0].MarshalBinary()
	k, err := threshold.ParseDecryptionKey(kb)
	if err != nil {
		t.Fatal(err)
	}
	if kb2, _ := k.MarshalBinary(); !bytes.Equal(kb, kb2) {
		t.Fatal("key round trip")
	}
	if _, err := (&threshold.KeyShare{Index: 0}).MarshalBinary(); !errors.Is(err, threshold.ErrIndex) {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		parse func([]byte) error
		b     []byte
		want  error
	}{
		{"share truncated", parseShare, b[:len(b)-1], threshold.ErrMalformed},
		{"share index 0", parseShare, patch(b, 1, 0, 0), threshold.ErrIndex},
		{"share version", parseShare, patch(b, 0, 0), threshold.ErrVersion},
		{"share not a point", parseShare, patch(b, 3, 0xff), threshold.ErrInvalidPoint},
		{"share infinity", parseShare, append(b[:3:3], infinityG1()...), threshold.ErrInvalidPoint},
		{"key truncated", parseKey, kb[:10], threshold.ErrMalformed},
		{"key trailing", parseKey, append(bytes.Clone(kb), 1), threshold.ErrMalformed},
		{"key infinity", parseKey, append([]byte{1}, infinityG1()...), threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.parse(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func parseShare(b []byte) error { _, err := threshold.ParseKeyShare(b); return err }
func parseKey(b []byte) error   { _, err := threshold.ParseDecryptionKey(b); return err }

// infinityG1 is the compressed encoding of the point at infinity.
func infinityG1() []byte {
	b := make([]byte, 48)
	b[0] = 0xc0
	return b
}

func TestDecryptBatch(t *testing.T) {
	rand := seeded(t.Name())
	pk, sks := deal(t, t.Name(), 1, 2, 3)
	ids := testIdentities(1, 9)
	keys, err := threshold.AggregateKeys(pk, ids, sharesOf(sks, ids, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	items := make([]threshold.DecryptItem, len(ids))
	for j, id := range ids {
		ct, err := threshold.Encrypt(rand, pk, id, []byte{byte(j)}, []byte(fmt.Sprint("tx", j)))
		if err != nil {
			t.Fatal(err)
		}
		items[j] = threshold.DecryptItem{Key: keys[j], Ciphertext: ct, Header: []byte{byte(j)}}
	}
	items[3].Parsed, _ = threshold.ParseCiphertext(items[3].Ciphertext)
	items[3].Ciphertext = nil
	items[5].Key = keys[6]
	items[7].Ciphertext = items[7].Ciphertext[:20]
	for j, r := range threshold.DecryptBatch(items) {
		var want error
		switch j {
		case 5:
			want = threshold.ErrDecrypt
		case 7:
			want = threshold.ErrMalformed
		}
		if !errors.Is(r.Err, want) {
			t.Fatalf("item %d: got %v, want %v", j, r.Err, want)
		}
		if want == nil && string(r.Plaintext) != fmt.Sprint("tx", j) {
			t.Fatalf("item %d: plaintext %q", j, r.Plaintext)
		}
	}
	if len(threshold.DecryptBatch(nil)) != 0 {
		t.Fatal("empty batch")
	}
}
