package mfa_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

func TestResumeApprovedRunsRequestsOrphanedByACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "alice@contoso.com")
	// The process approves, then dies before its background Execute.
	if got, err := e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil || got.State != mfa.StateApproved {
		t.Fatalf("approve: %v", err)
	}
	svc2 := mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: e.dir, Store: e.store, Notifier: e.note, Clock: e.clock})
	if n, err := svc2.Resume(ctx); err != nil || n != 0 {
		t.Fatalf("resume of executing requests: %d %v", n, err)
	}
	// Within the grace period the approving process may still be starting it.
	if n, err := svc2.ResumeApproved(ctx); err != nil || n != 0 {
		t.Fatalf("resume approved within grace: %d %v", n, err)
	}
	e.clock.Advance(2 * time.Minute)
	if n, err := svc2.ResumeApproved(ctx); err != nil || n != 1 {
		t.Fatalf("resume approved: %d %v", n, err)
	}
	done, err := svc2.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != mfa.StateCompleted || len(done.Result.Removed) != 5 {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	if types := auditTypes(t, e.store); !slices.Contains(types, mfa.AuditExecuting) || !slices.Contains(types, mfa.AuditCompleted) {
		t.Fatalf("audit %v", types)
	}
	// Nothing is left to run a second time.
	if n, err := svc2.ResumeApproved(ctx); err != nil || n != 0 {
		t.Fatalf("second resume approved: %d %v", n, err)
	}
}

// failingAudit is a store whose audit refuses one event type.
type failingAudit struct {
	mfa.Store
	typ string
}

func (f failingAudit) AppendAudit(ctx context.Context, e mfa.AuditEvent) (mfa.AuditRecord, error) {
	if e.Type == f.typ {
		return mfa.AuditRecord{}, errors.New("disk full")
	}
	return f.Store.AppendAudit(ctx, e)
}

func TestUnauditedApprovalIsUndone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "alice@contoso.com")
	svc := mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: e.dir, Store: failingAudit{e.store, mfa.AuditApproved}, Notifier: e.note, Clock: e.clock})
	if _, err := svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); mfa.Code(err) != mfa.EUnavailable {
		t.Fatalf("approve with a failing audit: %v", err)
	}
	got, err := e.store.GetRequest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != mfa.StatePending || got.Approver != nil {
		t.Fatalf("after an unaudited approval: state %s approver %v", got.State, got.Approver)
	}
	e.clock.Advance(2 * time.Minute)
	if n, err := e.svc.ResumeApproved(ctx); err != nil || n != 0 {
		t.Fatalf("an unaudited approval was executed: %d %v", n, err)
	}
}

// A request executing without any lease (left by an mfabot from before
// execution leases, during an upgrade) is left alone until it has been idle
// for the length of a lease.
func TestResumeWaitsForTheLeaseWithReplicas(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.request(t, "bob@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	got, _ := e.svc.Get(ctx, r.ID)
	running := *got
	running.State, running.UpdatedAt = mfa.StateExecuting, e.clock.Now()
	if err := e.store.UpdateRequest(ctx, &running, mfa.StateApproved); err != nil {
		t.Fatal(err)
	}
	p := mfatest.Policy()
	p.ExecutionLease = 5 * time.Minute
	other := mfa.NewService(p, mfa.Deps{Directory: e.dir, Store: e.store, Notifier: e.note, Clock: e.clock})
	if n, err := other.Resume(ctx); err != nil || n != 0 {
		t.Fatalf("took over a request another replica may be running: %d %v", n, err)
	}
	if e.dir.Count("delete") != 0 {
		t.Fatal("deleted within the lease")
	}
	e.clock.Advance(6 * time.Minute)
	if n, err := other.Resume(ctx); err != nil || n != 1 {
		t.Fatalf("after the lease: %d %v", n, err)
	}
	if done, _ := other.Get(ctx, r.ID); done.State != mfa.StateCompleted {
		t.Fatalf("state %s", done.State)
	}
}

// Like an approval, a rejection, a cancellation or a "Yes" that the audit
// cannot hold is undone: no decision stands without its record.
func TestUnauditedDecisionsAreUndone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		typ    string
		decide func(svc *mfa.Service, id string) error
	}{
		{mfa.AuditRejected, func(svc *mfa.Service, id string) error {
			_, err := svc.Reject(ctx, mfatest.Approver, id, "no")
			return err
		}},
		{mfa.AuditCancelled, func(svc *mfa.Service, id string) error {
			_, err := svc.Cancel(ctx, mfatest.Agent, id)
			return err
		}},
		{mfa.AuditConfirmed, func(svc *mfa.Service, id string) error {
			_, err := svc.Confirm(ctx, mfatest.Alice, id, true)
			return err
		}},
	} {
		t.Run(c.typ, func(t *testing.T) {
			e := newEnv(t, nil)
			e.note.Reachable[mfatest.AliceID] = true
			r := e.request(t, "alice@contoso.com")
			svc := mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: e.dir, Store: failingAudit{e.store, c.typ}, Notifier: e.note, Clock: e.clock})
			if err := c.decide(svc, r.ID); mfa.Code(err) != mfa.EUnavailable {
				t.Fatalf("decision with a failing audit: %v", err)
			}
			got, err := e.store.GetRequest(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != mfa.StatePending || got.Confirmation != mfa.ConfirmAsked || got.DecidedBy != nil {
				t.Fatalf("after an unaudited %s: state %s confirmation %q decided by %v", c.typ, got.State, got.Confirmation, got.DecidedBy)
			}
		})
	}
}
