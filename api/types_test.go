package api

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestParseHash(t *testing.T) {
	h := common.HexToHash("0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	for _, s := range []string{h.Hex(), strings.ToUpper(h.Hex()[2:]), "0X" + h.Hex()[2:], FormatHash(h)} {
		got, err := ParseHash(s)
		if err != nil || got != h {
			t.Errorf("ParseHash(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0x", "0x0x" + h.Hex()[4:], h.Hex() + "0", h.Hex()[:65], "g" + h.Hex()[3:], " " + h.Hex()} {
		if _, err := ParseHash(s); err == nil {
			t.Errorf("ParseHash(%q) accepted", s)
		}
	}
	if _, err := ParseHash(strings.Repeat("z", 1000)); len(err.Error()) > 200 {
		t.Errorf("error echoes all of a long input: %d bytes", len(err.Error()))
	}
}

func TestParseAddress(t *testing.T) {
	a := common.HexToAddress("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
	for _, s := range []string{a.Hex(), strings.ToLower(a.Hex()), a.Hex()[2:]} {
		got, err := ParseAddress(s)
		if err != nil || got != a {
			t.Errorf("ParseAddress(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0x12", a.Hex() + "00"} {
		if _, err := ParseAddress(s); err == nil {
			t.Errorf("ParseAddress(%q) accepted", s)
		}
	}
}

func TestStatusPredicates(t *testing.T) {
	cases := []struct {
		st              TxStatus
		final, included bool
	}{
		{TxStatus{State: TxUnknown}, false, false},
		{TxStatus{State: TxPending}, false, false},
		{TxStatus{State: TxIncluded}, false, true},
		{TxStatus{State: TxDecrypted, Level: LevelSoft}, false, true},
		{TxStatus{State: TxDecrypted, Level: LevelFirm}, true, true},
		{TxStatus{State: TxFailed}, true, true},
		{TxStatus{State: TxExpired}, true, false},
		{TxStatus{State: TxRejected}, true, false},
	}
	for _, c := range cases {
		if c.st.Final() != c.final || c.st.Included() != c.included {
			t.Errorf("%v/%v: Final %v Included %v", c.st.State, c.st.Level, c.st.Final(), c.st.Included())
		}
	}
	if TxState(0).String() != "TxState(0)" || TxDecrypted.String() != "decrypted" || LevelFirm.String() != "firm" {
		t.Error("String names")
	}
}

// FuzzParseHash: any input either fails or round-trips through FormatHash.
func FuzzParseHash(f *testing.F) {
	f.Add("0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	f.Add("")
	f.Add("0X")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err != nil {
			return
		}
		again, err := ParseHash(FormatHash(h))
		if err != nil || again != h {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
		if !strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), FormatHash(h)[2:]) {
			t.Fatalf("%q parsed as %s", s, FormatHash(h))
		}
	})
}

// FuzzParseAddress: any input either fails or round-trips.
func FuzzParseAddress(f *testing.F) {
	f.Add("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
	f.Add("0x")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		if again, err := ParseAddress(a.Hex()); err != nil || again != a {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
	})
}
