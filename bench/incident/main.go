// Command incident is the benchmark of incident mode: an incident reset of
// many users through real `mfabot serve` processes against the fake Graph
// with a write quota and a latency per call.
//
// For each run it starts the fake Graph in a process of its own (the demo
// tenant plus -users users of three methods each in one group), a local
// token endpoint, and the store (SQLite, or a fresh PostgreSQL database);
// plans the reset with `mfabot reset --group` (a process); starts the
// `mfabot serve` replicas; approves as two approvers in this process,
// through the same service on the same store; and measures, from the
// second approval to the batch's completion as the store recorded them,
// the wall time against the bound the quota sets (the writes the reset
// needed ÷ the quota's rate). Then it stops the replicas with SIGTERM,
// exports the batch with `mfabot audit export --batch … --format csv` (a
// process) and checks that every planned user is there once, in a final
// state, and that the fake deleted no method twice.
//
// Scenarios: single (one replica, SQLite), replicas (-replicas on one
// PostgreSQL, the first SIGKILLed once -kill-at of the users are
// finished) and memory (one replica at -small users, beside single's
// -users, comparing peak RSS).
//
//	go build -o bin/mfabot ./cmd/mfabot && scripts/with-postgres.sh go run ./bench/incident
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mfabot/mfabot/bench/internal/proc"
)

type options struct {
	mfabot    string
	scenarios string
	users     int
	small     int
	rate      int
	latency   time.Duration
	workers   int
	replicas  int
	killAt    float64
	postgres  string
	jsonPath  string
	keep      bool
	logLevel  string
	role      string
	profile   string
	graphCert string
}

func main() {
	var o options
	flag.StringVar(&o.mfabot, "mfabot", "bin/mfabot", "the mfabot binary (go build -o bin/mfabot ./cmd/mfabot)")
	flag.StringVar(&o.scenarios, "scenarios", "single,replicas,memory", "what to run, in order: single, replicas, memory")
	flag.IntVar(&o.users, "users", 10000, "users in the group to reset (three methods each)")
	flag.IntVar(&o.small, "small", 1000, "users of the memory scenario's small run")
	flag.IntVar(&o.rate, "rate", 500, "the fake's write quota and MFABOT_INCIDENT_WRITE_RATE, writes per second")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "the fake's latency on every call")
	flag.IntVar(&o.workers, "workers", 64, "MFABOT_INCIDENT_WORKERS: users each replica resets at once")
	flag.IntVar(&o.replicas, "replicas", 3, "replicas of the replicas scenario")
	flag.Float64Var(&o.killAt, "kill-at", 0.4, "share of the users finished when the replicas scenario SIGKILLs one replica")
	flag.StringVar(&o.postgres, "postgres", os.Getenv("MFABOT_TEST_POSTGRES_URL"), "PostgreSQL cluster URL for the replicas scenario (a database is created per run)")
	flag.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (logs, database) and the PostgreSQL database")
	flag.StringVar(&o.logLevel, "log-level", "info", "MFABOT_LOG_LEVEL of the mfabot processes (their logs are in the temporary directory)")
	flag.StringVar(&o.profile, "profile", "", "run the replicas as `mfabot serve` inside this binary, writing CPU and heap profiles and the Go heap's size to DIR")
	flag.StringVar(&o.graphCert, "graph-cert", "", "internal: where the fake Graph process writes its certificate")
	flag.StringVar(&o.role, "role", "", "internal: graph runs the fake Graph process, serve mfabot serve with -profile")
	flag.Parse()
	if o.role == "graph" {
		if err := runGraphRole(o.users, o.latency, o.rate, o.graphCert); err != nil {
			fmt.Fprintln(os.Stderr, "graph:", err)
			os.Exit(1)
		}
		return
	}
	if o.role == "serve" {
		os.Exit(runServeRole(o.profile))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/incident:", err)
		os.Exit(1)
	}
}

