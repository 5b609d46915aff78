package mfa_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Incident mode's fixtures: Hanna (the agent) is an incident responder;
// the phished group holds ordinary users beside every kind that must be
// skipped.
const (
	incidentGroup = "g-incident"
	phishedGroup  = "g-phished"
)

var approver3 = mfa.Actor{ID: "u-approver3", Name: "Ava Approver", UPN: "ava@contoso.com", Via: "teams"}

// newIncidentEnv is the standard tenant with incident mode on and a
// phished group of n ordinary users (3 methods each) plus Alice, Bob, a
// Global Admin, a PIM-eligible admin, a guest, the break-glass account, a
// helpdesk agent, the requester herself and a user with no methods.
func newIncidentEnv(t *testing.T, n int, mod func(*mfa.Policy)) *env {
	t.Helper()
	e := newEnv(t, func(p *mfa.Policy) {
		p.IncidentGroupID = incidentGroup
		p.IncidentWriteRate = 10000
		if mod != nil {
			mod(p)
		}
	})
	e.dir.AddMember(incidentGroup, mfatest.AgentID)
	e.dir.AddUser(mfa.User{ID: approver3.ID, UPN: approver3.UPN, DisplayName: approver3.Name, AccountEnabled: true}, mfatest.AuthApp)
	e.dir.AddMember(mfatest.ApproverGroup, approver3.ID)
	e.dir.GroupNames[phishedGroup] = "Phished users"
	for _, id := range []string{mfatest.AliceID, mfatest.BobID, mfatest.AdminID, mfatest.EligibleID, mfatest.GuestID,
		mfatest.BreakGlassID, mfatest.Agent2ID, mfatest.AgentID, mfatest.EmptyID} {
		e.dir.AddMember(phishedGroup, id)
	}
	for i := range n {
		id := fmt.Sprintf("u-p%04d", i)
		e.dir.AddUser(mfa.User{ID: id, UPN: fmt.Sprintf("p%04d@contoso.com", i), DisplayName: fmt.Sprintf("Phished %04d", i), AccountEnabled: true},
			mfatest.AuthApp, mfatest.Mobile, mfatest.OATH)
		e.dir.AddMember(phishedGroup, id)
	}
	return e
}

