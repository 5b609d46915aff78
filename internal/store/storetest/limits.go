package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// testLimitOnCreate: many creations at once against one per-requester
// limit insert exactly the limit's room, and refuse the rest with an
// ERateLimited naming the limit.
func testLimitOnCreate(t *testing.T, s Store, _ *Clock) {
	// One request of the window exists already, and one of another
	// requester, which does not count.
	if err := s.CreateRequest(ctx, pendingRequest("old", "T-old", "A", base)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRequest(ctx, pendingRequest("other", "T-other", "B", base)); err != nil {
		t.Fatal(err)
	}
	RaceLimitedCreate(t, []mfa.Store{s}, "A", 20, 5)
}

// RaceLimitedCreate creates racers requests of requester at once, goroutine
// i through stores[i%len(stores)], each under the limit "requests of
// requester since base: at most max". It fails t unless the store ends
// with exactly max requests of requester since base, every refusal is an
// ERateLimited caused by a *LimitError, and nothing else failed. Requests
// of requester that exist before count.
func RaceLimitedCreate(t *testing.T, stores []mfa.Store, requester string, racers, max int) {
	t.Helper()
	errs := CreateRacing(stores, requester, requester, racers, max)
	for i, err := range errs {
		if err == nil {
			continue
		}
		wantCode(t, err, mfa.ERateLimited, fmt.Sprintf("creation %d", i))
		var le *mfa.LimitError
		if !errors.As(err, &le) || le.Limit != mfa.LimitRequester || le.Max != max || le.Count < max {
			t.Fatalf("creation %d refused with %v, want the requester limit's *LimitError", i, err)
		}
	}
	for n, s := range stores {
		got, err := s.CountRequests(ctx, mfa.RequestFilter{RequesterID: requester, Since: base})
		if err != nil {
			t.Fatal(err)
		}
		if got != max {
			t.Fatalf("store %d holds %d requests of %s against a limit of %d", n, got, requester, max)
		}
	}
}

// RequesterLimit is the per-requester limit as the service sets it:
// requests of requester since base, at most max.
func RequesterLimit(requester string, max int) mfa.Limit {
	return mfa.Limit{Name: mfa.LimitRequester, Max: max, Count: []mfa.RequestFilter{{RequesterID: requester, Since: base}}}
}

// CreateRacing creates racers requests of requester at once, goroutine i
// through stores[i%len(stores)], each under RequesterLimit(requester, max),
// and returns each creation's error. Request ids start with prefix, which
// must be unique per call (per process, when processes race).
func CreateRacing(stores []mfa.Store, prefix, requester string, racers, max int) []error {
	limit := RequesterLimit(requester, max)
	return atOnce(racers, func(i int) (func() error, error) {
		id := fmt.Sprintf("lim-%s-%03d", prefix, i)
		r := pendingRequest(id, "T-"+id, requester, base.Add(time.Duration(i)))
		s := stores[i%len(stores)]
		_ = s.Ping(ctx) // connections open before the race
		return func() error { return s.CreateRequest(ctx, r, limit) }, nil
	})
}

// atOnce prepares racers goroutines with prepare(i), then lets every
// prepared one run at the same instant, and returns each one's error (or
// its preparation's).
func atOnce(racers int, prepare func(i int) (func() error, error)) []error {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, racers)
	)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := prepare(i)
			if err != nil {
				errs[i] = err
				return
			}
			<-start
			errs[i] = run()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// testLimitOnUpdate: approvals of many requests at once under a breaker
// that counts approved and executed requests leave exactly the room
// approved; a refused write changes nothing.
func testLimitOnUpdate(t *testing.T, s Store, _ *Clock) {
	// One reset ran already: it counts through ExecutedSince.
	ran := pendingRequest("ran", "T-ran", "A", base)
	ran.State = mfa.StateExecuting
	if err := s.CreateRequest(ctx, ran); err != nil {
		t.Fatal(err)
	}
	RaceLimitedApprovals(t, []mfa.Store{s}, 12, 3)
}

// BreakerLimit is a breaker as the service sets it: executions since base
// and approved requests waiting to run, at most max.
func BreakerLimit(max int) mfa.Limit {
	return mfa.Limit{Name: mfa.LimitBreaker, Max: max, Count: []mfa.RequestFilter{
		{ExecutedSince: base}, {States: []mfa.State{mfa.StateApproved}}}}
}

