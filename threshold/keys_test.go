package threshold_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.dedis.ch/kyber/v4"
	"go.dedis.ch/kyber/v4/share"

	"github.com/veilseq/veil/threshold"
)

// kyberSharing shares a random secret with kyber's polynomials in G2, as
// the DKG does, and returns the master key, public shares and secret shares.
func kyberSharing(t, n int) (kyber.Point, []kyber.Point, []*share.PriShare) {
	s := threshold.Suite()
	pri := share.NewPriPoly(s.G2(), uint32(t), nil, s.RandomStream())
	pub := pri.Commit(s.G2().Point().Base())
	var members []kyber.Point
	for _, ps := range pub.Shares(uint32(n)) {
		members = append(members, ps.V)
	}
	return pub.Commit(), members, pri.Shares(uint32(n))
}

func TestNewEonPublicKeyFromKyber(t *testing.T) {
	for _, n := range []int{1, 4, 7, 16} {
		th := threshold.DefaultThreshold(n)
		master, members, pri := kyberSharing(th, n)
		pk, err := threshold.NewEonPublicKey(9, th, master, members)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if pk.Eon() != 9 || pk.Threshold() != th || pk.N() != n {
			t.Fatalf("n=%d: got eon %d, t %d, n %d", n, pk.Eon(), pk.Threshold(), pk.N())
		}
		for _, ps := range pri {
			sk, err := threshold.NewSecretKeyShare(9, int(ps.I)+1, ps.V)
			if err != nil {
				t.Fatal(err)
			}
			if err := threshold.CheckSecretKeyShare(pk, sk); err != nil {
				t.Fatalf("member %d: %v", sk.Index(), err)
			}
		}
		wrong, err := threshold.NewSecretKeyShare(10, 1, pri[0].V)
		if err != nil {
			t.Fatal(err)
		}
		if err := threshold.CheckSecretKeyShare(pk, wrong); !errors.Is(err, threshold.ErrWrongEon) {
			t.Fatalf("share of another eon: %v", err)
		}
		if n > 1 {
			swapped, _ := threshold.NewSecretKeyShare(9, 2, pri[0].V)
			if err := threshold.CheckSecretKeyShare(pk, swapped); !errors.Is(err, threshold.ErrInvalidShare) {
				t.Fatalf("share under another index: %v", err)
			}
		}
	}
}

func TestNewEonPublicKeyRejects(t *testing.T) {
	s := threshold.Suite()
	master, members, _ := kyberSharing(3, 5)
	swapped := append([]kyber.Point(nil), members...)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	g1 := s.G1().Point().Base()
	for _, tc := range []struct {
		name    string
		t       int
		master  kyber.Point
		members []kyber.Point
		want    error
	}{
		{"t=0", 0, master, members, threshold.ErrThreshold},
		{"t>n", 6, master, members, threshold.ErrThreshold},
		{"no members", 1, master, nil, threshold.ErrThreshold},
		{"t too small for the polynomial", 2, master, members, threshold.ErrInconsistentKey},
		{"members swapped", 3, master, swapped, threshold.ErrInconsistentKey},
		{"wrong master", 3, members[0], members, threshold.ErrInconsistentKey},
		{"identity master", 3, s.G2().Point().Null(), members, threshold.ErrInvalidPoint},
		{"G1 master", 3, g1, members, threshold.ErrInvalidPoint},
		{"nil member", 3, master, []kyber.Point{members[0], nil, members[2], members[3], members[4]}, threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := threshold.NewEonPublicKey(1, tc.t, tc.master, tc.members); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// A threshold above the polynomial's degree is consistent: the shares
	// still lie on a polynomial of degree below t.
	if _, err := threshold.NewEonPublicKey(1, 4, master, members); err != nil {
		t.Fatalf("t above degree: %v", err)
	}
}

func TestEonPublicKeyEncoding(t *testing.T) {
	pk, _ := deal(t, t.Name(), 1<<40, 3, 5)
	b, err := pk.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 1 {
		t.Fatalf("version byte %d", b[0])
	}
	got, err := threshold.ParseEonPublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(pk) || got.Eon() != 1<<40 || got.Threshold() != 3 || got.N() != 5 {
		t.Fatal("round trip changed the key")
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, threshold.ErrMalformed},
		{"truncated", b[:len(b)-1], threshold.ErrMalformed},
		{"trailing", append(bytes.Clone(b), 0), threshold.ErrMalformed},
		{"version", append([]byte{2}, b[1:]...), threshold.ErrVersion},
		{"t=0", patch(b, 9, 0, 0), threshold.ErrThreshold},
		{"n too big", patch(b, 11, 0xff, 0xff), threshold.ErrThreshold},
		{"bad member", patch(b, len(b)-1, b[len(b)-1]^1), threshold.ErrInvalidPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := threshold.ParseEonPublicKey(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// patch returns a copy of b with bytes from off replaced.
func patch(b []byte, off int, v ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[off:], v)
	return c
}

func TestSecretKeyShareEncoding(t *testing.T) {
	_, sks := deal(t, t.Name(), 4, 2, 3)
	b, err := sks[2].MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := threshold.ParseSecretKeyShare(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := got.MarshalBinary()
	if !bytes.Equal(b, b2) || got.Index() != 3 || got.Eon() != 4 {
		t.Fatal("round trip changed the share")
	}
	order := []byte{0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01}
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"truncated", b[:len(b)-1], threshold.ErrMalformed},
		{"index 0", patch(b, 9, 0, 0), threshold.ErrIndex},
		{"index too big", patch(b, 9, 0xff, 0xff), threshold.ErrIndex},
		{"zero scalar", patch(b, 11, make([]byte, 32)...), threshold.ErrInvalidScalar},
		{"scalar = r", patch(b, 11, order...), threshold.ErrInvalidScalar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := threshold.ParseSecretKeyShare(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSecretKeyShareRedacted checks that no formatting verb prints the
// secret, whether the share is formatted by pointer, by value or inside
// another value.
func TestSecretKeyShareRedacted(t *testing.T) {
	_, sks := deal(t, t.Name(), 4, 1, 1)
	sk := sks[0]
	redacted := "threshold.SecretKeyShare{eon: 4, index: 1, secret: REDACTED}"
	type byPointer struct{ SK *threshold.SecretKeyShare }
	type byValue struct{ SK threshold.SecretKeyShare }
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		for _, v := range []any{sk, *sk} {
			if out := fmt.Sprintf(verb, v); out != redacted {
				t.Errorf("%s of %T = %s", verb, v, out)
			}
		}
		if out := fmt.Sprintf(verb, byValue{*sk}); !strings.Contains(out, redacted) {
			t.Errorf("%s of a struct field = %s", verb, out)
		}
		if out := fmt.Sprintf(verb, []threshold.SecretKeyShare{*sk}); !strings.Contains(out, redacted) {
			t.Errorf("%s of a slice = %s", verb, out)
		}
		// A pointer field prints as an address, which is harmless.
		_ = fmt.Sprintf(verb, byPointer{sk})
	}
	var nilShare *threshold.SecretKeyShare
	if out := fmt.Sprint(nilShare); out != "<nil>" {
		t.Errorf("nil share prints %q", out)
	}
}
