// Package demo runs mfabot on loopback against a simulated tenant (the fake
// Microsoft Graph of internal/graphfake), with two Agents Playground
// instances as the Teams client. Only binaries built with the "demo" build
// tag link it (cmd/mfabot/demo.go registers it with internal/app): the
// production binary holds production code only.
package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Demo identities: the bot's app id and the simulated tenant's id.
const (
	DemoAppID    = "00000000-0000-4000-8000-0000000000b0"
	DemoTenantID = "00000000-0000-4000-8000-0000000000c0"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	port          int
	graphPort     int
	db            string
	noPlayground  bool
	agentPort     int
	approverPort  int
	approver2Port int
	// The simulated Graph: its latency per call, its write quota
	// ("3000/2m30s", "off") and the size of its phished group.
	graphLatency time.Duration
	writeQuota   string
	phished      int
}

// UsageError is a mistake in the demo's command line.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }

// UsageMistake marks the error as a mistake in the command line.
func (e *UsageError) UsageMistake() {}

// ServeFunc wires the service over dir and serves the bot on ln until ctx
// ends, handing the bot to ready once it accepts requests: internal/wiring's
// ServeLocal, the same wiring as serve.
type ServeFunc func(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer,
	ln net.Listener, v *botframework.Validator, sender bot.Sender, ready chan<- *bot.Bot) error

// Run parses the demo's flags and runs it until ctx ends.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, serve ServeFunc) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o demoOptions
	fs.IntVar(&o.port, "port", envInt("PORT", 3978), "the bot's port on 127.0.0.1")
	fs.IntVar(&o.graphPort, "graph-port", 0, "the simulated Graph's port on 127.0.0.1 (0: any free port)")
	fs.StringVar(&o.db, "db", os.Getenv("MFABOT_DATABASE"), "the SQLite file (default: a new file in a temporary folder)")
	fs.BoolVar(&o.noPlayground, "no-playground", false, "do not start Agents Playground")
	fs.IntVar(&o.agentPort, "agent-port", envInt("MFABOT_DEMO_AGENT_PORT", 56150), "Agents Playground port for the helpdesk agent")
	fs.IntVar(&o.approverPort, "approver-port", envInt("MFABOT_DEMO_APPROVER_PORT", 56160), "Agents Playground port for the approver")
	fs.IntVar(&o.approver2Port, "approver2-port", envInt("MFABOT_DEMO_APPROVER2_PORT", 56170), "Agents Playground port for the second approver")
	fs.DurationVar(&o.graphLatency, "graph-latency", 0, "latency the simulated Graph adds to every call")
	fs.StringVar(&o.writeQuota, "graph-write-quota", "3000/2m30s", "the simulated Graph's write quota, N/DURATION, or off")
	fs.IntVar(&o.phished, "phished-users", graphfake.DemoPhishedUsers, "users in the simulated tenant's phished group")
	if err := fs.Parse(args); err != nil {
		return &UsageError{err}
	}
	if _, err := parseQuota(o.writeQuota); err != nil {
		return &UsageError{err}
	}
	if o.phished < 0 || o.graphLatency < 0 {
		return &UsageError{errors.New("--phished-users and --graph-latency cannot be negative")}
	}
	return demo(ctx, o, stdout, stderr, serve)
}

