package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Percentiles are latencies in milliseconds over N samples (nearest
// rank); all zero when nothing was measured.
type Percentiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
}

// Step is one step of offered load and what it measured.
type Step struct {
	// OfferedRate is the envelopes a second offered (0: open loop).
	OfferedRate float64 `json:"offered_rate"`
	Submitted   int     `json:"submitted"`
	// SubmittedPerSec is Submitted ÷ SubmitWindowS: the rate actually
	// offered (below OfferedRate when the wallets could not keep pace).
	SubmittedPerSec float64 `json:"submitted_per_s"`
	Rejected        int     `json:"rejected"`
	FirstRejection  string  `json:"first_rejection,omitempty"`
	Committed       int     `json:"committed"`
	// SubmitWindowS is the submission window; CommitWindowS runs from
	// the first submission to the last of the step's envelopes
	// committing, and OverallPerSec is Committed ÷ CommitWindowS (it
	// includes filling and draining the pipeline). CommittedPerSec is the
	// steady rate: the step's envelopes in the blocks committed during
	// the submission window after the first, ÷ the SteadyWindowS between
	// the first and the last of those blocks (OverallPerSec when fewer
	// than three blocks committed in the window).
	SubmitWindowS   float64 `json:"submit_window_s"`
	CommitWindowS   float64 `json:"commit_window_s"`
	SteadyWindowS   float64 `json:"steady_window_s"`
	OverallPerSec   float64 `json:"overall_per_s"`
	CommittedPerSec float64 `json:"committed_per_s"`
	Blocks          int     `json:"blocks"`
	MeanBlockTxs    float64 `json:"mean_block_txs"`

	SubmitToCommit Percentiles `json:"submit_to_commit"`
	SubmitToSoft   Percentiles `json:"submit_to_soft"`
	SubmitToFirm   Percentiles `json:"submit_to_firm"`
	CommitToSoft   Percentiles `json:"commit_to_soft"`
	CommitToFirm   Percentiles `json:"commit_to_firm"`
	// CommitToRelease is commit → the t-th keyholder's release returned
	// (shares computed and verified by every node's pool; devnet only):
	// the part of CommitToSoft before aggregation and decryption.
	CommitToRelease Percentiles `json:"commit_to_release"`
	BlockInterval   Percentiles `json:"block_interval"`

	// CPUPerTxUS is the process's user+system CPU from the first
	// submission until the step's envelopes are committed (and, when
	// encrypted, soft- and firm-decrypted) ÷ Committed, in microseconds;
	// CPUCores is that CPU time ÷ that wall time.
	// Meaningful when the whole network runs in this process.
	CPUPerTxUS float64 `json:"cpu_per_tx_us"`
	CPUCores   float64 `json:"cpu_cores"`
	// MachineCores is the cores the whole machine kept busy over the
	// same window (/proc/stat; 0 where unavailable): MachineCores −
	// CPUCores is what other processes took.
	MachineCores float64 `json:"machine_cores"`
	// VoteExtBytesPerBlock and VoteExtBytesPerTx are the bytes of the
	// blocks' 0xF0 system transactions (vote extensions and their
	// signatures), per block and per committed envelope (devnet only).
	VoteExtBytesPerBlock float64 `json:"vote_ext_bytes_per_block"`
	VoteExtBytesPerTx    float64 `json:"vote_ext_bytes_per_tx"`
	// Work is the threshold crypto computed per committed envelope
	// (encrypted devnet only).
	Work *Work `json:"work,omitempty"`

	// CommitTipAtEnd and SoftTipAtEnd are validator 0's tips when the
	// submission window ended; KeepsUp is whether they were within
	// KeepUpHeights (always true for plaintext runs, which decrypt
	// nothing).
	CommitTipAtEnd int64 `json:"commit_tip_at_end"`
	SoftTipAtEnd   int64 `json:"soft_tip_at_end"`
	KeepsUp        bool  `json:"keeps_up"`
}

// Series is one mode's steps; Best indexes the step with the highest
// committed rate among those that kept up (-1 if none did).
type Series struct {
	Mode  string `json:"mode"` // "encrypted" or "plaintext"
	Steps []Step `json:"steps"`
	Best  int    `json:"best"`
}

// BestStep returns the best step, or nil.
func (r *Series) BestStep() *Step {
	if r == nil || r.Best < 0 || r.Best >= len(r.Steps) {
		return nil
	}
	return &r.Steps[r.Best]
}

