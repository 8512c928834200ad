package decrypt_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"

	"github.com/veilseq/veil/decrypt"
	"github.com/veilseq/veil/threshold"
)

// noBlocks is a feed with nothing committed yet.
type noBlocks struct{}

func (noBlocks) LastCommitted(context.Context) (int64, error)            { return 0, nil }
func (noBlocks) Block(context.Context, int64) (decrypt.Block, error)     { return decrypt.Block{}, nil }
func (noBlocks) WaitCommit(ctx context.Context, _ int64) error           { <-ctx.Done(); return ctx.Err() }
func (noBlocks) SubmitKeyShares(context.Context, *decrypt.Release) error { return nil }

// Around a rotation a member's keyholder holds its shares of both eons
// and releases, for each block, one release per eon present in it.
func ExampleKeyholder_AddShare() {
	_, old, _ := threshold.DealKeys(rand.Reader, 1, 3, 4)
	_, next, _ := threshold.DealKeys(rand.Reader, 2, 3, 4)
	kh, err := decrypt.NewKeyholder(decrypt.KeyholderConfig{Share: old[0], Feed: noBlocks{}, Sinks: []decrypt.Sink{noBlocks{}}})
	if err != nil {
		log.Fatal(err)
	}
	kh.AddShare(next[0]) // when the next eon is registered
	fmt.Println(len(kh.Eons()), "eons")
	kh.DropShare(1) // once no pending block holds eon 1's envelopes
	fmt.Println(kh.Eons())
	// Output:
	// 2 eons
	// [2]
}