// parseQuota reads "N/DURATION" (3000/2m30s) or "off" (nil).
func parseQuota(v string) (*graphfake.WriteQuota, error) {
	if v == "off" {
		return nil, nil
	}
	n, d, ok := strings.Cut(v, "/")
	limit, err := strconv.Atoi(n)
	window, derr := time.ParseDuration(d)
	if !ok || err != nil || derr != nil || limit < 1 || window <= 0 {
		return nil, fmt.Errorf("--graph-write-quota %q: want N/DURATION (3000/2m30s) or off", v)
	}
	return &graphfake.WriteQuota{Limit: limit, Window: window}, nil
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// Config is the embedded configuration of the demo: the simulated
// tenant's groups, every control at its default.
func Config(db string) config.Config {
	cfg, _ := config.Load(func(string) (string, bool) { return "", false })
	cfg.Database = db
	cfg.LogFormat, cfg.LogLevel = "text", "info"
	cfg.Bot.AppID, cfg.Bot.AppTenantID = DemoAppID, DemoTenantID
	cfg.Policy.HelpdeskGroupID = graphfake.DemoHelpdeskGroupID
	cfg.Policy.ApproverGroupID = graphfake.DemoApproverGroupID
	cfg.Policy.ProtectedGroupID = graphfake.DemoProtectedGroupID
	cfg.Policy.IncidentGroupID = graphfake.DemoIncidentGroupID
	cfg.BotName = "mfabot"
	return cfg
}

// demo runs the bot on loopback, without authentication, against the
// simulated tenant, with Agents Playground as the Teams client.
func demo(ctx context.Context, o demoOptions, stdout, stderr io.Writer, serve ServeFunc) error {
	keep := "the database is kept"
	if o.db == "" {
		tmp, err := os.MkdirTemp("", "mfabot-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.db = filepath.Join(tmp, "mfabot.db")
		keep = "the temporary database is deleted (--db FILE keeps one)"
	}
	cfg := Config(o.db)
	log := slog.New(slog.NewTextHandler(stderr, nil)) // text, at info

	quota, _ := parseQuota(o.writeQuota) // checked by Run
	// The request log keeps the last thousand calls: a long run's memory
	// does not grow with it.
	fake := graphfake.NewUnstarted(graphfake.Options{Tenant: graphfake.DemoTenantPhished(o.phished), Latency: o.graphLatency,
		WriteQuota: quota, MaxRequests: 1000})
	gln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.graphPort)))
	if err != nil {
		return fmt.Errorf("simulated Graph: %w", err)
	}
	gsrv := &http.Server{Handler: fake.Handler()}
	go gsrv.Serve(gln)
	defer gsrv.Close()
	graphURL := "http://" + gln.Addr().String()
	dir, err := graph.NewAnonymous(graphURL)
	if err != nil {
		return err
	}
	// Loopback only: authentication is off in the demo and nowhere else.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port)))
	if err != nil {
		return fmt.Errorf("listen on 127.0.0.1:%d: %w (is another bot running? use --port)", o.port, err)
	}
	connector := botframework.NewConnector(botframework.ConnectorConfig{Tokens: botframework.StaticTokenSource("demo"), Logger: log})
	ready := make(chan *bot.Bot, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, cfg, log, dir, dir, ln, botframework.Disabled(), connector, ready)
	}()
	var b *bot.Bot
	select {
	case b = <-ready:
	case err := <-errc:
		return err
	}
	endpoint := "http://" + ln.Addr().String() + "/api/messages"
	fmt.Fprintf(stdout, "mfabot demo\n  bot:             %s (authentication off, loopback only)\n  simulated Graph: %s (its counters: %s)\n  database:        %s\n",
		endpoint, graphURL, graphURL+graphfake.StatsPath, o.db)
	if !o.noPlayground {
		stop, err := startPlaygrounds(ctx, b, endpoint, o, stdout, stderr)
		if err != nil {
			fmt.Fprintf(stdout, "\nAgents Playground could not start: %v\nThe bot keeps running; point any Bot Framework client at %s.\n", err, endpoint)
		} else {
			defer stop()
		}
	}
	fmt.Fprintf(stdout, "\nmfabot demo is ready. While it runs, check the audit chain from another terminal:\n  MFABOT_DATABASE=%s %s audit verify\nCtrl+C stops the demo; %s.\n", o.db, selfCommand(), keep)
	return <-errc
}

// selfCommand is how to run this binary again, as typed: `go run -tags
// demo ./cmd/mfabot` when it was started by go run (its binary is in a
// temporary build folder), else the path it was started with.
func selfCommand() string {
	arg0 := os.Args[0]
	switch {
	case strings.Contains(arg0, string(filepath.Separator)+"go-build"):
		return "go run -tags demo ./cmd/mfabot"
	case !strings.ContainsRune(arg0, filepath.Separator):
		return arg0 // found on PATH
	case filepath.IsAbs(arg0):
		return arg0
	}
	return "./" + filepath.Clean(arg0)
}
