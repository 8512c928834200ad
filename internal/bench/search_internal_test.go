package bench

import "testing"

// A step saturates when it falls behind, refuses envelopes, commits under
// 85 % of the offered rate, or no longer beats the best lower-rate step
// by 5 %; steps at higher rates do not count for the last rule (the
// search steps down when its first step saturates).
func TestSaturated(t *testing.T) {
	ok := Step{OfferedRate: 100, CommittedPerSec: 100, KeepsUp: true}
	for _, c := range []struct {
		name  string
		prior []Step
		s     Step
		want  bool
	}{
		{"first, keeps pace", nil, ok, false},
		{"behind", nil, Step{OfferedRate: 100, CommittedPerSec: 100}, true},
		{"refused", nil, Step{OfferedRate: 100, CommittedPerSec: 100, KeepsUp: true, Rejected: 1}, true},
		{"under 85%", nil, Step{OfferedRate: 100, CommittedPerSec: 84, KeepsUp: true}, true},
		{"stopped rising", []Step{{OfferedRate: 80, CommittedPerSec: 96}}, ok, true},
		{"still rising", []Step{{OfferedRate: 80, CommittedPerSec: 80}}, ok, false},
		{"below a saturated higher step", []Step{{OfferedRate: 150, CommittedPerSec: 120}}, ok, false},
	} {
		run := &Series{Steps: append(append([]Step(nil), c.prior...), c.s)}
		if got := saturated(run, &run.Steps[len(run.Steps)-1], c.s.OfferedRate); got != c.want {
			t.Errorf("%s: saturated %v, want %v", c.name, got, c.want)
		}
	}
}

// The machine's CPU counters read and advance; the cores busy between
// two readings lie within the machine's cores.
func TestMachineCores(t *testing.T) {
	b0, t0 := machineCPU()
	if t0 == 0 {
		t.Skip("no /proc/stat")
	}
	x := 0
	for i := range 20_000_000 {
		x += i
	}
	_ = x
	b1, t1 := machineCPU()
	if c := machineCores(b0, t0, b1, t1, 2); c < 0 || c > 2 || b1 < b0 || t1 < t0 {
		t.Fatalf("busy %d→%d, total %d→%d, cores %v", b0, b1, t0, t1, c)
	}
}
