package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/postgres"
	"github.com/mfabot/mfabot/internal/store/storetest"
)

func TestStore(t *testing.T) {
	setup(t) // skips every subtest at once without a server
	storetest.Run(t, func(t *testing.T, now func() time.Time) mfa.Store {
		return newDB(t, postgres.WithClock(now))
	})
}

func TestAuditTriggersRefuseChanges(t *testing.T) {
	db := newDB(t)
	for i := range 3 {
		if _, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(int64(i), 0), Type: mfa.AuditRequested, Actor: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`UPDATE audit SET type = 'approved' WHERE seq = 2`,
		`UPDATE audit SET hash = 'x'`,
		`DELETE FROM audit WHERE seq = 3`,
		`DELETE FROM audit`,
		`TRUNCATE audit`,
		`DELETE FROM audit_head`,
	} {
		_, err := db.Pool().Exec(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: got %v, want the append-only refusal", q, err)
		}
	}
	recs, err := db.AuditRecords(ctx, 0, 0)
	if err != nil || len(recs) != 3 || recs[1].Type != mfa.AuditRequested {
		t.Fatalf("audit changed despite the triggers: %+v %v", recs, err)
	}
}

// TestTamperAfterDisablingTrigger is what `mfabot audit verify` relies on:
// the owner of the database can disable the trigger and edit a record, and
// the chain read back through AuditRecords shows where.
func TestTamperAfterDisablingTrigger(t *testing.T) {
	db := newDB(t)
	for i := range 5 {
		if _, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(int64(i), 5), Type: mfa.AuditRequested, Actor: "a",
			Detail: map[string]string{"i": string(rune('0' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Pool().Exec(ctx, `ALTER TABLE audit DISABLE TRIGGER audit_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE audit SET detail = '{"i":"9"}' WHERE seq = 4`); err != nil {
		t.Fatalf("update after disabling the trigger: %v", err)
	}
	recs, err := db.AuditRecords(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := mfa.NewChainVerifier()
	var br *mfa.ChainBreak
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			if !errors.As(err, &br) {
				t.Fatalf("unexpected error %v", err)
			}
			break
		}
	}
	if br == nil || br.Seq != 4 {
		t.Fatalf("tampered record not found: break %v, verified %d", br, v.Count())
	}
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
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := newDB(t, postgres.WithClock(clock))
	for _, k := range []string{"a", "b", "c"} {
		if _, err := db.Once(ctx, k, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Minute)
	if _, err := db.Once(ctx, "d", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, err := db.OnceKeys(ctx); err != nil || n != 1 {
		t.Fatalf("%d keys recorded after the purge, want 1 (%v)", n, err)
	}
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
