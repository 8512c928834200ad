package bench_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"
	"time"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/bench"
)

// Run steps the offered rate up against a fresh 4-validator devnet, runs
// the same search with plaintext envelopes, calibrates the crypto and
// prints the Markdown report (not run: it takes minutes).
func ExampleRun() {
	r, err := bench.Run(context.Background(), bench.Config{Step: 10 * time.Second, PlaintextToo: true, Progress: os.Stderr})
	if err != nil {
		panic(err)
	}
	_ = r.WriteMarkdown(os.Stdout)
}

// A Load offers steps of load to any node's wallet API from funded
// wallets and measures each (not run: it needs a node).
func ExampleLoad_Step() {
	ctx := context.Background()
	key, err := client.LoadKey("wallet0.key")
	if err != nil {
		panic(err)
	}
	l, err := bench.NewLoad(ctx, &bench.Target{URL: "http://127.0.0.1:26670", Wallets: []*ecdsa.PrivateKey{key}, Rollups: []uint64{1001}})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	s, err := l.Step(ctx, bench.StepConfig{Count: 1000, Rate: 100})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.0f committed/s, submit→commit p50 %.0f ms\n", s.CommittedPerSec, s.SubmitToCommit.P50)
}
