package mfa_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// quotaDirectory is the test tenant behind a write quota, answering
// throttled writes as internal/graph does: it reports Graph's Retry-After
// to the running batch (mfa.ReportThrottle), waits it out, and tries again.
type quotaDirectory struct {
	*mfatest.Directory
	rate       float64 // tokens a second
	burst      float64
	retryAfter time.Duration

	mu     sync.Mutex
	tokens float64
	last   time.Time
	sent   []time.Time // every write that reached the quota
	storms []time.Time // every 429 answered
}

func (q *quotaDirectory) take(ctx context.Context) {
	for {
		q.mu.Lock()
		now := time.Now()
		q.tokens = min(q.burst, q.tokens+now.Sub(q.last).Seconds()*q.rate)
		q.last = now
		q.sent = append(q.sent, now)
		if q.tokens >= 1 {
			q.tokens--
			q.mu.Unlock()
			return
		}
		q.storms = append(q.storms, now)
		q.mu.Unlock()
		mfa.ReportThrottle(ctx, q.retryAfter)
		time.Sleep(q.retryAfter)
	}
}

func (q *quotaDirectory) DeleteMethod(ctx context.Context, userID string, m mfa.Method) error {
	q.take(ctx)
	return q.Directory.DeleteMethod(ctx, userID, m)
}

func (q *quotaDirectory) RevokeSessions(ctx context.Context, userID string) error {
	q.take(ctx)
	return q.Directory.RevokeSessions(ctx, userID)
}

// TestBatchBacksOffOnEveryReplicaWhenGraphThrottles runs one batch on two
// replicas sharing a database while Graph allows half the configured write
// rate: after each 429, no replica starts a write until Graph's
// Retry-After has passed — besides the writes already past the throttle
// (at most one per worker and method) and the throttled call's own retry.
func TestBatchBacksOffOnEveryReplicaWhenGraphThrottles(t *testing.T) {
	dir := mfatest.Tenant()
	dir.AddMember(incidentGroup, mfatest.AgentID)
	dir.GroupNames[phishedGroup] = "Phished users"
	const users = 60
	for i := range users {
		id := fmt.Sprintf("u-p%04d", i)
		dir.AddUser(mfa.User{ID: id, UPN: fmt.Sprintf("p%04d@contoso.com", i), AccountEnabled: true}, mfatest.AuthApp, mfatest.Mobile, mfatest.OATH)
		dir.AddMember(phishedGroup, id)
	}
	q := &quotaDirectory{Directory: dir, rate: 150, burst: 10, retryAfter: 300 * time.Millisecond, tokens: 10, last: time.Now()}
	path := t.TempDir() + "/mfabot.db"
	p := mfatest.Policy()
	p.IncidentGroupID, p.IncidentWriteRate, p.IncidentWorkers = incidentGroup, 300, 4
	var svcs []*mfa.Service
	for range 2 {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svcs = append(svcs, mfa.NewService(p, mfa.Deps{Directory: q, Store: st}))
	}
	b, err := svcs[0].PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{Group: phishedGroup, Reason: "phish"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svcs[0].ApproveBatch(ctx, mfatest.Approver, b.ID, "INC-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svcs[1].ApproveBatch(ctx, mfatest.Approver2, b.ID, "INC-1"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, s := range svcs {
		wg.Go(func() {
			if _, err := s.RunBatch(ctx, b.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st, err := svcs[0].BatchStatus(ctx, mfatest.Approver, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Batch.State != mfa.BatchCompleted || st.Counts.Done != users {
		t.Fatalf("batch %s, %+v", st.Batch.State, st.Counts)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.storms) == 0 {
		t.Fatal("Graph never throttled: the test tests nothing")
	}
	// Writes past the throttle when a hold begins: one in flight per
	// worker (2 replicas × 4 workers), as many just released, and the
	// other replica's block of slots reserved before the hold (a
	// twentieth of a second: 15). Without the hold, 78 would be sent.
	const slack = 2*4 + 2*4 + 15
	for _, at := range q.storms {
		from, to := at.Add(20*time.Millisecond), at.Add(q.retryAfter-20*time.Millisecond)
		n := 0
		for _, s := range q.sent {
			if s.After(from) && s.Before(to) {
				n++
			}
		}
		if n > slack {
			t.Fatalf("after a 429 at %s, %d writes were sent within Retry-After (at most %d were under way)", at.Format("15:04:05.000"), n, slack)
		}
	}
	t.Logf("%d writes sent, %d answered 429", len(q.sent), len(q.storms))
}
