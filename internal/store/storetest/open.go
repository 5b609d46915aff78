package storetest

import (
	"sync"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
)

// testOneOpenPerTarget checks that a user has at most one open request
// (pending, approved or executing), even when creations race: the store
// enforces it, so two replicas cannot both start a reset of one user.
func testOneOpenPerTarget(t *testing.T, s Store, _ *Clock) {
	const racers = 12
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateRequest(ctx, pendingRequest("open-"+string(rune('a'+i)), "T-open", "A", base))
		}()
	}
	wg.Wait()
	var winner string
	for i, err := range errs {
		switch {
		case err == nil && winner == "":
			winner = "open-" + string(rune('a'+i))
		case err == nil:
			t.Fatalf("two open requests for one user: %s and open-%c", winner, 'a'+i)
		case mfa.Code(err) != mfa.EConflict:
			t.Fatalf("losing creation: %v, want EConflict", err)
		}
	}
	if winner == "" {
		t.Fatal("no creation succeeded")
	}
	// Once the open request is final, a new one may be made.
	r, err := s.GetRequest(ctx, winner)
	if err != nil {
		t.Fatal(err)
	}
	done := *r
	done.State = mfa.StateCancelled
	if err := s.UpdateRequest(ctx, &done, mfa.StatePending); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRequest(ctx, pendingRequest("open-next", "T-open", "A", base)); err != nil {
		t.Fatalf("new request after the open one ended: %v", err)
	}
	// Other users are not affected.
	if err := s.CreateRequest(ctx, pendingRequest("open-other", "T-other", "A", base)); err != nil {
		t.Fatal(err)
	}
}
