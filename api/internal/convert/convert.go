package convert

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/veilseq/veil/api"
	veilv1 "github.com/veilseq/veil/api/gen/veil/v1"
)

// errMissing reports a response without a required message.
var errMissing = errors.New("response is missing a required field")

var stateToProto = map[api.TxState]veilv1.TxState{
	api.TxUnknown:   veilv1.TxState_TX_STATE_UNKNOWN,
	api.TxPending:   veilv1.TxState_TX_STATE_PENDING,
	api.TxIncluded:  veilv1.TxState_TX_STATE_INCLUDED,
	api.TxDecrypted: veilv1.TxState_TX_STATE_DECRYPTED,
	api.TxFailed:    veilv1.TxState_TX_STATE_FAILED,
	api.TxExpired:   veilv1.TxState_TX_STATE_EXPIRED,
	api.TxRejected:  veilv1.TxState_TX_STATE_REJECTED,
}

var levelToProto = map[api.DecryptionLevel]veilv1.DecryptionLevel{
	api.LevelPending: veilv1.DecryptionLevel_DECRYPTION_LEVEL_PENDING,
	api.LevelSoft:    veilv1.DecryptionLevel_DECRYPTION_LEVEL_SOFT,
	api.LevelFirm:    veilv1.DecryptionLevel_DECRYPTION_LEVEL_FIRM,
}

var (
	stateFromProto = invert(stateToProto)
	levelFromProto = invert(levelToProto)
)

func invert[K, V comparable](m map[K]V) map[V]K {
	r := make(map[V]K, len(m))
	for k, v := range m {
		r[v] = k
	}
	return r
}

// u32 clamps a non-negative int into a uint32 field.
func u32(n int) uint32 {
	switch {
	case n < 0:
		return 0
	case uint64(n) > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(n)
}

func hexBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return "0x" + hex.EncodeToString(b)
}

// ParamsToProto converts p for the wire.
func ParamsToProto(p api.Params) *veilv1.EncryptionParams {
	m := &veilv1.EncryptionParams{
		ChainId:            p.ChainID,
		EnvelopeVersion:    p.EnvelopeVersion,
		Eon:                eonToProto(p.Eon),
		MinFee:             p.MinFee,
		MaxEnvelopeBytes:   u32(p.MaxEnvelopeBytes),
		MaxCiphertextBytes: u32(p.MaxCiphertextBytes),
		LatestHeight:       p.LatestHeight,
		MaxExpiryBlocks:    p.MaxExpiryBlocks,
		EscapeHatchBlocks:  p.EscapeHatchBlocks,
		TimeLockParams:     p.TimeLockParams,
	}
	for _, r := range p.Rollups {
		m.Rollups = append(m.Rollups, &veilv1.Rollup{Id: r.ID, Name: r.Name})
	}
	if p.NextEon != nil {
		m.NextEon = eonToProto(*p.NextEon)
	}
	return m
}

func eonToProto(e api.Eon) *veilv1.Eon {
	return &veilv1.Eon{
		Id:               e.ID,
		PublicKey:        e.PublicKey,
		Threshold:        u32(e.Threshold),
		CommitteeSize:    u32(e.CommitteeSize),
		ActivationHeight: e.ActivationHeight,
	}
}

func eonFromProto(m *veilv1.Eon) api.Eon {
	return api.Eon{
		ID:               m.GetId(),
		PublicKey:        m.GetPublicKey(),
		Threshold:        int(m.GetThreshold()),
		CommitteeSize:    int(m.GetCommitteeSize()),
		ActivationHeight: m.GetActivationHeight(),
	}
}

// ParamsFromProto converts a server's parameters. It rejects a response
// without an eon key; the key's own validity is checked by its parser.
func ParamsFromProto(m *veilv1.EncryptionParams) (api.Params, error) {
	if m == nil || m.GetEon() == nil || len(m.GetEon().GetPublicKey()) == 0 {
		return api.Params{}, fmt.Errorf("encryption params: %w (eon public key)", errMissing)
	}
	p := api.Params{
		ChainID:            m.GetChainId(),
		EnvelopeVersion:    m.GetEnvelopeVersion(),
		Eon:                eonFromProto(m.GetEon()),
		MinFee:             m.GetMinFee(),
		MaxEnvelopeBytes:   int(m.GetMaxEnvelopeBytes()),
		MaxCiphertextBytes: int(m.GetMaxCiphertextBytes()),
		LatestHeight:       m.GetLatestHeight(),
		MaxExpiryBlocks:    m.GetMaxExpiryBlocks(),
		EscapeHatchBlocks:  m.GetEscapeHatchBlocks(),
		TimeLockParams:     m.GetTimeLockParams(),
	}
	for _, r := range m.GetRollups() {
		p.Rollups = append(p.Rollups, api.Rollup{ID: r.GetId(), Name: r.GetName()})
	}
	if n := m.GetNextEon(); n != nil && len(n.GetPublicKey()) != 0 {
		next := eonFromProto(n)
		p.NextEon = &next
	}
	return p, nil
}

