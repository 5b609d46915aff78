package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// TestMixedLoadNeverBusy runs reads and writes from 50 goroutines against
// one file: no call may fail (SQLITE_BUSY would surface as EUnavailable).
func TestMixedLoadNeverBusy(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "mfabot.db"), sqlite.WithBusyTimeout(100*time.Millisecond))
	now := time.Date(2026, 2, 2, 2, 2, 2, 2, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("req-%02d", g)
			r := &mfa.Request{ID: id, State: mfa.StatePending, Target: mfa.User{ID: "t-" + id}, Requester: mfa.Actor{ID: "a"},
				CreatedAt: now.Add(time.Duration(g)), UpdatedAt: now}
			steps := []func() error{
				func() error { return db.CreateRequest(ctx, r) },
				func() error { _, err := db.GetRequest(ctx, id); return err },
				func() error {
					next := *r
					next.State = mfa.StateApproved
					return db.UpdateRequest(ctx, &next, mfa.StatePending)
				},
				func() error { _, err := db.ListRequests(ctx, mfa.RequestFilter{TargetID: "t-" + id}); return err },
				func() error { return db.RecordStep(ctx, id, mfa.Step{Key: "revoke", At: now}) },
				func() error {
					_, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: now, Type: mfa.AuditApproved, RequestID: id})
					return err
				},
				func() error { _, err := db.AuditRecords(ctx, 0, 0); return err },
				func() error { _, err := db.Once(ctx, id, time.Minute); return err },
				func() error { return db.Put(ctx, "conv", id, []byte(id)) },
				func() error { _, err := db.List(ctx, "conv"); return err },
			}
			for i, step := range steps {
				if err := step(); err != nil {
					errs <- fmt.Errorf("goroutine %d step %d: %w", g, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := db.CountRequests(ctx, mfa.RequestFilter{States: []mfa.State{mfa.StateApproved}}); err != nil || n != 50 {
		t.Fatalf("%d approved requests, want 50 (%v)", n, err)
	}
}
