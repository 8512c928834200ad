package decrypt

import (
	"errors"

	"github.com/veilseq/veil/ordering"
)

// EonAt names the eon whose committee signs a height's batch root: the
// eon active at that height. The L1 registry has the same rule (eon e
// signs the heights from its activation to the next eon's), so a root
// signed under another eon is refused on L1.
type EonAt func(height int64) (uint64, error)

// AppEonAt is EonAt from an application's eon records: the registered
// successor if the height reaches its activation, else the current eon
// or the latest earlier one whose activation the height reaches.
func AppEonAt(app *ordering.App) EonAt {
	return func(height int64) (uint64, error) {
		if next, ok, err := app.NextEon(); err != nil {
			return 0, err
		} else if ok && next.ActivationHeight <= height {
			return next.ID, nil
		}
		e, err := app.CurrentEon()
		if err != nil {
			return 0, err
		}
		for e.ActivationHeight > height && e.ID > 0 {
			prev, err := app.Eon(e.ID - 1)
			if errors.Is(err, ordering.ErrNotFound) {
				break
			}
			if err != nil {
				return 0, err
			}
			e = prev
		}
		return e.ID, nil
	}
}
