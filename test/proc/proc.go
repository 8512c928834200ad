// Package proc runs a veil network as operating-system processes, the way
// operators run it: the veil binary built once per test binary, a network
// written by `veil testnet`, each validator a `veil node start` and each
// committee member's keyholder a `veil keyholder`, every one in its own
// process group with its log in a file. Tests kill, pause and restart
// those processes under load and check what the network delivered.
//
// A test binary using Start must run its tests through Main, which builds
// nothing up front but removes the built binary and kills any process a
// test left behind. Every process is also started with a parent-death
// signal, so none survives the test binary, whatever way it ends.
package proc

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/veilseq/veil/api/client"
)

// Config configures a process network.
type Config struct {
	// Validators is the number of validators and committee members.
	// Default 4.
	Validators int
	// Wallets is the number of funded wallets. Default 8.
	Wallets int
	// BlockTime is CometBFT's timeout_commit. Default 200 ms.
	BlockTime time.Duration
}

func (c *Config) validate() {
	if c.Validators == 0 {
		c.Validators = 4
	}
	if c.Wallets == 0 {
		c.Wallets = 8
	}
	if c.BlockTime == 0 {
		c.BlockTime = 200 * time.Millisecond
	}
}

// readyTimeout bounds every wait for a process or the chain.
const readyTimeout = 60 * time.Second

// Net is a running process network. Its methods fail the test on error;
// call them from the test's goroutine.
type Net struct {
	t   testing.TB
	cfg Config
	// Dir holds the network written by veil testnet and the logs.
	Dir string
	// URLs are the validators' API base URLs, by validator index.
	URLs []string

	apiAddrs   []string
	nodes      []*Proc
	keyholders []*Proc
	clients    []*client.Client
	wallets    []*ecdsa.PrivateKey

	eonMu sync.Mutex
	eons  map[uint64]eonKey // every eon seen, by id
	subs  []*subscriber
}