// Bound is the throughput the machine allows the devnet, from costs
// measured in the same run.
type Bound struct {
	Cores int `json:"cores"`
	// PlainCPUPerTxUS is consensus and admission per envelope: the
	// plaintext run's best step's CPU per committed envelope.
	PlainCPUPerTxUS float64 `json:"plain_cpu_per_tx_us"`
	// CryptoPerTxUS sums Crypto's steps not already in the plaintext
	// run, each MinCount times (the bound).
	CryptoPerTxUS float64      `json:"crypto_per_tx_us"`
	Crypto        []CryptoStep `json:"crypto"`
	// TxPerSec = Cores ÷ (PlainCPUPerTxUS + CryptoPerTxUS).
	TxPerSec float64 `json:"tx_per_s"`
	// Dominant names the largest per-transaction cost.
	Dominant string `json:"dominant"`
	// AsBuilt* are the same with each crypto step Count times: the work
	// the devnet as built does, repeated checks included.
	AsBuiltCryptoPerTxUS float64 `json:"as_built_crypto_per_tx_us"`
	AsBuiltTxPerSec      float64 `json:"as_built_tx_per_s"`
	AsBuiltDominant      string  `json:"as_built_dominant"`
}

// Report is a bench run's result.
type Report struct {
	Command    string    `json:"command"`
	Started    time.Time `json:"started"`
	Machine    Machine   `json:"machine"`
	Validators int       `json:"validators"`
	Threshold  int       `json:"threshold"`
	Wallets    int       `json:"wallets"`
	StepS      float64   `json:"step_s"`
	// BlockIntervalMS is the devnet's configured timeout_commit.
	BlockIntervalMS float64 `json:"block_interval_ms"`
	Remote          string  `json:"remote,omitempty"`

	Encrypted Series  `json:"encrypted"`
	Plaintext *Series `json:"plaintext,omitempty"`
	// Ratio is the encrypted best committed rate ÷ the plaintext one.
	Ratio float64 `json:"ratio"`
	Bound *Bound  `json:"bound,omitempty"`
	// ToBound is the encrypted best committed rate ÷ Bound.TxPerSec. It
	// factors (up to the steady/overall window difference) into
	// CPUShare, the cores the process kept busy in that step ÷ the
	// machine's cores (below 1 when the devnet idles between blocks or
	// other processes take the CPU), and CPUEfficiency, the bound's CPU
	// per tx ÷ the CPU per tx the encrypted step measured (below 1 when
	// the devnet spends CPU the model does not count).
	ToBound       float64 `json:"to_bound"`
	ToAsBuilt     float64 `json:"to_as_built_bound"`
	CPUShare      float64 `json:"cpu_share"`
	CPUEfficiency float64 `json:"cpu_efficiency"`
	Checks        Checks  `json:"checks"`
}

// Checks are the acceptance criteria, evaluated on the encrypted best
// step.
type Checks struct {
	KeepsUp           bool `json:"keeps_up"`
	AtLeast08OfBound  bool `json:"at_least_0_8_of_bound"`
	CommitToSoftP50OK bool `json:"commit_to_soft_p50_le_100ms"`
	SubmitToSoftP50OK bool `json:"submit_to_soft_p50_le_2_intervals_plus_100ms"`
	PlaintextRunRan   bool `json:"plaintext_run_ran"`
	// LatencyMetUpTo is the highest committed rate of an encrypted step
	// that kept up and met both latency targets (0: none did).
	LatencyMetUpTo     float64 `json:"latency_met_up_to_per_s"`
	CryptoCalibrated   bool    `json:"crypto_calibrated"`
	MeasuredBlockIntMS float64 `json:"measured_block_interval_p50_ms"`
}

// Machine describes where the run happened.
type Machine struct {
	Cores     int        `json:"cores"`
	CPU       string     `json:"cpu"`
	Go        string     `json:"go"`
	LoadStart [3]float64 `json:"load_start"`
	LoadEnd   [3]float64 `json:"load_end"`
}

