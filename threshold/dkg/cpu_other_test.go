//go:build !unix

package dkg

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
