package postgres_test

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/postgres"
	"github.com/mfabot/mfabot/internal/store/sqlstore/sqlstoretest"
	"github.com/mfabot/mfabot/internal/store/storetest"
)

func TestStore(t *testing.T) {
	setup(t) // skips every subtest at once without a server
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return newDB(t, postgres.WithClock(now))
	})
}

func TestAuditTriggersRefuseChanges(t *testing.T) {
	db := newDB(t)
	sqlstoretest.AuditTriggersRefuse(t, db, execSQL(db), `TRUNCATE audit`, `DELETE FROM audit_head`)
}

// TestTamperAfterDisablingTrigger: the owner of the database can disable
// the trigger and edit a record, and the chain shows where.
func TestTamperAfterDisablingTrigger(t *testing.T) {
	db := newDB(t)
	sqlstoretest.TamperShows(t, db, execSQL(db), `ALTER TABLE audit DISABLE TRIGGER audit_no_update`)
}

// execSQL runs statements on db's database directly.
func execSQL(db *postgres.DB) sqlstoretest.Exec {
	return func(q string) error { _, err := db.Pool().Exec(ctx, q); return err }
}

// TestAuditTimeKeepsNanoseconds checks the stored text itself: timestamptz
// would have cut the time to microseconds and broken the hash.
func TestAuditTimeKeepsNanoseconds(t *testing.T) {
	db := newDB(t)
	at := time.Date(2026, 7, 1, 12, 0, 0, 123456789, time.FixedZone("X", 2*3600))
	rec, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: at, Type: mfa.AuditRequested})
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := db.Pool().QueryRow(ctx, `SELECT time FROM audit WHERE seq = $1`, rec.Seq).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "2026-07-01T10:00:00.123456789Z" {
		t.Fatalf("stored audit time %q", stored)
	}
}

func TestOncePurgesExpiredKeys(t *testing.T) {
	sqlstoretest.OncePurgesExpired(t, func(now func() time.Time) sqlstoretest.OnceCounter {
		return newDB(t, postgres.WithClock(now))
	})
}

// TestUnstorableText: PostgreSQL text cannot hold a NUL character; that is
// the caller's value at fault (EInvalid), not a lost database.
func TestUnstorableText(t *testing.T) {
	db := newDB(t)
	err := db.Put(ctx, "conv", "a\x00b", []byte("v"))
	if mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("put with a NUL in the key: %v (code %q), want invalid", err, mfa.Code(err))
	}
	// In JSON the NUL is escaped, so a request or an audit detail keeps it.
	r := &mfa.Request{ID: "nul", State: mfa.StatePending, Reason: "a\x00b"}
	if err := db.CreateRequest(ctx, r); err != nil {
		t.Fatalf("request with a NUL in its reason: %v", err)
	}
	if got, err := db.GetRequest(ctx, "nul"); err != nil || got.Reason != "a\x00b" {
		t.Fatalf("reason read back as %q, %v", got.Reason, err)
	}
	if _, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(1, 0), Type: mfa.AuditRequested, Detail: map[string]string{"reason": "a\x00b"}}); err != nil {
		t.Fatalf("audit detail with a NUL: %v", err)
	}
}