func (e *env) planGroup(t *testing.T) *mfa.Batch {
	t.Helper()
	b, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: "Phished users", Reason: "AiTM phishing campaign"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// approveBoth has two approvers approve b, naming INC-42.
func (e *env) approveBoth(t *testing.T, b *mfa.Batch) *mfa.Batch {
	t.Helper()
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Approver, b.ID, "INC-42"); err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.ApproveBatch(ctx, mfatest.Approver2, b.ID, "inc-42")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func skipped(p mfa.BatchPlan) map[mfa.SkipKind]int {
	out := map[mfa.SkipKind]int{}
	for _, s := range p.Skipped {
		out[s.Kind] = s.Count
	}
	return out
}

func TestBatchPlanSkipsWhatASingleResetRefusesAndSaysWhy(t *testing.T) {
	e := newIncidentEnv(t, 20, nil)
	b := e.planGroup(t)
	if b.State != mfa.BatchPlanned || b.Plan.Listed != 29 {
		t.Fatalf("state %s, listed %d; want planned, 29", b.State, b.Plan.Listed)
	}
	// Alice, Bob, Nora and the 20: reset. Gloria (role), Eli (eligible):
	// privileged; break-glass, Harry (helpdesk) and Hanna herself (the
	// incident group — and the requester): protected or self.
	want := map[mfa.SkipKind]int{mfa.SkipPrivileged: 2, mfa.SkipProtected: 2, mfa.SkipGuest: 1, mfa.SkipSelf: 1}
	got := skipped(b.Plan)
	if fmt.Sprint(got) != fmt.Sprint(want) || b.Plan.ToReset != 23 {
		t.Fatalf("plan: toReset %d, skipped %v; want 23, %v", b.Plan.ToReset, got, want)
	}
	if len(b.Plan.Sample) == 0 || len(b.Plan.SkipSample) == 0 {
		t.Fatalf("plan has no sample: %+v", b.Plan)
	}
	// The stored items say the same, user by user.
	var items []mfa.BatchItem
	if err := e.svc.ExportBatch(ctx, mfatest.Approver, b.ID, func(it mfa.BatchItem) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(items) != 29 {
		t.Fatalf("%d items stored, want 29", len(items))
	}
	for _, it := range items {
		if it.UserID == mfatest.AdminID && (it.State != mfa.ItemSkipped || it.Skip != mfa.SkipPrivileged || !strings.Contains(it.Detail, "Global Administrator")) {
			t.Errorf("the Global Admin's item: %+v", it)
		}
		if it.UserID == mfatest.AliceID && it.State != mfa.ItemPending {
			t.Errorf("Alice's item: %+v", it)
		}
	}
}

func TestBatchFromAListSkipsUnknownLinesAndOtherNamesForTheSameUser(t *testing.T) {
	e := newIncidentEnv(t, 0, nil)
	b, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{SourceName: "clicked.csv", Reason: "phish",
		Users: []string{"alice@contoso.com", "", "# comment", "ALICE@contoso.com", "<alice@contoso.com>", "nobody@contoso.com", "not an address", "bob@contoso.com"}})
	if err != nil {
		t.Fatal(err)
	}
	got := skipped(b.Plan)
	if b.Plan.ToReset != 2 || got[mfa.SkipDuplicate] != 2 || got[mfa.SkipNotFound] != 2 || b.Source != "file clicked.csv" {
		t.Fatalf("plan %+v, source %q", b.Plan, b.Source)
	}
}

func TestBatchDryRunStoresNothing(t *testing.T) {
	e := newIncidentEnv(t, 5, nil)
	b, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "phish", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if b.Plan.ToReset != 8 {
		t.Fatalf("dry run plan: %+v", b.Plan)
	}
	if _, err := e.svc.GetBatch(ctx, b.ID); mfa.Code(err) != mfa.ENotFound {
		t.Fatalf("a dry run was stored: %v", err)
	}
	// And a real plan may follow it: nothing is left open.
	e.planGroup(t)
}

func TestBatchRefusals(t *testing.T) {
	t.Run("incident mode off", func(t *testing.T) {
		e := newEnv(t, nil)
		_, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "x"})
		if mfa.Code(err) != mfa.EForbidden || !strings.Contains(mfa.Message(err), "incident mode is off") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("not an incident responder", func(t *testing.T) {
		e := newIncidentEnv(t, 1, nil)
		_, err := e.svc.PlanBatch(ctx, mfatest.Agent2, mfa.BatchInput{Group: phishedGroup, Reason: "x"})
		if mfa.Code(err) != mfa.EForbidden {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no reason", func(t *testing.T) {
		e := newIncidentEnv(t, 1, nil)
		if _, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "  "}); mfa.Code(err) != mfa.EInvalid {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("more members than the maximum", func(t *testing.T) {
		e := newIncidentEnv(t, 30, func(p *mfa.Policy) { p.IncidentMax = 25 })
		_, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "x"})
		if mfa.Code(err) != mfa.EInvalid || !strings.Contains(mfa.Message(err), "at most 25") {
			t.Fatalf("got %v", err)
		}
		// The refused plan is closed, so another may be made.
		bs, _ := e.svc.ListBatches(ctx, mfatest.Agent, 0)
		if len(bs) != 1 || bs[0].State != mfa.BatchCancelled || !strings.Contains(bs[0].Note, "at most 25") {
			t.Fatalf("refused plan left as %+v", bs)
		}
	})
	t.Run("one open batch at a time", func(t *testing.T) {
		e := newIncidentEnv(t, 1, nil)
		b := e.planGroup(t)
		_, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "again"})
		if mfa.Code(err) != mfa.EConflict || !strings.Contains(mfa.Message(err), b.ID) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestBatchNeedsTwoDifferentApproversNamingOneIncident(t *testing.T) {
	e := newIncidentEnv(t, 2, nil)
	b := e.planGroup(t)
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Agent, b.ID, "INC-42"); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("the requester approved: %v", err)
	}
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Agent2, b.ID, "INC-42"); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("a non-approver approved: %v", err)
	}
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Approver, b.ID, " "); mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("an approval without an incident: %v", err)
	}
	one, err := e.svc.ApproveBatch(ctx, mfatest.Approver, b.ID, "INC-42")
	if err != nil || one.State != mfa.BatchPlanned || len(one.Approvals) != 1 {
		t.Fatalf("first approval: %+v %v", one, err)
	}
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Approver, b.ID, "INC-42"); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("one approver filled both slots: %v", err)
	}
	if _, err := e.svc.ApproveBatch(ctx, mfatest.Approver2, b.ID, "INC-43"); mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("a second approval naming another incident: %v", err)
	}
	two, err := e.svc.ApproveBatch(ctx, mfatest.Approver2, b.ID, "inc-42")
	if err != nil || two.State != mfa.BatchRunning || len(two.Approvals) != 2 || two.StartedAt.IsZero() {
		t.Fatalf("second approval: %+v %v", two, err)
	}
	if _, err := e.svc.ApproveBatch(ctx, approver3, b.ID, "INC-42"); mfa.Code(err) != mfa.EConflict {
		t.Fatalf("a third approval: %v", err)
	}
}