func (r *Report) evaluate() {
	enc := r.Encrypted.BestStep()
	if enc == nil {
		return
	}
	r.Checks.KeepsUp = enc.KeepsUp
	if p := r.Plaintext.BestStep(); p != nil && p.CommittedPerSec > 0 {
		r.Ratio = enc.CommittedPerSec / p.CommittedPerSec
		r.Checks.PlaintextRunRan = true
	}
	if r.Bound != nil && r.Bound.TxPerSec > 0 {
		r.ToBound = enc.CommittedPerSec / r.Bound.TxPerSec
		r.ToAsBuilt = enc.CommittedPerSec / r.Bound.AsBuiltTxPerSec
		r.Checks.AtLeast08OfBound = r.ToBound >= 0.8
		r.Checks.CryptoCalibrated = len(r.Bound.Crypto) > 0
		r.CPUShare = enc.CPUCores / float64(r.Bound.Cores)
		if enc.CPUPerTxUS > 0 {
			r.CPUEfficiency = (r.Bound.PlainCPUPerTxUS + r.Bound.CryptoPerTxUS) / enc.CPUPerTxUS
		}
	}
	for _, st := range r.Encrypted.Steps {
		if st.KeepsUp && latencyMet(&st) {
			r.Checks.LatencyMetUpTo = max(r.Checks.LatencyMetUpTo, st.CommittedPerSec)
		}
	}
	interval := enc.BlockInterval.P50
	r.Checks.MeasuredBlockIntMS = interval
	r.Checks.CommitToSoftP50OK = enc.CommitToSoft.N > 0 && enc.CommitToSoft.P50 <= 100
	r.Checks.SubmitToSoftP50OK = enc.SubmitToSoft.N > 0 && interval > 0 && enc.SubmitToSoft.P50 <= 2*interval+100
}

