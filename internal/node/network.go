package node

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Network is several validators running in one process (the devnet, and
// multi-validator tests).
type Network struct {
	Nodes []*Node
}

// StartNetwork builds and starts one node per home, each with base's
// settings and its own Home. Metrics stay on for the first node only, as
// Prometheus' registry is process-wide. If any node fails, the ones
// already started are stopped.
func StartNetwork(ctx context.Context, homes []string, base Config) (*Network, error) {
	nw := &Network{}
	for i, home := range homes {
		c := base
		c.Home = home
		c.DisableMetrics = base.DisableMetrics || i > 0
		n, err := New(ctx, c)
		if err != nil {
			return nil, errors.Join(err, nw.Stop())
		}
		nw.Nodes = append(nw.Nodes, n)
		if err := n.Start(); err != nil {
			return nil, errors.Join(err, nw.Stop())
		}
	}
	return nw, nil
}

// Restart stops node i if it runs and starts it again from its home,
// as a validator process restarting on its host would. The restarted node
// serves no metrics: the stopped node's are still registered in the
// process-wide Prometheus registry.
func (nw *Network) Restart(ctx context.Context, i int, base Config) error {
	if i < 0 || i >= len(nw.Nodes) {
		return fmt.Errorf("node: no node %d", i)
	}
	old := nw.Nodes[i]
	if err := old.Stop(); err != nil {
		return err
	}
	c := base
	c.Home = old.cfg.RootDir
	c.DisableMetrics = true
	n, err := New(ctx, c)
	if err != nil {
		return err
	}
	nw.Nodes[i] = n
	return n.Start()
}

// Stop stops every node. It is safe to call more than once.
func (nw *Network) Stop() error {
	var errs []error
	for _, n := range nw.Nodes {
		errs = append(errs, n.Stop())
	}
	return errors.Join(errs...)
}

// WaitSynced waits until every node has left block sync (see
// Node.Synced), so that envelopes submitted from then on are gossiped to
// all of them.
func (nw *Network) WaitSynced(ctx context.Context) error {
	for {
		all := true
		for _, n := range nw.Nodes {
			if !n.Synced() {
				all = false
				break
			}
		}
		if all {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node: waiting for validators to leave block sync: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
