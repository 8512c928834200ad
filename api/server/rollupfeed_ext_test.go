package server_test

import (
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"
	dbm "github.com/cometbft/cometbft-db"

	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/api/gen/veil/v1/veilv1connect"
	"github.com/veilseq/veil/api/internal/memhttp"
	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/ordering"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/rollupfeed/feed"
)

// emptyBlock is block h without envelopes as the application commits
// it: it records its own empty batch root.
func emptyBlock(h int64) ordering.CommittedBlock {
	b := ordering.CommittedBlock{Height: h, PrevAppHash: make([]byte, 32), ChangesRoot: make([]byte, 32),
		FirmRoots: []rollupfeed.FirmRoot{{Height: h, Root: rollupfeed.EmptyRoot}}}
	b.AppHash = b.FirmProof().AppHash()
	return b
}

// TestRollupFeedErrors: each bad request gets the documented code, and a
// slow subscriber is told where to resume.
func TestRollupFeedErrors(t *testing.T) {
	fd, err := feed.New(feed.Config{DB: dbm.NewMemDB(), ChainID: "test", Buffer: 1, MaxLag: 2,
		Rollups: func() ([]uint64, error) { return []uint64{7, 9}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	cfg := unlimited()
	cfg.RollupFeed = fd
	f := newFixture(t, cfg)
	s, err := server.New(f.backend, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mem := memhttp.New(t, s.Handler())
	c := veilv1connect.NewRollupFeedServiceClient(mem.Client(), mem.URL())
	firm := veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM

	for _, tc := range []struct {
		req  *veilv1.GetBatchRequest
		code connect.Code
		msg  string
	}{
		{&veilv1.GetBatchRequest{RollupId: 8, Height: 1, Level: firm}, connect.CodeNotFound, "registered: 7, 9"},
		{&veilv1.GetBatchRequest{RollupId: 7, Height: 0, Level: firm}, connect.CodeInvalidArgument, "height"},
		{&veilv1.GetBatchRequest{RollupId: 7, Height: -3, Level: firm}, connect.CodeInvalidArgument, "height"},
		{&veilv1.GetBatchRequest{RollupId: 7, Height: 1, Level: veilv1.DecryptionLevel_DECRYPTION_LEVEL_PENDING}, connect.CodeInvalidArgument, "level"},
		{&veilv1.GetBatchRequest{RollupId: 7, Height: 1, Level: firm}, connect.CodeFailedPrecondition, "not available"},
	} {
		_, err := c.GetBatch(t.Context(), connect.NewRequest(tc.req))
		if connect.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: %v, want %v containing %q", tc.req, err, tc.code, tc.msg)
		}
	}
	if _, err := c.GetBundle(t.Context(), connect.NewRequest(&veilv1.GetBundleRequest{BundleId: "0x12"})); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("short bundle id: %v", err)
	}

	for h := int64(1); h <= 3; h++ {
		if err := fd.OnCommit(emptyBlock(h)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := c.GetBatch(t.Context(), connect.NewRequest(&veilv1.GetBatchRequest{RollupId: 7, Height: 2, Level: firm}))
	if err != nil || res.Msg.GetBatch().GetHeight() != 2 || len(res.Msg.GetBatch().GetEncoded()) == 0 {
		t.Fatalf("GetBatch: %v, %v", res, err)
	}
	// The firm proof: height 2 recorded its own (empty) root; a feed
	// without a block store serves no header.
	if p := res.Msg.GetBatch().GetFirmProof(); p.GetRecordedAt() != 2 || len(p.GetRoots()) != 1 || p.GetRoots()[0].GetHeight() != 2 || len(p.GetSignedHeader()) != 0 {
		t.Fatalf("firm proof %v", p)
	}
	// Height 3 is recorded at 3 and proven only once 4 is committed.
	if _, err := c.GetBatch(t.Context(), connect.NewRequest(&veilv1.GetBatchRequest{RollupId: 7, Height: 3, Level: firm})); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("GetBatch of an unproven height: %v", err)
	}

	// A stream that is not read while the feed runs ahead ends with
	// RESOURCE_EXHAUSTED and the resume height.
	stream, err := c.SubscribeBatches(t.Context(), connect.NewRequest(&veilv1.SubscribeBatchesRequest{RollupId: 7, FromHeight: 1, Level: firm}))
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Receive() {
		t.Fatal(stream.Err())
	}
	for h := int64(4); h <= 3000; h++ {
		if err := fd.OnCommit(emptyBlock(h)); err != nil {
			t.Fatal(err)
		}
	}
	next := int64(2)
	for stream.Receive() {
		if got := stream.Msg().GetBatch().GetHeight(); got != next {
			t.Fatalf("height %d, want %d", got, next)
		}
		next++
	}
	if next > 3000 {
		t.Skip("the transport buffered every batch: nothing fell behind")
	}
	err = stream.Err()
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("slow stream ended with %v", err)
	}
	resume := stream.ResponseTrailer().Get(server.ResumeHeightKey)
	if resume != strconv.FormatInt(next, 10) {
		t.Fatalf("resume trailer %q after height %d", resume, next-1)
	}
}
