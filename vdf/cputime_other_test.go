//go:build !unix

package vdf

func cpuSeconds() float64 { return 0 }
