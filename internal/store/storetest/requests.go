package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func testRequestRoundTrip(t *testing.T, s Store, _ *Clock) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	in := fullRequest("r-full", zone)
	if err := s.CreateRequest(ctx, in); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := s.GetRequest(ctx, "r-full")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	want := fullRequest("r-full", time.UTC)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
	if got.CreatedAt.Location() != time.UTC || got.Result.FinishedAt.Location() != time.UTC {
		t.Fatalf("times not in UTC: %v, %v", got.CreatedAt.Location(), got.Result.FinishedAt.Location())
	}

	// The request read back is the caller's own copy.
	got.State = mfa.StateFailed
	again, err := s.GetRequest(ctx, "r-full")
	if err != nil || again.State != mfa.StatePartial {
		t.Fatalf("stored request changed through a returned copy: %v %v", again.State, err)
	}

	// A minimal request with zero times and no optional parts also survives.
	minimal := &mfa.Request{ID: "r-min", State: mfa.StatePending}
	if err := s.CreateRequest(ctx, minimal); err != nil {
		t.Fatalf("create minimal: %v", err)
	}
	gotMin, err := s.GetRequest(ctx, "r-min")
	if err != nil {
		t.Fatalf("get minimal: %v", err)
	}
	if !reflect.DeepEqual(gotMin, minimal) {
		t.Fatalf("minimal round trip differs:\n got %+v\nwant %+v", gotMin, minimal)
	}
}

func testRequestNotFound(t *testing.T, s Store, _ *Clock) {
	_, err := s.GetRequest(ctx, "nope")
	wantCode(t, err, mfa.ENotFound, "get missing request")

	r := pendingRequest("ghost", "t", "a", base)
	err = s.UpdateRequest(ctx, r, mfa.StatePending)
	wantCode(t, err, mfa.ENotFound, "update missing request")
}

func testCreateDuplicate(t *testing.T, s Store, _ *Clock) {
	r := pendingRequest("dup", "t", "a", base)
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	other := pendingRequest("dup", "t2", "b", base.Add(time.Hour))
	wantCode(t, s.CreateRequest(ctx, other), mfa.EConflict, "create duplicate id")
	got, err := s.GetRequest(ctx, "dup")
	if err != nil || got.Target.ID != "t" {
		t.Fatalf("duplicate create replaced the request: %+v %v", got, err)
	}
}

func testUpdateConditional(t *testing.T, s Store, _ *Clock) {
	r := pendingRequest("u1", "t", "a", base)
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	next := *r
	next.State = mfa.StateApproved
	next.Approver = &mfa.Actor{ID: "approver-1"}
	next.Verification = mfa.VerifiedCallback
	next.UpdatedAt = base.Add(time.Minute)
	if err := s.UpdateRequest(ctx, &next, mfa.StatePending); err != nil {
		t.Fatalf("pending → approved: %v", err)
	}
	got, err := s.GetRequest(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &next) {
		t.Fatalf("update not stored:\n got %+v\nwant %+v", got, &next)
	}

	// A second approval finds it approved: conflict, nothing written.
	stale := next
	stale.State = mfa.StateRejected
	stale.DecisionNote = "too late"
	err = s.UpdateRequest(ctx, &stale, mfa.StatePending)
	wantCode(t, err, mfa.EConflict, "update from the wrong state")
	if msg := mfa.Message(err); !strings.Contains(msg, "u1") || !strings.Contains(msg, "is approved") || !strings.Contains(msg, "pending") {
		t.Fatalf("conflict message %q should name the request, its state and the expected state", msg)
	}
	got, err = s.GetRequest(ctx, "u1")
	if err != nil || got.State != mfa.StateApproved || got.DecisionNote != "" {
		t.Fatalf("conflicting update changed the request: %+v %v", got, err)
	}

	// Any of several states is accepted.
	exec := next
	exec.State = mfa.StateExecuting
	if err := s.UpdateRequest(ctx, &exec, mfa.StatePending, mfa.StateApproved); err != nil {
		t.Fatalf("approved → executing with two from states: %v", err)
	}
}

// testUpdateRace moves one request pending → approved from many goroutines
// at once: exactly one wins, and the stored request is the winner's.
func testUpdateRace(t *testing.T, s Store, _ *Clock) {
	RaceApproval(t, []mfa.Store{s}, pendingRequest("race", "t", "a", base), 50)
}
