package mfa

import (
	"context"
	"sync"
	"testing"
	"time"
)

// timeline is the store's shared throttle for one key, as both stores
// keep it: the end of the last reservation and a hold.
type timeline struct {
	BatchStore // only the throttle's two methods are called
	mu         sync.Mutex
	end, hold  time.Time
	reserved   int
}

func (s *timeline) ReserveWrites(_ context.Context, _ string, n int, every time.Duration, now time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := now
	if s.end.After(start) {
		start = s.end
	}
	if s.hold.After(start) {
		start = s.hold
	}
	s.end = start.Add(time.Duration(n) * every)
	s.reserved += n
	return start, nil
}

func (s *timeline) HoldWrites(_ context.Context, _ string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until.After(s.hold) {
		s.hold = until
	}
	return nil
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// A storm of 429s — every worker's write refused at once, each reported
// between other workers' waits — costs Graph's Retry-After and no more:
// the slots of the replica's block after the hold are still its own and
// are used, so the shared throttle does not move a whole block further
// for each report (twenty reports would have pushed every replica's next
// write ten seconds out, for a Retry-After of a tenth of one).
func TestThrottleStormKeepsTheBlockAfterTheHold(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	store := &timeline{}
	th := newWriteThrottle(store, fixedClock{t0}, 100) // a slot every 10 ms, blocks of 50 (half a second)
	var slots []time.Time
	th.sleep = func(_ context.Context, d time.Duration) error {
		slots = append(slots, t0.Add(d))
		return nil
	}
	ctx := context.Background()
	if err := th.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	const retryAfter = 100 * time.Millisecond
	for range 20 {
		th.Hold(ctx, retryAfter)
		if err := th.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if store.end.After(t0.Add(500 * time.Millisecond)) {
		t.Fatalf("after 20 reports of Retry-After %s the shared throttle's next slot is %s away (%d slots reserved for 21 writes)",
			retryAfter, store.end.Sub(t0), store.reserved)
	}
	for i, at := range slots[1:] {
		if at.Before(t0.Add(retryAfter)) {
			t.Fatalf("write %d at %s, within the Retry-After", i+2, at.Sub(t0))
		}
		if i > 0 && at.Sub(slots[i]) != 10*time.Millisecond {
			t.Fatalf("writes %d and %d %s apart, want the 10 ms of the rate", i+1, i+2, at.Sub(slots[i]))
		}
	}
}
