package graph_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// TestWriteQuotaThrottlesAndTheRetryReportsIt: once the fake's write quota
// is spent, a write is answered 429 with Retry-After in whole seconds; the
// client reports the wait to the batch in its context, waits, and the
// refilled quota lets the write through. Reads are never throttled.
func TestWriteQuotaThrottlesAndTheRetryReportsIt(t *testing.T) {
	// Two writes, then one a second.
	s, d := newEnv(t, graphfake.Options{WriteQuota: &graphfake.WriteQuota{Limit: 2, Window: 2 * time.Second}})
	var mu sync.Mutex
	var reported []time.Duration
	c := mfa.WithThrottleReport(ctx, func(w time.Duration) {
		mu.Lock()
		reported = append(reported, w)
		mu.Unlock()
	})
	for range 2 {
		if err := d.RevokeSessions(c, graphfake.DemoBobID); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		if _, err := d.ListMethods(c, graphfake.DemoBobID); err != nil {
			t.Fatalf("a read was throttled: %v", err)
		}
	}
	start := time.Now()
	if err := d.RevokeSessions(c, graphfake.DemoBobID); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < time.Second {
		t.Fatalf("the throttled write went through after %s, before its Retry-After", took)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || reported[0] != time.Second {
		t.Fatalf("reported %v, want [1s]", reported)
	}
	st := s.Stats()
	if st.Throttled != 1 || st.Charged != 3 || s.Revocations(graphfake.DemoBobID) != 3 {
		t.Fatalf("stats %+v, %d revocations", st, s.Revocations(graphfake.DemoBobID))
	}
	var statuses []int
	for _, r := range s.Requests() {
		if r.Method == "POST" {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 4 || statuses[2] != 429 || statuses[3] != 200 {
		t.Fatalf("writes answered %v", statuses)
	}
}

// TestRepeatDeletesAreCounted: deleting a method twice through the client
// is counted once as a repeat.
func TestRepeatDeletesAreCounted(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	office := mfa.Method{Kind: mfa.KindPhone, ID: graphfake.OfficePhoneID, PhoneType: mfa.PhoneOffice}
	if err := d.DeleteMethod(ctx, graphfake.DemoAliceID, office); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.MethodsDeleted != 1 || st.RepeatDeletes != 0 {
		t.Fatalf("%+v", st)
	}
	err := d.DeleteMethod(ctx, graphfake.DemoAliceID, office)
	if !mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if st := s.Stats(); st.MethodsDeleted != 1 || st.RepeatDeletes != 1 {
		t.Fatalf("%+v", st)
	}
}
