package bench

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/veilseq/veil/api/server"
	"github.com/veilseq/veil/internal/devnet"
	"github.com/veilseq/veil/threshold"
)

// Config configures a bench run.
type Config struct {
	// Step is how long each step offers load. Default 10 s.
	Step time.Duration
	// Rate, when positive, offers this many envelopes a second in one
	// step; zero steps the rate up from StartRate by Factor until the
	// committed rate stops rising or soft decryption falls behind.
	Rate      float64
	StartRate float64 // default 50
	Factor    float64 // default 1.5
	MaxSteps  int     // default 10
	// Wallets is the number of wallets submitting concurrently (devnet
	// mode; default 64). Validators is the devnet's size (default 4).
	Wallets    int
	Validators int
	// TimeoutCommit is the devnet's block interval (default 300 ms).
	TimeoutCommit time.Duration
	// PlaintextToo runs the same search on a second devnet with
	// plaintext envelopes and no keyholders (devnet mode only).
	PlaintextToo bool
	// Node, when set, loads that wallet API with Keys instead of
	// starting a devnet, submitting to Rollups.
	Node    string
	Keys    []*ecdsa.PrivateKey
	Rollups []uint64
	// Dir holds the devnets' state; default a temporary directory,
	// removed at the end.
	Dir string
	// Calibrate is each crypto loop's minimum wall time (default 300 ms).
	Calibrate time.Duration
	// Progress receives progress: a live line on a terminal, plain lines
	// otherwise. Nil: quiet.
	Progress io.Writer
	// Command is recorded in the report.
	Command string
}

func (c *Config) validate() error {
	if c.Step == 0 {
		c.Step = 10 * time.Second
	}
	if c.StartRate == 0 {
		c.StartRate = 50
	}
	if c.Factor == 0 {
		c.Factor = 1.5
	}
	if c.MaxSteps == 0 {
		c.MaxSteps = 10
	}
	if c.Wallets == 0 {
		c.Wallets = 64
	}
	if c.Validators == 0 {
		c.Validators = 4
	}
	if c.TimeoutCommit == 0 {
		c.TimeoutCommit = 300 * time.Millisecond
	}
	if c.Calibrate == 0 {
		c.Calibrate = 300 * time.Millisecond
	}
	switch {
	case c.Step < 0 || c.Rate < 0 || c.StartRate < 0 || c.Wallets < 0:
		return errors.New("bench: durations, rates and counts must be positive")
	case c.Factor <= 1:
		return fmt.Errorf("bench: rate factor %v, want > 1", c.Factor)
	case c.Node != "" && len(c.Keys) == 0:
		return errors.New("bench: --node needs funded wallet keys")
	case c.Node != "" && len(c.Rollups) == 0:
		return errors.New("bench: --node needs the rollup ids to submit to")
	}
	return nil
}

// Run measures a fresh devnet (or cfg.Node) and returns the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Report{
		Command: cfg.Command, Started: time.Now().UTC(), Machine: machine(),
		Validators: cfg.Validators, Threshold: threshold.DefaultThreshold(cfg.Validators),
		Wallets: cfg.Wallets, StepS: cfg.Step.Seconds(), BlockIntervalMS: float64(cfg.TimeoutCommit.Milliseconds()),
	}
	p := newProgress(cfg.Progress)
	if cfg.Node != "" {
		r.Remote, r.Wallets, r.Validators, r.Threshold, r.BlockIntervalMS = cfg.Node, len(cfg.Keys), 0, 0, 0
		t := &Target{URL: cfg.Node, Wallets: cfg.Keys, Rollups: cfg.Rollups}
		run, err := search(ctx, cfg, t, "encrypted", cfg.StartRate, p)
		if err != nil {
			return nil, err
		}
		r.Encrypted = *run
		r.Machine.LoadEnd = loadAverage()
		r.evaluate()
		return r, nil
	}

	dir := cfg.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "veil-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	enc, err := devnetRun(ctx, cfg, dir+"/encrypted", false, cfg.StartRate, p)
	if err != nil {
		return nil, err
	}
	r.Encrypted = *enc
	if cfg.PlaintextToo {
		start := cfg.StartRate
		if b := enc.BestStep(); b != nil && cfg.Rate == 0 {
			start = max(start, b.OfferedRate)
		}
		plain, err := devnetRun(ctx, cfg, dir+"/plaintext", true, start, p)
		if err != nil {
			return nil, err
		}
		r.Plaintext = plain
	}
	m := 100
	if b := enc.BestStep(); b != nil && b.MeanBlockTxs >= 1 {
		m = int(b.MeanBlockTxs + 0.5)
	}
	p.line(fmt.Sprintf("calibrating the per-tx crypto (n=%d, t=%d, %d txs a block)", cfg.Validators, r.Threshold, m))
	steps, err := CalibrateCrypto(cfg.Validators, r.Threshold, m, cfg.Calibrate)
	if err != nil {
		return nil, err
	}
	if b := enc.BestStep(); b != nil {
		ApplyWork(steps, b.Work)
	}
	r.Bound = bound(r.Machine.Cores, r.Plaintext.BestStep(), steps)
	r.Machine.LoadEnd = loadAverage()
	r.evaluate()
	return r, nil
}

// bound computes the throughput bounds from the plaintext run's CPU per
// transaction and the calibrated crypto: the (MinCount) and the
// devnet as built (Count).
func bound(cores int, plain *Step, crypto []CryptoStep) *Bound {
	b := &Bound{Cores: cores, Crypto: crypto}
	if plain != nil {
		b.PlainCPUPerTxUS = plain.CPUPerTxUS
	}
	b.CryptoPerTxUS, b.TxPerSec, b.Dominant = boundOf(cores, b.PlainCPUPerTxUS, crypto, CryptoStep.MinPerTxUS)
	b.AsBuiltCryptoPerTxUS, b.AsBuiltTxPerSec, b.AsBuiltDominant = boundOf(cores, b.PlainCPUPerTxUS, crypto, CryptoStep.PerTxUS)
	return b
}

