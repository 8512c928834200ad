package contracts_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/contracts/bindings"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

const testChainID = "veil-test"

// pragueConfig is the dev chain at the Prague fork: the fork the contracts
// target (solc evmVersion prague) and the first with the EIP-2537
// precompiles. The simulated backend's default enables later forks too.
func pragueConfig() *params.ChainConfig { return contracts.SimulatedChainConfig() }

// chain is a simulated L1 with the two contracts deployed.
type chain struct {
	t        testing.TB
	backend  *simulated.Backend
	client   simulated.Client
	owner    *ecdsa.PrivateKey
	poster   *ecdsa.PrivateKey
	stranger *ecdsa.PrivateKey

	regABI   *bindings.CommitteeRegistry
	inboxABI *bindings.BatchInbox
	registry *bind.BoundContract
	inbox    *bind.BoundContract
	chainID  *big.Int
	seqChain string
}

func testKey(i byte) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(append(make([]byte, 31), i))
	if err != nil {
		panic(err)
	}
	return k
}

func newChain(t testing.TB) *chain {
	t.Helper()
	c := &chain{t: t, owner: testKey(1), poster: testKey(2), stranger: testKey(3), seqChain: testChainID}
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{c.owner, c.poster, c.stranger} {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 100)}
	}
	c.backend = simulated.NewBackend(alloc,
		func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = pragueConfig() },
		simulated.WithBlockGasLimit(60_000_000),
	)
	t.Cleanup(func() { _ = c.backend.Close() })
	c.client = c.backend.Client()
	c.chainID = pragueConfig().ChainID
	c.regABI = bindings.NewCommitteeRegistry()
	c.inboxABI = bindings.NewBatchInbox()

	regAddr, _, err := bind.DeployContract(c.opts(c.owner), common.FromHex(bindings.CommitteeRegistryMetaData.Bin),
		c.client, c.regABI.PackConstructor(crypto.PubkeyToAddress(c.owner.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	inboxAddr, _, err := bind.DeployContract(c.opts(c.owner), common.FromHex(bindings.BatchInboxMetaData.Bin),
		c.client, c.inboxABI.PackConstructor(regAddr, []byte(c.seqChain)))
	if err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	c.registry = c.regABI.Instance(c.client, regAddr)
	c.inbox = c.inboxABI.Instance(c.client, inboxAddr)
	if code, _ := c.client.CodeAt(context.Background(), inboxAddr, nil); len(code) == 0 {
		t.Fatal("inbox not deployed")
	}
	return c
}

func (c *chain) opts(k *ecdsa.PrivateKey) *bind.TransactOpts {
	o := bind.NewKeyedTransactor(k, c.chainID)
	o.GasLimit = 15_000_000 // no estimation: reverting calls still go on-chain
	return o
}

// send executes data from k in its own block and returns the receipt.
func (c *chain) send(k *ecdsa.PrivateKey, to *bind.BoundContract, data []byte) *types.Receipt {
	c.t.Helper()
	tx, err := bind.Transact(to, c.opts(k), data)
	if err != nil {
		c.t.Fatal(err)
	}
	c.backend.Commit()
	r, err := c.client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// mustSend is send that fails the test unless the call succeeds; it
// reports the reason from an eth_call replay when it does not.
func (c *chain) mustSend(k *ecdsa.PrivateKey, to *bind.BoundContract, data []byte) *types.Receipt {
	c.t.Helper()
	if err := c.call(k, to, data); err != nil {
		c.t.Fatalf("call reverts: %v", err)
	}
	r := c.send(k, to, data)
	if r.Status != types.ReceiptStatusSuccessful {
		c.t.Fatalf("tx failed (gas %d)", r.GasUsed)
	}
	return r
}

// revertError is a revert with its decoded custom error name.
type revertError struct {
	name string
	data []byte
}

func (e *revertError) Error() string { return "revert " + e.name }

// call runs data from k with eth_call against the latest state and returns
// nil, a *revertError naming the custom error, or another error.
func (c *chain) call(k *ecdsa.PrivateKey, to *bind.BoundContract, data []byte) error {
	addr := to.Address()
	_, err := c.client.CallContract(context.Background(), ethereum.CallMsg{
		From: crypto.PubkeyToAddress(k.PublicKey), To: &addr, Data: data, Gas: 15_000_000,
	}, nil)
	if err == nil {
		return nil
	}
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return err
	}
	raw, derr := hexutil.Decode(s)
	if derr != nil {
		return err
	}
	return &revertError{name: c.errorName(raw), data: raw}
}

// errorName names a custom error of either contract.
func (c *chain) errorName(raw []byte) string {
	if v, err := c.inboxABI.UnpackError(raw); err == nil {
		return typeName(v)
	}
	if v, err := c.regABI.UnpackError(raw); err == nil {
		return typeName(v)
	}
	return fmt.Sprintf("unknown(%x)", raw)
}

func typeName(v any) string {
	s := fmt.Sprintf("%T", v)
	for _, p := range []string{"*bindings.BatchInbox", "*bindings.CommitteeRegistry"} {
		if len(s) > len(p) && s[:len(p)] == p {
			return s[len(p):]
		}
	}
	return s
}

// callErr returns the custom error name of a call, "" on success.
func (c *chain) callErr(k *ecdsa.PrivateKey, to *bind.BoundContract, data []byte) string {
	c.t.Helper()
	err := c.call(k, to, data)
	if err == nil {
		return ""
	}
	var re *revertError
	if errors.As(err, &re) {
		return re.name
	}
	c.t.Fatalf("call: %v", err)
	return ""
}

func (c *chain) lastHeight() uint64 {
	c.t.Helper()
	h, err := bind.Call(c.inbox, nil, c.inboxABI.PackLastHeight(), c.inboxABI.UnpackLastHeight)
	if err != nil {
		c.t.Fatal(err)
	}
	return h
}

func (c *chain) root(height uint64) common.Hash {
	c.t.Helper()
	r, err := bind.Call(c.inbox, nil, c.inboxABI.PackBatchRoot(height), c.inboxABI.UnpackBatchRoot)
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// committee is a dealt eon key and its shares, from a fixed seed.
type committee struct {
	pk     *threshold.EonPublicKey
	shares []*threshold.SecretKeyShare
}

func dealCommittee(t testing.TB, eon uint64, seed uint64) committee {
	t.Helper()
	var s [32]byte
	s[0], s[1] = byte(seed), byte(eon)
	pk, shares, err := threshold.DealKeys(rand.NewChaCha8(s), eon, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	return committee{pk: pk, shares: shares}
}

func members(n int) []common.Address {
	out := make([]common.Address, n)
	for i := range out {
		out[i] = common.BigToAddress(big.NewInt(int64(0x1000 + i)))
	}
	return out
}

// sign returns the committee's threshold signature on msg from members
// 1..t, as the devnet will produce it: partials, verified, aggregated.
func (cm committee) sign(t testing.TB, msg []byte) *threshold.Signature {
	t.Helper()
	var parts []*threshold.PartialSignature
	for _, sk := range cm.shares[:cm.pk.Threshold()] {
		ps := sk.SignPartial(msg)
		if err := threshold.VerifyPartial(cm.pk, msg, ps); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, ps)
	}
	sig, err := threshold.AggregateSignatures(cm.pk, parts)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func (cm committee) signBatch(t testing.TB, chainID string, height uint64, root common.Hash) *threshold.Signature {
	t.Helper()
	m, err := rollupfeed.BatchMessage(chainID, int64(height), root)
	if err != nil {
		t.Fatal(err)
	}
	return cm.sign(t, m[:])
}

func (c *chain) register(cm committee, activation uint64) *types.Receipt {
	c.t.Helper()
	args, err := contracts.NewEonArgs(cm.pk, activation, members(cm.pk.N()))
	if err != nil {
		c.t.Fatal(err)
	}
	return c.mustSend(c.owner, c.registry, args.Pack())
}

func rootOf(i uint64) common.Hash { return crypto.Keccak256Hash([]byte(fmt.Sprintf("batch %d", i))) }

// sigFromEIP2537 parses a signature in the EIP-2537 G1 encoding (or the
// compressed one, 48 bytes) as the Go threshold package's Signature,
// rejecting what the pairing precompile rejects.
func sigFromEIP2537(b []byte) (*threshold.Signature, error) {
	if len(b) == threshold.SignatureSize {
		return threshold.ParseSignature(b)
	}
	if len(b) != threshold.EIP2537G1Size {
		return nil, fmt.Errorf("signature of %d bytes", len(b))
	}
	var p bls12381.G1Affine
	for i, e := range []*fp.Element{&p.X, &p.Y} {
		limb := b[i*64 : (i+1)*64]
		if !bytes.Equal(limb[:16], make([]byte, 16)) {
			return nil, errors.New("non-zero padding")
		}
		if err := e.SetBytesCanonical(limb[16:]); err != nil {
			return nil, err
		}
	}
	if p.IsInfinity() || !p.IsOnCurve() || !p.IsInSubGroup() {
		return nil, errors.New("not a point of G1")
	}
	c := p.Bytes()
	return threshold.ParseSignature(c[:])
}
