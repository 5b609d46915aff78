package wiring

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// replica starts the production wiring of `mfabot serve` on db and returns
// its messages URL and wiring; several on one file are several processes
// sharing it.
func replica(t *testing.T, ch *channeltest.Channel, fake *graphfake.Server, db string, mod func(*mfa.Policy)) (string, *Wiring) {
	t.Helper()
	lb := demoServeOn(t, ch, fake, db, mod)
	return lb.URL, lb.W
}

// TestLimitsHoldThroughTheBotEndpointOnTwoReplicas: twelve signed "reset
// mfa" messages from one agent at once, spread over two serve processes on
// one database, open five requests (the limit); then five approvals at once
// with the breaker at 2 run two resets.
func TestLimitsHoldThroughTheBotEndpointOnTwoReplicas(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	var targets []string
	for i := range 12 {
		id := fmt.Sprintf("c0000000-0000-4000-8000-%012d", i)
		upn := fmt.Sprintf("user%02d@contoso.com", i)
		fake.AddUser(graphfake.User{ID: id, UPN: upn, Mail: upn, DisplayName: fmt.Sprintf("User %02d", i), AccountEnabled: true,
			Methods: []graphfake.Method{{Kind: mfa.KindAuthenticator, ID: fmt.Sprintf("d0000000-0000-4000-8000-%012d", i), DisplayName: "Phone"}}})
		targets = append(targets, upn)
	}
	db := filepath.Join(t.TempDir(), "mfabot.db")
	policy := func(p *mfa.Policy) { p.PerRequesterLimit, p.BreakerLimit = 5, 2 }
	url1, w := replica(t, ch, fake, db, policy)
	url2, _ := replica(t, ch, fake, db, policy)
	urls := []string{url1, url2}
	hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}
	ada := channeltest.User{ID: "29:ada", AADObjectID: graphfake.DemoApproverID, Name: "Ada Approver"}

	post := func(acts []*botframework.Activity) {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, act := range acts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if status, body, err := ch.Post(urls[i%2], act); err != nil || status != 200 {
					t.Errorf("post %d: %d %v %s", i, status, err, body)
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	var asks []*botframework.Activity
	for _, upn := range targets {
		asks = append(asks, ch.Message(hanna, "reset mfa "+upn+" lost phone"))
	}
	post(asks)
	rs, err := w.Store.ListRequests(context.Background(), mfa.RequestFilter{RequesterID: graphfake.DemoAgentID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 5 {
		t.Fatalf("twelve concurrent requests opened %d against a limit of 5", len(rs))
	}

	var approvals []*botframework.Activity
	for _, r := range rs {
		approvals = append(approvals, ch.Invoke(ada, "", "approve", map[string]any{"requestId": r.ID, "verification": "callback"}))
	}
	post(approvals)
	var completed, pending int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		completed, pending = 0, 0
		busy := false
		for _, r := range rs {
			got, err := w.Store.GetRequest(context.Background(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch got.State {
			case mfa.StateCompleted:
				completed++
			case mfa.StatePending:
				pending++
			case mfa.StateApproved, mfa.StateExecuting:
				busy = true
			default:
				t.Fatalf("request %s ended %s", r.ID, got.State)
			}
		}
		if !busy || time.Now().After(deadline) {
			break
		}
	}
	if completed != 2 || pending != 3 {
		t.Fatalf("five concurrent approvals with the breaker at 2: %d resets ran, %d left pending", completed, pending)
	}
	if st, err := w.Svc.Breaker(context.Background()); err != nil || !st.Paused {
		t.Fatalf("breaker: %+v %v", st, err)
	}
}
