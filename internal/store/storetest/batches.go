package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// testBatchRoundTrip: a batch reads back exactly as created, in UTC, as the
// caller's own copy.
func testBatchRoundTrip(t *testing.T, s Store, _ *Clock) {
	zone := time.FixedZone("UTC-3", -3*3600)
	if err := s.CreateBatch(ctx, fullBatch("B-FULL", zone)); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := s.GetBatch(ctx, "B-FULL")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if want := fullBatch("B-FULL", time.UTC); !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
	got.State, got.Approvals[0].Ticket = mfa.BatchCancelled, "changed"
	if again, _ := s.GetBatch(ctx, "B-FULL"); again.State != mfa.BatchRunning || again.Ticket() != "INC-4711" {
		t.Fatalf("stored batch changed through a returned copy: %+v", again)
	}
	minimal := &mfa.Batch{ID: "B-MIN", State: mfa.BatchCompleted}
	if err := s.CreateBatch(ctx, minimal); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetBatch(ctx, "B-MIN"); err != nil || !reflect.DeepEqual(got, minimal) {
		t.Fatalf("minimal round trip: %+v %v", got, err)
	}

	_, err = s.GetBatch(ctx, "B-NONE")
	wantCode(t, err, mfa.ENotFound, "get a missing batch")
	dup := &mfa.Batch{ID: "B-MIN", State: mfa.BatchExpired, Reason: "again"}
	wantCode(t, s.CreateBatch(ctx, dup), mfa.EConflict, "create a duplicate id")
	if got, _ := s.GetBatch(ctx, "B-MIN"); got.State != mfa.BatchCompleted || got.Reason != "" {
		t.Fatalf("duplicate create replaced the batch: %+v", got)
	}
	wantCode(t, s.CreateBatch(ctx, &mfa.Batch{State: mfa.BatchPlanned}), mfa.EInvalid, "create without an id")
}

// testBatchOneOpen: one batch is open at a time, however creations race,
// and a batch that ended makes room; closed batches do not count.
func testBatchOneOpen(t *testing.T, s Store, _ *Clock) {
	winner := RaceCreateBatch(t, []BatchStore{s}, 12)
	for i, st := range []mfa.BatchState{mfa.BatchCompleted, mfa.BatchCancelled, mfa.BatchExpired} {
		if err := s.CreateBatch(ctx, &mfa.Batch{ID: fmt.Sprint("B-OLD-", i), State: st, CreatedAt: base}); err != nil {
			t.Fatalf("closed batch beside the open one: %v", err)
		}
	}
	for _, st := range mfa.OpenBatchStates {
		err := s.CreateBatch(ctx, &mfa.Batch{ID: "B-2ND-" + string(st), State: st, CreatedAt: base})
		wantCode(t, err, mfa.EConflict, "a second open batch, "+string(st))
		if !strings.Contains(mfa.Message(err), "open") {
			t.Fatalf("second open batch refused with %q", mfa.Message(err))
		}
	}
	b, err := s.GetBatch(ctx, winner)
	if err != nil {
		t.Fatal(err)
	}
	b.State = mfa.BatchCancelled
	if err := s.UpdateBatch(ctx, b, mfa.BatchPlanned); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBatch(ctx, plannedBatch("B-NEXT", base.Add(time.Hour))); err != nil {
		t.Fatalf("new batch after the open one ended: %v", err)
	}
	// The ended batch cannot reopen beside the new one.
	b.State = mfa.BatchRunning
	wantCode(t, s.UpdateBatch(ctx, b, mfa.BatchCancelled), mfa.EConflict, "reopen beside an open batch")
	if got, _ := s.GetBatch(ctx, winner); got.State != mfa.BatchCancelled {
		t.Fatalf("refused reopening left the batch %s", got.State)
	}
}

// RaceCreateBatch creates racers planned batches at once, racer i through
// stores[i%len(stores)]. It fails t unless exactly one is created and the
// others get EConflict, and returns the one created.
func RaceCreateBatch(t *testing.T, stores []BatchStore, racers int) string {
	t.Helper()
	errs := atOnce(racers, func(i int) (func() error, error) {
		b := plannedBatch(fmt.Sprintf("B-RACE-%02d", i), base.Add(time.Duration(i)))
		s := stores[i%len(stores)]
		_ = s.Ping(ctx) // connections open before the race
		return func() error { return s.CreateBatch(ctx, b) }, nil
	})
	winner := ""
	for i, err := range errs {
		id := fmt.Sprintf("B-RACE-%02d", i)
		switch {
		case err == nil && winner != "":
			t.Fatalf("two open batches: %s and %s", winner, id)
		case err == nil:
			winner = id
		default:
			wantCode(t, err, mfa.EConflict, "losing creation "+id)
		}
	}
	if winner == "" {
		t.Fatal("no batch was created")
	}
	open, err := stores[0].ListBatches(ctx, 0, mfa.OpenBatchStates...)
	if err != nil || len(open) != 1 || open[0].ID != winner {
		t.Fatalf("open batches after the race: %v %v, want %s alone", open, err, winner)
	}
	return winner
}