// Start writes a network into a temporary directory, starts every
// validator and keyholder and waits until the chain commits blocks. The
// test's cleanup kills every process of the network.
func Start(t testing.TB, cfg Config) *Net {
	t.Helper()
	cfg.validate()
	bin := Binary(t)
	dir := t.TempDir() // removed after the processes are killed (cleanups run last-in first-out)
	netDir := filepath.Join(dir, "net")
	n := &Net{t: t, cfg: cfg, Dir: netDir}
	t.Cleanup(n.cleanup)
	out, err := exec.Command(bin, "testnet", "--output", netDir,
		"--validators", strconv.Itoa(cfg.Validators), "--wallets", strconv.Itoa(cfg.Wallets),
		"--block-time", cfg.BlockTime.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("veil testnet: %v\n%s", err, out)
	}
	for i, addr := range apiAddrs(t, netDir, cfg.Validators) {
		n.apiAddrs = append(n.apiAddrs, addr)
		n.URLs = append(n.URLs, "http://"+addr)
		c, err := client.Dial(n.URLs[i])
		if err != nil {
			t.Fatal(err)
		}
		n.clients = append(n.clients, c)
	}
	for i := range cfg.Wallets {
		key, err := client.LoadKey(filepath.Join(netDir, "wallets", fmt.Sprintf("wallet%d.key", i)))
		if err != nil {
			t.Fatal(err)
		}
		n.wallets = append(n.wallets, key)
	}
	for i := range cfg.Validators {
		n.nodes = append(n.nodes, n.newProc(fmt.Sprintf("node%d", i),
			"node", "start", "--home", n.Home(i), "--api", n.apiAddrs[i],
			// Every keyholder, wallet and check shares 127.0.0.1.
			"--api-ip-rate", "-1"))
		n.nodes[i].start(t)
	}
	khArgs := []string{"--identity", filepath.Join(netDir, "keyholder-identity.txt"),
		"--genesis", filepath.Join(n.Home(0), "config", "genesis.json"), "--poll", "100ms", "--rescan", "200ms"}
	for _, u := range n.URLs {
		khArgs = append(khArgs, "--node", u)
	}
	for m := range cfg.Validators {
		args := append([]string{"keyholder", "--home", filepath.Join(n.Home(m), "keyholder")}, khArgs...)
		n.keyholders = append(n.keyholders, n.newProc(fmt.Sprintf("keyholder%d", m), args...))
	}
	for i := range cfg.Validators {
		n.WaitHeight(i, 2)
	}
	n.eonKeys(context.Background(), 0) // the genesis eon, for Check after a rotation
	vals, chainID, err := client.LoadGenesisValidators(filepath.Join(n.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	n.subscribe(vals, chainID)
	for _, k := range n.keyholders {
		k.start(t)
	}
	return n
}

// Home returns validator i's CometBFT home.
func (n *Net) Home(i int) string { return filepath.Join(n.Dir, fmt.Sprintf("node%d", i)) }

// Client returns an SDK client of validator i's API.
func (n *Net) Client(i int) *client.Client { return n.clients[i] }

// Wallets returns the funded wallets' keys.
func (n *Net) Wallets() []*ecdsa.PrivateKey { return n.wallets }

// Validators returns the number of validators.
func (n *Net) Validators() int { return len(n.nodes) }

// Node returns validator i's process.
func (n *Net) Node(i int) *Proc { return n.nodes[i] }

// Keyholder returns member m's keyholder process (m from 0).
func (n *Net) Keyholder(m int) *Proc { return n.keyholders[m] }

// Kill9 kills validator i with SIGKILL and waits for it to exit.
func (n *Net) Kill9(i int) { n.nodes[i].Kill9(n.t) }

// Stop stops validator i with SIGTERM, as an operator would, and waits
// for it to exit.
func (n *Net) Stop(i int) { n.nodes[i].Stop(n.t) }

// Restart starts validator i again after Kill9 or Stop and waits until it
// has caught up with the highest height another validator had reached.
func (n *Net) Restart(i int) {
	n.t.Helper()
	target := n.maxHeight(i)
	n.nodes[i].start(n.t)
	n.WaitHeight(i, target)
}

// WaitSynced waits until validator i has reached the highest height
// another running validator reports now.
func (n *Net) WaitSynced(i int) {
	n.t.Helper()
	n.WaitHeight(i, n.maxHeight(i))
}

// Pause stops validator i with SIGSTOP: its sockets stay open, it answers
// nothing.
func (n *Net) Pause(i int) { n.nodes[i].signal(n.t, syscall.SIGSTOP) }

// Resume continues validator i after Pause.
func (n *Net) Resume(i int) { n.nodes[i].signal(n.t, syscall.SIGCONT) }

// StopKeyholder kills member m's keyholder with SIGKILL.
func (n *Net) StopKeyholder(m int) { n.keyholders[m].Kill9(n.t) }

// StartKeyholder starts member m's keyholder again; it resumes after the
// last height it released.
func (n *Net) StartKeyholder(m int) { n.keyholders[m].start(n.t) }

// Height returns validator i's latest committed height.
func (n *Net) Height(ctx context.Context, i int) (uint64, error) {
	b, err := n.clients[i].Block(ctx, 0)
	if err != nil {
		return 0, err
	}
	return b.Height, nil
}

// maxHeight returns the highest height a validator other than skip
// reports.
func (n *Net) maxHeight(skip int) uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var top uint64
	for j := range n.nodes {
		if j == skip || !n.nodes[j].Running() || n.nodes[j].isPaused() {
			continue
		}
		if h, err := n.Height(ctx, j); err == nil {
			top = max(top, h)
		}
	}
	return top
}

// WaitHeight waits until validator i serves height h.
func (n *Net) WaitHeight(i int, h uint64) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	var last error
	for {
		got, err := n.Height(ctx, i)
		if err == nil && got >= h {
			return
		}
		if err != nil {
			last = err
		} else {
			last = fmt.Errorf("at height %d", got)
		}
		if !n.nodes[i].Running() {
			n.t.Fatalf("node%d exited waiting for height %d: %v", i, h, n.nodes[i].exitErr())
		}
		select {
		case <-ctx.Done():
			n.t.Fatalf("node%d did not reach height %d: %v", i, h, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitBlocks waits until validator i has committed k more blocks.
func (n *Net) WaitBlocks(i int, k uint64) uint64 {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := n.Height(ctx, i)
	if err != nil {
		n.t.Fatalf("node%d: %v", i, err)
	}
	n.WaitHeight(i, h+k)
	return h + k
}

// cleanup kills every process and, when the test failed, prints the end
// of each log.
func (n *Net) cleanup() {
	all := append(append([]*Proc(nil), n.nodes...), n.keyholders...)
	for _, p := range all {
		p.kill()
	}
	if !n.t.Failed() {
		return
	}
	for _, p := range all {
		n.t.Logf("--- last lines of %s (%s)\n%s", p.name, p.log, tail(p.log, 25))
	}
}

func (n *Net) newProc(name string, args ...string) *Proc {
	return &Proc{name: name, args: args, log: filepath.Join(n.Dir, "logs", name+".log")}
}

// Command returns a command running the veil binary with args in a
// process group of its own; when ctx is done, the group is killed.
func Command(ctx context.Context, t testing.TB, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// Proc is one veil process that can be started again after it exits.
type Proc struct {
	name, log string
	args      []string

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{} // closed when cmd exits
	err    error         // cmd's exit status, once done
	paused bool
}

// Name returns the process's name (node0, keyholder1, …).
func (p *Proc) Name() string { return p.name }

// Log returns the path of the process's log file.
func (p *Proc) Log() string { return p.log }

// Running reports whether the process was started and has not exited.
func (p *Proc) Running() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

func (p *Proc) isPaused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

func (p *Proc) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *Proc) start(t testing.TB) {
	t.Helper()
	if p.Running() {
		t.Fatalf("%s is already running", p.name)
	}
	if err := os.MkdirAll(filepath.Dir(p.log), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "=== start %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), p.args)
	cmd := Command(context.Background(), t, p.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := launch(cmd); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", p.name, err)
	}
	register(cmd.Process.Pid)
	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done, p.err, p.paused = cmd, done, nil, false
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		f.Close()
		unregister(cmd.Process.Pid)
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
}

// Wait waits up to timeout for the process to exit by itself and returns
// its exit status (nil for status 0). It fails the test if the process
// is still running at the timeout.
func (p *Proc) Wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		t.Fatalf("wait %s: never started", p.name)
	}
	select {
	case <-done:
		return p.exitErr()
	case <-time.After(timeout):
		t.Fatalf("%s still running after %v", p.name, timeout)
		return nil
	}
}

// AddArgs appends flags to the process's command line for its next
// starts (a flag given again overrides the earlier value).
func (p *Proc) AddArgs(args ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.args = append(p.args, args...)
}

// LastRun returns what the process logged since its last start.
func (p *Proc) LastRun() string {
	b, _ := os.ReadFile(p.log)
	if i := bytes.LastIndex(b, []byte("=== start ")); i >= 0 {
		b = b[i:]
	}
	return string(b)
}

// Tail returns the last n lines of the file at path.
func Tail(path string, n int) string { return tail(path, n) }

// Kill9 kills the process's group with SIGKILL and waits for it to exit.
func (p *Proc) Kill9(t testing.TB) {
	t.Helper()
	if !p.Running() {
		t.Fatalf("kill %s: not running", p.name)
	}
	p.kill()
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *Proc) Stop(t testing.TB) {
	t.Helper()
	p.signal(t, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(readyTimeout):
		p.kill()
		t.Fatalf("%s did not stop on SIGTERM", p.name)
	}
	if err := p.exitErr(); err != nil {
		t.Fatalf("%s exited with %v after SIGTERM", p.name, err)
	}
}

func (p *Proc) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	if !p.Running() {
		t.Fatalf("signal %s: not running", p.name)
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
	p.mu.Lock()
	p.paused = sig == syscall.SIGSTOP
	p.mu.Unlock()
}

// kill kills the group if it runs and waits for the exit.
func (p *Proc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// apiAddrs picks n distinct free loopback addresses for the APIs, none on
// a port veil testnet gave the nodes in dir (the kernel may hand out a
// port again once testnet's probe closed it).
func apiAddrs(t testing.TB, dir string, n int) []string {
	t.Helper()
	taken := map[string]bool{}
	homes, _ := filepath.Glob(filepath.Join(dir, "node*", "config", "config.toml"))
	for _, path := range homes {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range portRE.FindAllSubmatch(b, -1) {
			taken[string(m[1])] = true
		}
	}
	var addrs []string
	var held []net.Listener // held open, so no two APIs get one port
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for len(addrs) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, l)
		addr := l.Addr().String()
		if _, port, _ := net.SplitHostPort(addr); !taken[port] {
			addrs = append(addrs, addr)
		}
	}
	return addrs
}

var portRE = regexp.MustCompile(`127\.0\.0\.1:(\d+)`)

// FreeAddr returns a loopback address with a port free at the time.
func FreeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	var out bytes.Buffer
	for _, l := range lines {
		out.WriteString(l)
		out.WriteByte('\n')
	}
	return out.String()
}

// The veil binary, built once per test binary.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// Binary returns the path of the veil binary, building it on first use.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "veil-proc-")
		if buildErr != nil {
			return
		}
		// Readable by all: a test may run the binary as another user.
		if buildErr = os.Chmod(binDir, 0o755); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "veil")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/veilseq/veil/cmd/veil").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Live process groups, for Main's safety net.
