package reset

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
)

// testLatency is wider than the benchmark's so that a busy CI machine,
// slow to start the requests of one wave, does not split it in two.
const testLatency = 100 * time.Millisecond

// TestCriticalPathAtMostFour holds the plan to its target: list,
// concurrent deletes, default method, verify — revocation beside — however
// many methods the user has. It counts waves from the fake's request log,
// not wall time.
func TestCriticalPathAtMostFour(t *testing.T) {
	e := newEnv(t, testLatency)
	for _, n := range Sizes {
		t.Run(fmt.Sprintf("methods=%d", n), func(t *testing.T) {
			u := User(n)
			r, err := e.svc.Execute(ctx, e.approved(t, u, false))
			checkResult(t, r, err, n)
			e.checkCleared(t, u)
			trips, calls := e.measure()
			t.Logf("%d round trips, %d Graph calls", trips, calls)
			if trips > 4 {
				t.Errorf("%d round trips on the critical path, want at most 4:%s", trips, e.requestLog())
			}
			// list, n deletes (the default one possibly twice), revoke, verify
			if calls < n+3 {
				t.Errorf("%d Graph calls, want at least %d:%s", calls, n+3, e.requestLog())
			}
		})
	}
}

// TestSequentialIsOneRoundTripPerCall checks the baseline and the counter
// together: Microsoft's algorithm clears the users, and every call it makes
// is its own round trip (list, each method, the default method again).
func TestSequentialIsOneRoundTripPerCall(t *testing.T) {
	e := newEnv(t, testLatency)
	for _, n := range Sizes {
		t.Run(fmt.Sprintf("methods=%d", n), func(t *testing.T) {
			u := User(n)
			e.seed(u)
			e.arm()
			res, err := Sequential(ctx, e.dir, u.ID)
			if err != nil || len(res.Kept) > 0 || len(res.Removed) != n {
				t.Fatalf("removed %d of %d, kept %v, err %v", len(res.Removed), n, res.Kept, err)
			}
			e.checkCleared(t, u)
			want := n + 2 // the default method is refused once, then deleted last
			if n == 1 {
				want = 2 // a lone method is deleted at the first try
			}
			// The listing reads hardware OATH tokens from Graph's beta API
			// beside v1.0's methods: one more call, in the same round trip.
			trips, calls := e.measure()
			if trips != want || calls != want+1 {
				t.Errorf("%d round trips and %d calls, want %d and %d:%s", trips, calls, want, want+1, e.requestLog())
			}
		})
	}
}

// TestSequentialLeavesASecondRefusal shows why the baseline is not the
// plan: when two methods are refused in the loop (here mobile, blocked by
// the alternate mobile listed after it, and the default Authenticator) only
// the last is tried again.
func TestSequentialLeavesASecondRefusal(t *testing.T) {
	e := newEnv(t, 0)
	u := User(4) // Authenticator, mobile, alternateMobile, software OATH
	u.DefaultMethodID = authenticatorA
	e.seed(u)
	res, err := Sequential(ctx, e.dir, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kept) != 1 || res.Kept[0].ID != authenticatorA || len(res.Removed) != 3 {
		t.Fatalf("removed %v, kept %v; want the default Authenticator kept", res.Removed, res.Kept)
	}
}

// TestCriticalPathDefaultBehindMobile bounds the case the target cannot
// cover: with an alternate mobile phone and a default that is not the
// mobile phone, Graph's rules chain three deletes (alternateMobile before
// mobile, mobile before the default), so list + 3 + verify = 5 is the least
// any plan can do.
func TestCriticalPathDefaultBehindMobile(t *testing.T) {
	e := newEnv(t, testLatency)
	u := User(8)
	u.DefaultMethodID = authenticatorB
	r, err := e.svc.Execute(ctx, e.approved(t, u, false))
	checkResult(t, r, err, 8)
	e.checkCleared(t, u)
	trips, calls := e.measure()
	t.Logf("%d round trips, %d Graph calls:%s", trips, calls, e.requestLog())
	if trips > 5 {
		t.Errorf("%d round trips on the critical path, want at most 5:%s", trips, e.requestLog())
	}
}

// TestCriticalPathWithTAP bounds a reset that also issues a Temporary
// Access Pass. The pass is issued before anything is deleted (if Graph
// refuses it, nothing is), after the first round trip has checked the
// target: one round trip more than without a pass, and the pass precedes
// every delete.
func TestCriticalPathWithTAP(t *testing.T) {
	e := newEnv(t, testLatency)
	u := User(8)
	r, err := e.svc.Execute(ctx, e.approved(t, u, true))
	checkResult(t, r, err, 8)
	if !r.Result.TAPIssued {
		t.Fatalf("no TAP issued: %+v", r.Result)
	}
	trips, calls := e.measure()
	t.Logf("%d round trips, %d Graph calls:%s", trips, calls, e.requestLog())
	if trips > 5 {
		t.Errorf("%d round trips on the critical path, want at most 5:%s", trips, e.requestLog())
	}
	var tapAt, firstDelete time.Time
	for _, r := range e.fake.Requests() {
		switch {
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/temporaryAccessPassMethods"):
			tapAt = r.Time
		case r.Method == "DELETE" && firstDelete.IsZero():
			firstDelete = r.Time
		}
	}
	if tapAt.IsZero() || firstDelete.IsZero() || !tapAt.Before(firstDelete) {
		t.Errorf("pass at %v, first delete at %v:%s", tapAt, firstDelete, e.requestLog())
	}
}

func TestRoundTrips(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	at := func(ms ...int) []graphfake.Request {
		var out []graphfake.Request
		for _, m := range ms {
			out = append(out, graphfake.Request{Time: t0.Add(time.Duration(m) * time.Millisecond)})
		}
		return out
	}
	const lat = 50 * time.Millisecond
	for _, c := range []struct {
		name string
		reqs []graphfake.Request
		want int
	}{
		{"none", nil, 0},
		{"one", at(0), 1},
		{"one wave", at(0, 1, 2, 49), 1},
		{"four waves", at(0, 51, 52, 53, 104, 105, 160), 4},
		{"unordered", at(104, 0, 53, 160, 51), 4},
		{"sequential", at(0, 50, 100, 150, 200), 5},
		// 30 and 60 are concurrent with nothing before them a latency
		// earlier except 0 (for 60): two waves, not three.
		{"overlapping", at(0, 30, 60), 2},
	} {
		if got := RoundTrips(c.reqs, lat); got != c.want {
			t.Errorf("%s: %d round trips, want %d", c.name, got, c.want)
		}
	}
}
