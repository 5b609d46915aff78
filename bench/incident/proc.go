package main

import (
	"bytes"
	"context"
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

// replica is one `mfabot serve` process.
type replica struct {
	name    string
	health  string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	// hwm is the peak resident set (VmHWM) last read while it ran.
	hwm int64
}

// startReplica starts `mfabot serve` with env and waits until it answers
// /healthz.
func startReplica(ctx context.Context, name string, argv []string, env []string, logPath string) (*replica, error) {
	port, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), env...), "PORT="+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = log, log
	r := &replica{name: name, health: "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz", logPath: logPath, cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		r.waitErr = cmd.Wait()
		log.Close()
		close(r.exited)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-r.exited:
			return nil, fmt.Errorf("%s exited: %v; its log:\n%s", name, r.waitErr, proc.Tail(logPath, 20))
		case <-ctx.Done():
			r.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Get(r.health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Now().After(deadline) {
			r.kill()
			return nil, fmt.Errorf("%s did not answer %s in 60 s; its log:\n%s", name, r.health, proc.Tail(logPath, 20))
		}
	}
}

// alive reports whether the process still runs.
func (r *replica) alive() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// sample reads the peak resident set while the process runs.
func (r *replica) sample() {
	if !r.alive() {
		return
	}
	if v, err := proc.VmHWM(r.cmd.Process.Pid); err == nil {
		r.hwm = max(r.hwm, v)
	}
}

// kill ends the process with SIGKILL, as a crash would.
func (r *replica) kill() {
	r.sample()
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
}

// stop asks the process to end (SIGTERM), as an orchestrator does, and
// returns how long it took; after 60 s it is killed.
func (r *replica) stop() (time.Duration, error) {
	r.sample()
	start := time.Now()
	if !r.alive() {
		return 0, fmt.Errorf("%s had exited: %v", r.name, r.waitErr)
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
		return time.Since(start), nil
	case <-time.After(60 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
		return time.Since(start), fmt.Errorf("%s did not stop within 60 s of SIGTERM", r.name)
	}
}

// peakRSS is the process's peak resident set: VmHWM as last read, or the
// kernel's maxrss once it has exited.
func (r *replica) peakRSS() int64 {
	if r.cmd.ProcessState != nil {
		if ru, ok := r.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			return max(r.hwm, ru.Maxrss<<10)
		}
	}
	return r.hwm
}

// cpu is the CPU time (user + system) of an exited process.
func cpuOf(ps *os.ProcessState) time.Duration {
	if ps == nil {
		return 0
	}
	return ps.UserTime() + ps.SystemTime()
}

// cliRun is a finished mfabot command.
type cliRun struct {
	out     []byte
	wall    time.Duration
	peakRSS int64
	cpu     time.Duration
}

// runCLI runs `mfabot args…` with env; stderr goes to logPath.
func runCLI(ctx context.Context, bin string, env []string, logPath string, args ...string) (cliRun, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return cliRun{}, err
	}
	defer log.Close()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &out, log
	start := time.Now()
	err = cmd.Run()
	run := cliRun{out: out.Bytes(), wall: time.Since(start), cpu: cpuOf(cmd.ProcessState)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.peakRSS = ru.Maxrss << 10
	}
	if err != nil {
		return run, fmt.Errorf("mfabot %s: %v; stdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, proc.TailBytes(out.Bytes(), 20), proc.Tail(logPath, 20))
	}
	return run, nil
}
