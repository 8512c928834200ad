package node

import (
	"context"
	"errors"
	"slices"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/veilseq/veil/ordering"
)

// metrics are veil's own Prometheus metrics of one validator, beside
// CometBFT's (which already export mempool size and bytes, block
// intervals and consensus rounds). Every series carries a node label, so
// the validators of an in-process devnet share one registry.
type metrics struct {
	admitted  prometheus.Counter
	rejected  *prometheus.CounterVec
	blockTxs  prometheus.Histogram
	blockFill prometheus.Gauge
	included  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, node string) *metrics {
	labels := prometheus.Labels{"node": node}
	m := &metrics{
		admitted: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "mempool", Name: "admitted_total", ConstLabels: labels,
			Help: "Envelopes admitted to this validator's mempool (new, not re-checks).",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "mempool", Name: "rejected_total", ConstLabels: labels,
			Help: "Envelopes refused by admission, by reason; re-checks that evict count too.",
		}, []string{"reason", "check"}),
		blockTxs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "veil", Subsystem: "block", Name: "envelopes", ConstLabels: labels,
			Help:    "Envelopes per finalized block.",
			Buckets: prometheus.ExponentialBucketsRange(1, 10_000, 12),
		}),
		blockFill: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "block", Name: "fill_ratio", ConstLabels: labels,
			Help: "The last finalized block's envelopes over the chain's max_block_txs.",
		}),
		included: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "block", Name: "included_total", ConstLabels: labels,
			Help: "Envelopes included in finalized blocks.",
		}),
	}
	m.admitted = register(reg, m.admitted)
	m.rejected = register(reg, m.rejected)
	m.blockTxs = register(reg, m.blockTxs)
	m.blockFill = register(reg, m.blockFill)
	m.included = register(reg, m.included)
	return m
}

// register registers c, or returns the collector already registered under
// the same name and labels: a validator restarted in the same process
// keeps counting into its series.
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

// reason names an admission error for a label: the sentinel's text
// without the package prefix ("nonce too low" → "nonce_too_low"). The set
// is closed (ordering's code table), so the label's cardinality is bounded.
func reason(code uint32, codespace string) string {
	err := ordering.ResultError(code, codespace, "")
	var te *ordering.TxError
	if errors.As(err, &te) {
		s := te.Unwrap().Error()
		if i := strings.Index(s, ": "); i >= 0 {
			s = s[i+2:]
		}
		return strings.ReplaceAll(s, " ", "_")
	}
	return "other"
}

// instrumented is the application with metrics recorded around the calls
// that admit and include envelopes. It changes no result.
type instrumented struct {
	*ordering.App
	m *metrics
}

var _ abci.Application = (*instrumented)(nil)

func (a *instrumented) CheckTx(ctx context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	res, err := a.App.CheckTx(ctx, req)
	if err != nil || res == nil {
		return res, err
	}
	check := "new"
	if req.Type == abci.CHECK_TX_TYPE_RECHECK {
		check = "recheck"
	}
	switch {
	case res.Code != abci.CodeTypeOK:
		a.m.rejected.WithLabelValues(reason(res.Code, res.Codespace), check).Inc()
	case check == "new":
		a.m.admitted.Inc()
	}
	return res, err
}

func (a *instrumented) FinalizeBlock(ctx context.Context, req *abci.FinalizeBlockRequest) (*abci.FinalizeBlockResponse, error) {
	res, err := a.App.FinalizeBlock(ctx, req)
	if err != nil || res == nil {
		return res, err
	}
	n := 0
	for _, r := range res.TxResults {
		if r.Code == abci.CodeTypeOK && slices.ContainsFunc(r.Events, func(e abci.Event) bool { return e.Type == ordering.EventTx }) {
			n++
		}
	}
	a.m.blockTxs.Observe(float64(n))
	a.m.included.Add(float64(n))
	if p, err := a.App.Params(); err == nil && p.MaxBlockTxs > 0 {
		a.m.blockFill.Set(float64(n) / float64(p.MaxBlockTxs))
	}
	return res, err
}
