package contracts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/veilseq/veil/contracts"
	"github.com/veilseq/veil/rollupfeed"
	"github.com/veilseq/veil/threshold"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/vectors.json from the fixed-seed committee")

// The simulated chain runs Prague, and the EIP-2537 precompiles answer at
// the addresses BatchInbox calls.
func TestPrecompilesPresent(t *testing.T) {
	c := newChain(t)
	head, err := c.client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := pragueConfig(); !cfg.IsPrague(head.Number, head.Time) || cfg.IsOsaka(head.Number, head.Time) {
		t.Fatal("simulated chain is not at Prague")
	}
	g1 := common.FromHex("0x0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb" +
		"0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1")
	call := func(addr byte, in []byte) []byte {
		to := common.BytesToAddress([]byte{addr})
		out, err := c.client.CallContract(context.Background(), ethereum.CallMsg{To: &to, Data: in}, nil)
		if err != nil {
			t.Fatalf("precompile %#x: %v", addr, err)
		}
		return out
	}
	// G1ADD: g1 + infinity = g1.
	if out := call(0x0b, append(append([]byte{}, g1...), make([]byte, 128)...)); !bytes.Equal(out, g1) {
		t.Errorf("BLS12_G1ADD(g1, 0) = %x", out)
	}
	// MAP_FP_TO_G1 of 0 gives a point; PAIRING_CHECK of no pairs is 1.
	if out := call(0x10, make([]byte, 64)); len(out) != 128 {
		t.Errorf("BLS12_MAP_FP_TO_G1 returned %d bytes", len(out))
	}
	if out := call(0x0f, make([]byte, 384)); len(out) != 32 || out[31] != 1 {
		t.Errorf("BLS12_PAIRING_CHECK(0, 0) = %x", out)
	}
}

// The contract signs-and-hashes exactly as the Go side does: same DST, same
// message bytes (rollupfeed.BatchMessage), same chain ID.
func TestInboxMatchesGo(t *testing.T) {
	c := newChain(t)
	dst, err := bind.Call(c.inbox, nil, c.inboxABI.PackSIGNATUREDST(), c.inboxABI.UnpackSIGNATUREDST)
	if err != nil || string(dst) != threshold.SignatureDST {
		t.Fatalf("SIGNATURE_DST = %q, %v; want %q", dst, err, threshold.SignatureDST)
	}
	id, err := bind.Call(c.inbox, nil, c.inboxABI.PackChainId(), c.inboxABI.UnpackChainId)
	if err != nil || string(id) != testChainID {
		t.Fatalf("chainId = %q, %v", id, err)
	}
	for _, h := range []uint64{1, 42, 1 << 40, 1<<63 - 1} {
		root := rootOf(h)
		got, err := bind.Call(c.inbox, nil, c.inboxABI.PackBatchMessage(h, root), c.inboxABI.UnpackBatchMessage)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rollupfeed.BatchMessage(testChainID, int64(h), root)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("height %d: contract message %x, rollupfeed %x", h, got, want)
		}
	}
}