// testBatchUpdate: a batch changes only from the states the caller names.
func testBatchUpdate(t *testing.T, s Store, _ *Clock) {
	b := plannedBatch("B-UPD", base)
	if err := s.CreateBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	run := *b
	run.State, run.StartedAt, run.UpdatedAt = mfa.BatchRunning, base.Add(time.Minute), base.Add(time.Minute)
	run.Approvals = []mfa.BatchApproval{{Approver: mfa.Actor{ID: "approver-1"}, Ticket: "INC-1", At: base.Add(time.Minute)}}
	if err := s.UpdateBatch(ctx, &run, mfa.BatchPlanned); err != nil {
		t.Fatalf("planned → running: %v", err)
	}
	if got, err := s.GetBatch(ctx, b.ID); err != nil || !reflect.DeepEqual(got, &run) {
		t.Fatalf("update not stored:\n got %+v %v\nwant %+v", got, err, &run)
	}
	stale := *b
	stale.State, stale.Reason = mfa.BatchCancelled, "too late"
	err := s.UpdateBatch(ctx, &stale, mfa.BatchPlanned)
	wantCode(t, err, mfa.EConflict, "update from the wrong state")
	if msg := mfa.Message(err); !strings.Contains(msg, "B-UPD is running, not planned") {
		t.Fatalf("conflict message %q should name the batch, its state and the expected one", msg)
	}
	if got, _ := s.GetBatch(ctx, b.ID); got.State != mfa.BatchRunning || got.Reason != b.Reason {
		t.Fatalf("refused update changed the batch: %+v", got)
	}
	pause := run
	pause.State = mfa.BatchPaused
	if err := s.UpdateBatch(ctx, &pause, mfa.BatchPlanned, mfa.BatchRunning); err != nil {
		t.Fatalf("running → paused with two from states: %v", err)
	}
	wantCode(t, s.UpdateBatch(ctx, &mfa.Batch{ID: "B-GHOST", State: mfa.BatchRunning}, mfa.BatchPlanned), mfa.ENotFound, "update a missing batch")
	// A change made from an older read is refused even when the state
	// allows it: two approvers answering at once cannot write over each
	// other.
	older := run
	older.Reason = "written over"
	wantCode(t, s.UpdateBatch(ctx, &older, mfa.BatchPaused, mfa.BatchRunning), mfa.EConflict, "update from an older read")
	if got, _ := s.GetBatch(ctx, b.ID); got.Reason != b.Reason || got.Version != pause.Version {
		t.Fatalf("an update from an older read was stored: %+v", got)
	}

	// Of many moves paused → running at once, one wins.
	errs := atOnce(16, func(i int) (func() error, error) {
		next := pause
		next.State, next.Reason = mfa.BatchRunning, fmt.Sprint("resumed by ", i)
		_ = s.Ping(ctx)
		return func() error { return s.UpdateBatch(ctx, &next, mfa.BatchPaused) }, nil
	})
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("resumptions %d and %d both won", won, i)
		case err == nil:
			won = i
		default:
			wantCode(t, err, mfa.EConflict, "losing resumption")
		}
	}
	if got, _ := s.GetBatch(ctx, b.ID); won < 0 || got.Reason != fmt.Sprint("resumed by ", won) {
		t.Fatalf("after the race the batch reads %+v, winner %d", got, won)
	}
	wantCode(t, s.UpdateBatch(ctx, &pause), mfa.EInvalid, "update naming no state")
}

// testBatchList: batches newest first, by state, at most a limit.
func testBatchList(t *testing.T, s Store, _ *Clock) {
	for i, st := range []mfa.BatchState{mfa.BatchCompleted, mfa.BatchCancelled, mfa.BatchCompleted, mfa.BatchExpired} {
		if err := s.CreateBatch(ctx, &mfa.Batch{ID: fmt.Sprint("B-L", i), State: st, CreatedAt: base.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	// Created at the same time as B-L3: the id breaks the tie.
	if err := s.CreateBatch(ctx, &mfa.Batch{ID: "B-L9", State: mfa.BatchPaused, CreatedAt: base.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ids := func(limit int, states ...mfa.BatchState) string {
		t.Helper()
		bs, err := s.ListBatches(ctx, limit, states...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range bs {
			out = append(out, b.ID)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		got, want string
	}{
		{ids(0), "B-L9 B-L3 B-L2 B-L1 B-L0"},
		{ids(2), "B-L9 B-L3"},
		{ids(0, mfa.BatchCompleted), "B-L2 B-L0"},
		{ids(1, mfa.BatchCompleted, mfa.BatchExpired), "B-L3"},
		{ids(0, mfa.OpenBatchStates...), "B-L9"},
		{ids(0, mfa.BatchRunning), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("listed %q, want %q", tc.got, tc.want)
		}
	}
}
