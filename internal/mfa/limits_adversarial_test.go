package mfa_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Control 3: rate limits and the circuit breaker, kept in the store.

func TestLimitsSurviveARestartOnTheSameFile(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.PerRequesterLimit = 2; p.BreakerLimit = 2 })
	// Per requester: two requests, then a restart.
	bob := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	g.mustAsk(mfatest.Agent, "alice@contoso.com")
	g.restart()
	_, err := g.ask(mfatest.Agent, "mona@contoso.com")
	wantCode(t, "third request after a restart", err, mfa.ERateLimited)

	// Per target: Bob's reset ran; after a restart a new request for him
	// still needs an approver's override.
	g.approveAndRun(bob.ID)
	g.resetBob()
	g.restart()
	again := g.mustAsk(mfatest.Agent2, "bob@contoso.com")
	if !again.NeedsOverride {
		t.Fatal("per-target window forgotten after a restart")
	}
	_, err = g.svc.Approve(ctx, mfatest.Approver, again.ID, approveIn())
	wantCode(t, "approve without override after a restart", err, mfa.EForbidden)

	// Breaker: the second execution reaches the limit; the next check trips
	// it, and a restart does not close it.
	if _, err := g.svc.Approve(ctx, mfatest.Approver, again.ID, mfa.ApproveInput{Verification: mfa.VerifiedCallback, Override: "new phone lost too"}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.svc.Execute(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	_, err = g.ask(mfatest.Agent2, "mona@contoso.com")
	wantCode(t, "request over the breaker limit", err, mfa.ERateLimited)
	g.restart()
	if st, err := g.svc.Breaker(ctx); err != nil || !st.Paused {
		t.Fatalf("breaker after a restart: %+v %v", st, err)
	}
	g.clock.Advance(2 * time.Hour) // even after the window: paused until resumed
	_, err = g.ask(mfatest.Agent2, "mona@contoso.com")
	wantCode(t, "request while paused, after a restart", err, mfa.ERateLimited)
}

func TestManyRequestersAgainstOneTarget(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	agents := g.addAgents(6)
	first := g.mustAsk(agents[0], "bob@contoso.com")
	// While it is open, every other agent is refused.
	for _, a := range agents[1:] {
		_, err := g.ask(a, "bob@contoso.com")
		wantCode(t, "second open request by "+a.Name, err, mfa.EConflict)
	}
	g.approveAndRun(first.ID)
	g.resetBob()
	// After it ran, another agent may ask, but only an approver's override
	// lets it run within the window, and security hears of it.
	next := g.mustAsk(agents[1], "bob@contoso.com")
	if !next.NeedsOverride || !hasKind(g.alerts, "target_rate_limit") || g.audited(mfa.AuditAlert, "target_rate_limit") != 1 {
		t.Fatalf("needsOverride %v, alerts %v", next.NeedsOverride, g.alerts.Kinds())
	}
	_, err := g.svc.Approve(ctx, mfatest.Approver, next.ID, mfa.ApproveInput{Verification: mfa.VerifiedVideoID, Override: "  "})
	wantCode(t, "blank override", err, mfa.EForbidden)
	// After the window the target is no longer limited.
	if _, err := g.svc.Cancel(ctx, agents[1], next.ID); err != nil {
		t.Fatal(err)
	}
	g.clock.Advance(25 * time.Hour)
	if r := g.mustAsk(agents[2], "bob@contoso.com"); r.NeedsOverride {
		t.Fatal("override still needed after the window")
	}
}

func TestConcurrentRequestersGetOneOpenRequest(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	agents := g.addAgents(8)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var created []*mfa.Request
	for _, a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := g.ask(a, "bob@contoso.com")
			if err != nil {
				if mfa.Code(err) != mfa.EConflict {
					t.Errorf("%s: %v", a.Name, err)
				}
				return
			}
			mu.Lock()
			created = append(created, r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(created) != 1 {
		t.Fatalf("%d open requests for one target, want 1", len(created))
	}
	if n, _ := g.store.CountRequests(ctx, mfa.RequestFilter{TargetID: mfatest.BobID}); n != 1 {
		t.Fatalf("%d requests stored for bob", n)
	}
}

func TestRequesterLimitAlertsAndSpansTargets(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.PerRequesterLimit = 1 })
	g.mustAsk(mfatest.Agent, "bob@contoso.com")
	_, err := g.ask(mfatest.Agent, "alice@contoso.com")
	wantCode(t, "second request in the hour", err, mfa.ERateLimited)
	if g.audited(mfa.AuditAlert, "requester_rate_limit") != 1 {
		t.Fatalf("alerts %v", g.alerts.Kinds())
	}
	// Another agent is not limited by the first one's count.
	g.mustAsk(mfatest.Agent2, "alice@contoso.com")
}

