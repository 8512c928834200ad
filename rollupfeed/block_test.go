package rollupfeed

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/threshold"
)

const testChain = "veil-test"

// txHash makes a distinct, reproducible transaction hash.
func txHash(i int) common.Hash { return crypto.Keccak256Hash(fmt.Appendf(nil, "tx %d", i)) }

// single is a one-rollup transaction at position i.
func single(i int, rollup uint64, data string) DecryptedTx {
	return DecryptedTx{Hash: txHash(i), Index: uint32(i), Rollups: []uint64{rollup}, Plaintext: []byte(data)}
}

// bundle is a multi-rollup transaction at position i whose plaintext
// matches its header.
func bundle(t testing.TB, i int, legs ...Leg) DecryptedTx {
	t.Helper()
	pt, rollups, err := EncodePlaintext(legs)
	if err != nil {
		t.Fatal(err)
	}
	return DecryptedTx{Hash: txHash(i), Index: uint32(i), Rollups: rollups, Plaintext: pt}
}

func mustBuild(t testing.TB, height int64, txs []DecryptedTx) *Block {
	t.Helper()
	b, err := BuildBlock(height, testChain, txs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// smallBlock: rollups 1, 3 and 7 with a two-leg and a three-leg bundle,
// a failed decryption and a mismatched bundle.
func smallBlock(t testing.TB) []DecryptedTx {
	swap := bundle(t, 3, Leg{Rollup: 3, Data: []byte("take 10 B")}, Leg{Rollup: 1, Data: []byte("give 10 A")})
	bad := bundle(t, 6, Leg{Rollup: 1, Data: []byte("x")}, Leg{Rollup: 3, Data: []byte("y")})
	bad.Rollups = []uint64{1, 7} // the plaintext names 1 and 3
	return []DecryptedTx{
		single(0, 1, "transfer 5 to bob"),
		single(1, 3, "mint 1"),
		{Hash: txHash(2), Index: 2, Rollups: []uint64{7}, Err: threshold.ErrDecrypt},
		swap,
		single(4, 1, ""),
		bundle(t, 5, Leg{Rollup: 1, Data: []byte("a")}, Leg{Rollup: 3, Data: []byte("b")}, Leg{Rollup: 7, Data: []byte("c")}),
		bad,
		{Hash: txHash(7), Index: 9, Rollups: []uint64{3, 7}, Plaintext: []byte("not a bundle")},
		single(10, 7, "last"),
	}
}

func TestBuildBlockSmall(t *testing.T) {
	b := mustBuild(t, 42, smallBlock(t))
	if got := b.Rollups(); !slices.Equal(got, []uint64{1, 3, 7}) {
		t.Fatalf("rollups %v", got)
	}
	want := map[uint64][]uint32{1: {0, 3, 4, 5}, 3: {1, 3, 5}, 7: {5, 10}}
	for r, idx := range want {
		batch := b.Batch(r)
		var got []uint32
		for _, l := range batch.Legs {
			got = append(got, l.TxIndex)
		}
		if !slices.Equal(got, idx) {
			t.Errorf("rollup %d: legs at %v, want %v", r, got, idx)
		}
		if err := VerifyBatch(batch, b.Root); err != nil {
			t.Errorf("rollup %d: %v", r, err)
		}
	}
	wantFailed := []struct {
		index uint32
		err   error
	}{{2, ErrNotDecrypted}, {6, ErrBundleMismatch}, {9, ErrBadBundle}}
	if len(b.Failed) != len(wantFailed) {
		t.Fatalf("failed %v", b.Failed)
	}
	for i, f := range wantFailed {
		if b.Failed[i].Index != f.index || !errors.Is(b.Failed[i].Err, f.err) {
			t.Errorf("failed[%d] = %d %v, want %d %v", i, b.Failed[i].Index, b.Failed[i].Err, f.index, f.err)
		}
	}
	if !errors.Is(b.Failed[0].Err, threshold.ErrDecrypt) {
		t.Errorf("the decryption error is not kept: %v", b.Failed[0].Err)
	}
	// A failed transaction is in the block, with no legs.
	if legs, ok := b.Bundle(txHash(2)); !ok || len(legs) != 0 {
		t.Errorf("Bundle(failed) = %v, %v", legs, ok)
	}
	if _, ok := b.Bundle(txHash(99)); ok {
		t.Error("Bundle of a hash not in the block reported found")
	}
}

func TestBuildBlockRejectsBadInput(t *testing.T) {
	cases := []struct {
		name    string
		height  int64
		chain   string
		txs     []DecryptedTx
		wantMsg string
	}{
		{"height 0", 0, testChain, nil, "height 0"},
		{"negative height", -1, testChain, nil, "height -1"},
		{"no chain id", 1, "", nil, "chain id of 0 bytes"},
		{"chain id too long", 1, string(make([]byte, 256)), nil, "chain id of 256 bytes"},
		{"out of order", 1, testChain, []DecryptedTx{single(2, 1, ""), single(1, 1, "")}, "follows position"},
		{"same position", 1, testChain, []DecryptedTx{single(1, 1, ""), {Hash: txHash(2), Index: 1, Rollups: []uint64{1}}}, "follows position"},
		{"duplicate hash", 1, testChain, []DecryptedTx{single(1, 1, ""), {Hash: txHash(1), Index: 2, Rollups: []uint64{1}}}, "appears twice"},
		{"no rollups", 1, testChain, []DecryptedTx{{Hash: txHash(1)}}, "0 destination rollups"},
		{"seventeen rollups", 1, testChain, []DecryptedTx{{Hash: txHash(1), Rollups: make([]uint64, 17)}}, "17 destination rollups"},
		{"unsorted rollups", 1, testChain, []DecryptedTx{{Hash: txHash(1), Rollups: []uint64{2, 1}}}, "not strictly increasing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildBlock(tc.height, tc.chain, tc.txs)
			if !errors.Is(err, ErrBadInput) || !bytes.Contains([]byte(err.Error()), []byte(tc.wantMsg)) {
				t.Fatalf("error %v, want ErrBadInput mentioning %q", err, tc.wantMsg)
			}
		})
	}
}

// Blocks with nothing delivered: no transactions, or only failed ones.
func TestBuildBlockEmpty(t *testing.T) {
	for name, txs := range map[string][]DecryptedTx{
		"no txs":     nil,
		"all failed": {{Hash: txHash(0), Rollups: []uint64{1}, Err: threshold.ErrDecrypt}},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustBuild(t, 1, txs)
			if b.Root != EmptyRoot || len(b.Entries) != 0 {
				t.Fatalf("root %s, %d entries", b.Root, len(b.Entries))
			}
			batch := b.Batch(5)
			if len(batch.Legs) != 0 || batch.Absence == nil || batch.Absence.Below != nil || batch.Absence.Above != nil {
				t.Fatalf("batch %+v", batch)
			}
			if err := VerifyBatch(batch, b.Root); err != nil {
				t.Fatal(err)
			}
			if err := VerifyBatch(batch, txHash(0)); !errors.Is(err, ErrNotAbsent) {
				t.Fatalf("empty proof against a non-empty root: %v", err)
			}
		})
	}
}

