package ordering

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/veilseq/veil/threshold"
)

// ErrGenesis reports an unusable genesis app_state.
var ErrGenesis = errors.New("ordering: invalid genesis")

// Params are the chain parameters the application enforces.
type Params struct {
	// MinFee is the smallest fee an envelope may pay.
	MinFee uint64 `json:"min_fee"`
	// MaxBlockTxs bounds the number of envelopes in a block.
	MaxBlockTxs uint32 `json:"max_block_txs"`
	// MaxBlockBytes bounds the envelopes' total size in a block, counted
	// as CometBFT counts block data (each tx with its protobuf framing).
	MaxBlockBytes uint64 `json:"max_block_bytes"`
	// ExpiryWindow bounds an envelope's expiry: at most this many blocks
	// after the block that includes it.
	ExpiryWindow uint64 `json:"expiry_window"`
	// RotationLeadBlocks is the fewest blocks between an eon
	// registration's inclusion and its activation, so wallets see the
	// next eon before it is current. Zero: DefaultRotationLead.
	RotationLeadBlocks uint64 `json:"rotation_lead_blocks,omitempty"`
}

// DefaultParams are the devnet's parameters.
func DefaultParams() Params {
	return Params{
		MinFee:        1,
		MaxBlockTxs:   2000,
		MaxBlockBytes: 2 << 20,
		ExpiryWindow:  600,
	}
}

// Validate checks that the parameters leave room for a block.
func (p Params) Validate() error {
	switch {
	case p.MaxBlockTxs == 0:
		return fmt.Errorf("%w: params.max_block_txs must be positive", ErrGenesis)
	case p.MaxBlockBytes < 1024:
		return fmt.Errorf("%w: params.max_block_bytes must be at least 1024", ErrGenesis)
	case p.MaxBlockBytes > 1<<30:
		return fmt.Errorf("%w: params.max_block_bytes must be at most 1 GiB", ErrGenesis)
	case p.ExpiryWindow == 0:
		return fmt.Errorf("%w: params.expiry_window must be positive", ErrGenesis)
	case p.RotationLeadBlocks > 1<<32:
		return fmt.Errorf("%w: params.rotation_lead_blocks must be at most 2^32", ErrGenesis)
	}
	return nil
}

func (p Params) encode() []byte {
	b := []byte{recordVersion}
	b = binary.BigEndian.AppendUint64(b, p.MinFee)
	b = binary.BigEndian.AppendUint32(b, p.MaxBlockTxs)
	b = binary.BigEndian.AppendUint64(b, p.MaxBlockBytes)
	b = binary.BigEndian.AppendUint64(b, p.ExpiryWindow)
	if p.RotationLeadBlocks != 0 {
		// Only then, so chains without it keep their params record.
		b = binary.BigEndian.AppendUint64(b, p.RotationLeadBlocks)
	}
	return b
}

func decodeParams(b []byte) (Params, error) {
	if (len(b) != 29 && len(b) != 37) || b[0] != recordVersion {
		return Params{}, fmt.Errorf("%w: params", errCorrupt)
	}
	p := Params{
		MinFee:        binary.BigEndian.Uint64(b[1:]),
		MaxBlockTxs:   binary.BigEndian.Uint32(b[9:]),
		MaxBlockBytes: binary.BigEndian.Uint64(b[13:]),
		ExpiryWindow:  binary.BigEndian.Uint64(b[21:]),
	}
	if len(b) == 37 {
		p.RotationLeadBlocks = binary.BigEndian.Uint64(b[29:])
	}
	return p, nil
}

// Genesis is the application's part of the CometBFT genesis document, its
// app_state field.
type Genesis struct {
	Params Params `json:"params"`
	// Accounts are funded at genesis (the devnet faucet, test wallets).
	Accounts []GenesisAccount `json:"accounts"`
	// Rollups are registered at genesis.
	Rollups []Rollup `json:"rollups"`
	// Eon is the committee key active from the first block.
	Eon GenesisEon `json:"eon"`
	// EscapeHatch, if set, lets a block whose keys are withheld for
	// EscapeHatch.Blocks blocks be resolved from its envelopes'
	// time-locks (escape.go). Absent: no escape hatch.
	EscapeHatch *GenesisEscapeHatch `json:"escape_hatch,omitempty"`
}

// GenesisAccount funds an address.
type GenesisAccount struct {
	Address common.Address `json:"address"`
	Balance uint64         `json:"balance"`
}

// GenesisEon is the first eon.
type GenesisEon struct {
	ID uint64 `json:"id"`
	// PublicKey is a threshold.EonPublicKey's canonical encoding (from the
	// DKG run at devnet start, or a trusted dealer in tests).
	PublicKey hexutil.Bytes `json:"public_key"`
	// Keyholders are the members' Ed25519 public keys, in member order,
	// that sign their key share submissions (decrypt.SignShares). Empty:
	// no keyholder can submit over the API.
	Keyholders []hexutil.Bytes `json:"keyholders,omitempty"`
}

// ParseGenesis decodes and validates an app_state document. Unknown fields
// are rejected so a misspelt parameter cannot silently take its default.
func ParseGenesis(b []byte) (*Genesis, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var g Genesis
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGenesis, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after app_state", ErrGenesis)
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return &g, nil
}

// Marshal returns the JSON for a genesis document's app_state.
func (g *Genesis) Marshal() (json.RawMessage, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return json.MarshalIndent(g, "", "  ")
}

// Validate checks the genesis state: parameters, unique funded addresses
// whose balances sum without overflow (so no later fee sum can overflow),
// unique rollups with short names, and a well-formed eon key for the
// named eon.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	seen := make(map[common.Address]bool, len(g.Accounts))
	var total uint64
	for _, a := range g.Accounts {
		if seen[a.Address] {
			return fmt.Errorf("%w: account %s listed twice", ErrGenesis, a.Address)
		}
		seen[a.Address] = true
		var carry uint64
		total, carry = bits.Add64(total, a.Balance, 0)
		if carry != 0 {
			return fmt.Errorf("%w: account balances sum past 2^64", ErrGenesis)
		}
	}
	ids := make(map[uint64]bool, len(g.Rollups))
	for _, r := range g.Rollups {
		if ids[r.ID] {
			return fmt.Errorf("%w: rollup %d listed twice", ErrGenesis, r.ID)
		}
		ids[r.ID] = true
		if len(r.Name) > maxRollupName {
			return fmt.Errorf("%w: rollup %d name longer than %d bytes", ErrGenesis, r.ID, maxRollupName)
		}
	}
	if len(g.Eon.PublicKey) == 0 {
		return fmt.Errorf("%w: eon.public_key is required", ErrGenesis)
	}
	pk, err := threshold.ParseEonPublicKey(g.Eon.PublicKey)
	if err != nil {
		return fmt.Errorf("%w: eon.public_key: %v", ErrGenesis, err)
	}
	if pk.Eon() != g.Eon.ID {
		return fmt.Errorf("%w: eon.public_key is for eon %d, eon.id is %d", ErrGenesis, pk.Eon(), g.Eon.ID)
	}
	if err := g.EscapeHatch.Validate(); err != nil {
		return err
	}
	return validateKeyholders(g.Eon.Keyholders, pk.N())
}
