package sqlstore_test

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

func TestNanos(t *testing.T) {
	if got := sqlstore.Nanos(time.Time{}); got != 0 {
		t.Fatalf("zero time stored as %d, want 0", got)
	}
	at := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("X", 3600))
	if got := sqlstore.Nanos(at); got != at.UnixNano() {
		t.Fatalf("stored %d, want %d", got, at.UnixNano())
	}
}

func TestTextTimeRoundTrip(t *testing.T) {
	at := time.Date(2026, 7, 1, 12, 0, 0, 123456789, time.FixedZone("X", 2*3600))
	s := sqlstore.TextTime(at)
	if s != "2026-07-01T10:00:00.123456789Z" {
		t.Fatalf("stored %q", s)
	}
	back, err := sqlstore.ParseTextTime(s)
	if err != nil || !back.Equal(at) || back.Location() != time.UTC {
		t.Fatalf("read back %v (%v), want %v in UTC", back, err, at)
	}
	if _, err := sqlstore.ParseTextTime("2026-07-01 10:00"); err == nil {
		t.Fatal("a time that is not RFC 3339 was read")
	}
}

func TestExecutedAt(t *testing.T) {
	clock := func() time.Time { return time.Unix(0, 42) }
	updated := time.Unix(0, 7)
	for _, tc := range []struct {
		name string
		r    mfa.Request
		want *int64
	}{
		{"pending", mfa.Request{State: mfa.StatePending, UpdatedAt: updated}, nil},
		{"executing", mfa.Request{State: mfa.StateExecuting, UpdatedAt: updated}, ptr(7)},
		{"executing, no update time", mfa.Request{State: mfa.StateExecuting}, ptr(42)},
		{"finished with a result", mfa.Request{State: mfa.StateCompleted, UpdatedAt: updated, Result: &mfa.Result{}}, ptr(7)},
	} {
		got := sqlstore.ExecutedAt(&tc.r, clock)
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, deref(got), deref(tc.want))
		}
	}
}

func ptr(n int64) *int64 { return &n }

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestPurgeSchedule(t *testing.T) {
	var p sqlstore.Purge
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	if !p.Due(start) {
		t.Fatal("first purge not due")
	}
	p.Done(start)
	for _, tc := range []struct {
		after time.Duration
		due   bool
	}{
		{0, false},
		{sqlstore.PurgeEvery - 1, false},
		{sqlstore.PurgeEvery, true},
		{-time.Second, true}, // the clock went back
	} {
		if got := p.Due(start + int64(tc.after)); got != tc.due {
			t.Errorf("%v after the last purge: due %v, want %v", tc.after, got, tc.due)
		}
	}
}
