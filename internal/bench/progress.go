package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// progress writes a live bar on a terminal and plain lines otherwise.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	open bool // a live line is on screen
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// line prints a finished line.
func (p *progress) line(s string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		fmt.Fprint(p.w, "\r\033[K")
		p.open = false
	}
	fmt.Fprintln(p.w, s)
}

// live redraws the step's bar (terminals only).
func (p *progress) live(label string, submitted, committed, total int) {
	if p == nil || p.w == nil || !p.tty || total == 0 {
		return
	}
	const width = 30
	done := min(width, submitted*width/total)
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[K%s [%s%s] %d/%d submitted, %d committed",
		label, strings.Repeat("=", done), strings.Repeat(" ", width-done), submitted, total, committed)
	p.open = true
}
