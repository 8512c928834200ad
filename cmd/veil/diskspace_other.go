//go:build !linux

package main

import "math"

// diskSpace reports unlimited space where veil does not read it: the
// free-space guard is Linux-only.
func diskSpace(string) (free uint64, readOnly bool, err error) {
	return math.MaxUint64, false, nil
}
