package mfa_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// Control: exactly one executor per request, whatever the store. The
// operator CLI and mfabot serve are two processes on one SQLite file here:
// two store handles, two Services.

// stallFirstDelete makes the first DeleteMethod wait until release is
// closed, after telling entered; later calls go through.
func stallFirstDelete(d *mfatest.Directory) (entered, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	d.Fail = func(op, _ string) error {
		if op == "delete" {
			first := false
			once.Do(func() { first = true })
			if first {
				close(entered)
				<-release
			}
		}
		return nil
	}
	return entered, release
}

func TestServeDoesNotTakeOverARunningCLIReset(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.ExecutionLease = time.Minute })
	serve := g.replica()
	entered, release := stallFirstDelete(g.dir)
	type outcome struct {
		r   *mfa.Request
		err error
	}
	cli := make(chan outcome, 1)
	go func() {
		r, err := g.svc.OperatorReset(ctx, mfatest.Approver2, mfa.RequestInput{Target: "alice@contoso.com", Reason: "lost phone"}, "")
		cli <- outcome{r, err}
	}()
	<-entered
	// serve starts while the CLI is deleting: its start-up recovery must
	// leave the request alone, however long ago it was approved.
	g.clock.Advance(30 * time.Second)
	if n, err := serve.Resume(ctx); err != nil || n != 0 {
		t.Fatalf("serve resumed %d running requests (%v)", n, err)
	}
	for range 6 { // two minutes more, the CLI renewing its lease as it does
		g.clock.Advance(20 * time.Second)
		if g.svc.RenewLeases(ctx) != 1 {
			t.Fatal("the CLI could not renew its lease")
		}
	}
	if n, err := serve.Resume(ctx); err != nil || n != 0 {
		t.Fatalf("serve took over a request whose lease is renewed: %d (%v)", n, err)
	}
	if n, err := serve.ResumeApproved(ctx); err != nil || n != 0 {
		t.Fatalf("serve ran approved requests: %d (%v)", n, err)
	}
	close(release)
	out := <-cli
	if out.err != nil || out.r.State != mfa.StateCompleted {
		t.Fatalf("the CLI's reset: %v %+v", out.err, out.r.Result)
	}
	// Alice has five methods of the profile; each was deleted once, and her
	// sessions revoked once.
	if n := g.dir.Count("delete"); n != 5 {
		t.Fatalf("%d deletes, want 5", n)
	}
	if n := g.dir.Count("revoke"); n != 1 {
		t.Fatalf("sessions revoked %d times", n)
	}
}

// TestCrashedExecutorIsTakenOverOnlyAfterItsLeaseExpires: a process that
// dies mid-run (here: hangs and stops renewing) is taken over once its
// lease has run out, and when it wakes up it changes nothing more and
// does not overwrite the result.
func TestCrashedExecutorIsTakenOverOnlyAfterItsLeaseExpires(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.ExecutionLease = time.Minute })
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if _, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	other := g.replica()
	entered, release := stallFirstDelete(g.dir)
	type outcome struct {
		r   *mfa.Request
		err error
	}
	first := make(chan outcome, 1)
	go func() {
		r, err := g.svc.Execute(ctx, r.ID)
		first <- outcome{r, err}
	}()
	<-entered
	// The first wave's other three deletes went out beside the stalled one.
	for deadline := time.Now().Add(10 * time.Second); g.dir.Count("delete") < 4; {
		if time.Now().After(deadline) {
			t.Fatalf("first wave: %d deletes", g.dir.Count("delete"))
		}
		time.Sleep(time.Millisecond)
	}
	g.clock.Advance(59 * time.Second)
	if n, err := other.Resume(ctx); err != nil || n != 0 {
		t.Fatalf("took over within the lease: %d (%v)", n, err)
	}
	g.clock.Advance(2 * time.Second) // no renewal: the lease has run out
	if n, err := other.Resume(ctx); err != nil || n != 1 {
		t.Fatalf("take-over after the lease ran out: %d (%v)", n, err)
	}
	taken := g.get(r.ID)
	if taken.State != mfa.StateCompleted {
		t.Fatalf("after the take-over: %s", taken.State)
	}
	before := g.dir.Count("delete")
	close(release)
	out := <-first
	if mfa.Code(out.err) != mfa.EConflict {
		t.Fatalf("the stale executor finished with %v, want a conflict", out.err)
	}
	if got := g.get(r.ID); got.State != mfa.StateCompleted || got.Result.FinishedAt != taken.Result.FinishedAt {
		t.Fatalf("the stale executor overwrote the result: %s %+v", got.State, got.Result)
	}
	// The stale executor's in-flight delete completed; it sent nothing after.
	if n := g.dir.Count("revoke"); n != 1 {
		t.Fatalf("sessions revoked %d times", n)
	}
	if n := g.dir.Count("delete"); n != before {
		t.Fatalf("the stale executor sent %d more deletes after it lost its lease", n-before)
	}
	if g.audited(mfa.AuditLeaseLost, "") != 1 {
		t.Fatal("the lost lease is not audited")
	}
}

// TestHeartbeatKeepsTheLeaseOfALongRun runs on the real clock with a lease
// of one second: an execution stalled for more than two leases keeps its
// lease through its own heartbeat, so a second process never takes it over.
func TestHeartbeatKeepsTheLeaseOfALongRun(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	p := g.policy
	p.ExecutionLease = time.Second
	first := mfa.NewService(p, mfa.Deps{Directory: g.dir, Store: g.store, Notifier: g.note})
	st, err := sqlite.Open(ctx, g.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	second := mfa.NewService(p, mfa.Deps{Directory: g.dir, Store: st, Notifier: g.note})
	r, err := first.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "bob@contoso.com", Reason: "lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	entered, release := stallFirstDelete(g.dir)
	done := make(chan error, 1)
	go func() {
		_, err := first.Execute(ctx, r.ID)
		done <- err
	}()
	<-entered
	for range 6 {
		time.Sleep(400 * time.Millisecond)
		if n, err := second.Resume(ctx); err != nil || n != 0 {
			t.Fatalf("a second process took over a run whose executor renews its lease: %d (%v)", n, err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, _ := first.Get(ctx, r.ID); got.State != mfa.StateCompleted {
		t.Fatalf("state %s", got.State)
	}
	if n := g.dir.Count("revoke"); n != 1 {
		t.Fatalf("sessions revoked %d times", n)
	}
}
