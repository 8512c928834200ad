//go:build unix

package vdf

import "syscall"

// cpuSeconds is the process's user+system CPU time so far: benchmarks
// report it next to wall time because it is robust to other load on the
// machine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
