package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of the benchmark (issue: more than 5× the Node SDK's throughput,
// within 2× of the bare handler, at lower p99 than the Node SDK).
const (
	targetOverNode = 5.0
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
	}
	if okM && okB {
		rep.Ratios.BareOverMfabot = div(b.RPS, m.RPS)
		rep.Ratios.P99MfabotOverBare = div(float64(m.P99), float64(b.P99))
	}
	rep.Ratios.MeetsTarget = okM && okN && okB &&
		rep.Ratios.MfabotOverNode > targetOverNode && rep.Ratios.BareOverMfabot <= targetUnderBar && m.P99 < n.P99
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
		fmt.Fprintf(w, "throughput mfabot / node:  %.2f×  (target > %.0f×)\n", x.MfabotOverNode, targetOverNode)
		fmt.Fprintf(w, "p99        mfabot / node:  %.2f×  (target < 1)\n", x.P99MfabotOverNode)
	}
	if x.BareOverMfabot > 0 {
		fmt.Fprintf(w, "throughput bare / mfabot:  %.2f×  (target ≤ %.0f×)\n", x.BareOverMfabot, targetUnderBar)
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