// Every rollup id around the present ones gets an empty batch that
// verifies, and a present rollup cannot be passed off as absent.
func TestAbsence(t *testing.T) {
	var txs []DecryptedTx
	for i, r := range []uint64{10, 20, 30, 40, 50} {
		txs = append(txs, single(i, r, "x"))
	}
	b := mustBuild(t, 7, txs)
	for r := uint64(0); r <= 60; r++ {
		batch := b.Batch(r)
		if err := VerifyBatch(batch, b.Root); err != nil {
			t.Fatalf("rollup %d: %v", r, err)
		}
		present := r%10 == 0 && r >= 10 && r <= 50
		if present != (len(batch.Legs) > 0) {
			t.Fatalf("rollup %d: %d legs", r, len(batch.Legs))
		}
	}
	for _, r := range []uint64{10, 30, 50} {
		// Claim r is absent using neighbours that skip over it.
		lo, hi := b.Batch(r-1).Absence, b.Batch(r+1).Absence
		forged := &Batch{Height: 7, Rollup: r, Legs: []BatchLeg{}, Absence: &AbsenceProof{Below: lo.Below, Above: hi.Above}}
		if err := VerifyBatch(forged, b.Root); !errors.Is(err, ErrNotAbsent) {
			t.Errorf("rollup %d skipped: %v", r, err)
		}
		// Or using its own entry as a neighbour.
		forged.Absence = &AbsenceProof{Below: lo.Below, Above: lo.Above}
		if err := VerifyBatch(forged, b.Root); !errors.Is(err, ErrNotAbsent) {
			t.Errorf("rollup %d as its own neighbour: %v", r, err)
		}
	}
	// Dropping a neighbour: below-only must be the last entry, above-only
	// the first.
	mid := b.Batch(25)
	for name, a := range map[string]*AbsenceProof{
		"below only": {Below: mid.Absence.Below},
		"above only": {Above: mid.Absence.Above},
		"none":       {},
	} {
		forged := &Batch{Height: 7, Rollup: 25, Legs: []BatchLeg{}, Absence: a}
		if err := VerifyBatch(forged, b.Root); !errors.Is(err, ErrNotAbsent) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The property the feed exists for: 1,000 transactions, 200 of them
// bundles, across 3 rollups (plus some that fail). Every rollup gets
// exactly its legs, once, in block order; every bundle is on all its
// rollups in this block, with the same manifest, and each leg proves
// into the batch root on its own.
func TestBuildBlockProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	rollups := []uint64{1, 2, 3}
	type want struct {
		index uint32
		data  []byte
	}
	expect := map[uint64][]want{}
	var txs []DecryptedTx
	var bundles []DecryptedTx
	isBundle := make([]bool, 1000)
	for _, i := range rng.Perm(1000)[:200] {
		isBundle[i] = true
	}
	failed := 0
	for i := range 1000 {
		var tx DecryptedTx
		if isBundle[i] {
			ids := slices.Clone(rollups)
			rng.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
			ids = ids[:2+rng.IntN(2)]
			legs := make([]Leg, len(ids))
			for j, r := range ids {
				legs[j] = Leg{Rollup: r, Data: fmt.Appendf(nil, "tx %d leg %d", i, r)}
			}
			tx = bundle(t, i, legs...)
		} else {
			tx = single(i, rollups[rng.IntN(3)], fmt.Sprintf("tx %d", i))
			if i%97 == 0 { // some fail: they deliver nothing
				tx.Err = threshold.ErrDecrypt
				failed++
			}
		}
		tx.Index = uint32(2 * i) // positions need not be dense
		txs = append(txs, tx)
		if isBundle[i] {
			bundles = append(bundles, tx)
		}
		if tx.Err == nil {
			legs, err := OpenPlaintext(tx.Rollups, tx.Plaintext)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range legs {
				expect[l.Rollup] = append(expect[l.Rollup], want{tx.Index, l.Data})
			}
		}
	}
	b := mustBuild(t, 1000, txs)
	if len(b.Failed) != failed {
		t.Fatalf("%d failed, want %d", len(b.Failed), failed)
	}
	total := 0
	for _, r := range rollups {
		batch := b.Batch(r)
		if err := VerifyBatch(batch, b.Root); err != nil {
			t.Fatalf("rollup %d: %v", r, err)
		}
		if len(batch.Legs) != len(expect[r]) {
			t.Fatalf("rollup %d: %d legs, want %d", r, len(batch.Legs), len(expect[r]))
		}
		for j, l := range batch.Legs {
			if l.TxIndex != expect[r][j].index || !bytes.Equal(l.Data, expect[r][j].data) || l.Rollup != r || l.Height != 1000 {
				t.Fatalf("rollup %d leg %d: %+v, want %+v", r, j, l, expect[r][j])
			}
		}
		total += len(batch.Legs)
	}
	if len(bundles) != 200 {
		t.Fatalf("%d bundles", len(bundles))
	}
	for _, tx := range bundles {
		legs, ok := b.Bundle(tx.Hash)
		if !ok || len(legs) != len(tx.Rollups) {
			t.Fatalf("bundle %s: %d legs, found %v, want %d", tx.Hash, len(legs), ok, len(tx.Rollups))
		}
		commit := legs[0].Leg.Manifest.Commitment()
		for j, pl := range legs {
			if pl.Leg.Rollup != tx.Rollups[j] || pl.Leg.TxIndex != tx.Index || pl.Leg.Manifest.BundleID != tx.Hash {
				t.Fatalf("bundle %s leg %d: %+v", tx.Hash, j, pl.Leg)
			}
			if pl.Leg.Manifest.Commitment() != commit || !slices.Equal(pl.Leg.Manifest.Rollups(), tx.Rollups) {
				t.Fatalf("bundle %s: legs carry different manifests", tx.Hash)
			}
			if err := VerifyLeg(&pl.Leg, &pl.Proof, b.Root); err != nil {
				t.Fatalf("bundle %s leg %d: %v", tx.Hash, j, err)
			}
			if !slices.ContainsFunc(b.Batch(pl.Leg.Rollup).Legs, func(l BatchLeg) bool { return l.TxIndex == tx.Index }) {
				t.Fatalf("bundle %s: leg for rollup %d not in its batch", tx.Hash, pl.Leg.Rollup)
			}
		}
	}
	if want := 800 - failed + countLegs(bundles); total != want {
		t.Fatalf("%d legs delivered, want %d", total, want)
	}
}

func countLegs(txs []DecryptedTx) int {
	n := 0
	for _, tx := range txs {
		n += len(tx.Rollups)
	}
	return n
}

func TestVerifyLegRejects(t *testing.T) {
	b := mustBuild(t, 42, smallBlock(t))
	legs, _ := b.Bundle(txHash(5))
	good := legs[1] // rollup 3
	other := legs[0]
	cases := []struct {
		name   string
		tamper func(l *BatchLeg, p *LegProof)
		want   error
	}{
		{"changed data", func(l *BatchLeg, _ *LegProof) { l.Data = []byte("B") }, ErrBadManifest},
		{"changed data and manifest", func(l *BatchLeg, _ *LegProof) {
			l.Data = []byte("B")
			l.Manifest.Legs = slices.Clone(l.Manifest.Legs)
			l.Manifest.Legs[1].Hash = crypto.Keccak256Hash(l.Data)
		}, ErrRootMismatch},
		{"wrong height", func(l *BatchLeg, _ *LegProof) { l.Height = 41 }, ErrRootMismatch},
		{"zero height", func(l *BatchLeg, _ *LegProof) { l.Height = 0 }, ErrWrongHeight},
		{"wrong position", func(l *BatchLeg, _ *LegProof) { l.TxIndex++ }, ErrRootMismatch},
		{"relabelled rollup", func(l *BatchLeg, p *LegProof) { l.Rollup = 1 }, ErrWrongRollup},
		{"other rollup's proof", func(_ *BatchLeg, p *LegProof) { *p = other.Proof }, ErrWrongRollup},
		{"leg count lie", func(_ *BatchLeg, p *LegProof) { p.Entry.Entry.Legs++ }, ErrBadProof},
		{"entry root lie", func(_ *BatchLeg, p *LegProof) { p.Entry.Entry.Root[0] ^= 1 }, ErrRootMismatch},
		{"leg path index", func(_ *BatchLeg, p *LegProof) { p.Path.Index = 0 }, ErrBadProof},
		{"leg path sibling", func(_ *BatchLeg, p *LegProof) { p.Path.Hashes[0][31] ^= 1 }, ErrRootMismatch},
		{"entry path sibling", func(_ *BatchLeg, p *LegProof) {
			p.Entry.Path.Hashes = slices.Clone(p.Entry.Path.Hashes)
			p.Entry.Path.Hashes[0][31] ^= 1
		}, ErrRootMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, p := good.Leg, good.Proof
			p.Path.Hashes = slices.Clone(p.Path.Hashes)
			tc.tamper(&l, &p)
			if err := VerifyLeg(&l, &p, b.Root); !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
	if err := VerifyLeg(&good.Leg, &good.Proof, b.Root); err != nil {
		t.Fatalf("the untampered leg: %v", err)
	}
}

func TestBatchSignature(t *testing.T) {
	pk, shares, err := threshold.DealKeys(rand.NewChaCha8([32]byte{1}), 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	b := mustBuild(t, 42, smallBlock(t))
	msg := b.Message()
	sig, err := threshold.AggregateSignatures(pk, []*threshold.PartialSignature{shares[0].SignPartial(msg[:]), shares[2].SignPartial(msg[:])})
	if err != nil {
		t.Fatal(err)
	}
	batch := b.Batch(3)
	if err := VerifySignedBatch(pk, testChain, batch, b.Root, sig); err != nil {
		t.Fatal(err)
	}
	// An empty batch relabelled with another height passes the Merkle
	// check (absence does not depend on height) but not the signature.
	empty := *b.Batch(2)
	empty.Height = 43
	if err := VerifyBatch(&empty, b.Root); err != nil {
		t.Fatal(err)
	}
	if err := VerifySignedBatch(pk, testChain, &empty, b.Root, sig); !errors.Is(err, ErrBadSignature) || !errors.Is(err, threshold.ErrInvalidSignature) {
		t.Fatalf("relabelled height: %v", err)
	}
	if err := VerifySignedBatch(pk, "other-chain", batch, b.Root, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other chain: %v", err)
	}
	if err := VerifySignedBatch(pk, testChain, nil, b.Root, sig); !errors.Is(err, ErrMalformed) {
		t.Fatalf("nil batch: %v", err)
	}
}
