package main

import (
	"strings"
	"syscall"
	"testing"
)

// A read-only file system stops the node whatever its free space.
func TestDiskGuardReadOnly(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, "size=1m"); err != nil {
		t.Skipf("mounting a read-only tmpfs needs root or CAP_SYS_ADMIN: %v", err)
	}
	defer syscall.Unmount(dir, syscall.MNT_DETACH)
	err := (diskGuard{dirs: []string{dir}}).check()
	if err == nil || !strings.Contains(err.Error(), "read-only file system") {
		t.Fatalf("check: %v", err)
	}
}