// The signature vector of rollupfeed/testdata/vectors.json, made by the Go
// side alone, is accepted on-chain.
func TestRollupfeedSignatureVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "rollupfeed", "testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Signature struct {
			ChainID   string        `json:"chain_id"`
			Height    uint64        `json:"height"`
			BatchRoot common.Hash   `json:"batch_root"`
			EonKey    hexutil.Bytes `json:"eon_key"`
			Signature hexutil.Bytes `json:"signature"`
		} `json:"signature"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	s := v.Signature
	if s.ChainID != testChainID {
		t.Fatalf("vector chain %q", s.ChainID)
	}
	pk, err := threshold.ParseEonPublicKey(s.EonKey)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := threshold.ParseSignature(s.Signature)
	if err != nil {
		t.Fatal(err)
	}
	c := newChain(t)
	c.register(committee{pk: pk}, 1)
	c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(s.Height, s.BatchRoot, pk.Eon(), sig.EIP2537()))
	if c.root(s.Height) != s.BatchRoot {
		t.Fatal("root not stored")
	}
}

// vector is one postBatch call against the scenario of signatureScenario,
// with what the Go threshold package and the contract say about it.
type vector struct {
	Name      string        `json:"name"`
	Height    uint64        `json:"height"`
	Root      common.Hash   `json:"root"`
	Eon       uint64        `json:"eon"`
	Message   common.Hash   `json:"message"`
	Signature hexutil.Bytes `json:"signature"` // as posted, EIP-2537
	GoValid   bool          `json:"go_valid"`  // threshold.VerifySignature under Eon's key (false for unknown eons)
	Error     string        `json:"error"`     // the contract's custom error, "" for success
}

type vectorFile struct {
	Comment string                   `json:"comment"`
	ChainID string                   `json:"chain_id"`
	EonKeys map[string]hexutil.Bytes `json:"eon_keys"` // threshold encoding
	Posted  uint64                   `json:"posted"`
	Vectors []vector                 `json:"vectors"`
	Eons    map[string]eonEntry      `json:"eons"`
}

type eonEntry struct {
	Activation uint64 `json:"activation"`
	Revoked    bool   `json:"revoked"`
}

// signatureScenario registers eons 1 (from height 1), 2 (from 100) and 3
// (from 200, revoked), and posts height 10 under eon 1.
func signatureScenario(t *testing.T) (*chain, map[uint64]committee) {
	c := newChain(t)
	cms := map[uint64]committee{1: dealCommittee(t, 1, 7), 2: dealCommittee(t, 2, 7), 3: dealCommittee(t, 3, 7)}
	c.register(cms[1], 1)
	c.register(cms[2], 100)
	c.register(cms[3], 200)
	c.mustSend(c.owner, c.registry, c.regABI.PackRevokeEon(3))
	sig := cms[1].signBatch(t, testChainID, 10, rootOf(10))
	c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(10, rootOf(10), 1, sig.EIP2537()))
	return c, cms
}

func makeVectors(t *testing.T, cms map[uint64]committee) []vector {
	msg := func(h uint64, r common.Hash) common.Hash {
		m, err := rollupfeed.BatchMessage(testChainID, int64(h), r)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	sign := func(eon, h uint64, r common.Hash) []byte {
		return cms[eon].signBatch(t, testChainID, h, r).EIP2537()
	}
	v := func(name string, h uint64, r common.Hash, eon uint64, sig []byte, goValid bool, err string) vector {
		return vector{Name: name, Height: h, Root: r, Eon: eon, Message: msg(h, r), Signature: sig, GoValid: goValid, Error: err}
	}
	other := cms[1].signBatch(t, "veil-other", 11, rootOf(11)).EIP2537()
	m11 := msg(11, rootOf(11))
	// A partial signature's encoding is version ‖ index(2) ‖ σ_i(48).
	ps, err := threshold.ParseSignature(must(cms[1].shares[0].SignPartial(m11[:]).MarshalBinary())[3:])
	if err != nil {
		t.Fatal(err)
	}
	offCurve := append([]byte{}, sign(1, 11, rootOf(11))...)
	offCurve[127] ^= 1
	return []vector{
		v("valid", 11, rootOf(11), 1, sign(1, 11, rootOf(11)), true, ""),
		v("valid after a gap, next eon", 150, rootOf(150), 2, sign(2, 150, rootOf(150)), true, ""),
		v("wrong signature: other root", 11, rootOf(12), 1, sign(1, 11, rootOf(11)), false, "InvalidSignature"),
		v("wrong signature: other height", 12, rootOf(11), 1, sign(1, 11, rootOf(11)), false, "InvalidSignature"),
		v("wrong signature: other chain", 11, rootOf(11), 1, other, false, "InvalidSignature"),
		v("wrong signature: one member's partial", 11, rootOf(11), 1, ps.EIP2537(), false, "InvalidSignature"),
		v("wrong signature: off the curve", 11, rootOf(11), 1, offCurve, false, "InvalidSignature"),
		v("wrong signature: infinity", 11, rootOf(11), 1, make([]byte, 128), false, "InvalidSignature"),
		v("wrong signature: compressed encoding", 11, rootOf(11), 1, must(cms[1].signBatch(t, testChainID, 11, rootOf(11)).MarshalBinary()), true, "BadSignatureLength"),
		v("wrong eon: eon 2's signature claimed by eon 1", 50, rootOf(50), 1, sign(2, 50, rootOf(50)), false, "InvalidSignature"),
		v("wrong eon: unknown eon", 11, rootOf(11), 9, sign(1, 11, rootOf(11)), false, "UnknownEon"),
		v("wrong eon: before its activation", 50, rootOf(50), 2, sign(2, 50, rootOf(50)), true, "HeightOutsideEon"),
		v("wrong eon: after it was closed", 120, rootOf(120), 1, sign(1, 120, rootOf(120)), true, "HeightOutsideEon"),
		v("wrong eon: revoked", 250, rootOf(250), 3, sign(3, 250, rootOf(250)), true, "EonIsRevoked"),
		v("stale height: already posted", 10, rootOf(10), 1, sign(1, 10, rootOf(10)), true, "StaleHeight"),
		v("stale height: below the last", 9, rootOf(9), 1, sign(1, 9, rootOf(9)), true, "StaleHeight"),
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSignatureVectors checks each vector against both the Go threshold
// package and the contract, and that the fixed-seed committee still
// produces testdata/vectors.json byte for byte (-rewrite regenerates it).
func TestSignatureVectors(t *testing.T) {
	c, cms := signatureScenario(t)
	got := vectorFile{
		Comment: "Generated by go test ./contracts -run TestSignatureVectors -rewrite. Scenario: eons 1 (from height 1), 2 (from 100), 3 (from 200, revoked); height 10 posted by eon 1. Each vector is one postBatch call; signatures in the EIP-2537 G1 encoding.",
		ChainID: testChainID,
		EonKeys: map[string]hexutil.Bytes{},
		Posted:  10,
		Vectors: makeVectors(t, cms),
		Eons:    map[string]eonEntry{"1": {1, false}, "2": {100, false}, "3": {200, true}},
	}
	for e, cm := range cms {
		got.EonKeys[string(rune('0'+e))] = must(cm.pk.MarshalBinary())
	}
	path := filepath.Join("testdata", "vectors.json")
	enc := must(json.MarshalIndent(got, "", "  "))
	enc = append(enc, '\n')
	if *rewrite {
		if err := os.WriteFile(path, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, want) {
		t.Fatalf("%s differs from the fixed-seed committee's vectors; run with -rewrite if the change is intended", path)
	}
	var file vectorFile
	if err := json.Unmarshal(want, &file); err != nil {
		t.Fatal(err)
	}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			if cm, ok := cms[v.Eon]; ok {
				err := goVerify(cm.pk, v)
				if (err == nil) != v.GoValid {
					t.Errorf("Go threshold.VerifySignature: %v, want valid=%v", err, v.GoValid)
				}
			} else if v.GoValid {
				t.Fatal("vector claims Go validity under an unknown eon")
			}
			if m, _ := rollupfeed.BatchMessage(file.ChainID, int64(v.Height), v.Root); m != v.Message {
				t.Errorf("message %x, rollupfeed says %x", v.Message, m)
			}
			if got := c.callErr(c.poster, c.inbox, c.inboxABI.PackPostBatch(v.Height, v.Root, v.Eon, v.Signature)); got != v.Error {
				t.Errorf("contract: %q, want %q", got, v.Error)
			}
		})
	}
}

// goVerify checks a vector's signature with the Go threshold package: the
// EIP-2537 bytes are converted back to the compressed form it parses.
func goVerify(pk *threshold.EonPublicKey, v vector) error {
	sig, err := sigFromEIP2537(v.Signature)
	if err != nil {
		return err
	}
	return threshold.VerifySignature(pk, v.Message[:], sig)
}

func TestPostBatchSequence(t *testing.T) {
	c := newChain(t)
	cm := dealCommittee(t, 1, 1)
	c.register(cm, 1)
	for _, h := range []uint64{1, 2, 5, 6, 100} {
		sig := cm.signBatch(t, testChainID, h, rootOf(h))
		r := c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatch(h, rootOf(h), 1, sig.EIP2537()))
		if len(r.Logs) != 1 {
			t.Fatalf("height %d: %d logs", h, len(r.Logs))
		}
		ev, err := c.inboxABI.UnpackBatchPostedEvent(r.Logs[0])
		if err != nil || ev.Height != h || ev.Eon != 1 || ev.BatchRoot != rootOf(h) {
			t.Fatalf("height %d: event %+v, %v", h, ev, err)
		}
		if c.lastHeight() != h || c.root(h) != rootOf(h) {
			t.Fatalf("height %d not recorded", h)
		}
	}
	// Skipped heights stay unposted for good.
	if c.root(3) != (common.Hash{}) {
		t.Fatal("a skipped height has a root")
	}
	sig := cm.signBatch(t, testChainID, 3, rootOf(3))
	if got := c.callErr(c.poster, c.inbox, c.inboxABI.PackPostBatch(3, rootOf(3), 1, sig.EIP2537())); got != "StaleHeight" {
		t.Fatalf("posting a skipped height: %q", got)
	}
}

func TestPostBatches(t *testing.T) {
	c := newChain(t)
	cm := dealCommittee(t, 1, 1)
	c.register(cm, 1)
	heights := []uint64{3, 4, 7, 8, 9}
	roots := make([][32]byte, len(heights))
	sigs := make([]*threshold.Signature, len(heights))
	for i, h := range heights {
		roots[i] = rootOf(h)
		sigs[i] = cm.signBatch(t, testChainID, h, roots[i])
	}
	agg := must(contracts.SumSignatures(sigs)).EIP2537()

	tampered := append([][32]byte{}, roots...)
	tampered[2][0] ^= 1
	unsorted := []uint64{3, 4, 8, 7, 9}
	one := must(contracts.SumSignatures(sigs[:1])).EIP2537()
	for _, tc := range []struct {
		name    string
		heights []uint64
		roots   [][32]byte
		sig     []byte
		want    string
	}{
		{"tampered root", heights, tampered, agg, "InvalidSignature"},
		{"one signature short", heights, roots, must(contracts.SumSignatures(sigs[1:])).EIP2537(), "InvalidSignature"},
		{"unsorted heights", unsorted, roots, agg, "StaleHeight"},
		{"length mismatch", heights, roots[:4], agg, "LengthMismatch"},
		{"empty", nil, nil, agg, "EmptyBatch"},
		{"too many", make([]uint64, contracts.MaxBatch+1), make([][32]byte, contracts.MaxBatch+1), agg, "BatchTooLarge"},
		{"single height", heights[:1], roots[:1], one, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.callErr(c.poster, c.inbox, c.inboxABI.PackPostBatches(tc.heights, tc.roots, 1, tc.sig)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	r := c.mustSend(c.poster, c.inbox, c.inboxABI.PackPostBatches(heights, roots, 1, agg))
	if len(r.Logs) != len(heights) {
		t.Fatalf("%d events for %d heights", len(r.Logs), len(heights))
	}
	for i, h := range heights {
		if c.root(h) != roots[i] {
			t.Fatalf("height %d not stored", h)
		}
	}
	if c.lastHeight() != 9 {
		t.Fatalf("lastHeight %d", c.lastHeight())
	}
	if got := c.callErr(c.poster, c.inbox, c.inboxABI.PackPostBatches(heights, roots, 1, agg)); got != "StaleHeight" {
		t.Fatalf("replay: %q", got)
	}
}

func TestSumSignaturesRejects(t *testing.T) {
	if _, err := contracts.SumSignatures(nil); err == nil {
		t.Error("empty sum accepted")
	}
	cm := dealCommittee(t, 1, 1)
	s := cm.sign(t, []byte("x"))
	if _, err := contracts.SumSignatures([]*threshold.Signature{s, nil}); err == nil {
		t.Error("nil signature accepted")
	}
}
