package rollupfeed

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestBundleRoundTrip(t *testing.T) {
	cases := [][]Leg{
		{{Rollup: 0, Data: nil}},
		{{Rollup: 1, Data: []byte("a")}, {Rollup: 2, Data: []byte{}}},
		{{Rollup: 1 << 63, Data: bytes.Repeat([]byte{7}, 1000)}},
	}
	var sixteen []Leg
	for i := range MaxBundleLegs {
		sixteen = append(sixteen, Leg{Rollup: uint64(i), Data: []byte{byte(i)}})
	}
	cases = append(cases, sixteen)
	for _, legs := range cases {
		b, err := EncodeBundle(legs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeBundle(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(legs) {
			t.Fatalf("%d legs back, want %d", len(got), len(legs))
		}
		for i := range legs {
			if got[i].Rollup != legs[i].Rollup || !bytes.Equal(got[i].Data, legs[i].Data) {
				t.Fatalf("leg %d: %+v, want %+v", i, got[i], legs[i])
			}
		}
	}
}

func TestEncodeBundleRejects(t *testing.T) {
	var seventeen []Leg
	for i := range MaxBundleLegs + 1 {
		seventeen = append(seventeen, Leg{Rollup: uint64(i)})
	}
	for name, legs := range map[string][]Leg{
		"no legs":        nil,
		"too many legs":  seventeen,
		"duplicate":      {{Rollup: 1}, {Rollup: 1}},
		"decreasing ids": {{Rollup: 2}, {Rollup: 1}},
	} {
		if _, err := EncodeBundle(legs); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
}

// Must-fail vectors: each names what is wrong.
func TestDecodeBundleRejects(t *testing.T) {
	cases := []struct {
		name, hex, want string
	}{
		{"empty", "", "shorter than"},
		{"version 0", "0001" + "0000000000000001" + "00000000", "version 0"},
		{"version 2", "0201" + "0000000000000001" + "00000000", "version 2"},
		{"zero legs", "0100", "0 legs"},
		{"seventeen legs", "0111", "17 legs"},
		{"leg header truncated", "0101" + "00000000000000", "truncated"},
		{"data truncated", "0101" + "0000000000000001" + "00000002" + "aa", "claims 2 bytes"},
		{"huge length", "0101" + "0000000000000001" + "ffffffff", "claims 4294967295 bytes"},
		{"missing second leg", "0102" + "0000000000000001" + "00000000", "leg 1 truncated"},
		{"repeated rollup", "0102" + "0000000000000001" + "00000000" + "0000000000000001" + "00000000", "must increase"},
		{"decreasing rollups", "0102" + "0000000000000002" + "00000000" + "0000000000000001" + "00000000", "must increase"},
		{"trailing byte", "0101" + "0000000000000001" + "00000000" + "00", "1 trailing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeBundle(b)
			if !errors.Is(err, ErrBadBundle) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrBadBundle mentioning %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeBundle: any input either fails with ErrBadBundle or decodes to
// legs that encode back to exactly the same bytes (the encoding is
// canonical).
func FuzzDecodeBundle(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'x'})
	if b, err := EncodeBundle([]Leg{{Rollup: 1, Data: []byte("sell")}, {Rollup: 2, Data: []byte("buy")}}); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		legs, err := DecodeBundle(b)
		if err != nil {
			if !errors.Is(err, ErrBadBundle) {
				t.Fatalf("error not wrapping ErrBadBundle: %v", err)
			}
			return
		}
		again, err := EncodeBundle(legs)
		if err != nil {
			t.Fatalf("decoded legs do not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("not canonical:\n in %x\nout %x", b, again)
		}
	})
}

func TestOpenPlaintext(t *testing.T) {
	swap, err := EncodeBundle([]Leg{{Rollup: 1, Data: []byte("sell")}, {Rollup: 2, Data: []byte("buy")}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		rollups   []uint64
		plaintext []byte
		want      []Leg
		err       error
	}{
		{"one rollup, data as is", []uint64{7}, []byte("anything"), []Leg{{7, []byte("anything")}}, nil},
		{"one rollup, bundle-shaped data as is", []uint64{7}, swap, []Leg{{7, swap}}, nil},
		{"one rollup, empty", []uint64{7}, nil, []Leg{{7, nil}}, nil},
		{"bundle matching the header", []uint64{1, 2}, swap, []Leg{{1, []byte("sell")}, {2, []byte("buy")}}, nil},
		{"bundle for other rollups", []uint64{1, 3}, swap, nil, ErrBundleMismatch},
		{"bundle with fewer legs", []uint64{1, 2, 3}, swap, nil, ErrBundleMismatch},
		{"bundle with more legs", []uint64{1, 2}, mustBundle(t, 1, 2, 3), nil, ErrBundleMismatch},
		{"not a bundle", []uint64{1, 2}, []byte("sell and buy"), nil, ErrBadBundle},
		{"empty plaintext", []uint64{1, 2}, nil, nil, ErrBadBundle},
		{"no destination", nil, swap, nil, ErrBundleMismatch},
		{"unsorted destinations", []uint64{2, 1}, swap, nil, ErrBundleMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			legs, err := OpenPlaintext(tc.rollups, tc.plaintext)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(legs) != len(tc.want) {
				t.Fatalf("%d legs, want %d", len(legs), len(tc.want))
			}
			for i := range legs {
				if legs[i].Rollup != tc.want[i].Rollup || !bytes.Equal(legs[i].Data, tc.want[i].Data) {
					t.Fatalf("leg %d: %+v, want %+v", i, legs[i], tc.want[i])
				}
			}
			pt, rollups, err := EncodePlaintext(legs)
			if err != nil || !bytes.Equal(pt, tc.plaintext) || len(rollups) != len(tc.rollups) {
				t.Fatalf("EncodePlaintext does not invert: %x %v %v", pt, rollups, err)
			}
		})
	}
}

func mustBundle(t *testing.T, rollups ...uint64) []byte {
	t.Helper()
	var legs []Leg
	for _, r := range rollups {
		legs = append(legs, Leg{Rollup: r})
	}
	b, err := EncodeBundle(legs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodePlaintextSortsLegs(t *testing.T) {
	pt, rollups, err := EncodePlaintext([]Leg{{Rollup: 2, Data: []byte("buy")}, {Rollup: 1, Data: []byte("sell")}})
	if err != nil {
		t.Fatal(err)
	}
	legs, err := OpenPlaintext(rollups, pt)
	if err != nil || legs[0].Rollup != 1 || string(legs[1].Data) != "buy" {
		t.Fatalf("%v %v", legs, err)
	}
	if _, _, err := EncodePlaintext(nil); err == nil {
		t.Fatal("no legs encoded")
	}
}
