package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mfabot/mfabot/bench/internal/proc"
)

// target is a bot under load, running as its own process so its memory
// and CPU are its own.
type target struct {
	name    string
	url     string // POST /api/messages
	health  string // GET answering 200 once serving
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// startTarget starts cmd with env added to the environment, its output in
// logPath, and waits until health answers 200.
func startTarget(ctx context.Context, name string, port int, cmd *exec.Cmd, env []string, logPath string) (*target, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), env...) // later entries win
	cmd.Stdout, cmd.Stderr = log, log
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	t := &target{name: name, url: base + "/api/messages", health: base + "/healthz", logPath: logPath, cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		t.waitErr = cmd.Wait()
		log.Close()
		close(t.exited)
	}()
	if err := t.waitHealthy(ctx, 60*time.Second); err != nil {
		t.stop()
		return nil, fmt.Errorf("%s did not start: %w; its log:\n%s", name, err, proc.Tail(logPath, 20))
	}
	return t, nil
}

func (t *target) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-t.exited:
			return fmt.Errorf("exited: %v", t.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get(t.health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("no healthy answer in " + limit.String())
}

// stop asks the process to end (SIGTERM) and kills it after 15 s.
func (t *target) stop() {
	select {
	case <-t.exited:
		return
	default:
	}
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.exited:
	case <-time.After(15 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.exited
	}
}

// alive reports an error if the process has ended.
func (t *target) alive() error {
	select {
	case <-t.exited:
		return fmt.Errorf("%s exited: %v", t.name, t.waitErr)
	default:
		return nil
	}
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func (t *target) peakRSS() (int64, error) { return proc.VmHWM(t.cmd.Process.Pid) }

// clockTicks is USER_HZ, the unit of /proc/PID/stat times (100 on Linux).
const clockTicks = 100

// cpuTime is the CPU time (user + system) the process has used so far.
func (t *target) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(t.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

// selfCPU is the CPU time this process has used so far.
func selfCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

// parseStatCPU reads utime and stime (fields 14 and 15) of /proc/PID/stat;
// the fields are counted after the command name, which may hold spaces.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc stat")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state): utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc stat times: %w", err)
	}
	return time.Duration(u+s) * time.Second / clockTicks, nil
}
