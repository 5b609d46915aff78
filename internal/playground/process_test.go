//go:build unix

package playground

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/testutil/syncbuf"
)

func startFake(t *testing.T, ctx context.Context, mode string) (*Process, string, *syncbuf.Buffer, error) {
	t.Helper()
	dir := t.TempDir()
	log := &syncbuf.Buffer{}
	p, err := Start(ctx, Options{
		BotEndpoint:    "http://127.0.0.1:3978/api/messages",
		ConfigDir:      dir,
		NodeModulesDir: fakeModules(t, mode),
		Log:            log,
		StartTimeout:   10 * time.Second,
	})
	if p != nil {
		t.Cleanup(p.Stop)
	}
	return p, dir, log, err
}

func TestStartRunsInstanceAndStopEndsIt(t *testing.T) {
	p, dir, log, err := startFake(t, context.Background(), "serve")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(p.Port())
	if got, want := p.UIURL(), "http://127.0.0.1:"+port+"/"; got != want {
		t.Errorf("UIURL = %q, want %q", got, want)
	}
	if got, want := p.ServiceURL(), "http://127.0.0.1:"+port+"/_connector"; got != want {
		t.Errorf("ServiceURL = %q, want %q", got, want)
	}
	resp, err := http.Get(p.UIURL() + "_debug/ping")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "pong" {
		t.Errorf("ping = %q", body)
	}

	rec := readRecord(t, dir)
	for _, pair := range [][2]string{
		{"--app-endpoint", "http://127.0.0.1:3978/api/messages"},
		{"--channel-id", "msteams"},
		{"--port", port},
		{"--service-url", p.ServiceURL()},
	} {
		i := slices.Index(rec.Args, pair[0])
		if i < 0 || i+1 >= len(rec.Args) || rec.Args[i+1] != pair[1] {
			t.Errorf("args %q lack %s %s", rec.Args, pair[0], pair[1])
		}
	}
	if !slices.Contains(rec.Args, "--disable-telemetry") {
		t.Errorf("args %q lack --disable-telemetry", rec.Args)
	}
	wantDir, _ := filepath.EvalSymlinks(dir)
	if gotDir, _ := filepath.EvalSymlinks(rec.Dir); gotDir != wantDir {
		t.Errorf("working dir = %q, want %q", rec.Dir, dir)
	}
	if rec.Browser != "none" {
		t.Errorf("TEAMSAPPTESTER_BROWSER = %q, want none", rec.Browser)
	}
	if rec.Config != filepath.Join(dir, ConfigFileName) {
		t.Errorf("config path = %q", rec.Config)
	}
	preload := filepath.Join(dir, "loopback.cjs")
	if !strings.Contains(rec.NodeOpts, "--require "+strconv.Quote(preload)) {
		t.Errorf("NODE_OPTIONS = %q, want it to preload %s", rec.NodeOpts, preload)
	}
	if data, err := os.ReadFile(preload); err != nil || !strings.Contains(string(data), "127.0.0.1") {
		t.Errorf("preload script: %v %q", err, data)
	}
	if !strings.Contains(log.String(), "Listening on "+port) {
		t.Errorf("log = %q, want the Playground's output", log.String())
	}

	p.Stop()
	select {
	case <-p.Done():
	default:
		t.Fatal("Stop returned before the process exited")
	}
	if _, err := http.Get(p.UIURL() + "_debug/ping"); err == nil {
		t.Error("UI still answers after Stop")
	}
	p.Stop() // a second Stop is harmless
}

func TestStartRefusesFallbackPort(t *testing.T) {
	_, _, _, err := startFake(t, context.Background(), "otherport")
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("err = %v, want a port-in-use error", err)
	}
}

func TestStartReportsEarlyExit(t *testing.T) {
	_, _, _, err := startFake(t, context.Background(), "exit")
	if err == nil || !strings.Contains(err.Error(), "exited") {
		t.Fatalf("err = %v, want an early-exit error", err)
	}
}

func TestStartHonoursContextWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, _, _, err := startFake(t, ctx, "silent")
	if err == nil {
		t.Fatal("Start succeeded with a fake that never listens")
	}
	if d := time.Since(begin); d > 8*time.Second {
		t.Errorf("Start took %s after the context ended", d)
	}
}

func TestCancelStopsProcessGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, dir, _, err := startFake(t, ctx, "child")
	if err != nil {
		t.Fatal(err)
	}
	child := readRecord(t, dir).ChildPID
	if !alive(child) {
		t.Fatalf("child %d not running before cancel", child)
	}
	cancel()
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("process still running 10s after cancel")
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(child) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if alive(child) {
		t.Errorf("grandchild %d survived", child)
	}
}

func TestStopKillsWhatIgnoresSigterm(t *testing.T) {
	old := stopGrace
	stopGrace = 200 * time.Millisecond
	t.Cleanup(func() { stopGrace = old })
	p, _, _, err := startFake(t, context.Background(), "stubborn")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not kill a process that ignores SIGTERM")
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
