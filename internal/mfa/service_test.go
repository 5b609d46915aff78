package mfa_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

type env struct {
	svc    *mfa.Service
	dir    *mfatest.Directory
	store  mfa.Store
	note   *mfatest.Notifier
	alerts *mfatest.Alerter
	clock  *mfatest.Clock
}

func newEnv(t *testing.T, mod func(*mfa.Policy)) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/mfabot.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{dir: mfatest.Tenant(), store: st, note: mfatest.NewNotifier(), alerts: &mfatest.Alerter{},
		clock: mfatest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))}
	p := mfatest.Policy()
	if mod != nil {
		mod(&p)
	}
	e.svc = mfa.NewService(p, mfa.Deps{Directory: e.dir, Store: st, Notifier: e.note, Alerter: e.alerts, Clock: e.clock})
	return e
}

var ctx = context.Background()

// executeFailingDelete approves a request for Alice and executes it while
// Graph answers the nth DELETE with err (the others succeed).
func (e *env) executeFailingDelete(t *testing.T, nth int32, err error) *mfa.Request {
	t.Helper()
	r := e.request(t, "alice@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	var n atomic.Int32
	e.dir.Fail = func(op, user string) error {
		if op == "delete" && n.Add(1) == nth {
			return err
		}
		return nil
	}
	done, xerr := e.svc.Execute(ctx, r.ID)
	if xerr != nil {
		t.Fatal(xerr)
	}
	return done
}

func (e *env) request(t *testing.T, target string) *mfa.Request {
	t.Helper()
	r, err := e.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: target, Reason: "lost phone, ticket 4711"})
	if err != nil {
		t.Fatalf("request %s: %v", target, err)
	}
	if r, err = e.note.Deliver(ctx, e.svc, r, true); err != nil {
		t.Fatalf("deliver %s: %v", target, err)
	}
	return r
}

func approveIn() mfa.ApproveInput { return mfa.ApproveInput{Verification: mfa.VerifiedVideoID} }

func auditTypes(t *testing.T, s mfa.Store) []string {
	t.Helper()
	recs, err := s.AuditRecords(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	v := mfa.NewChainVerifier()
	var out []string
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			t.Fatalf("chain: %v", err)
		}
		out = append(out, r.Type)
	}
	return out
}

func TestHappyPathRemovesProfileAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "alice@contoso.com")
	if r.State != mfa.StatePending || len(r.Planned()) != 5 {
		t.Fatalf("state %s planned %d", r.State, len(r.Planned()))
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != mfa.StateCompleted {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	if got := len(done.Result.Removed); got != 5 {
		t.Fatalf("removed %d, want 5", got)
	}
	left, _ := e.dir.ListMethods(ctx, mfatest.AliceID)
	var kinds []string
	for _, m := range left {
		kinds = append(kinds, string(m.Kind))
	}
	if strings.Join(kinds, ",") != "password,fido2" {
		t.Fatalf("left %v, want password and fido2", kinds)
	}
	if e.dir.Revoked[mfatest.AliceID] != 1 || !done.Result.SessionsRevoked {
		t.Fatal("sessions not revoked once")
	}
	types := strings.Join(auditTypes(t, e.store), " ")
	for _, want := range []string{"requested", "approved", "executing", "method_removed", "sessions_revoked", "verified", "completed", "user_notified"} {
		if !strings.Contains(types, want) {
			t.Errorf("audit lacks %s: %s", want, types)
		}
	}
	if done.Result.AuditRef == "" {
		t.Error("no audit reference")
	}
}

func TestConcurrentApprovalsExecuteExactlyOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	var approved, executed atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			who := mfatest.Approver
			if i%2 == 1 {
				who = mfatest.Approver2
			}
			if _, err := e.svc.Approve(ctx, who, r.ID, approveIn()); err == nil {
				approved.Add(1)
			} else if mfa.Code(err) != mfa.EConflict {
				t.Errorf("approve: %v", err)
			}
			if res, err := e.svc.Execute(ctx, r.ID); err == nil && res.State.Final() {
				executed.Add(1)
			}
		}(i)
	}
	wg.Wait()
	if approved.Load() != 1 || executed.Load() != 1 {
		t.Fatalf("approved %d executed %d, want 1 and 1", approved.Load(), executed.Load())
	}
	if n := e.dir.Count("delete"); n != 1 {
		t.Fatalf("%d deletes for one method", n)
	}
}

func TestFourEyesAndVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	if _, err := e.svc.Approve(ctx, mfatest.Agent, r.ID, approveIn()); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("requester approving: %v", err)
	}
	if _, err := e.svc.Approve(ctx, mfatest.Agent2, r.ID, approveIn()); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("helpdesk agent (not approver) approving: %v", err)
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, mfa.ApproveInput{}); mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("approving without verification: %v", err)
	}
	got, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	if err != nil || got.State != mfa.StateApproved || got.Verification != mfa.VerifiedVideoID {
		t.Fatalf("approve: %v %+v", err, got)
	}
	if kinds := e.alerts.Kinds(); len(kinds) == 0 || kinds[0] != "self_approval" {
		t.Fatalf("alerts %v", kinds)
	}
}

func TestProtectedTargetsAreRefusedAndFailClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, tc := range []struct{ target, want string }{
		{"gloria@contoso.com", "Global Administrator"},
		{"breakglass@contoso.com", "protected"},
		{"eli@contoso.com", "eligible"},
		{"gus_fabrikam.com#EXT#@contoso.com", "guest"},
		{"nobody@contoso.com", "no user"},
		{"nora@contoso.com", "nothing to reset"},
		{"hanna@contoso.com", "your own"},
		{"not-an-upn", "not a user principal name"},
	} {
		_, err := e.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: tc.target, Reason: "x"})
		if err == nil || !strings.Contains(mfa.Message(err), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.target, err, tc.want)
		}
	}
	// A failing role lookup refuses.
	e.dir.Fail = func(op, user string) error {
		if op == "privileges" {
			return &mfa.DirectoryError{Op: "list directory roles", Reason: mfa.ReasonForbidden, Permission: "RoleManagement.Read.Directory"}
		}
		return nil
	}
	_, err := e.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "bob@contoso.com"})
	if mfa.Code(err) != mfa.EForbidden || !strings.Contains(mfa.Message(err), "RoleManagement.Read.Directory") {
		t.Fatalf("failing lookup: %v", err)
	}
	refused := 0
	for _, typ := range auditTypes(t, e.store) {
		if typ == mfa.AuditRefused {
			refused++
		}
	}
	if refused != 9 {
		t.Fatalf("%d refusals audited, want 9", refused)
	}
}

func TestRequesterNotInHelpdeskIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	_, err := e.svc.Request(ctx, mfatest.Alice, mfa.RequestInput{Target: "bob@contoso.com"})
	if mfa.Code(err) != mfa.EForbidden || !strings.Contains(mfa.Message(err), "helpdesk") {
		t.Fatalf("got %v", err)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	e.clock.Advance(31 * time.Minute)
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); mfa.Code(err) != mfa.EConflict {
		t.Fatalf("approve after expiry: %v", err)
	}
	got, _ := e.svc.Get(ctx, r.ID)
	if got.State != mfa.StateExpired {
		t.Fatalf("state %s", got.State)
	}
}

func TestRejectAndCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	if _, err := e.svc.Cancel(ctx, mfatest.Approver, r.ID); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("cancel by other: %v", err)
	}
	if got, err := e.svc.Cancel(ctx, mfatest.Agent, r.ID); err != nil || got.State != mfa.StateCancelled {
		t.Fatalf("cancel: %v", err)
	}
	r2 := e.request(t, "bob@contoso.com")
	if _, err := e.svc.Reject(ctx, mfatest.Agent2, r2.ID, "no"); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("reject by non-approver: %v", err)
	}
	if got, err := e.svc.Reject(ctx, mfatest.Approver, r2.ID, "caller could not verify"); err != nil || got.State != mfa.StateRejected {
		t.Fatalf("reject: %v", err)
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r2.ID, approveIn()); mfa.Code(err) != mfa.EConflict {
		t.Fatalf("approve rejected: %v", err)
	}
}