// RaceLimitedApprovals creates racers pending requests and approves them
// all at once, goroutine i through stores[i%len(stores)], under
// BreakerLimit(max). It fails t unless exactly max minus what the store
// counts already is approved, each refusal is ERateLimited and leaves its
// request pending.
func RaceLimitedApprovals(t *testing.T, stores []mfa.Store, racers, max int) {
	t.Helper()
	before := 0
	for _, f := range BreakerLimit(max).Count {
		n, err := stores[0].CountRequests(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		before += n
	}
	rs := make([]*mfa.Request, racers)
	for i := range rs {
		rs[i] = pendingRequest(fmt.Sprintf("brk-%03d", i), fmt.Sprintf("T-brk-%03d", i), fmt.Sprintf("A-%d", i), base.Add(time.Duration(i)))
		if err := stores[0].CreateRequest(ctx, rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, racers)
	)
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := *r
			next.State = mfa.StateApproved
			_ = stores[i%len(stores)].Ping(ctx)
			<-start
			errs[i] = stores[i%len(stores)].WriteRequest(ctx, &next, mfa.Cond{From: []mfa.State{mfa.StatePending}, Limits: []mfa.Limit{BreakerLimit(max)}})
		}()
	}
	close(start)
	wg.Wait()
	approved := 0
	for i, err := range errs {
		if err == nil {
			approved++
			continue
		}
		wantCode(t, err, mfa.ERateLimited, fmt.Sprintf("approval %d", i))
		got, gerr := stores[0].GetRequest(ctx, rs[i].ID)
		if gerr != nil || got.State != mfa.StatePending {
			t.Fatalf("refused approval %d left the request %v (%v)", i, got, gerr)
		}
	}
	if approved != max-before {
		t.Fatalf("%d approvals passed a breaker of %d with %d counted before", approved, max, before)
	}
}

// testLease: the execution lease is taken with the move to executing, keeps
// other owners out while it runs, is renewed by its owner only, may be
// taken over once run out, and is freed when the request finishes.
func testLease(t *testing.T, s Store, c *Clock) {
	r := pendingRequest("lease", "T-lease", "A", base)
	r.State = mfa.StateApproved
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	now := base.Add(time.Hour)
	claim := func(owner string, at time.Time, from mfa.State) error {
		next := *r
		next.State, next.UpdatedAt = mfa.StateExecuting, at
		return s.WriteRequest(ctx, &next, mfa.Cond{From: []mfa.State{from}, Lease: &mfa.Lease{Owner: owner, Now: at, Until: at.Add(time.Minute)}})
	}
	if err := claim("A", now, mfa.StateApproved); err != nil {
		t.Fatalf("first claim: %v", err)
	}
	err := claim("B", now.Add(59*time.Second), mfa.StateExecuting)
	wantCode(t, err, mfa.EConflict, "claim while A's lease runs")
	if err := claim("A", now.Add(30*time.Second), mfa.StateExecuting); err != nil {
		t.Fatalf("the owner's own claim: %v", err)
	}
	// A renews: its lease now runs to +2m.
	if err := s.RenewLease(ctx, r.ID, "A", now.Add(2*time.Minute)); err != nil {
		t.Fatalf("renewal: %v", err)
	}
	wantCode(t, s.RenewLease(ctx, r.ID, "B", now.Add(time.Hour)), mfa.EConflict, "renewal by another owner")
	wantCode(t, claim("B", now.Add(110*time.Second), mfa.StateExecuting), mfa.EConflict, "claim within the renewed lease")
	// A stops renewing; after +2m B takes over, and A may not renew or write.
	if err := claim("B", now.Add(2*time.Minute), mfa.StateExecuting); err != nil {
		t.Fatalf("take-over after the lease ran out: %v", err)
	}
	wantCode(t, s.RenewLease(ctx, r.ID, "A", now.Add(time.Hour)), mfa.EConflict, "renewal after a take-over")
	done := *r
	done.State = mfa.StateCompleted
	stale := mfa.Cond{From: []mfa.State{mfa.StateExecuting}, Lease: &mfa.Lease{Owner: "A", Now: now.Add(150 * time.Second), Until: now.Add(time.Hour)}}
	wantCode(t, s.WriteRequest(ctx, &done, stale), mfa.EConflict, "finish by the former owner")
	if got, _ := s.GetRequest(ctx, r.ID); got.State != mfa.StateExecuting {
		t.Fatalf("state %s after a refused finish", got.State)
	}
	// B finishes: the lease is freed with the final state.
	fin := mfa.Cond{From: []mfa.State{mfa.StateExecuting}, Lease: &mfa.Lease{Owner: "B", Now: now.Add(150 * time.Second), Until: now.Add(time.Hour)}}
	if err := s.WriteRequest(ctx, &done, fin); err != nil {
		t.Fatalf("finish by the owner: %v", err)
	}
	wantCode(t, s.RenewLease(ctx, r.ID, "B", now.Add(time.Hour)), mfa.EConflict, "renewal of a finished request")
	// A write without a lease condition is not held up by a lease.
	other := pendingRequest("plain", "T-plain", "A", base)
	if err := s.CreateRequest(ctx, other); err != nil {
		t.Fatal(err)
	}
	next := *other
	next.State = mfa.StateCancelled
	if err := s.WriteRequest(ctx, &next, mfa.Cond{From: []mfa.State{mfa.StatePending}}); err != nil {
		t.Fatal(err)
	}
}

