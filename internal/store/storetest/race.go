package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// RaceApproval creates r, a pending request, in stores[0] and then moves it
// pending → approved from racers goroutines at once, goroutine i writing
// through stores[i%len(stores)] as approver-i, at r.UpdatedAt plus i+1
// nanoseconds. It fails t unless exactly one update wins, every other one
// gets EConflict naming the state it found, and every store reads back the
// winner's write. It returns the winner.
//
// Several stores on one database stand for replicas racing each other.
func RaceApproval(t *testing.T, stores []mfa.Store, r *mfa.Request, racers int) int {
	t.Helper()
	if err := stores[0].CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		errs    = make([]error, racers)
		winners []int
		mu      sync.Mutex
	)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := *r
			next.State = mfa.StateApproved
			next.Approver = &mfa.Actor{ID: fmt.Sprintf("approver-%d", i)}
			next.UpdatedAt = r.UpdatedAt.Add(time.Duration(i + 1))
			<-start
			errs[i] = stores[i%len(stores)].UpdateRequest(ctx, &next, mfa.StatePending)
			if errs[i] == nil {
				mu.Lock()
				winners = append(winners, i)
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d updates moved the request pending → approved, want exactly 1", len(winners))
	}
	w := winners[0]
	for i, err := range errs {
		if i == w {
			continue
		}
		wantCode(t, err, mfa.EConflict, "losing update")
		if !strings.Contains(mfa.Message(err), "is approved, not pending") {
			t.Fatalf("losing update answered %q, want the state it found", mfa.Message(err))
		}
	}
	for n, s := range stores {
		got, err := s.GetRequest(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("approver-%d", w)
		if got.State != mfa.StateApproved || got.Approver == nil || got.Approver.ID != want || !got.UpdatedAt.Equal(r.UpdatedAt.Add(time.Duration(w+1))) {
			t.Fatalf("store %d reads state %s approver %+v at %v, not the winner's write (%s)", n, got.State, got.Approver, got.UpdatedAt, want)
		}
	}
	return w
}
