package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// slot is the spacing of the throttle tests' write slots.
const slot = 50 * time.Millisecond

// testThrottle: reservations follow one another from now or from the end
// of the last, a hold pushes the next one out and never pulls it in, and
// throttles are apart by key.
func testThrottle(t *testing.T, s Store, _ *Clock) {
	reserve := func(key string, n int, now time.Time, want time.Time) {
		t.Helper()
		got, err := s.ReserveWrites(ctx, key, n, slot, now)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("reserve %d on %s at +%v: starts %v (%v), want +%v", n, key, now.Sub(base), got.Sub(base), err, want.Sub(base))
		}
	}
	hold := func(until time.Time) {
		t.Helper()
		if err := s.HoldWrites(ctx, "graph", until); err != nil {
			t.Fatal(err)
		}
	}
	reserve("graph", 3, base, base)
	reserve("graph", 2, base, base.Add(3*slot))
	reserve("graph", 1, base.Add(slot), base.Add(5*slot)) // now falls within the reserved slots
	reserve("graph", 0, base, base.Add(6*slot))           // nothing reserved: the end stays
	reserve("graph", 1, base.Add(time.Hour), base.Add(time.Hour))
	reserve("other", 1, base, base) // another throttle
	hold(base.Add(2 * time.Hour))   // Graph said Retry-After
	reserve("graph", 2, base.Add(time.Hour), base.Add(2*time.Hour))
	hold(base.Add(time.Hour)) // an earlier hold does not pull the next slot in
	reserve("graph", 1, base.Add(time.Hour), base.Add(2*time.Hour+2*slot))
	if err := s.HoldWrites(ctx, "fresh", base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	reserve("fresh", 1, base, base.Add(time.Minute)) // a hold of a throttle never reserved

	_, err := s.ReserveWrites(ctx, "", 1, slot, base)
	wantCode(t, err, mfa.EInvalid, "reserve without a throttle")
	_, err = s.ReserveWrites(ctx, "graph", -1, slot, base)
	wantCode(t, err, mfa.EInvalid, "reserve a negative count")
	wantCode(t, s.HoldWrites(ctx, "", base), mfa.EInvalid, "hold without a throttle")
}

// testThrottleRace: reservations made at once never share a slot.
func testThrottleRace(t *testing.T, s Store, _ *Clock) {
	RaceReserveWrites(t, []BatchStore{s}, 24)
}

// RaceReserveWrites lets racers callers reserve on one throttle at once,
// caller i through stores[i%len(stores)], i%4+1 slots each, at base. It
// fails t unless the reservations follow one another from base without a
// gap or an overlap, so that together they moved the throttle by the sum of
// their slots, and a hold made afterwards through one store holds back the
// next reservation through every other.
func RaceReserveWrites(t *testing.T, stores []BatchStore, racers int) {
	t.Helper()
	starts := make([]time.Time, racers)
	errs := atOnce(racers, func(i int) (func() error, error) {
		s := stores[i%len(stores)]
		_ = s.Ping(ctx)
		return func() error {
			var err error
			starts[i], err = s.ReserveWrites(ctx, "race", i%4+1, slot, base)
			return err
		}, nil
	})
	order := make([]int, racers)
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("reservation %d: %v", i, err)
		}
		order[i] = i
		total += i%4 + 1
	}
	slices.SortFunc(order, func(a, b int) int { return starts[a].Compare(starts[b]) })
	next := base
	for _, i := range order {
		if !starts[i].Equal(next) {
			t.Fatalf("reservation %d of %d slots starts at +%v, want +%v (reservations in order: %v)", i, i%4+1, starts[i].Sub(base), next.Sub(base), order)
		}
		next = next.Add(time.Duration(i%4+1) * slot)
	}
	if want := base.Add(time.Duration(total) * slot); !next.Equal(want) {
		t.Fatalf("reservations end at +%v, want +%v", next.Sub(base), want.Sub(base))
	}
	until := next.Add(time.Minute)
	if err := stores[0].HoldWrites(ctx, "race", until); err != nil {
		t.Fatal(err)
	}
	for n, s := range stores {
		got, err := s.ReserveWrites(ctx, "race", 1, slot, base)
		if want := until.Add(time.Duration(n) * slot); err != nil || !got.Equal(want) {
			t.Fatalf("store %d reserves from +%v after the hold (%v), want +%v", n, got.Sub(base), err, want.Sub(base))
		}
	}
}