// latencyMet: commit→soft p50 ≤ 100 ms and submit→soft p50 ≤ two block
// intervals (the step's measured p50) + 100 ms.
func latencyMet(s *Step) bool {
	return s.CommitToSoft.N > 0 && s.CommitToSoft.P50 <= 100 &&
		s.SubmitToSoft.N > 0 && s.BlockInterval.P50 > 0 && s.SubmitToSoft.P50 <= 2*s.BlockInterval.P50+100
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func pct(p Percentiles) string {
	if p.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f / %.0f / %.0f", p.P50, p.P90, p.P99)
}

func rate(s Step) string {
	if s.OfferedRate == 0 {
		return fmt.Sprintf("open loop (%.0f)", s.SubmittedPerSec)
	}
	return fmt.Sprintf("%.0f (%.0f)", s.OfferedRate, s.SubmittedPerSec)
}

// WriteMarkdown writes the report as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## veil bench\n\n")
	fmt.Fprintf(&b, "`%s`\n\n", r.Command)
	m := r.Machine
	fmt.Fprintf(&b, "Machine: %d cores, %s, %s; load average %.2f %.2f %.2f at start, %.2f %.2f %.2f at end.\n",
		m.Cores, m.CPU, m.Go, m.LoadStart[0], m.LoadStart[1], m.LoadStart[2], m.LoadEnd[0], m.LoadEnd[1], m.LoadEnd[2])
	if r.Remote != "" {
		fmt.Fprintf(&b, "Target: %s, %d wallets, steps of %.0f s.\n\n", r.Remote, r.Wallets, r.StepS)
	} else {
		fmt.Fprintf(&b, "Devnet: %d validators, %d keyholders (t = %d), timeout_commit %.0f ms, %d wallets, steps of %.0f s.\n\n",
			r.Validators, r.Validators, r.Threshold, r.BlockIntervalMS, r.Wallets, r.StepS)
	}
	b.WriteString("| mode | offered/s (achieved) | committed/s steady (overall) | txs/block | submit→commit p50/p90/p99 ms | submit→soft | submit→firm | commit→soft | commit→firm | CPU/tx µs | cores busy (machine) | vote ext B/block (B/tx) | soft tip lag | keeps up |\n")
	b.WriteString("|---|---:|---:|---:|---|---|---|---|---|---:|---:|---:|---:|---|\n")
	for _, run := range []*Series{&r.Encrypted, r.Plaintext} {
		if run == nil {
			continue
		}
		for i, s := range run.Steps {
			mark := ""
			if i == run.Best {
				mark = " **(best)**"
			}
			lag := "–"
			if run.Mode != "plaintext" {
				lag = fmt.Sprint(s.CommitTipAtEnd - s.SoftTipAtEnd)
			}
			fmt.Fprintf(&b, "| %s%s | %s | %.0f (%.0f) | %.1f | %s | %s | %s | %s | %s | %.0f | %.2f (%.2f) | %.0f (%.1f) | %s | %s |\n",
				run.Mode, mark, rate(s), s.CommittedPerSec, s.OverallPerSec, s.MeanBlockTxs, pct(s.SubmitToCommit),
				pct(s.SubmitToSoft), pct(s.SubmitToFirm), pct(s.CommitToSoft), pct(s.CommitToFirm),
				s.CPUPerTxUS, s.CPUCores, s.MachineCores, s.VoteExtBytesPerBlock, s.VoteExtBytesPerTx, lag, yes(s.KeepsUp))
		}
	}
	b.WriteString("\n")
	if bd := r.Bound; bd != nil {
		fmt.Fprintf(&b, "Bound (the issue's): %d cores ÷ (%.0f µs consensus and admission per tx, plaintext run + %.0f µs crypto per tx) = **%.0f tx/s**; dominant: %s.\n\n",
			bd.Cores, bd.PlainCPUPerTxUS, bd.CryptoPerTxUS, bd.TxPerSec, bd.Dominant)
		fmt.Fprintf(&b, "Bound of the devnet as built (the crypto it computed per tx in the encrypted best step, counted by threshold.SharedMemo and the key-record checks; its validators and keyholders share one process, so what several need is computed once): %d cores ÷ (%.0f + %.0f µs) = **%.0f tx/s**; dominant: %s.\n\n",
			bd.Cores, bd.PlainCPUPerTxUS, bd.AsBuiltCryptoPerTxUS, bd.AsBuiltTxPerSec, bd.AsBuiltDominant)
		b.WriteString("| per-tx crypto (calibrated in this run) | µs per op | × per tx, bound | × per tx, as built (measured) | × per tx, n machines | µs per tx, bound | as built |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, c := range bd.Crypto {
			note := ""
			if c.InPlaintext {
				note = " (in the plaintext CPU)"
			}
			fmt.Fprintf(&b, "| %s%s | %.1f | %d | %.2f | %d | %.0f | %.0f |\n", c.Name, note, c.PerOpUS, c.MinCount, c.Count, c.PerMachine, c.MinPerTxUS(), c.PerTxUS())
		}
		if enc := r.Encrypted.BestStep(); enc != nil && enc.Work != nil {
			w := enc.Work
			fmt.Fprintf(&b, "\nComputed per committed tx in the encrypted best step: %.2f identities, %.2f ciphertext parses, %.2f shares verified, %.2f keys aggregated, %.2f decryptions, %.2f recorded keys decoded and verified (%.2f key checks accepted as equal to the node's own verified key); %.2f further results taken from the memo instead of computed.\n",
				w.Identities, w.Parses, w.Shares, w.Aggregations, w.Decryptions, w.RecordedKeys, w.KnownKeys, w.Remembered)
		}
		b.WriteString("\n")
	}
	if enc := r.Encrypted.BestStep(); enc != nil {
		fmt.Fprintf(&b, "Encrypted best: **%.0f committed tx/s**", enc.CommittedPerSec)
		if r.Bound != nil {
			fmt.Fprintf(&b, ", %.2f of the bound (≥ 0.8: %s; CPU share %.2f × CPU efficiency %.2f), %.2f of the as-built bound",
				r.ToBound, yes(r.Checks.AtLeast08OfBound), r.CPUShare, r.CPUEfficiency, r.ToAsBuilt)
			if enc.MachineCores > 0 {
				fmt.Fprintf(&b, " (the machine kept %.2f of %d cores busy in that step, other processes %.2f)",
					enc.MachineCores, r.Bound.Cores, max(0, enc.MachineCores-enc.CPUCores))
			}
		}
		if r.Plaintext != nil {
			fmt.Fprintf(&b, "; encrypted/plaintext ratio %.2f", r.Ratio)
		}
		fmt.Fprintf(&b, ".\ncommit→soft p50 %.0f ms (≤ 100: %s); submit→soft p50 %.0f ms (≤ 2 × %.0f ms interval + 100: %s); soft keeps up: %s.\n",
			enc.CommitToSoft.P50, yes(r.Checks.CommitToSoftP50OK), enc.SubmitToSoft.P50, r.Checks.MeasuredBlockIntMS,
			yes(r.Checks.SubmitToSoftP50OK), yes(r.Checks.KeepsUp))
		if r.Checks.LatencyMetUpTo > 0 {
			fmt.Fprintf(&b, "Both latency targets met up to %.0f committed tx/s.\n", r.Checks.LatencyMetUpTo)
		} else {
			b.WriteString("No encrypted step met both latency targets.\n")
		}
		if enc.CommitToRelease.N > 0 {
			fmt.Fprintf(&b, "Of commit→soft, commit → the t-th keyholder's shares out and verified by every pool: p50 %.0f ms / p90 %.0f ms; the rest is aggregation and decryption.\n",
				enc.CommitToRelease.P50, enc.CommitToRelease.P90)
		}
	} else {
		b.WriteString("No encrypted step kept up.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