// testLeaseRace: many owners take over one run-out lease at once; one wins.
func testLeaseRace(t *testing.T, s Store, _ *Clock) {
	RaceLeaseTakeover(t, []mfa.Store{s}, 16)
}

// LeftExecuting creates a request that a crashed executor left executing
// under a lease that has run out by TakeoverAt, and returns its id.
func LeftExecuting(s mfa.Store) (string, error) {
	r := pendingRequest("takeover", "T-takeover", "A", base)
	r.State = mfa.StateExecuting
	if err := s.CreateRequest(ctx, r); err != nil {
		return "", err
	}
	at := base.Add(time.Hour)
	crashed := mfa.Cond{From: []mfa.State{mfa.StateExecuting}, Lease: &mfa.Lease{Owner: "crashed", Now: at, Until: at.Add(time.Minute)}}
	return r.ID, s.WriteRequest(ctx, r, crashed)
}

// TakeoverAt is a time at which the lease LeftExecuting wrote has run out.
var TakeoverAt = base.Add(time.Hour + 2*time.Minute)

// ClaimRacing lets racers owners, named prefix-i, take the request id over
// at once at TakeoverAt, owner i through stores[i%len(stores)], and
// returns each claim's error.
func ClaimRacing(stores []mfa.Store, id, prefix string, racers int) []error {
	return atOnce(racers, func(i int) (func() error, error) {
		s := stores[i%len(stores)]
		r, err := s.GetRequest(ctx, id)
		if err != nil {
			return nil, err
		}
		c := mfa.Cond{From: []mfa.State{mfa.StateExecuting}, Lease: &mfa.Lease{Owner: fmt.Sprintf("%s-%d", prefix, i), Now: TakeoverAt, Until: TakeoverAt.Add(time.Minute)}}
		return func() error { return s.WriteRequest(ctx, r, c) }, nil
	})
}

// RaceLeaseTakeover leaves a request executing under a lease that ran out
// and lets racers owners claim it at once, owner i through
// stores[i%len(stores)]. It fails t unless exactly one claim wins and the
// others get EConflict.
func RaceLeaseTakeover(t *testing.T, stores []mfa.Store, racers int) {
	t.Helper()
	id, err := LeftExecuting(stores[0])
	if err != nil {
		t.Fatal(err)
	}
	errs := ClaimRacing(stores, id, "owner", racers)
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("owners %d and %d both took the lease over", won, i)
		case err == nil:
			won = i
		default:
			wantCode(t, err, mfa.EConflict, fmt.Sprintf("claim %d", i))
		}
	}
	if won < 0 {
		t.Fatal("no owner took the run-out lease over")
	}
	if err := stores[0].RenewLease(ctx, id, fmt.Sprintf("owner-%d", won), TakeoverAt.Add(2*time.Minute)); err != nil {
		t.Fatalf("the winner cannot renew: %v", err)
	}
}
