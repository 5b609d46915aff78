package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mfabot/mfabot/bench/internal/proc"
)

// bench holds what every target's run shares.
type bench struct {
	opts  options
	dir   string
	ch    *channel
	token string
	tmpls []activityTemplate
}

// result is one target's measurements.
type result struct {
	Target   string        `json:"target"`
	Variant  string        `json:"variant,omitempty"` // the what-ifs of an experiment
	Error    string        `json:"error,omitempty"`
	Requests int64         `json:"requests"`
	OK       int64         `json:"ok"`
	Failures int64         `json:"failures"`
	Statuses map[int]int64 `json:"statuses,omitempty"`
	Replies  int64         `json:"replies"` // activities the target posted to the connector
	// ConnectorConns is how many TCP connections the target opened to the
	// channel while posting its replies (1 per reply: no keep-alive).
	ConnectorConns int64         `json:"connector_conns"`
	RPS            float64       `json:"rps"`
	P50            time.Duration `json:"p50_ns"`
	P99            time.Duration `json:"p99_ns"`
	Max            time.Duration `json:"max_ns"`
	PeakRSS        int64         `json:"peak_rss_bytes"`
	CPUPerReq      time.Duration `json:"cpu_per_request_ns"` // the target's user+system CPU
	// LoadCPUPerReq is the benchmark's own CPU per request: the client and
	// the channel (connector, tokens), which share the machine's cores.
	LoadCPUPerReq time.Duration `json:"load_cpu_per_request_ns"`
	Elapsed       time.Duration `json:"elapsed_ns"`
	Concurrent    int           `json:"concurrency"`
}

// expectsReplies reports whether the target answers through the connector.
func expectsReplies(name string) bool { return name != "bare" }

// measure starts the target, checks it answers a signed activity, warms it
// up, loads it and stops it.
func (b *bench) measure(ctx context.Context, name string) result {
	r := result{Target: name, Concurrent: b.opts.concurrency}
	if name == "mfabot" {
		r.Variant = b.opts.whatIf
	}
	t, err := b.start(ctx, name)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer t.stop()
	client := newClient(b.opts.concurrency)
	defer client.CloseIdleConnections()

	if err := b.check(ctx, client, t); err != nil {
		r.Error = err.Error()
		return r
	}
	phase := func(prefix string, d time.Duration, maxN int64) loadResult {
		return runLoad(ctx, client, loadConfig{
			URL: t.url, Token: b.token, Concurrency: b.opts.concurrency, Duration: d,
			MaxRequests: maxN, IDPrefix: name + "-" + prefix + "-", Templates: b.tmpls,
		})
	}
	if b.opts.warmup > 0 {
		w := phase("warm", b.opts.warmup, 0)
		if w.OK == 0 {
			r.Error = "warm-up: no request answered 200: " + w.FirstErr
			return r
		}
	}
	cpu0, err := t.cpuTime()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	replies0, conns0 := b.ch.replies.Load(), b.ch.conns.Load()
	self0, err := selfCPU()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	lr := phase("run", b.opts.duration, b.opts.maxRequests)
	self1, selfErr := selfCPU()
	cpu1, cpuErr := t.cpuTime()
	rss, rssErr := t.peakRSS()
	if err := errors.Join(selfErr, cpuErr, rssErr, t.alive()); err != nil {
		r.Error = err.Error()
		return r
	}
	r.Requests, r.OK, r.Statuses = lr.Requests, lr.OK, lr.Statuses
	r.Failures = lr.Requests - lr.OK
	r.Replies = b.ch.replies.Load() - replies0
	r.ConnectorConns = b.ch.conns.Load() - conns0
	r.RPS, r.Elapsed = lr.RPS(), lr.Elapsed
	r.P50, r.P99 = lr.Percentile(50), lr.Percentile(99)
	if n := len(lr.Latencies); n > 0 {
		r.Max = lr.Latencies[n-1]
	}
	r.PeakRSS = rss
	if lr.Requests > 0 {
		r.CPUPerReq = (cpu1 - cpu0) / time.Duration(lr.Requests)
		r.LoadCPUPerReq = (self1 - self0) / time.Duration(lr.Requests)
	}
	switch {
	case r.Failures > 0:
		r.Error = fmt.Sprintf("%d of %d requests failed (first: %s)", r.Failures, r.Requests, lr.FirstErr)
	case expectsReplies(name) && r.Replies != r.OK:
		r.Error = fmt.Sprintf("%d requests answered 200 but %d replies reached the connector", r.OK, r.Replies)
	}
	return r
}

