package contracts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

var contractNames = []string{"BatchInbox", "CommitteeRegistry"}

// TestArtifactsUpToDate recompiles src/ with the pinned solc and compares
// with the committed artifacts. It needs node and the npm-installed solc
// (contracts/build.sh installs it); without them it skips.
func TestArtifactsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: solc takes seconds")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: cannot check artifacts/ against src/ (install node and run contracts/build.sh)")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "solc", "package.json")); err != nil {
		t.Skip("solc not installed in contracts/node_modules: run contracts/build.sh (npm ci) to check artifacts/ against src/")
	}
	out := t.TempDir()
	cmd := exec.Command(node, filepath.Join("scripts", "compile.js"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, b)
	}
	for _, name := range contractNames {
		for _, ext := range []string{".abi", ".bin"} {
			want, err := os.ReadFile(filepath.Join(out, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("artifacts", name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("artifacts/%s%s is stale: run contracts/build.sh and commit the result", name, ext)
			}
		}
	}
}

// TestBindingsUpToDate regenerates the abigen v2 bindings from the committed
// artifacts with the go.mod version of go-ethereum and compares.
func TestBindingsUpToDate(t *testing.T) {
	for _, name := range contractNames {
		abiJSON, err := os.ReadFile(filepath.Join("artifacts", name+".abi"))
		if err != nil {
			t.Fatal(err)
		}
		bin, err := os.ReadFile(filepath.Join("artifacts", name+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		code, err := abigen.BindV2([]string{name}, []string{string(abiJSON)}, []string{string(bin)}, "bindings", map[string]string{}, map[string]string{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("bindings", strings.ToLower(name)+".go")
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != code {
			t.Errorf("%s is stale: run contracts/build.sh and commit the result", path)
		}
	}
}
