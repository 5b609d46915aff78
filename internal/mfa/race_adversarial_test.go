package mfa_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// Control 3 under concurrency: the limits are decided in the store, in the
// same step as the write they limit, so goroutines, Service instances and
// processes sharing one database cannot together pass a limit.

// addTargets adds n resettable users and returns their UPNs.
func (g *rig) addTargets(n int) []string {
	var out []string
	for i := range n {
		id := fmt.Sprintf("u-target-%02d", i)
		upn := id + "@contoso.com"
		g.dir.AddUser(mfa.User{ID: id, UPN: upn, DisplayName: "Target " + id, AccountEnabled: true}, mfatest.AuthApp)
		out = append(out, upn)
	}
	return out
}

// replica opens a second handle on the rig's database file and a Service on
// it, as a second process (mfabot serve beside mfabot reset) would.
func (g *rig) replica() *mfa.Service {
	g.t.Helper()
	st, err := sqlite.Open(context.Background(), g.path)
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { st.Close() })
	return mfa.NewService(g.policy, mfa.Deps{Directory: g.dir, Store: st, Notifier: g.note, Alerter: g.alerts, Clock: g.clock})
}

// TestConcurrentRequestsFromOneAgentStayWithinTheLimit: twelve "reset mfa"
// from one agent at once, half through a second Service on the same file,
// open exactly the per-requester limit of requests, whatever the case of
// the agent's object id.
func TestConcurrentRequestsFromOneAgentStayWithinTheLimit(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.PerRequesterLimit = 5; p.BreakerLimit = 100 })
	targets := g.addTargets(12)
	svcs := []*mfa.Service{g.svc, g.replica()}
	created := atOnce(len(targets), func(i int) bool {
		upn := targets[i]
		agent := mfatest.Agent
		if i%3 == 0 { // the same object id spelled in upper case counts too
			agent.ID = strings.ToUpper(agent.ID)
		}
		_, err := svcs[i%2].Request(ctx, agent, mfa.RequestInput{Target: upn, Reason: "caller says: lost phone"})
		if err != nil && mfa.Code(err) != mfa.ERateLimited {
			t.Errorf("request %s: %v, want rate limited", upn, err)
		}
		return err == nil
	})
	n, err := g.store.CountRequests(ctx, mfa.RequestFilter{RequesterID: mfatest.AgentID})
	if err != nil {
		t.Fatal(err)
	}
	if created != 5 || n != 5 {
		t.Fatalf("%d requests created (%d stored) against a limit of 5", created, n)
	}
	if g.audited(mfa.AuditAlert, "requester_rate_limit") == 0 {
		t.Fatal("the refusals raised no alert")
	}
}

// TestConcurrentApprovalsStayWithinTheBreaker: with the breaker at 2, five
// approvals at once (through two Services on one file), each executed at
// once, run exactly two resets; the others are refused and the breaker
// trips.
func TestConcurrentApprovalsStayWithinTheBreaker(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.BreakerLimit = 2 })
	targets := g.addTargets(5)
	agents := g.addAgents(5)
	var ids []string
	for i, upn := range targets {
		ids = append(ids, g.mustAsk(agents[i], upn).ID)
	}
	svcs := []*mfa.Service{g.svc, g.replica()}
	approved := atOnce(len(ids), func(i int) bool {
		id, svc := ids[i], svcs[i%2]
		r, err := svc.Approve(ctx, mfatest.Approver, id, approveIn())
		if err != nil {
			if mfa.Code(err) != mfa.ERateLimited {
				t.Errorf("approve %s: %v, want rate limited", id, err)
			}
			return false
		}
		if r.State != mfa.StateApproved {
			t.Errorf("approve %s: state %s", id, r.State)
			return false
		}
		if _, err := svc.Execute(ctx, id); err != nil {
			t.Errorf("execute %s: %v", id, err)
		}
		return true
	})
	ran, err := g.store.CountRequests(ctx, mfa.RequestFilter{ExecutedSince: g.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if approved != 2 || ran != 2 {
		t.Fatalf("%d approvals passed and %d resets ran with the breaker at 2", approved, ran)
	}
	if st, err := g.svc.Breaker(ctx); err != nil || !st.Paused {
		t.Fatalf("breaker after the refusals: %+v %v", st, err)
	}
	// The refused requests stay pending, for after an approver resumes.
	for _, id := range ids {
		if r := g.get(id); r.State != mfa.StatePending && r.State != mfa.StateCompleted {
			t.Fatalf("request %s is %s", id, r.State)
		}
	}
}

// TestLimitsHoldAcrossStoreHandles: a request and an approval from a second
// store handle on the file (another process) count against the limits the
// first one enforces.
func TestLimitsHoldAcrossStoreHandles(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.PerRequesterLimit = 1 })
	other := g.replica()
	if _, err := other.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "bob@contoso.com", Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
	_, err := g.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com", Reason: "lost phone"})
	wantCode(t, "second request through the other handle", err, mfa.ERateLimited)
}

// atOnce runs f(0) … f(n-1) in n goroutines released at the same instant
// and counts the calls that report success.
func atOnce(n int, f func(i int) bool) int {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		ok    atomic.Int32
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if f(i) {
				ok.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	return int(ok.Load())
}