func TestBatchApprovalsAtOnceCountEachApproverOnce(t *testing.T) {
	for round := range 10 {
		e := newIncidentEnv(t, 1, nil)
		b := e.planGroup(t)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, a := range []mfa.Actor{mfatest.Approver, mfatest.Approver2, approver3, mfatest.Approver} {
			wg.Go(func() {
				<-start
				_, _ = e.svc.ApproveBatch(ctx, a, b.ID, "INC-7")
			})
		}
		close(start)
		wg.Wait()
		got, err := e.svc.GetBatch(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != mfa.BatchRunning || len(got.Approvals) != 2 || mfa.SameID(got.Approvals[0].Approver.ID, got.Approvals[1].Approver.ID) {
			t.Fatalf("round %d: %s with approvals %+v", round, got.State, got.Approvals)
		}
	}
}

func TestBatchRunsEveryUserOnceAndCompletes(t *testing.T) {
	e := newIncidentEnv(t, 40, nil)
	b := e.approveBoth(t, e.planGroup(t))
	done, err := e.svc.RunBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != mfa.BatchCompleted || done.FinishedAt.IsZero() {
		t.Fatalf("batch ended %s", done.State)
	}
	st, err := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Nora has nothing to remove but her sessions are revoked: done.
	if c := st.Counts; c.Pending != 0 || c.Done != 43 || c.Skipped != 6 || c.Failed+c.Partial != 0 {
		t.Fatalf("counts %+v", c)
	}
	if e.dir.RepeatDeletes != 0 {
		t.Errorf("%d methods deleted twice", e.dir.RepeatDeletes)
	}
	for i := range 40 {
		id := fmt.Sprintf("u-p%04d", i)
		ms, _ := e.dir.ListMethods(ctx, id)
		if len(ms) != 1 || e.dir.Revoked[id] != 1 {
			t.Fatalf("%s left with %v, revoked %d times", id, ms, e.dir.Revoked[id])
		}
	}
	if e.dir.Revoked[mfatest.AdminID] != 0 || len(e.dir.Methods[mfatest.AdminID]) != 2 {
		t.Fatal("a skipped admin was touched")
	}
}

func TestBatchRefusesAUserWhoBecamePrivilegedAfterThePlan(t *testing.T) {
	e := newIncidentEnv(t, 3, nil)
	b := e.approveBoth(t, e.planGroup(t))
	e.dir.Privs["u-p0001"] = mfa.Privileges{ActiveRoles: []string{"Exchange Administrator"}}
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	var it mfa.BatchItem
	_ = e.svc.ExportBatch(ctx, mfatest.Approver, b.ID, func(x mfa.BatchItem) error {
		if x.UserID == "u-p0001" {
			it = x
		}
		return nil
	})
	if it.State != mfa.ItemSkipped || it.Skip != mfa.SkipPrivileged || !strings.Contains(it.Detail, "about to run") {
		t.Fatalf("the new admin's item: %+v", it)
	}
	if e.dir.Revoked["u-p0001"] != 0 || len(e.dir.Methods["u-p0001"]) != 4 {
		t.Fatal("the new admin was reset")
	}
}

func TestBatchPauseStopsNewUsersResumeGoesOnCancelEnds(t *testing.T) {
	e := newIncidentEnv(t, 30, func(p *mfa.Policy) { p.IncidentWorkers = 1 })
	b := e.approveBoth(t, e.planGroup(t))
	if _, err := e.svc.PauseBatch(ctx, mfatest.Agent2, b.ID); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("a non-approver paused: %v", err)
	}
	// Pause after the 5th user's reset starts; the runner stops claiming.
	var once sync.Once
	n := 0
	var mu sync.Mutex
	e.dir.Fail = func(op, user string) error {
		if op == "revoke" {
			mu.Lock()
			n++
			if n == 5 {
				once.Do(func() {
					if _, err := e.svc.PauseBatch(ctx, mfatest.Approver, b.ID); err != nil {
						t.Error(err)
					}
				})
			}
			mu.Unlock()
		}
		return nil
	}
	paused, err := e.svc.RunBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID)
	if paused.State != mfa.BatchPaused || st.Counts.Pending == 0 || st.Counts.Done < 5 {
		t.Fatalf("after pause: %s, %+v", paused.State, st.Counts)
	}
	// A paused batch is not run.
	before := st.Counts
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID); st.Counts != before {
		t.Fatalf("a paused batch went on: %+v → %+v", before, st.Counts)
	}
	if _, err := e.svc.ResumeBatch(ctx, mfatest.Approver2, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CancelBatch(ctx, mfatest.Approver2, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	end, _ := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID)
	if end.Batch.State != mfa.BatchCancelled || end.Counts.Pending != before.Pending || !strings.Contains(end.Batch.Note, "Abe Approver") {
		t.Fatalf("after cancel: %s %+v %q", end.Batch.State, end.Counts, end.Batch.Note)
	}
	if _, err := e.svc.ResumeBatch(ctx, mfatest.Approver, b.ID); mfa.Code(err) != mfa.EConflict {
		t.Fatalf("a cancelled batch resumed: %v", err)
	}
}

