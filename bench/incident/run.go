package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/wiring"

	"github.com/mfabot/mfabot/bench/internal/proc"
)

// The bot's and the Graph app's identity in the run; any GUIDs do.
const (
	appID    = "1c1d0000-0000-4000-8000-00000000b0b0"
	tenantID = "7e4a0000-0000-4000-8000-00000000b0b0"
	// appSecret is what the local token endpoint is sent; not a secret.
	appSecret = "bench-secret"
	ticket    = "INC-BENCH"
)

// The people of the run, from the demo tenant: Ines asks (an incident
// responder), Ada and Abe approve.
var (
	requesterUPN = "ines@contoso.com"
	approvers    = []mfa.Actor{
		{ID: graphfake.DemoApproverID, Name: "Ada Approver", UPN: "ada@contoso.com", Via: "teams"},
		{ID: graphfake.DemoApprover2ID, Name: "Abe Approver", UPN: "abe@contoso.com", Via: "teams"},
	}
)

// spec is one run: how many users, how many `mfabot serve` replicas on
// which store, and whether one replica is killed mid-run.
type spec struct {
	name     string
	users    int
	replicas int
	postgres bool
	// killAt, when above 0, SIGKILLs the first replica once this share of
	// the users to reset is finished.
	killAt float64
}

// point is the progress at a moment of the run.
type point struct {
	At       time.Duration `json:"at"`
	Finished int           `json:"finished"`
	// Throttled is how many 429s the fake had answered by then.
	Throttled int64 `json:"throttled"`
}

// result is what one run measured.
type result struct {
	Name     string `json:"name"`
	Users    int    `json:"users"`
	Replicas int    `json:"replicas"`
	Store    string `json:"store"`
	Rate     int    `json:"rate"`
	Workers  int    `json:"workers"`
	Latency  string `json:"latency"`

	Batch       string        `json:"batch"`
	PlanWall    time.Duration `json:"planWall"`
	PlanPeakRSS int64         `json:"planPeakRss"`
	Listed      int           `json:"listed"`
	ToReset     int           `json:"toReset"`
	PlanSkipped int           `json:"planSkipped"`

	// Wall is from the second approval to the batch's completion, as the
	// store recorded both.
	Wall time.Duration `json:"wall"`
	// Writes are the writes the reset needed: methods deleted and
	// sessions revoked; Bound is Writes at the quota's rate.
	Writes int64         `json:"writes"`
	Bound  time.Duration `json:"bound"`
	Ratio  float64       `json:"ratio"`
	// Charged are the writes the quota counted (every DELETE and POST
	// sent, including those Graph refused, such as a default method's
	// first DELETE); ChargedBound is them at the rate.
	Charged      int64         `json:"charged"`
	ChargedBound time.Duration `json:"chargedBound"`
	ChargedRatio float64       `json:"chargedRatio"`
	Throttled    int64         `json:"throttled"`
	// Requests is every Graph call of the run (reads too).
	Requests int64 `json:"requests"`

	RepeatDeletes  int64 `json:"repeatDeletes"`
	MethodsDeleted int64 `json:"methodsDeleted"`
	Exported       int   `json:"exported"`
	Done           int   `json:"done"`
	Partial        int   `json:"partial"`
	Failed         int   `json:"failed"`
	Skipped        int   `json:"skipped"`
	Revoked        int   `json:"revoked"`
	// Lost are planned users missing from the export or not in a final
	// state; Doubles are users exported twice.
	Lost    int `json:"lost"`
	Doubles int `json:"doubles"`

	ServePeakRSS []int64         `json:"servePeakRss"`
	ServeCPU     []time.Duration `json:"serveCpu"`
	StopTimes    []time.Duration `json:"stopTimes"`
	Killed       string          `json:"killed,omitempty"`
	KilledAt     time.Duration   `json:"killedAt,omitempty"`

	LoadBefore string   `json:"loadBefore"`
	LoadAfter  string   `json:"loadAfter"`
	Timeline   []point  `json:"timeline"`
	Problems   []string `json:"problems,omitempty"`
}

var batchIDRe = regexp.MustCompile(`Incident reset:\s+(B-[0-9A-Z]+)`)

