package threshold_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilseq/veil/threshold"
)

// Known-answer vectors in testdata/vectors.json. Every value is derived
// from fixed seeds; randomness is the SHAKE256 stream of a seed string
// (Encrypt reads 64 bytes for r and reduces them mod r, big-endian;
// VerifyKeyShares reads 16 bytes per weight). Regenerate with
//
//	go test ./threshold -run TestVectors -update
//
// and review the diff: a changed known answer is a wire-format change.

var update = flag.Bool("update", false, "rewrite testdata/vectors.json and the fuzz seed corpora")

const vectorsPath = "testdata/vectors.json"

type vectorFile struct {
	Comment string    `json:"comment"`
	Keys    []keySet  `json:"keys"`
	Vectors []*vector `json:"vectors"`
}

type keySet struct {
	Name         string   `json:"name"`
	Seed         string   `json:"seed"`
	Eon          uint64   `json:"eon"`
	T            int      `json:"t"`
	N            int      `json:"n"`
	EonKey       string   `json:"eon_key"`
	SecretShares []string `json:"secret_shares"`
}

type vector struct {
	Name string `json:"name"`
	Op   string `json:"op"`
	Key  string `json:"key,omitempty"`  // keySet name
	Seed string `json:"seed,omitempty"` // randomness

	ChainID string `json:"chain_id,omitempty"`
	Eon     uint64 `json:"eon,omitempty"`
	Sender  string `json:"sender,omitempty"`
	Prefix  string `json:"prefix,omitempty"`

	Member         int        `json:"member,omitempty"`
	Members        []int      `json:"members,omitempty"`
	Identities     []string   `json:"identities,omitempty"`
	Header         string     `json:"header,omitempty"`
	Plaintext      string     `json:"plaintext,omitempty"`
	Ciphertext     string     `json:"ciphertext,omitempty"`
	Shares         [][]string `json:"shares,omitempty"`
	DecryptionKeys []string   `json:"decryption_keys,omitempty"`
	Message        string     `json:"message,omitempty"`
	Partials       []string   `json:"partials,omitempty"`
	Signature      string     `json:"signature,omitempty"`
	Input          string     `json:"input,omitempty"`

	Output []string `json:"output,omitempty"`
	Want   string   `json:"want"` // "ok" or the name of an error sentinel
}

var sentinels = map[string]error{
	"ErrMalformed":        threshold.ErrMalformed,
	"ErrVersion":          threshold.ErrVersion,
	"ErrInvalidPoint":     threshold.ErrInvalidPoint,
	"ErrInvalidScalar":    threshold.ErrInvalidScalar,
	"ErrThreshold":        threshold.ErrThreshold,
	"ErrInconsistentKey":  threshold.ErrInconsistentKey,
	"ErrIndex":            threshold.ErrIndex,
	"ErrDuplicateIndex":   threshold.ErrDuplicateIndex,
	"ErrTooFewShares":     threshold.ErrTooFewShares,
	"ErrWrongEon":         threshold.ErrWrongEon,
	"ErrLength":           threshold.ErrLength,
	"ErrInvalidShare":     threshold.ErrInvalidShare,
	"ErrInvalidKey":       threshold.ErrInvalidKey,
	"ErrDecrypt":          threshold.ErrDecrypt,
	"ErrInvalidSignature": threshold.ErrInvalidSignature,
}

func errName(err error) string {
	if err == nil {
		return "ok"
	}
	for name, s := range sentinels {
		if errors.Is(err, s) {
			return name
		}
	}
	return "unexpected: " + err.Error()
}

