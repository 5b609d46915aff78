// Command load is the load benchmark of mfabot's message path against the
// official Bot Framework SDK for JavaScript and a bare gin handler.
//
// It plays the Bot Connector on loopback: OpenID metadata and keys, a token
// endpoint and connector endpoints that count the replies. It signs one
// channel token, reused for every request as the Bot Connector does, and
// sends `help` messages to each target in turn: `mfabot serve`, an echo bot
// on npm botbuilder's CloudAdapter (nodebot/index.js), and a gin handler
// that only reads the body (the ceiling). It prints requests per second,
// p50/p99 latency, peak RSS and CPU per request of each, and the ratios.
//
//	go build -o bin/mfabot ./cmd/mfabot && go run ./bench/load
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// The bot's identity in the run; any GUIDs do.
const (
	appID    = "b0770000-0000-4000-8000-00000000b0b0"
	tenantID = "7e4a0000-0000-4000-8000-00000000b0b0"
	// appSecret is the client secret the local token endpoint expects; it
	// is not a real secret.
	appSecret = "bench-secret"
)

type options struct {
	mfabot      string
	node        string
	nodeBot     string
	nodeModules string
	targets     string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int64
	jsonPath    string
	profileDir  string
	keep        bool
	db          string
	whatIf      string
	soak        string
	users       int
	senders     int
	conns       int
	sample      time.Duration
	plainHTTP   bool
	loadProfile string
}

func main() {
	var o options
	flag.StringVar(&o.mfabot, "mfabot", "bin/mfabot", "the mfabot binary (go build -o bin/mfabot ./cmd/mfabot)")
	flag.StringVar(&o.node, "node", "node", "the node executable")
	flag.StringVar(&o.nodeBot, "nodebot", "bench/load/nodebot/index.js", "the Node SDK echo bot")
	flag.StringVar(&o.nodeModules, "node-modules", "tools/node/node_modules", "node_modules with botbuilder 4.23 (NODE_PATH)")
	flag.StringVar(&o.targets, "targets", "mfabot,node,bare", "targets to run, in order (also: bare-reply, a gin handler that decodes and replies through the connector)")
	flag.IntVar(&o.concurrency, "c", 32, "concurrent requests")
	flag.IntVar(&o.senders, "senders", 100, "distinct users the messages come from, taking turns")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "measured duration per target")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "warm-up per target, not measured")
	flag.Int64Var(&o.maxRequests, "n", 1_000_000, "at most this many measured requests per target")
	flag.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	flag.StringVar(&o.profileDir, "profile", "", "run mfabot in this benchmark's process image with the CPU profiler, writing DIR/mfabot.cpu.pprof")
	flag.StringVar(&o.db, "db", "", "mfabot's SQLite database (default: a new file in the temporary directory)")
	flag.StringVar(&o.whatIf, "whatif", "", "experiment: run mfabot's wiring inside this binary with costs removed: "+
		"none, or a list of "+whatIfOnceMem+", "+whatIfUsersMem+", "+whatIfAuthCache)
	flag.StringVar(&o.soak, "soak", "", "soak mfabot for -d and print its RSS over time: "+soakUsers+" (signed messages from -users distinct users), "+
		soakSlowBody+" (-conns connections sending a large body slowly without a token) or "+soakSlowBodySigned+" (the same with a valid token)")
	flag.IntVar(&o.users, "users", 50_000, "distinct users of the users soak")
	flag.IntVar(&o.conns, "conns", 300, "connections of the slow-body soaks")
	flag.DurationVar(&o.sample, "sample", 30*time.Second, "RSS sampling interval of a soak")
	flag.BoolVar(&o.plainHTTP, "plain-http", false, "serve the connector (serviceUrl) over plain HTTP instead of HTTPS, to show what TLS costs")
	flag.StringVar(&o.loadProfile, "load-profile", "", "write a CPU profile of this benchmark's own process (client and channel) to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (targets' logs, database)")
	role := flag.String("role", "", "internal: run as a target ("+roleBare+", "+roleMfabotProfile+", "+roleWhatIf+")")
	addr := flag.String("addr", "", "internal: listen address of the bare role")
	cpuProfile := flag.String("cpuprofile", "", "internal: CPU profile file of the profiled role")
	whatIfs := flag.String("whatifs", "", "internal: what-ifs of the what-if role")
	flag.Parse()

	if *role != "" {
		if err := runRole(*role, *addr, *cpuProfile, *whatIfs); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.loadProfile != "" {
		f, err := os.Create(o.loadProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
	}
	err := run(ctx, o)
	if o.loadProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// run benchmarks every target and reports; a target that fails is
// reported as failed, and the run then exits non-zero.
func run(ctx context.Context, o options) error {
	if o.concurrency < 1 || o.duration <= 0 {
		return fmt.Errorf("want -c ≥ 1 and -d > 0")
	}
	dir, err := os.MkdirTemp("", "mfabot-load-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "load: logs and database in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	ch, err := newChannel(appID, tenantID, !o.plainHTTP)
	if err != nil {
		return err
	}
	defer ch.close()
	token, err := ch.sign(time.Hour + 2*o.duration)
	if err != nil {
		return fmt.Errorf("sign token: %w", err)
	}
	tmpls := make([]activityTemplate, max(o.senders, 1))
	for i := range tmpls {
		if tmpls[i], err = newActivityTemplate(ch.serviceURL(), appID, tenantID, i+1); err != nil {
			return err
		}
	}
	b := &bench{opts: o, dir: dir, ch: ch, token: token, tmpls: tmpls}
	if o.soak != "" {
		return runSoak(ctx, o, b)
	}
	var results []result
	failed := false
	for name := range strings.SplitSeq(o.targets, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		fmt.Fprintf(os.Stderr, "load: %s: starting\n", name)
		r := b.measure(ctx, name)
		if r.Error != "" {
			failed = true
			fmt.Fprintf(os.Stderr, "load: %s: FAILED: %s\n", name, r.Error)
		} else {
			fmt.Fprintf(os.Stderr, "load: %s: %.0f req/s\n", name, r.RPS)
		}
		results = append(results, r)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	rep := newReport(o, results)
	rep.print(os.Stdout)
	if o.jsonPath != "" {
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonPath, append(js, '\n'), 0o644); err != nil {
			return err
		}
	}
	if o.profileDir != "" {
		fmt.Fprintf(os.Stderr, "load: CPU profile of mfabot: go tool pprof -top %s\n", filepath.Join(o.profileDir, "mfabot.cpu.pprof"))
	}
	if failed {
		return fmt.Errorf("a target failed; see above")
	}
	return nil
}
