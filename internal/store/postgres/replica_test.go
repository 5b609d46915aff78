package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/postgres"
	"github.com/mfabot/mfabot/internal/store/storetest"
)

// replicas opens n stores on one database, as n mfabot replicas would.
func replicas(t *testing.T, n int) []*postgres.DB {
	t.Helper()
	url := newDatabase(t, false)
	dbs := make([]*postgres.DB, n)
	for i := range dbs {
		dbs[i] = open(t, url)
	}
	return dbs
}

// TestReplicasShareOneChain appends from two replicas at once, many
// goroutines each: the result is one gapless chain that verifies, holding
// every event once, and each replica's returned records are links of it.
func TestReplicasShareOneChain(t *testing.T) {
	dbs := replicas(t, 2)
	const goroutines, each = 20, 10
	base := time.Date(2026, 4, 1, 0, 0, 0, 999, time.UTC)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		returned = map[int64]mfa.AuditRecord{}
		start    = make(chan struct{})
	)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[g%len(dbs)]
			<-start
			for i := range each {
				n := g*each + i
				rec, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: base.Add(time.Duration(n)), Type: mfa.AuditMethodRemoved,
					RequestID: fmt.Sprintf("req-%d", n), Actor: fmt.Sprintf("replica-%d", g%len(dbs)), Detail: map[string]string{"n": fmt.Sprint(n)}})
				if err != nil {
					t.Errorf("replica %d append: %v", g%len(dbs), err)
					return
				}
				mu.Lock()
				if _, dup := returned[rec.Seq]; dup {
					t.Errorf("seq %d returned twice", rec.Seq)
				}
				returned[rec.Seq] = rec
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	for i, db := range dbs {
		recs, err := db.AuditRecords(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != goroutines*each {
			t.Fatalf("replica %d reads %d records, want %d", i, len(recs), goroutines*each)
		}
		v := mfa.NewChainVerifier()
		seen := map[string]bool{}
		for _, r := range recs {
			if err := v.Check(r); err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			if got := returned[r.Seq]; got.Hash != r.Hash || got.RequestID != r.RequestID {
				t.Fatalf("record %d: stored %s/%s, AppendAudit returned %s/%s", r.Seq, r.RequestID, r.Hash, got.RequestID, got.Hash)
			}
			seen[r.RequestID] = true
		}
		if len(seen) != goroutines*each {
			t.Fatalf("%d distinct events in the chain, want %d", len(seen), goroutines*each)
		}
	}
	var head string
	if err := dbs[0].Pool().QueryRow(ctx, `SELECT hash FROM audit_head`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if last := returned[goroutines*each]; head != last.Hash {
		t.Fatalf("audit_head holds %s, the last record's hash is %s", head, last.Hash)
	}
}

// TestReplicasRaceOneTransition moves requests pending → approved from two
// replicas at once, many goroutines each, several rounds: every round has
// exactly one winner, whose write is the one both replicas read, and every
// loser gets EConflict naming the state it found.
func TestReplicasRaceOneTransition(t *testing.T) {
	dbs := replicas(t, 2)
	stores := []mfa.Store{dbs[0], dbs[1]}
	const rounds, racers = 10, 16
	at := time.Date(2026, 4, 1, 0, 0, 0, 1, time.UTC)
	for round := range rounds {
		t.Run(fmt.Sprint("round-", round), func(t *testing.T) {
			id := fmt.Sprintf("race-%d", round)
			r := &mfa.Request{ID: id, State: mfa.StatePending, Target: mfa.User{ID: "t-" + id}, Requester: mfa.Actor{ID: "a"},
				CreatedAt: at, ExpiresAt: at.Add(time.Hour), UpdatedAt: at}
			storetest.RaceApproval(t, stores, r, racers)
		})
	}
}

// TestReplicasShareOnceAndJournal: a redelivered activity reaching the other
// replica is still seen once, and a journal step written by one replica is
// kept against a later write of the same key by the other.
func TestReplicasShareOnceAndJournal(t *testing.T) {
	dbs := replicas(t, 2)
	if first, err := dbs[0].Once(ctx, "activity-1", time.Hour); err != nil || !first {
		t.Fatalf("first sighting on replica 0: %v %v", first, err)
	}
	if first, err := dbs[1].Once(ctx, "activity-1", time.Hour); err != nil || first {
		t.Fatalf("redelivery to replica 1 reported as first: %v %v", first, err)
	}
	at := time.Date(2026, 4, 1, 0, 0, 0, 7, time.UTC)
	if err := dbs[0].CreateRequest(ctx, &mfa.Request{ID: "j", State: mfa.StateExecuting, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := dbs[0].RecordStep(ctx, "j", mfa.Step{Key: "revoke", Kind: "revoked", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := dbs[1].RecordStep(ctx, "j", mfa.Step{Key: "revoke", Kind: "again", At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	steps, err := dbs[1].Steps(ctx, "j")
	if err != nil || len(steps) != 1 || steps[0].Kind != "revoked" || !steps[0].At.Equal(at) {
		t.Fatalf("journal after two replicas wrote one key: %+v %v", steps, err)
	}
}

// TestReplicasShareTheLimits: creations and approvals from two replicas at
// once stay within one limit, and one replica at most takes a run-out
// execution lease over.
func TestReplicasShareTheLimits(t *testing.T) {
	stores := func() []mfa.Store {
		dbs := replicas(t, 2)
		return []mfa.Store{dbs[0], dbs[1]}
	}
	t.Run("create", func(t *testing.T) { storetest.RaceLimitedCreate(t, stores(), "A", 24, 5) })
	t.Run("approve", func(t *testing.T) { storetest.RaceLimitedApprovals(t, stores(), 12, 2) })
	t.Run("lease", func(t *testing.T) { storetest.RaceLeaseTakeover(t, stores(), 12) })
}

// TestReplicasShareTheBatchQueue: the workers of two replicas claiming one
// batch at once get every item once; creations from both open one batch;
// reservations from both on the write throttle never overlap, and a hold
// one makes holds the other back.
func TestReplicasShareTheBatchQueue(t *testing.T) {
	stores := func() []storetest.BatchStore {
		dbs := replicas(t, 2)
		return []storetest.BatchStore{dbs[0], dbs[1]}
	}
	t.Run("claims", func(t *testing.T) { storetest.RaceBatchClaims(t, stores(), 500, 8, 7) })
	t.Run("one open", func(t *testing.T) { storetest.RaceCreateBatch(t, stores(), 12) })
	t.Run("throttle", func(t *testing.T) { storetest.RaceReserveWrites(t, stores(), 24) })
}