func TestBatchUserTakenOverAfterACrashIsNotDeletedFromTwice(t *testing.T) {
	e := newIncidentEnv(t, 4, nil)
	b := e.approveBoth(t, e.planGroup(t))
	bs := e.store.(mfa.BatchStore)
	// A replica claims every user, deletes one method of u-p0000 and
	// journals it, and dies (kill -9: no release, no renewal).
	now := e.clock.Now()
	claimed, err := bs.ClaimBatchItems(ctx, b.ID, "dead-replica", 100, now, now.Add(2*time.Minute))
	if err != nil || len(claimed) == 0 {
		t.Fatal(claimed, err)
	}
	m := mfatest.OATH
	if err := e.dir.DeleteMethod(ctx, "u-p0000", m); err != nil {
		t.Fatal(err)
	}
	if err := bs.RecordBatchStep(ctx, b.ID, "u-p0000", mfa.Step{Key: "remove:" + m.Key(), Kind: "removed", Method: &m, At: now}); err != nil {
		t.Fatal(err)
	}
	// Deleted but not journaled: the crash came between the two.
	if err := e.dir.DeleteMethod(ctx, "u-p0001", m); err != nil {
		t.Fatal(err)
	}
	// While the lease runs nobody takes the users.
	ctx1, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	if _, err := e.svc.RunBatch(ctx1, b.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID); st.Counts.Pending != len(claimed) {
		t.Fatalf("users held by a live lease were taken: %+v", st.Counts)
	}
	e.clock.Advance(3 * time.Minute)
	done, err := e.svc.RunBatch(ctx, b.ID)
	if err != nil || done.State != mfa.BatchCompleted {
		t.Fatalf("after takeover: %v %v", done, err)
	}
	if e.dir.RepeatDeletes != 0 {
		t.Errorf("%d methods deleted twice", e.dir.RepeatDeletes)
	}
	var p0 mfa.BatchItem
	_ = e.svc.ExportBatch(ctx, mfatest.Approver, b.ID, func(x mfa.BatchItem) error {
		if x.UserID == "u-p0000" {
			p0 = x
		}
		return nil
	})
	if p0.State != mfa.ItemDone || len(p0.Removed) != 3 {
		t.Fatalf("u-p0000: %+v", p0)
	}
}

func TestBatchPlanLeftByADeadProcessDoesNotBlockTheNext(t *testing.T) {
	e := newIncidentEnv(t, 1, nil)
	bs := e.store.(mfa.BatchStore)
	now := e.clock.Now()
	dead := &mfa.Batch{ID: "B-DEAD00", State: mfa.BatchPlanning, Requester: mfatest.Agent, Reason: "phish", Profile: mfa.ProfileReregister,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := bs.CreateBatch(ctx, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "phish"}); mfa.Code(err) != mfa.EConflict {
		t.Fatalf("a plan under way did not hold the next: %v", err)
	}
	// Within the heartbeat's reach the plan is left alone.
	e.clock.Advance(2 * time.Minute)
	if n, _ := e.svc.ExpireBatches(ctx); n != 0 {
		t.Fatal("a live plan was closed")
	}
	e.clock.Advance(4 * time.Minute)
	if n, err := e.svc.ExpireBatches(ctx); n != 1 || err != nil {
		t.Fatalf("stale plan not closed: %d %v", n, err)
	}
	got, _ := e.svc.GetBatch(ctx, dead.ID)
	if got.State != mfa.BatchCancelled || !strings.Contains(got.Note, "interrupted") {
		t.Fatalf("stale plan left as %s %q", got.State, got.Note)
	}
	e.planGroup(t)
}