// run makes, approves and measures one incident reset.
func run(ctx context.Context, o options, sp spec) (*result, error) {
	res := &result{Name: sp.name, Users: sp.users, Replicas: sp.replicas, Store: "SQLite", Rate: o.rate, Workers: o.workers,
		Latency: o.latency.String(), LoadBefore: proc.LoadAvg()}
	dir, err := os.MkdirTemp("", "mfabot-bench-incident-")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintf(os.Stderr, "keeping %s\n", dir)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	g, err := startGraph(ctx, self, dir, sp.users, o.latency, o.rate)
	if err != nil {
		return nil, err
	}
	defer g.stop()
	login := newLogin()
	defer login.close()
	// One file of both certificates, for SSL_CERT_FILE.
	cert := filepath.Join(dir, "ca.pem")
	if err := login.writeCert(cert); err != nil {
		return nil, err
	}
	if err := appendFile(cert, g.CertPath); err != nil {
		return nil, err
	}
	db := filepath.Join(dir, "mfabot.db")
	if sp.postgres {
		res.Store = "PostgreSQL"
		url, drop, err := freshDatabase(ctx, o.postgres)
		if err != nil {
			return nil, err
		}
		if !o.keep {
			defer drop()
		}
		db = url
	}
	env := []string{
		"MFABOT_BIND_ADDRESS=127.0.0.1", "MFABOT_METRICS_ADDR=off", "MFABOT_DATABASE=" + db,
		"MicrosoftAppId=" + appID, "MicrosoftAppPassword=" + appSecret, "MicrosoftAppTenantId=" + tenantID, "MicrosoftAppType=SingleTenant",
		"ToBotFromChannelOpenIdMetadataUrl=" + login.metadataURL(), "ToChannelFromBotLoginUrl=" + login.loginURL(),
		"AZURE_TENANT_ID=" + tenantID, "AZURE_CLIENT_ID=" + appID, "AZURE_CLIENT_SECRET=" + appSecret,
		"AZURE_AUTHORITY_HOST=" + login.authority(), "MFABOT_GRAPH_URL=" + g.URL, "SSL_CERT_FILE=" + cert,
		"MFABOT_HELPDESK_GROUP_ID=" + graphfake.DemoHelpdeskGroupID, "MFABOT_APPROVER_GROUP_ID=" + graphfake.DemoApproverGroupID,
		"MFABOT_PROTECTED_GROUP_ID=" + graphfake.DemoProtectedGroupID, "MFABOT_INCIDENT_GROUP_ID=" + graphfake.DemoIncidentGroupID,
		"MFABOT_INCIDENT_MAX=" + strconv.Itoa(max(sp.users+100, 50000)),
		"MFABOT_INCIDENT_WRITE_RATE=" + strconv.Itoa(o.rate), "MFABOT_INCIDENT_WORKERS=" + strconv.Itoa(o.workers),
		"MFABOT_OPERATOR=" + requesterUPN, "MFABOT_LOG_FORMAT=text", "MFABOT_LOG_LEVEL=" + o.logLevel,
	}

	// The plan, by the operator CLI as a process of its own.
	plan, err := runCLI(ctx, o.mfabot, env, filepath.Join(dir, "plan.log"), "reset", "--group", graphfake.IncidentGroupID,
		"--reason", "benchmark: AiTM phishing campaign")
	if err != nil {
		return nil, err
	}
	m := batchIDRe.FindSubmatch(plan.out)
	if m == nil {
		return nil, fmt.Errorf("no batch id in the plan:\n%s", plan.out)
	}
	id := string(m[1])
	res.Batch, res.PlanWall, res.PlanPeakRSS = id, plan.wall, plan.peakRSS

	// The approvers, in this process, on the same store and fake Graph.
	cfg, err := config.LoadFor(envLookup(env), config.Reset)
	if err != nil {
		return nil, err
	}
	adir, err := graph.New(graph.Config{BaseURL: g.URL, Credential: staticToken{}, HTTPClient: g.Client})
	if err != nil {
		return nil, err
	}
	w, err := wiring.New(ctx, cfg, slog.New(slog.DiscardHandler), adir, nil, nil)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	bs, ok := w.Store.(mfa.BatchStore)
	if !ok {
		return nil, errors.New("the store keeps no incident resets")
	}
	b, err := bs.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	res.Listed, res.ToReset, res.PlanSkipped = b.Plan.Listed, b.Plan.ToReset, b.Plan.SkippedTotal()

	var reps []*replica
	defer func() {
		for _, r := range reps {
			if r.alive() {
				r.kill()
			}
		}
	}()
	argv := []string{o.mfabot, "serve"}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return nil, err
		}
		argv = []string{self, "-role", "serve", "-profile", o.profile}
	}
	for i := range sp.replicas {
		r, err := startReplica(ctx, fmt.Sprintf("serve-%d", i+1), argv, env, filepath.Join(dir, fmt.Sprintf("serve-%d.log", i+1)))
		if err != nil {
			return nil, err
		}
		reps = append(reps, r)
	}

	before, err := g.stats(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range approvers {
		if b, err = w.Svc.ApproveBatch(ctx, a, id, ticket); err != nil {
			return nil, fmt.Errorf("approval by %s: %w", a.UPN, err)
		}
	}
	if b.State != mfa.BatchRunning {
		return nil, fmt.Errorf("after two approvals %s is %s", id, b.State)
	}
	start := time.Now()
	// Give up at ten times the bound the quota sets, plus five minutes.
	limit := 10*time.Duration(float64(sp.users*4)/float64(o.rate)*float64(time.Second)) + 5*time.Minute
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var lastPoint time.Duration = -time.Hour
	for b.State == mfa.BatchRunning {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		el := time.Since(start)
		if el > limit {
			return nil, fmt.Errorf("%s not completed after %s", id, el.Round(time.Second))
		}
		if b, err = bs.GetBatch(ctx, id); err != nil {
			return nil, err
		}
		c, err := bs.BatchCounts(ctx, id)
		if err != nil {
			return nil, err
		}
		finished := c.Done + c.Partial + c.Failed + c.Skipped - res.PlanSkipped
		if el-lastPoint >= 5*time.Second || el < 15*time.Second && el-lastPoint >= time.Second {
			p := point{At: el.Round(time.Second), Finished: finished}
			if st, err := g.stats(ctx); err == nil {
				p.Throttled = st.Throttled - before.Throttled
			}
			res.Timeline = append(res.Timeline, p)
			lastPoint = el
		}
		for _, r := range reps {
			r.sample()
		}
		if sp.killAt > 0 && res.Killed == "" && float64(finished) >= sp.killAt*float64(res.ToReset) {
			reps[0].kill()
			res.Killed, res.KilledAt = reps[0].name, el.Round(100*time.Millisecond)
		}
		for _, r := range reps {
			if !r.alive() && r.name != res.Killed {
				return nil, fmt.Errorf("%s exited: %v\n%s", r.name, r.waitErr, proc.Tail(r.logPath, 20))
			}
		}
	}
	if b.State != mfa.BatchCompleted {
		return nil, fmt.Errorf("%s ended %s: %s", id, b.State, b.Note)
	}
	res.Wall = b.FinishedAt.Sub(b.StartedAt)
	after, err := g.stats(ctx)
	if err != nil {
		return nil, err
	}
	d := minus(after, before)
	for _, r := range reps {
		if r.name == res.Killed {
			continue
		}
		took, err := r.stop()
		res.StopTimes = append(res.StopTimes, took.Round(time.Millisecond))
		if err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
	}
	for _, r := range reps {
		res.ServePeakRSS = append(res.ServePeakRSS, r.peakRSS())
		res.ServeCPU = append(res.ServeCPU, cpuOf(r.cmd.ProcessState).Round(10*time.Millisecond))
	}
	res.LoadAfter = proc.LoadAvg()

	// The export, by the operator CLI.
	exp, err := runCLI(ctx, o.mfabot, env, filepath.Join(dir, "export.log"), "audit", "export", "--batch", id, "--format", "csv")
	if err != nil {
		return nil, err
	}
	if err := res.check(exp.out); err != nil {
		return nil, err
	}
	res.Throttled, res.RepeatDeletes, res.MethodsDeleted, res.Charged, res.Requests = d.Throttled, d.RepeatDeletes, d.MethodsDeleted, d.Charged, d.Requests
	res.Writes = d.MethodsDeleted + int64(res.Revoked)
	res.Bound = time.Duration(float64(res.Writes) / float64(o.rate) * float64(time.Second))
	res.ChargedBound = time.Duration(float64(res.Charged) / float64(o.rate) * float64(time.Second))
	if res.Bound > 0 {
		res.Ratio = res.Wall.Seconds() / res.Bound.Seconds()
	}
	if res.ChargedBound > 0 {
		res.ChargedRatio = res.Wall.Seconds() / res.ChargedBound.Seconds()
	}
	if want := int64(3 * (res.Done + res.Partial)); res.MethodsDeleted < int64(3*res.Done) || res.MethodsDeleted > want {
		res.Problems = append(res.Problems, fmt.Sprintf("the fake deleted %d methods for %d users done and %d partial (3 each)", res.MethodsDeleted, res.Done, res.Partial))
	}
	return res, nil
}

