package proc_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/veilseq/veil/test/proc"
)

// TestDiskFull fills validator 3's disk under load. Its home is on a
// small file system of its own (a tmpfs; the test skips where it may not
// mount one). First the free space drops under the node's
// --min-free-disk-mib: it stops before any write fails, with an error
// naming the directory and what to do, exit status 1 and no panic.
// Then, with the guard off, the disk fills at once, so CometBFT's
// write-ahead log write fails mid-block: the node stops just as cleanly
// on CometBFT's consensus failure. Meanwhile the other three commit.
// Each time, once the space is freed, the node restarts from its data
// directory and catches up; at the end every node has the same blocks
// and batches, and nothing accepted is lost or delivered twice.
//
// A data directory turning read-only mid-run is not staged here: Linux
// refuses to remount a file system read-only while the node holds files
// on it open for writing. The guard's read-only check is tested in
// cmd/veil (TestDiskGuardReadOnly), and a read-only home at start in
// TestNodeStartBadHome.
func TestDiskFull(t *testing.T) {
	start := time.Now()
	n := proc.Start(t, proc.Config{})
	n.Stop(3)
	home := n.Home(3)
	mountSmall(t, home, "64m")
	node := n.Node(3)
	node.AddArgs("--min-free-disk-mib", "24")
	n.Restart(3)
	var sent proc.Sent
	load := n.StartLoad(0, rate, &sent)
	n.WaitBlocks(3, 3)
	filler := filepath.Join(home, "filler")

	// The guard: under 24 MiB free, a clean stop before writes fail.
	fillDisk(t, filler, 8<<20)
	wantCleanStop(t, node, "under --min-free-disk-mib 24")
	n.WaitBlocks(0, 3) // the others go on
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	n.Restart(3)
	n.WaitBlocks(3, 2)

	// A disk full at once: the write-ahead log write fails mid-block.
	node.AddArgs("--min-free-disk-mib", "0")
	n.Stop(3)
	n.Restart(3)
	n.WaitBlocks(3, 2)
	fillDisk(t, filler, 0)
	wantCleanStop(t, node, "consensus halted")
	n.WaitBlocks(0, 3)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	node.AddArgs("--min-free-disk-mib", "24")
	n.Restart(3)
	n.WaitBlocks(3, 2)
	load.Stop()
	logReport(t, n.Check(&sent), start)
}

// wantCleanStop waits for p to stop by itself with exit status 1, having
// said want and no panic.
func wantCleanStop(t *testing.T, p *proc.Proc, want string) {
	t.Helper()
	err := p.Wait(t, 30*time.Second)
	out := p.LastRun()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("%s exited with %v, want exit status 1\n%s", p.Name(), err, out)
	}
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Fatalf("%s panicked:\n%s", p.Name(), out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("%s did not say %q:\n%s", p.Name(), want, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	t.Logf("%s stopped: %s", p.Name(), lines[len(lines)-1])
}

// mountSmall moves dir onto a new tmpfs of size mounted at dir, or skips
// the test where mounting is not permitted.
func mountSmall(t *testing.T, dir, size string) {
	t.Helper()
	orig := dir + ".orig"
	if err := os.Rename(dir, orig); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("a small file system for the node's home needs mount(2) (root or CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	if out, err := exec.Command("cp", "-a", orig+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the home: %v\n%s", err, out)
	}
}

// fillDisk writes path until its file system has at most leave bytes
// free (0: until it is full).
func fillDisk(t *testing.T, path string, leave uint64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(path, &st); err != nil {
			t.Fatal(err)
		}
		free := st.Bavail * uint64(st.Bsize)
		if leave > 0 && free <= leave {
			return
		}
		if leave > 0 {
			buf = buf[:min(uint64(len(buf)), free-leave)]
		}
		if _, err := f.Write(buf); err != nil {
			if leave == 0 && errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}