func bench(ctx context.Context, o options) error {
	if _, err := os.Stat(o.mfabot); err != nil {
		return fmt.Errorf("%w: build it first (go build -o bin/mfabot ./cmd/mfabot, or make bench-incident)", err)
	}
	fmt.Printf("bench/incident: %d users × 3 methods, quota %d writes/s (MFABOT_INCIDENT_WRITE_RATE=%d), %s per Graph call, %d workers per replica; %d CPUs (GOMAXPROCS %d), load %s\n",
		o.users, o.rate, o.rate, o.latency, o.workers, runtime.NumCPU(), runtime.GOMAXPROCS(0), proc.LoadAvg())
	var results []*result
	for _, name := range strings.Split(o.scenarios, ",") {
		var sps []spec
		switch strings.TrimSpace(name) {
		case "single":
			sps = []spec{{name: "single", users: o.users, replicas: 1}}
		case "replicas":
			sps = []spec{{name: "replicas", users: o.users, replicas: o.replicas, postgres: true, killAt: o.killAt}}
		case "memory":
			sps = []spec{{name: "memory-small", users: o.small, replicas: 1}}
			if !strings.Contains(o.scenarios, "single") {
				sps = append(sps, spec{name: "memory-large", users: o.users, replicas: 1})
			}
		default:
			return fmt.Errorf("unknown scenario %q: single, replicas or memory", name)
		}
		for _, sp := range sps {
			fmt.Printf("\n== %s: %d users, %d replica(s)…\n", sp.name, sp.users, sp.replicas)
			res, err := run(ctx, o, sp)
			if err != nil {
				return fmt.Errorf("%s: %w", sp.name, err)
			}
			printResult(res)
			results = append(results, res)
		}
	}
	fmt.Println()
	printTable(results)
	if o.jsonPath != "" {
		b, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonPath, b, 0o644); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.Lost > 0 || r.Doubles > 0 || r.RepeatDeletes > 0 || len(r.Problems) > 0 {
			return fmt.Errorf("%s: %d lost, %d exported twice, %d repeat deletes, problems: %s", r.Name, r.Lost, r.Doubles, r.RepeatDeletes, strings.Join(r.Problems, "; "))
		}
	}
	return nil
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func printResult(r *result) {
	fmt.Printf("batch %s (%s, %d replica(s)): planned %d listed, %d to reset, %d skipped in %s (CLI peak RSS %s)\n",
		r.Batch, r.Store, r.Replicas, r.Listed, r.ToReset, r.PlanSkipped, r.PlanWall.Round(100*time.Millisecond), mib(r.PlanPeakRSS))
	fmt.Printf("  wall %s (approval → completed); writes needed %d (methods deleted %d + sessions revoked %d) → bound %s at %d/s: %.3f×\n",
		r.Wall.Round(10*time.Millisecond), r.Writes, r.MethodsDeleted, r.Revoked, r.Bound.Round(10*time.Millisecond), r.Rate, r.Ratio)
	fmt.Printf("  writes the quota charged %d → %s: %.3f×; 429s %d; repeat deletes %d; Graph calls %d (%.1f a user)\n",
		r.Charged, r.ChargedBound.Round(10*time.Millisecond), r.ChargedRatio, r.Throttled, r.RepeatDeletes, r.Requests, float64(r.Requests)/float64(max(r.ToReset, 1)))
	fmt.Printf("  export: %d users (done %d, partial %d, failed %d, skipped %d); lost %d; exported twice %d\n",
		r.Exported, r.Done, r.Partial, r.Failed, r.Skipped, r.Lost, r.Doubles)
	var rss, cpu []string
	for i := range r.ServePeakRSS {
		rss = append(rss, mib(r.ServePeakRSS[i]))
		cpu = append(cpu, r.ServeCPU[i].String())
	}
	fmt.Printf("  serve peak RSS %s; CPU %s; stopped (SIGTERM) in %v\n", strings.Join(rss, ", "), strings.Join(cpu, ", "), r.StopTimes)
	if r.Killed != "" {
		fmt.Printf("  %s SIGKILLed %s after the approval\n", r.Killed, r.KilledAt)
	}
	var tl []string
	for _, p := range r.Timeline {
		tl = append(tl, fmt.Sprintf("%s:%d/%d", p.At, p.Finished, p.Throttled))
	}
	fmt.Printf("  progress (time:users finished/429s so far): %s\n", strings.Join(tl, " "))
	fmt.Printf("  load average before %s, after %s\n", r.LoadBefore, r.LoadAfter)
	for _, p := range r.Problems {
		fmt.Printf("  PROBLEM: %s\n", p)
	}
}

// printTable is the results as the Markdown table of bench/README.md.
func printTable(rs []*result) {
	fmt.Println("| run | users | replicas | store | wall | bound (needed writes) | wall/bound | bound (charged writes) | wall/charged | 429s | lost | repeat deletes | serve peak RSS |")
	fmt.Println("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rs {
		var rss []string
		for _, v := range r.ServePeakRSS {
			rss = append(rss, mib(v))
		}
		fmt.Printf("| %s | %d | %d | %s | %.1f s | %.1f s | %.3f× | %.1f s | %.3f× | %d | %d | %d | %s |\n",
			r.Name, r.ToReset, r.Replicas, r.Store, r.Wall.Seconds(), r.Bound.Seconds(), r.Ratio, r.ChargedBound.Seconds(), r.ChargedRatio,
			r.Throttled, r.Lost, r.RepeatDeletes, strings.Join(rss, ", "))
	}
}
