package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of the benchmark, against the Node SDK's echo bot in the same
// run: at least 10× its requests per second, at most a tenth of its CPU
// per request, a fifth of its p99 and a quarter of its peak RSS. The bare
// handler (within 2× of it was an earlier target) is shown for reference.
const (
	targetOverNode = 10.0
	targetCPU      = 0.1
	targetP99      = 0.2
	targetRSS      = 0.25
	targetUnderBar = 2.0
)

// report is the printed and JSON form of a run.
type report struct {
	Date        string   `json:"date"`
	CPUs        int      `json:"cpus"`
	GoVersion   string   `json:"go"`
	Concurrency int      `json:"concurrency"`
	Duration    string   `json:"duration"`
	Results     []result `json:"results"`
	Ratios      ratios   `json:"ratios"`
}

// ratios compare mfabot with the others; zero when a side is missing.
type ratios struct {
	MfabotOverNode    float64 `json:"mfabot_over_node_rps"`
	BareOverMfabot    float64 `json:"bare_over_mfabot_rps"`
	P99MfabotOverNode float64 `json:"p99_mfabot_over_node"`
	P99MfabotOverBare float64 `json:"p99_mfabot_over_bare"`
	CPUMfabotOverNode float64 `json:"cpu_per_request_mfabot_over_node"`
	RSSMfabotOverNode float64 `json:"peak_rss_mfabot_over_node"`
	MeetsTarget       bool    `json:"meets_target"`
}

func newReport(o options, rs []result) report {
	rep := report{
		Date: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		Concurrency: o.concurrency, Duration: o.duration.String(), Results: rs,
	}
	by := map[string]result{}
	for _, r := range rs {
		if r.Error == "" {
			by[r.Target] = r
		}
	}
	m, okM := by["mfabot"]
	n, okN := by["node"]
	b, okB := by["bare"]
	if okM && okN {
		rep.Ratios.MfabotOverNode = div(m.RPS, n.RPS)
		rep.Ratios.P99MfabotOverNode = div(float64(m.P99), float64(n.P99))
		rep.Ratios.CPUMfabotOverNode = div(float64(m.CPUPerReq), float64(n.CPUPerReq))
		rep.Ratios.RSSMfabotOverNode = div(float64(m.PeakRSS), float64(n.PeakRSS))
	}
	if okM && okB {
		rep.Ratios.BareOverMfabot = div(b.RPS, m.RPS)
		rep.Ratios.P99MfabotOverBare = div(float64(m.P99), float64(b.P99))
	}
	x := rep.Ratios
	rep.Ratios.MeetsTarget = okM && okN && x.MfabotOverNode >= targetOverNode && x.CPUMfabotOverNode <= targetCPU &&
		x.P99MfabotOverNode <= targetP99 && x.RSSMfabotOverNode <= targetRSS
	return rep
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (rep report) print(w io.Writer) {
	fmt.Fprintf(w, "\n%d concurrent, %s per target, %d CPUs, %s\n\n", rep.Concurrency, rep.Duration, rep.CPUs, rep.GoVersion)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tp50\tp99\tmax\trequests\tfailed\treplies\tconns\tpeak RSS\tCPU/req\tload CPU/req\t")
	for _, r := range rep.Results {
		if r.Error != "" && r.Requests == 0 {
			fmt.Fprintf(tw, "%s\tFAILED\t\t\t\t\t\t\t\t\t\t\t\n", r.Target)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%.1f MiB\t%s\t%s\t\n", r.Target, r.RPS,
			ms(r.P50), ms(r.P99), ms(r.Max), r.Requests, r.Failures, r.Replies, r.ConnectorConns, float64(r.PeakRSS)/(1<<20), us(r.CPUPerReq), us(r.LoadCPUPerReq))
	}
	tw.Flush()
	for _, r := range rep.Results {
		if r.Variant != "" {
			fmt.Fprintf(w, "\nEXPERIMENT: %s is mfabot's wiring inside the benchmark binary with what-ifs %q, not bin/mfabot\n", r.Target, r.Variant)
		}
	}
	for _, r := range rep.Results {
		if r.Error != "" {
			fmt.Fprintf(w, "\n%s FAILED: %s\n", r.Target, firstLines(r.Error, 12))
		}
	}
	x := rep.Ratios
	fmt.Fprintln(w)
	if x.MfabotOverNode > 0 {
		fmt.Fprintf(w, "throughput mfabot / node:  %.2f×  (target ≥ %.0f×)\n", x.MfabotOverNode, targetOverNode)
		fmt.Fprintf(w, "CPU/req    mfabot / node:  %.3f×  (target ≤ %.2f×)\n", x.CPUMfabotOverNode, targetCPU)
		fmt.Fprintf(w, "p99        mfabot / node:  %.2f×  (target ≤ %.2f×)\n", x.P99MfabotOverNode, targetP99)
		fmt.Fprintf(w, "peak RSS   mfabot / node:  %.2f×  (target ≤ %.2f×)\n", x.RSSMfabotOverNode, targetRSS)
	}
	if x.BareOverMfabot > 0 {
		fmt.Fprintf(w, "throughput bare / mfabot:  %.2f×  (earlier target ≤ %.0f×, for reference)\n", x.BareOverMfabot, targetUnderBar)
		fmt.Fprintf(w, "p99        mfabot / bare:  %.2f×\n", x.P99MfabotOverBare)
	}
	verdict := "NOT MET"
	if x.MeetsTarget {
		verdict = "met"
	}
	fmt.Fprintf(w, "target: %s\n", verdict)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}
