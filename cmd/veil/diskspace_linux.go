package main

import "syscall"

// diskSpace returns the bytes an unprivileged writer may still use on
// dir's file system, and whether it is mounted read-only.
func diskSpace(dir string) (free uint64, readOnly bool, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false, err
	}
	const stRdonly = 1 // ST_RDONLY, statfs(2)
	return st.Bavail * uint64(st.Bsize), st.Flags&stRdonly != 0, nil
}
