package main

import (
	"strings"
	"testing"
)

// A valid 48-byte compressed G1 signature: the generator's encoding.
const g1Gen = "0x97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"

func TestParseBatches(t *testing.T) {
	good := `{"height":5,"root":"0x` + strings.Repeat("ab", 32) + `","eon":1,"signature":"` + g1Gen + `"}` + "\n\n" +
		`{"height":7,"root":"0x` + strings.Repeat("cd", 32) + `","eon":1,"signature":"` + g1Gen + `"}`
	src, err := parseBatches(strings.NewReader(good), "f")
	if err != nil {
		t.Fatal(err)
	}
	if len(src.batches) != 2 || src.batches[1].Height != 7 {
		t.Fatalf("batches %+v", src.batches)
	}
	for name, in := range map[string]string{
		"not json":           `{"height":`,
		"bad signature":      `{"height":1,"eon":1,"signature":"0x00"}`,
		"heights not rising": `{"height":2,"eon":1,"signature":"` + g1Gen + `"}` + "\n" + `{"height":2,"eon":1,"signature":"` + g1Gen + `"}`,
	} {
		if _, err := parseBatches(strings.NewReader(in), "f"); err == nil || !strings.HasPrefix(err.Error(), "f:") {
			t.Errorf("%s: got %v, want an error naming the line", name, err)
		}
	}
}

func FuzzParseBatches(f *testing.F) {
	f.Add(`{"height":5,"root":"0x` + strings.Repeat("ab", 32) + `","eon":1,"signature":"` + g1Gen + `"}`)
	f.Add(`{"height":1}` + "\n" + `[]`)
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		src, err := parseBatches(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		for i := 1; i < len(src.batches); i++ {
			if src.batches[i].Height <= src.batches[i-1].Height {
				t.Fatal("accepted heights that do not increase")
			}
		}
	})
}