// AccountToProto converts a for the wire.
func AccountToProto(a api.Account) *veilv1.Account {
	return &veilv1.Account{
		Address:      a.Address.Hex(),
		Balance:      a.Balance,
		Nonce:        a.Nonce,
		PendingNonce: a.PendingNonce,
	}
}

// AccountFromProto converts a server's account.
func AccountFromProto(m *veilv1.Account) (api.Account, error) {
	if m == nil {
		return api.Account{}, fmt.Errorf("account: %w", errMissing)
	}
	addr, err := api.ParseAddress(m.GetAddress())
	if err != nil {
		return api.Account{}, err
	}
	return api.Account{
		Address:      addr,
		Balance:      m.GetBalance(),
		Nonce:        m.GetNonce(),
		PendingNonce: m.GetPendingNonce(),
	}, nil
}

// StatusToProto converts s for the wire.
func StatusToProto(s api.TxStatus) *veilv1.TxStatus {
	m := &veilv1.TxStatus{
		TxHash:         api.FormatHash(s.Hash),
		State:          stateToProto[s.State],
		Level:          levelToProto[s.Level],
		Reason:         s.Reason,
		ObservedHeight: s.ObservedHeight,
	}
	if s.Included() {
		m.Inclusion = &veilv1.Inclusion{Height: s.Height, Index: s.Index}
	}
	return m
}

// StatusFromProto converts a server's status.
func StatusFromProto(m *veilv1.TxStatus) (api.TxStatus, error) {
	if m == nil {
		return api.TxStatus{}, fmt.Errorf("tx status: %w", errMissing)
	}
	h, err := api.ParseHash(m.GetTxHash())
	if err != nil {
		return api.TxStatus{}, err
	}
	st, ok := stateFromProto[m.GetState()]
	if !ok {
		return api.TxStatus{}, fmt.Errorf("tx status: unknown state %v", m.GetState())
	}
	s := api.TxStatus{
		Hash:           h,
		State:          st,
		Level:          levelFromProto[m.GetLevel()],
		Reason:         m.GetReason(),
		ObservedHeight: m.GetObservedHeight(),
	}
	if s.Included() {
		s.Height, s.Index = m.GetInclusion().GetHeight(), m.GetInclusion().GetIndex()
	}
	return s, nil
}

// BlockToProto converts b for the wire.
func BlockToProto(b api.Block) *veilv1.Block {
	m := &veilv1.Block{
		Height:     b.Height,
		Hash:       api.FormatHash(b.Hash),
		Proposer:   hexBytes(b.Proposer),
		Decryption: levelToProto[b.Decryption],
		Txs:        make([]*veilv1.BlockTx, 0, len(b.Txs)),
	}
	if !b.Time.IsZero() {
		m.Time = timestamppb.New(b.Time)
	}
	for _, tx := range b.Txs {
		m.Txs = append(m.Txs, &veilv1.BlockTx{
			TxHash:    api.FormatHash(tx.Hash),
			Sender:    tx.Sender.Hex(),
			Nonce:     tx.Nonce,
			Fee:       tx.Fee,
			Eon:       tx.Eon,
			RollupIds: tx.Rollups,
			SizeBytes: u32(tx.Size),
			State:     stateToProto[tx.State],
		})
	}
	return m
}

// BlockFromProto converts a server's block.
func BlockFromProto(m *veilv1.Block) (api.Block, error) {
	if m == nil {
		return api.Block{}, fmt.Errorf("block: %w", errMissing)
	}
	h, err := api.ParseHash(m.GetHash())
	if err != nil {
		return api.Block{}, fmt.Errorf("block hash: %w", err)
	}
	var proposer []byte
	if p := m.GetProposer(); p != "" {
		if proposer, err = hexutilDecode(p); err != nil {
			return api.Block{}, fmt.Errorf("block proposer: %w", err)
		}
	}
	b := api.Block{
		Height:     m.GetHeight(),
		Hash:       h,
		Proposer:   proposer,
		Decryption: levelFromProto[m.GetDecryption()],
		Txs:        make([]api.BlockTx, 0, len(m.GetTxs())),
	}
	if m.GetTime() != nil {
		b.Time = m.GetTime().AsTime()
	}
	for _, tx := range m.GetTxs() {
		th, err := api.ParseHash(tx.GetTxHash())
		if err != nil {
			return api.Block{}, err
		}
		sender, err := api.ParseAddress(tx.GetSender())
		if err != nil {
			return api.Block{}, err
		}
		b.Txs = append(b.Txs, api.BlockTx{
			Hash:    th,
			Sender:  sender,
			Nonce:   tx.GetNonce(),
			Fee:     tx.GetFee(),
			Eon:     tx.GetEon(),
			Rollups: tx.GetRollupIds(),
			Size:    int(tx.GetSizeBytes()),
			State:   stateFromProto[tx.GetState()],
		})
	}
	return b, nil
}

func hexutilDecode(s string) ([]byte, error) {
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	return hex.DecodeString(s)
}
