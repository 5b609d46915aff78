package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
	"github.com/mfabot/mfabot/internal/store/sqlstore/sqlstoretest"
	"github.com/mfabot/mfabot/internal/store/storetest"
)

var ctx = context.Background()

func openFile(t testing.TB, path string, opts ...sqlite.Option) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx, path, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return openFile(t, filepath.Join(t.TempDir(), "mfabot.db"), sqlite.WithClock(now))
	})
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return openFile(t, ":memory:", sqlite.WithClock(now))
	})
}

func TestMigrationsIdempotentOnReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	for i := range 3 {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var n, max int
		if err := db.SQL().QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
			t.Fatal(err)
		}
		if n != sqlite.SchemaVersion() || max != sqlite.SchemaVersion() {
			t.Fatalf("open #%d: %d migrations recorded up to %d, want %d", i+1, n, max, sqlite.SchemaVersion())
		}
		var mode string
		if err := db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal mode %q, %v; want wal", mode, err)
		}
		var fk int
		if err := db.SQL().QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("foreign keys %d, %v; want 1", fk, err)
		}
		db.Close()
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 1, 8, 0, 0, 1, time.UTC)
	r := &mfa.Request{ID: "keep", State: mfa.StateExecuting, Target: mfa.User{ID: "t", UPN: "t@contoso.com"},
		Requester: mfa.Actor{ID: "a"}, CreatedAt: now, ExpiresAt: now.Add(time.Hour), UpdatedAt: now}
	if err := db.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordStep(ctx, "keep", mfa.Step{Key: "revoke", Kind: "revoked", At: now}); err != nil {
		t.Fatal(err)
	}
	var last mfa.AuditRecord
	for i := range 3 {
		if last, err = db.AppendAudit(ctx, mfa.AuditEvent{Time: now.Add(time.Duration(i)), Type: mfa.AuditExecuting, RequestID: "keep"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Put(ctx, "breaker", "tenant", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openFile(t, path)
	got, err := db.GetRequest(ctx, "keep")
	if err != nil || got.State != mfa.StateExecuting || !got.UpdatedAt.Equal(now) {
		t.Fatalf("request after reopen: %+v %v", got, err)
	}
	if n, err := db.CountRequests(ctx, mfa.RequestFilter{ExecutedSince: now}); err != nil || n != 1 {
		t.Fatalf("execution start after reopen: %d %v", n, err)
	}
	if steps, err := db.Steps(ctx, "keep"); err != nil || len(steps) != 1 {
		t.Fatalf("steps after reopen: %v %v", steps, err)
	}
	if v, err := db.Get(ctx, "breaker", "tenant"); err != nil || string(v) != "x" {
		t.Fatalf("kv after reopen: %q %v", v, err)
	}
	// The chain continues where it stopped.
	next, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: now, Type: mfa.AuditCompleted, RequestID: "keep"})
	if err != nil || next.Seq != 4 || next.PrevHash != last.Hash {
		t.Fatalf("append after reopen: seq %d prev %s, want 4 and %s (%v)", next.Seq, next.PrevHash, last.Hash, err)
	}
	recs, err := db.AuditRecords(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := mfa.NewChainVerifier()
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			t.Fatal(err)
		}
	}
	if v.Count() != 4 {
		t.Fatalf("verified %d records after reopen, want 4", v.Count())
	}
}

func TestAuditTriggersRefuseChanges(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "mfabot.db"))
	sqlstoretest.AuditTriggersRefuse(t, db, execSQL(db))
}

// TestTamperAfterDroppingTrigger: someone with the file can drop the
// trigger and edit a record, and the chain shows where.
func TestTamperAfterDroppingTrigger(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "mfabot.db"))
	sqlstoretest.TamperShows(t, db, execSQL(db), `DROP TRIGGER audit_no_update`)
}

// execSQL runs statements on db's file directly.
func execSQL(db *sqlite.DB) sqlstoretest.Exec {
	return func(q string) error { _, err := db.SQL().Exec(q); return err }
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future.sql', 0)`, sqlite.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = sqlite.Open(ctx, path)
	if !errors.Is(err, sqlite.ErrSchemaTooNew) {
		t.Fatalf("open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "upgrade mfabot") {
		t.Fatalf("error %q does not say what to do", err)
	}
}

func TestOncePurgesExpiredKeys(t *testing.T) {
	sqlstoretest.OncePurgesExpired(t, func(now func() time.Time) sqlstoretest.OnceCounter {
		return openFile(t, filepath.Join(t.TempDir(), "mfabot.db"), sqlite.WithClock(now))
	})
}

func TestOpenErrors(t *testing.T) {
	if _, err := sqlite.Open(ctx, ""); err == nil {
		t.Fatal("open with no path succeeded")
	}
	if _, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Fatal("open in a missing directory succeeded")
	}
}
