package server

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"connectrpc.com/connect"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
	"github.com/veilseq/veil/mempool"
)

// decodingBackend admits whatever decodes, like a permissive node.
type decodingBackend struct{}

func (decodingBackend) Params(context.Context) (api.Params, error) { return api.Params{}, nil }
func (decodingBackend) Account(context.Context, common.Address) (api.Account, error) {
	return api.Account{}, nil
}
func (decodingBackend) Submit(_ context.Context, b []byte) (common.Hash, error) {
	env, err := mempool.Decode(b)
	if err != nil {
		return common.Hash{}, err
	}
	return common.Hash(env.Hash()), nil
}
func (decodingBackend) TxStatus(context.Context, common.Hash) (api.TxStatus, error) {
	return api.TxStatus{}, api.ErrNotFound
}
func (decodingBackend) WatchTx(context.Context, common.Hash) (<-chan struct{}, error) {
	return nil, errors.New("unused")
}
func (decodingBackend) Block(context.Context, uint64) (api.Block, error) {
	return api.Block{}, api.ErrNotFound
}

// FuzzSubmitEnvelope: arbitrary envelope bytes get either a hash or a
// client error (INVALID_ARGUMENT), never a panic or an internal error.
func FuzzSubmitEnvelope(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{mempool.Version, 1, 'c'})
	f.Add(append([]byte{mempool.Version, 9}, "veil-test"...))
	key, err := crypto.ToECDSA(common.LeftPadBytes([]byte{1}, 32))
	if err != nil {
		f.Fatal(err)
	}
	valid := &mempool.Envelope{ChainID: "veil-test", Eon: 1, Nonce: 2, Fee: 3, Expiry: 4, Rollups: []uint64{1, 2}, Ciphertext: []byte{5}}
	if err := valid.Sign(key); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Encode())
	s, err := New(decodingBackend{}, Config{IPRate: -1, SenderRate: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	svc := &service{s}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := svc.SubmitEnvelope(context.Background(), connect.NewRequest(&veilv1.SubmitEnvelopeRequest{Envelope: b}))
		if err != nil {
			if code := connect.CodeOf(err); code != connect.CodeInvalidArgument {
				t.Fatalf("code %v for %x: %v", code, b, err)
			}
			return
		}
		if _, err := api.ParseHash(res.Msg.GetTxHash()); err != nil {
			t.Fatalf("bad hash in response: %v", err)
		}
	})
}
