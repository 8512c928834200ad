package bench

import (
	"os"
	"strconv"
	"strings"

	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/threshold"
)

// Work is the threshold crypto the devnet computed in a step, per
// committed envelope, as counted by the process-wide threshold.SharedMemo
// (what it computed, not what it found remembered) and by every node's
// key-record checks. The devnet's validators and keyholders share one
// process, so an operation several of them need is computed once.
type Work struct {
	Identities   float64 `json:"identities"`   // hashes to G1
	Parses       float64 `json:"parses"`       // ciphertexts parsed (U decoded)
	Shares       float64 `json:"shares"`       // key shares batch-verified
	Aggregations float64 `json:"aggregations"` // keys aggregated
	Decryptions  float64 `json:"decryptions"`  // pairings + AEAD
	// RecordedKeys is recorded keys decoded and batch-verified: by nodes
	// whose own pool had not aggregated them when they checked the record.
	RecordedKeys float64 `json:"recorded_keys"`
	// KnownKeys is recorded keys accepted by comparison with keys the
	// node verified itself (no crypto).
	KnownKeys float64 `json:"known_keys"`
	// Remembered is the memo's hits over all its operations, per
	// envelope: the work shared between the in-process nodes.
	Remembered float64 `json:"remembered"`
}

// workCounters is a snapshot of the counters Work is computed from.
type workCounters struct {
	memo  threshold.MemoCounts
	known uint64
}

func readWork(d *devnet.Devnet) workCounters {
	w := workCounters{memo: threshold.SharedMemo().Counts()}
	if d == nil {
		return w
	}
	for _, n := range d.Network.Nodes {
		w.known += n.App().KeyRecordChecks().Known
	}
	return w
}

// perTx is the work done between snapshot w0 and w1 per committed envelope.
func (w1 workCounters) perTx(w0 workCounters, committed int) *Work {
	if committed <= 0 {
		return nil
	}
	n := float64(committed)
	miss := func(a, b threshold.MemoStats) float64 { return float64(a.Misses-b.Misses) / n }
	hit := func(a, b threshold.MemoStats) float64 { return float64(a.Hits - b.Hits) }
	m1, m0 := w1.memo, w0.memo
	return &Work{
		Identities:   miss(m1.Identities, m0.Identities),
		Parses:       miss(m1.Parses, m0.Parses),
		Shares:       miss(m1.Shares, m0.Shares),
		Aggregations: miss(m1.Aggregations, m0.Aggregations),
		Decryptions:  miss(m1.Decryptions, m0.Decryptions),
		RecordedKeys: miss(m1.KeyChecks, m0.KeyChecks),
		KnownKeys:    float64(w1.known-w0.known) / n,
		Remembered: (hit(m1.Identities, m0.Identities) + hit(m1.Parses, m0.Parses) + hit(m1.Shares, m0.Shares) +
			hit(m1.Aggregations, m0.Aggregations) + hit(m1.Decryptions, m0.Decryptions) +
			hit(m1.Keys, m0.Keys) + hit(m1.KeyChecks, m0.KeyChecks)) / n,
	}
}

// machineCPU reads the machine's busy and total CPU time so far, in clock
// ticks summed over its cores (/proc/stat); zeros where unavailable.
func machineCPU() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0
	}
	for i, s := range f[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// machineCores is the cores the whole machine kept busy between two
// machineCPU readings, of cores.
func machineCores(busy0, total0, busy1, total1 uint64, cores int) float64 {
	if total1 <= total0 {
		return 0
	}
	return float64(busy1-busy0) / float64(total1-total0) * float64(cores)
}