func TestVectors(t *testing.T) {
	gen := generateVectors(t)
	genJSON, err := json.MarshalIndent(gen, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	genJSON = append(genJSON, '\n')
	if *update {
		if err := os.WriteFile(vectorsPath, genJSON, 0o644); err != nil {
			t.Fatal(err)
		}
		writeFuzzCorpora(t, gen)
	}
	stored, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	var file vectorFile
	if err := json.Unmarshal(stored, &file); err != nil {
		t.Fatal(err)
	}
	keys := map[string]keySet{}
	for _, k := range file.Keys {
		keys[k.Name] = k
	}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			output, err := runVector(t, keys, v)
			if got := errName(err); got != v.Want {
				t.Fatalf("got %s, want %s", got, v.Want)
			}
			if err == nil && !equalStrings(output, v.Output) {
				t.Fatalf("output differs:\n got %v\nwant %v", output, v.Output)
			}
		})
	}
	t.Run("file up to date", func(t *testing.T) {
		if !bytes.Equal(stored, genJSON) {
			t.Fatal("testdata/vectors.json differs from the generator; run with -update and review the diff")
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hexes(bs ...[]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

func mustMarshal(t *testing.T, m interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runVector executes one vector from its stored inputs alone.
func runVector(t *testing.T, keys map[string]keySet, v *vector) ([]string, error) {
	var pk *threshold.EonPublicKey
	var sks []*threshold.SecretKeyShare
	if v.Key != "" {
		ks, ok := keys[v.Key]
		if !ok {
			t.Fatalf("unknown key set %q", v.Key)
		}
		var err error
		if pk, err = threshold.ParseEonPublicKey(unhex(t, ks.EonKey)); err != nil {
			t.Fatal(err)
		}
		for _, s := range ks.SecretShares {
			sk, err := threshold.ParseSecretKeyShare(unhex(t, s))
			if err != nil {
				t.Fatal(err)
			}
			sks = append(sks, sk)
		}
	}
	ids := func() ([]threshold.Identity, error) {
		out := make([]threshold.Identity, len(v.Identities))
		for i, s := range v.Identities {
			var err error
			if out[i], err = threshold.ParseIdentity(unhex(t, s)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	shareList := func(list []string) ([]*threshold.KeyShare, error) {
		out := make([]*threshold.KeyShare, len(list))
		for i, s := range list {
			var err error
			if out[i], err = threshold.ParseKeyShare(unhex(t, s)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	partials := func() ([]*threshold.PartialSignature, error) {
		out := make([]*threshold.PartialSignature, len(v.Partials))
		for i, s := range v.Partials {
			var err error
			if out[i], err = threshold.ParsePartialSignature(unhex(t, s)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	decKeys := func() ([]*threshold.DecryptionKey, error) {
		out := make([]*threshold.DecryptionKey, len(v.DecryptionKeys))
		for i, s := range v.DecryptionKeys {
			var err error
			if out[i], err = threshold.ParseDecryptionKey(unhex(t, s)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	switch v.Op {
	case "derive_identity":
		var sender [20]byte
		var prefix [32]byte
		copy(sender[:], unhex(t, v.Sender))
		copy(prefix[:], unhex(t, v.Prefix))
		return hexes(threshold.DeriveIdentity(v.ChainID, v.Eon, sender, prefix).Bytes()), nil
	case "encrypt":
		is, err := ids()
		if err != nil {
			return nil, err
		}
		ct, err := threshold.Encrypt(seeded(v.Seed), pk, is[0], unhex(t, v.Header), unhex(t, v.Plaintext))
		return hexes(ct), err
	case "decrypt":
		ks, err := decKeys()
		if err != nil {
			return nil, err
		}
		pt, err := threshold.Decrypt(ks[0], unhex(t, v.Ciphertext), unhex(t, v.Header))
		return hexes(pt), err
	case "key_shares":
		is, err := ids()
		if err != nil {
			return nil, err
		}
		var out []string
		for _, ks := range sks[v.Member-1].KeyShares(is) {
			out = append(out, hexes(mustMarshal(t, ks))...)
		}
		return out, nil
	case "verify_key_shares":
		is, err := ids()
		if err != nil {
			return nil, err
		}
		ss, err := shareList(v.Shares[0])
		if err != nil {
			return nil, err
		}
		return nil, threshold.VerifyKeyShares(seeded(v.Seed), pk, v.Member, is, ss)
	case "aggregate_keys":
		is, err := ids()
		if err != nil {
			return nil, err
		}
		m := map[int][]*threshold.KeyShare{}
		for i, list := range v.Shares {
			if m[v.Members[i]], err = shareList(list); err != nil {
				return nil, err
			}
		}
		keys, err := threshold.AggregateKeys(pk, is, m)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, k := range keys {
			out = append(out, hexes(mustMarshal(t, k))...)
		}
		return out, nil
	case "verify_decryption_keys":
		is, err := ids()
		if err != nil {
			return nil, err
		}
		ks, err := decKeys()
		if err != nil {
			return nil, err
		}
		return nil, threshold.VerifyDecryptionKeys(seeded(v.Seed), pk, is, ks)
	case "sign_partial":
		return hexes(mustMarshal(t, sks[v.Member-1].SignPartial(unhex(t, v.Message)))), nil
	case "verify_partial":
		ps, err := partials()
		if err != nil {
			return nil, err
		}
		return nil, threshold.VerifyPartial(pk, unhex(t, v.Message), ps[0])
	case "aggregate_signatures":
		ps, err := partials()
		if err != nil {
			return nil, err
		}
		sig, err := threshold.AggregateSignatures(pk, ps)
		if err != nil {
			return nil, err
		}
		return hexes(mustMarshal(t, sig)), nil
	case "verify_signature":
		sig, err := threshold.ParseSignature(unhex(t, v.Signature))
		if err != nil {
			return nil, err
		}
		return nil, threshold.VerifySignature(pk, unhex(t, v.Message), sig)
	case "check_secret_share":
		sk, err := threshold.ParseSecretKeyShare(unhex(t, v.Input))
		if err != nil {
			return nil, err
		}
		return nil, threshold.CheckSecretKeyShare(pk, sk)
	}
	if parse, ok := parsers[v.Op]; ok {
		return nil, parse(unhex(t, v.Input))
	}
	t.Fatalf("unknown op %q", v.Op)
	return nil, nil
}

// parsers are the decoders, by vector op and fuzz target.
var parsers = map[string]func([]byte) error{
	"parse_ciphertext":        func(b []byte) error { _, err := threshold.ParseCiphertext(b); return err },
	"parse_key_share":         parseShare,
	"parse_decryption_key":    parseKey,
	"parse_eon_key":           func(b []byte) error { _, err := threshold.ParseEonPublicKey(b); return err },
	"parse_secret_share":      func(b []byte) error { _, err := threshold.ParseSecretKeyShare(b); return err },
	"parse_signature":         func(b []byte) error { _, err := threshold.ParseSignature(b); return err },
	"parse_partial_signature": func(b []byte) error { _, err := threshold.ParsePartialSignature(b); return err },
	"parse_identity":          func(b []byte) error { _, err := threshold.ParseIdentity(b); return err },
}

// generateVectors derives every vector from fixed seeds.
func generateVectors(t *testing.T) *vectorFile {
	file := &vectorFile{
		Comment: "veil threshold known-answer vectors; see vectors_test.go. " +
			"Randomness is SHAKE256(seed). Byte strings are hex. " +
			"want is ok or the error sentinel the operation must return.",
	}
	type kset struct {
		pk  *threshold.EonPublicKey
		sks []*threshold.SecretKeyShare
	}
	sets := map[string]kset{}
	for _, k := range []keySet{
		{Name: "eon1", Seed: "veil/kat/eon1", Eon: 1, T: 3, N: 5},
		{Name: "eon2", Seed: "veil/kat/eon2", Eon: 2, T: 3, N: 5},
		{Name: "eon3-1of1", Seed: "veil/kat/eon3", Eon: 3, T: 1, N: 1},
	} {
		pk, sks, err := threshold.DealKeys(seeded(k.Seed), k.Eon, k.T, k.N)
		if err != nil {
			t.Fatal(err)
		}
		k.EonKey = hex.EncodeToString(mustMarshal(t, pk))
		for _, sk := range sks {
			k.SecretShares = append(k.SecretShares, hex.EncodeToString(mustMarshal(t, sk)))
		}
		file.Keys = append(file.Keys, k)
		sets[k.Name] = kset{pk, sks}
	}
	add := func(v *vector) { file.Vectors = append(file.Vectors, v) }
	e1, e2 := sets["eon1"], sets["eon2"]

	// Identities.
	sender := [20]byte{0xaa, 0xbb}
	var ids1 []threshold.Identity
	for i := range 3 {
		prefix := [32]byte{byte(i)}
		for k := range prefix[1:] {
			prefix[k+1] = byte(7 * k)
		}
		id := threshold.DeriveIdentity("veil-kat", 1, sender, prefix)
		ids1 = append(ids1, id)
		add(&vector{Name: fmt.Sprintf("derive identity %d", i), Op: "derive_identity", ChainID: "veil-kat", Eon: 1,
			Sender: hex.EncodeToString(sender[:]), Prefix: hex.EncodeToString(prefix[:]), Output: hexes(id.Bytes()), Want: "ok"})
	}
	id2 := threshold.DeriveIdentity("veil-kat", 2, sender, [32]byte{0})
	idHex := func(ids ...threshold.Identity) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = hex.EncodeToString(id.Bytes())
		}
		return out
	}

	// Encryption.
	header := []byte("veil envelope header v1")
	plaintext := []byte("transfer 1 ETH to 0x00000000000000000000000000000000000000aa")
	ct, err := threshold.Encrypt(seeded("veil/kat/encrypt"), e1.pk, ids1[0], header, plaintext)
	if err != nil {
		t.Fatal(err)
	}
	add(&vector{Name: "encrypt", Op: "encrypt", Key: "eon1", Seed: "veil/kat/encrypt", Identities: idHex(ids1[0]),
		Header: hex.EncodeToString(header), Plaintext: hex.EncodeToString(plaintext), Output: hexes(ct), Want: "ok"})
	emptyCT, err := threshold.Encrypt(seeded("veil/kat/encrypt-empty"), e1.pk, ids1[1], nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	add(&vector{Name: "encrypt empty", Op: "encrypt", Key: "eon1", Seed: "veil/kat/encrypt-empty", Identities: idHex(ids1[1]),
		Output: hexes(emptyCT), Want: "ok"})

	// Key shares of members 1..5 for ids1.
	shares := map[int][]*threshold.KeyShare{}
	shareHex := map[int][]string{}
	for _, sk := range e1.sks {
		shares[sk.Index()] = sk.KeyShares(ids1)
		for _, s := range shares[sk.Index()] {
			shareHex[sk.Index()] = append(shareHex[sk.Index()], hex.EncodeToString(mustMarshal(t, s)))
		}
	}
	for i := 1; i <= 2; i++ {
		add(&vector{Name: fmt.Sprintf("key shares member %d", i), Op: "key_shares", Key: "eon1", Member: i,
			Identities: idHex(ids1...), Output: shareHex[i], Want: "ok"})
	}
	add(&vector{Name: "verify key shares", Op: "verify_key_shares", Key: "eon1", Seed: "veil/kat/verify", Member: 2,
		Identities: idHex(ids1...), Shares: [][]string{shareHex[2]}, Want: "ok"})
	badShares := append([]string(nil), shareHex[2]...)
	badShares[1] = shareHex[3][1]
	badShares[1] = badShares[1][:2] + "0002" + badShares[1][6:] // member 3's share relabelled as member 2's
	add(&vector{Name: "bad share", Op: "verify_key_shares", Key: "eon1", Seed: "veil/kat/verify", Member: 2,
		Identities: idHex(ids1...), Shares: [][]string{badShares}, Want: "ErrInvalidShare"})
	swapped := []string{shareHex[2][1], shareHex[2][0], shareHex[2][2]}
	add(&vector{Name: "shares out of order", Op: "verify_key_shares", Key: "eon1", Seed: "veil/kat/verify", Member: 2,
		Identities: idHex(ids1...), Shares: [][]string{swapped}, Want: "ErrInvalidShare"})
	var e2Shares []string
	for _, s := range e2.sks[1].KeyShares(ids1) {
		e2Shares = append(e2Shares, hex.EncodeToString(mustMarshal(t, s)))
	}
	add(&vector{Name: "wrong eon shares", Op: "verify_key_shares", Key: "eon1", Seed: "veil/kat/verify", Member: 2,
		Identities: idHex(ids1...), Shares: [][]string{e2Shares}, Want: "ErrInvalidShare"})
	add(&vector{Name: "shares of unknown member", Op: "verify_key_shares", Key: "eon1", Seed: "veil/kat/verify", Member: 6,
		Identities: idHex(ids1...), Shares: [][]string{shareHex[2]}, Want: "ErrIndex"})

	// Aggregation.
	keys, err := threshold.AggregateKeys(e1.pk, ids1, map[int][]*threshold.KeyShare{1: shares[1], 2: shares[2], 3: shares[3]})
	if err != nil {
		t.Fatal(err)
	}
	var keyHex []string
	for _, k := range keys {
		keyHex = append(keyHex, hex.EncodeToString(mustMarshal(t, k)))
	}
	aggregate := func(name string, members []int, lists [][]string, want string, out []string) {
		add(&vector{Name: name, Op: "aggregate_keys", Key: "eon1", Identities: idHex(ids1...), Members: members,
			Shares: lists, Output: out, Want: want})
	}
	aggregate("aggregate members 1,2,3", []int{1, 2, 3}, [][]string{shareHex[1], shareHex[2], shareHex[3]}, "ok", keyHex)
	aggregate("aggregate members 1,3,5", []int{1, 3, 5}, [][]string{shareHex[1], shareHex[3], shareHex[5]}, "ok", keyHex)
	aggregate("aggregate all members", []int{1, 2, 3, 4, 5}, [][]string{shareHex[1], shareHex[2], shareHex[3], shareHex[4], shareHex[5]}, "ok", keyHex)
	aggregate("too few shares", []int{1, 2}, [][]string{shareHex[1], shareHex[2]}, "ErrTooFewShares", nil)
	aggregate("duplicated share index", []int{1, 2, 3}, [][]string{shareHex[1], shareHex[2], shareHex[2]}, "ErrDuplicateIndex", nil)
	aggregate("share index 0", []int{0, 1, 2}, [][]string{shareHex[1], shareHex[1], shareHex[2]}, "ErrIndex", nil)
	aggregate("missing share", []int{1, 2, 3}, [][]string{shareHex[1], shareHex[2], shareHex[3][:2]}, "ErrLength", nil)
	add(&vector{Name: "verify decryption keys", Op: "verify_decryption_keys", Key: "eon1", Seed: "veil/kat/verify",
		Identities: idHex(ids1...), DecryptionKeys: keyHex, Want: "ok"})
	add(&vector{Name: "decryption keys out of order", Op: "verify_decryption_keys", Key: "eon1", Seed: "veil/kat/verify",
		Identities: idHex(ids1...), DecryptionKeys: []string{keyHex[1], keyHex[0], keyHex[2]}, Want: "ErrInvalidKey"})
	add(&vector{Name: "decryption keys against wrong eon", Op: "verify_decryption_keys", Key: "eon2", Seed: "veil/kat/verify",
		Identities: idHex(ids1...), DecryptionKeys: keyHex, Want: "ErrInvalidKey"})

	// Decryption.
	e2keys, err := threshold.AggregateKeys(e2.pk, []threshold.Identity{id2}, map[int][]*threshold.KeyShare{
		1: {e2.sks[0].KeyShare(id2)}, 2: {e2.sks[1].KeyShare(id2)}, 3: {e2.sks[2].KeyShare(id2)}})
	if err != nil {
		t.Fatal(err)
	}
	e1KeyUnderE2, err := threshold.AggregateKeys(e2.pk, ids1[:1], map[int][]*threshold.KeyShare{
		1: e2.sks[0].KeyShares(ids1[:1]), 2: e2.sks[1].KeyShares(ids1[:1]), 3: e2.sks[2].KeyShares(ids1[:1])})
	if err != nil {
		t.Fatal(err)
	}
	ctHex, hHex := hex.EncodeToString(ct), hex.EncodeToString(header)
	flip := func(i int, mask byte) string {
		c := bytes.Clone(ct)
		c[i] ^= mask
		return hex.EncodeToString(c)
	}
	decrypt := func(name, key, ctx, hdr, want string, out []string) {
		add(&vector{Name: name, Op: "decrypt", DecryptionKeys: []string{key}, Ciphertext: ctx, Header: hdr, Output: out, Want: want})
	}
	decrypt("decrypt", keyHex[0], ctHex, hHex, "ok", hexes(plaintext))
	decrypt("decrypt empty", keyHex[1], hex.EncodeToString(emptyCT), "", "ok", hexes(nil))
	decrypt("wrong identity", keyHex[1], ctHex, hHex, "ErrDecrypt", nil)
	decrypt("wrong eon (eon 2 key for an eon 2 identity)", hex.EncodeToString(mustMarshal(t, e2keys[0])), ctHex, hHex, "ErrDecrypt", nil)
	decrypt("wrong eon (eon 2 key for the same identity)", hex.EncodeToString(mustMarshal(t, e1KeyUnderE2[0])), ctHex, hHex, "ErrDecrypt", nil)
	decrypt("wrong header", keyHex[0], ctHex, hex.EncodeToString([]byte("veil envelope header v2")), "ErrDecrypt", nil)
	decrypt("mauled U (negated, still in G2)", keyHex[0], flip(1, 0x20), hHex, "ErrDecrypt", nil)
	decrypt("mauled U (not a point)", keyHex[0], flip(60, 0x01), hHex, "ErrInvalidPoint", nil)
	decrypt("mauled AEAD body", keyHex[0], flip(100, 0x80), hHex, "ErrDecrypt", nil)
	decrypt("mauled AEAD tag", keyHex[0], flip(len(ct)-1, 0x01), hHex, "ErrDecrypt", nil)
	decrypt("unknown version", keyHex[0], flip(0, 0x02), hHex, "ErrVersion", nil)
	decrypt("truncated ciphertext", keyHex[0], ctHex[:2*(threshold.CiphertextOverhead-1)], hHex, "ErrMalformed", nil)
	decrypt("ciphertext cut to its overhead", keyHex[0], ctHex[:2*threshold.CiphertextOverhead], hHex, "ErrDecrypt", nil)
	decrypt("U not in subgroup", keyHex[0], "01"+hex.EncodeToString(notInG2(t))+ctHex[2+2*96:], hHex, "ErrInvalidPoint", nil)

	// Threshold signatures.
	msg := []byte("veil batch root 0000000000000000000000000000000000000000000000000000000000000001")
	var partialHex []string
	var partialsList []*threshold.PartialSignature
	for _, sk := range e1.sks {
		ps := sk.SignPartial(msg)
		partialsList = append(partialsList, ps)
		partialHex = append(partialHex, hex.EncodeToString(mustMarshal(t, ps)))
	}
	sig, err := threshold.AggregateSignatures(e1.pk, partialsList[:3])
	if err != nil {
		t.Fatal(err)
	}
	sigHex := hex.EncodeToString(mustMarshal(t, sig))
	mHex := hex.EncodeToString(msg)
	add(&vector{Name: "sign partial member 4", Op: "sign_partial", Key: "eon1", Member: 4, Message: mHex, Output: partialHex[3:4], Want: "ok"})
	add(&vector{Name: "verify partial", Op: "verify_partial", Key: "eon1", Message: mHex, Partials: partialHex[3:4], Want: "ok"})
	relabelled := partialHex[3][:2] + "0003" + partialHex[3][6:]
	add(&vector{Name: "bad partial signature", Op: "verify_partial", Key: "eon1", Message: mHex, Partials: []string{relabelled}, Want: "ErrInvalidShare"})
	add(&vector{Name: "aggregate signature", Op: "aggregate_signatures", Key: "eon1", Partials: partialHex[:3], Output: []string{sigHex}, Want: "ok"})
	add(&vector{Name: "aggregate signature 2,4,5", Op: "aggregate_signatures", Key: "eon1", Partials: []string{partialHex[1], partialHex[3], partialHex[4]}, Output: []string{sigHex}, Want: "ok"})
	add(&vector{Name: "signature too few partials", Op: "aggregate_signatures", Key: "eon1", Partials: partialHex[:2], Want: "ErrTooFewShares"})
	add(&vector{Name: "signature duplicated partial index", Op: "aggregate_signatures", Key: "eon1", Partials: []string{partialHex[0], partialHex[1], partialHex[1]}, Want: "ErrDuplicateIndex"})
	add(&vector{Name: "verify signature", Op: "verify_signature", Key: "eon1", Message: mHex, Signature: sigHex, Want: "ok"})
	add(&vector{Name: "signature wrong message", Op: "verify_signature", Key: "eon1", Message: mHex[:len(mHex)-2] + "02", Signature: sigHex, Want: "ErrInvalidSignature"})
	add(&vector{Name: "signature wrong eon", Op: "verify_signature", Key: "eon2", Message: mHex, Signature: sigHex, Want: "ErrInvalidSignature"})
	add(&vector{Name: "decryption key is not a signature", Op: "verify_signature", Key: "eon1",
		Message: hex.EncodeToString(ids1[0].Bytes()), Signature: keyHex[0][2:], Want: "ErrInvalidSignature"})

	// Secret shares and keys.
	add(&vector{Name: "secret share matches eon key", Op: "check_secret_share", Key: "eon1", Input: file.Keys[0].SecretShares[2], Want: "ok"})
	add(&vector{Name: "secret share of wrong eon", Op: "check_secret_share", Key: "eon1", Input: file.Keys[1].SecretShares[2], Want: "ErrWrongEon"})

	// Decoders: must-fail encodings.
	pkHex := file.Keys[0].EonKey
	skHex := file.Keys[0].SecretShares[0]
	notG1, notG2 := hex.EncodeToString(notInG1(t)), hex.EncodeToString(notInG2(t))
	parse := func(name, op, in, want string) {
		add(&vector{Name: name, Op: op, Input: in, Want: want})
	}
	parse("eon key", "parse_eon_key", pkHex, "ok")
	parse("eon key truncated", "parse_eon_key", pkHex[:len(pkHex)-2], "ErrMalformed")
	parse("eon key member not in subgroup", "parse_eon_key", pkHex[:len(pkHex)-192]+notG2, "ErrInvalidPoint")
	parse("eon key threshold 0", "parse_eon_key", pkHex[:18]+"0000"+pkHex[22:], "ErrThreshold")
	parse("eon key threshold above n", "parse_eon_key", pkHex[:18]+"0006"+pkHex[22:], "ErrThreshold")
	parse("eon key inconsistent member", "parse_eon_key", pkHex[:len(pkHex)-192]+pkHex[len(pkHex)-384:len(pkHex)-192], "ErrInconsistentKey")
	parse("secret share", "parse_secret_share", skHex, "ok")
	parse("secret share truncated", "parse_secret_share", skHex[:len(skHex)-2], "ErrMalformed")
	parse("secret share index 0", "parse_secret_share", skHex[:18]+"0000"+skHex[22:], "ErrIndex")
	parse("secret share scalar = r", "parse_secret_share", skHex[:22]+"73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", "ErrInvalidScalar")
	parse("key share", "parse_key_share", shareHex[1][0], "ok")
	parse("key share index 0", "parse_key_share", "010000"+shareHex[1][0][6:], "ErrIndex")
	parse("key share not in subgroup", "parse_key_share", "010001"+notG1, "ErrInvalidPoint")
	parse("key share truncated", "parse_key_share", shareHex[1][0][:100], "ErrMalformed")
	parse("key share infinity", "parse_key_share", "010001c0"+string(bytes.Repeat([]byte("00"), 47)), "ErrInvalidPoint")
	parse("decryption key", "parse_decryption_key", keyHex[0], "ok")
	parse("decryption key not in subgroup", "parse_decryption_key", "01"+notG1, "ErrInvalidPoint")
	parse("decryption key truncated", "parse_decryption_key", keyHex[0][:96], "ErrMalformed")
	parse("ciphertext", "parse_ciphertext", ctHex, "ok")
	parse("ciphertext U not in subgroup", "parse_ciphertext", "01"+notG2+ctHex[194:], "ErrInvalidPoint")
	parse("ciphertext truncated", "parse_ciphertext", ctHex[:50], "ErrMalformed")
	parse("signature", "parse_signature", sigHex, "ok")
	parse("signature not in subgroup", "parse_signature", notG1, "ErrInvalidPoint")
	parse("signature truncated", "parse_signature", sigHex[:94], "ErrMalformed")
	parse("partial signature", "parse_partial_signature", partialHex[0], "ok")
	parse("partial signature index 0", "parse_partial_signature", "010000"+partialHex[0][6:], "ErrIndex")
	parse("partial signature truncated", "parse_partial_signature", partialHex[0][:20], "ErrMalformed")
	parse("identity", "parse_identity", hex.EncodeToString(ids1[0].Bytes()), "ok")
	parse("identity not in subgroup", "parse_identity", notG1, "ErrInvalidPoint")
	parse("identity truncated", "parse_identity", hex.EncodeToString(ids1[0].Bytes()[:47]), "ErrMalformed")
	return file
}

// writeFuzzCorpora writes each decoder's vectors as its fuzz seed corpus.
func writeFuzzCorpora(t *testing.T, file *vectorFile) {
	targets := map[string]string{
		"parse_ciphertext":        "FuzzParseCiphertext",
		"parse_key_share":         "FuzzParseKeyShare",
		"parse_decryption_key":    "FuzzParseDecryptionKey",
		"parse_eon_key":           "FuzzParseEonPublicKey",
		"parse_secret_share":      "FuzzParseSecretKeyShare",
		"parse_signature":         "FuzzParseSignature",
		"parse_partial_signature": "FuzzParsePartialSignature",
		"parse_identity":          "FuzzParseIdentity",
		"":                        "FuzzDecodeG2", // from ciphertext vectors below
	}
	// Files are overwritten, never deleted, so inputs the fuzzer found and
	// saved beside them stay.
	for _, target := range targets {
		if err := os.MkdirAll(filepath.Join("testdata", "fuzz", target), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(target, name string, b []byte) {
		var lit strings.Builder
		for _, c := range b {
			if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
				lit.WriteByte(c)
			} else {
				fmt.Fprintf(&lit, "\\x%02x", c)
			}
		}
		content := "go test fuzz v1\n[]byte(\"" + lit.String() + "\")\n"
		file := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(name))
		if err := os.WriteFile(filepath.Join("testdata", "fuzz", target, file), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range file.Vectors {
		target, ok := targets[v.Op]
		if !ok {
			continue
		}
		b, err := hex.DecodeString(v.Input)
		if err != nil {
			t.Fatal(err)
		}
		write(target, v.Name, b)
		// The U of each ciphertext seeds the internal G2 decoder's fuzzer.
		if v.Op == "parse_ciphertext" && len(b) >= 97 {
			write("FuzzDecodeG2", v.Name, b[1:97])
		}
	}
}
