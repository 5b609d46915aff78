package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func BenchmarkAppendAudit(b *testing.B) {
	db := newDB(b)
	e := mfa.AuditEvent{Time: time.Now(), Type: mfa.AuditMethodRemoved, RequestID: "r1", Actor: "system",
		Target: "alice@contoso.com", Detail: map[string]string{"method": "phone/3179e48a", "label": "+1 ••• ••• 5555"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.AppendAudit(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendAuditParallel appends from many goroutines: the appends
// queue on audit_head, so this measures the chain's throughput under
// contention.
func BenchmarkAppendAuditParallel(b *testing.B) {
	db := newDB(b)
	e := mfa.AuditEvent{Time: time.Now(), Type: mfa.AuditMethodRemoved, RequestID: "r1", Actor: "system",
		Target: "alice@contoso.com", Detail: map[string]string{"method": "phone/3179e48a"}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.AppendAudit(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkUpdateRequest(b *testing.B) {
	db := newDB(b)
	now := time.Now().UTC()
	r := &mfa.Request{ID: "r1", State: mfa.StatePending, Target: mfa.User{ID: "t", UPN: "t@contoso.com"},
		Requester: mfa.Actor{ID: "a"}, Methods: []mfa.Method{{Kind: mfa.KindPhone, ID: "p", PhoneType: mfa.PhoneMobile}},
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), UpdatedAt: now}
	if err := db.CreateRequest(ctx, r); err != nil {
		b.Fatal(err)
	}
	// Alternate pending ↔ approved so every update succeeds.
	states := [2]mfa.State{mfa.StatePending, mfa.StateApproved}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		next := *r
		next.State = states[(i+1)%2]
		next.DecisionNote = fmt.Sprint(i)
		if err := db.UpdateRequest(ctx, &next, states[i%2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
