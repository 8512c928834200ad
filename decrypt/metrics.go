package decrypt

import (
	"errors"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a node's decryption metrics in Prometheus: what each
// committee member contributed (verified and failed key shares) and how
// soft decryption keeps up. Every series carries a node label, so the
// validators of an in-process devnet share one registry. A nil *Metrics
// records nothing.
//
// The member label is bounded by the committee size (threshold.MaxMembers).
type Metrics struct {
	badShares  *prometheus.CounterVec
	accepted   *prometheus.CounterVec
	softBlocks prometheus.Counter
	softLag    prometheus.Histogram
}

// NewMetrics registers the metrics in reg (a node's registry; see
// internal/node's Config.Metrics) under the node label. Registering again
// with the same node, as a validator restarted in the same process does,
// returns the series already registered, which keep counting.
func NewMetrics(reg prometheus.Registerer, node string) *Metrics {
	labels := prometheus.Labels{"node": node}
	m := &Metrics{
		badShares: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "keyholder", Name: "bad_shares_total", ConstLabels: labels,
			Help: "Key share submissions from a committee member that failed verification here (misbehaviour evidence; see the node's log).",
		}, []string{"member"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "keyholder", Name: "shares_accepted_total", ConstLabels: labels,
			Help: "Key shares from a committee member that verified here.",
		}, []string{"member"}),
		softBlocks: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "decrypt", Name: "soft_blocks_total", ConstLabels: labels,
			Help: "Blocks this node decrypted from verified key shares (the soft batch).",
		}),
		softLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "veil", Subsystem: "decrypt", Name: "soft_lag_blocks", ConstLabels: labels,
			Help:    "Blocks committed after a block before it became decryptable here (0: decrypted before the next block committed).",
			Buckets: []float64{0, 1, 2, 4, 8, 16},
		}),
	}
	m.badShares = register(reg, m.badShares)
	m.accepted = register(reg, m.accepted)
	m.softBlocks = register(reg, m.softBlocks)
	m.softLag = register(reg, m.softLag)
	return m
}

func (m *Metrics) badSubmission(member int) {
	if m != nil {
		m.badShares.WithLabelValues(strconv.Itoa(member)).Inc()
	}
}

func (m *Metrics) acceptedShares(member, n int) {
	if m != nil {
		m.accepted.WithLabelValues(strconv.Itoa(member)).Add(float64(n))
	}
}

func (m *Metrics) softBlock(lag int64) {
	if m != nil {
		m.softBlocks.Inc()
		m.softLag.Observe(float64(max(lag, 0)))
	}
}

// register registers c, or returns the collector already registered under
// the same name and labels.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}
