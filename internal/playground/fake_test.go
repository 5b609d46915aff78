//go:build unix

package playground

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// fakeModeEnv selects the fake Playground's behaviour when the test binary
// is run as node_modules/.bin/agentsplayground.
const fakeModeEnv = "PLAYGROUND_FAKE_MODE"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeModeEnv); mode != "" {
		os.Exit(runFake(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeRecord is what the fake saw when it was started.
type fakeRecord struct {
	Args     []string `json:"args"`
	Dir      string   `json:"dir"`
	Browser  string   `json:"browser"`
	Config   string   `json:"config"`
	NodeOpts string   `json:"nodeOptions"`
	ChildPID int      `json:"childPid"`
}

// runFake imitates the Playground: it prints "Listening on N" and serves
// /_debug/ping, misbehaving as the mode asks.
func runFake(mode string, args []string) int {
	port := 0
	for i, a := range args {
		if a == "--port" && i+1 < len(args) {
			port, _ = strconv.Atoi(args[i+1])
		}
	}
	dir, _ := os.Getwd()
	rec := fakeRecord{
		Args: args, Dir: dir,
		Browser:  os.Getenv("TEAMSAPPTESTER_BROWSER"),
		Config:   os.Getenv("M365_AGENTS_PLAYGROUND_CONFIG_PATH"),
		NodeOpts: os.Getenv("NODE_OPTIONS"),
	}
	switch mode {
	case "exit":
		fmt.Println("config file is invalid")
		return 3
	case "otherport":
		fmt.Printf("Listening on %d\n", port+1)
		time.Sleep(time.Minute)
		return 0
	case "silent":
		time.Sleep(time.Minute)
		return 0
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
	case "child":
		child := exec.Command("sleep", "300")
		if err := child.Start(); err != nil {
			return 4
		}
		rec.ChildPID = child.Process.Pid
	}
	data, _ := json.Marshal(rec)
	if err := os.WriteFile(filepath.Join(dir, "fake-record.json"), data, 0o644); err != nil {
		return 5
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return 6
	}
	fmt.Printf("Listening on %d\n", port)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_debug/ping", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "pong") })
	_ = http.Serve(ln, mux)
	return 0
}

// fakeModules makes a node_modules whose agentsplayground is this test
// binary in the given mode.
func fakeModules(t *testing.T, mode string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	mods := filepath.Join(t.TempDir(), "node_modules")
	if err := os.MkdirAll(filepath.Join(mods, ".bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\n%s=%s exec %q \"$@\"\n", fakeModeEnv, mode, self)
	if err := os.WriteFile(filepath.Join(mods, binPath), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return mods
}

func readRecord(t *testing.T, dir string) fakeRecord {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "fake-record.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec fakeRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}
