package test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/veilseq/veil/api/client"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/mempool"
)

// connectError is the Connect protocol's JSON error body.
type connectError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Debug struct {
			Reason string `json:"reason"`
		} `json:"debug"`
	} `json:"details"`
}

// submitJSON posts body to SubmitEnvelope with the given content type, as
// any HTTP client could, and returns the Connect error (zero if none).
func submitJSON(t *testing.T, url, contentType string, body []byte) connectError {
	t.Helper()
	res, err := http.Post(url+"/veil.v1.SequencerService/SubmitEnvelope", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusOK {
		return connectError{}
	}
	var ce connectError
	if err := json.Unmarshal(b, &ce); err != nil && contentType == "application/json" {
		t.Fatalf("HTTP %d with a body that is not a Connect error: %q", res.StatusCode, b)
	}
	return ce
}

func envelopeJSON(env []byte) []byte {
	return fmt.Appendf(nil, `{"envelope":%q}`, base64.StdEncoding.EncodeToString(env))
}

// TestBadInputChangesNothing sends the API every kind of bad submission a
// client can make and checks each gets its own Connect code and reason,
// and that none of them changes any state: the sender's balance and nonce
// move only for the one good envelope.
func TestBadInputChangesNothing(t *testing.T) {
	d := startDevnet(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.Dial(d.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	params, err := c.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := d.Wallets[0]
	seal := func(p *client.Params, tx client.Tx) []byte {
		t.Helper()
		env, err := client.Seal(rand.Reader, p, key, tx)
		if err != nil {
			t.Fatal(err)
		}
		return env.Encode()
	}
	legs := []client.Leg{{Rollup: devnet.DemoRollups[0].ID, Data: []byte("swap 1 A for B")}}

	// The good envelope, included, so it can be replayed below.
	good := seal(params, client.Tx{Legs: legs, Nonce: 0})
	h, err := c.SubmitRaw(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(ctx, h, client.UntilIncluded); err != nil {
		t.Fatal(err)
	}

	otherChain := *params
	otherChain.ChainID = "some-other-chain"
	badSig := seal(params, client.Tx{Legs: legs, Nonce: 1})
	badSig[len(badSig)-30] ^= 0x40
	unknownRollup, _ := mempool.Decode(seal(params, client.Tx{Legs: legs, Nonce: 1}))
	unknownRollup.Rollups = []uint64{999}
	if err := unknownRollup.Sign(key); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name        string
		contentType string
		body        []byte
		code        string
		reason      string
	}{
		{"not JSON", "application/json", []byte(`{"envelope": `), "invalid_argument", ""},
		{"not protobuf", "application/proto", []byte{0xff, 0xff, 0xff, 0x07}, "invalid_argument", ""},
		{"unknown field", "application/json", []byte(`{"envelop":"AQ=="}`), "invalid_argument", ""},
		{"empty envelope", "application/json", []byte(`{}`), "invalid_argument", ""},
		{"oversized body", "application/json", envelopeJSON(make([]byte, 2*mempool.MaxEnvelopeSize)), "resource_exhausted", ""},
		{"truncated envelope", "application/json", envelopeJSON(good[:len(good)-1]), "invalid_argument", "MALFORMED"},
		{"bad signature", "application/json", envelopeJSON(badSig), "invalid_argument", "BAD_SIGNATURE"},
		{"wrong chain id", "application/json", envelopeJSON(seal(&otherChain, client.Tx{Legs: legs, Nonce: 1})), "invalid_argument", "WRONG_CHAIN"},
		{"unknown rollup", "application/json", envelopeJSON(unknownRollup.Encode()), "invalid_argument", "UNKNOWN_ROLLUP"},
		{"replayed envelope", "application/json", envelopeJSON(good), "failed_precondition", ""},
		{"nonce gap", "application/json", envelopeJSON(seal(params, client.Tx{Legs: legs, Nonce: 1000})), "failed_precondition", "NONCE_GAP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ce := submitJSON(t, d.APIURL(), tc.contentType, tc.body)
			if ce.Code != tc.code {
				t.Fatalf("code %q (%s), want %q", ce.Code, ce.Message, tc.code)
			}
			if ce.Message == "" && tc.contentType == "application/json" {
				t.Fatal("error without a message")
			}
			if tc.reason != "" && (len(ce.Details) == 0 || ce.Details[0].Debug.Reason != tc.reason) {
				t.Fatalf("reason %+v (%s), want %s", ce.Details, ce.Message, tc.reason)
			}
			if strings.Contains(strings.ToLower(ce.Message), "panic") {
				t.Fatalf("message leaks an internal failure: %s", ce.Message)
			}
		})
	}

	// Let a few blocks pass: nothing the bad submissions did may land.
	start, _ := d.Network.Nodes[0].App().LastCommit()
	for {
		if h, _ := d.Network.Nodes[0].App().LastCommit(); h >= start+3 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("network stalled")
		case <-time.After(50 * time.Millisecond):
		}
	}
	p, err := d.Network.Nodes[0].App().Params()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Network.Nodes {
		a, err := n.App().Account(client.Address(key))
		if err != nil {
			t.Fatal(err)
		}
		if a.Nonce != 1 || a.Balance != devnet.WalletBalance-p.MinFee {
			t.Fatalf("%s: nonce %d balance %d, want nonce 1 balance %d", n.Moniker(), a.Nonce, a.Balance, devnet.WalletBalance-p.MinFee)
		}
	}
	if got := d.Network.Nodes[0].Mempool().Size(); got != 0 {
		t.Fatalf("%d envelopes left in the mempool", got)
	}
}
