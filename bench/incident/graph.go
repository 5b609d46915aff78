package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"

	"github.com/mfabot/mfabot/bench/internal/proc"
)

// The fake Graph runs in a process of its own (this binary with -role
// graph), so its CPU is not the benchmark's nor mfabot's: it holds the
// demo tenant plus -users users of three methods each in the group
// graphfake.IncidentGroupID, answers every call after -latency, and
// throttles writes to -rate per second (a token bucket of a tenth of a
// second's writes, answering 429 with Retry-After beyond it). It prints
// "graph URL" once it listens and ends when its standard input closes.

// quotaFor is the fake's write quota for rate writes per second: a token
// bucket of one second's writes, refilled evenly. Graph's holds 150
// seconds' (3,000 writes, refilled at 20 a second); one of a tenth of a
// second answered 429 to the bursts the throttle allows — up to half a
// second's slots at once, when a replica's workers come late for the slots
// it reserved.
func quotaFor(rate int) *graphfake.WriteQuota {
	return &graphfake.WriteQuota{Limit: rate, Window: time.Second}
}

// runGraphRole is the fake Graph process. It serves HTTPS with HTTP/2, as
// Graph does: over plain HTTP/1.1 each concurrent call needs a connection
// of its own and Go keeps two idle per host, so mfabot would spend its
// time dialling, which it does not against Graph. Its certificate goes to
// certPath (PEM).
func runGraphRole(users int, latency time.Duration, rate int, certPath string) error {
	fake := graphfake.NewUnstarted(graphfake.Options{Tenant: graphfake.IncidentTenant(users), Latency: latency,
		WriteQuota: quotaFor(rate), MaxRequests: -1})
	srv := httptest.NewUnstartedServer(fake.Handler())
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		return err
	}
	fmt.Printf("graph %s\n", srv.URL)
	// The parent closes our standard input when it is done, or dies.
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// graphProc is the fake Graph's process, seen from the benchmark.
type graphProc struct {
	URL string
	// CertPath is its TLS certificate (PEM); Client trusts it.
	CertPath string
	Client   *http.Client
	cmd      *exec.Cmd
	stdin    io.Closer
}

// startGraph starts the fake Graph process for users users.
func startGraph(ctx context.Context, self, dir string, users int, latency time.Duration, rate int) (*graphProc, error) {
	certPath := filepath.Join(dir, "graph-ca.pem")
	cmd := exec.CommandContext(ctx, self, "-role", "graph", "-users", strconv.Itoa(users),
		"-latency", latency.String(), "-rate", strconv.Itoa(rate), "-graph-cert", certPath)
	log, err := os.Create(filepath.Join(dir, "graph.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "graph ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("the fake Graph did not start (%q, %v); its log:\n%s", line, err, proc.Tail(log.Name(), 20))
	}
	pemBytes, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true}}
	return &graphProc{URL: url, CertPath: certPath, Client: client, cmd: cmd, stdin: in}, nil
}

// stop ends the fake Graph.
func (g *graphProc) stop() {
	_ = g.stdin.Close()
	done := make(chan struct{})
	go func() { _ = g.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = g.cmd.Process.Kill()
		<-done
	}
}

// stats reads the fake's counters.
func (g *graphProc) stats(ctx context.Context) (graphfake.Stats, error) {
	var st graphfake.Stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.URL+graphfake.StatsPath, nil)
	if err != nil {
		return st, err
	}
	resp, err := g.Client.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("fake stats: %s", resp.Status)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// minus is the counters' growth since before.
func minus(a, before graphfake.Stats) graphfake.Stats {
	return graphfake.Stats{Requests: a.Requests - before.Requests, Writes: a.Writes - before.Writes, Charged: a.Charged - before.Charged,
		Throttled: a.Throttled - before.Throttled, MethodsDeleted: a.MethodsDeleted - before.MethodsDeleted,
		RepeatDeletes: a.RepeatDeletes - before.RepeatDeletes}
}
