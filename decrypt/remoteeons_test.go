package decrypt

import (
	"testing"

	"github.com/veilseq/veil/api"
)

// A remote signer names each height's eon from the parameters nodes
// reported: the current eon from its activation, the registered next
// one from its own, and the eon before the earliest known below it.
func TestEonRecords(t *testing.T) {
	var e eonRecords
	if _, ok := e.at(5); ok {
		t.Fatal("an eon named before any parameters")
	}
	e.note(api.Params{Eon: api.Eon{ID: 1, ActivationHeight: 0}, LatestHeight: 10})
	e.note(api.Params{Eon: api.Eon{ID: 1}, NextEon: &api.Eon{ID: 2, ActivationHeight: 30}, LatestHeight: 20})
	if e.latest != 20 {
		t.Fatalf("latest %d", e.latest)
	}
	// A node behind does not move the committed height back.
	e.note(api.Params{Eon: api.Eon{ID: 1}, LatestHeight: 12})
	for h, want := range map[int64]uint64{1: 1, 29: 1, 30: 2, 31: 2} {
		if got, ok := e.at(h); !ok || got != want {
			t.Fatalf("height %d: eon %d, want %d", h, got, want)
		}
	}

	// A keyholder starting after eon 3 activated at 50 never saw eon 2's
	// record: below 50 it is eon 2.
	var late eonRecords
	late.note(api.Params{Eon: api.Eon{ID: 3, ActivationHeight: 50}, LatestHeight: 60})
	for h, want := range map[int64]uint64{49: 2, 50: 3} {
		if got, ok := late.at(h); !ok || got != want {
			t.Fatalf("late: height %d: eon %d, want %d", h, got, want)
		}
	}
}