var (
	liveMu sync.Mutex
	live   = map[int]bool{}
)

func register(pid int)   { liveMu.Lock(); live[pid] = true; liveMu.Unlock() }
func unregister(pid int) { liveMu.Lock(); delete(live, pid); liveMu.Unlock() }

// Main runs the tests, then kills any process group a test left running
// and removes the built binary. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	liveMu.Lock()
	for pid := range live {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	left := len(live)
	liveMu.Unlock()
	if left > 0 {
		fmt.Fprintf(os.Stderr, "proc: killed %d process group(s) left running\n", left)
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// launch starts cmd from one OS thread that never exits. A child's
// parent-death signal fires when the thread that forked it exits, not the
// process (prctl(2) PR_SET_PDEATHSIG), and the Go runtime may end idle
// threads; a locked thread lives as long as the test binary.
func launch(cmd *exec.Cmd) error {
	launchOnce.Do(func() {
		launchReqs = make(chan launchReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread outlives every child
			for r := range launchReqs {
				r.err <- r.cmd.Start()
			}
		}()
	})
	errc := make(chan error, 1)
	launchReqs <- launchReq{cmd, errc}
	return <-errc
}

type launchReq struct {
	cmd *exec.Cmd
	err chan error
}

var (
	launchOnce sync.Once
	launchReqs chan launchReq
)
