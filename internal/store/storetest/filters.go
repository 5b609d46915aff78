package storetest

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// move applies change to a copy of r with UpdatedAt at, stores it from r's
// state and returns the copy.
func move(t *testing.T, s Store, r *mfa.Request, at time.Time, change func(*mfa.Request)) *mfa.Request {
	t.Helper()
	next := *r
	change(&next)
	next.UpdatedAt = at
	if err := s.UpdateRequest(ctx, &next, r.State); err != nil {
		t.Fatalf("move %s %s → %s: %v", r.ID, r.State, next.State, err)
	}
	return &next
}

func to(st mfa.State) func(*mfa.Request) { return func(r *mfa.Request) { r.State = st } }

// testFilters checks every RequestFilter field, alone and combined, in List
// and Count. A request's execution starts at the UpdatedAt of the update
// that first makes it executing; later updates keep that time.
func testFilters(t *testing.T, s Store, _ *Clock) {
	h := time.Hour
	mk := func(id, target, requester string, created time.Time) *mfa.Request {
		r := pendingRequest(id, target, requester, created)
		if err := s.CreateRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	mk("r1", "T4", "A", base)
	r2 := mk("r2", "T2", "A", base.Add(1*h))
	r3 := mk("r3", "T1", "B", base.Add(2*h))
	r4 := mk("r4", "T3", "B", base.Add(3*h))
	r5 := mk("r5", "T5", "C", base.Add(4*h))

	move(t, s, r2, base.Add(1*h+time.Minute), to(mfa.StateApproved))
	r3 = move(t, s, r3, base.Add(2*h+time.Minute), to(mfa.StateApproved))
	move(t, s, r3, base.Add(3*h), to(mfa.StateExecuting)) // execution starts at base+3h
	r4 = move(t, s, r4, base.Add(3*h+time.Minute), to(mfa.StateApproved))
	r4 = move(t, s, r4, base.Add(4*h), to(mfa.StateExecuting)) // execution starts at base+4h
	move(t, s, r4, base.Add(5*h), func(r *mfa.Request) {
		r.State = mfa.StateCompleted
		r.Result = &mfa.Result{Removed: r.Methods, SessionsRevoked: true, FinishedAt: base.Add(5 * h)}
	})
	move(t, s, r5, base.Add(4*h+time.Minute), to(mfa.StateRejected))

	cases := []struct {
		name string
		f    mfa.RequestFilter
		want []string
	}{
		{"all, newest first", mfa.RequestFilter{}, []string{"r5", "r4", "r3", "r2", "r1"}},
		{"one state", mfa.RequestFilter{States: []mfa.State{mfa.StatePending}}, []string{"r1"}},
		{"two states", mfa.RequestFilter{States: []mfa.State{mfa.StatePending, mfa.StateApproved}}, []string{"r2", "r1"}},
		{"open states", mfa.RequestFilter{States: []mfa.State{mfa.StatePending, mfa.StateApproved, mfa.StateExecuting}}, []string{"r3", "r2", "r1"}},
		{"target", mfa.RequestFilter{TargetID: "T1"}, []string{"r3"}},
		{"unknown target", mfa.RequestFilter{TargetID: "T9"}, nil},
		{"requester", mfa.RequestFilter{RequesterID: "A"}, []string{"r2", "r1"}},
		{"since is inclusive", mfa.RequestFilter{Since: base.Add(2 * h)}, []string{"r5", "r4", "r3"}},
		{"since just after", mfa.RequestFilter{Since: base.Add(2*h + 1)}, []string{"r5", "r4"}},
		{"executed since, inclusive", mfa.RequestFilter{ExecutedSince: base.Add(3 * h)}, []string{"r4", "r3"}},
		{"executed since keeps the first start", mfa.RequestFilter{ExecutedSince: base.Add(4*h + 1)}, nil},
		{"executed since, long ago", mfa.RequestFilter{ExecutedSince: base.Add(-24 * h)}, []string{"r4", "r3"}},
		{"limit", mfa.RequestFilter{Limit: 2}, []string{"r5", "r4"}},
		{"requester and state", mfa.RequestFilter{RequesterID: "B", States: []mfa.State{mfa.StateCompleted}}, []string{"r4"}},
		{"target and executed", mfa.RequestFilter{TargetID: "T1", ExecutedSince: base}, []string{"r3"}},
		{"requester and since and limit", mfa.RequestFilter{RequesterID: "B", Since: base, Limit: 1}, []string{"r4"}},
		{"zone does not matter", mfa.RequestFilter{Since: base.Add(2 * h).In(time.FixedZone("X", -7*3600))}, []string{"r5", "r4", "r3"}},
	}
	for _, c := range cases {
		rs, err := s.ListRequests(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: list: %v", c.name, err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
		}
		if !equalStrings(got, c.want) {
			t.Errorf("%s: listed %v, want %v", c.name, got, c.want)
		}
		n, err := s.CountRequests(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: count: %v", c.name, err)
		}
		if n != len(c.want) {
			t.Errorf("%s: counted %d, want %d", c.name, n, len(c.want))
		}
	}

	// Listed requests are complete, not just ids.
	rs, err := s.ListRequests(ctx, mfa.RequestFilter{States: []mfa.State{mfa.StateCompleted}})
	if err != nil || len(rs) != 1 || rs[0].Result == nil || !rs[0].Result.SessionsRevoked || len(rs[0].Result.Removed) != 1 {
		t.Fatalf("listed request lost its content: %+v %v", rs, err)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
