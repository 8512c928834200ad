package devnet

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
)

type marked struct{ abci.Application }

// TestWrapAppOnlyNamedValidators: the node hook wraps exactly the
// validators Config.WrapApp names, found by home, and is absent when
// nothing is wrapped.
func TestWrapAppOnlyNamedValidators(t *testing.T) {
	d := &Devnet{cfg: Config{Dir: t.TempDir(), Validators: 3}}
	if d.wrapApp() != nil {
		t.Fatal("a hook without WrapApp")
	}
	d.cfg.WrapApp = map[int]func(abci.Application) abci.Application{
		1: func(app abci.Application) abci.Application { return marked{app} },
	}
	hook := d.wrapApp()
	base := abci.NewBaseApplication()
	for i, home := range d.homes() {
		_, wrapped := hook(home+"/", base).(marked)
		if wrapped != (i == 1) {
			t.Fatalf("validator %d wrapped: %v", i, wrapped)
		}
	}
	if _, wrapped := hook("/elsewhere", base).(marked); wrapped {
		t.Fatal("a home outside the devnet was wrapped")
	}
}
