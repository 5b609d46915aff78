package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// benchEvent is a typical audit event: a removed phone, its label masked.
func benchEvent() mfa.AuditEvent {
	return mfa.AuditEvent{Time: time.Now(), Type: mfa.AuditMethodRemoved, RequestID: "r1", Actor: "system",
		Target: "alice@contoso.com", Detail: map[string]string{"method": "phone/3179e48a", "label": "+1 ••• ••• 5555"}}
}

// BenchAppendAudit measures audit appends to s made one after another.
func BenchAppendAudit(b *testing.B, s mfa.Store) {
	e := benchEvent()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AppendAudit(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchAppendAuditParallel measures audit appends to s from many
// goroutines: the appends queue for the chain's last link, so this is the
// chain's throughput under contention.
func BenchAppendAuditParallel(b *testing.B, s mfa.Store) {
	e := benchEvent()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AppendAudit(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchUpdateRequest measures conditional updates of one request in s,
// which alternates between pending and approved so every update succeeds.
func BenchUpdateRequest(b *testing.B, s mfa.Store) {
	now := time.Now().UTC()
	r := &mfa.Request{ID: "r1", State: mfa.StatePending, Target: mfa.User{ID: "t", UPN: "t@contoso.com"},
		Requester: mfa.Actor{ID: "a"}, Methods: []mfa.Method{{Kind: mfa.KindPhone, ID: "p", PhoneType: mfa.PhoneMobile}},
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), UpdatedAt: now}
	if err := s.CreateRequest(ctx, r); err != nil {
		b.Fatal(err)
	}
	states := [2]mfa.State{mfa.StatePending, mfa.StateApproved}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		next := *r
		next.State = states[(i+1)%2]
		next.DecisionNote = fmt.Sprint(i)
		if err := s.UpdateRequest(ctx, &next, states[i%2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchClaimFinish measures the batch work queue in s: each op is a claim
// of 50 items and the finish of each, by workers workers at once that
// claim until the batch is empty. It reports the items finished per
// second.
func BenchClaimFinish(b *testing.B, s mfa.BatchStore, workers int) {
	const n = 50
	if err := NewBatch(s, "B-BENCH", b.N*n); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	errs := atOnce(workers, func(i int) (func() error, error) {
		return func() error {
			_, err := ClaimUntilEmpty(s, "B-BENCH", fmt.Sprint("worker-", i), n)
			return err
		}, nil
	})
	b.StopTimer()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "items/s")
}