// deleteCalls counts the DELETEs the directory was sent.
func deleteCalls(d *mfatest.Directory) int {
	n := 0
	for _, c := range d.Calls {
		if strings.HasPrefix(c, "delete ") {
			n++
		}
	}
	return n
}

func TestBatchLearnsWhichMethodIsUsuallyTheDefault(t *testing.T) {
	// Every phished user's default is Microsoft Authenticator (their
	// first method): after three refusals the batch deletes it last, and
	// Graph refuses no more.
	e := newIncidentEnv(t, 40, func(p *mfa.Policy) { p.IncidentWorkers = 1 })
	b := e.approveBoth(t, e.planGroup(t))
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	st, _ := e.svc.BatchStatus(ctx, mfatest.Approver, b.ID)
	if st.Counts.Done != 43 {
		t.Fatalf("counts %+v", st.Counts)
	}
	// 40 users × 3 methods, Alice's 5 and Bob's 1, plus the refusals.
	refused := deleteCalls(e.dir) - (40*3 + 5 + 1)
	if refused > 5 {
		t.Fatalf("%d deletes refused as the default method; the batch did not learn", refused)
	}
}

func TestBatchTriesAThrottledUserAgain(t *testing.T) {
	e := newIncidentEnv(t, 3, nil)
	b := e.approveBoth(t, e.planGroup(t))
	var mu sync.Mutex
	throttled := map[string]bool{}
	e.dir.Fail = func(op, user string) error {
		mu.Lock()
		defer mu.Unlock()
		if (op == "delete" || op == "revoke") && user == "u-p0001" && !throttled[op] {
			throttled[op] = true
			return &mfa.DirectoryError{Op: op, Reason: mfa.ReasonThrottled, Code: "TooManyRequests", Message: "Too many requests"}
		}
		return nil
	}
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	var it mfa.BatchItem
	_ = e.svc.ExportBatch(ctx, mfatest.Approver, b.ID, func(x mfa.BatchItem) error {
		if x.UserID == "u-p0001" {
			it = x
		}
		return nil
	})
	if it.State != mfa.ItemDone || !it.SessionsRevoked || len(it.Removed) != 3 || e.dir.RepeatDeletes != 0 {
		t.Fatalf("throttled user: %+v (repeat deletes %d)", it, e.dir.RepeatDeletes)
	}
}

// bccRecorder is a mfa.BulkMailer that records each mail's recipients.
type bccRecorder struct {
	mu    sync.Mutex
	sends [][]string
	texts []string
}

func (m *bccRecorder) SendMail(_ context.Context, from string, to []string, subject, text string) error {
	return m.SendBcc(context.Background(), from, to, subject, text)
}

func (m *bccRecorder) SendBcc(_ context.Context, from string, bcc []string, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sends = append(m.sends, append([]string(nil), bcc...))
	m.texts = append(m.texts, text)
	return nil
}

func TestBatchTellsTheUsersInGroupsOnce(t *testing.T) {
	e := newIncidentEnv(t, 150, nil)
	mail := &bccRecorder{}
	p := e.svc.Policy()
	p.MailFrom = "security@contoso.com"
	e.svc = mfa.NewService(p, mfa.Deps{Directory: e.dir, Store: e.store, Notifier: e.note, Alerter: e.alerts, Clock: e.clock, Mailer: mail})
	b := e.approveBoth(t, e.planGroup(t))
	if !b.NotifyUsers {
		t.Fatal("a batch with a mailbox does not notify")
	}
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	// 153 users reset: two mails (100 + 53), each user once, in Bcc.
	seen := map[string]int{}
	for _, s := range mail.sends {
		for _, to := range s {
			seen[to]++
		}
	}
	if len(mail.sends) != 2 || len(mail.sends[0]) != 100 || len(seen) != 153 {
		t.Fatalf("%d mails, %d users told", len(mail.sends), len(seen))
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s told %d times", to, n)
		}
	}
	if strings.Contains(mail.texts[0], "p0001") || !strings.Contains(mail.texts[0], "INC-42") {
		t.Fatalf("notice text: %s", mail.texts[0])
	}
	// Running the completed batch again tells nobody twice.
	if _, err := e.svc.RunBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if len(mail.sends) != 2 {
		t.Fatalf("%d mails after a second run", len(mail.sends))
	}
}
