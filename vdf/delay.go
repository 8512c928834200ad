package vdf

import (
	"fmt"
	"math"
	"time"
)

// DelayInputs are what a network's delay T is chosen from.
type DelayInputs struct {
	// SquaringsPerSecond is the measured sequential squaring rate of this
	// package's solver on the reference machine (veil vdf params --measure).
	SquaringsPerSecond float64
	// ExpiryBlocks is the longest lifetime, in blocks, the mempool allows an
	// envelope: a puzzle is worth attacking only until its envelope expires.
	ExpiryBlocks uint64
	// BlockTime is the network's nominal block interval.
	BlockTime time.Duration
	// AttackerSpeedup is how many times faster than SquaringsPerSecond the
	// best attacker squares: 30 to 50 for custom hardware against a
	// software solver (see doc.go). At least 1.
	AttackerSpeedup float64
	// Slack is how many times longer than ExpiryBlocks·BlockTime an
	// envelope may really live, allowing for slow blocks (rounds that time
	// out, a halt that stops heights but not clocks). At least 1; 0 means
	// the default 2.
	Slack float64
}

// DelayPlan is the chosen delay and what it means in time.
type DelayPlan struct {
	T uint64
	// ExpiryWindow is ExpiryBlocks·BlockTime.
	ExpiryWindow time.Duration
	// AttackerSolve is how long the fastest assumed attacker needs: at
	// least Slack·ExpiryWindow.
	AttackerSolve time.Duration
	// HonestSolve is how long this package's solver needs on the measured
	// machine: AttackerSpeedup·Slack·ExpiryWindow. It bounds how long a
	// committed transaction can wait when the committee withholds its key.
	HonestSolve time.Duration
	// Multiple is HonestSolve / ExpiryWindow.
	Multiple float64
}

// DefaultSlack is the Slack used when DelayInputs.Slack is 0.
const DefaultSlack = 2

// maxPlanSeconds keeps every duration of a plan inside time.Duration: a
// century, far beyond any useful solve time.
const maxPlanSeconds = 100 * 365 * 24 * 3600

// ChooseDelay picks the smallest T such that an attacker AttackerSpeedup
// times faster than the measured solver still needs Slack times the expiry
// window to solve a puzzle:
//
//	T = ⌈SquaringsPerSecond · AttackerSpeedup · Slack · ExpiryBlocks · BlockTime⌉
//
// so an envelope expires (and a solved puzzle of one never included is
// useless) before anyone can open it, while an honest solver on the
// reference machine takes AttackerSpeedup·Slack expiry windows. It returns
// ErrDelayPlan for non-positive or non-finite inputs and ErrDelay when T
// would fall outside [MinDelay, MaxDelay].
func ChooseDelay(in DelayInputs) (DelayPlan, error) {
	slack := in.Slack
	if slack == 0 {
		slack = DefaultSlack
	}
	switch {
	case !(in.SquaringsPerSecond > 0) || math.IsInf(in.SquaringsPerSecond, 0):
		return DelayPlan{}, fmt.Errorf("%w: squarings per second must be positive", ErrDelayPlan)
	case in.ExpiryBlocks == 0:
		return DelayPlan{}, fmt.Errorf("%w: expiry must be at least one block", ErrDelayPlan)
	case in.BlockTime <= 0:
		return DelayPlan{}, fmt.Errorf("%w: block time must be positive", ErrDelayPlan)
	case !(in.AttackerSpeedup >= 1) || math.IsInf(in.AttackerSpeedup, 0):
		return DelayPlan{}, fmt.Errorf("%w: attacker speedup must be at least 1", ErrDelayPlan)
	case !(slack >= 1) || math.IsInf(slack, 0):
		return DelayPlan{}, fmt.Errorf("%w: slack must be at least 1", ErrDelayPlan)
	}
	window := in.BlockTime.Seconds() * float64(in.ExpiryBlocks)
	t := math.Ceil(in.SquaringsPerSecond * in.AttackerSpeedup * slack * window)
	if t > MaxDelay || t < MinDelay {
		return DelayPlan{}, fmt.Errorf("%w: the inputs need T = %.0f", ErrDelay, t)
	}
	honest := t / in.SquaringsPerSecond
	if honest > maxPlanSeconds {
		return DelayPlan{}, fmt.Errorf("%w: an honest solve would take %.3g s", ErrDelayPlan, honest)
	}
	seconds := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	return DelayPlan{
		T:             uint64(t),
		ExpiryWindow:  seconds(window),
		AttackerSolve: seconds(honest / in.AttackerSpeedup),
		HonestSolve:   seconds(honest),
		Multiple:      honest / window,
	}, nil
}