func TestBreakerPausesApprovalsAndOnlyAnApproverResumes(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.BreakerLimit = 1 })
	bob := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	alice := g.mustAsk(mfatest.Agent2, "alice@contoso.com")
	g.approveAndRun(bob.ID)
	// The approval of a request made before the trip is refused too.
	_, err := g.svc.Approve(ctx, mfatest.Approver, alice.ID, approveIn())
	wantCode(t, "approve after the limit", err, mfa.ERateLimited)
	if g.audited(mfa.AuditBreakerTripped, "") != 1 || g.audited(mfa.AuditAlert, "circuit_breaker") != 1 {
		t.Fatalf("trip not audited: %v", g.alerts.Kinds())
	}
	for _, who := range []mfa.Actor{mfatest.Agent, mfatest.Agent2, mfatest.Alice, mfatest.Manager} {
		err := g.svc.ResumeResets(ctx, who, "it is fine")
		wantCode(t, "resume by "+who.ID, err, mfa.EForbidden)
	}
	if st, _ := g.svc.Breaker(ctx); !st.Paused {
		t.Fatal("an agent resumed the breaker")
	}
	err = g.svc.ResumeResets(ctx, mfatest.Approver, "")
	wantCode(t, "resume without a reason", err, mfa.EInvalid)
	if err := g.svc.ResumeResets(ctx, mfatest.Approver, "checked with security: a real outage"); err != nil {
		t.Fatal(err)
	}
	// Resumed means resumed: the resets that tripped it do not trip it again
	// at once.
	g.clock.Advance(time.Minute)
	got, err := g.svc.Approve(ctx, mfatest.Approver, alice.ID, approveIn())
	if err != nil || got.State != mfa.StateApproved {
		t.Fatalf("approve after resume: %v", err)
	}
	if done, err := g.svc.Execute(ctx, alice.ID); err != nil || done.State != mfa.StateCompleted {
		t.Fatalf("execute after resume: %v", err)
	}
	// The limit counts again from the resumption: one more reset trips it.
	_, err = g.ask(mfatest.Agent, "mona@contoso.com")
	wantCode(t, "request after the limit is reached again", err, mfa.ERateLimited)
	if g.audited(mfa.AuditBreakerTripped, "") != 2 || g.audited(mfa.AuditBreakerResumed, "") != 1 {
		t.Fatal("second trip or the resumption not audited")
	}
}

// conflictStore makes every creation look like another replica's open
// request won the race, as the store's one-open-request rule answers.
type conflictStore struct{ mfa.Store }

func (conflictStore) CreateRequest(context.Context, *mfa.Request, ...mfa.Limit) error {
	return mfa.Errorf(mfa.EConflict, "alice@contoso.com already has an open request")
}

func TestOpenRequestOnAnotherReplicaIsAConflictAndAudited(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	svc := mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: g.dir, Store: conflictStore{g.store}, Clock: g.clock})
	_, err := svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com", Reason: "x"})
	if mfa.Code(err) != mfa.EConflict || !strings.Contains(mfa.Message(err), "open request") {
		t.Fatalf("got %v", err)
	}
	if g.audited(mfa.AuditRefused, "") == 0 {
		t.Fatal("the lost race is not audited")
	}
}

// A reset that failed before changing anything does not use up the
// per-target limit: retrying it after Graph recovers needs no override.
func TestFailedResetThatChangedNothingDoesNotCountAgainstTheTarget(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	g.dir.Fail = func(op, user string) error {
		if op == "delete" {
			return &mfa.DirectoryError{Op: "delete method", Reason: mfa.ReasonUnavailable, Code: "serviceNotAvailable", Message: "busy"}
		}
		return nil
	}
	if done := g.approveAndRun(r.ID); done.State != mfa.StateFailed {
		t.Fatalf("state %s, want failed", done.State)
	}
	g.dir.Fail = nil
	again := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	if again.NeedsOverride {
		t.Fatal("a reset that removed nothing used up the per-target limit")
	}
	if done := g.approveAndRun(again.ID); done.State != mfa.StateCompleted {
		t.Fatalf("retry: %s", done.State)
	}
	// A reset that did remove something does count.
	g.dir.AddUser(mfa.User{ID: mfatest.BobID, UPN: "bob@contoso.com", DisplayName: "Bob Example", AccountEnabled: true}, mfatest.AuthApp)
	if third := g.mustAsk(mfatest.Agent, "bob@contoso.com"); !third.NeedsOverride {
		t.Fatal("a completed reset did not count")
	}
}
