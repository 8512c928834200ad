package proc_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/veilseq/veil/test/proc"
)

// nobody is the user a root test runs veil as, so that file modes bind.
const nobody = 65534

// TestNodeStartBadHome starts a validator on copies of a stopped home
// that it cannot use: read-only, with a read-only or missing data
// directory, without its sign state (it could sign twice), or no home at
// all. Each start ends with a clear error and
// exit status 1 (no panic, which exits 2), leaves the copy as it was, and
// the original home still runs and catches up.
func TestNodeStartBadHome(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	n.WaitBlocks(0, 3)
	n.Stop(3)

	root := os.Geteuid() == 0
	for _, tc := range []struct {
		name   string
		break_ func(home string) error // nil: no home
		want   string
	}{
		{"read-only home", readOnly, "is not writable"},
		{"read-only data", func(h string) error { return readOnly(filepath.Join(h, "data")) }, "is not writable"},
		{"missing data", func(h string) error { return os.RemoveAll(filepath.Join(h, "data")) }, "is missing"},
		{"data is a file", func(h string) error {
			if err := os.RemoveAll(filepath.Join(h, "data")); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(h, "data"), nil, 0o600)
		}, "not a directory"},
		{"missing sign state", func(h string) error {
			return os.Remove(filepath.Join(h, "data", "priv_validator_state.json"))
		}, "sign state"},
		{"missing home", nil, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := filepath.Join(reachableDir(t), "missing")
			if tc.break_ != nil {
				home = copyHome(t, n.Home(3))
				if err := tc.break_(home); err != nil {
					t.Fatal(err)
				}
			}
			before := digest(t, home)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := proc.Command(ctx, t, "node", "start", "--home", home, "--api", proc.FreeAddr(t), "--api-ip-rate", "-1")
			if root {
				// Root writes through file modes: run as nobody, who owns the copy.
				cmd.SysProcAttr.Credential = &syscall.Credential{Uid: nobody, Gid: nobody}
			}
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("veil node start: %v, want exit status 1\n%s", err, out)
			}
			if bytes.Contains(out, []byte("panic")) || bytes.Contains(out, []byte("goroutine ")) {
				t.Fatalf("veil node start panicked:\n%s", out)
			}
			if !bytes.Contains(out, []byte(tc.want)) {
				t.Fatalf("veil node start said %q, want it to say %q", out, tc.want)
			}
			if after := digest(t, home); after != before {
				t.Fatalf("the home changed:\nbefore %s\nafter  %s", before, after)
			}
			t.Logf("%s", bytes.TrimSpace(out))
		})
	}
	t.Logf("bad homes refused after %v", time.Since(start).Round(time.Millisecond))
	n.Restart(3)
	n.WaitBlocks(3, 2)
	t.Logf("original home restarted and caught up after %v", time.Since(start).Round(time.Millisecond))
}

// copyHome copies a home into a directory every user can reach; as root
// the copy belongs to nobody.
func copyHome(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(reachableDir(t), "home")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			err = os.Mkdir(to, info.Mode().Perm())
		} else {
			var b []byte
			if b, err = os.ReadFile(p); err == nil {
				err = os.WriteFile(to, b, info.Mode().Perm())
			}
		}
		if err == nil && os.Geteuid() == 0 {
			err = os.Lchown(to, nobody, nobody)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// reachableDir returns a new directory every user can reach, removed
// after the test.
func reachableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "veil-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Writable again, so that it can be removed.
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				_ = os.Chmod(p, 0o700)
			}
			return nil
		})
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readOnly takes the write bits off everything under dir.
func readOnly(dir string) error {
	var all []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		all = append(all, p)
		return err
	})
	if err != nil {
		return err
	}
	for i := len(all) - 1; i >= 0; i-- { // children before their directory
		fi, err := os.Lstat(all[i])
		if err != nil {
			return err
		}
		if err := os.Chmod(all[i], fi.Mode().Perm()&^0o222); err != nil {
			return err
		}
	}
	return nil
}

// digest hashes the names, modes and contents of the files under dir
// ("" when dir does not exist).
func digest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h.Write([]byte(strings.TrimPrefix(p, dir) + info.Mode().String()))
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