func boundOf(cores int, plainUS float64, crypto []CryptoStep, perTx func(CryptoStep) float64) (cryptoUS, txPerSec float64, dominant string) {
	top, topUS := "consensus and admission (plaintext CPU per tx)", plainUS
	for _, c := range crypto {
		if c.InPlaintext {
			continue
		}
		cryptoUS += perTx(c)
		if perTx(c) > topUS {
			top, topUS = c.Name, perTx(c)
		}
	}
	if total := plainUS + cryptoUS; total > 0 {
		txPerSec = float64(cores) * 1e6 / total
		dominant = fmt.Sprintf("%s, %.0f µs of %.0f µs per tx (%.0f%%)", top, topUS, total, 100*topUS/total)
	}
	return cryptoUS, txPerSec, dominant
}

// devnetRun starts a fresh devnet in dir and searches it; plain runs
// plaintext envelopes with every keyholder offline, so the devnet does
// consensus and admission only.
func devnetRun(ctx context.Context, cfg Config, dir string, plain bool, start float64, p *progress) (*Series, error) {
	mode := "encrypted"
	if plain {
		mode = "plaintext"
	}
	p.line(fmt.Sprintf("%s: starting a %d-validator devnet", mode, cfg.Validators))
	dc := devnet.Config{
		Dir: dir, Reset: true, Validators: cfg.Validators, Wallets: cfg.Wallets,
		APIAddr: "127.0.0.1:0", TimeoutCommit: cfg.TimeoutCommit,
		API: server.Config{IPRate: -1, SenderRate: -1},
	}
	if plain {
		dc.Keyholders = OfflineKeyholders(cfg.Validators)
	}
	tap := &ReleaseTap{}
	dc.OnRelease = tap.OnRelease
	d, err := devnet.Start(ctx, dc)
	if err != nil {
		return nil, err
	}
	defer d.Stop()
	t := DevnetTarget(d, plain)
	t.Releases = tap
	return search(ctx, cfg, t, mode, start, p)
}

// OfflineKeyholders is devnet.Config.Keyholders with every one of n
// members offline: a plaintext run's devnet, which then releases no key
// shares and decrypts nothing, so its CPU is consensus and admission.
func OfflineKeyholders(n int) map[int]devnet.KeyholderFault {
	m := make(map[int]devnet.KeyholderFault, n)
	for i := 1; i <= n; i++ {
		m[i] = devnet.KeyholderOffline
	}
	return m
}

// search runs cfg.Rate in one step, or searches the saturation point
// from start.
func search(ctx context.Context, cfg Config, t *Target, mode string, start float64, p *progress) (*Series, error) {
	l, err := NewLoad(ctx, t)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	run := &Series{Mode: mode, Best: -1}
	r := start
	if cfg.Rate > 0 {
		r = cfg.Rate
	}
	var best float64
	step := func(r float64) (*Step, error) {
		count := max(1, int(r*cfg.Step.Seconds()+0.5))
		label := fmt.Sprintf("%s step %d at %.0f/s", mode, len(run.Steps)+1, r)
		s, err := l.Step(ctx, StepConfig{Count: count, Rate: r, Drain: time.Minute, Progress: func(sub, com int) { p.live(label, sub, com, count) }})
		if err != nil {
			return nil, err
		}
		p.line(fmt.Sprintf("%s: %.0f committed/s, submit→commit p50 %.0f ms, commit→soft p50 %.0f ms, keeps up: %v",
			label, s.CommittedPerSec, s.SubmitToCommit.P50, s.CommitToSoft.P50, s.KeepsUp))
		run.Steps = append(run.Steps, *s)
		if s.KeepsUp && s.CommittedPerSec > best {
			best, run.Best = s.CommittedPerSec, len(run.Steps)-1
		}
		return s, nil
	}
	// Step up ×Factor until a step saturates, down ÷Factor while the
	// first steps saturate, then halve the interval between the highest
	// rate that did not saturate (lo) and the lowest that did (hi) while
	// steps remain, down to a tenth of lo.
	var lo, hi float64
	for len(run.Steps) < cfg.MaxSteps {
		s, err := step(r)
		if err != nil {
			return nil, err
		}
		if cfg.Rate > 0 {
			break
		}
		if saturated(run, s, r) {
			hi = r
		} else {
			lo = r
		}
		switch {
		case hi == 0:
			r *= cfg.Factor
		case lo == 0:
			r /= cfg.Factor
			if r < 1 {
				return run, nil
			}
		case hi-lo > 0.1*lo:
			r = (lo + hi) / 2
		default:
			return run, nil
		}
	}
	return run, nil
}

// saturated reports whether step s at offered rate r saturated the
// target: it fell behind, refused envelopes, committed under 85 % of r,
// or committed less than 5 % more than the best step at a lower rate.
func saturated(run *Series, s *Step, r float64) bool {
	var below float64
	for _, o := range run.Steps[:len(run.Steps)-1] {
		if o.OfferedRate < r {
			below = max(below, o.CommittedPerSec)
		}
	}
	return !s.KeepsUp || s.Rejected > 0 || s.CommittedPerSec < 0.85*r || (below > 0 && s.CommittedPerSec < 1.05*below)
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, LoadStart: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func loadAverage() (l [3]float64) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	_, _ = fmt.Sscan(string(b), &l[0], &l[1], &l[2])
	return l
}
