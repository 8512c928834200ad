package devnet

import (
	"path/filepath"

	abci "github.com/cometbft/cometbft/abci/types"
)

// wrapApp returns the node hook that applies Config.WrapApp to the
// validator whose home it is given, or nil when nothing is wrapped.
//
// The hook is a test seam: with it a test gives one validator an
// adversary's full view of its own node (every envelope its CheckTx
// admits, the vote extensions it signs and receives, the proposals it
// builds and votes on) and lets that validator lie in any of them, while
// the other validators run the unmodified application. Only Go code that
// builds a Config reaches it.
func (d *Devnet) wrapApp() func(string, abci.Application) abci.Application {
	if len(d.cfg.WrapApp) == 0 {
		return nil
	}
	homes := d.homes()
	return func(home string, app abci.Application) abci.Application {
		for i, h := range homes {
			if filepath.Clean(h) == filepath.Clean(home) {
				if w := d.cfg.WrapApp[i]; w != nil {
					return w(app)
				}
			}
		}
		return app
	}
}
