package ordering

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/veilseq/veil/mempool"
)

func TestArrivalOrder(t *testing.T) {
	// Each candidate is written sender:nonce; arrival is list order.
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"a0"}, []string{"a0"}},
		{[]string{"a0", "b0", "a1"}, []string{"a0", "b0", "a1"}},
		{[]string{"a1", "b0", "a0"}, []string{"a0", "b0", "a1"}},
		{[]string{"a2", "a1", "b5", "a0", "b4"}, []string{"a0", "a1", "b4", "a2", "b5"}},
		// Same nonce twice (a replacement): arrival breaks the tie.
		{[]string{"a1", "a0", "a0"}, []string{"a0", "a0", "a1"}},
		// Gaps are kept; the builder drops what cannot be included.
		{[]string{"a3", "a0"}, []string{"a0", "a3"}},
	} {
		cands := make([]Candidate, len(tc.in))
		for i, s := range tc.in {
			var n uint64
			fmt.Sscanf(s[1:], "%d", &n)
			cands[i] = Candidate{Envelope: &mempool.Envelope{Sender: common.Address{s[0]}, Nonce: n}, Arrival: i}
		}
		out := ArrivalOrder{}.Order(Proposal{Candidates: cands})
		got := make([]string, len(out))
		for i, c := range out {
			got[i] = fmt.Sprintf("%c%d", c.Envelope.Sender[0], c.Envelope.Nonce)
		}
		if !slices.Equal(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
			t.Errorf("%v: got %v, want %v", tc.in, got, tc.want)
		}
		if err := (ArrivalOrder{}).Verify(Block{Txs: out}); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
}
