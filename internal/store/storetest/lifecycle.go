package storetest

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
)

func testPing(t *testing.T, s Store, _ *Clock) {
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

// testAfterClose checks that every method of a closed store answers
// EUnavailable instead of panicking.
func testAfterClose(t *testing.T, s Store, _ *Clock) {
	r := pendingRequest("c1", "t", "a", base)
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	calls := map[string]func() error{
		"Ping":          func() error { return s.Ping(ctx) },
		"CreateRequest": func() error { return s.CreateRequest(ctx, pendingRequest("c2", "t", "a", base)) },
		"GetRequest":    func() error { _, err := s.GetRequest(ctx, "c1"); return err },
		"UpdateRequest": func() error { return s.UpdateRequest(ctx, r, mfa.StatePending) },
		"ListRequests":  func() error { _, err := s.ListRequests(ctx, mfa.RequestFilter{}); return err },
		"CountRequests": func() error { _, err := s.CountRequests(ctx, mfa.RequestFilter{}); return err },
		"RecordStep":    func() error { return s.RecordStep(ctx, "c1", mfa.Step{Key: "revoke", Kind: "revoked", At: base}) },
		"Steps":         func() error { _, err := s.Steps(ctx, "c1"); return err },
		"AppendAudit":   func() error { _, err := s.AppendAudit(ctx, event(1)); return err },
		"AuditRecords":  func() error { _, err := s.AuditRecords(ctx, 0, 10); return err },
		"Put":           func() error { return s.Put(ctx, "ns", "k", []byte("v")) },
		"Get":           func() error { _, err := s.Get(ctx, "ns", "k"); return err },
		"List":          func() error { _, err := s.List(ctx, "ns"); return err },
		"Delete":        func() error { return s.Delete(ctx, "ns", "k") },
		"Once":          func() error { _, err := s.Once(ctx, "k", time.Minute); return err },
		"Breaker":       func() error { _, err := s.Breaker(ctx); return err },
		"SetBreaker":    func() error { return s.SetBreaker(ctx, mfa.BreakerState{Paused: true}) },
		"User":          func() error { _, err := s.User(ctx, "oid"); return err },
		"PutUser":       func() error { return s.PutUser(ctx, "oid", botstate.User{}) },
		"Cards":         func() error { _, err := s.Cards(ctx, "R-1"); return err },
		"AddCard":       func() error { return s.AddCard(ctx, "R-1", botstate.Card{ConversationID: "c", ActivityID: "a"}) },
		"Approvers":     func() error { _, err := s.Approvers(ctx); return err },
		"CreateBatch":   func() error { return s.CreateBatch(ctx, plannedBatch("B-1", base)) },
		"GetBatch":      func() error { _, err := s.GetBatch(ctx, "B-1"); return err },
		"UpdateBatch":   func() error { return s.UpdateBatch(ctx, plannedBatch("B-1", base), mfa.BatchPlanned) },
		"ListBatches":   func() error { _, err := s.ListBatches(ctx, 0); return err },
		"AddBatchItems": func() error { return s.AddBatchItems(ctx, "B-1", pendingItems("B-1", 1, 1)) },
		"ClaimBatchItems": func() error {
			_, err := s.ClaimBatchItems(ctx, "B-1", "A", 1, base, base.Add(time.Minute))
			return err
		},
		"RenewBatchItems":   func() error { _, err := s.RenewBatchItems(ctx, "B-1", "A", base); return err },
		"ReleaseBatchItems": func() error { return s.ReleaseBatchItems(ctx, "B-1", "A") },
		"FinishBatchItem": func() error {
			return s.FinishBatchItem(ctx, mfa.BatchItem{BatchID: "B-1", Seq: 1, State: mfa.ItemDone}, "A")
		},
		"BatchCounts":     func() error { _, err := s.BatchCounts(ctx, "B-1"); return err },
		"BatchItems":      func() error { _, err := s.BatchItems(ctx, "B-1", 0, 10); return err },
		"RecordBatchStep": func() error { return s.RecordBatchStep(ctx, "B-1", "u", mfa.Step{Key: "revoke"}) },
		"BatchSteps":      func() error { _, err := s.BatchSteps(ctx, "B-1", "u"); return err },
		"ReserveWrites":   func() error { _, err := s.ReserveWrites(ctx, "graph", 1, time.Second, base); return err },
		"HoldWrites":      func() error { return s.HoldWrites(ctx, "graph", base) },
	}
	for name, call := range calls {
		err := call()
		wantCode(t, err, mfa.EUnavailable, name+" after Close")
		if mfa.Message(err) != "the request store is unavailable" {
			t.Fatalf("%s after Close: message %q", name, mfa.Message(err))
		}
	}
	_ = s.Close() // a second Close must not panic
}
