package reset

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

var ctx = context.Background()

// The helpdesk agent and the approver of the demo tenant.
var (
	agent    = mfa.Actor{ID: graphfake.DemoAgentID, Name: "Hanna Helpdesk", UPN: "hanna@contoso.com", Via: "teams"}
	approver = mfa.Actor{ID: graphfake.DemoApproverID, Name: "Ada Approver", UPN: "ada@contoso.com", Via: "teams"}
)

// env is the real stack under measurement: the Graph fake over HTTP, the
// msgraph-sdk-go adapter, a SQLite store in a temporary directory and the
// reset service.
type env struct {
	fake    *graphfake.Server
	dir     *graph.Directory
	svc     *mfa.Service
	latency time.Duration
}

func newEnv(tb testing.TB, latency time.Duration) *env {
	tb.Helper()
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	tb.Cleanup(fake.Close)
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		tb.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "mfabot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	// Limits high enough that resetting the same user again and again is
	// never refused or paused.
	p := config.DefaultPolicy()
	p.HelpdeskGroupID, p.ApproverGroupID = graphfake.DemoHelpdeskGroupID, graphfake.DemoApproverGroupID
	p.ProtectedGroupID, p.Confirm = graphfake.DemoProtectedGroupID, mfa.ConfirmOff
	p.TAPEnabled, p.TAPOneTime = true, true
	p.PerRequesterLimit, p.PerTargetLimit, p.BreakerLimit = 1<<30, 1<<30, 1<<30
	svc := mfa.NewService(p, mfa.Deps{Directory: dir, Store: st, Notifier: mfatest.NewNotifier()})
	return &env{fake: fake, dir: dir, svc: svc, latency: latency}
}

// seed registers u's methods again, without latency.
func (e *env) seed(u graphfake.User) {
	e.fake.SetLatency(0)
	e.fake.AddUser(u)
}

// arm empties the request log and turns the latency on.
func (e *env) arm() {
	e.fake.ResetRequests()
	e.fake.SetLatency(e.latency)
}

// approved seeds u and has the helpdesk agent request and the approver
// approve a reset of u, all without latency. It returns the request id,
// with the latency on and the request log empty.
func (e *env) approved(tb testing.TB, u graphfake.User, tap bool) string {
	tb.Helper()
	e.seed(u)
	r, err := e.svc.Request(ctx, agent, mfa.RequestInput{Target: u.UPN, Reason: "benchmark, ticket 4711", TAP: &tap})
	if err != nil {
		tb.Fatalf("request: %v", err)
	}
	if _, err := e.svc.Approve(ctx, approver, r.ID, mfa.ApproveInput{Verification: mfa.VerifiedVideoID}); err != nil {
		tb.Fatalf("approve: %v", err)
	}
	e.arm()
	return r.ID
}

// measure returns the round trips on the critical path and the Graph calls
// since arm.
func (e *env) measure() (trips, calls int) {
	reqs := e.fake.Requests()
	return RoundTrips(reqs, e.latency), len(reqs)
}

// checkCleared fails unless only the password is left to u.
func (e *env) checkCleared(tb testing.TB, u graphfake.User) {
	tb.Helper()
	for _, m := range e.fake.Methods(u.ID) {
		if m.Kind != mfa.KindPassword {
			tb.Fatalf("%s still has a %s method %s", u.UPN, m.Kind, m.ID)
		}
	}
}

// checkResult fails unless the reset completed and removed all n methods.
func checkResult(tb testing.TB, r *mfa.Request, err error, n int) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("execute: %v", err)
	}
	if r.State != mfa.StateCompleted || len(r.Result.Removed) != n || !r.Result.SessionsRevoked {
		tb.Fatalf("state %s, removed %d of %d, revoked %v: %+v", r.State, len(r.Result.Removed), n, r.Result.SessionsRevoked, r.Result)
	}
}

// requestLog lists the requests since arm in the order they started, each
// with its start relative to the first, for test messages.
func (e *env) requestLog() string {
	reqs := e.fake.Requests()
	if len(reqs) == 0 {
		return "(no requests)"
	}
	slices.SortStableFunc(reqs, func(a, b graphfake.Request) int { return a.Time.Compare(b.Time) })
	t0 := reqs[0].Time
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "\n  +%4dms %s %s → %d", r.Time.Sub(t0).Milliseconds(), r.Method, r.Path, r.Status)
	}
	return b.String()
}
