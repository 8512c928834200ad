package ordering

import (
	"bytes"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/rollupfeed"
)

// firmHistory runs blocks with envelopes, an empty block and key records
// on a, returning the blocks' transactions and every committed block the
// commit hook saw.
func firmHistory(t *testing.T, w *world, a *App) ([][][]byte, []CommittedBlock) {
	t.Helper()
	var seen []CommittedBlock
	a.SetCommitHook(func(b CommittedBlock) error { seen = append(seen, b); return nil })
	var blocks [][][]byte
	run := func(txs ...[]byte) {
		// Light clients trust the genesis validator set: no block may
		// change it.
		if res := finalize(t, a, txs...); len(res.ValidatorUpdates) != 0 || res.ConsensusParamUpdates != nil {
			t.Fatalf("block %d changes validators or consensus params", len(blocks)+1)
		}
		blocks = append(blocks, txs)
	}
	run(w.tx(0, 0, testMinFee), w.tx(1, 0, testMinFee, withRollups(7, 8))) // 1
	run()                                                                  // 2: empty
	a.SetKeySource(newDealerKeys(t, a))
	run(append(prepare(t, a, 1<<20), w.tx(2, 0, testMinFee))...) // 3: keys of 1
	run(prepare(t, a, 1<<20)...)                                 // 4: keys of 3, empty
	return blocks, seen
}

// TestFirmRoots: every height gets exactly one batch root, recorded by
// the block that made its firm batch known (itself when empty); the root
// is BuildBlock's over the firm results; the app hash commits to it
// (FirmProof reproduces it), and FirmRoot and FirmProof read it back,
// also after a restart.
func TestFirmRoots(t *testing.T) {
	w := newWorld(t, 3)
	dir := t.TempDir()
	a := w.newApp(pebbleDB(t, dir))
	_, seen := firmHistory(t, w, a)

	wantAt := map[int64]int64{1: 3, 2: 2, 3: 4, 4: 4}
	roots := map[int64]common.Hash{}
	for _, b := range seen {
		p := b.FirmProof()
		if len(b.FirmRoots) == 0 {
			if p != nil {
				t.Errorf("height %d: proof without roots", b.Height)
			}
			continue
		}
		if !bytes.Equal(p.AppHash(), b.AppHash) {
			t.Errorf("height %d: proof gives app hash %x, block has %x", b.Height, p.AppHash(), b.AppHash)
		}
		for _, r := range b.FirmRoots {
			if wantAt[r.Height] != b.Height {
				t.Errorf("root of %d recorded at %d, want %d", r.Height, b.Height, wantAt[r.Height])
			}
			if err := p.Check(r.Height, r.Root); err != nil {
				t.Error(err)
			}
			roots[r.Height] = r.Root
		}
		for _, fb := range b.Firm {
			blk, err := rollupfeed.BuildBlock(fb.Height, testChain, fb.DecryptedTxs())
			if err != nil {
				t.Fatal(err)
			}
			if roots[fb.Height] != blk.Root {
				t.Errorf("height %d: recorded root %s, feed root %s", fb.Height, roots[fb.Height], blk.Root)
			}
		}
	}
	if len(roots) != len(wantAt) {
		t.Fatalf("roots for %d heights, want %d", len(roots), len(wantAt))
	}
	if roots[2] != rollupfeed.EmptyRoot || roots[4] != rollupfeed.EmptyRoot || roots[1] == rollupfeed.EmptyRoot {
		t.Errorf("roots %v", roots)
	}

	check := func(a *App) {
		t.Helper()
		for h, at := range wantAt {
			root, recordedAt, ok, err := a.FirmRoot(h)
			if err != nil || !ok || root != roots[h] || recordedAt != at {
				t.Errorf("FirmRoot(%d) = %s, %d, %v, %v", h, root, recordedAt, ok, err)
			}
		}
		if _, _, ok, err := a.FirmRoot(5); ok || err != nil {
			t.Errorf("FirmRoot of an uncommitted height: %v, %v", ok, err)
		}
		for _, b := range seen {
			p, ok, err := a.FirmProof(b.Height)
			if err != nil || ok != (len(b.FirmRoots) > 0) {
				t.Fatalf("FirmProof(%d): %v, %v", b.Height, ok, err)
			}
			if ok && !bytes.Equal(p.AppHash(), b.AppHash) {
				t.Errorf("FirmProof(%d) app hash %x, want %x", b.Height, p.AppHash(), b.AppHash)
			}
		}
	}
	check(a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	check(w.openApp(pebbleDB(t, dir)))
}

// TestFirmRootsDeterminism: another node over another database backend
// replaying the same blocks records the same roots and agrees on every app
// hash; the app hash differs from the v1 formula's, which has no roots.
func TestFirmRootsDeterminism(t *testing.T) {
	w := newWorld(t, 3)
	a := w.newApp(dbm.NewMemDB())
	b := w.newApp(pebbleDB(t, t.TempDir()))
	blocks, seenA := firmHistory(t, w, a)
	var seenB []CommittedBlock
	b.SetCommitHook(func(cb CommittedBlock) error { seenB = append(seenB, cb); return nil })
	runBlocks(t, b, blocks)
	if len(seenB) != len(seenA) {
		t.Fatalf("%d blocks vs %d", len(seenB), len(seenA))
	}
	for i := range seenA {
		x, y := seenA[i], seenB[i]
		if !bytes.Equal(x.AppHash, y.AppHash) || !bytes.Equal(x.ChangesRoot, y.ChangesRoot) || !bytes.Equal(x.PrevAppHash, y.PrevAppHash) {
			t.Errorf("height %d: app hashes %x vs %x", x.Height, x.AppHash, y.AppHash)
		}
		if len(x.FirmRoots) != len(y.FirmRoots) {
			t.Fatalf("height %d: %d roots vs %d", x.Height, len(x.FirmRoots), len(y.FirmRoots))
		}
		for j := range x.FirmRoots {
			if x.FirmRoots[j] != y.FirmRoots[j] {
				t.Errorf("height %d: root %+v vs %+v", x.Height, x.FirmRoots[j], y.FirmRoots[j])
			}
		}
		// The roots are a term of the hash of their own: changing one
		// changes the app hash.
		if p := x.FirmProof(); p != nil {
			q := *p
			q.Roots = append([]rollupfeed.FirmRoot(nil), p.Roots...)
			q.Roots[0].Root[0] ^= 1
			if bytes.Equal(q.AppHash(), x.AppHash) {
				t.Errorf("height %d: app hash does not depend on the roots", x.Height)
			}
		}
	}
}