// check sends one activity and requires a 200 and, for a bot, one reply at
// the connector, so a target that does not work is never benchmarked.
func (b *bench) check(ctx context.Context, client *http.Client, t *target) error {
	before := b.ch.replies.Load()
	body := b.tmpls[0].body(nil, t.name+"-check")
	status, err := post(ctx, client, t.url, b.token, body)
	if err != nil {
		return fmt.Errorf("check request: %w", err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("check request answered HTTP %d; log:\n%s", status, proc.Tail(t.logPath, 10))
	}
	if got := b.ch.replies.Load() - before; expectsReplies(t.name) && got != 1 {
		return fmt.Errorf("check request: %d replies reached the connector, want 1 (refused: %d); log:\n%s",
			got, b.ch.badReplies.Load(), proc.Tail(t.logPath, 10))
	}
	return nil
}

// start launches the named target on a free loopback port.
func (b *bench) start(ctx context.Context, name string) (*target, error) {
	port, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(b.dir, name+".log")
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// Every target trusts the channel's TLS certificate: the token
	// endpoint and, unless -plain-http, the connector are https.
	cert := filepath.Join(b.dir, "channel-ca.pem")
	if err := b.ch.writeCert(cert); err != nil {
		return nil, err
	}
	switch name {
	case "mfabot":
		db := b.opts.db
		if db == "" {
			db = filepath.Join(b.dir, "mfabot.db")
		}
		env := []string{
			"PORT=" + strconv.Itoa(port),
			"MFABOT_BIND_ADDRESS=127.0.0.1",
			"MFABOT_DATABASE=" + db,
			"MicrosoftAppId=" + appID,
			"MicrosoftAppPassword=" + appSecret,
			"MicrosoftAppTenantId=" + tenantID,
			"MicrosoftAppType=SingleTenant",
			"ToBotFromChannelOpenIdMetadataUrl=" + b.ch.metadataURL(),
			"ToChannelFromBotLoginUrl=" + b.ch.tlsLoginURL(),
			"ToChannelFromBotOAuthScope=https://api.botframework.com/.default",
			"MFABOT_HELPDESK_GROUP_ID=11111111-0000-4000-8000-000000000001",
			"MFABOT_APPROVER_GROUP_ID=22222222-0000-4000-8000-000000000002",
			"AZURE_TENANT_ID=" + tenantID,
			"AZURE_CLIENT_ID=" + appID,
			"AZURE_CLIENT_SECRET=" + appSecret,
			// help never calls Graph; nothing listens here.
			"MFABOT_GRAPH_URL=http://127.0.0.1:9",
			// Trust the channel's TLS token endpoint (azidentity needs https).
			"SSL_CERT_FILE=" + cert,
		}
		cmd, err := b.mfabotCommand(ctx, self)
		if err != nil {
			return nil, err
		}
		return startTarget(ctx, name, port, cmd, env, logPath)
	case "node":
		modules, err := filepath.Abs(b.opts.nodeModules)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(modules, "botbuilder")); err != nil {
			return nil, fmt.Errorf("botbuilder not installed in %s (run ./scripts/setup.sh): %w", modules, err)
		}
		env := []string{
			"PORT=" + strconv.Itoa(port),
			"NODE_PATH=" + modules,
			"NODE_ENV=production",
			"MicrosoftAppId=" + appID,
			"MicrosoftAppPassword=" + appSecret,
			"MicrosoftAppTenantId=" + tenantID,
			"MicrosoftAppType=SingleTenant",
			"ToBotFromChannelOpenIdMetadataUrl=" + b.ch.metadataURL(),
			"BENCH_TOKEN_URL=" + b.ch.plainTokenURL(),
			"NODE_EXTRA_CA_CERTS=" + cert,
		}
		return startTarget(ctx, name, port, exec.CommandContext(ctx, b.opts.node, b.opts.nodeBot), env, logPath)
	case "bare":
		cmd := exec.CommandContext(ctx, self, "-role", roleBare, "-addr", "127.0.0.1:"+strconv.Itoa(port))
		return startTarget(ctx, name, port, cmd, nil, logPath)
	case "bare-reply":
		cmd := exec.CommandContext(ctx, self, "-role", roleBareReply, "-addr", "127.0.0.1:"+strconv.Itoa(port))
		return startTarget(ctx, name, port, cmd, []string{"BENCH_CONNECTOR_TOKEN=" + b.ch.outToken, "SSL_CERT_FILE=" + cert}, logPath)
	}
	return nil, fmt.Errorf("unknown target %q (want mfabot, node, bare or bare-reply)", name)
}

// mfabotCommand is `mfabot serve`; with -profile, the same code inside this
// binary under the CPU profiler; with -whatif, the what-if experiment.
func (b *bench) mfabotCommand(ctx context.Context, self string) (*exec.Cmd, error) {
	var prof []string
	if b.opts.profileDir != "" {
		if err := os.MkdirAll(b.opts.profileDir, 0o755); err != nil {
			return nil, err
		}
		p, err := filepath.Abs(filepath.Join(b.opts.profileDir, "mfabot.cpu.pprof"))
		if err != nil {
			return nil, err
		}
		prof = []string{"-cpuprofile", p}
	}
	switch {
	case b.opts.whatIf != "":
		w := b.opts.whatIf
		if w == "none" {
			w = ""
		}
		return exec.CommandContext(ctx, self, append([]string{"-role", roleWhatIf, "-whatifs", w}, prof...)...), nil
	case prof != nil:
		return exec.CommandContext(ctx, self, append([]string{"-role", roleMfabotProfile}, prof...)...), nil
	}
	return exec.CommandContext(ctx, b.opts.mfabot, "serve"), nil
}
