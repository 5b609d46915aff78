package playground

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Options say how to start one Playground instance.
type Options struct {
	// BotEndpoint is the bot's messaging endpoint,
	// e.g. http://127.0.0.1:3978/api/messages.
	BotEndpoint string
	// Port is the instance's port on 127.0.0.1 (UI and connector); 0 picks
	// a free one.
	Port int
	// ConfigDir holds the instance's config file (see WriteConfig) and
	// becomes its working directory (its log goes to devTools/ there).
	ConfigDir string
	// NodeModulesDir is the node_modules holding the Playground; empty
	// means FindNodeModules.
	NodeModulesDir string
	// Log receives the Playground's output, one line at a time; nil
	// discards it.
	Log io.Writer
	// StartTimeout bounds the wait for the UI to answer; 0 means 30s.
	StartTimeout time.Duration
}

// Process is a running Playground instance.
type Process struct {
	cmd      *exec.Cmd
	port     int
	done     chan struct{} // closed when the process has exited
	waitErr  error
	stopOnce sync.Once
}

// listeningRE matches the line the Playground prints once it listens.
var listeningRE = regexp.MustCompile(`^Listening on (\d+)\s*$`)

// Start spawns the Playground for one instance in its own process group and
// returns once its UI answers. Cancelling ctx stops it, as does Stop.
func Start(ctx context.Context, o Options) (*Process, error) {
	if o.BotEndpoint == "" || o.ConfigDir == "" {
		return nil, errors.New("start playground: bot endpoint and config dir are required")
	}
	modules := o.NodeModulesDir
	if modules == "" {
		var err error
		if modules, err = FindNodeModules(); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(o.ConfigDir)
	if err != nil {
		return nil, fmt.Errorf("start playground: %w", err)
	}
	port := o.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("start playground: %w", err)
		}
	}
	preload := filepath.Join(dir, "loopback.cjs")
	if err := os.WriteFile(preload, []byte(loopbackScript), 0o644); err != nil {
		return nil, fmt.Errorf("start playground: %w", err)
	}
	p := &Process{port: port, done: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(modules, binPath),
		"--app-endpoint", o.BotEndpoint,
		"--channel-id", "msteams",
		"--port", strconv.Itoa(port),
		"--service-url", p.ServiceURL(),
		"--disable-telemetry")
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(),
		"TEAMSAPPTESTER_BROWSER=none",
		"M365_AGENTS_PLAYGROUND_CONFIG_PATH="+filepath.Join(dir, ConfigFileName),
		"NODE_OPTIONS="+nodeOptions(preload),
	)
	setProcessGroup(p.cmd)
	// An os.Pipe rather than StdoutPipe: Wait must not close the read end
	// while output is still being forwarded.
	out, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start playground: %w", err)
	}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	err = p.cmd.Start()
	w.Close()
	if err != nil {
		out.Close()
		return nil, fmt.Errorf("start playground: %w", err)
	}
	listening := make(chan int, 1)
	go p.copyOutput(out, o.Log, listening)
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			p.Stop()
		case <-p.done:
		}
	}()
	timeout := o.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if err := p.awaitReady(ctx, listening, timeout); err != nil {
		p.Stop()
		return nil, fmt.Errorf("start playground on port %d: %w", port, err)
	}
	return p, nil
}

// nodeOptions adds the loopback preload to any NODE_OPTIONS already set.
func nodeOptions(preload string) string {
	opt := "--require " + strconv.Quote(preload)
	if cur := os.Getenv("NODE_OPTIONS"); cur != "" {
		return cur + " " + opt
	}
	return opt
}

// copyOutput forwards the Playground's output to w and reports the port of
// its "Listening on" line.
func (p *Process) copyOutput(r io.ReadCloser, w io.Writer, listening chan<- int) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			select {
			case listening <- n:
			default:
			}
		}
		if w != nil {
			fmt.Fprintln(w, line)
		}
	}
	// Drain the pipe if lines grow too long for the scanner, so the child
	// never blocks on a full pipe.
	_, _ = io.Copy(io.Discard, r)
}

// awaitReady waits for the Playground to listen on the requested port and
// for its UI server to answer.
func (p *Process) awaitReady(ctx context.Context, listening <-chan int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case n := <-listening:
		if n != p.port {
			// It silently falls back to a random port when the one asked
			// for is taken; the serviceUrl would then be wrong.
			return fmt.Errorf("port %d is in use (it chose %d instead)", p.port, n)
		}
	case <-p.done:
		return fmt.Errorf("exited before listening: %v", p.waitErr)
	case <-deadline.C:
		return fmt.Errorf("not listening after %s", timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get(p.baseURL() + "/_debug/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-tick.C:
		case <-p.done:
			return fmt.Errorf("exited before answering: %v", p.waitErr)
		case <-deadline.C:
			return fmt.Errorf("UI not answering after %s", timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (p *Process) baseURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(p.port)
}

// Port is the instance's port on 127.0.0.1.
func (p *Process) Port() int { return p.port }

// UIURL is the address of the instance's web UI.
func (p *Process) UIURL() string { return p.baseURL() + "/" }

// ServiceURL is the Bot Connector base URL of the instance: the serviceUrl
// in every activity it sends, and where the bot posts replies, updates
// (PUT) and proactive conversations (POST /v3/conversations).
func (p *Process) ServiceURL() string { return p.baseURL() + "/_connector" }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop ends the instance and everything it spawned: SIGTERM to its process
// group, SIGKILL after a grace period. It waits for the exit and is safe to
// call more than once.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		signalGroup(p.cmd, false)
		select {
		case <-p.done:
		case <-time.After(stopGrace):
		}
		// Kill the group even after the leader exited: a child may linger.
		signalGroup(p.cmd, true)
	})
	<-p.done
}

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
var stopGrace = 5 * time.Second

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