// check reads the export: every planned user once, in a final state.
func (res *result) check(out []byte) error {
	r := csv.NewReader(bytes.NewReader(out))
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if strings.Join(head, ",") != "seq,upn,userId,outcome,skipReason,methodsRemoved,sessionsRevoked,graphRequestId,finishedAt,detail" {
		return fmt.Errorf("export header %q", head)
	}
	seen := make(map[string]bool, res.Listed)
	seqs := make(map[int64]bool, res.Listed)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		res.Exported++
		seq, _ := strconv.ParseInt(rec[0], 10, 64)
		key := rec[2]
		if key == "" {
			key = rec[1]
		}
		if seen[key] || seqs[seq] {
			res.Doubles++
		}
		seen[key], seqs[seq] = true, true
		switch mfa.ItemState(rec[3]) {
		case mfa.ItemDone:
			res.Done++
		case mfa.ItemPartial:
			res.Partial++
		case mfa.ItemFailed:
			res.Failed++
		case mfa.ItemSkipped:
			res.Skipped++
		default:
			res.Lost++ // pending: not finished
		}
		if rec[6] == "true" {
			res.Revoked++
		}
	}
	for i := int64(1); i <= int64(res.Listed); i++ {
		if !seqs[i] {
			res.Lost++
		}
	}
	return nil
}

// envLookup reads settings from an environment list (later entries win).
func envLookup(env []string) config.Lookup {
	m := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// appendFile appends the contents of src to dst.
func appendFile(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// staticToken is the approvers' credential: the fake checks no token.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "bench-graph-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}