func TestDefaultMethodRetriedLastWithinFourRoundTrips(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "alice@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	e.dir.Calls = nil
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil || done.State != mfa.StateCompleted {
		t.Fatalf("%v %+v", err, done.Result)
	}
	// list, wave 1, wave 2 (mobile, the default), verify.
	if got := e.dir.Count("list"); got != 2 {
		t.Fatalf("%d lists", got)
	}
	if got := e.dir.Count("delete"); got != 5 {
		t.Fatalf("%d deletes, want 5 (no retries needed with mobile held back)", got)
	}
}

func TestPartialWhenGraphFailsMidPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	done := e.executeFailingDelete(t, 2, &mfa.DirectoryError{Op: "delete method", Reason: mfa.ReasonUnavailable, Code: "serviceNotAvailable", Message: "busy", RequestID: "rid-503"})
	if done.State != mfa.StatePartial || len(done.Result.Failed) == 0 || done.Result.Failed[0].RequestID != "rid-503" {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	if len(done.Result.Remaining) == 0 {
		t.Fatal("verification named nothing remaining")
	}
}

func TestResumeAfterCrashDeletesNothingTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "alice@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	// Crash after two deletes: the third delete kills the "process".
	var n atomic.Int32
	crash := errors.New("process killed")
	e.dir.Fail = func(op, user string) error {
		if op == "delete" && n.Add(1) > 2 {
			return crash
		}
		return nil
	}
	// Simulate: approved → executing by hand, then a run that dies.
	got, _ := e.svc.Get(ctx, r.ID)
	next := *got
	next.State = mfa.StateExecuting
	if err := e.store.UpdateRequest(ctx, &next, mfa.StateApproved); err != nil {
		t.Fatal(err)
	}
	// Record the two deletes the dead process completed, as it would have.
	for _, m := range []mfa.Method{mfatest.AltMobile, mfatest.Office} {
		m := m
		e.dir.DeleteMethod(ctx, mfatest.AliceID, m)
		e.store.RecordStep(ctx, r.ID, mfa.Step{Key: "remove:" + m.Key(), Kind: "removed", Method: &m, At: e.clock.Now()})
	}
	e.dir.Fail = nil
	e.dir.Calls = nil
	svc2 := mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: e.dir, Store: e.store, Notifier: e.note, Clock: e.clock})
	e.clock.Advance(3 * time.Minute) // the dead process's lease has run out
	if n, err := svc2.Resume(ctx); err != nil || n != 1 {
		t.Fatalf("resume: %d %v", n, err)
	}
	done, _ := svc2.Get(ctx, r.ID)
	if done.State != mfa.StateCompleted || len(done.Result.Removed) != 5 {
		t.Fatalf("state %s removed %d", done.State, len(done.Result.Removed))
	}
	// Mobile (the default) may be refused once while the others are still
	// there (the deletes run concurrently), then goes last: three or four
	// calls for three methods, and none for the two the journal holds.
	if got := e.dir.Count("delete"); got < 3 || got > 4 {
		t.Fatalf("resume made %d delete calls, want 3 or 4", got)
	}
	if e.dir.Called(mfatest.AltMobile.ID) || e.dir.Called(mfatest.Office.ID) {
		t.Fatal("resume deleted a method the journal recorded as removed")
	}
}

func TestTAPGoesOnlyToRequesterAndIsNeverStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	yes := true
	r, err := e.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "bob@contoso.com", Reason: "new phone", TAP: &yes})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	done, _ := e.svc.Execute(ctx, r.ID)
	tap := e.note.TAPs[r.ID]
	if tap == "" || !done.Result.TAPIssued || done.State != mfa.StateCompleted {
		t.Fatalf("tap %q state %s %+v", tap, done.State, done.Result)
	}
	recs, _ := e.store.AuditRecords(ctx, 0, 1000)
	for _, rec := range recs {
		for _, v := range rec.Detail {
			if strings.Contains(v, tap) {
				t.Fatalf("TAP value in audit record %d", rec.Seq)
			}
		}
	}
	stored, _ := e.store.GetRequest(ctx, r.ID)
	if strings.Contains(stored.Result.TAPError+stored.Reason, tap) {
		t.Fatal("TAP stored")
	}
}

func TestRateLimitsSurviveRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(p *mfa.Policy) { p.PerRequesterLimit = 2 })
	e.request(t, "bob@contoso.com")
	e.request(t, "alice@contoso.com")
	svc2 := mfa.NewService(func() mfa.Policy { p := mfatest.Policy(); p.PerRequesterLimit = 2; return p }(), mfa.Deps{Directory: e.dir, Store: e.store, Clock: e.clock, Alerter: e.alerts})
	_, err := svc2.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "mona@contoso.com"})
	if mfa.Code(err) != mfa.ERateLimited {
		t.Fatalf("third request: %v", err)
	}
	e.clock.Advance(61 * time.Minute)
	if _, err := svc2.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "mona@contoso.com"}); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestPerTargetLimitNeedsOverride(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	e.svc.Execute(ctx, r.ID)
	e.dir.AddUser(mfa.User{ID: mfatest.BobID, UPN: "bob@contoso.com", DisplayName: "Bob Example", AccountEnabled: true}, mfatest.AuthApp)
	r2 := e.request(t, "bob@contoso.com")
	if !r2.NeedsOverride {
		t.Fatal("second reset within 24h does not need an override")
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r2.ID, approveIn()); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("approve without override: %v", err)
	}
	got, err := e.svc.Approve(ctx, mfatest.Approver, r2.ID, mfa.ApproveInput{Verification: mfa.VerifiedCallback, Override: "user lost the new phone too"})
	if err != nil || got.Override == "" {
		t.Fatalf("approve with override: %v", err)
	}
}

func TestCircuitBreakerPausesAllResets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(p *mfa.Policy) { p.BreakerLimit = 1; p.PerRequesterLimit = 100 })
	r := e.request(t, "bob@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	e.svc.Execute(ctx, r.ID)
	_, err := e.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com"})
	if mfa.Code(err) != mfa.ERateLimited || !strings.Contains(mfa.Message(err), "paused") {
		t.Fatalf("after the limit: %v", err)
	}
	if err := e.svc.ResumeResets(ctx, mfatest.Agent, "fine"); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("agent resuming: %v", err)
	}
	if err := e.svc.ResumeResets(ctx, mfatest.Approver, "checked with security"); err != nil {
		t.Fatal(err)
	}
	st, _ := e.svc.Breaker(ctx)
	if st.Paused {
		t.Fatal("still paused")
	}
}

func TestUserConfirmation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmRequired })
	e.note.Reachable[mfatest.AliceID] = true
	r := e.request(t, "alice@contoso.com")
	if r.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("confirmation %q", r.Confirmation)
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("approve before yes: %v", err)
	}
	if _, err := e.svc.Confirm(ctx, mfatest.Agent, r.ID, true); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("yes from the requester: %v", err)
	}
	if _, err := e.svc.Confirm(ctx, mfatest.Alice, r.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	// "No" on another request blocks it and alerts.
	e2 := newEnv(t, nil)
	e2.note.Reachable[mfatest.AliceID] = true
	r2 := e2.request(t, "alice@contoso.com")
	got, err := e2.svc.Confirm(ctx, mfatest.Alice, r2.ID, false)
	if err != nil || got.State != mfa.StateBlocked {
		t.Fatalf("no: %v %v", err, got)
	}
	if k := e2.alerts.Kinds(); k[len(k)-1] != "user_denied" {
		t.Fatalf("alerts %v", k)
	}
}

func TestManagerMustCoApprove(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMust })
	r := e.request(t, "alice@contoso.com")
	got, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	if err != nil || got.State != mfa.StatePending {
		t.Fatalf("approver alone: %v %s", err, got.State)
	}
	got, err = e.svc.Approve(ctx, mfatest.Manager, r.ID, mfa.ApproveInput{})
	if err != nil || got.State != mfa.StateApproved || !got.ManagerApproved {
		t.Fatalf("manager: %v %+v", err, got)
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+1 2065555555":     "+1 ••• ••• 5555",
		"+44 7700900123x12": "+44 ••• ••• 0123",
		"2065555555":        "••• 55",
		"":                  "•••",
		// What precedes the space is a country code only when it is one
		// to three digits; otherwise the whole number is masked.
		"+1206555 5551234":  "••• 34",
		"+1a20 65555551234": "••• 34",
		"+1 206 555 5555":   "+1 ••• ••• 5555",
	} {
		if got := mfa.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
