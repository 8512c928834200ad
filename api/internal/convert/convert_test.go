package convert

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"
	"google.golang.org/protobuf/proto"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/mempool"
)

func TestErrorRoundTrip(t *testing.T) {
	for _, r := range rules {
		t.Run(r.reason, func(t *testing.T) {
			ce := ToConnect(fmt.Errorf("node: %w", fmt.Errorf("%w: what to fix", r.sentinel)))
			if ce == nil || ce.Code() != r.code || Reason(ce) != r.reason {
				t.Fatalf("ToConnect: %v (reason %q)", ce, Reason(ce))
			}
			back := FromConnect(ce)
			if !errors.Is(back, r.sentinel) {
				t.Fatalf("FromConnect(%v) does not match %v", ce, r.sentinel)
			}
			var ce2 *connect.Error
			if !errors.As(back, &ce2) || ce2.Code() != r.code {
				t.Fatalf("FromConnect(%v) lost the Connect error", ce)
			}
		})
	}
}

func TestToConnectUnknown(t *testing.T) {
	if ce := ToConnect(errors.New("disk full")); ce != nil {
		t.Fatalf("unknown error mapped to %v", ce)
	}
	if ce := ToConnect(nil); ce != nil {
		t.Fatalf("nil mapped to %v", ce)
	}
	ce := ToConnect(fmt.Errorf("%w: nonce 1, the sender's next nonce is 2", mempool.ErrNonceTooLow))
	if got := ce.Message(); got != "nonce too low: nonce 1, the sender's next nonce is 2" {
		t.Fatalf("message %q", got)
	}
}

func TestFromConnectWithoutReason(t *testing.T) {
	nf := connect.NewError(connect.CodeNotFound, errors.New("gone"))
	if !errors.Is(FromConnect(nf), api.ErrNotFound) {
		t.Fatal("NOT_FOUND without a reason does not match api.ErrNotFound")
	}
	other := connect.NewError(connect.CodeUnavailable, errors.New("down"))
	if got := FromConnect(other); got != error(other) {
		t.Fatalf("FromConnect changed an unmapped error: %v", got)
	}
	plain := errors.New("dial tcp: refused")
	if FromConnect(plain) != plain {
		t.Fatal("FromConnect changed a non-Connect error")
	}
	foreign := NewError(connect.CodeInternal, "SOMETHING_ELSE", "x")
	if FromConnect(foreign) != error(foreign) {
		t.Fatal("unknown reason matched a sentinel")
	}
}

func TestRoundTrips(t *testing.T) {
	p := api.Params{
		ChainID: "c", EnvelopeVersion: 1,
		Eon:     api.Eon{ID: 2, PublicKey: []byte{9}, Threshold: 3, CommitteeSize: 4, ActivationHeight: 5},
		Rollups: []api.Rollup{{ID: 1, Name: "a"}}, MinFee: 6, MaxEnvelopeBytes: 7, MaxCiphertextBytes: 8,
		LatestHeight: 9, MaxExpiryBlocks: 10,
	}
	if got, err := ParamsFromProto(ParamsToProto(p)); err != nil || fmt.Sprint(got) != fmt.Sprint(p) {
		t.Fatalf("params: %v %v", got, err)
	}
	a := api.Account{Address: common.HexToAddress("0x01"), Balance: 1, Nonce: 2, PendingNonce: 3}
	if got, err := AccountFromProto(AccountToProto(a)); err != nil || got != a {
		t.Fatalf("account: %v %v", got, err)
	}
	for _, st := range []api.TxStatus{
		{Hash: common.HexToHash("0x01"), State: api.TxPending, ObservedHeight: 4},
		{Hash: common.HexToHash("0x02"), State: api.TxDecrypted, Height: 5, Index: 6, Level: api.LevelFirm},
		{Hash: common.HexToHash("0x03"), State: api.TxRejected, Reason: "evicted"},
	} {
		if got, err := StatusFromProto(StatusToProto(st)); err != nil || got != st {
			t.Fatalf("status: %v %v, want %v", got, err, st)
		}
	}
	b := api.Block{
		Height: 1, Hash: common.HexToHash("0x0b"), Time: time.Unix(5, 6).UTC(), Proposer: []byte{1, 2},
		Decryption: api.LevelSoft,
		Txs: []api.BlockTx{{Hash: common.HexToHash("0x01"), Sender: common.HexToAddress("0x02"), Nonce: 3,
			Fee: 4, Eon: 5, Rollups: []uint64{6}, Size: 7, State: api.TxIncluded}},
	}
	if got, err := BlockFromProto(BlockToProto(b)); err != nil || fmt.Sprint(got) != fmt.Sprint(b) {
		t.Fatalf("block: %v %v\nwant %v", got, err, b)
	}
}

// FuzzFromProto feeds arbitrary bytes, as a hostile server could send, to
// the response decoders: they return errors, never panic, and what they
// accept converts back to the same values.
func FuzzFromProto(f *testing.F) {
	seed := func(m proto.Message) {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed(StatusToProto(api.TxStatus{Hash: common.HexToHash("0x01"), State: api.TxIncluded, Height: 3}))
	seed(&veilv1.TxStatus{TxHash: common.HexToHash("0x01").Hex(), State: veilv1.TxState_TX_STATE_PENDING,
		Inclusion: &veilv1.Inclusion{Height: 3}})
	seed(BlockToProto(api.Block{Hash: common.HexToHash("0x0b"), Txs: []api.BlockTx{{State: api.TxFailed}}}))
	seed(ParamsToProto(api.Params{ChainID: "c", Eon: api.Eon{PublicKey: []byte{1}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var st veilv1.TxStatus
		if proto.Unmarshal(b, &st) == nil {
			if got, err := StatusFromProto(&st); err == nil {
				if again, err := StatusFromProto(StatusToProto(got)); err != nil || again != got {
					t.Fatalf("status round trip: %v → %v (%v)", got, again, err)
				}
			}
		}
		var blk veilv1.Block
		if proto.Unmarshal(b, &blk) == nil {
			_, _ = BlockFromProto(&blk)
		}
		var p veilv1.EncryptionParams
		if proto.Unmarshal(b, &p) == nil {
			_, _ = ParamsFromProto(&p)
		}
		var a veilv1.Account
		if proto.Unmarshal(b, &a) == nil {
			_, _ = AccountFromProto(&a)
		}
	})
}
